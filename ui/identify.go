package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/enlace-desk/enlace/cases"
)

// identification is one fingerprint search and what the review needs
// around it: the encounter (its claimed identity), the candidates' records,
// and the case a decision is recorded on.
type identification struct {
	encounterID string
	place       string // where the encounter was, for a new case's title
	caseID      string // "" until the encounter has a case
	enc         *cases.Encounter
	res         *cases.IdentificationResult
	subjects    map[string]*cases.Subject
	// timeline is the case's, when the encounter has one: the conclusions
	// already recorded on its candidates.
	timeline []cases.Annotation
	// ex is the case's examination, computed when the timeline arrives (the
	// list draws the marks from it on every frame).
	ex cases.Examination
	// disclosed is, by reference number, the latest core data the partner
	// disclosed to this agency about a candidate reference.
	disclosed map[string]*cases.DisclosureRecord
}

// marks are the conclusions recorded on a candidate, as the list shows them
// ("" for none); a blind verifier does not see the examiner's.
func (id *identification) marks(a *app, subjectID string) string {
	ex := id.ex
	var out []string
	for _, ann := range ex.ByCandidate[subjectID] {
		if a.hidden(ex, ann) {
			continue
		}
		m := conclusionMark(ann.Decision.Conclusion)
		if ann.Kind != cases.AnnDecision {
			m += " (" + strings.ToLower(ann.Kind.Label()) + ")"
		}
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return strings.Join(out, ", ")
}

// candidateName is a candidate as the officer reads it: the record's name,
// or for a partner's reference the hit and its owner, never a person.
func (id *identification) candidateName(c cases.Candidate) string {
	if c.Reference != "" {
		hit := "no hit"
		if c.Hit() {
			hit = "HIT"
		}
		return fmt.Sprintf("%s · %s reference · %s", hit, c.OwnerAgency, c.Category.Label())
	}
	if s := id.subjects[c.SubjectID]; s != nil {
		return s.Name.Display()
	}
	return "(record not on this desk)"
}

// shortID is an ID's first eight characters (when it was made) and its
// last four (records made in the same moment differ there): enough to tell
// records apart and to find one.
func shortID(id string) string {
	if owner, sid, err := cases.ParseReference(id); err == nil {
		return owner + cases.ReferenceMark + shortID(sid) // a partner's reference
	}
	if len(id) > 13 {
		return id[:8] + "…" + id[len(id)-4:]
	}
	return id
}

// candidatesScreen runs a fingerprint search from an encounter (with the
// session's purpose, asked once) in a command, and lists the candidates:
// rank, band, fused score, FMR, the record and the fingers compared.
type candidatesScreen struct {
	app *app
	id  *identification

	seq       int
	cancel    context.CancelFunc
	searching bool
	err       error
	repurpose bool // the officer changed the purpose here: search again
	spin      spinner.Model

	size
	nav listNav
}

// candidatesTop is the lines above the candidates: the title, the status
// line, a blank line and the headings.
const candidatesTop = 4

// SetSize places the list under the title, the status and the headings.
func (s *candidatesScreen) SetSize(width, height int) {
	s.size.SetSize(width, height)
	s.nav.setSize(candidatesTop, height-candidatesTop)
}

type identifyMsg struct {
	s         *candidatesScreen
	seq       int
	enc       *cases.Encounter
	res       *cases.IdentificationResult
	subjects  map[string]*cases.Subject
	timeline  []cases.Annotation
	disclosed map[string]*cases.DisclosureRecord
	err       error
}

// newCandidates searches encounterID's prints; decisions go on caseID (""
// when the encounter has no case yet).
func newCandidates(a *app, encounterID, place, caseID string) *candidatesScreen {
	s := &candidatesScreen{app: a, id: &identification{encounterID: encounterID, place: place, caseID: caseID}}
	s.spin = spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(a.styles.Muted))
	return s
}

func (s *candidatesScreen) Title() string   { return "Prints " + shortID(s.id.encounterID) }
func (s *candidatesScreen) Capturing() bool { return false }

