package ui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/enlace-desk/enlace/biometric"
	"github.com/enlace-desk/enlace/cases"
)

// subjectView is one subject: every field of the record, the fingers on
// file, why it matched (when opened from a search) and the cases it appears
// in, from which the officer opens a case or starts one.
type subjectView struct {
	app *app
	id  string
	hit *cases.SubjectHit // the search result it was opened from, if any

	loaded bool
	err    error
	s      *cases.Subject
	cases  []cases.CaseSummary

	cursor int // the selected case
	scrollPage
	casesAt int // line of the first case row
}

func newSubjectView(a *app, id string, hit *cases.SubjectHit) *subjectView {
	return &subjectView{app: a, id: id, hit: hit}
}

func (v *subjectView) record() string { return "subject " + v.id }

// Title is the subject's name once loaded.
func (v *subjectView) Title() string {
	if v.s != nil {
		return v.s.Name.Display()
	}
	return "Subject"
}

// Capturing: the subject view takes no text.
func (v *subjectView) Capturing() bool { return false }

type subjectMsg struct {
	id    string
	s     *cases.Subject
	cases []cases.CaseSummary
	err   error
}

// Init loads the subject and its cases; opening it is logged as a view of a
// person, with the session's purpose, asked first when none is stated yet
// (a subject opened from a case).
func (v *subjectView) Init() tea.Cmd {
	if v.app.purpose == "" {
		return push(newPurposePicker(v.app))
	}
	return v.logView()
}

// logView reads the subject as a logged view of a person.
func (v *subjectView) logView() tea.Cmd {
	a, id, purpose, text := v.app, v.id, v.app.purpose, v.app.purposeText
	return v.loadWith(func() (*cases.Subject, error) { return a.store.ViewSubject(a.ctx, a.officer, id, purpose, text) })
}

// load reads the subject again (after a change), without logging a new view.
func (v *subjectView) load() tea.Cmd {
	a, id := v.app, v.id
	return v.loadWith(func() (*cases.Subject, error) { return a.store.Subject(a.ctx, id) })
}

func (v *subjectView) loadWith(get func() (*cases.Subject, error)) tea.Cmd {
	a, id := v.app, v.id
	return func() tea.Msg {
		s, err := get()
		if err != nil {
			return subjectMsg{id: id, err: err}
		}
		list, err := a.store.SubjectCases(a.ctx, id)
		return subjectMsg{id: id, s: s, cases: list, err: err}
	}
}

// Update handles keys, the wheel and (re)loading.
func (v *subjectView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case subjectMsg:
		if msg.id != v.id {
			return nil
		}
		v.loaded, v.err = true, msg.err
		if msg.err == nil {
			v.s, v.cases = msg.s, msg.cases
			v.cursor = max(min(v.cursor, len(v.cases)-1), 0)
		}
		v.redraw()
		return nil
	case purposeMsg:
		if !v.loaded && v.app.purpose != "" {
			return v.logView()
		}
		return nil
	case changedMsg:
		if !v.loaded {
			return nil
		}
		return v.load()
	case reloadMsg:
		// A changed case may list this subject now, or no longer.
		ch := msg.changes
		if !v.loaded || !ch.HasSubject(v.id) && len(ch.Cases) == 0 {
			return nil
		}
		return v.load()
	case directoryMsg, tickMsg, restyledMsg:
		v.redraw()
		return nil
	case tea.MouseWheelMsg:
		v.wheel(msg)
		return nil
	case tea.KeyPressMsg:
		return v.key(msg)
	}
	return nil
}

func (v *subjectView) key(msg tea.KeyPressMsg) tea.Cmd {
	k := v.app.keys
	switch {
	case key.Matches(msg, k.Back):
		return pop(v)
	case key.Matches(msg, k.Up):
		v.select_(-1)
	case key.Matches(msg, k.Down):
		v.select_(1)
	case v.pageKey(k, msg):
	case key.Matches(msg, k.OpenCase):
		if v.cursor < len(v.cases) {
			return push(newCaseView(v.app, v.cases[v.cursor].ID))
		}
	case key.Matches(msg, k.NewCase) && !readOnly(v.app.officer):
		if v.s != nil {
			return push(newCaseForm(v.app, v.s))
		}
	case key.Matches(msg, k.CopyID):
		return copyID("Subject", v.id)
	}
	return nil
}

