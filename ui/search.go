package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/enlace-desk/enlace/cases"
)

// searchDelay is how long the search waits after the last keypress before
// it asks the store: typing a name runs one search, not one per letter.
const searchDelay = 250 * time.Millisecond

// mrzJoin shows the line breaks of a pasted MRZ on the one-line query:
// "P<ECUMACIAS<<… ⏎ A1234567<8ECU…". The query sent to the store has "\n"
// in its place, so the MRZ parser sees the lines.
const mrzJoin = " ⏎ "

// hitLines is how many lines one search result takes.
const hitLines = 3

// The search screen's fields, in tab order.
const (
	fieldQuery = iota
	fieldDOB
	fieldTolerance
	fieldSex
	fieldNationality
	fieldCategory
	fieldAgency
	fieldGang
	numSearchFields
)

var sexChoices = []cases.Sex{"", cases.SexMale, cases.SexFemale, cases.SexUnknown}

// subjectSearch is the subject search: a query line that takes a name, a
// document number or a pasted MRZ, filters, and the results as the officer
// types. Every search states the session's purpose and is logged by the
// store.
type subjectSearch struct {
	app *app

	query                             textinput.Model
	dob, tolerance, nationality, gang textinput.Model
	sex, category, agency             int // index in the choices; 0 is "any"
	field                             int // the focused field

	// seq numbers the query: a result whose seq is not the latest is stale
	// and dropped. cancel stops the search in flight.
	seq       int
	cancel    context.CancelFunc
	searching bool
	res       *cases.SearchResult
	problem   string // a filter the officer must correct before searching

	size
	nav listNav // the results, hitLines lines each
}

type (
	// searchDueMsg fires searchDelay after a change; only the latest runs.
	searchDueMsg struct {
		s   *subjectSearch
		seq int
	}
	searchResultMsg struct {
		s   *subjectSearch
		seq int
		res *cases.SearchResult
		err error
	}
	// purposeMsg says the officer stated (or changed) the search purpose.
	purposeMsg struct{}
)

func newSubjectSearch(a *app) *subjectSearch {
	s := &subjectSearch{app: a, nav: listNav{itemLines: hitLines}}
	field := func(placeholder string, width, limit int) textinput.Model {
		in := textinput.New()
		in.Prompt = ""
		in.Placeholder = placeholder
		in.CharLimit = limit
		in.SetWidth(width)
		in.SetStyles(a.styles.TextInput)
		return in
	}
	s.query = field("name, alias, cédula, passport, A-number or a pasted MRZ", 40, 512)
	s.query.Prompt = "› "
	s.dob = field("yyyy-mm-dd", 10, 10)
	s.tolerance = field("0", 2, 2)
	s.nationality = field("any", 3, 3)
	s.gang = field("any", 16, 64)
	return s
}

// Title names the screen.
func (s *subjectSearch) Title() string { return "Find subject" }

// Capturing: the query line takes text, so q is typed.
func (s *subjectSearch) Capturing() bool { return true }

// Init focuses the query and, before the session's first search, asks the
// purpose.
func (s *subjectSearch) Init() tea.Cmd {
	cmds := []tea.Cmd{s.query.Focus()}
	if s.app.purpose == "" {
		cmds = append(cmds, push(newPurposePicker(s.app)))
	}
	return tea.Batch(cmds...)
}

// input is the text field with focus, or nil for a choice field.
func (s *subjectSearch) input() *textinput.Model {
	switch s.field {
	case fieldQuery:
		return &s.query
	case fieldDOB:
		return &s.dob
	case fieldTolerance:
		return &s.tolerance
	case fieldNationality:
		return &s.nationality
	case fieldGang:
		return &s.gang
	}
	return nil
}

func (s *subjectSearch) focus(field int) tea.Cmd {
	if in := s.input(); in != nil {
		in.Blur()
	}
	s.field = (field + numSearchFields) % numSearchFields
	if in := s.input(); in != nil {
		in.CursorEnd()
		return in.Focus()
	}
	return nil
}

// stop cancels the search in flight, if any.
func (s *subjectSearch) stop() {
	if s.cancel != nil {
		s.cancel()
		s.cancel = nil
	}
	s.searching = false
}

// changed schedules a search for the query as it is now. An empty query
// shows nothing and searches nothing.
func (s *subjectSearch) changed() tea.Cmd {
	s.seq++
	s.stop()
	s.problem = ""
	if strings.TrimSpace(s.query.Value()) == "" {
		s.res = nil
		s.nav.reset()
		s.nav.setLen(0)
		return nil
	}
	s.searching = true
	seq := s.seq
	return tea.Tick(searchDelay, func(time.Time) tea.Msg { return searchDueMsg{s, seq} })
}

