package ui

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/store"
)

// queryLog is the desk's query log, newest first.
func queryLog(t *testing.T, d *desk) []cases.QueryLogEntry {
	t.Helper()
	log, err := d.store.QueryLog(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	return log
}

// openSearch opens the subject search and states the purpose: the first
// choice, border inspection.
func (s *session) openSearch() {
	s.t.Helper()
	s.ready()
	s.press("f")
	s.waitFor("Why are you searching?")
	s.press("enter")
	s.waitFor("Searches are for: Border inspection.")
	s.waitGone("Why are you searching?")
}

func TestSubjectSearchAsYouType(t *testing.T) {
	d := seedDesk(t)
	s := start(t, d.config(officer, ThemeDark), 120, 40)
	s.openSearch()
	if n := len(queryLog(t, d)); n != 0 {
		t.Fatalf("%d searches logged before any query", n)
	}

	// A name in everyday order, with the moniker.
	s.typeText("fito macias")
	text := s.waitFor("José Adolfo Macías Villamar")
	for _, want := range []string{"MACÍAS VILLAMAR JOSÉ ADOLFO", "1979-08-15", "Cédula 1714307103 (ECU)", "Gang member",
		"EC-PN", "2 fingers", "why: alias Fito", "read as name", "Purpose Border inspection"} {
		if !strings.Contains(text, want) {
			t.Errorf("search result lacks %q:\n%s", want, text)
		}
	}
	// Typing the eleven letters ran one search, logged with its purpose.
	log := queryLog(t, d)
	if len(log) != 1 || log[0].Query != "fito macias" || log[0].Purpose != cases.PurposeBorder ||
		log[0].OfficerID != officer.ID || log[0].Results != 1 {
		t.Fatalf("query log after one query: %+v", log)
	}

	// The cédula.
	s.press("ctrl+u")
	s.waitFor("Type a name in any order")
	s.typeText("1714307103")
	text = s.waitFor("read as cedula")
	if !strings.Contains(text, "José Adolfo Macías Villamar") || !strings.Contains(text, "Cédula 1714307103 (ECU) on file") {
		t.Errorf("the cédula did not find the subject:\n%s", text)
	}

	// A cédula with a wrong check digit: the rule broken is named.
	s.press("ctrl+u")
	s.typeText("1714307104")
	text = s.waitFor("check digit is 4, expected 3")
	if !strings.Contains(text, "No subject matches “1714307104”.") {
		t.Errorf("a broken cédula shows results:\n%s", text)
	}

	// Leaving and coming back: the purpose is remembered, not asked again.
	s.press("esc")
	s.waitFor("Cases 6 of 6")
	s.press("f")
	text = s.waitFor("Purpose Border inspection")
	if strings.Contains(text, "Why are you searching?") {
		t.Errorf("the purpose was asked again:\n%s", text)
	}

	// Changing it to Other needs a description.
	s.press("ctrl+p")
	s.waitFor("Why are you searching?")
	s.press("up", "enter") // Other, the last choice, without text
	s.waitFor(`purpose "other" needs a description`)
	s.typeText("consular records request")
	s.press("enter")
	s.waitFor("Purpose Other: consular records request")
	s.waitGone("Why are you searching?")
	s.typeText("carlos perez")
	s.waitFor("Carlos Andrés Pérez Loor")
	log = queryLog(t, d)
	if len(log) < 4 || log[0].Purpose != cases.PurposeOther || log[0].PurposeText != "consular records request" {
		t.Fatalf("last query-log entry %+v, want purpose other with its text", log[0])
	}
	// Reopened again, the "other" text is still there.
	s.press("ctrl+p")
	text = s.waitFor("Why are you searching?")
	if !strings.Contains(text, "consular records request") || !strings.Contains(text, "▸ Other") {
		t.Errorf("the purpose picker forgot the session's purpose:\n%s", text)
	}
}

func TestSubjectSearchEmptyQueryAndMissingPurpose(t *testing.T) {
	d := seedDesk(t)
	s := start(t, d.config(officer, ThemeDark), 100, 30)
	s.ready()
	s.press("f")
	s.waitFor("Why are you searching?")
	s.press("esc") // no purpose stated
	s.waitFor("No purpose stated: ctrl+p states it")

	// Spaces only: nothing shown, nothing searched.
	s.typeText("   ")
	time.Sleep(2 * searchDelay)
	text := s.waitFor("Type a name in any order")
	if strings.Contains(text, "✗") || strings.Contains(text, "searching") {
		t.Errorf("an empty query searched:\n%s", text)
	}

	// A query without a purpose: the store's refusal in the message line.
	s.typeText("fito")
	s.waitFor("✗ every search needs a stated purpose")
	if log := queryLog(t, d); len(log) != 0 {
		t.Fatalf("searches without a purpose were logged: %+v", log)
	}

	// A malformed date of birth is named; nothing is searched.
	s.press("ctrl+p")
	s.waitFor("Why are you searching?")
	s.press("down", "enter") // criminal investigation
	s.waitFor("José Adolfo Macías Villamar")
	before := len(queryLog(t, d))
	s.press("tab")
	s.typeText("19x9")
	time.Sleep(2 * searchDelay)
	s.waitFor("19x9")
	if after := len(queryLog(t, d)); after != before {
		t.Errorf("a search ran with a malformed date of birth (%d → %d log entries)", before, after)
	}
}

func TestSubjectSearchDropsStaleResults(t *testing.T) {
	d := seedDesk(t)
	s := start(t, d.config(officer, ThemeDark), 120, 40)
	s.openSearch()

	// Two queries typed in quick succession: only the latest runs and shows.
	s.typeText("carlos perez")
	s.press("ctrl+u")
	s.typeText("fito macias")
	text := s.waitFor("José Adolfo Macías Villamar")
	if strings.Contains(text, "Pérez Loor") {
		t.Errorf("results of the replaced query are shown:\n%s", text)
	}
	log := queryLog(t, d)
	if len(log) != 1 || log[0].Query != "fito macias" {
		t.Errorf("query log %+v: want only the latest query", log)
	}

	// A result that arrives for an older query (a slow search overtaken by
	// the officer's typing) is dropped.
	search, ok := s.top().(*subjectSearch)
	if !ok {
		t.Fatalf("top screen is %T", s.top())
	}
	stale := &cases.SearchResult{ReadAs: "name", Hits: []cases.SubjectHit{{
		Subject: cases.Subject{Name: cases.Name{Given: []string{"Stale"}, Paternal: "Result"}, Category: cases.CategoryOther},
		Score:   0.99}}}
	s.tm.Send(searchResultMsg{s: search, seq: 1, res: stale})
	s.typeText(" ")
	time.Sleep(2 * searchDelay)
	text = s.waitFor("José Adolfo Macías Villamar")
	if strings.Contains(text, "Stale Result") {
		t.Errorf("a stale result replaced the latest:\n%s", text)
	}
}

func TestSubjectViewAndNewCase(t *testing.T) {
	d := seedDesk(t)
	ctx := context.Background()
	s := start(t, d.config(officer, ThemeDark), 120, 40)
	s.openSearch()
	s.typeText("fito")
	s.waitFor("José Adolfo Macías Villamar")
	s.press("enter")
	text := s.waitFor("Fingerprints on file (2)")
	for _, want := range []string{
		"Cédula 1714307103 (ECU)", "“Fito”", "arrest warrant", "Los Choneros", "ECU",
		"right index", "left index", "iso19794-2:2005", "Why it matched (score", "• alias Fito", "fito = Fito: exact",
		"Cases (2)", caseHit, caseGang,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("subject view lacks %q:\n%s", want, text)
		}
	}
	// Looking at the person is logged, once, with the session's purpose.
	var views int
	for _, e := range queryLog(t, d) {
		if e.Kind == "view" && strings.Contains(e.Query, "José Adolfo Macías Villamar") && e.Purpose != "" {
			views++
		}
	}
	if views != 1 {
		t.Errorf("opening the subject logged %d views, want 1", views)
	}
	// The cases: the selected one opens.
	s.press("down", "enter")
	text = s.waitFor("Timeline (")
	if !strings.Contains(text, caseGang) && !strings.Contains(text, caseHit) {
		t.Errorf("no case opened:\n%s", text)
	}
	s.press("esc")
	s.waitFor("Fingerprints on file (2)")

	// A new case on the subject, shared with the partner by default.
	s.press("c")
	text = s.waitFor("Open a case on José Adolfo Macías Villamar")
	if !strings.Contains(text, "Identity check: José Adolfo Macías Villamar") || !strings.Contains(text, "[US-CBP]") {
		t.Errorf("case form not prefilled:\n%s", text)
	}
	s.press("enter")
	text = s.waitFor("Timeline (0)")
	if !strings.Contains(text, "Identity check: José Adolfo Macías Villamar") || !strings.Contains(text, "US-CBP") {
		t.Errorf("the new case is not the one open:\n%s", text)
	}
	id := s.top().Title()
	c, err := d.store.Case(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if c.Title != "Identity check: José Adolfo Macías Villamar" || len(c.SubjectIDs) != 1 ||
		strings.Join(c.SharedWith, ",") != "US-CBP" || c.Priority != cases.PriorityNormal {
		t.Fatalf("stored case %+v", c)
	}
	// Back on the subject, the case is listed; in the queue too.
	s.press("esc")
	s.waitFor("Cases (3)")
	s.press("esc")
	s.waitFor("Find › fito")
	s.press("esc")
	s.waitFor("Cases 7 of 7")
}

// fakeSync is a sync state the test changes while the workstation runs.
type fakeSync struct {
	p atomic.Pointer[cases.SyncState]
}

func (f *fakeSync) set(s cases.SyncState) { f.p.Store(&s) }
func (f *fakeSync) get() cases.SyncState  { return *f.p.Load() }

func TestSyncStatusLive(t *testing.T) {
	d := seedDesk(t)
	var fs fakeSync
	fs.set(cases.SyncState{})
	changes := make(chan struct{}, 1)
	cfg := d.config(supervisor, ThemeDark)
	cfg.Sync = fs.get
	cfg.Changes = changes
	s := start(t, cfg, 140, 30)
	s.ready()
	s.waitFor("this desk does not sync")

	for _, tc := range []struct {
		state cases.SyncState
		want  []string
		not   []string
	}{
		{cases.SyncState{Configured: true, Connected: true, LastSync: seedNow.Add(-12 * time.Second)},
			[]string{"● connected", "synced just now", "0 to send"}, []string{"conflict", "refused", "offline"}},
		{cases.SyncState{Configured: true, LastError: `pull: Get "https://127.0.0.1:8443/v1/events": dial tcp 127.0.0.1:8443: connection refused`},
			[]string{"○ offline: the hub does not answer", "never synced"}, []string{"● connected", "dial tcp", "Get"}},
		{cases.SyncState{Configured: true, Connected: true, LastSync: seedNow.Add(-5 * time.Minute), Pending: 1234},
			[]string{"synced 5m ago", "1,234 to send"}, nil},
		{cases.SyncState{Configured: true, Connected: true, LastSync: seedNow, Conflicts: 2, Rejected: 1},
			[]string{"synced just now", "⚠ 2 conflicts", "✗ 1 refused"}, nil},
		{cases.SyncState{Configured: true, Pending: 7}, []string{"○ connecting…", "never synced", "7 to send"}, []string{"offline"}},
		{cases.SyncState{Configured: false, Connected: true}, []string{"this desk does not sync"}, []string{"connected"}},
	} {
		fs.set(tc.state)
		// No key is pressed: the change notice redraws the status bar.
		changes <- struct{}{}
		text := s.waitFor(tc.want[0])
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("state %+v: status bar lacks %q:\n%s", tc.state, w, text)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(lastLines(text, 3), n) {
				t.Errorf("state %+v: status bar shows %q:\n%s", tc.state, n, text)
			}
		}
	}

	// The sync screen lists the rounds.
	fs.set(cases.SyncState{Configured: true, HubURL: "https://127.0.0.1:8443", Connected: false,
		LastSync: seedNow.Add(-time.Minute), Pending: 3, Conflicts: 1, Rejected: 1, LastError: "hub answered 503",
		Rounds: []cases.SyncRound{
			{Started: seedNow.Add(-30 * time.Second), Duration: 850 * time.Millisecond, Err: "hub answered 503"},
			{Started: seedNow.Add(-time.Minute), Duration: 2400 * time.Millisecond, Pushed: 12, Pulled: 40, Rejected: 1},
		}})
	changes <- struct{}{}
	s.waitFor("the hub has a fault")
	s.press("y")
	text := s.waitFor("Recent rounds (2)")
	for _, want := range []string{"https://127.0.0.1:8443", "○ offline", "3 events", "⚠ 1 case", "✗ 1 event", "hub answered 503", "the hub has a fault",
		"2026-03-16 09:59:00     2.4s      12      40       1", "850ms"} {
		if !strings.Contains(text, want) {
			t.Errorf("sync screen lacks %q:\n%s", want, text)
		}
	}
	s.press("esc")
	s.waitFor("Cases 6 of 6")
}

