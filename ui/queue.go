package ui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/enlace-desk/enlace/cases"
)

// column is one column of the case queue, in display order; the number keys
// 1–7 sort by them in this order.
type column int

const (
	colID column = iota
	colTitle
	colStatus
	colPriority
	colAssignee
	colAge
	colDue
	numColumns
)

var columnNames = [numColumns]string{"ID", "Title", "Status", "Priority", "Assignee", "Age", "Due"}

// Fixed widths of the queue's columns, in cells.
const (
	markerWidth    = 2 // "▸ " on the selected row
	statusWidth    = 9 // "In review"
	priorityWidth  = 9 // "Priority▼"
	assigneeWidth  = 16
	assigneeMin    = 8
	ageWidth       = 4
	dueWidth       = 10 // 2026-03-14
	flagsWidth     = 2  // "!" overdue, "⚠" conflict
	titleMin       = 12
	titleComfort   = 20
	queueTopLines  = 2 // the summary line and the column headings
	wheelStep      = 3
	idWidthDefault = 17
)

// queueFilter is what the officer has narrowed the queue to.
type queueFilter struct {
	mine, unassigned, overdue bool
	// awaiting: cases whose examination waits for a verifier or a
	// supervisor (cases.ExamAwaitVerify, cases.ExamAwaitSuper).
	awaiting bool
	status   cases.Status // "" for every status
	text     string       // folded (foldFilter); matches ID or title
	typed    string       // the text as typed, for the summary line
}

// queue is the case queue screen: every case summary loaded once, with
// indexes kept for sorting and filtering, and only the visible rows drawn.
type queue struct {
	app *app

	loaded  bool
	loadErr error

	all    []cases.CaseSummary
	search []string         // folded "ID title" per case, for the text filter
	byID   map[string]int32 // case ID → index in all
	idW    int              // widest case ID

	// orders[c][d] lists every case index sorted by column c, ascending for
	// d = 0 and descending for d = 1, ties by case number, cases with an
	// empty value (no due date, no assignee) last. Built when first needed,
	// dropped when the data changes.
	orders [numColumns][2][]int32

	filter  queueFilter
	sortCol column
	desc    bool
	view    []int32 // the cases shown, in order

	typing bool
	input  textinput.Model

	nav           listNav
	width, height int
	now           time.Time
	deskCases     int // every case on this desk, visible or not (from the store's health)

	// rows caches each unselected row's rendering for the current layout.
	rows     map[int32]string
	rowsKey  rowsKey
	layout   layout
	layoutOf int // width the layout was computed for
	// frame is the screen as drawn after the last Update or SetSize; View
	// returns it.
	frame string
}

type rowsKey struct {
	width int
	dark  bool
	now   time.Time
}

// maxCachedRows bounds the row cache; scrolling far drops it and starts over.
const maxCachedRows = 2048

// layout is the width of each visible column for a screen width.
type layout struct {
	width [numColumns]int // 0 hides the column
}

func newQueue(a *app) *queue {
	in := textinput.New()
	in.Prompt = "/ "
	in.Placeholder = "case number or title"
	in.SetStyles(a.styles.TextInput)
	q := &queue{app: a, input: in, sortCol: colPriority, desc: true, idW: idWidthDefault, rows: map[int32]string{}}
	q.now = a.clock.Now()
	return q
}

// Title names the screen.
func (q *queue) Title() string { return "Queue" }

// Capturing reports whether the "/" filter is taking text.
func (q *queue) Capturing() bool { return q.typing }

type casesMsg struct {
	list   []cases.CaseSummary
	err    error
	reload bool // data changed outside: keep the selection and scroll
}

// summaryMsg is the fresh summaries of the cases ids, read after they
// changed (the officer's change, or the exchange's); a case of ids missing
// from list is no longer visible to the officer's agency.
type summaryMsg struct {
	ids  []string
	list []cases.CaseSummary
	err  error
}

// Init loads every case summary.
func (q *queue) Init() tea.Cmd { return q.load(false) }

