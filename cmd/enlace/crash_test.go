package main

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/enlace-desk/enlace/assets/demo"
	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/exchange"
	"github.com/enlace-desk/enlace/exchange/officerkey"
	"github.com/enlace-desk/enlace/internal/passphrase"
)

// TestMain lets the test binary play a desk that syncs until it is killed
// (ENLACE_DESK_CHILD=DIR, ENLACE_DESK_HUB=URL).
//
// The tests' demo keys are sealed with cheap Argon2id parameters, and the
// tools read the demo passphrase from ENLACE_PASSPHRASE_FILE as a script
// would (TestToolsWithoutThePassphraseCannotAct unsets it).
func TestMain(m *testing.M) {
	officerKeyParams = officerkey.Params{Time: 1, MemoryKiB: 64, Threads: 1}
	demoKeyParams = officerKeyParams
	if dir := os.Getenv("ENLACE_DESK_CHILD"); dir != "" {
		os.Exit(deskChild(dir, os.Getenv("ENLACE_DESK_HUB")))
	}
	tmp, err := os.MkdirTemp("", "enlace-cmd-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	pf := filepath.Join(tmp, "passphrase")
	if err := os.WriteFile(pf, []byte(demoPassphrase+"\n"), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv(passphrase.EnvFile, pf)
	code := m.Run()
	os.RemoveAll(tmp)
	os.Exit(code)
}

// deskChild syncs the desk in dir forever, adding a note between rounds.
func deskChild(dir, hub string) int {
	ctx := context.Background()
	st, settings, err := openDeskStore(ctx, dir, 0)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	if err := settings.keys.Unlock("ec.mrodriguez", []byte(demoPassphrase)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	c, err := newSyncClient(st, settings, func(c *exchange.ClientConfig) { c.HubURL = hub; c.PullLimit = 50; c.BatchSize = 20 })
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	fmt.Println("ready")
	maria := officer("ec.mrodriguez")
	for i := 0; ; i++ {
		if list, err := st.Cases(ctx, cases.CaseFilter{Agency: "EC-PN"}); err == nil && len(list) > 0 {
			st.AddNote(ctx, maria, list[0].ID, "note "+strconv.Itoa(i)+" from the EC desk", "")
		}
		c.RunOnce(ctx)
	}
}

// TestDeskKilledDuringSyncLosesAndDuplicatesNothing kills a desk (a real
// store and sync client in a subprocess) at random points while it pushes and
// pulls, then lets it finish: every event is there exactly once.
func TestDeskKilledDuringSyncLosesAndDuplicatesNothing(t *testing.T) {
	trials := 3
	if n, err := strconv.Atoi(os.Getenv("ENLACE_CRASH_TRIALS")); err == nil {
		trials = n
	}
	ctx := context.Background()
	dir, url := startDemoHub(t)

	// The US desk makes a shared case and a few hundred notes for the EC desk to pull.
	us, usSettings, err := openDeskStore(ctx, filepath.Join(dir, "us-cbp-desk-1"), 2)
	if err != nil {
		t.Fatal(err)
	}
	defer us.Close()
	demo.WriteDirectory(ctx, us)
	if err := usSettings.keys.Unlock("us.jsmith", []byte(demoPassphrase)); err != nil {
		t.Fatal(err)
	}
	jane := officer("us.jsmith")
	c, err := us.CreateCase(ctx, jane, cases.NewCase{Title: "Crash test", SharedWith: []string{"EC-PN"}})
	if err != nil {
		t.Fatal(err)
	}
	const usNotes = 300
	for i := 0; i < usNotes; i++ {
		if _, err := us.AddNote(ctx, jane, c.ID, fmt.Sprintf("US note %d", i), ""); err != nil {
			t.Fatal(err)
		}
	}
	usSync, err := newSyncClient(us, usSettings, func(c *exchange.ClientConfig) { c.HubURL = url })
	if err != nil {
		t.Fatal(err)
	}
	defer usSync.Close()
	if r := usSync.RunOnce(ctx); !r.OK() {
		t.Fatalf("US push: %+v", r)
	}

	ecDir := filepath.Join(dir, "ec-pn-desk-1")
	ec, _, err := openDeskStore(ctx, ecDir, 1)
	if err != nil {
		t.Fatal(err)
	}
	demo.WriteDirectory(ctx, ec)
	ec.Close()
	exe, _ := os.Executable()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 3))
	for trial := 0; trial < trials; trial++ {
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), "ENLACE_DESK_CHILD="+ecDir, "ENLACE_DESK_HUB="+url)
		out, _ := cmd.StdoutPipe()
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "ready\n" {
			t.Fatalf("desk did not start: %q %v", line, err)
		}
		time.Sleep(time.Duration(20+rng.IntN(400)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
	}

	// Let the EC desk finish in-process, then push the US desk's pull too.
	ec, ecSettings, err := openDeskStore(ctx, ecDir, 1)
	if err != nil {
		t.Fatalf("reopen after kills: %v", err)
	}
	defer ec.Close()
	ecSync, err := newSyncClient(ec, ecSettings, func(c *exchange.ClientConfig) { c.HubURL = url })
	if err != nil {
		t.Fatal(err)
	}
	defer ecSync.Close()
	for i := 0; i < 5; i++ {
		if r := ecSync.RunOnce(ctx); !r.OK() || r.Rejected > 0 || r.Refused > 0 {
			t.Fatalf("EC round after the kills: %+v", r)
		}
		if r := usSync.RunOnce(ctx); !r.OK() {
			t.Fatalf("US round: %+v", r)
		}
	}
	if n, _ := ec.Pending(ctx); n != 0 {
		t.Fatalf("EC desk still has %d events to send", n)
	}
	ecAnns, _ := ec.Annotations(ctx, c.ID)
	usAnns, _ := us.Annotations(ctx, c.ID)
	if len(ecAnns) != len(usAnns) || len(ecAnns) < usNotes {
		t.Fatalf("after %d kills: EC holds %d annotations, US %d (US wrote %d)", trials, len(ecAnns), len(usAnns), usNotes)
	}
	seen := map[string]bool{}
	for _, a := range ecAnns {
		if seen[a.ID] {
			t.Fatalf("annotation %s twice on the EC desk", a.ID)
		}
		seen[a.ID] = true
	}
	for _, a := range usAnns {
		if !seen[a.ID] {
			t.Fatalf("annotation %s (%q) missing on the EC desk", a.ID, a.Text)
		}
	}
	t.Logf("%d kills; %d annotations on both desks (%d from the killed desk)", trials, len(ecAnns), len(ecAnns)-usNotes)
}
