package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/enlace-desk/enlace/cases"
)

// dialogWidth is the widest a dialog box grows.
const dialogWidth = 72

// box draws a dialog's frame with its title, content and key hints, no wider
// than the screen allows.
func box(a *app, width int, title, content, hints string) string {
	st := a.styles
	inner := min(dialogWidth, width-4)
	body := st.DialogTitle.Render(truncate(title, inner)) + "\n\n" + content + "\n\n" + st.Muted.Render(truncate(hints, inner))
	return st.Dialog.Width(inner + 4).Render(body)
}

// size is a screen's cells as SetSize gave them; dialogs embed it.
type size struct{ width, height int }

// SetSize keeps the cells the screen draws into.
func (z *size) SetSize(width, height int) { z.width, z.height = width, height }

// hintText writes key hints as one line: "ctrl+s save · esc cancel".
func hintText(bs ...key.Binding) string {
	parts := make([]string, len(bs))
	for i, b := range bs {
		parts[i] = b.Help().Key + " " + b.Help().Desc
	}
	return strings.Join(parts, " · ")
}

// picker is a vertical list of choices with a cursor: the body of the
// status, assignment and priority dialogs.
type picker struct {
	choices []string
	cursor  int
}

func (p *picker) move(d int) {
	if len(p.choices) > 0 {
		p.cursor = (p.cursor + d + len(p.choices)) % len(p.choices)
	}
}

func (p *picker) view(st *Styles, width int) string {
	lines := make([]string, len(p.choices))
	for i, c := range p.choices {
		if i == p.cursor {
			lines[i] = st.ChoiceActive.Render(pad("▸ "+c, width))
		} else {
			lines[i] = st.Choice.Render(pad("  "+c, width))
		}
	}
	return strings.Join(lines, "\n")
}

// pickerKey moves p on up/down (arrows, and j/k unless typing) and reports
// whether the key was one of them.
func pickerKey(k *KeyMap, p *picker, msg tea.KeyPressMsg, typing bool) bool {
	s := msg.String()
	switch {
	case s == "up" || !typing && key.Matches(msg, k.Up):
		p.move(-1)
	case s == "down" || !typing && key.Matches(msg, k.Down):
		p.move(1)
	default:
		return false
	}
	return true
}

// noteEditor writes a note on a case: a multi-line editor; ctrl+s saves,
// esc cancels, and an empty note is refused with a message.
type noteEditor struct {
	size
	app    *app
	caseID string
	editor textarea.Model
}

func newNoteEditor(a *app, caseID string) *noteEditor {
	ed := textarea.New()
	ed.ShowLineNumbers = false
	ed.Placeholder = "What did you find, ask or decide?"
	ed.CharLimit = cases.MaxNoteBytes
	ed.SetStyles(a.styles.Textarea)
	ed.SetHeight(8)
	return &noteEditor{app: a, caseID: caseID, editor: ed}
}

func (e *noteEditor) isDialog()       {}
func (e *noteEditor) Title() string   { return "Note" }
func (e *noteEditor) Capturing() bool { return true }
func (e *noteEditor) Init() tea.Cmd   { return e.editor.Focus() }

func (e *noteEditor) Update(msg tea.Msg) tea.Cmd {
	k := e.app.keys
	if msg, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(msg, k.Cancel):
			return pop(e)
		case key.Matches(msg, k.Save):
			text := e.editor.Value()
			if err := cases.ValidateNote(text); err != nil {
				return failure(cases.ErrorMessage(err))
			}
			a, id := e.app, e.caseID
			return func() tea.Msg {
				_, err := a.store.AddNote(a.ctx, a.officer, id, text, "")
				return changedMsg{from: e, caseID: id, done: "Note added to " + id + ".", err: err}
			}
		}
		var cmd tea.Cmd
		e.editor, cmd = e.editor.Update(msg)
		return cmd
	}
	if _, ok := msg.(tea.KeyMsg); ok {
		return nil
	}
	// Cursor and paste messages belong to the editor too.
	var cmd tea.Cmd
	e.editor, cmd = e.editor.Update(msg)
	return cmd
}

// SetSize fits the editor into the dialog.
func (e *noteEditor) SetSize(width, height int) {
	e.size.SetSize(width, height)
	e.editor.SetWidth(min(dialogWidth, width-4))
	e.editor.SetHeight(max(min(8, height-8), 2))
}