func (q *queue) load(reload bool) tea.Cmd {
	a := q.app
	return func() tea.Msg {
		list, err := a.store.Cases(a.ctx, cases.CaseFilter{Agency: a.officer.Agency})
		return casesMsg{list, err, reload}
	}
}

// reload replaces the cases after a change made outside the workstation,
// keeping the selected case (when still shown) and the scroll. When the
// same cases come back in the same order, only the rows that changed are
// drawn again, and none at all when nothing changed: a partner's note
// changes no column of the queue.
func (q *queue) reload(list []cases.CaseSummary) {
	if q.reloadInPlace(list) {
		return
	}
	selected := ""
	if i := q.nav.selected(); i >= 0 {
		selected = q.all[q.view[i]].ID
	}
	offset := q.nav.offset
	q.view = nil
	q.setCases(list)
	q.nav.offset = offset
	if i, ok := q.byID[selected]; ok {
		if j := slices.Index(q.view, i); j >= 0 {
			q.nav.selectIndex(j)
		}
	}
	q.nav.follow()
}

// reloadInPlace takes list in place of the cases when it holds the same
// cases in the same order, dropping only the changed rows' drawings (and
// the sort orders, when a row changed); it reports false otherwise.
func (q *queue) reloadInPlace(list []cases.CaseSummary) bool {
	if len(list) != len(q.all) {
		return false
	}
	var changed []int32
	for i := range list {
		if list[i].ID != q.all[i].ID {
			return false
		}
		if !sameSummary(list[i], q.all[i]) {
			changed = append(changed, int32(i))
		}
	}
	if len(changed) == 0 {
		return true
	}
	for _, i := range changed {
		q.all[i] = list[i]
		q.search[i] = foldFilter(list[i].ID + " " + list[i].Title)
		delete(q.rows, i)
	}
	q.resortInPlace()
	return true
}

// resortInPlace sorts and filters again after some cases changed, keeping
// the selected case and the scroll.
func (q *queue) resortInPlace() {
	offset := q.nav.offset
	q.orders = [numColumns][2][]int32{}
	q.refilter(false)
	q.nav.offset = offset
	q.nav.follow()
}

// sameSummary reports whether two summaries of a case show the same. Equal
// times in different locations compare unequal: the row is drawn again,
// never left stale.
func sameSummary(a, b cases.CaseSummary) bool { return a == b }

// setCases replaces the whole queue.
func (q *queue) setCases(list []cases.CaseSummary) {
	q.all = list
	q.search = make([]string, len(list))
	q.byID = make(map[string]int32, len(list))
	q.idW = idWidthDefault
	for i := range list {
		q.search[i] = foldFilter(list[i].ID + " " + list[i].Title)
		q.byID[list[i].ID] = int32(i)
		q.idW = max(q.idW, lipgloss.Width(list[i].ID))
	}
	q.loaded = true
	q.layoutOf = 0 // the case number column may have widened
	q.invalidate()
	q.refilter(false)
}

// invalidate drops the sort indexes and cached rows after data changed.
func (q *queue) invalidate() {
	q.orders = [numColumns][2][]int32{}
	clear(q.rows)
}

// SetSize lays the columns out for the width and fits the list.
func (q *queue) SetSize(width, height int) {
	q.width, q.height = width, height
	q.input.SetWidth(max(width-40, 10))
	q.nav.setSize(queueTopLines, height-queueTopLines)
	q.redraw()
}

// Update handles keys, the mouse, and data arriving, then draws the screen.
func (q *queue) Update(msg tea.Msg) tea.Cmd {
	cmd := q.update(msg)
	q.redraw()
	return cmd
}