// lastLines is the last n lines of a frame: the message line, status bar and
// help.
func lastLines(frame string, n int) string {
	lines := strings.Split(frame, "\n")
	return strings.Join(lines[max(len(lines)-n, 0):], "\n")
}

// changeFeed plays the store's ChangedSince for the workstation's tests: a
// generation per add, merged for a reader behind.
type changeFeed struct {
	mu  sync.Mutex
	log []cases.Changes // log[i] brings generation i+1
}

func (f *changeFeed) add(ch cases.Changes) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = append(f.log, ch)
}

func (f *changeFeed) since(gen uint64) cases.Changes {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := cases.Changes{Generation: uint64(len(f.log))}
	for _, ch := range f.log[min(int(gen), len(f.log)):] {
		out.All = out.All || ch.All
		out.Other = out.Other || ch.Other
		out.Cases = append(out.Cases, ch.Cases...)
		out.Subjects = append(out.Subjects, ch.Subjects...)
	}
	return out
}

func TestChangesReloadScreens(t *testing.T) {
	d := seedDesk(t)
	ctx := context.Background()
	var feed changeFeed
	changes := make(chan struct{})
	cfg := d.config(supervisor, ThemeDark)
	cfg.Changed = feed.since
	cfg.Changes = changes
	s := start(t, cfg, 120, 30)
	s.ready()
	s.press("down") // the second row: the overdue case
	s.waitFor("▸ " + caseHit)

	// A case arrives behind the workstation's back.
	c, err := d.store.CreateCase(ctx, partner, cases.NewCase{Title: "Partner request: verify a deportee's identity",
		Priority: cases.PriorityCritical, SharedWith: []string{"EC-PN"}})
	if err != nil {
		t.Fatal(err)
	}
	changes <- struct{}{} // a change notice without a generation change reloads nothing
	changes <- struct{}{} // (the second send waits until the first was taken)
	if strings.Contains(s.text(), c.ID) {
		t.Fatal("the queue reloaded without a generation change")
	}
	// The queue reads the case it is told of, by ID.
	feed.add(cases.Changes{Cases: []string{c.ID}})
	changes <- struct{}{}
	text := s.waitFor(c.ID)
	if !strings.Contains(text, "Cases 7 of 7") || !strings.Contains(text, "▸ "+caseHit) {
		t.Errorf("reload lost the count or the selection:\n%s", text)
	}
	// A changed title shows on its row.
	title := "Partner request: deportee identified"
	if err := d.store.UpdateCase(ctx, partner, cases.CaseUpdated{CaseID: c.ID, Title: &title}); err != nil {
		t.Fatal(err)
	}
	feed.add(cases.Changes{Cases: []string{c.ID}})
	changes <- struct{}{}
	s.waitFor("Partner request: deportee identified")

	// The open case view reloads when its case changed
	// (TestCaseViewReloadsForItsOwnChanges: only then).
	s.press("enter")
	s.waitFor("Timeline (1)")
	if _, err := d.store.AddNote(ctx, partner, caseHit, "Original capture sent by courier.", ""); err != nil {
		t.Fatal(err)
	}
	feed.add(cases.Changes{Cases: []string{caseHit}})
	changes <- struct{}{}
	s.waitFor("Original capture sent by courier.")
	s.waitFor("Timeline (2)")

	// What the officer's last action said may not hold once the partner's
	// changes arrive: the message goes.
	s.press("n")
	s.waitFor("Add a note to")
	s.typeText("Checked.")
	s.press("ctrl+s")
	s.waitFor("Note added to " + caseHit)
	feed.add(cases.Changes{Cases: []string{caseHit}})
	changes <- struct{}{}
	s.waitGone("Note added to " + caseHit)
}