func (e *noteEditor) View() string {
	k := e.app.keys
	return box(e.app, e.width, "Add a note to "+e.caseID, e.editor.View(), hintText(k.Save, k.Cancel))
}

func (e *noteEditor) Help() ([]key.Binding, [][]key.Binding) {
	k := e.app.keys
	return []key.Binding{k.Save, k.Cancel}, [][]key.Binding{{k.Save, k.Cancel}}
}

// statusPicker offers the moves the state machine allows the officer from
// the case's status, with an optional reason. A move made by a decision
// opens the decision form instead.
type statusPicker struct {
	size
	app      *app
	c        *cases.Case
	subjects []cases.Subject
	moves    []cases.Transition
	list     picker
	reason   textinput.Model
	// ex is the case's examination; missing says, for the moves not
	// offered, what they wait for.
	ex      cases.Examination
	missing []string
}

// relabel names the Decided move by the step this officer takes.
func (p *statusPicker) relabel() {
	for i, t := range p.moves {
		if t.ByDecision && t.To == cases.StatusDecided {
			verb := "record a conclusion …"
			switch p.app.examMode(p.ex) {
			case modeVerify:
				verb = "verify the conclusion blind …"
			case modeResolve:
				verb = "resolve the disagreement …"
			}
			p.list.choices[i] = fmt.Sprintf("%-10s %s", t.To.Label(), verb)
		}
	}
}

func newStatusPicker(a *app, c *cases.Case, subjects []cases.Subject, moves []cases.Transition) *statusPicker {
	p := &statusPicker{app: a, c: c, subjects: subjects, moves: moves}
	for _, t := range moves {
		label := fmt.Sprintf("%-10s %s", t.To.Label(), t.Verb)
		if t.ByDecision {
			label += " …" // opens the decision form
		}
		p.list.choices = append(p.list.choices, label)
	}
	p.reason = textinput.New()
	p.reason.Prompt = "Reason: "
	p.reason.Placeholder = "optional"
	p.reason.SetStyles(a.styles.TextInput)
	return p
}

func (p *statusPicker) isDialog()       {}
func (p *statusPicker) Title() string   { return "Status" }
func (p *statusPicker) Capturing() bool { return true }
func (p *statusPicker) Init() tea.Cmd   { return p.reason.Focus() }

func (p *statusPicker) Update(msg tea.Msg) tea.Cmd {
	k := p.app.keys
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	switch {
	case key.Matches(kp, k.Cancel):
		return pop(p)
	case pickerKey(k, &p.list, kp, true):
		return nil
	case key.Matches(kp, k.Confirm):
		t := p.moves[p.list.cursor]
		if t.ByDecision {
			f := newDecisionForm(p.app, p.c, p.subjects).withExam(p.ex, "")
			return replace(p, f)
		}
		a, id, to, reason := p.app, p.c.ID, t.To, strings.TrimSpace(p.reason.Value())
		return func() tea.Msg {
			_, err := a.store.ChangeStatus(a.ctx, a.officer, id, to, reason)
			return changedMsg{from: p, caseID: id, done: fmt.Sprintf("%s is now %s.", id, to.Label()), err: err}
		}
	}
	var cmd tea.Cmd
	p.reason, cmd = p.reason.Update(kp)
	return cmd
}

// SetSize fits the reason field into the dialog.
func (p *statusPicker) SetSize(width, height int) {
	p.size.SetSize(width, height)
	p.reason.SetWidth(min(dialogWidth, width-4) - 10)
}

func (p *statusPicker) View() string {
	inner := min(dialogWidth, p.width-4)
	k := p.app.keys
	content := p.list.view(p.app.styles, inner) + "\n\n" + p.reason.View()
	if len(p.missing) > 0 {
		content += "\n\n" + p.app.styles.Label.Render("Not now:")
		for _, m := range p.missing {
			for _, l := range wrapLines(m, inner-2) {
				content += "\n" + p.app.styles.Muted.Render("  "+l)
			}
		}
	}
	return box(p.app, p.width, fmt.Sprintf("Move %s from %s to…", p.c.ID, p.c.Status.Label()), content,
		"↑/↓ choose · "+hintText(k.Confirm, k.Cancel))
}

// Help: the reason field takes letters, so only the arrows move the choice.
func (p *statusPicker) Help() ([]key.Binding, [][]key.Binding) {
	k := p.app.keys
	return []key.Binding{k.ChooseUp, k.ChooseDown, k.Confirm, k.Cancel}, [][]key.Binding{{k.ChooseUp, k.ChooseDown, k.Confirm, k.Cancel}}
}

