package ui

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

func TestListNav(t *testing.T) {
	k := DefaultKeyMap()
	l := listNav{}
	l.setSize(2, 10) // two lines above, ten rows
	l.setLen(100)
	if from, to := l.visible(); from != 0 || to != 10 {
		t.Fatalf("visible %d–%d", from, to)
	}
	l.update(k, keyPress("down"), false)
	l.update(k, keyPress("j"), false)
	if l.cursor != 2 {
		t.Fatalf("down, j: cursor %d", l.cursor)
	}
	l.update(k, keyPress("j"), true) // typing: j is a letter
	if l.cursor != 2 {
		t.Fatalf("j while typing moved the cursor to %d", l.cursor)
	}
	l.update(k, tea.KeyPressMsg{Code: tea.KeyPgDown}, true)
	if l.cursor != 12 || l.offset != 3 {
		t.Fatalf("page down: cursor %d offset %d", l.cursor, l.offset)
	}
	l.update(k, keyPress("G"), false)
	if l.cursor != 99 || l.offset != 90 {
		t.Fatalf("bottom: cursor %d offset %d", l.cursor, l.offset)
	}
	// A click on the fourth row shown selects it; a second click opens it.
	if moved, open := l.update(k, tea.MouseClickMsg{Y: 2 + 3, Button: tea.MouseLeft}, false); !moved || open || l.cursor != 93 {
		t.Fatalf("click: moved %v open %v cursor %d", moved, open, l.cursor)
	}
	if _, open := l.update(k, tea.MouseClickMsg{Y: 2 + 3, Button: tea.MouseLeft}, false); !open {
		t.Fatal("a click on the selected row did not open it")
	}
	if moved, _ := l.update(k, tea.MouseClickMsg{Y: 1, Button: tea.MouseLeft}, false); moved {
		t.Fatal("a click above the rows moved the list")
	}
	l.update(k, tea.MouseWheelMsg{Button: tea.MouseWheelUp}, false)
	if l.cursor != 93-wheelStep {
		t.Fatalf("wheel: cursor %d", l.cursor)
	}
	// The list shrinks under the cursor; then the room grows: no empty room
	// is left at the end.
	l.setLen(20)
	if l.cursor != 19 || l.offset != 10 {
		t.Fatalf("after shrinking: cursor %d offset %d", l.cursor, l.offset)
	}
	l.setSize(2, 40)
	if l.offset != 0 {
		t.Fatalf("after growing: offset %d", l.offset)
	}
	l.setLen(0)
	if l.selected() != -1 {
		t.Fatal("an empty list has a selection")
	}
	// Items of three lines: a click on an item's third line is that item.
	r := listNav{itemLines: 3}
	r.setSize(5, 9)
	r.setLen(10)
	if r.rows != 3 {
		t.Fatalf("three-line items in 9 lines: %d rows", r.rows)
	}
	r.update(k, tea.MouseClickMsg{Y: 5 + 3*1 + 2, Button: tea.MouseLeft}, false)
	if r.cursor != 1 {
		t.Fatalf("click on the second item's last line: cursor %d", r.cursor)
	}
}

// selectedLine is the frame's line with the selection marker.
func selectedLine(frame string) string {
	for _, l := range strings.Split(frame, "\n") {
		if strings.Contains(l, "▸") {
			return l
		}
	}
	return ""
}

// checkListMoves drives a list screen the same way on every screen: down
// moves the selection, the wheel moves it further, a click on the first
// item's row selects it again, g goes back to the top. top is the body
// lines above the first item, lines the lines per item.
func checkListMoves(t *testing.T, s *session, top, lines int) {
	t.Helper()
	first := selectedLine(s.text())
	if first == "" {
		t.Fatalf("no selected row:\n%s", s.text())
	}
	// The row is told by its record, not by its score: search results are
	// searched again as the store changes (the search's own log entry).
	if i := strings.Index(first, "  score "); i > 0 {
		first = first[:i]
	}
	s.press("down")
	second := s.waitGone(first)
	if selectedLine(second) == "" {
		t.Fatalf("down lost the selection:\n%s", second)
	}
	// The first item's row, clicked, is selected again.
	s.tm.Send(tea.MouseClickMsg{X: 4, Y: headerHeight + top, Button: tea.MouseLeft})
	text := s.waitFor(strings.TrimSpace(first))
	if got := selectedLine(text); !strings.HasPrefix(got, first) {
		t.Fatalf("a click on the first row selected %q, want %q", got, first)
	}
	s.tm.Send(tea.MouseWheelMsg{X: 4, Y: headerHeight + top, Button: tea.MouseWheelDown})
	s.waitGone(first)
	s.press("g")
	s.waitFor(strings.TrimSpace(first))
	_ = lines
}