func (q *queue) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case casesMsg:
		if msg.err != nil {
			q.loadErr = msg.err
			q.loaded = true
			return failure("Cannot load the case queue: " + cases.ErrorMessage(msg.err))
		}
		if msg.reload && q.loaded && q.loadErr == nil {
			q.reload(msg.list)
			return nil
		}
		q.loadErr = nil
		q.setCases(msg.list)
		return nil
	case reloadMsg:
		switch {
		case msg.changes.All || !q.loaded || q.loadErr != nil:
			return q.load(true)
		case len(msg.changes.Cases) > 0:
			return q.loadCases(msg.changes.Cases)
		}
		return nil
	case changedMsg:
		if msg.caseID == "" {
			return nil
		}
		return q.loadCases([]string{msg.caseID})
	case summaryMsg:
		if msg.err != nil {
			return q.load(true)
		}
		if !q.updateSummaries(msg.ids, msg.list) {
			return q.load(true)
		}
		return nil
	case healthMsg:
		if msg.err == nil {
			q.deskCases = msg.health.Cases
		}
		return nil
	case restyledMsg:
		clear(q.rows)
		return nil
	case directoryMsg:
		q.orders[colAssignee] = [2][]int32{}
		clear(q.rows)
		if q.sortCol == colAssignee {
			q.refilter(false)
		}
		return nil
	case tickMsg:
		q.now = q.app.clock.Now()
		clear(q.rows)
		if q.filter.overdue {
			q.refilter(false)
		}
		return nil
	case tea.KeyPressMsg:
		return q.key(msg)
	case tea.MouseClickMsg, tea.MouseWheelMsg:
		if _, open := q.nav.update(q.app.keys, msg, false); open {
			return q.open()
		}
	}
	return nil
}

// loadCases reads the summaries of the cases ids (that changed) by ID.
func (q *queue) loadCases(ids []string) tea.Cmd {
	a := q.app
	return func() tea.Msg {
		list, err := a.store.Cases(a.ctx, cases.CaseFilter{Agency: a.officer.Agency, IDs: ids})
		return summaryMsg{ids, list, err}
	}
}

// updateSummaries puts the fresh summaries of the cases ids in place,
// adding the new ones and drawing again only the rows that changed. It
// reports false when a case it lists is gone from list (no longer shared
// with the officer's agency): the queue is then read whole.
func (q *queue) updateSummaries(ids []string, list []cases.CaseSummary) bool {
	fresh := make(map[string]int, len(list))
	for i, s := range list {
		fresh[s.ID] = i
	}
	changed := false
	for _, id := range ids {
		j, ok := fresh[id]
		i, held := q.byID[id]
		switch {
		case !ok && held:
			return false
		case !ok:
			continue // not visible here, and never was
		case held:
			if sameSummary(q.all[i], list[j]) {
				continue
			}
			q.all[i] = list[j]
			q.search[i] = foldFilter(id + " " + list[j].Title)
			delete(q.rows, i)
		default:
			i = int32(len(q.all))
			q.byID[id] = i
			q.all = append(q.all, list[j])
			if w := lipgloss.Width(id); w > q.idW {
				q.idW, q.layoutOf = w, 0 // a wider case number column
				clear(q.rows)
			}
			q.search = append(q.search, foldFilter(id+" "+list[j].Title))
		}
		changed = true
	}
	if changed {
		q.resortInPlace()
	}
	return true
}

func (q *queue) key(msg tea.KeyPressMsg) tea.Cmd {
	k := q.app.keys
	if q.typing {
		return typeFilter(k, &q.nav, &q.input, &q.typing, msg, q.setText)
	}
	if moved, _ := q.nav.update(k, msg, false); moved {
		return nil
	}
	switch {
	case key.Matches(msg, k.Open):
		return q.open()
	case key.Matches(msg, k.Find):
		q.typing = true
		q.input.SetValue(q.filter.typed)
		q.input.CursorEnd()
		return q.input.Focus()
	case key.Matches(msg, k.Mine):
		q.filter.mine = !q.filter.mine
		q.filter.unassigned = false
		q.refilter(false)
	case key.Matches(msg, k.Unassigned):
		q.filter.unassigned = !q.filter.unassigned
		q.filter.mine = false
		q.refilter(false)
	case key.Matches(msg, k.StatusFilter):
		q.filter.status = nextStatus(q.filter.status)
		q.refilter(false)
	case key.Matches(msg, k.Overdue):
		q.filter.overdue = !q.filter.overdue
		q.refilter(false)
	case key.Matches(msg, k.Verification):
		q.filter.awaiting = !q.filter.awaiting
		q.refilter(false)
	case key.Matches(msg, k.ClearFilters), key.Matches(msg, k.Back) && q.filter != (queueFilter{}):
		q.filter = queueFilter{}
		q.input.SetValue("")
		q.refilter(false)
	case key.Matches(msg, k.SortColumn):
		c := column(msg.String()[0] - '1')
		if c == q.sortCol {
			q.desc = !q.desc
		} else {
			q.sortCol, q.desc = c, c == colPriority
		}
		q.resort()
	case key.Matches(msg, k.SortReverse):
		q.desc = !q.desc
		q.resort()
	case key.Matches(msg, k.Encounters) && q.app.identify != nil && !readOnly(q.app.officer):
		return push(newEncounters(q.app))
	case key.Matches(msg, k.Requests) && q.app.exchange != nil:
		return push(newRequests(q.app))
	}
	return nil
}