// decisionForm records a decision: the conclusion, the candidate it
// concerns (one of the case's subjects) and a required justification.
type decisionForm struct {
	size
	app        *app
	c          *cases.Case
	subjects   []cases.Subject
	field      int // 0 conclusion, 1 candidate, 2 justification
	conclusion int // index in f.choices(); -1 while none is chosen
	candidate  picker
	text       textarea.Model
	// mode: the examiner's conclusion, a blind verification, or a
	// supervisor's resolution (ex is the case's examination).
	mode examMode
	ex   cases.Examination
	// band is the candidate's band when the form opens from a fingerprint
	// search ("" otherwise); confirm is set once the officer was asked to
	// confirm an identification of a green or yellow candidate.
	band    cases.Band
	confirm bool
	// startReview: opened from the fingerprint review, a case not yet in
	// review is moved to In review before the decision is recorded (the
	// review is that step).
	startReview bool
}

const decisionFields = 3

func newDecisionForm(a *app, c *cases.Case, subjects []cases.Subject) *decisionForm {
	f := &decisionForm{app: a, c: c, subjects: subjects, conclusion: -1}
	for _, s := range subjects {
		f.candidate.choices = append(f.candidate.choices, s.Name.Display()+"  "+s.Name.Civil())
	}
	f.text = textarea.New()
	f.text.ShowLineNumbers = false
	f.text.Placeholder = "What did the comparison show?"
	f.text.CharLimit = cases.MaxNoteBytes
	f.text.SetStyles(a.styles.Textarea)
	f.text.SetHeight(4)
	return f
}

// withExam sets what the form records (from the case's examination) and,
// from a fingerprint search, the candidate's band: nothing is preselected for
// a red or yellow candidate, an exclusion for a green one.
func (f *decisionForm) withExam(ex cases.Examination, band cases.Band) *decisionForm {
	f.ex, f.mode, f.band = ex, f.app.examMode(ex), band
	f.conclusion = -1
	if band == cases.BandGreen && f.mode == modeConclude {
		f.conclusion = slices.Index(f.choices(), cases.Exclusion)
	}
	return f
}

// choices are the conclusions this form offers.
func (f *decisionForm) choices() []cases.Conclusion { return conclusionsFor(f.mode) }

func (f *decisionForm) isDialog()       {}
func (f *decisionForm) Title() string   { return "Decision" }
func (f *decisionForm) Capturing() bool { return true }
func (f *decisionForm) Init() tea.Cmd   { return nil }

func (f *decisionForm) focus(field int) tea.Cmd {
	f.field = (field + decisionFields) % decisionFields
	if f.field == 2 {
		return f.text.Focus()
	}
	f.text.Blur()
	return nil
}

func (f *decisionForm) Update(msg tea.Msg) tea.Cmd {
	k := f.app.keys
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	switch {
	case key.Matches(kp, k.Cancel):
		return pop(f)
	case key.Matches(kp, k.NextField):
		return f.focus(f.field + 1)
	case key.Matches(kp, k.PrevField):
		return f.focus(f.field - 1)
	case key.Matches(kp, k.Save):
		if f.conclusion < 0 {
			return failure("Choose a conclusion first (←/→ on the Conclusion line).")
		}
		d := cases.Decision{
			Conclusion:    f.choices()[f.conclusion],
			Justification: strings.TrimSpace(f.text.Value()),
		}
		if d.Conclusion != cases.NoIdentification && f.candidate.cursor < len(f.subjects) {
			d.CandidateID = f.subjects[f.candidate.cursor].ID
		}
		if err := d.Validate(); err != nil {
			return failure(cases.ErrorMessage(err))
		}
		if d.Conclusion == cases.Identification && (f.band == cases.BandGreen || f.band == cases.BandYellow) && !f.confirm {
			f.confirm = true
			return failure(fmt.Sprintf("This candidate is %s: an identification of it needs a second look. Press %s again to record it.",
				bandWord(f.band), f.app.keys.Save.Help().Key))
		}
		a, id, mode := f.app, f.c.ID, f.mode
		startReview := f.reviewFirst()
		return func() tea.Msg {
			if startReview {
				if _, err := a.store.ChangeStatus(a.ctx, a.officer, id, cases.StatusInReview, "fingerprint review"); err != nil {
					return changedMsg{from: f, caseID: id, err: err}
				}
			}
			var err error
			what := "Decision recorded"
			switch mode {
			case modeVerify:
				_, err = a.store.Verify(a.ctx, a.officer, id, d)
				what = "Verification recorded"
			case modeResolve:
				_, err = a.store.ResolveExamination(a.ctx, a.officer, id, d)
				what = "Resolution recorded"
			default:
				_, err = a.store.RecordDecision(a.ctx, a.officer, id, d)
			}
			return changedMsg{from: f, caseID: id, done: fmt.Sprintf("%s on %s: %s.", what, id, d.Conclusion.Label()), err: err}
		}
	}
	switch f.field {
	case 0:
		n := len(f.choices())
		switch {
		case key.Matches(kp, k.Left), kp.String() == "up":
			f.conclusion = (max(f.conclusion, 0) + n - 1) % n
			f.confirm = false
		case key.Matches(kp, k.Right), kp.String() == "down":
			f.conclusion = (f.conclusion + 1) % n
			f.confirm = false
		}
	case 1:
		pickerKey(k, &f.candidate, kp, false)
	case 2:
		var cmd tea.Cmd
		f.text, cmd = f.text.Update(kp)
		return cmd
	}
	return nil
}