func TestEveryListMovesAlike(t *testing.T) {
	t.Run("queue", func(t *testing.T) {
		d := seedDesk(t)
		s := start(t, d.config(officer, ThemeDark), 120, 30)
		s.ready()
		checkListMoves(t, s, queueTopLines, 1)
	})
	t.Run("search results", func(t *testing.T) {
		d := seedFingerprintDesk(t)
		s := start(t, d.config(officer, ThemeDark), 120, 40)
		s.waitFor("Cases 1 of 1")
		s.press("f")
		s.waitFor("Why are you searching?")
		s.press("enter")
		s.waitGone("Why are you searching?")
		s.typeText("Macías")
		s.waitFor("results")
		// Search runs as the officer types: wait until the results of the
		// whole query have settled before reading them.
		text := s.text()
		for i := 0; i < 50; i++ {
			time.Sleep(100 * time.Millisecond)
			next := s.text()
			if next == text {
				break
			}
			text = next
		}
		top := 0
		for i, l := range strings.Split(text, "\n")[headerHeight:] {
			if strings.Contains(l, "▸") {
				top = i
				break
			}
		}
		checkListMoves(t, s, top, hitLines)
	})
	t.Run("encounters", func(t *testing.T) {
		d := seedFingerprintDesk(t)
		s := start(t, d.config(officer, ThemeDark), 120, 40)
		s.waitFor("Cases 1 of 1")
		s.press("e")
		s.waitFor("Encounters (2)")
		checkListMoves(t, s, encountersTop, 1)
	})
	t.Run("candidates", func(t *testing.T) {
		d := seedFingerprintDesk(t)
		s := start(t, d.config(officer, ThemeDark), 120, 40)
		s.waitFor("Cases 1 of 1")
		s.press("e")
		s.waitFor("Encounters (2)")
		s.selectRow("Huaquillas")
		s.press("enter")
		s.waitFor("Why are you searching?")
		s.press("enter")
		s.waitFor("against 24 subjects, logged")
		checkListMoves(t, s, candidatesTop, 1)
		s.press("?") // the full help explains the score scales
		s.waitFor("one false match in a billion")
	})
	t.Run("follow-up requests", func(t *testing.T) {
		s := start(t, usDeskWithRequests(t, 4), 130, 30)
		s.waitFor("Cases 1 of 1")
		s.press("F")
		s.waitFor("Follow-up requests (4)")
		checkListMoves(t, s, requestsTop, 1)
	})
	t.Run("query log", func(t *testing.T) {
		d := seedDesk(t)
		s := start(t, d.config(supervisor, ThemeDark), 120, 30)
		s.openSearch()
		for _, q := range []string{"1714307103", "Pérez Loor"} {
			s.press("ctrl+u")
			s.typeText(q)
			s.waitFor("1 result")
		}
		s.press("esc")
		s.waitFor("Cases 6 of 6")
		s.press("L")
		s.waitFor("Query log 2 of 2")
		checkListMoves(t, s, queryLogTop, 1)
	})
}

func TestQueueFilterIgnoresAccentsAndCase(t *testing.T) {
	d := seedDesk(t)
	s := start(t, d.config(officer, ThemeDark), 120, 30)
	s.ready()
	s.press("/")
	s.typeText("PEREZ loor") // the title says "Pérez Loor"
	text := s.waitFor("1 of 6")
	if !strings.Contains(text, caseMerge) {
		t.Fatalf("/PEREZ loor did not find %s:\n%s", caseMerge, text)
	}
	s.press("enter")
	s.waitFor("“PEREZ loor”") // the filter as typed
	s.waitFor("Cases 1 of 6")
	// Punctuation folds too: "2026 010001" finds EC-PN-2026-010001.
	s.press("x")
	s.waitFor("Cases 6 of 6")
	s.press("/")
	s.typeText("2026 " + caseHit[len(caseHit)-6:])
	text = s.waitFor("1 of 6")
	if !strings.Contains(text, caseHit) {
		t.Fatalf("the case number with a space did not find %s:\n%s", caseHit, text)
	}
}