// nextStatus cycles the status filter: every status, then none.
func nextStatus(s cases.Status) cases.Status {
	if s == "" {
		return cases.Statuses[0]
	}
	i := slices.Index(cases.Statuses, s)
	if i < 0 || i == len(cases.Statuses)-1 {
		return ""
	}
	return cases.Statuses[i+1]
}

// setText applies the incremental filter as the officer types: accents,
// case and punctuation do not count ("quinonez" finds "Quiñónez").
func (q *queue) setText(typed string) {
	q.filter.typed = strings.TrimSpace(typed)
	text := foldFilter(typed)
	if text == q.filter.text {
		return
	}
	narrower := strings.Contains(text, q.filter.text)
	q.filter.text = text
	q.refilter(narrower)
}

// resort shows the list in the new order from its top: the first case of
// the new order is what the officer asked to see.
func (q *queue) resort() {
	q.refilter(false)
	q.nav.reset()
	q.nav.follow()
}

func (q *queue) open() tea.Cmd {
	i := q.nav.selected()
	if i < 0 {
		return nil
	}
	return push(newCaseView(q.app, q.all[q.view[i]].ID))
}

// match reports whether case i passes the filter.
func (q *queue) match(i int32) bool {
	c := &q.all[i]
	f := &q.filter
	switch {
	case f.mine && c.Assignee != q.app.officer.ID,
		f.unassigned && c.Assignee != "",
		f.status != "" && c.Status != f.status,
		f.overdue && !c.Overdue(q.now),
		f.awaiting && c.Examination != cases.ExamAwaitVerify && c.Examination != cases.ExamAwaitSuper,
		f.text != "" && !strings.Contains(q.search[i], f.text):
		return false
	}
	return true
}

// refilter rebuilds the list of shown cases, keeping the cursor on the same
// case when it is still shown. With narrower set, the filter only got
// stricter, so the current list is filtered in place.
func (q *queue) refilter(narrower bool) {
	var current int32 = -1
	if i := q.nav.selected(); i >= 0 && i < len(q.view) {
		current = q.view[i]
	}
	if narrower && q.view != nil {
		out := q.view[:0]
		for _, i := range q.view {
			if q.match(i) {
				out = append(out, i)
			}
		}
		q.view = out
	} else {
		order := q.order(q.sortCol, q.desc)
		if q.view == nil || cap(q.view) < len(q.all) {
			q.view = make([]int32, 0, len(q.all))
		}
		q.view = q.view[:0]
		for _, i := range order {
			if q.match(i) {
				q.view = append(q.view, i)
			}
		}
	}
	q.nav.setLen(len(q.view))
	q.nav.selectIndex(0)
	if current >= 0 {
		if j := slices.Index(q.view, current); j >= 0 {
			q.nav.selectIndex(j)
		}
	}
}