// Init searches, or first asks the purpose.
func (s *candidatesScreen) Init() tea.Cmd {
	if s.app.purpose == "" {
		return push(newPurposePicker(s.app))
	}
	return s.run()
}

func (s *candidatesScreen) stop() {
	if s.cancel != nil {
		s.cancel()
		s.cancel = nil
	}
	s.searching = false
}

// run starts the search in a command; keys keep working meanwhile.
func (s *candidatesScreen) run() tea.Cmd {
	s.stop()
	s.seq++
	s.err = nil
	ctx, cancel := context.WithCancel(s.app.ctx)
	s.cancel, s.searching = cancel, true
	a, seq, encID, caseID := s.app, s.seq, s.id.encounterID, s.id.caseID
	search := func() tea.Msg {
		msg := identifyMsg{s: s, seq: seq}
		msg.enc, msg.err = a.identify.Encounter(ctx, encID)
		if msg.err != nil {
			return msg
		}
		msg.res, msg.err = a.identify.Identify(ctx, a.officer, encID, a.purpose, a.purposeText, 0)
		if msg.err != nil {
			return msg
		}
		msg.subjects, msg.disclosed = map[string]*cases.Subject{}, map[string]*cases.DisclosureRecord{}
		var disclosures []cases.DisclosureRecord
		if a.exchange != nil {
			if disclosures, msg.err = a.exchange.Disclosures(ctx); msg.err != nil {
				return msg
			}
		}
		for _, c := range msg.res.Candidates {
			if c.Reference != "" {
				// A partner's reference: no subject on this desk, only what
				// its owner disclosed to this agency (newest first).
				for i := range disclosures {
					if d := &disclosures[i]; d.Reference == c.Reference && d.To == a.officer.Agency && msg.disclosed[c.Reference] == nil {
						msg.disclosed[c.Reference] = d
					}
				}
				continue
			}
			if sub, err := a.store.Subject(ctx, c.SubjectID); err == nil {
				msg.subjects[c.SubjectID] = sub
			}
		}
		if caseID != "" {
			msg.timeline, msg.err = a.store.Annotations(ctx, caseID)
		}
		return msg
	}
	return tea.Batch(search, s.spin.Tick)
}

func (s *candidatesScreen) candidates() []cases.Candidate {
	if s.id.res == nil {
		return nil
	}
	return s.id.res.Candidates
}

func (s *candidatesScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case identifyMsg:
		if msg.s != s || msg.seq != s.seq {
			return nil
		}
		s.stop()
		if msg.err != nil {
			s.err = msg.err
			return failure(cases.ErrorMessage(msg.err))
		}
		s.id.enc, s.id.res, s.id.subjects, s.id.timeline, s.id.disclosed = msg.enc, msg.res, msg.subjects, msg.timeline, msg.disclosed
		s.id.ex = s.app.examination(msg.timeline)
		if s.id.place == "" && msg.enc != nil {
			s.id.place = msg.enc.Place
		}
		s.nav.reset()
		s.nav.setLen(len(s.candidates()))
		return nil
	case spinner.TickMsg:
		if !s.searching {
			return nil
		}
		var cmd tea.Cmd
		s.spin, cmd = s.spin.Update(msg)
		return cmd
	case purposeMsg:
		if s.app.purpose != "" && (s.repurpose || s.id.res == nil && !s.searching && s.err == nil) {
			s.repurpose = false
			return s.run()
		}
		return nil
	case caseOpenedMsg:
		return s.id.opened(s.app, msg)
	case changedMsg:
		// A conclusion recorded on the case: the marks follow.
		if msg.caseID != "" && msg.caseID == s.id.caseID {
			a, id, caseID := s.app, s.id, msg.caseID
			return func() tea.Msg {
				timeline, err := a.store.Annotations(a.ctx, caseID)
				return timelineMsg{id: id, timeline: timeline, err: err}
			}
		}
		return nil
	case timelineMsg:
		if msg.id == s.id && msg.err == nil {
			s.id.timeline, s.id.ex = msg.timeline, s.app.examination(msg.timeline)
		}
		return nil
	case tea.KeyPressMsg:
		if cmd := s.key(msg); cmd != nil {
			return cmd
		}
	}
	if _, open := s.nav.update(s.app.keys, msg, false); open {
		return push(newReview(s.app, s))
	}
	return nil
}

