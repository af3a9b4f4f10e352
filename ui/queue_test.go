package ui

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/enlace-desk/enlace/cases"
)

// syntheticQueue builds a queue over n generated summaries, without a store:
// the queue's indexes, filters and drawing work on plain values.
func syntheticQueue(tb testing.TB, n int) (*queue, *app) {
	tb.Helper()
	now := time.Date(2026, 3, 16, 10, 0, 0, 0, time.UTC)
	a := &app{
		clock:   cases.NewManualClock(now),
		officer: officer,
		keys:    DefaultKeyMap(),
		styles:  NewStyles(true),
		officers: map[string]cases.Officer{
			officer.ID: officer, supervisor.ID: supervisor,
		},
	}
	r := rand.New(rand.NewPCG(1, 2))
	words := []string{"fingerprint", "hit", "alias", "passport", "extradition", "review", "gang", "border",
		"Huaquillas", "Guayaquil", "deportee", "flight", "merge", "record", "cédula", "request"}
	assignees := []string{"", officer.ID, supervisor.ID}
	list := make([]cases.CaseSummary, n)
	for i := range list {
		title := make([]string, 3+r.IntN(5))
		for j := range title {
			title[j] = words[r.IntN(len(words))]
		}
		c := cases.CaseSummary{
			ID:       cases.CaseNumber("EC-PN", 2026, 1+i/10000, i%10000),
			Title:    strings.Join(title, " "),
			Status:   cases.Statuses[r.IntN(len(cases.Statuses))],
			Priority: cases.Priorities[r.IntN(len(cases.Priorities))],
			Assignee: assignees[r.IntN(len(assignees))],
			Created:  now.Add(-time.Duration(r.IntN(400*24)) * time.Hour),
			Conflict: r.IntN(50) == 0,
		}
		c.Updated = c.Created
		if r.IntN(3) > 0 {
			c.Due = now.Add(time.Duration(r.IntN(60*24)-30*24) * time.Hour)
		}
		list[i] = c
	}
	q := newQueue(a)
	q.setCases(list)
	return q, a
}

func TestQueueFiltersMatchBruteForce(t *testing.T) {
	q, a := syntheticQueue(t, 5000)
	now := a.clock.Now()
	check := func(name string, keep func(c cases.CaseSummary) bool) {
		t.Helper()
		var want []string
		for _, c := range q.all {
			if keep(c) {
				want = append(want, c.ID)
			}
		}
		var got []string
		for _, i := range q.view {
			got = append(got, q.all[i].ID)
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: %d shown, %d expected", name, len(got), len(want))
		}
	}
	press := func(keys ...string) {
		for _, k := range keys {
			q.Update(keyPress(k))
		}
	}
	check("no filter", func(cases.CaseSummary) bool { return true })
	press("m")
	check("mine", func(c cases.CaseSummary) bool { return c.Assignee == officer.ID })
	press("u")
	check("unassigned", func(c cases.CaseSummary) bool { return c.Assignee == "" })
	press("s", "s", "s")
	check("unassigned escalated", func(c cases.CaseSummary) bool {
		return c.Assignee == "" && c.Status == cases.StatusEscalated
	})
	press("x", "o")
	check("overdue", func(c cases.CaseSummary) bool { return c.Overdue(now) })
	press("x", "/")
	for _, typed := range []string{"g", "ga", "gan", "gang", "gang ", "gang h", "gang hi"} {
		press(typed[len(typed)-1:])
		check("text "+typed, func(c cases.CaseSummary) bool {
			return strings.Contains(strings.ToLower(c.ID+" "+c.Title), strings.TrimSpace(typed))
		})
	}
	press("backspace", "backspace", "backspace", "backspace", "backspace")
	check("text after backspace", func(c cases.CaseSummary) bool {
		return strings.Contains(strings.ToLower(c.ID+" "+c.Title), "ga")
	})
	press("esc")
	check("text cleared", func(cases.CaseSummary) bool { return true })
	press("/")
	q.input.SetValue("")
	press("0", "1", "0", "0", "4", "2", "enter")
	check("by number", func(c cases.CaseSummary) bool { return strings.Contains(c.ID, "010042") })
	if q.typing {
		t.Error("enter did not leave the filter input")
	}
}