// order returns the index for column c in the given direction, building
// it if needed. Ties go by case number, ascending, in both directions.
func (q *queue) order(c column, desc bool) []int32 {
	d := 0
	if desc {
		d = 1
	}
	if q.orders[c][d] != nil {
		return q.orders[c][d]
	}
	n := len(q.all)
	byID := q.orders[colID][0]
	if byID == nil {
		byID = make([]int32, n)
		for i := range byID {
			byID[i] = int32(i)
		}
		slices.SortFunc(byID, func(x, y int32) int { return strings.Compare(q.all[x].ID, q.all[y].ID) })
		q.orders[colID][0] = byID
	}
	rank := make([]int32, n) // case index → position by case number
	for r, i := range byID {
		rank[i] = int32(r)
	}
	var idx []int32
	switch c {
	case colID:
		idx = slices.Clone(byID)
		if desc {
			slices.Reverse(idx)
		}
	case colTitle, colAssignee:
		text := make([]string, n)
		for i := range q.all {
			if c == colTitle {
				text[i] = q.all[i].Title
			} else {
				text[i] = q.app.officerName(q.all[i].Assignee)
			}
		}
		idx = slices.Clone(byID)
		slices.SortStableFunc(idx, func(x, y int32) int {
			ex, ey := text[x] == "", text[y] == ""
			switch {
			case ex != ey && ex:
				return 1
			case ex != ey:
				return -1
			}
			r := strings.Compare(text[x], text[y])
			if desc {
				r = -r
			}
			return r
		})
	default:
		idx = q.orderByNumber(c, desc, byID, rank)
	}
	q.orders[c][d] = idx
	return idx
}

// orderByNumber sorts by a column whose value is a number (status in
// workflow order, priority, creation or due time) by packing empty flag,
// value and rank by case number into one uint64 and sorting those.
func (q *queue) orderByNumber(c column, desc bool, byID, rank []int32) []int32 {
	const (
		rankBits = 24 // 16 million cases
		valBits  = 63 - rankBits
		maxVal   = 1<<valBits - 1 // seconds: good until the year 19,400
	)
	n := len(q.all)
	value := func(s *cases.CaseSummary) (v int64, empty bool) {
		switch c {
		case colStatus:
			v = int64(slices.Index(cases.Statuses, s.Status))
		case colPriority:
			v = int64(s.Priority)
		case colAge: // youngest first
			v = maxVal - s.Created.Unix()
		case colDue:
			empty = s.Due.IsZero()
			v = s.Due.Unix()
		}
		v = max(min(v, maxVal), 0)
		if desc {
			v = maxVal - v
		}
		return v, empty
	}
	if n >= 1<<rankBits {
		// Too many to pack: sort by comparison, slower but the same order.
		idx := slices.Clone(byID)
		slices.SortStableFunc(idx, func(x, y int32) int {
			vx, ex := value(&q.all[x])
			vy, ey := value(&q.all[y])
			if ex != ey {
				if ex {
					return 1
				}
				return -1
			}
			return cmp.Compare(vx, vy)
		})
		return idx
	}
	keys := make([]uint64, n)
	for i := range q.all {
		v, empty := value(&q.all[i])
		k := uint64(v)<<rankBits | uint64(rank[i])
		if empty {
			k |= 1 << 63
		}
		keys[i] = k
	}
	slices.Sort(keys)
	idx := make([]int32, n)
	for j, k := range keys {
		idx[j] = byID[k&(1<<rankBits-1)]
	}
	return idx
}

// computeLayout shares the width among the columns: the title takes what is
// left; when that is too little the assignee narrows, then the age and the
// assignee are hidden, then the case number is cut.
func (q *queue) computeLayout(w int) layout {
	var l layout
	l.width = [numColumns]int{q.idW, 0, statusWidth, priorityWidth, assigneeWidth, ageWidth, dueWidth}
	rest := func() int {
		used := markerWidth + flagsWidth
		for c, cw := range l.width {
			if column(c) != colTitle && cw > 0 {
				used += cw + 1
			}
		}
		return w - used - 1
	}
	if rest() < titleComfort {
		l.width[colAssignee] = assigneeMin
	}
	if rest() < titleMin {
		l.width[colAge] = 0
	}
	if rest() < titleMin {
		l.width[colAssignee] = 0
	}
	// Very narrow: drop the priority, the status and the due date in turn,
	// then cut the case number.
	for _, c := range []column{colPriority, colStatus, colDue} {
		if rest() < titleMin {
			l.width[c] = 0
		}
	}
	if r := rest(); r < titleMin {
		l.width[colID] = max(l.width[colID]-(titleMin-r), 6)
	}
	l.width[colTitle] = max(rest(), 1)
	return l
}