// subjectName is a candidate's name as the form knows it.
func (f *decisionForm) subjectName(id string) string {
	for _, s := range f.subjects {
		if s.ID == id {
			return s.Name.Display()
		}
	}
	return shortID(id)
}

// reviewFirst reports whether the case must move to In review before a
// decision can be recorded, and may.
func (f *decisionForm) reviewFirst() bool {
	roles := f.app.officer.Roles
	return f.startReview && cases.CheckTransition(f.c.Status, cases.StatusDecided, roles, true) != nil &&
		cases.CheckTransition(f.c.Status, cases.StatusInReview, roles, false) == nil &&
		cases.CheckTransition(cases.StatusInReview, cases.StatusDecided, roles, true) == nil
}

// SetSize fits the justification into the dialog.
func (f *decisionForm) SetSize(width, height int) {
	f.size.SetSize(width, height)
	f.text.SetWidth(min(dialogWidth, width-4))
}

func (f *decisionForm) View() string {
	st := f.app.styles
	inner := min(dialogWidth, f.width-4)
	label := func(i int, s string) string {
		if i == f.field {
			return st.FieldActive.Render("▸ " + s)
		}
		return st.Label.Render("  " + s)
	}
	var concl []string
	for i, c := range f.choices() {
		if i == f.conclusion {
			concl = append(concl, st.ChoiceActive.Render("["+c.Label()+"]"))
		} else {
			concl = append(concl, st.Choice.Render(" "+c.Label()+" "))
		}
	}
	var b strings.Builder
	title := "Record a conclusion on " + f.c.ID
	switch f.mode {
	case modeVerify:
		title = "Verify blind on " + f.c.ID
		for _, l := range wrapLines("A conclusion on this case awaits verification. Compare the prints and record your own: the first conclusion stays hidden until yours is recorded.", inner) {
			b.WriteString(st.Muted.Render(l) + "\n")
		}
		b.WriteString("\n")
	case modeResolve:
		title = "Resolve the examination of " + f.c.ID
		for _, who := range []*cases.Annotation{f.ex.Closing, f.ex.Verification} {
			if who == nil || who.Decision == nil {
				continue
			}
			line := fmt.Sprintf("%s (%s): %s", who.Kind.Label(), f.app.officerName(who.Author), who.Decision.Conclusion.Label())
			if who.Decision.CandidateID != "" {
				line += " of " + f.subjectName(who.Decision.CandidateID)
			}
			for _, l := range wrapLines(line+". "+who.Decision.Justification, inner) {
				b.WriteString(st.Text.Render(l) + "\n")
			}
		}
		b.WriteString("\n")
	}
	if f.band != "" {
		b.WriteString(st.Label.Render("  Candidate's band ") + st.bandStyle(f.band).Render(bandText(f.band)) + "\n\n")
	}
	b.WriteString(label(0, "Conclusion") + "\n  " + strings.Join(concl, " ") + "\n\n")
	b.WriteString(label(1, "Candidate") + "\n" + f.candidate.view(st, inner) + "\n\n")
	reason := "Justification (required)"
	if f.mode == modeResolve {
		reason = "Reason for the resolution (required)"
	}
	b.WriteString(label(2, reason) + "\n" + f.text.View())
	if f.reviewFirst() {
		b.WriteString("\n" + st.Muted.Render(truncate("The case is "+f.c.Status.Label()+": saving moves it to In review, then records the decision.", inner)))
	}
	if f.mode == modeConclude && f.conclusion >= 0 && f.choices()[f.conclusion].Closing() && f.app.verification.Requires(f.choices()[f.conclusion]) {
		b.WriteString("\n" + st.Muted.Render(truncate("This closes the examination: a second officer of "+f.app.officer.Agency+" verifies it blind before it decides the case.", inner)))
	}
	k := f.app.keys
	return box(f.app, f.width, title, b.String(),
		"tab next field · ←/→ ↑/↓ change · "+hintText(k.Save, k.Cancel))
}

