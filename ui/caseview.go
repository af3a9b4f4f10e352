package ui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/enlace-desk/enlace/cases"
)

// caseView is one case: its facts, the subjects involved and the timeline,
// scrollable as one page; the officer acts on it from here.
type caseView struct {
	app *app
	id  string

	loaded   bool
	err      error
	c        *cases.Case
	subjects []cases.Subject
	refs     []cases.Reference // the partner's subjects, known by reference
	timeline []cases.Annotation
	names    map[string]string // candidates named in the timeline, by ID

	scrollPage
	subject   int // the selected linked subject, opened with enter
	subjectAt int // line of the first subject
}

func newCaseView(a *app, id string) *caseView { return &caseView{app: a, id: id} }

func (v *caseView) record() string { return "case " + v.id }

// Title is the case number.
func (v *caseView) Title() string { return v.id }

// Capturing: the case view takes no text itself.
func (v *caseView) Capturing() bool { return false }

type caseMsg struct {
	id       string
	c        *cases.Case
	subjects []cases.Subject
	refs     []cases.Reference // the partner's subjects, known by reference
	timeline []cases.Annotation
	// names are the candidates the timeline's conclusions name that are not
	// the case's subjects, by ID: the timeline shows names, not IDs.
	names map[string]string
	err   error
}

// Init loads the case.
func (v *caseView) Init() tea.Cmd { return v.load() }

func (v *caseView) load() tea.Cmd {
	a, id := v.app, v.id
	return func() tea.Msg {
		c, err := a.store.Case(a.ctx, id)
		if err != nil {
			return caseMsg{id: id, err: err}
		}
		subjects, err := a.store.CaseSubjects(a.ctx, id)
		if err != nil {
			return caseMsg{id: id, err: err}
		}
		var refs []cases.Reference
		if a.exchange != nil {
			if refs, err = a.exchange.CaseReferences(a.ctx, id); err != nil {
				return caseMsg{id: id, err: err}
			}
		}
		timeline, err := a.store.Annotations(a.ctx, id)
		names := map[string]string{}
		for _, ann := range timeline {
			for _, sid := range []string{ann.SubjectID, decisionCandidate(ann)} {
				if sid == "" || names[sid] != "" || slices.ContainsFunc(subjects, func(s cases.Subject) bool { return s.ID == sid }) {
					continue
				}
				if sub, err := a.store.Subject(a.ctx, sid); err == nil {
					names[sid] = sub.Name.Display()
				}
			}
		}
		return caseMsg{id: id, c: c, subjects: subjects, refs: refs, timeline: timeline, names: names, err: err}
	}
}

// decisionCandidate is the candidate a conclusion names, if any.
func decisionCandidate(a cases.Annotation) string {
	if a.Decision == nil {
		return ""
	}
	return a.Decision.CandidateID
}