func TestQueueSortOrders(t *testing.T) {
	q, _ := syntheticQueue(t, 3000)
	less := map[column]func(a, b cases.CaseSummary) int{
		colID:       func(a, b cases.CaseSummary) int { return strings.Compare(a.ID, b.ID) },
		colTitle:    func(a, b cases.CaseSummary) int { return strings.Compare(a.Title, b.Title) },
		colPriority: func(a, b cases.CaseSummary) int { return int(a.Priority - b.Priority) },
		colAge:      func(a, b cases.CaseSummary) int { return b.Created.Compare(a.Created) },
		colDue:      func(a, b cases.CaseSummary) int { return a.Due.Compare(b.Due) },
	}
	for col, cmp := range less {
		for _, desc := range []bool{false, true} {
			q.sortCol, q.desc = col, desc
			q.refilter(false)
			emptySeen := false
			for j := 1; j < len(q.view); j++ {
				a, b := q.all[q.view[j-1]], q.all[q.view[j]]
				if col == colDue {
					if a.Due.IsZero() {
						emptySeen = true
					}
					if emptySeen && !b.Due.IsZero() {
						t.Fatalf("%s desc=%v: a case without due date sorts before one with", columnNames[col], desc)
					}
					if a.Due.IsZero() || b.Due.IsZero() {
						continue
					}
				}
				r := cmp(a, b)
				if desc {
					r = -r
				}
				if r > 0 || r == 0 && a.ID > b.ID {
					t.Fatalf("%s desc=%v: %s before %s", columnNames[col], desc, a.ID, b.ID)
				}
			}
		}
	}
}

func TestQueueLayoutShrinks(t *testing.T) {
	q, _ := syntheticQueue(t, 10)
	for _, w := range []int{40, 60, 80, 100, 120, 200} {
		l := q.computeLayout(w)
		total := markerWidth + flagsWidth
		for _, cw := range l.width {
			if cw > 0 {
				total += cw + 1
			}
		}
		if total > w {
			t.Errorf("width %d: columns take %d", w, total)
		}
		if l.width[colTitle] < 1 {
			t.Errorf("width %d: no room for the title", w)
		}
		q.SetSize(w, 10)
		out := q.View()
		for i, line := range strings.Split(out, "\n") {
			if n := ansi.StringWidth(line); n > w {
				t.Errorf("width %d: line %d is %d wide", w, i, n)
			}
		}
	}
	if l := q.computeLayout(80); l.width[colAssignee] != assigneeMin || l.width[colTitle] < titleMin {
		t.Errorf("at 80 columns: %+v", l.width)
	}
}