func (f *decisionForm) Help() ([]key.Binding, [][]key.Binding) {
	k := f.app.keys
	return []key.Binding{k.NextField, k.Left, k.Save, k.Cancel}, [][]key.Binding{{k.NextField, k.PrevField, k.Left, k.Save, k.Cancel}}
}

// choicePicker is a plain one-choice dialog: assignment and priority.
type choicePicker struct {
	size
	app   *app
	title string
	name  string
	list  picker
	apply func(i int) tea.Cmd
}

func (p *choicePicker) isDialog()       {}
func (p *choicePicker) Title() string   { return p.name }
func (p *choicePicker) Capturing() bool { return false }
func (p *choicePicker) Init() tea.Cmd   { return nil }

func (p *choicePicker) Update(msg tea.Msg) tea.Cmd {
	k := p.app.keys
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	switch {
	case key.Matches(kp, k.Cancel):
		return pop(p)
	case pickerKey(k, &p.list, kp, false):
	case key.Matches(kp, k.Confirm):
		return p.apply(p.list.cursor)
	}
	return nil
}

func (p *choicePicker) View() string {
	inner := min(dialogWidth, p.width-4)
	list := p.list
	// Show a window of the list around the cursor when it is long.
	rows := max(p.height-8, 3)
	content := list.view(p.app.styles, inner)
	if len(list.choices) > rows {
		start := max(min(list.cursor-rows/2, len(list.choices)-rows), 0)
		sub := picker{choices: list.choices[start : start+rows], cursor: list.cursor - start}
		content = sub.view(p.app.styles, inner)
	}
	k := p.app.keys
	return box(p.app, p.width, p.title, content, "↑/↓ choose · "+hintText(k.Confirm, k.Cancel))
}

func (p *choicePicker) Help() ([]key.Binding, [][]key.Binding) {
	k := p.app.keys
	return []key.Binding{k.Up, k.Down, k.Confirm, k.Cancel}, [][]key.Binding{{k.Up, k.Down, k.Confirm, k.Cancel}}
}

// newAssignPicker offers the agency's officers, and nobody.
func newAssignPicker(a *app, c *cases.Case) *choicePicker {
	var officers []cases.Officer
	for _, o := range a.officers {
		if o.Agency == a.agency.Code && !(len(o.Roles) == 1 && o.Has(cases.RoleAuditor)) {
			officers = append(officers, o)
		}
	}
	slices.SortFunc(officers, func(x, y cases.Officer) int {
		return strings.Compare(x.Name+"\x00"+x.ID, y.Name+"\x00"+y.ID)
	})
	p := &choicePicker{app: a, name: "Assign", title: "Assign " + c.ID + " to…"}
	for i, o := range officers {
		p.list.choices = append(p.list.choices, fmt.Sprintf("%s (%s)", o.Name, o.ID))
		if o.ID == c.Assignees[a.agency.Code] {
			p.list.cursor = i
		}
	}
	p.list.choices = append(p.list.choices, "Nobody: unassign")
	if c.Assignees[a.agency.Code] == "" {
		p.list.cursor = len(officers)
	}
	p.apply = func(i int) tea.Cmd {
		id, to, who := c.ID, "", "nobody"
		if i < len(officers) {
			to, who = officers[i].ID, officers[i].Name
		}
		return func() tea.Msg {
			_, err := a.store.Assign(a.ctx, a.officer, id, to)
			return changedMsg{from: p, caseID: id, done: fmt.Sprintf("%s assigned to %s.", id, who), err: err}
		}
	}
	return p
}