// Update handles keys, the wheel, and the case (re)loading.
func (v *caseView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case caseMsg:
		if msg.id != v.id {
			return nil
		}
		v.loaded = true
		v.err = msg.err
		if msg.err == nil {
			v.c, v.subjects, v.refs, v.timeline, v.names = msg.c, msg.subjects, msg.refs, msg.timeline, msg.names
		}
		v.redraw()
		return nil
	case changedMsg:
		if msg.caseID == v.id {
			return v.load()
		}
		return nil
	case reloadMsg:
		if !v.shows(msg.changes) {
			return nil
		}
		return v.load() // the offset stays: the officer keeps their place
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

func (v *caseView) key(msg tea.KeyPressMsg) tea.Cmd {
	k := v.app.keys
	switch {
	case key.Matches(msg, k.Back):
		return pop(v)
	case key.Matches(msg, k.Up):
		v.scroll(-1)
	case key.Matches(msg, k.Down):
		v.scroll(1)
	case v.pageKey(k, msg):
	case key.Matches(msg, k.NextSubject) && len(v.subjects) > 1:
		v.subject = (v.subject + 1) % len(v.subjects)
		v.redraw()
		v.show(v.subjectAt + v.subject)
	case key.Matches(msg, k.OpenSubject) && v.subject < len(v.subjects):
		return push(newSubjectView(v.app, v.subjects[v.subject].ID, nil))
	case key.Matches(msg, k.CopyID) && v.subject < len(v.subjects):
		return copyID("Subject", v.subjects[v.subject].ID)
	}
	if v.c == nil {
		return nil
	}
	if readOnly(v.app.officer) {
		switch {
		case key.Matches(msg, k.AddNote), key.Matches(msg, k.ChangeStatus), key.Matches(msg, k.Assign),
			key.Matches(msg, k.SetPriority), key.Matches(msg, k.SetDue), key.Matches(msg, k.Resolve), key.Matches(msg, k.ReviewPrints):
			return failure("Auditors read cases; they change nothing and search nothing.")
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.AddNote):
		return push(newNoteEditor(v.app, v.c.ID))
	case key.Matches(msg, k.ChangeStatus):
		return v.changeStatus()
	case key.Matches(msg, k.Assign):
		if !v.app.officer.Has(cases.RoleSupervisor) {
			return failure("Only a supervisor assigns cases.")
		}
		return push(newAssignPicker(v.app, v.c))
	case key.Matches(msg, k.SetPriority):
		if !v.app.officer.Has(cases.RoleSupervisor) {
			return failure("Only a supervisor sets priorities.")
		}
		return push(newPriorityPicker(v.app, v.c))
	case key.Matches(msg, k.SetDue):
		if !v.app.officer.Has(cases.RoleSupervisor) {
			return failure("Only a supervisor sets due dates.")
		}
		return push(newDueEditor(v.app, v.c))
	case key.Matches(msg, k.ReviewPrints):
		if v.app.identify == nil || v.c.EncounterID == "" {
			return nil
		}
		return push(newCandidates(v.app, v.c.EncounterID, "", v.c.ID))
	case key.Matches(msg, k.Resolve):
		switch {
		case !v.c.Conflict:
			return failure("This case is not in conflict.")
		case !v.app.officer.Has(cases.RoleSupervisor):
			return failure("Only a supervisor resolves a conflict.")
		}
		return push(newResolveDialog(v.app, v.c))
	}
	return nil
}

// changeStatus opens the status picker with the moves the officer may make,
// or says why there are none.
func (v *caseView) changeStatus() tea.Cmd {
	roles := v.app.officer.Roles
	ex := v.app.examination(v.timeline)
	var allowed []cases.Transition
	var missing []string
	for _, t := range cases.AllowedTransitions(v.c.Status, roles, true) {
		// Decided is reached by the examination: offered only when this
		// officer can take its next step now.
		if t.ByDecision && t.To == cases.StatusDecided {
			switch {
			case ex.State == cases.ExamAwaitVerify && !v.app.blind(ex):
				missing = append(missing, "Decided: the conclusion by "+v.app.officerName(ex.Closing.Author)+" waits for a second officer of "+v.app.officers[ex.Closing.Author].Agency+" to verify it blind")
				continue
			case ex.State == cases.ExamAwaitSuper && !v.app.officer.Has(cases.RoleSupervisor):
				missing = append(missing, "Decided: examiner and verifier disagree; a supervisor resolves it")
				continue
			}
		}
		allowed = append(allowed, t)
	}
	for _, t := range cases.Transitions() {
		if t.From == v.c.Status && !slices.ContainsFunc(allowed, func(a cases.Transition) bool { return a.To == t.To }) &&
			!slices.ContainsFunc(missing, func(m string) bool { return strings.HasPrefix(m, t.To.Label()+":") }) {
			if err := cases.CheckTransition(t.From, t.To, roles, t.ByDecision); err != nil {
				missing = append(missing, t.To.Label()+": "+cases.ErrorMessage(err))
			}
		}
	}
	if len(allowed) == 0 && len(missing) > 0 {
		return failure(strings.Join(missing, " · "))
	}
	if len(allowed) == 0 {
		for _, t := range cases.Transitions() {
			if t.From == v.c.Status {
				return failure(cases.ErrorMessage(cases.CheckTransition(t.From, t.To, roles, t.ByDecision)))
			}
		}
		return failure(fmt.Sprintf("A case that is %s cannot move to any other status.", v.c.Status.Label()))
	}
	p := newStatusPicker(v.app, v.c, v.subjects, allowed)
	p.ex, p.missing = ex, missing
	p.relabel()
	return push(p)
}

// SetSize draws the page again for the new width.
func (v *caseView) SetSize(width, height int) {
	v.width, v.height = width, height
	v.redraw()
}

// redraw draws the page for the case as loaded, at the screen's width.
func (v *caseView) redraw() {
	if v.c != nil && v.width > 0 {
		v.setPage(v.page(v.width))
	}
}

// View draws the visible part of the page.
func (v *caseView) View() string {
	st := v.app.styles
	switch {
	case !v.loaded:
		return st.Muted.Render(" Loading " + v.id + "…")
	case v.c == nil:
		return st.Danger.Render(" " + v.id + ": " + cases.ErrorMessage(v.err))
	}
	return v.view(st)
}

// page renders the whole case at width.
func (v *caseView) page(width int) string {
	st := v.app.styles
	c := v.c
	now := v.app.clock.Now()
	var b strings.Builder
	line := func(s string) { b.WriteString(s); b.WriteByte('\n') }

	line(st.Section.Render(" "+c.ID) + "  " + st.Author.Render(truncate(c.Title, max(width-len(c.ID)-4, 1))))
	if c.Conflict {
		// First, so it is seen: the case's status is in doubt.
		text := " ⚠ CONFLICT: two status changes to this case crossed between the desks. "
		if v.app.officer.Has(cases.RoleSupervisor) {
			text += "Press R to resolve it."
		} else {
			text += "A supervisor must resolve it."
		}
		for _, l := range wrapLines(text, width-1) {
			line(st.ConflictBanner.Render(pad(l, width)))
		}
	}

	// Each agency assigns its own officers: this desk's agency first, then
	// every other agency that works the case.
	mine := v.app.officer.Agency
	assignee := v.app.officerName(c.Assignees[mine])
	if assignee == "" {
		assignee = "unassigned"
	}
	var others [][2]string
	for _, a := range append([]string{c.OwnerAgency}, c.SharedWith...) {
		if a == mine {
			continue
		}
		who := "unassigned"
		if id := c.Assignees[a]; id != "" {
			who = "assigned to " + v.app.officerName(id)
		}
		others = append(others, [2]string{a, st.Text.Render(who)})
	}
	shared := strings.Join(c.SharedWith, ", ")
	if shared == "" {
		shared = "nobody: " + c.OwnerAgency + " only"
	}
	due, overdue := "none", st.Text.Render("no")
	if !c.Due.IsZero() {
		due = date(c.Due)
		if c.Overdue(now) {
			overdue = st.Overdue.Render("! overdue by " + age(now, c.Due))
		}
	}
	facts := [][2]string{
		{"Status", st.statusStyle(c.Status).Render(c.Status.Label())},
		{"Priority", st.priorityStyle(c.Priority).Render(c.Priority.Label())},
		{"Owner", st.Text.Render(c.OwnerAgency)},
		{"Shared with", st.Text.Render(shared)},
		{"Assignee", st.Text.Render(assignee)},
	}
	facts = append(facts, others...)
	facts = append(facts, [][2]string{
		{"Due", st.Text.Render(due)},
		{"Created", st.Text.Render(stamp(c.Created))},
		{"Updated", st.Text.Render(stamp(c.Updated))},
		{"Overdue", overdue},
	}...)
	cols := 1
	if width >= 90 {
		cols = 3
	} else if width >= 60 {
		cols = 2
	}
	cellW := (width - 1) / cols
	for i := 0; i < len(facts); i += cols {
		var row strings.Builder
		row.WriteByte(' ')
		for j := i; j < min(i+cols, len(facts)); j++ {
			cell := st.Label.Render(pad(facts[j][0], 12)) + facts[j][1]
			row.WriteString(pad(cell, cellW))
		}
		line(row.String())
	}

	if exam := v.examFact(); exam != "" {
		line(truncate(" "+st.Label.Render(pad("Examination", 12))+st.Text.Render(exam), width))
	}
	if c.EncounterID != "" {
		enc := " " + st.Label.Render(pad("Encounter", 12)) + st.Text.Render(c.EncounterID)
		if v.app.identify != nil {
			enc += st.Muted.Render("  v searches and reviews its prints")
		}
		line(truncate(enc, width))
	}

	line("")
	line(st.Section.Render(fmt.Sprintf(" Subjects (%d)", len(v.subjects)+len(v.refs))))
	if len(v.subjects)+len(v.refs) == 0 {
		line(st.Muted.Render("   No subject is linked to this case."))
	}
	v.subjectAt = strings.Count(b.String(), "\n")
	for i, s := range v.subjects {
		mark := "  • "
		if i == v.subject {
			mark = "  ▸ "
		}
		line(truncate(mark+st.Author.Render(s.Name.Display())+"  "+st.Muted.Render(s.Name.Civil()), width))
		facts := []string{"ID " + s.ID}
		if !s.DOB.IsZero() {
			facts = append(facts, "born "+s.DOB.String())
		}
		for _, d := range s.Documents {
			doc := d.Kind.Label() + " " + d.Number
			if d.Country != "" {
				doc += " (" + d.Country + ")"
			}
			facts = append(facts, doc)
		}
		facts = append(facts, s.Category.Label())
		for _, l := range wrapLines(strings.Join(facts, " · "), width-4) {
			line("    " + st.Text.Render(l))
		}
	}
	// The partner's subjects: a reference, never the person, until a
	// core-data request discloses it.
	for _, r := range v.refs {
		line(truncate("  • "+st.Author.Render(r.Number), width))
		what := r.OwnerAgency + "'s subject, known here by reference only · " + r.Category.Label()
		if r.Withdrawn {
			what += " · withdrawn by " + r.OwnerAgency
		}
		what += " · personal data only through a core-data request (c on a fingerprint hit)"
		for _, l := range wrapLines(what, width-4) {
			line("    " + st.Muted.Render(l))
		}
	}

	line("")
	line(st.Section.Render(fmt.Sprintf(" Timeline (%d)", len(v.timeline))))
	if len(v.timeline) == 0 {
		line(st.Muted.Render("   Nothing recorded yet."))
	}
	superseded := map[string]bool{}
	for _, a := range v.timeline {
		if a.Supersedes != "" {
			superseded[a.Supersedes] = true
		}
	}
	ex := v.app.examination(v.timeline)
	for _, a := range v.timeline {
		if v.app.hidden(ex, a) {
			// Blind verification: the examiner's conclusions stay hidden
			// from a possible verifier until theirs is recorded.
			line(truncate("  "+st.Time.Render(stamp(a.At))+"  "+st.Kind.Render("Conclusion")+"  "+st.Author.Render(v.app.officerName(a.Author)), width))
			line("      " + st.Muted.Render("Hidden: it awaits verification, and you may verify it blind (t → Decided)."))
			continue
		}
		kind := a.Kind.Label()
		if a.Supersedes != "" {
			kind += " (edited)"
		}
		head := "  " + st.Time.Render(stamp(a.At)) + "  " + st.Kind.Render(kind) + "  " + st.Author.Render(v.app.officerName(a.Author))
		textStyle := st.Text
		if superseded[a.ID] {
			head += "  " + st.Muted.Render("superseded by a later edit")
			textStyle = st.Superseded
		}
		if a.Overridden {
			head += "  " + st.Overdue.Render("overridden: a concurrent edit on another desk won")
			textStyle = st.Superseded
		}
		line(truncate(head, width))
		for _, l := range wrapLines(v.describe(a), width-6) {
			line("      " + textStyle.Render(l))
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// examFact says where the examination stands and who did what, hiding
// from a possible blind verifier what the examiner concluded.
func (v *caseView) examFact() string {
	ex := v.app.examination(v.timeline)
	switch ex.State {
	case cases.ExamNone:
		return ""
	case cases.ExamAwaitVerify:
		if v.app.blind(ex) {
			return "you verify it blind"
		}
		return "awaiting verification (" + v.app.officerName(ex.Closing.Author) + " concluded)"
	case cases.ExamAwaitSuper:
		return "verifier disagreed: a supervisor resolves it"
	case cases.ExamVerified:
		return ex.Outcome.Conclusion.Label() + ", verified by " + v.app.officerName(ex.Verification.Author)
	case cases.ExamResolved:
		return ex.Outcome.Conclusion.Label() + ", resolved by " + v.app.officerName(ex.Resolution.Author)
	}
	return ex.State.Label()
}

// describe says in words what an annotation records.
func (v *caseView) describe(a cases.Annotation) string {
	var s string
	switch a.Kind {
	case cases.AnnStatus:
		s = fmt.Sprintf("%s → %s.", a.FromStatus.Label(), a.ToStatus.Label())
	case cases.AnnAssign:
		if a.Assignee == "" {
			s = "Unassigned."
		} else {
			s = "Assigned to " + v.app.officerName(a.Assignee) + "."
		}
	case cases.AnnPriority:
		s = "Priority set to " + a.Priority.Label() + "."
	case cases.AnnLink:
		s = "Linked " + v.subjectName(a.SubjectID) + " to the case."
	case cases.AnnUnlink:
		s = "Unlinked " + v.subjectName(a.SubjectID) + " from the case."
	case cases.AnnDecision, cases.AnnVerification, cases.AnnResolution:
		if d := a.Decision; d != nil {
			what := d.Conclusion.Label()
			if d.CandidateID != "" {
				what += " on " + v.subjectName(d.CandidateID)
				if d.Band != "" {
					what += fmt.Sprintf(" (%s, score %.1f)", bandWord(d.Band), d.Score)
				}
			}
			s = what + ": " + d.Justification
		}
	}
	if a.Text != "" && !(a.Decision != nil && a.Text == a.Decision.Justification) {
		if s != "" {
			s += " "
		}
		s += a.Text
	}
	return s
}

func (v *caseView) subjectName(id string) string {
	for _, s := range v.subjects {
		if s.ID == id {
			return s.Name.Display()
		}
	}
	if cases.IsReferenceNumber(id) {
		return id
	}
	// A partner's subject: this desk knows it only by reference.
	return "the partner's subject " + shortID(id)
}

// wrapLines word-wraps plain text to width, keeping the writer's own line
// breaks.
func wrapLines(s string, width int) []string {
	return strings.Split(ansi.Wrap(s, max(width, 10), ""), "\n")
}

// Help lists the case view's keys. Assigning and prioritising are shown
// only to supervisors, the only ones who may.
func (v *caseView) Help() ([]key.Binding, [][]key.Binding) {
	k := v.app.keys
	var see []key.Binding
	if len(v.subjects) > 0 {
		see = append(see, k.OpenSubject, k.CopyID)
	}
	if len(v.subjects) > 1 {
		see = append(see, k.NextSubject)
	}
	if readOnly(v.app.officer) {
		return append(see, k.Down, k.Back), [][]key.Binding{see, {k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.Back}}
	}
	acts := []key.Binding{k.AddNote, k.ChangeStatus}
	if v.app.officer.Has(cases.RoleSupervisor) {
		if v.c != nil && v.c.Conflict {
			acts = append([]key.Binding{k.Resolve}, acts...)
		}
		acts = append(acts, k.Assign, k.SetPriority, k.SetDue)
	}
	if v.app.identify != nil && v.c != nil && v.c.EncounterID != "" {
		acts = append([]key.Binding{k.ReviewPrints}, acts...)
	}
	short := append(append(slices.Clone(acts), see...), k.Down, k.Back)
	return short, [][]key.Binding{acts, see, {k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}}
}

// shows reports whether changes touch what the view shows: the case, or a
// subject or partner reference it names.
func (v *caseView) shows(ch cases.Changes) bool {
	if ch.HasCase(v.id) || !v.loaded {
		return true
	}
	for _, s := range v.subjects {
		if ch.HasSubject(s.ID) {
			return true
		}
	}
	for _, r := range v.refs {
		if ch.HasSubject(r.Number) {
			return true
		}
	}
	return false
}