// copyID puts an ID on the clipboard (OSC 52, which works over SSH when the
// terminal allows it) and says so.
func copyID(what, id string) tea.Cmd {
	return tea.Batch(tea.SetClipboard(id), notice("%s ID %s copied to the clipboard (if your terminal allows OSC 52).", what, id))
}

// select_ moves the case selection and keeps it on screen; with no cases it
// scrolls.
func (v *subjectView) select_(d int) {
	if len(v.cases) == 0 {
		v.scroll(d)
		return
	}
	v.cursor = max(min(v.cursor+d, len(v.cases)-1), 0)
	v.redraw()
	v.show(v.casesAt + v.cursor)
}

// SetSize draws the page again for the new width.
func (v *subjectView) SetSize(width, height int) {
	v.width, v.height = width, height
	v.redraw()
}

// redraw draws the page for the subject as loaded, at the screen's width.
func (v *subjectView) redraw() {
	if v.s != nil && v.width > 0 {
		v.setPage(v.page(v.width))
	}
}

// View draws the visible part of the page.
func (v *subjectView) View() string {
	st := v.app.styles
	switch {
	case !v.loaded && v.app.purpose == "":
		return st.Muted.Render(" Opening a record is logged with its purpose: state it to see the subject.")
	case !v.loaded:
		return st.Muted.Render(" Loading the subject…")
	case v.s == nil:
		return st.Danger.Render(" " + cases.ErrorMessage(v.err))
	}
	return v.view(st)
}