// queryText turns the query line into the store's query text: the MRZ
// lines joined back with "\n".
func queryText(v string) string {
	if !strings.Contains(v, "⏎") {
		return strings.TrimSpace(v)
	}
	var lines []string
	for _, l := range strings.Split(v, "⏎") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// pasted shows pasted text on the one-line query: several lines (an MRZ)
// are joined with mrzJoin.
func pasted(content string) string {
	content = strings.ReplaceAll(content, "\r\n", "\n")
	content = strings.ReplaceAll(content, "\r", "\n")
	if !strings.Contains(content, "\n") {
		return content
	}
	var lines []string
	for _, l := range strings.Split(content, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, mrzJoin)
}

// build states the query, or says which filter is wrong.
func (s *subjectSearch) build() (cases.SubjectQuery, error) {
	a := s.app
	q := cases.SubjectQuery{
		Text:        queryText(s.query.Value()),
		Sex:         sexChoices[s.sex],
		Nationality: strings.ToUpper(strings.TrimSpace(s.nationality.Value())),
		Gang:        strings.TrimSpace(s.gang.Value()),
		Purpose:     a.purpose,
		PurposeText: a.purposeText,
	}
	if v := strings.TrimSpace(s.dob.Value()); v != "" {
		d, err := cases.ParsePartialDate(v)
		if err != nil {
			return q, err
		}
		q.DOB = d
	}
	if v := strings.TrimSpace(s.tolerance.Value()); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return q, cases.Errorf(cases.EINVALID, "the date-of-birth tolerance must be a number of years, not %q", v)
		}
		q.DOBToleranceYears = n
	}
	if s.category > 0 {
		q.Category = cases.Categories[s.category-1]
	}
	if s.agency > 0 && s.agency <= len(a.agencies) {
		q.OwnerAgency = a.agencies[s.agency-1].Code
	}
	return q, nil
}

// run starts the search for the latest query, cancelling the one in flight.
func (s *subjectSearch) run() tea.Cmd {
	q, err := s.build()
	if err != nil {
		s.searching = false
		s.problem = cases.ErrorMessage(err)
		return nil
	}
	s.stop()
	ctx, cancel := context.WithCancel(s.app.ctx)
	s.cancel, s.searching = cancel, true
	a, seq := s.app, s.seq
	return func() tea.Msg {
		res, err := a.store.SearchSubjects(ctx, a.officer, q)
		return searchResultMsg{s: s, seq: seq, res: res, err: err}
	}
}

// Update handles keys, paste, the debounce and results.
func (s *subjectSearch) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case searchDueMsg:
		if msg.s != s || msg.seq != s.seq {
			return nil // the officer typed since: a later search is due
		}
		return s.run()
	case searchResultMsg:
		if msg.s != s || msg.seq != s.seq {
			return nil // stale: a later query replaced it
		}
		s.stop()
		if msg.err != nil {
			s.res = nil
			s.layout()
			return failure(cases.ErrorMessage(msg.err))
		}
		s.res = msg.res
		s.nav.reset()
		s.nav.setLen(len(s.hits()))
		s.layout()
		return nil
	case purposeMsg:
		return s.changed()
	case directoryMsg:
		s.agency = min(s.agency, len(s.app.agencies))
		s.layout()
		return nil
	case tea.PasteMsg:
		if in := s.input(); in != nil {
			before := in.Value()
			var cmd tea.Cmd
			if s.field == fieldQuery {
				msg.Content = pasted(msg.Content)
			}
			*in, cmd = in.Update(msg)
			if in.Value() != before {
				return tea.Batch(cmd, s.changed())
			}
			return cmd
		}
		return nil
	case tea.MouseWheelMsg, tea.MouseClickMsg:
		if _, open := s.nav.update(s.app.keys, msg, true); open {
			return s.open()
		}
		return nil
	case tea.KeyPressMsg:
		cmd := s.key(msg)
		s.layout() // a filter may have changed the lines above the results
		return cmd
	}
	return nil
}

// open opens the selected result's subject.
func (s *subjectSearch) open() tea.Cmd {
	i := s.nav.selected()
	if i < 0 {
		return nil
	}
	h := s.hits()[i]
	return push(newSubjectView(s.app, h.Subject.ID, &h))
}

// SetSize fits the query line and places the results.
func (s *subjectSearch) SetSize(width, height int) {
	s.size.SetSize(width, height)
	s.query.SetWidth(max(width-12, 10))
	s.layout()
}