// View draws the summary line, the column headings and the visible rows,
// as drawn after the last change.
func (q *queue) View() string { return q.frame }

// redraw draws the screen for the current state into q.frame, rendering
// only the visible rows and reusing the cached unselected ones.
func (q *queue) redraw() {
	q.frame = q.draw(q.width)
}

func (q *queue) draw(width int) string {
	st := q.app.styles
	if !q.loaded {
		return st.Muted.Render(" Loading cases…")
	}
	if q.loadErr != nil {
		return st.Danger.Render(" The case queue could not be loaded: " + cases.ErrorMessage(q.loadErr))
	}
	if q.layoutOf != width {
		q.layout, q.layoutOf = q.computeLayout(width), width
	}
	if k := (rowsKey{width, st.Dark, q.now}); k != q.rowsKey || len(q.rows) > maxCachedRows {
		clear(q.rows)
		q.rowsKey = k
	}

	rows := q.nav.rows
	var b strings.Builder
	b.Grow((rows + 2) * (width + 64))
	b.WriteString(q.summaryLine(width))
	b.WriteByte('\n')
	b.WriteString(q.headings())
	if len(q.view) == 0 {
		b.WriteString("\n\n")
		if len(q.all) == 0 {
			b.WriteString(st.Muted.Render("  No cases on this desk yet."))
		} else {
			b.WriteString(st.Muted.Render("  No case matches these filters: x clears them."))
		}
		return b.String()
	}
	from, end := q.nav.visible()
	for j := from; j < end; j++ {
		b.WriteByte('\n')
		i := q.view[j]
		if j == q.nav.cursor {
			b.WriteString(q.renderRow(i, true))
			continue
		}
		r, ok := q.rows[i]
		if !ok {
			r = q.renderRow(i, false)
			q.rows[i] = r
		}
		b.WriteString(r)
	}
	return b.String()
}

// summaryLine says how many cases are shown, which filters apply and the
// sort; or, while typing after "/", shows the filter input.
func (q *queue) summaryLine(width int) string {
	st := q.app.styles
	right := fmt.Sprintf("sort %s %s ", columnNames[q.sortCol], arrow(q.desc))
	var left string
	if q.typing {
		right = fmt.Sprintf("%s of %s · ", thousands(len(q.view)), thousands(len(q.all))) + right
		left = " " + q.input.View()
	} else {
		parts := []string{st.Section.Render(" Cases ") + st.Text.Render(fmt.Sprintf("%s of %s", thousands(len(q.view)), thousands(len(q.all))))}
		for _, f := range q.filterWords() {
			parts = append(parts, st.FilterPrompt.Render(f))
		}
		if hidden := q.deskCases - len(q.all); hidden > 0 {
			parts = append(parts, st.Muted.Render(fmt.Sprintf("%s more on this desk not shared with %s", thousands(hidden), q.app.officer.Agency)))
		}
		left = strings.Join(parts, st.Muted.Render(" · "))
		if lipgloss.Width(left)+lipgloss.Width(right) > width {
			right = ""
		}
	}
	gap := max(width-lipgloss.Width(left)-lipgloss.Width(right), 1)
	return left + strings.Repeat(" ", gap) + st.Muted.Render(right)
}

// filterWords names the active filters.
func (q *queue) filterWords() []string {
	var out []string
	f := q.filter
	if f.mine {
		out = append(out, "mine")
	}
	if f.unassigned {
		out = append(out, "unassigned")
	}
	if f.status != "" {
		out = append(out, "status: "+f.status.Label())
	}
	if f.overdue {
		out = append(out, "overdue")
	}
	if f.awaiting {
		out = append(out, "awaiting verification or a supervisor")
	}
	if f.typed != "" {
		out = append(out, fmt.Sprintf("“%s”", f.typed))
	}
	return out
}