// conflictOn puts caseID in conflict the way sync does: the desk changes
// its status and the hub answers that the change crossed another.
func conflictOn(t *testing.T, d *desk, caseID string) {
	t.Helper()
	ctx := context.Background()
	if _, err := d.store.ChangeStatus(ctx, officer, caseID, cases.StatusInReview, ""); err != nil {
		t.Fatal(err)
	}
	evs, err := d.store.Unsent(ctx, 1000)
	if err != nil || len(evs) == 0 {
		t.Fatalf("unsent events: %v %d", err, len(evs))
	}
	last := evs[len(evs)-1]
	if last.CaseID != caseID {
		t.Fatalf("the last event is on %s, not %s", last.CaseID, caseID)
	}
	if err := d.store.Acknowledge(ctx, []store.SyncAck{{EventID: last.ID, Seq: 1, Conflict: true}}); err != nil {
		t.Fatal(err)
	}
	c, err := d.store.Case(ctx, caseID)
	if err != nil || !c.Conflict {
		t.Fatalf("case %s not in conflict: %v %+v", caseID, err, c)
	}
}

func TestConflictResolution(t *testing.T) {
	d := seedDesk(t)
	conflictOn(t, d, caseAlias)

	// An officer sees the banner and that a supervisor must act.
	o := start(t, d.config(officer, ThemeDark), 120, 30)
	text := o.openCase(caseAlias)
	if !strings.Contains(text, "CONFLICT: two status changes") || !strings.Contains(text, "A supervisor must resolve it.") {
		t.Errorf("officer's case view lacks the conflict banner:\n%s", text)
	}
	o.press("R")
	o.waitFor("Only a supervisor resolves a conflict.")

	s := start(t, d.config(supervisor, ThemeDark), 120, 30)
	text = s.openCase(caseAlias)
	if !strings.Contains(text, "Press R to resolve it.") || !strings.Contains(text, "R resolve conflict") {
		t.Errorf("supervisor's case view does not offer to resolve:\n%s", text)
	}
	s.press("R")
	text = s.waitFor("Resolve the conflict on " + caseAlias)
	if !strings.Contains(text, "▸ New  (as it stands)") {
		t.Errorf("resolve dialog does not start on the status as it stands:\n%s", text)
	}
	s.press("enter")
	s.waitFor("the reason is required")
	s.press("down", "down") // New → In review → Escalated
	s.typeText("Both desks agree the partner's evidence needs a supervisor.")
	s.press("enter")
	s.waitFor("Conflict on " + caseAlias + " resolved: the case is Escalated.")
	text = s.waitGone("CONFLICT")
	if !strings.Contains(text, "Status      Escalated") {
		t.Errorf("case view not reloaded after the resolution:\n%s", text)
	}
	c, err := d.store.Case(context.Background(), caseAlias)
	if err != nil {
		t.Fatal(err)
	}
	if c.Conflict || c.Status != cases.StatusEscalated {
		t.Fatalf("stored case: status %s conflict %v", c.Status, c.Conflict)
	}
	s.press("R")
	s.waitFor("This case is not in conflict.")
}