func TestAuditorReadsTheQueryLog(t *testing.T) {
	d := seedDesk(t)
	s := start(t, d.config(supervisor, ThemeDark), 120, 30)
	s.openSearch()
	s.typeText("1714307103")
	s.waitFor("1 result")
	s.press("ctrl+u")
	s.typeText("Macías")
	s.waitFor("result")

	a := start(t, d.config(auditor, ThemeDark), 120, 30)
	a.ready()
	text := a.text()
	if !strings.Contains(lastLines(text, 1), "L query log") || strings.Contains(lastLines(text, 1), "find subject") {
		t.Errorf("the auditor's help bar:\n%s", lastLines(text, 1))
	}
	a.press("L")
	text = a.waitFor("Query log 2 of 2")
	for _, want := range []string{"María Rodríguez", "Border inspection", "1714307103", "Macías", "Time (UTC)"} {
		if !strings.Contains(text, want) {
			t.Errorf("query log lacks %q:\n%s", want, text)
		}
	}
	// The filter: every word must be in the entry, accents folded.
	a.press("/")
	a.typeText("macias border")
	text = a.waitFor("1 of 2")
	if strings.Contains(text, "1714307103") {
		t.Errorf("the filter kept the cédula search:\n%s", text)
	}
	a.press("backspace", "backspace", "backspace", "backspace", "backspace", "backspace")
	a.typeText("nobody")
	a.waitFor("No entry holds every word of the filter")
	a.press("esc")
	a.waitFor("2 of 2")
	a.press("esc")
	a.waitFor("Cases 6 of 6")
	// An officer has no query log.
	o := start(t, d.config(officer, ThemeDark), 120, 30)
	o.ready()
	o.press("L")
	if strings.Contains(o.text(), "Query log") {
		t.Error("an officer opened the query log")
	}
}

func TestOpenTheLinkedSubjectFromACase(t *testing.T) {
	d := seedDesk(t)
	s := start(t, d.config(officer, ThemeDark), 120, 40)
	text := s.openCase(caseHit) // two subjects: José Adolfo Macías Villamar, Carlos Andrés Pérez Loor
	if !strings.Contains(selectedLine(text), "José Adolfo Macías Villamar") {
		t.Fatalf("the first subject is not selected:\n%s", text)
	}
	s.press("tab")
	s.waitFor("▸ Carlos Andrés Pérez Loor")
	s.press("enter")
	s.waitFor("Why are you searching?") // opening a person's record is logged with a purpose
	s.press("enter")
	text = s.waitFor("Subject ID")
	if !strings.Contains(text, "Carlos Andrés Pérez Loor") || !recordID.MatchString(text) {
		t.Fatalf("the subject view:\n%s", text)
	}
	s.press("i")
	s.waitFor("copied to the clipboard")
	log := queryLog(t, d)
	if len(log) == 0 || log[0].Kind != "view" || !strings.Contains(log[0].Query, "Pérez Loor") {
		t.Errorf("the view was not logged: %+v", log)
	}

	// The case it came from, opened from the subject, is the case again:
	// one esc from the queue, not a third screen on the stack.
	if !strings.Contains(selectedLine(text), caseHit) {
		t.Fatalf("the subject's case %s is not selected:\n%s", caseHit, text)
	}
	s.press("enter")
	text = s.waitFor("Timeline (")
	if header := strings.SplitN(text, "\n", 2)[0]; !strings.Contains(header, "Queue › "+caseHit) || strings.Count(header, "›") != 2 {
		t.Errorf("the header after case → subject → case: %q", header)
	}
	s.press("esc")
	s.waitFor("Cases 1 of 6")
}