// move moves the candidate shown (the review steps through the list).
func (s *candidatesScreen) move(d int) { s.nav.move(d) }

// cursor is the selected candidate's place in the list.
func (s *candidatesScreen) cursor() int { return s.nav.cursor }

func (s *candidatesScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	k := s.app.keys
	switch {
	case key.Matches(msg, k.Back):
		s.stop()
		return pop(s)
	case key.Matches(msg, k.Purpose):
		s.repurpose = true
		return push(newPurposePicker(s.app))
	case key.Matches(msg, k.OpenCandidate):
		if s.nav.selected() >= 0 {
			return push(newReview(s.app, s))
		}
	case key.Matches(msg, k.Decide):
		if i := s.nav.selected(); i >= 0 {
			return s.id.decide(s.app, s, s.candidates()[i].SubjectID)
		}
	case key.Matches(msg, k.RequestCoreData) && s.app.exchange != nil:
		if i := s.nav.selected(); i >= 0 {
			return s.id.requestCoreData(s.app, s.candidates()[i])
		}
	}
	return nil
}

// View draws the search's state and the candidates.
func (s *candidatesScreen) View() string {
	st := s.app.styles
	width := s.width
	var out []string
	head := st.Section.Render(" Fingerprint search")
	if r := s.id.res; r != nil {
		// Which search ran: every subject, or those the index passed on.
		if r.Mode == cases.SearchIndexed {
			head += st.Muted.Render(fmt.Sprintf(" (indexed, %.1f%% compared)", 100*r.Penetration))
		} else {
			head += st.Muted.Render(" (exhaustive)")
		}
	}
	head += st.Muted.Render(" · encounter " + s.id.encounterID)
	if s.id.place != "" {
		head += st.Muted.Render(" · " + s.id.place)
	}
	out = append(out, truncate(head, width))
	out = append(out, s.statusLine(width))
	out = append(out, "")
	res := s.id.res
	if res == nil {
		if !s.searching && s.err == nil && s.app.purpose == "" {
			out = append(out, st.Muted.Render("  State the purpose (ctrl+p) to search this encounter's prints."))
		}
		return strings.Join(out, "\n")
	}
	if len(res.Candidates) == 0 {
		out = append(out, st.Muted.Render("  No candidate: the gallery holds nobody like these prints."))
		return strings.Join(out, "\n")
	}
	// The band in full when there is room, its colour word otherwise.
	bandW, bandOf := 24, bandText
	if width < 110 {
		bandW, bandOf = 9, bandWord
	}
	nameW := max(width-54-bandW, 12)
	out = append(out, st.ColumnHeader.Render(truncate(fmt.Sprintf("  %4s  %-*s %7s  %-8s  %-*s  %-13s  %s", "Rank", bandW, "Band", "Score", "FMR", nameW, "Candidate", "Record", "Fingers"), width)))
	from, to := s.nav.visible()
	for i := from; i < to; i++ {
		c := res.Candidates[i]
		band := pad(bandOf(c.Band), bandW)
		label := s.id.candidateName(c)
		if m := s.id.marks(s.app, c.SubjectID); m != "" {
			label += " · " + m
		}
		name := pad(truncate(label, nameW), nameW)
		if i == s.nav.cursor {
			row := fmt.Sprintf("▸ %4d  %s %7.1f  %-8s  %s  %-13s  %d", c.Rank, band, c.Score, cases.ShortFMR(c.FMR, c.FMRFloor), name, shortID(c.SubjectID), len(c.Fingers))
			out = append(out, st.Selected.Render(pad(row, width)))
			continue
		}
		row := fmt.Sprintf("  %4d  ", c.Rank) + st.bandStyle(c.Band).Render(band) +
			st.Text.Render(fmt.Sprintf(" %7.1f  %-8s  ", c.Score, cases.ShortFMR(c.FMR, c.FMRFloor))) + st.Author.Render(name) +
			st.Muted.Render("  "+pad(shortID(c.SubjectID), 13)+"  ") + st.Text.Render(fmt.Sprint(len(c.Fingers)))
		out = append(out, truncate(row, width))
	}
	return strings.Join(out, "\n")
}