func TestQueueMouse(t *testing.T) {
	q, _ := syntheticQueue(t, 100)
	q.SetSize(100, 20)
	q.Update(tea.MouseClickMsg{X: 5, Y: queueTopLines + 4, Button: tea.MouseLeft})
	if q.nav.cursor != 4 {
		t.Fatalf("click on the fifth row selected row %d", q.nav.cursor)
	}
	q.Update(tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	q.Update(tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	if q.nav.cursor != 4+2*wheelStep {
		t.Fatalf("wheel moved to %d", q.nav.cursor)
	}
	q.Update(tea.MouseClickMsg{X: 5, Y: 0, Button: tea.MouseLeft}) // the summary line
	if q.nav.cursor != 4+2*wheelStep {
		t.Fatalf("a click above the rows moved the cursor to %d", q.nav.cursor)
	}
	// Clicking the selected row opens it.
	cmd := q.Update(tea.MouseClickMsg{X: 5, Y: queueTopLines + q.nav.cursor - q.nav.offset, Button: tea.MouseLeft})
	if cmd == nil {
		t.Fatal("a click on the selected row did nothing")
	}
	if msg, ok := cmd().(pushMsg); !ok || msg.screen.Title() != q.all[q.view[q.nav.cursor]].ID {
		t.Fatalf("a click on the selected row gave %#v", msg)
	}
}

// TestSelectionWithoutColour checks that with NO_COLOR (the Ascii profile,
// which drops every colour) the selected row and the marks still show.
func TestSelectionWithoutColour(t *testing.T) {
	q, a := syntheticQueue(t, 200)
	*a.styles = *NewStyles(true).withoutColour()
	q.SetSize(120, 30)
	frame := q.View()
	var b strings.Builder
	w := &colorprofile.Writer{Forward: &b, Profile: colorprofile.Ascii}
	fmt.Fprint(w, frame)
	out := b.String()
	if strings.Contains(out, "38;2;") || strings.Contains(out, "48;2;") {
		t.Fatal("colours survived the Ascii profile")
	}
	raw := strings.Split(out, "\n")[queueTopLines+q.nav.cursor-q.nav.offset]
	if !strings.Contains(raw, "\x1b[1;7m") && !strings.Contains(raw, "\x1b[7;1m") {
		t.Errorf("selected row not in reverse video without colour: %q", raw)
	}
	lines := strings.Split(ansi.Strip(out), "\n")
	selected := lines[queueTopLines+q.nav.cursor-q.nav.offset]
	if !strings.HasPrefix(selected, "▸ ") {
		t.Errorf("selected row has no marker: %q", selected)
	}
	marked := 0
	for _, l := range lines[queueTopLines:] {
		if strings.HasSuffix(strings.TrimRight(l, " "), "!") || strings.Contains(l, "⚠") {
			marked++
		}
	}
	if marked == 0 {
		t.Error("no overdue or conflict mark without colour")
	}
}

func TestFormat(t *testing.T) {
	now := time.Date(2026, 3, 16, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{{30 * time.Second, "now"}, {45 * time.Minute, "45m"}, {5 * time.Hour, "5h"}, {47 * time.Hour, "47h"},
		{3 * 24 * time.Hour, "3d"}, {20 * 24 * time.Hour, "2w"}, {800 * 24 * time.Hour, "2y"}} {
		if got := age(now, now.Add(-tc.d)); got != tc.want {
			t.Errorf("age(%s) = %q, want %q", tc.d, got, tc.want)
		}
	}
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 100000: "100,000", 1234567: "1,234,567", -4200: "-4,200"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
	if got := pad("Fingerprint hit", 8); got != "Fingerp…" {
		t.Errorf("pad cut to %q", got)
	}
	if got := padLeft("3d", 4); got != "  3d" {
		t.Errorf("padLeft gave %q", got)
	}
	if got := fit("a\nb\nc", 3, 2); got != "a  \nb  " {
		t.Errorf("fit gave %q", got)
	}
}

// TestQueueReloadDrawsOnlyWhatChanged: the same cases coming back from the
// store (a partner's note changes no column) keep every drawn row and the
// officer's place; a case whose status moved is drawn again, in its new
// place in the sort, the others kept.
func TestQueueReloadDrawsOnlyWhatChanged(t *testing.T) {
	q, _ := syntheticQueue(t, 500)
	q.SetSize(120, 30)
	for range 40 {
		q.Update(keyPress("down"))
	}
	place, offset, frame := q.nav.cursor, q.nav.offset, q.View()
	drawn := maps.Clone(q.rows)
	if len(drawn) == 0 {
		t.Fatal("no rows drawn")
	}
	same := slices.Clone(q.all)
	q.Update(casesMsg{list: same, reload: true})
	if q.nav.cursor != place || q.nav.offset != offset || q.View() != frame || !maps.Equal(q.rows, drawn) {
		t.Fatalf("reloading the same cases moved the queue (cursor %d→%d, offset %d→%d) or drew rows again", place, q.nav.cursor, offset, q.nav.offset)
	}
	// One shown row's case is decided elsewhere.
	from, _ := q.nav.visible()
	i := q.view[from+1]
	moved := slices.Clone(q.all)
	moved[i].Status = cases.StatusDecided
	if q.all[i].Status == cases.StatusDecided {
		moved[i].Status = cases.StatusEscalated
	}
	selected := q.all[q.view[q.nav.cursor]].ID
	q.Update(casesMsg{list: moved, reload: true})
	if q.all[i].Status != moved[i].Status {
		t.Fatalf("the changed case keeps status %s", q.all[i].Status)
	}
	if _, ok := q.rows[i]; ok && !strings.Contains(q.rows[i], moved[i].Status.Label()) {
		t.Errorf("the changed case's row was not drawn again: %q", q.rows[i])
	}
	if got := q.all[q.view[q.nav.cursor]].ID; got != selected {
		t.Errorf("the selection moved from %s to %s", selected, got)
	}
	if !keptRows(drawn, q.rows, i) {
		t.Error("every row was drawn again")
	}
}

// TestQueueReadsChangedCasesByID: told which cases changed, the queue puts
// their fresh summaries in place (adding a new case, drawing again only the
// changed row) and reads itself whole only when a case it lists is gone.
func TestQueueReadsChangedCasesByID(t *testing.T) {
	q, _ := syntheticQueue(t, 500)
	q.SetSize(120, 30)
	for range 40 {
		q.Update(keyPress("down"))
	}
	drawn := maps.Clone(q.rows)
	selected := q.all[q.view[q.nav.cursor]].ID
	from, _ := q.nav.visible()
	i := q.view[from+1]
	fresh := q.all[i]
	fresh.Title = "Renamed by the partner"
	added := cases.CaseSummary{ID: cases.CaseNumber("EC-PN", 2026, 9, 9999), Title: "New from the partner", Status: cases.StatusNew, Created: fresh.Created}
	if cmd := q.Update(summaryMsg{ids: []string{fresh.ID, added.ID}, list: []cases.CaseSummary{fresh, added}}); cmd != nil {
		t.Fatal("the queue read itself whole for a changed and a new case")
	}
	if q.all[i].Title != fresh.Title || len(q.all) != 501 || q.all[q.byID[added.ID]] != added {
		t.Fatalf("the summaries were not put in place: %q, %d cases", q.all[i].Title, len(q.all))
	}
	if got := q.all[q.view[q.nav.cursor]].ID; got != selected {
		t.Errorf("the selection moved from %s to %s", selected, got)
	}
	if r, ok := q.rows[i]; ok && !strings.Contains(r, "Renamed by the partner") {
		t.Errorf("the changed row was not drawn again: %q", r)
	}
	if !keptRows(drawn, q.rows, i) {
		t.Error("every row was drawn again")
	}
	// A case no longer shared with the desk's agency leaves the queue: it
	// is read whole.
	if cmd := q.Update(summaryMsg{ids: []string{fresh.ID}}); cmd == nil {
		t.Error("a case gone from the store stays in the queue")
	}
}

// TestCaseViewReloadsForItsOwnChanges: an open case reads itself again when
// the exchange changed it or a subject it names, not for other cases.
func TestCaseViewReloadsForItsOwnChanges(t *testing.T) {
	_, a := syntheticQueue(t, 1)
	v := newCaseView(a, "EC-PN-2026-010001")
	v.loaded = true
	v.subjects = []cases.Subject{{ID: "subject-1"}}
	v.refs = []cases.Reference{{Number: "REF-1"}}
	for _, tc := range []struct {
		ch     cases.Changes
		reload bool
	}{
		{cases.Changes{Generation: 1, Cases: []string{"EC-PN-2026-010002"}}, false},
		{cases.Changes{Generation: 2, Subjects: []string{"subject-2"}, Other: true}, false},
		{cases.Changes{Generation: 3, Cases: []string{"EC-PN-2026-010001"}}, true},
		{cases.Changes{Generation: 4, Subjects: []string{"subject-1"}}, true},
		{cases.Changes{Generation: 5, Subjects: []string{"REF-1"}}, true},
		{cases.Changes{Generation: 6, All: true}, true},
	} {
		if got := v.Update(reloadMsg{tc.ch}) != nil; got != tc.reload {
			t.Errorf("%+v: reloads %v, want %v", tc.ch, got, tc.reload)
		}
	}
}

// keptRows reports whether some row of drawn but changed is still drawn
// the same in rows: the queue did not draw every row again.
func keptRows(drawn, rows map[int32]string, changed int32) bool {
	for j, r := range drawn {
		if j != changed && rows[j] == r {
			return true
		}
	}
	return false
}

// TestSyncSummaryKeepsConflictsInSight: on a narrow status bar the age of
// the last sync goes first, then what waits to be sent; the connection,
// conflicts and refusals stay.
func TestSyncSummaryKeepsConflictsInSight(t *testing.T) {
	st := NewStyles(true)
	now := time.Date(2026, 3, 16, 10, 0, 0, 0, time.UTC)
	s := cases.SyncState{Configured: true, Connected: true, LastSync: now.Add(-3 * time.Minute), Pending: 12, Conflicts: 1, Rejected: 2}
	for _, tc := range []struct {
		width     int
		want, not []string
	}{
		{80, []string{"● connected", "synced 3m ago", "12 to send", "⚠ 1 conflict", "✗ 2 refused"}, nil},
		{56, []string{"● connected", "12 to send", "⚠ 1 conflict", "✗ 2 refused"}, []string{"synced"}},
		{30, []string{"● connected", "⚠ 1 conflict", "✗ 2 refused"}, []string{"synced", "to send"}},
	} {
		line := ansi.Strip(syncSummary(st, s, now, tc.width))
		for _, w := range tc.want {
			if !strings.Contains(line, w) {
				t.Errorf("width %d: %q lacks %q", tc.width, line, w)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(line, n) {
				t.Errorf("width %d: %q still holds %q", tc.width, line, n)
			}
		}
	}
}
