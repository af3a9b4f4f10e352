package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/enlace-desk/enlace/cases"
)

// checkFrame asserts the frame fills exactly the terminal: h lines of w cells.
func checkFrame(t *testing.T, frame string, w, h int) {
	t.Helper()
	lines := strings.Split(frame, "\n")
	if len(lines) != h {
		t.Errorf("frame has %d lines, the terminal %d", len(lines), h)
	}
	for i, l := range lines {
		if n := ansi.StringWidth(l); n != w {
			t.Errorf("line %d is %d cells wide, the terminal %d: %q", i, n, w, ansi.Strip(l))
		}
	}
}

// TestGoldenQueue pins the queue as drawn for the supervisor, in both themes
// and at the smallest supported size.
func TestGoldenQueue(t *testing.T) {
	for _, tc := range []struct {
		theme string
		w, h  int
	}{{ThemeDark, 100, 30}, {ThemeLight, 100, 30}, {ThemeDark, 80, 24}, {ThemeLight, 80, 24}} {
		t.Run(fmt.Sprintf("%s_%dx%d", tc.theme, tc.w, tc.h), func(t *testing.T) {
			d := seedDesk(t)
			s := start(t, d.config(supervisor, tc.theme), tc.w, tc.h)
			s.ready()
			f := s.frame()
			checkFrame(t, f, tc.w, tc.h)
			golden.RequireEqual(t, f)
		})
	}
}

// TestGoldenCaseView pins the case view of the overdue case with two
// subjects and a note.
func TestGoldenCaseView(t *testing.T) {
	for _, tc := range []struct {
		theme string
		w, h  int
	}{{ThemeDark, 100, 30}, {ThemeLight, 100, 30}, {ThemeDark, 80, 24}, {ThemeLight, 80, 24}} {
		t.Run(fmt.Sprintf("%s_%dx%d", tc.theme, tc.w, tc.h), func(t *testing.T) {
			d := seedDesk(t)
			s := start(t, d.config(supervisor, tc.theme), tc.w, tc.h)
			s.openCase(caseHit)
			f := s.frame()
			checkFrame(t, f, tc.w, tc.h)
			golden.RequireEqual(t, stableIDs(f))
		})
	}
}

func TestQueueShowsTheDesk(t *testing.T) {
	d := seedDesk(t)
	s := start(t, d.config(supervisor, ThemeDark), 120, 40)
	s.ready()
	text := s.text()
	for _, want := range []string{
		"María Rodríguez · EC-PN Policía Nacional del Ecuador · supervisor, officer", // header
		"6 cases · 2 subjects",    // store health
		"this desk does not sync", // sync state with Sync nil
		"? help", "q quit",        // help bar from the key map
		"2026-03-10", // due date of the overdue case
	} {
		if !strings.Contains(text, want) {
			t.Errorf("queue lacks %q:\n%s", want, text)
		}
	}
	// Sorted by priority, most urgent first; the overdue row is marked.
	var ids []string
	for _, l := range strings.Split(text, "\n") {
		if i := strings.Index(l, "EC-PN-2026-"); i >= 0 && i < 6 {
			ids = append(ids, l[i:i+17])
			if strings.Contains(l, caseHit) && !strings.HasSuffix(strings.TrimRight(l, " "), "!") {
				t.Errorf("overdue case not marked with !: %q", l)
			}
		}
	}
	want := []string{caseGang, caseHit, caseAlias, caseDeportee, caseExtradite, caseMerge}
	if strings.Join(ids, ",") != strings.Join(want, ",") {
		t.Errorf("queue order %v, want %v", ids, want)
	}
}

func TestSyncStateInStatusBar(t *testing.T) {
	d := seedDesk(t)
	cfg := d.config(supervisor, ThemeDark)
	cfg.Sync = func() cases.SyncState {
		return cases.SyncState{Configured: true, Connected: false, LastSync: seedNow.Add(-5 * time.Minute),
			Pending: 3, Conflicts: 1, LastError: "hub unreachable"}
	}
	s := start(t, cfg, 120, 30)
	s.ready()
	text := s.text()
	for _, want := range []string{"○ offline: the hub does not answer", "synced 5m ago", "3 to send", "⚠ 1 conflict"} {
		if !strings.Contains(text, want) {
			t.Errorf("status bar lacks %q:\n%s", want, text)
		}
	}
}

