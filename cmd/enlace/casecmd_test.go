package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/store"
)

// TestCrossedCaseEditsConvergeFromTheShell is the shell session: both
// demo desks prepared in one data dir with `demo --no-ui`, the hub from its
// hub.json, crossed edits of a shared case made offline on both desks with
// `enlace case`, two syncs each; then `case show --json` and `sync digest`
// agree on both desks, and the concurrent edit that lost is marked.
func TestCrossedCaseEditsConvergeFromTheShell(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	sh, fails := shell(t)
	small := []string{"--subjects", "120", "--cases", "30", "--prints", "0", "--encounters", "0"}
	sh(append([]string{"demo", "--no-ui", "--data-dir", dir, "--as", "ec.mrodriguez"}, small...)...)
	sh(append([]string{"demo", "--no-ui", "--data-dir", dir, "--as", "us.jsmith"}, small...)...)
	ecDir, usDir := filepath.Join(dir, "ec-pn-desk-1"), filepath.Join(dir, "us-cbp-desk-1")

	// The hub from its configuration, on a free loopback port.
	url := serveDemoHub(t, dir)
	for _, d := range []string{ecDir, usDir} {
		s, _, err := loadSyncSettings(d)
		if err != nil {
			t.Fatal(err)
		}
		s.HubURL = url
		if err := writeSyncSettings(d, s); err != nil {
			t.Fatal(err)
		}
	}
	syncAll := func() {
		for _, d := range []string{ecDir, usDir, ecDir, usDir} {
			sh("sync", "--data-dir", d)
		}
	}
	syncAll()

	// A case EC-PN shares with US-CBP, as both desks list it.
	var list []caseSummaryJSON
	if err := json.Unmarshal([]byte(sh("case", "list", "--shared", "--status", "new", "--json", "--data-dir", ecDir)), &list); err != nil {
		t.Fatal(err)
	}
	var id string
	for _, c := range list {
		if strings.HasPrefix(c.ID, "EC-PN-") {
			id = c.ID
			break
		}
	}
	if id == "" {
		t.Fatalf("no new EC-PN case shared with US-CBP among %d", len(list))
	}
	sh("case", "show", id, "--data-dir", usDir) // it reached the US desk
	var subject string
	ecPrio, usPrio := "low", "critical" // two priorities, neither the case's own
	{
		var c caseJSON
		if err := json.Unmarshal([]byte(sh("case", "show", id, "--json", "--data-dir", ecDir)), &c); err != nil {
			t.Fatal(err)
		}
		if len(c.SubjectIDs) > 0 {
			subject = c.SubjectIDs[0]
		}
		switch c.Priority {
		case "low":
			ecPrio = "normal"
		case "critical":
			usPrio = "high"
		}
	}

	// Wrong agency, unknown case, forbidden move: refused, nothing changed.
	before := sh("case", "show", id, "--json", "--data-dir", ecDir)
	fails("is an officer of US-CBP", "case", "note", id, "hi", "--as", "us.jsmith", "--data-dir", ecDir)
	fails("no officer", "case", "note", id, "hi", "--as", "nobody", "--data-dir", ecDir)
	fails("no case", "case", "show", "EC-PN-2026-999999", "--data-dir", ecDir)
	fails("cannot move to Closed", "case", "status", id, "closed", "--data-dir", ecDir)
	fails("assigns only", "case", "assign", id, "us.rgarcia", "--as", "ec.lzambrano", "--data-dir", ecDir)
	if after := sh("case", "show", id, "--json", "--data-dir", ecDir); after != before {
		t.Errorf("refused commands changed the case:\nbefore %s\nafter  %s", before, after)
	}
	if out := sh("sync", "--data-dir", ecDir); !strings.Contains(out, "pushed 0") {
		t.Errorf("refused commands left events to send: %s", out)
	}

	// Crossed edits, offline on both desks.
	sh("case", "assign", id, "ec.jcedeno", "--as", "ec.lzambrano", "--data-dir", ecDir)
	sh("case", "priority", id, ecPrio, "--as", "ec.lzambrano", "--data-dir", ecDir)
	sh("case", "status", id, "in_review", "--data-dir", ecDir)
	sh("case", "note", id, "EC note, offline", "--data-dir", ecDir)
	sh("case", "assign", id, "us.rgarcia", "--as", "us.mbrown", "--data-dir", usDir)
	sh("case", "priority", id, usPrio, "--as", "us.mbrown", "--data-dir", usDir)
	sh("case", "status", id, "escalated", "--reason", "urgent", "--data-dir", usDir)
	sh("case", "note", id, "US note, offline", "--data-dir", usDir)
	if subject != "" {
		sh("case", "unlink", id, subject, "--data-dir", ecDir)
	}
	syncAll()
	syncAll()

	var ec, us caseJSON
	if err := json.Unmarshal([]byte(sh("case", "show", id, "--json", "--data-dir", ecDir)), &ec); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(sh("case", "show", id, "--json", "--data-dir", usDir)), &us); err != nil {
		t.Fatal(err)
	}
	same := func(what string, a, b any) {
		t.Helper()
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Errorf("%s differs: EC %s, US %s", what, ja, jb)
		}
	}
	same("status", ec.Status, us.Status)
	same("conflict", ec.Conflict, us.Conflict)
	same("priority", ec.Priority, us.Priority)
	same("due", ec.Due, us.Due)
	same("assignees", ec.Assignees, us.Assignees)
	same("subjects", ec.SubjectIDs, us.SubjectIDs)
	same("digest", ec.Digest, us.Digest)
	same("timeline", ec.Timeline, us.Timeline)
	if ec.Assignees["EC-PN"] != "ec.jcedeno" || ec.Assignees["US-CBP"] != "us.rgarcia" {
		t.Errorf("one assignee per agency: %v", ec.Assignees)
	}
	if !ec.Conflict {
		t.Errorf("crossed status moves should leave the case in conflict")
	}
	overridden := 0
	for _, a := range ec.Timeline {
		if a.Overridden {
			overridden++
			if a.Kind != "priority" {
				t.Errorf("%s marked overridden", a.Kind)
			}
		}
	}
	if overridden != 1 {
		t.Errorf("%d edits marked overridden; want the priority that lost", overridden)
	}
	if subject != "" && len(ec.SubjectIDs) != 0 && strings.Contains(strings.Join(ec.SubjectIDs, ","), subject) {
		t.Errorf("the unlinked subject is still linked on the EC desk")
	}
	de, du := sh("sync", "digest", "--data-dir", ecDir), sh("sync", "digest", "--data-dir", usDir)
	lastLine := func(s string) string {
		lines := strings.Split(strings.TrimSpace(s), "\n")
		return lines[len(lines)-1]
	}
	// The US desk holds the cases shared with it; the EC desk also its own
	// cases shared with nobody: compare the cases both hold.
	for _, line := range strings.Split(strings.TrimSpace(de), "\n") {
		if strings.HasSuffix(line, "  "+id) && !strings.Contains(du, line) {
			t.Errorf("digest of %s differs:\nEC %s\nUS %s", id, de, du)
		}
	}
	if lastLine(de) != lastLine(du) {
		t.Errorf("shared state differs:\nEC %s\nUS %s", lastLine(de), lastLine(du))
	}

	// A received event the desk will not apply is quarantined, and `enlace
	// sync` says so with the reason.
	st, err := store.Open(context.Background(), filepath.Join(ecDir, dataFileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cur, _ := st.SyncCursor(context.Background())
	poison := cases.Event{ID: "01a0ffff-0000-7000-8000-0000000000ff", Author: "us.jsmith", Device: "x", HLC: cases.HLC{WallMS: 1},
		Kind: cases.EventSubjectUpserted, Agency: "US-CBP", Payload: []byte(`"not a subject"`)}
	if err := st.ApplyRemote(context.Background(), []store.SyncEvent{{Seq: 1 << 40, Event: poison}}, cur); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if out := sh("sync", "--data-dir", ecDir); !strings.Contains(out, "quarantined (received, not applied): 1") || !strings.Contains(out, "not a valid subject.upserted payload") {
		t.Errorf("enlace sync does not show the quarantined event:\n%s", out)
	}
}

// shell runs enlace command lines as a person at a shell would: sh wants
// success and returns what was printed, fails wants an error saying want.
func shell(t *testing.T) (sh func(args ...string) string, fails func(want string, args ...string)) {
	ctx := context.Background()
	sh = func(args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		if err := run(ctx, args, &out, &errOut); err != nil {
			t.Fatalf("enlace %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
		}
		return out.String()
	}
	fails = func(want string, args ...string) {
		t.Helper()
		var out, errOut bytes.Buffer
		err := run(ctx, args, &out, &errOut)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("enlace %s: got %v, want an error saying %q", strings.Join(args, " "), err, want)
		}
	}
	return sh, fails
}