// layout places the results under the query, the filters, the status and
// the notices, whose height depends on the width and the result.
func (s *subjectSearch) layout() {
	top := len(s.top(s.width))
	s.nav.setSize(top, max(s.height-top, hitLines))
}

func (s *subjectSearch) hits() []cases.SubjectHit {
	if s.res == nil {
		return nil
	}
	return s.res.Hits
}

func (s *subjectSearch) key(msg tea.KeyPressMsg) tea.Cmd {
	k := s.app.keys
	switch {
	case key.Matches(msg, k.Back):
		s.stop()
		return pop(s)
	case key.Matches(msg, k.Purpose):
		return push(newPurposePicker(s.app))
	case key.Matches(msg, k.NextField):
		return s.focus(s.field + 1)
	case key.Matches(msg, k.PrevField):
		return s.focus(s.field - 1)
	case key.Matches(msg, k.OpenHit):
		return s.open()
	}
	if moved, _ := s.nav.update(k, msg, true); moved {
		return nil
	}
	if in := s.input(); in != nil {
		before := in.Value()
		var cmd tea.Cmd
		*in, cmd = in.Update(msg)
		if in.Value() != before {
			return tea.Batch(cmd, s.changed())
		}
		return cmd
	}
	// A choice field: ←/→ change it.
	d := 0
	switch msg.String() {
	case "left":
		d = -1
	case "right", "space":
		d = 1
	}
	if d == 0 {
		return nil
	}
	turn := func(v *int, n int) { *v = (*v + d + n) % n }
	switch s.field {
	case fieldSex:
		turn(&s.sex, len(sexChoices))
	case fieldCategory:
		turn(&s.category, len(cases.Categories)+1)
	case fieldAgency:
		turn(&s.agency, len(s.app.agencies)+1)
	}
	return s.changed()
}

// View draws the query line, the filters, how the query was read, notices
// and the results.
func (s *subjectSearch) View() string {
	return strings.Join(append(s.top(s.width), s.results(s.width)...), "\n")
}

// top draws the lines above the results: the query line, the filters, the
// status line and the notices.
func (s *subjectSearch) top(width int) []string {
	st := s.app.styles
	var top []string

	label := func(field int, name string) string {
		if field == s.field {
			return st.FieldActive.Render(name)
		}
		return st.Label.Render(name)
	}
	top = append(top, " "+label(fieldQuery, "Find ")+s.query.View())

	// The filters, wrapped to the width.
	choice := func(field int, text string) string {
		if field == s.field {
			return st.ChoiceActive.Render("‹ " + text + " ›")
		}
		return st.Text.Render(text)
	}
	sex := "any"
	if s.sex > 0 {
		sex = string(sexChoices[s.sex])
	}
	category := "any"
	if s.category > 0 {
		category = cases.Categories[s.category-1].Label()
	}
	agency := "any"
	if s.agency > 0 && s.agency <= len(s.app.agencies) {
		agency = s.app.agencies[s.agency-1].Code
	}
	segments := []string{
		label(fieldDOB, "Born ") + s.dob.View(),
		label(fieldTolerance, "± ") + s.tolerance.View() + st.Muted.Render(" y"),
		label(fieldSex, "Sex ") + choice(fieldSex, sex),
		label(fieldNationality, "Nationality ") + s.nationality.View(),
		label(fieldCategory, "Category ") + choice(fieldCategory, category),
		label(fieldAgency, "Owner ") + choice(fieldAgency, agency),
		label(fieldGang, "Gang ") + s.gang.View(),
	}
	line := " "
	for _, seg := range segments {
		if lipgloss.Width(line) > 1 && lipgloss.Width(line)+2+lipgloss.Width(seg) > width {
			top = append(top, line)
			line = " "
		}
		if lipgloss.Width(line) > 1 {
			line += "  "
		}
		line += seg
	}
	top = append(top, line)
	top = append(top, s.statusLine(width))
	if s.res != nil {
		for _, n := range s.res.Notices {
			for _, l := range wrapLines("⚠ "+n, width-2) {
				top = append(top, " "+st.Warning.Render(l))
			}
		}
	}
	return append(top, "")
}

