package store_test

import (
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/store"
)

// The child half of TestKilledMidWriteLeavesConsistentStore: it writes cases
// and notes as fast as it can until it is killed.
func TestMain(m *testing.M) {
	if path := os.Getenv("ENLACE_STORE_CRASH_CHILD"); path != "" {
		crashChild(path)
		return
	}
	os.Exit(m.Run())
}

func crashChild(path string) {
	st, err := store.Open(ctx, path, store.Options{DeskNumber: 7})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	st.PutAgency(ctx, cases.Agency{Code: "US-CBP", Name: "CBP", Country: "USA"})
	st.PutOfficer(ctx, usOfficer)
	fmt.Println("ready")
	for i := 0; ; i++ {
		c, err := st.CreateCase(ctx, usOfficer, cases.NewCase{Title: "crash " + strconv.Itoa(i)})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(4)
		}
		for j := 0; j < 3; j++ {
			if _, err := st.AddNote(ctx, usOfficer, c.ID, fmt.Sprintf("note %d of case %d", j, i), ""); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(5)
			}
		}
	}
}

func TestKilledMidWriteLeavesConsistentStore(t *testing.T) {
	trials := 3
	if n, err := strconv.Atoi(os.Getenv("ENLACE_CRASH_TRIALS")); err == nil {
		trials = n
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for trial := 0; trial < trials; trial++ {
		path := filepath.Join(t.TempDir(), "crash.db")
		var lastCases int
		for round := 0; round < 2; round++ { // kill, then kill again after reopening
			cmd := exec.Command(exe, "-test.run=^$")
			cmd.Env = append(os.Environ(), "ENLACE_STORE_CRASH_CHILD="+path)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			cmd.Stderr = os.Stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, 6)
			if _, err := out.Read(buf); err != nil {
				t.Fatalf("child did not start: %v", err)
			}
			time.Sleep(time.Duration(150+trial*37%200) * time.Millisecond)
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()

			n := checkConsistent(t, path)
			if n < lastCases {
				t.Fatalf("trial %d: %d cases after a kill, %d before: committed work was lost", trial, n, lastCases)
			}
			if n == 0 {
				t.Fatalf("trial %d: the child wrote nothing before it was killed", trial)
			}
			lastCases = n
		}
	}
}

// checkConsistent opens the killed store as Enlace would and checks that
// every row has its event and the file is intact. It returns the case count.
func checkConsistent(t *testing.T, path string) int {
	t.Helper()
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	st.Close()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var integrity string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&integrity); err != nil || integrity != "ok" {
		t.Fatalf("integrity_check: %q %v", integrity, err)
	}
	var nCases, nCaseEvents, nAnn, nAnnEvents, orphans int
	db.QueryRow(`SELECT count(*) FROM cases`).Scan(&nCases)
	db.QueryRow(`SELECT count(*) FROM events WHERE kind = 'case.created'`).Scan(&nCaseEvents)
	db.QueryRow(`SELECT count(*) FROM annotations`).Scan(&nAnn)
	db.QueryRow(`SELECT count(*) FROM events WHERE kind = 'annotation.added'`).Scan(&nAnnEvents)
	db.QueryRow(`SELECT count(*) FROM annotations a LEFT JOIN events e ON e.id = a.event_id WHERE e.id IS NULL`).Scan(&orphans)
	if nCases != nCaseEvents || nAnn != nAnnEvents || orphans != 0 {
		t.Fatalf("store and event log disagree: %d cases / %d case events, %d annotations / %d annotation events, %d annotations without event",
			nCases, nCaseEvents, nAnn, nAnnEvents, orphans)
	}
	return nCases
}