// statusLine states the purpose and the search's progress or outcome.
func (s *candidatesScreen) statusLine(width int) string {
	st := s.app.styles
	parts := []string{purposeText(st, s.app)}
	switch {
	case s.searching:
		parts = append(parts, s.spin.View()+st.Muted.Render(" searching the gallery…"))
	case s.err != nil:
		parts = append(parts, st.Danger.Render(cases.ErrorMessage(s.err)))
	case s.id.res != nil:
		r := s.id.res
		parts = append(parts, st.Text.Render(fmt.Sprintf("%s against %s, logged",
			count(r.Fingers, "finger", "fingers"), count(r.Gallery, "subject", "subjects"))))
		if s.id.caseID != "" {
			parts = append(parts, st.Label.Render("decisions go on ")+st.Text.Render(s.id.caseID))
		} else {
			parts = append(parts, st.Muted.Render("no case yet"))
		}
	}
	return truncate(" "+strings.Join(parts, st.Muted.Render(" · ")), width)
}

// scoreScales explains the two score scales of a fingerprint search.
var scoreScales = []string{
	"Score (a candidate's): the evidence of all the fingers compared, fused: −log10 of the estimated false match rate, so 9.0 means one false match in a billion comparisons (FMR 1e-9). Higher is stronger.",
	"Finger score (in the review): the matcher's 1:1 similarity of one probe finger with one record finger, on the matcher's own scale (tens to hundreds); its FMR beside it is what makes fingers comparable.",
	"Bands: RED highly probable, YELLOW possible, GREEN no match; a band is a lead for an examiner, not an identification.",
}

// Explain gives the score scales in the full help.
func (s *candidatesScreen) Explain() []string { return scoreScales }

// purposeText states the session's purpose, or how to state it.
func purposeText(st *Styles, a *app) string {
	if a.purpose == "" {
		return st.Warning.Render("No purpose stated: ctrl+p states it")
	}
	p := a.purpose.Label()
	if a.purpose == cases.PurposeOther && a.purposeText != "" {
		p += ": " + a.purposeText
	}
	return st.Label.Render("Purpose ") + st.Text.Render(truncate(p, 40))
}

// bandWord is a band's colour in words, with a mark, so it reads without
// colour: "■ RED".
func bandWord(b cases.Band) string {
	switch b {
	case cases.BandRed:
		return "■ RED"
	case cases.BandYellow:
		return "▲ YELLOW"
	case cases.BandGreen:
		return "○ GREEN"
	}
	return string(b)
}

// bandText is the band with its meaning: "■ RED highly probable".
func bandText(b cases.Band) string {
	switch b {
	case cases.BandRed:
		return bandWord(b) + " highly probable"
	case cases.BandYellow:
		return bandWord(b) + " possible"
	case cases.BandGreen:
		return bandWord(b) + " no match"
	}
	return string(b)
}

// fmr writes a false match rate compactly: "1e-12", "0.003".
func (s *candidatesScreen) Help() ([]key.Binding, [][]key.Binding) {
	k := s.app.keys
	if s.app.exchange != nil {
		return []key.Binding{k.OpenCandidate, k.Decide, k.RequestCoreData, k.Purpose, k.Back},
			[][]key.Binding{{k.OpenCandidate, k.Up, k.Down, k.PageUp, k.PageDown}, {k.Decide, k.RequestCoreData, k.Purpose, k.Back}}
	}
	return []key.Binding{k.OpenCandidate, k.Decide, k.Purpose, k.Back},
		[][]key.Binding{{k.OpenCandidate, k.Up, k.Down, k.PageUp, k.PageDown}, {k.Decide, k.Purpose, k.Back}}
}