// statusLine states the purpose, how the query was read and how many
// results came back.
func (s *subjectSearch) statusLine(width int) string {
	st := s.app.styles
	a := s.app
	var purpose string
	if a.purpose == "" {
		purpose = st.Warning.Render("No purpose stated: ctrl+p states it")
	} else {
		p := a.purpose.Label()
		if a.purpose == cases.PurposeOther && a.purposeText != "" {
			p += ": " + a.purposeText
		}
		purpose = st.Label.Render("Purpose ") + st.Text.Render(truncate(p, 40))
	}
	parts := []string{purpose}
	switch {
	case s.problem != "":
		parts = append(parts, st.Danger.Render(s.problem))
	case s.searching:
		parts = append(parts, st.Muted.Render("searching…"))
	case s.res != nil:
		if s.res.ReadAs != "" {
			parts = append(parts, st.Label.Render("read as ")+st.Kind.Render(s.res.ReadAs))
		}
		found := count(len(s.res.Hits), "result", "results")
		if s.res.Candidates > len(s.res.Hits) {
			found += " of " + thousands(s.res.Candidates) + " considered"
		}
		parts = append(parts, st.Text.Render(found))
	}
	return truncate(" "+strings.Join(parts, st.Muted.Render(" · ")), width)
}

// results draws the visible results, hitLines lines each.
func (s *subjectSearch) results(width int) []string {
	st := s.app.styles
	if strings.TrimSpace(s.query.Value()) == "" {
		return []string{
			st.Muted.Render("  Type a name in any order, an alias or a moniker, a cédula, passport or A-number,"),
			st.Muted.Render("  or paste the two or three lines of an MRZ. Tab moves to the filters."),
		}
	}
	hits := s.hits()
	if s.res != nil && len(hits) == 0 {
		out := []string{st.Muted.Render("  No subject matches “" + truncate(queryText(s.query.Value()), 40) + "”.")}
		if on := s.filtersOn(); len(on) > 0 {
			for _, l := range wrapLines("Filters on: "+strings.Join(on, ", ")+". Clear one (tab to it) to widen the search.", width-4) {
				out = append(out, "  "+st.Warning.Render(l))
			}
		}
		return out
	}
	var out []string
	from, to := s.nav.visible()
	for i := from; i < to; i++ {
		out = append(out, s.hitLines(hits[i], i == s.nav.cursor, width)...)
	}
	return out
}

// filtersOn names the filters that narrow the search, for an empty result.
func (s *subjectSearch) filtersOn() []string {
	// The date of birth is evidence, not a filter: it ranks, it does not
	// exclude.
	var on []string
	if s.sex > 0 {
		on = append(on, "sex "+string(sexChoices[s.sex]))
	}
	if v := strings.TrimSpace(s.nationality.Value()); v != "" {
		on = append(on, "nationality "+strings.ToUpper(v))
	}
	if s.category > 0 {
		on = append(on, "category "+cases.Categories[s.category-1].Label())
	}
	if s.agency > 0 && s.agency <= len(s.app.agencies) {
		on = append(on, "owner "+s.app.agencies[s.agency-1].Code)
	}
	if v := strings.TrimSpace(s.gang.Value()); v != "" {
		on = append(on, "gang “"+v+"”")
	}
	return on
}

// hitLines draws one result: the names and the date of birth with the
// score; the documents, category and owner; why it matched.
func (s *subjectSearch) hitLines(h cases.SubjectHit, selected bool, width int) []string {
	st := s.app.styles
	sub := &h.Subject
	right := fmt.Sprintf("  %-10s  score %.2f ", orDash(sub.DOB.String()), h.Score)
	civil := sub.Name.Civil()
	name := sub.Name.Display()
	avail := max(width-lipgloss.Width(right)-2, 10)
	var first string
	if selected {
		first = st.Selected.Render(pad("▸ "+truncate(name+"  "+civil, avail), width-lipgloss.Width(right)) + right)
	} else {
		left := "  " + st.Author.Render(truncate(name, avail)) + "  " + st.Muted.Render(truncate(civil, max(avail-lipgloss.Width(name)-2, 0)))
		first = pad(left, width-lipgloss.Width(right)) + st.Text.Render(right)
	}
	facts := append(documentTexts(sub.Documents), sub.Category.Label())
	if sub.OwnerAgency != "" {
		facts = append(facts, sub.OwnerAgency)
	}
	if sub.Gang != "" {
		facts = append(facts, sub.Gang)
	}
	if h.Fingerprints > 0 {
		facts = append(facts, count(h.Fingerprints, "finger", "fingers"))
	}
	// The row names what matched; how the name was read ("reading: …")
	// waits for the subject view unless it is all there is.
	var why []string
	for _, r := range h.Reasons {
		if !strings.HasPrefix(r, "reading:") && len(why) < 2 {
			why = append(why, r)
		}
	}
	if len(why) == 0 && len(h.Reasons) > 0 {
		why = h.Reasons[:1]
	}
	reason := "why: " + strings.Join(why, "; ")
	if more := len(h.Reasons) - len(why); more > 0 {
		reason += fmt.Sprintf(" (+%d more)", more)
	}
	return []string{
		first,
		"    " + st.Text.Render(truncate(strings.Join(facts, " · "), width-4)),
		"    " + st.Muted.Render(truncate(reason, width-4)),
	}
}