func TestQueueFiltersAndSort(t *testing.T) {
	d := seedDesk(t)
	s := start(t, d.config(officer, ThemeDark), 120, 30)
	s.waitFor("Cases 6 of 6")

	s.press("m")
	s.waitFor("Cases 2 of 6 · mine")
	s.press("u")
	text := s.waitFor("Cases 3 of 6 · unassigned")
	if strings.Contains(text, caseHit) {
		t.Errorf("unassigned shows an assigned case:\n%s", text)
	}
	s.press("x")
	s.waitFor("Cases 6 of 6")
	s.press("s", "s") // New, then In review
	s.waitFor("Cases 1 of 6 · status: In review")
	s.press("x", "o")
	text = s.waitFor("Cases 1 of 6 · overdue")
	if !strings.Contains(text, caseHit) {
		t.Errorf("overdue filter misses %s:\n%s", caseHit, text)
	}
	s.press("x")

	// Incremental filter: updates while typing; q is typed, not quit.
	s.press("/")
	s.typeText("q")
	text = s.waitFor("/ q")
	s.waitFor("4 of 6 · sort") // Huaquillas, requested, Guayaquil, request
	s.typeText("z")
	s.waitFor("0 of 6 · sort")
	s.press("backspace", "backspace")
	s.typeText("passport")
	s.waitFor("1 of 6 · sort")
	s.press("esc")
	s.waitFor("Cases 6 of 6")
	s.press("/")
	s.typeText("010005")
	s.press("enter")
	text = s.waitFor("Cases 1 of 6 · “010005”")
	if !strings.Contains(text, caseDeportee) {
		t.Errorf("filter kept the wrong case:\n%s", text)
	}
	s.press("x")

	// Sort by ID (key 1), then reverse.
	s.press("1")
	text = s.waitFor("sort ID ▲")
	if strings.Index(text, caseHit) > strings.Index(text, caseMerge) {
		t.Errorf("ID ascending puts %s after %s", caseHit, caseMerge)
	}
	s.press("r")
	text = s.waitFor("sort ID ▼")
	if strings.Index(text, caseHit) < strings.Index(text, caseMerge) {
		t.Errorf("ID descending puts %s before %s", caseHit, caseMerge)
	}
}

func TestAddNote(t *testing.T) {
	d := seedDesk(t)
	s := start(t, d.config(officer, ThemeDark), 100, 30)
	s.openCase(caseAlias)
	s.press("n")
	s.waitFor("Add a note to " + caseAlias)
	s.typeText("q? Called the consulate.")
	s.press("enter")
	s.typeText("They will send the file.")
	s.press("ctrl+s")
	s.waitFor("Note added to " + caseAlias)
	s.waitFor("Timeline (1)")
	s.waitFor("q? Called the consulate.")
	notes, err := d.store.Annotations(context.Background(), caseAlias)
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 1 || notes[0].Text != "q? Called the consulate.\nThey will send the file." || notes[0].Author != officer.ID {
		t.Fatalf("stored annotations %+v", notes)
	}
}

func TestEmptyNoteIsRefused(t *testing.T) {
	d := seedDesk(t)
	s := start(t, d.config(officer, ThemeDark), 100, 30)
	s.openCase(caseAlias)
	s.press("n")
	s.waitFor("Add a note to")
	s.typeText("   ")
	s.press("ctrl+s")
	text := s.waitFor("the note is empty")
	if !strings.Contains(text, "Add a note to") {
		t.Errorf("the editor closed after an empty note:\n%s", text)
	}
	s.press("esc")
	s.waitGone("Add a note to")
	notes, err := d.store.Annotations(context.Background(), caseAlias)
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 0 {
		t.Fatalf("an empty note was saved: %+v", notes)
	}
}