func arrow(desc bool) string {
	if desc {
		return "▼"
	}
	return "▲"
}

// headings draws the column titles, marking the sorted one.
func (q *queue) headings() string {
	st := q.app.styles
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", markerWidth))
	for c := range numColumns {
		w := q.layout.width[c]
		if w == 0 {
			continue
		}
		name := columnNames[c]
		style := st.ColumnHeader
		if c == q.sortCol {
			if lipgloss.Width(name)+1 > w {
				name = truncate(name, w-1)
			}
			name += arrow(q.desc)
			style = st.ColumnSorted
		}
		if c == colAge {
			b.WriteString(style.Render(padLeft(name, w)))
		} else {
			b.WriteString(style.Render(pad(name, w)))
		}
		b.WriteByte(' ')
	}
	return b.String()
}

// renderRow draws one case. The selected row is drawn in one style with the
// "▸" marker so it shows without colour.
func (q *queue) renderRow(i int32, selected bool) string {
	st := q.app.styles
	c := &q.all[i]
	overdue := c.Overdue(q.now)
	flags := ""
	if overdue {
		flags += "!"
	}
	if c.Conflict {
		flags += "⚠"
	}
	cells := [numColumns]string{
		colID:       c.ID,
		colTitle:    c.Title,
		colStatus:   c.Status.Label(),
		colPriority: c.Priority.Label(),
		colAssignee: q.app.officerName(c.Assignee),
		colAge:      age(q.now, c.Created),
		colDue:      date(c.Due),
	}
	var b strings.Builder
	if selected {
		b.WriteString("▸ ")
		for col, w := range q.layout.width {
			if w == 0 {
				continue
			}
			if column(col) == colAge {
				b.WriteString(padLeft(cells[col], w))
			} else {
				b.WriteString(pad(cells[col], w))
			}
			b.WriteByte(' ')
		}
		b.WriteString(pad(flags, flagsWidth))
		return st.Selected.Render(b.String())
	}
	b.WriteString("  ")
	for col, w := range q.layout.width {
		if w == 0 {
			continue
		}
		var text string
		if column(col) == colAge {
			text = padLeft(cells[col], w)
		} else {
			text = pad(cells[col], w)
		}
		style := st.Cell
		switch column(col) {
		case colStatus:
			style = st.statusStyle(c.Status)
		case colPriority:
			style = st.priorityStyle(c.Priority)
		case colAssignee, colAge:
			style = st.Muted
		case colDue:
			if overdue {
				style = st.Overdue
			}
		}
		b.WriteString(style.Render(text))
		b.WriteByte(' ')
	}
	if overdue {
		b.WriteString(st.Overdue.Render("!"))
	}
	if c.Conflict {
		b.WriteString(st.Conflict.Render("⚠"))
	}
	return b.String()
}

// Help lists the queue's keys.
func (q *queue) Help() ([]key.Binding, [][]key.Binding) {
	k := q.app.keys
	if q.typing {
		return []key.Binding{k.FindKeep, k.FindClear},
			[][]key.Binding{{k.FindKeep, k.FindClear}}
	}
	short := []key.Binding{k.Open, k.Find, k.Mine, k.Unassigned, k.StatusFilter, k.Overdue, k.Verification, k.ClearFilters, k.SortColumn, k.SortReverse}
	full := [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.Open},
		{k.Find, k.Mine, k.Unassigned, k.StatusFilter, k.Overdue, k.Verification, k.ClearFilters},
		{k.SortColumn, k.SortReverse},
	}
	if q.app.identify != nil && !readOnly(q.app.officer) {
		short = append([]key.Binding{k.Open, k.Encounters}, short[1:]...)
		full[2] = append(full[2], k.Encounters)
	}
	if q.app.exchange != nil {
		short = append([]key.Binding{short[0], k.Requests}, short[1:]...)
		full[2] = append(full[2], k.Requests)
	}
	return short, full
}