// documentTexts names each document: "Cédula 1714307103 (ECU)".
func documentTexts(docs []cases.Document) []string {
	out := make([]string, 0, len(docs)+2)
	for _, d := range docs {
		t := d.Kind.Label() + " " + d.Number
		if d.Country != "" {
			t += " (" + d.Country + ")"
		}
		out = append(out, t)
	}
	return out
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// Explain gives the score and the "why" line in the full help.
func (s *subjectSearch) Explain() []string {
	return []string{
		"Score: how well the record matches the query, 0 to 1 (1 is the same name, or the same document number). It ranks results; it is not a probability.",
		"why: the first reasons the record matched (how the name parts paired, which document matched, the date-of-birth evidence); \"(+3 more)\" counts the others, listed in full when the subject opens (enter).",
		"An empty result names the filters that are on: each one narrows the search.",
	}
}

// Help lists the search's keys.
func (s *subjectSearch) Help() ([]key.Binding, [][]key.Binding) {
	k := s.app.keys
	return []key.Binding{k.OpenHit, k.NextField, k.Purpose, k.Back},
		[][]key.Binding{{k.OpenHit, k.Up, k.Down, k.PageUp}, {k.NextField, k.PrevField, k.Left, k.Purpose, k.Back}}
}

// purposePicker asks why the officer searches: asked once before the
// session's first search, changeable with ctrl+p, remembered with its free
// text for "other".
type purposePicker struct {
	size
	app  *app
	list picker
	text textinput.Model
}

func newPurposePicker(a *app) *purposePicker {
	p := &purposePicker{app: a}
	for i, pu := range cases.Purposes {
		p.list.choices = append(p.list.choices, pu.Label())
		if pu == a.purpose {
			p.list.cursor = i
		}
	}
	p.text = textinput.New()
	p.text.Prompt = "Reason: "
	p.text.Placeholder = "required for Other: what is the search for?"
	p.text.CharLimit = 200
	p.text.SetStyles(a.styles.TextInput)
	p.text.SetValue(a.purposeText)
	return p
}

func (p *purposePicker) isDialog()       {}
func (p *purposePicker) Title() string   { return "Purpose" }
func (p *purposePicker) Capturing() bool { return true }
func (p *purposePicker) Init() tea.Cmd   { return p.text.Focus() }

func (p *purposePicker) Update(msg tea.Msg) tea.Cmd {
	k := p.app.keys
	switch msg := msg.(type) {
	case tea.PasteMsg:
		var cmd tea.Cmd
		p.text, cmd = p.text.Update(msg)
		return cmd
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, k.Cancel):
			return pop(p)
		case pickerKey(k, &p.list, msg, true):
			return nil
		case key.Matches(msg, k.Confirm):
			pu := cases.Purposes[p.list.cursor]
			text := strings.TrimSpace(p.text.Value())
			if pu != cases.PurposeOther {
				text = ""
			}
			if err := cases.ValidatePurpose(pu, text); err != nil {
				return failure(cases.ErrorMessage(err))
			}
			p.app.purpose, p.app.purposeText = pu, text
			return tea.Sequence(pop(p), func() tea.Msg { return purposeMsg{} }, notice("Searches are for: %s.", pu.Label()))
		}
		var cmd tea.Cmd
		p.text, cmd = p.text.Update(msg)
		return cmd
	}
	return nil
}

// SetSize fits the reason field into the dialog.
func (p *purposePicker) SetSize(width, height int) {
	p.size.SetSize(width, height)
	p.text.SetWidth(max(min(dialogWidth, width-4)-10, 10))
}

func (p *purposePicker) View() string {
	inner := min(dialogWidth, p.width-4)
	k := p.app.keys
	content := p.app.styles.Muted.Render(truncate("Every search is logged with its purpose (agreement Art. 15).", inner)) +
		"\n\n" + p.list.view(p.app.styles, inner) + "\n\n" + p.text.View()
	return box(p.app, p.width, "Why are you searching?", content, "↑/↓ choose · "+hintText(k.Confirm, k.Cancel))
}

// Help: the reason field takes letters, so only the arrows move the choice.
func (p *purposePicker) Help() ([]key.Binding, [][]key.Binding) {
	k := p.app.keys
	return []key.Binding{k.ChooseUp, k.ChooseDown, k.Confirm, k.Cancel}, [][]key.Binding{{k.ChooseUp, k.ChooseDown, k.Confirm, k.Cancel}}
}