// page renders the whole subject at width.
func (v *subjectView) page(width int) string {
	st := v.app.styles
	s := v.s
	var b strings.Builder
	n := 0
	line := func(text string) { b.WriteString(text); b.WriteByte('\n'); n++ }
	or := func(text, none string) string {
		if text == "" {
			return st.Muted.Render(none)
		}
		return st.Text.Render(text)
	}

	line(st.Section.Render(" "+s.Name.Display()) + "  " + st.Muted.Render(truncate(s.Name.Civil(), max(width-len(s.Name.Display())-4, 1))))
	line(truncate(" "+st.Label.Render(pad("Subject ID", 13))+st.Text.Render(s.ID)+st.Muted.Render("  i copies it"), width))
	sex := string(s.Sex)
	facts := [][2]string{
		{"Born", or(s.DOB.String(), "unknown")},
		{"Sex", or(sex, "not recorded")},
		{"Nationality", or(strings.Join(s.Nationalities, ", "), "not recorded")},
		{"Category", st.Text.Render(s.Category.Label())},
		{"Gang", or(s.Gang, "none recorded")},
		{"Legal status", or(s.LegalStatus, "none recorded")},
		{"Owner", or(s.OwnerAgency, "not recorded")},
		{"Updated", or(stamp(s.Updated), "—")},
	}
	cols := 1
	if width >= 100 {
		cols = 3
	} else if width >= 64 {
		cols = 2
	}
	cellW := (width - 1) / cols
	for i := 0; i < len(facts); i += cols {
		var row strings.Builder
		row.WriteByte(' ')
		for j := i; j < min(i+cols, len(facts)); j++ {
			row.WriteString(pad(st.Label.Render(pad(facts[j][0], 13))+facts[j][1], cellW))
		}
		line(row.String())
	}

	line("")
	line(st.Section.Render(" Names"))
	line("  " + st.Label.Render(pad("Given", 13)) + or(strings.Join(s.Name.Given, " "), "—"))
	surnames := strings.TrimSpace(s.Name.Paternal + " " + s.Name.Maternal)
	line("  " + st.Label.Render(pad("Surnames", 13)) + or(surnames, "—"))
	var aliases, monikers []string
	for _, al := range s.Aliases {
		if al.Moniker {
			monikers = append(monikers, "“"+al.Name+"”")
		} else {
			aliases = append(aliases, al.Name)
		}
	}
	line("  " + st.Label.Render(pad("Aliases", 13)) + or(truncate(strings.Join(aliases, "; "), width-16), "none"))
	line("  " + st.Label.Render(pad("Monikers", 13)) + or(truncate(strings.Join(monikers, ", "), width-16), "none"))

	line("")
	line(st.Section.Render(fmt.Sprintf(" Documents (%d)", len(s.Documents))))
	if len(s.Documents) == 0 {
		line(st.Muted.Render("   No identity document on record."))
	}
	for _, d := range documentTexts(s.Documents) {
		line("  • " + st.Text.Render(d))
	}

	line("")
	line(st.Section.Render(fmt.Sprintf(" Fingerprints on file (%d)", len(s.Fingerprints))))
	if len(s.Fingerprints) == 0 {
		line(st.Muted.Render("   No finger on file."))
	}
	for _, f := range s.Fingerprints {
		line("  • " + st.Text.Render(pad(biometric.FingerName(f.Position), 14)) + st.Muted.Render(fmt.Sprintf("%s · %s", f.Format, count(len(f.Template), "byte", "bytes"))))
	}

	if v.hit != nil {
		line("")
		line(st.Section.Render(fmt.Sprintf(" Why it matched (score %.2f)", v.hit.Score)))
		if len(v.hit.Reasons) == 0 {
			line(st.Muted.Render("   The search gave no reason."))
		}
		for _, r := range v.hit.Reasons {
			for i, l := range wrapLines(r, width-6) {
				mark := "  • "
				if i > 0 {
					mark = "    "
				}
				line(mark + st.Text.Render(l))
			}
		}
	}

	line("")
	line(st.Section.Render(fmt.Sprintf(" Cases (%d)", len(v.cases))))
	v.casesAt = n
	if len(v.cases) == 0 {
		line(st.Muted.Render("   No case names this subject yet: c opens one."))
	}
	idW := 0
	for _, c := range v.cases {
		idW = max(idW, len(c.ID))
	}
	for i, c := range v.cases {
		flags := ""
		if c.Conflict {
			flags = " ⚠"
		}
		if i == v.cursor {
			text := "▸ " + pad(c.ID, idW) + " " + pad(c.Status.Label(), statusWidth) + " " + pad(c.Priority.Label(), priorityWidth) + " " + c.Title + flags
			line(st.Selected.Render(pad(text, width)))
			continue
		}
		row := "  " + st.Cell.Render(pad(c.ID, idW)) + " " + st.statusStyle(c.Status).Render(pad(c.Status.Label(), statusWidth)) + " " +
			st.priorityStyle(c.Priority).Render(pad(c.Priority.Label(), priorityWidth)) + " " + st.Text.Render(c.Title)
		if c.Conflict {
			row += st.Conflict.Render(flags)
		}
		line(truncate(row, width))
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// Help lists the subject view's keys.
func (v *subjectView) Help() ([]key.Binding, [][]key.Binding) {
	k := v.app.keys
	acts := []key.Binding{k.OpenCase, k.NewCase, k.CopyID}
	if readOnly(v.app.officer) {
		acts = []key.Binding{k.OpenCase, k.CopyID}
	}
	return append(slices.Clone(acts), k.Down, k.Back),
		[][]key.Binding{acts, {k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}}
}

// caseForm opens a case on a subject: a title (prefilled), the priority and
// the agency it is shared with (the partner by default).
type caseForm struct {
	size
	app     *app
	subject *cases.Subject
	field   int // 0 title, 1 priority, 2 shared with
	title   textinput.Model
	prio    int      // index in cases.Priorities
	share   int      // index in shares
	shares  []string // agency codes, then "" for not shared
}

const caseFormFields = 3

func newCaseForm(a *app, s *cases.Subject) *caseForm {
	f := &caseForm{app: a, subject: s, prio: slices.Index(cases.Priorities, cases.PriorityNormal)}
	f.title = textinput.New()
	f.title.Prompt = ""
	f.title.CharLimit = 200
	f.title.SetStyles(a.styles.TextInput)
	f.title.SetValue("Identity check: " + s.Name.Display())
	if p := a.partnerAgency(); p != "" {
		f.shares = append(f.shares, p)
	}
	for _, ag := range a.agencies {
		if ag.Code != a.officer.Agency && !slices.Contains(f.shares, ag.Code) {
			f.shares = append(f.shares, ag.Code)
		}
	}
	f.shares = append(f.shares, "")
	return f
}

func (f *caseForm) isDialog()       {}
func (f *caseForm) Title() string   { return "New case" }
func (f *caseForm) Capturing() bool { return true }
func (f *caseForm) Init() tea.Cmd   { f.title.CursorEnd(); return f.title.Focus() }

type caseCreatedMsg struct {
	from *caseForm
	c    *cases.Case
	err  error
}

func (f *caseForm) Update(msg tea.Msg) tea.Cmd {
	k := f.app.keys
	switch msg := msg.(type) {
	case caseCreatedMsg:
		if msg.from != f {
			return nil
		}
		if msg.err != nil {
			return failure(cases.ErrorMessage(msg.err))
		}
		c := msg.c
		// The form closes, every screen learns of the case, then it opens.
		return tea.Sequence(
			func() tea.Msg { return changedMsg{from: f, caseID: c.ID, done: "Case " + c.ID + " opened."} },
			push(newCaseView(f.app, c.ID)))
	case tea.PasteMsg:
		if f.field == 0 {
			var cmd tea.Cmd
			f.title, cmd = f.title.Update(msg)
			return cmd
		}
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, k.Cancel):
			return pop(f)
		case key.Matches(msg, k.NextField):
			return f.focus(f.field + 1)
		case key.Matches(msg, k.PrevField):
			return f.focus(f.field - 1)
		case key.Matches(msg, k.Save), key.Matches(msg, k.Confirm):
			return f.save()
		}
		if f.field == 0 {
			var cmd tea.Cmd
			f.title, cmd = f.title.Update(msg)
			return cmd
		}
		d := 0
		switch msg.String() {
		case "left", "up":
			d = -1
		case "right", "down", "space":
			d = 1
		}
		if f.field == 1 {
			f.prio = (f.prio + d + len(cases.Priorities)) % len(cases.Priorities)
		} else {
			f.share = (f.share + d + len(f.shares)) % len(f.shares)
		}
	}
	return nil
}