func TestSplitPaths(t *testing.T) {
	home, _ := os.UserHomeDir()
	for in, want := range map[string][]string{
		"a.an2 b.iso":                     {"a.an2", "b.iso"},
		`'/media/usb/prints 2.iso' c.an2`: {"/media/usb/prints 2.iso", "c.an2"},
		`"My Documents/x.iso"`:            {"My Documents/x.iso"},
		`My\ Documents/x.iso  y.iso`:      {"My Documents/x.iso", "y.iso"},
		"~/capture.an2":                   {filepath.Join(home, "capture.an2")},
		`'unclosed quote/to the end.iso`:  {"unclosed quote/to the end.iso"},
		"   ":                             nil,
		`"" b`:                            {"", "b"},
	} {
		got := splitPaths(in)
		if strings.Join(got, "|") != strings.Join(want, "|") || len(got) != len(want) {
			t.Errorf("splitPaths(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzSplitPaths(f *testing.F) {
	f.Add(`a 'b c' "d\" e\ f`)
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range splitPaths(s) {
			_ = p // never panics; every path is a string
		}
	})
}

func TestSupervisorSetsADueDate(t *testing.T) {
	d := seedDesk(t)
	s := start(t, d.config(supervisor, ThemeDark), 120, 40)
	s.openCase(caseAlias) // due 2026-03-25
	s.press("?")
	s.waitFor("D due date") // the full help offers it to a supervisor
	s.press("?")
	s.press("D")
	s.waitFor("Due date of " + caseAlias)
	for range 10 {
		s.press("backspace")
	}
	s.typeText("2026-03-01") // before the desk's today, 2026-03-16
	s.press("enter")
	s.waitFor("2026-03-01 has passed")
	for range 10 {
		s.press("backspace")
	}
	s.typeText("2026-04-30")
	s.press("enter")
	s.waitFor(caseAlias + " is due on 2026-04-30.")
	c, err := d.store.Case(context.Background(), caseAlias)
	if err != nil || date(c.Due) != "2026-04-30" {
		t.Fatalf("stored due date %v (%v)", c.Due, err)
	}
	// Cleared with an empty date.
	s.press("D")
	s.waitFor("Due date of " + caseAlias)
	for range 10 {
		s.press("backspace")
	}
	s.press("enter")
	s.waitFor("The due date of " + caseAlias + " is cleared.")
	if c, _ := d.store.Case(context.Background(), caseAlias); !c.Due.IsZero() {
		t.Errorf("the due date was not cleared: %v", c.Due)
	}
	// An officer may not.
	o := start(t, d.config(officer, ThemeDark), 120, 40)
	o.openCase(caseAlias)
	o.press("D")
	o.waitFor("Only a supervisor sets due dates.")
}

func TestTinyTerminalSaysSoAndRecovers(t *testing.T) {
	d := seedDesk(t)
	s := start(t, d.config(officer, ThemeDark), 20, 5)
	text := s.waitFor("Enlace needs")
	if !strings.Contains(text, "this terminal") {
		t.Errorf("the message at 20x5:\n%s", text)
	}
	checkFrame(t, s.frame(), 20, 5)
	s.tm.Send(tea.WindowSizeMsg{Width: 80, Height: 24})
	s.waitFor("Cases 6 of 6")
	checkFrame(t, s.frame(), 80, 24)
}

// TestDialogTooTallSaysSo: a dialog taller than a small terminal's body
// says how many lines it lacks (its reason field and keys would go unseen),
// and the note goes once the terminal is large enough.
func TestDialogTooTallSaysSo(t *testing.T) {
	d := seedDesk(t)
	conflictOn(t, d, caseAlias)
	s := start(t, d.config(supervisor, ThemeDark), 80, 24)
	s.openCase(caseAlias)
	s.press("R")
	s.waitFor("Resolve the conflict on " + caseAlias)
	if strings.Contains(s.text(), "Enlarge the terminal") {
		t.Fatalf("80x24 holds the dialog, yet:\n%s", s.text())
	}
	s.tm.Send(tea.WindowSizeMsg{Width: 60, Height: 14})
	text := s.waitFor("✗ Enlarge the terminal by ")
	if !regexp.MustCompile(`by \d+ lines? to see all`).MatchString(text) {
		t.Errorf("the note does not say by how much:\n%s", text)
	}
	s.tm.Send(tea.WindowSizeMsg{Width: 80, Height: 40})
	s.waitGone("Enlarge the terminal")
}