func TestChangeStatus(t *testing.T) {
	d := seedDesk(t)
	s := start(t, d.config(officer, ThemeDark), 100, 30)
	s.openCase(caseAlias)
	s.press("t")
	text := s.waitFor("Move " + caseAlias + " from New to")
	// An officer may start review or escalate from New, nothing else.
	for _, want := range []string{"In review  start review", "Escalated  escalate"} {
		if !strings.Contains(text, want) {
			t.Errorf("status picker lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Closed") || strings.Contains(text, "Decided") {
		t.Errorf("status picker offers a move the state machine forbids:\n%s", text)
	}
	s.typeText("papers arrived")
	s.press("enter")
	s.waitFor(caseAlias + " is now In review.")
	text = s.waitFor("New → In review. papers arrived")
	if !strings.Contains(text, "Status      In review") {
		t.Errorf("case facts not reloaded after the move:\n%s", text)
	}
	c, err := d.store.Case(context.Background(), caseAlias)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != cases.StatusInReview {
		t.Fatalf("stored status %s, want in_review", c.Status)
	}
	// Back in the queue the row shows the new status.
	s.press("esc")
	s.waitFor("Cases 1 of 6")
	s.press("x")
	s.waitFor("Cases 6 of 6")
	s.press("s", "s")
	text = s.waitFor("Cases 2 of 6 · status: In review")
	if !strings.Contains(text, caseAlias) {
		t.Errorf("queue not updated after the change:\n%s", text)
	}
}

func TestIllegalMovesShowAMessage(t *testing.T) {
	d := seedDesk(t)
	// A closed case: only a supervisor reopens.
	s := start(t, d.config(officer, ThemeDark), 100, 30)
	s.openCase(caseMerge)
	s.press("t")
	s.waitFor("Only a supervisor can move a case from Closed to Reopened.")
	// Only supervisors assign and prioritise.
	s.press("a")
	s.waitFor("Only a supervisor assigns cases.")
	s.press("p")
	s.waitFor("Only a supervisor sets priorities.")
	if strings.Contains(s.text(), "a assign") {
		t.Error("the help bar offers assign to an officer")
	}
	// An auditor changes nothing and is offered nothing to change.
	a := start(t, d.config(auditor, ThemeDark), 100, 30)
	text := a.openCase(caseAlias)
	for _, offered := range []string{"n add note", "t change status", "f find subject"} {
		if strings.Contains(lastLines(text, 2), offered) {
			t.Errorf("the help bar offers %q to an auditor:\n%s", offered, text)
		}
	}
	for _, k := range []string{"t", "n", "a", "p"} {
		a.press(k)
		a.waitFor("Auditors read cases; they change nothing and search nothing.")
		if strings.Contains(a.text(), "Add a note to") {
			t.Fatalf("%s opened a dialog for an auditor", k)
		}
	}
	a.press("f")
	a.waitFor("Auditors do not search subjects")
	notes, _ := d.store.Annotations(context.Background(), caseAlias)
	if len(notes) != 0 {
		t.Fatalf("the auditor's note was saved: %+v", notes)
	}
}

func TestSupervisorAssigns(t *testing.T) {
	d := seedDesk(t)
	s := start(t, d.config(supervisor, ThemeDark), 100, 30)
	s.openCase(caseAlias)
	if !strings.Contains(s.text(), "a assign") {
		t.Error("the help bar does not offer assign to a supervisor")
	}
	s.press("a")
	text := s.waitFor("Assign " + caseAlias + " to")
	if strings.Contains(text, "John Smith") || strings.Contains(text, "Ana Salazar") {
		t.Errorf("assign offers officers of another agency or an auditor:\n%s", text)
	}
	// Choices, by name: Jorge Vera, María Rodríguez, Nobody (selected).
	s.press("up", "up", "enter")
	s.waitFor(caseAlias + " assigned to Jorge Vera.")
	s.waitFor("Assigned to Jorge Vera.")
	c, err := d.store.Case(context.Background(), caseAlias)
	if err != nil {
		t.Fatal(err)
	}
	if c.Assignee != officer.ID {
		t.Fatalf("stored assignee %q, want %q", c.Assignee, officer.ID)
	}

	s.press("p")
	s.waitFor("Priority of " + caseAlias)
	s.press("up", "up", "enter") // Normal → Critical
	s.waitFor(caseAlias + " priority set to Critical.")
}

func TestDecisionForm(t *testing.T) {
	d := seedDesk(t)
	s := start(t, d.config(supervisor, ThemeDark), 100, 30)
	s.openCase(caseExtradite)
	s.press("t")
	text := s.waitFor("Move " + caseExtradite + " from In review to")
	if !strings.Contains(text, "Decided    record a conclusion …") {
		t.Fatalf("no decision move offered:\n%s", text)
	}
	// Moves from In review: Escalated, then Decided.
	s.press("down", "enter")
	s.waitFor("Record a conclusion on " + caseExtradite)
	s.press("ctrl+s")
	s.waitFor("Choose a conclusion first")
	s.press("right", "right")
	s.press("ctrl+s")
	s.waitFor("a conclusion needs a justification")
	s.press("tab", "tab") // Exclusion; candidate is the only subject
	s.typeText("Different ridge count on the right index.")
	s.press("ctrl+s")
	s.waitFor("Decision recorded on " + caseExtradite + ": Exclusion.")
	s.waitFor("Exclusion on Carlos Andrés Pérez Loor: Different ridge count")
	c, err := d.store.Case(context.Background(), caseExtradite)
	if err != nil {
		t.Fatal(err)
	}
	// An exclusion is about one candidate: it decides nothing.
	if c.Status != cases.StatusInReview || c.Examination != cases.ExamNone {
		t.Fatalf("stored status %s, examination %q; an exclusion decides nothing", c.Status, c.Examination)
	}
}

func TestHelpAndQuit(t *testing.T) {
	d := seedDesk(t)
	s := start(t, d.config(supervisor, ThemeDark), 120, 30)
	// What reached the terminal: the alternate screen and the header.
	teatest.WaitFor(t, s.tm.Output(), func(b []byte) bool {
		return strings.Contains(string(b), ansi.SetModeAltScreenSaveCursor) && strings.Contains(string(b), "Enlace")
	}, teatest.WithDuration(10*time.Second))
	s.waitFor("Cases 6 of 6")
	s.press("?")
	s.waitFor("reverse sort")
	s.press("?")
	s.waitGone("page down")
	// q while typing in the filter types; esc leaves; q then quits.
	s.press("/")
	s.typeText("q")
	s.waitFor("/ q")
	s.press("esc", "q")
	s.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	out := s.tm.FinalOutput(t)
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := out.Read(buf)
		b.Write(buf[:n])
		if err != nil || n == 0 {
			break
		}
	}
	// The program left the alternate screen.
	if !strings.Contains(b.String(), ansi.ResetModeAltScreenSaveCursor) {
		t.Errorf("the terminal was not restored from the alternate screen")
	}
}

func TestCtrlCQuitsFromEditor(t *testing.T) {
	d := seedDesk(t)
	s := start(t, d.config(officer, ThemeDark), 100, 30)
	s.openCase(caseAlias)
	s.press("n")
	s.waitFor("Add a note to")
	s.typeText("q")
	if strings.Contains(s.waitFor("Add a note to"), "Cases 6 of 6") {
		t.Fatal("q left the editor")
	}
	s.press("ctrl+c")
	s.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

func TestResizeAndMouse(t *testing.T) {
	d := seedDesk(t)
	s := start(t, d.config(supervisor, ThemeDark), 120, 40)
	s.waitFor("Cases 6 of 6")
	checkFrame(t, s.frame(), 120, 40)
	s.tm.Send(tea.WindowSizeMsg{Width: 80, Height: 24})
	s.waitFor("sort Priority ▼")
	f := s.frame()
	checkFrame(t, f, 80, 24)
	if !strings.Contains(ansi.Strip(f), "…") {
		t.Errorf("no title truncated at 80 columns:\n%s", ansi.Strip(f))
	}
	s.tm.Send(tea.WindowSizeMsg{Width: 60, Height: 12})
	time.Sleep(50 * time.Millisecond)
	checkFrame(t, s.frame(), 60, 12)
	s.tm.Send(tea.WindowSizeMsg{Width: 100, Height: 30})
	time.Sleep(50 * time.Millisecond)
	checkFrame(t, s.frame(), 100, 30)

	// Rows start under the header line, the summary and the column titles:
	// the third case is on screen line 5.
	s.tm.Send(tea.MouseClickMsg{X: 10, Y: headerHeight + queueTopLines + 2, Button: tea.MouseLeft})
	text := s.waitFor("▸ " + caseAlias)
	_ = text
	s.tm.Send(tea.MouseWheelMsg{X: 10, Y: 10, Button: tea.MouseWheelDown})
	s.waitFor("▸ " + caseMerge)
	// Clicking the selected row opens it.
	s.tm.Send(tea.MouseClickMsg{X: 10, Y: headerHeight + queueTopLines + 5, Button: tea.MouseLeft})
	s.waitFor("Timeline (")
	s.waitFor("Duplicate record merge")
}

func TestEditedNoteShowsAsEdited(t *testing.T) {
	d := seedDesk(t)
	ctx := context.Background()
	notes, err := d.store.Annotations(ctx, caseHit)
	if err != nil || len(notes) != 1 {
		t.Fatalf("seeded timeline: %v %+v", err, notes)
	}
	if _, err := d.store.AddNote(ctx, officer, caseHit, "Left thumb only; the right index was smudged.", notes[0].ID); err != nil {
		t.Fatal(err)
	}
	s := start(t, d.config(officer, ThemeDark), 120, 40)
	text := s.openCase(caseHit)
	for _, want := range []string{"Note (edited)  Jorge Vera", "superseded by a later edit", "Left thumb only"} {
		if !strings.Contains(text, want) {
			t.Errorf("case view lacks %q:\n%s", want, text)
		}
	}
}