// newPriorityPicker offers every priority.
func newPriorityPicker(a *app, c *cases.Case) *choicePicker {
	p := &choicePicker{app: a, name: "Priority", title: "Priority of " + c.ID}
	for i, pr := range cases.Priorities {
		p.list.choices = append(p.list.choices, pr.Label())
		if pr == c.Priority {
			p.list.cursor = i
		}
	}
	p.apply = func(i int) tea.Cmd {
		id, pr := c.ID, cases.Priorities[i]
		return func() tea.Msg {
			_, err := a.store.SetPriority(a.ctx, a.officer, id, pr)
			return changedMsg{from: p, caseID: id, done: fmt.Sprintf("%s priority set to %s.", id, pr.Label()), err: err}
		}
	}
	return p
}

// dueEditor sets or clears a case's due date (supervisors): a date typed
// as YYYY-MM-DD, due at the end of that day (UTC); empty clears it.
type dueEditor struct {
	size
	app  *app
	c    *cases.Case
	date textinput.Model
}

func newDueEditor(a *app, c *cases.Case) *dueEditor {
	in := textinput.New()
	in.Prompt = "Due: "
	in.Placeholder = "YYYY-MM-DD, empty for no deadline"
	in.CharLimit = 10
	in.SetStyles(a.styles.TextInput)
	if !c.Due.IsZero() {
		in.SetValue(date(c.Due))
	}
	return &dueEditor{app: a, c: c, date: in}
}

func (d *dueEditor) isDialog()       {}
func (d *dueEditor) Title() string   { return "Due date" }
func (d *dueEditor) Capturing() bool { return true }
func (d *dueEditor) Init() tea.Cmd   { d.date.CursorEnd(); return d.date.Focus() }

// SetSize fits the date field into the dialog.
func (d *dueEditor) SetSize(width, height int) {
	d.size.SetSize(width, height)
	d.date.SetWidth(max(min(dialogWidth, width-4)-8, 10))
}

// parseDue reads the date typed: the end of that day in UTC, not before
// today; "" clears the deadline.
func parseDue(text string, now time.Time) (time.Time, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return time.Time{}, nil
	}
	day, err := time.Parse(time.DateOnly, text)
	if err != nil {
		return time.Time{}, cases.Errorf(cases.EINVALID, "%q is not a date: type it as YYYY-MM-DD (%s), or leave it empty for no deadline", text, now.UTC().Format(time.DateOnly))
	}
	due := day.Add(24*time.Hour - time.Second)
	if due.Before(now) {
		return time.Time{}, cases.Errorf(cases.EINVALID, "%s has passed: a due date is today or later", text)
	}
	return due, nil
}

func (d *dueEditor) Update(msg tea.Msg) tea.Cmd {
	k := d.app.keys
	switch msg := msg.(type) {
	case tea.PasteMsg:
		var cmd tea.Cmd
		d.date, cmd = d.date.Update(msg)
		return cmd
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, k.Cancel):
			return pop(d)
		case key.Matches(msg, k.Confirm):
			due, err := parseDue(d.date.Value(), d.app.clock.Now())
			if err != nil {
				return failure(cases.ErrorMessage(err))
			}
			a, id, text, done := d.app, d.c.ID, "", "The due date of "+d.c.ID+" is cleared."
			if !due.IsZero() {
				text, done = due.UTC().Format(time.RFC3339), fmt.Sprintf("%s is due on %s.", d.c.ID, date(due))
			}
			return func() tea.Msg {
				err := a.store.UpdateCase(a.ctx, a.officer, cases.CaseUpdated{CaseID: id, Due: &text})
				return changedMsg{from: d, caseID: id, done: done, err: err}
			}
		}
		var cmd tea.Cmd
		d.date, cmd = d.date.Update(msg)
		return cmd
	}
	return nil
}

func (d *dueEditor) View() string {
	inner := min(dialogWidth, d.width-4)
	k := d.app.keys
	now := "none"
	if !d.c.Due.IsZero() {
		now = date(d.c.Due)
	}
	intro := d.app.styles.Muted.Render(truncate("Now: "+now+". The case is overdue after the end of that day (UTC).", inner))
	return box(d.app, d.width, "Due date of "+d.c.ID, intro+"\n\n"+d.date.View(), hintText(k.Confirm, k.Cancel))
}

func (d *dueEditor) Help() ([]key.Binding, [][]key.Binding) {
	k := d.app.keys
	return []key.Binding{k.Confirm, k.Cancel}, [][]key.Binding{{k.Confirm, k.Cancel}}
}