// newReviewDecision is the decision form for the candidate under review.
func newReviewDecision(a *app, c *cases.Case, sub *cases.Subject) *decisionForm {
	f := newDecisionForm(a, c, []cases.Subject{*sub})
	f.startReview = true
	return f
}

// timelineMsg brings an identification's case timeline read again.
type timelineMsg struct {
	id       *identification
	timeline []cases.Annotation
	err      error
}

// caseOpenedMsg reports the case opened for an encounter so a decision can
// be recorded on it.
type caseOpenedMsg struct {
	id      *identification
	c       *cases.Case
	subject *cases.Subject
	err     error
}

// decide opens the decision form on the identification's case for the
// candidate subjectID; when the encounter has no case, it first offers to
// open one with the candidate as its subject.
func (id *identification) decide(a *app, from Screen, subjectID string) tea.Cmd {
	band := id.band(subjectID)
	sub := id.subjects[subjectID]
	reference := false
	if sub == nil {
		owner, _, err := cases.ParseReference(subjectID)
		if err != nil {
			return failure("The candidate's record is not on this desk: no decision can name it.")
		}
		// A partner's reference: the conclusion names the reference until
		// the partner discloses who it is.
		sub = &cases.Subject{ID: subjectID, OwnerAgency: owner, Name: cases.Name{Given: []string{"Reference"}, Paternal: subjectID}}
		reference = true
	}
	if id.caseID != "" {
		caseID := id.caseID
		return func() tea.Msg {
			c, err := a.store.Case(a.ctx, caseID)
			if err != nil {
				return noticeMsg{text: cases.ErrorMessage(err), err: true}
			}
			timeline, err := a.store.Annotations(a.ctx, caseID)
			if err != nil {
				return noticeMsg{text: cases.ErrorMessage(err), err: true}
			}
			return pushMsg{newReviewDecision(a, c, sub).withExam(a.examination(timeline), band)}
		}
	}
	p := &choicePicker{app: a, name: "Open a case",
		title: "This encounter has no case. Open one with " + sub.Name.Display() + " as its subject?"}
	p.list.choices = []string{"Open a case, then record the decision", "Cancel"}
	p.apply = func(i int) tea.Cmd {
		if i != 0 {
			return pop(p)
		}
		title := "Fingerprint search from encounter"
		if id.place != "" {
			title += " at " + id.place
		}
		nc := cases.NewCase{Title: title, Priority: cases.PriorityNormal, EncounterID: id.encounterID}
		if !reference {
			nc.SubjectIDs = []string{subjectID}
		}
		return tea.Sequence(pop(p), func() tea.Msg {
			c, err := a.store.CreateCase(a.ctx, a.officer, nc)
			return caseOpenedMsg{id: id, c: c, subject: sub, err: err}
		})
	}
	return push(p)
}

// opened takes the case opened for the encounter and opens the decision
// form on it. Every screen sharing id gets the message; the identification
// acts once.
func (id *identification) opened(a *app, msg caseOpenedMsg) tea.Cmd {
	if msg.id != id || id.caseID != "" && msg.err == nil && msg.c != nil && id.caseID == msg.c.ID {
		return nil
	}
	if msg.err != nil {
		return failure(cases.ErrorMessage(msg.err))
	}
	id.caseID = msg.c.ID
	c, sub := msg.c, *msg.subject
	return tea.Sequence(
		func() tea.Msg {
			return changedMsg{caseID: c.ID, done: "Case " + c.ID + " opened for the encounter."}
		},
		push(newReviewDecision(a, c, &sub).withExam(cases.Examination{}, id.band(sub.ID))))
}

// band is the band the search gave a candidate ("" if it is not one).
func (id *identification) band(subjectID string) cases.Band {
	if id.res != nil {
		for _, c := range id.res.Candidates {
			if c.SubjectID == subjectID {
				return c.Band
			}
		}
	}
	return ""
}