// TestGoldenResolveDialog: the resolve dialog's question is whole at every
// size a newcomer tried (it was cut to "Which status should the c…").
func TestGoldenResolveDialog(t *testing.T) {
	for _, tc := range []struct {
		theme string
		w, h  int
	}{{ThemeDark, 120, 40}, {ThemeLight, 80, 24}} {
		t.Run(fmt.Sprintf("%s_%dx%d", tc.theme, tc.w, tc.h), func(t *testing.T) {
			d := seedDesk(t)
			conflictOn(t, d, caseAlias)
			s := start(t, d.config(supervisor, tc.theme), tc.w, tc.h)
			s.openCase(caseAlias)
			s.press("R")
			text := s.waitFor("Resolve the conflict on " + caseAlias)
			var inside []string
			for _, line := range strings.Split(text, "\n") {
				if parts := strings.Split(line, "│"); len(parts) == 3 {
					inside = append(inside, strings.TrimSpace(parts[1]))
				}
			}
			const question = "Two status changes crossed between the desks. Which status should the case have?"
			if got := strings.Join(strings.Fields(strings.Join(inside, " ")), " "); !strings.Contains(got, question) {
				t.Errorf("the dialog does not ask %q whole:\n%s", question, text)
			}
			s.tm.Send(tea.WindowSizeMsg{Width: tc.w, Height: tc.h}) // no-op resize: settle
			f := s.frame()
			checkFrame(t, f, tc.w, tc.h)
			golden.RequireEqual(t, f)
		})
	}
}