func (f *caseForm) focus(field int) tea.Cmd {
	f.field = (field + caseFormFields) % caseFormFields
	if f.field == 0 {
		return f.title.Focus()
	}
	f.title.Blur()
	return nil
}

func (f *caseForm) save() tea.Cmd {
	nc := cases.NewCase{
		Title:      strings.TrimSpace(f.title.Value()),
		Priority:   cases.Priorities[f.prio],
		SubjectIDs: []string{f.subject.ID},
	}
	if code := f.shares[f.share]; code != "" {
		nc.SharedWith = []string{code}
	}
	if nc.Title == "" {
		return failure("A case needs a title.")
	}
	a := f.app
	return func() tea.Msg {
		c, err := a.store.CreateCase(a.ctx, a.officer, nc)
		return caseCreatedMsg{from: f, c: c, err: err}
	}
}

// SetSize fits the title field into the dialog.
func (f *caseForm) SetSize(width, height int) {
	f.size.SetSize(width, height)
	f.title.SetWidth(max(min(dialogWidth, width-4)-2, 10))
}

func (f *caseForm) View() string {
	st := f.app.styles
	label := func(i int, s string) string {
		if i == f.field {
			return st.FieldActive.Render("▸ " + s)
		}
		return st.Label.Render("  " + s)
	}
	choices := func(names []string, cur int) string {
		var out []string
		for i, n := range names {
			if i == cur {
				out = append(out, st.ChoiceActive.Render("["+n+"]"))
			} else {
				out = append(out, st.Choice.Render(" "+n+" "))
			}
		}
		return "  " + strings.Join(out, " ")
	}
	var prios, shares []string
	for _, p := range cases.Priorities {
		prios = append(prios, p.Label())
	}
	for _, s := range f.shares {
		if s == "" {
			s = "nobody: this desk only"
		}
		shares = append(shares, s)
	}
	var b strings.Builder
	b.WriteString(label(0, "Title") + "\n  " + f.title.View() + "\n\n")
	b.WriteString(label(1, "Priority") + "\n" + choices(prios, f.prio) + "\n\n")
	b.WriteString(label(2, "Share with") + "\n" + choices(shares, f.share))
	k := f.app.keys
	return box(f.app, f.width, "Open a case on "+f.subject.Name.Display(), b.String(),
		"tab next field · ←/→ change · enter create · "+hintText(k.Cancel))
}

func (f *caseForm) Help() ([]key.Binding, [][]key.Binding) {
	k := f.app.keys
	return []key.Binding{k.NextField, k.Left, k.Confirm, k.Cancel}, [][]key.Binding{{k.NextField, k.PrevField, k.Left, k.Confirm, k.Cancel}}
}