func TestGoldenSubjectSearch(t *testing.T) {
	for _, tc := range []struct {
		theme string
		w, h  int
	}{{ThemeDark, 100, 30}, {ThemeLight, 100, 30}, {ThemeDark, 80, 24}} {
		t.Run(fmt.Sprintf("%s_%dx%d", tc.theme, tc.w, tc.h), func(t *testing.T) {
			d := seedDesk(t)
			s := start(t, d.config(supervisor, tc.theme), tc.w, tc.h)
			s.openSearch()
			s.typeText("fito macias")
			s.waitFor("1 result")
			s.tm.Send(tea.WindowSizeMsg{Width: tc.w, Height: tc.h}) // no-op resize: settle
			f := s.frame()
			checkFrame(t, f, tc.w, tc.h)
			golden.RequireEqual(t, f)
		})
	}
}

func TestGoldenSubjectView(t *testing.T) {
	for _, theme := range []string{ThemeDark, ThemeLight} {
		t.Run(theme+"_100x30", func(t *testing.T) {
			d := seedDesk(t)
			s := start(t, d.config(supervisor, theme), 100, 30)
			s.openSearch()
			s.typeText("1714307103")
			s.waitFor("1 result")
			s.press("enter")
			s.waitFor("Fingerprints on file (2)")
			f := s.frame()
			checkFrame(t, f, 100, 30)
			golden.RequireEqual(t, stableIDs(f))
		})
	}
}
