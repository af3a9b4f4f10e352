package cases

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// CaseFact is one event of a case as a desk holds it: the event and what the
// hub said of it. ProjectCase turns a case's facts into the case.
type CaseFact struct {
	Event Event
	// Seq is the hub's sequence number; 0 while the desk's own event is not
	// acknowledged yet.
	Seq int64
	// Local is the desk's own log position: it orders the unacknowledged
	// events the desk made.
	Local    int64
	Conflict bool // the hub's verdict on a status move
	Rejected bool // the hub refused the event: it changes nothing anywhere
	Seed     bool // demo history loaded on this desk only (never travels)
}

// CaseProjection is a case as the set of its events makes it, with what the
// timeline needs to show edits that crossed.
type CaseProjection struct {
	Case Case
	// Overridden lists annotations (assignments, priorities, links) that set a
	// field at the same time as another edit that won: both stay in the
	// timeline, the loser marked.
	Overridden map[string]bool
	// Current names, per field, the annotation whose value stands (see
	// FieldKey); a new edit records it as the value it replaces.
	Current map[string]string
	// Examination is the case's examination (ProjectExamination).
	Examination Examination
}

// FieldKey names the last-writer-wins field an annotation sets, or "" for
// annotations that set none (notes, status moves, decisions). Assignments are
// kept per agency (each agency assigns its own officers) and links per
// subject.
func FieldKey(a *Annotation, agency string) string {
	switch a.Kind {
	case AnnAssign:
		return "assignee/" + agency
	case AnnPriority:
		return "priority"
	case AnnLink, AnnUnlink:
		return "subject/" + a.SubjectID
	}
	return ""
}

// stamp orders last-writer-wins edits: the hybrid logical clock, then the event
// ID, so every desk picks the same winner.
type stamp struct {
	hlc HLC
	id  string
}

func (s stamp) less(o stamp) bool {
	if s.hlc != o.hlc {
		return s.hlc.Less(o.hlc)
	}
	return s.id < o.id
}

// ProjectCase computes every projected field of a case from its events: two
// desks holding the same events (and the hub's verdicts on them) get the same
// case, whatever order the events arrived in. The rules, one per field, are
// written in docs/sync.md ("Projecting a case"):
//
//   - status, version, conflict: ProjectStatus over the status moves;
//   - title, due: the case.created value, then the case.updated that sets it
//     with the highest (HLC, event ID);
//   - sharing: the owner's case.updated events in hub order, then the desk's
//     own unacknowledged ones in the order it made them (the hub scopes
//     deliveries by the same order);
//   - priority: the highest (HLC, event ID) of the priority annotations;
//   - assignee: one per agency, the highest (HLC, event ID) of that agency's
//     assignments;
//   - linked subjects: per subject, the highest (HLC, event ID) of its links and
//     unlinks, over the subjects named at creation;
//   - updated: the latest time among the events.
//
// Events the hub rejected change nothing. ok is false when the facts hold no
// case.created.
func ProjectCase(facts []CaseFact) (p CaseProjection, ok bool) {
	return ProjectCaseWith(facts, DefaultVerification)
}

// ProjectCaseWith is ProjectCase under an agreement's verification rule
// (Agreement.Verification): every desk under the same agreement projects
// the same examination.
func ProjectCaseWith(facts []CaseFact, verification VerificationPolicy) (p CaseProjection, ok bool) {
	var created *CaseFact
	for i := range facts {
		if facts[i].Event.Kind == EventCaseCreated && !facts[i].Rejected {
			if created == nil || stampOf(facts[i].Event).less(stampOf(created.Event)) {
				created = &facts[i]
			}
		}
	}
	if created == nil {
		return p, false
	}
	var cc CaseCreated
	if json.Unmarshal(created.Event.Payload, &cc) != nil {
		return p, false
	}
	c := cc.Case
	c.ID = created.Event.CaseID
	c.OwnerAgency = created.Event.Agency
	c.SharedWith = normAgencies(c.SharedWith)
	c.Conflict = false
	origin := stampOf(created.Event)
	p.Overridden = map[string]bool{}
	p.Current = map[string]string{}

	titleAt, dueAt, prioAt := origin, origin, origin
	assignees := map[string]string{}
	assignAt := map[string]stamp{}
	if c.Assignee != "" {
		assignees[c.OwnerAgency] = c.Assignee
		assignAt[c.OwnerAgency] = origin
	}
	linked := map[string]bool{}
	linkAt := map[string]stamp{}
	for _, id := range c.SubjectIDs {
		linked[id] = true
		linkAt[id] = origin
	}
	updated := c.Updated
	if updated.IsZero() {
		updated = c.Created
	}

	var moves []StatusMove
	var sharing []CaseFact
	var decisions []Annotation
	agencyOf := map[string]string{}
	type fieldEdit struct {
		ann    Annotation
		at     stamp
		agency string
	}
	edits := map[string][]fieldEdit{}
	for i := range facts {
		f := &facts[i]
		ev := &f.Event
		if f.Rejected || f == created || ev.CaseID != c.ID {
			continue
		}
		at := stampOf(*ev)
		switch ev.Kind {
		case EventCaseUpdated:
			var u CaseUpdated
			if json.Unmarshal(ev.Payload, &u) != nil {
				continue
			}
			if u.Title != nil && titleAt.less(at) {
				c.Title, titleAt = *u.Title, at
			}
			if u.Due != nil && dueAt.less(at) {
				c.Due, dueAt = parseDue(*u.Due), at
			}
			if u.SharedWith != nil && ev.Agency == c.OwnerAgency {
				sharing = append(sharing, *f)
			}
			updated = later(updated, ev.HLC.Time())
		case EventConflictResolved:
			var r ConflictResolution
			if json.Unmarshal(ev.Payload, &r) != nil {
				continue
			}
			moves = append(moves, StatusMove{Seed: f.Seed, Seq: f.Seq, Local: f.Local, To: r.Status, Resolution: true})
			updated = later(updated, ev.HLC.Time())
		case EventAnnotationAdded:
			var a Annotation
			if json.Unmarshal(ev.Payload, &a) != nil {
				continue
			}
			updated = later(updated, a.At)
			agencyOf[a.Author] = ev.Agency
			if a.Decision != nil {
				decisions = append(decisions, a)
			}
			if a.ToStatus != "" {
				moves = append(moves, StatusMove{Seed: f.Seed, Seq: f.Seq, Local: f.Local, To: a.ToStatus, Conflict: f.Conflict})
			}
			if key := FieldKey(&a, ev.Agency); key != "" {
				edits[key] = append(edits[key], fieldEdit{ann: a, at: at, agency: ev.Agency})
			}
		}
	}

	keys := make([]string, 0, len(edits))
	for k := range edits {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		list := edits[key]
		winner := -1
		for i := range list {
			if winner < 0 || list[winner].at.less(list[i].at) {
				winner = i
			}
		}
		w := list[winner]
		replaced := map[string]bool{}
		for _, e := range list {
			if e.ann.Replaces != "" {
				replaced[e.ann.Replaces] = true
			}
		}
		for i, e := range list {
			if i != winner && !replaced[e.ann.ID] {
				p.Overridden[e.ann.ID] = true
			}
		}
		switch w.ann.Kind {
		case AnnPriority:
			if prioAt.less(w.at) {
				c.Priority, prioAt = w.ann.Priority, w.at
				p.Current[key] = w.ann.ID
			}
		case AnnAssign:
			if prev, ok := assignAt[w.agency]; !ok || prev.less(w.at) {
				assignees[w.agency], assignAt[w.agency] = w.ann.Assignee, w.at
				p.Current[key] = w.ann.ID
			}
		case AnnLink, AnnUnlink:
			if prev, ok := linkAt[w.ann.SubjectID]; !ok || prev.less(w.at) {
				linked[w.ann.SubjectID], linkAt[w.ann.SubjectID] = w.ann.Kind == AnnLink, w.at
				p.Current[key] = w.ann.ID
			}
		}
	}

	// A verified (or resolved) identification links the identified subject;
	// an overturned one no longer does.
	p.Examination = ProjectExamination(decisions, func(id string) string { return agencyOf[id] }, verification)
	if out := p.Examination.Outcome; out != nil && out.Conclusion == Identification && out.CandidateID != "" {
		linked[out.CandidateID] = true
	}
	c.Examination = p.Examination.State

	slices.SortStableFunc(sharing, func(a, b CaseFact) int { return cmpFact(a, b) })
	for _, f := range sharing {
		var u CaseUpdated
		_ = json.Unmarshal(f.Event.Payload, &u)
		c.SharedWith = normAgencies(u.SharedWith)
	}

	c.Status, c.Version, c.Conflict = ProjectStatus(cc.Case.Status, cc.Case.Version, moves)
	c.Assignees = map[string]string{}
	for agency, officer := range assignees {
		if officer != "" {
			c.Assignees[agency] = officer
		}
	}
	c.Assignee = c.Assignees[c.OwnerAgency]
	c.SubjectIDs = nil
	for id, on := range linked {
		if on {
			c.SubjectIDs = append(c.SubjectIDs, id)
		}
	}
	sort.Strings(c.SubjectIDs)
	c.Updated = updated
	p.Case = c
	return p, true
}

// cmpFact orders facts as the hub sequenced them, then the desk's own
// unacknowledged ones in the order it made them.
func cmpFact(a, b CaseFact) int {
	switch {
	case (a.Seq == 0) != (b.Seq == 0):
		if a.Seq == 0 {
			return 1
		}
		return -1
	case a.Seq != b.Seq:
		return cmpInt(a.Seq, b.Seq)
	}
	return cmpInt(a.Local, b.Local)
}

func stampOf(ev Event) stamp { return stamp{hlc: ev.HLC, id: ev.ID} }

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func parseDue(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// normAgencies sorts and deduplicates a list of agency codes; empty is nil.
func normAgencies(list []string) []string {
	var out []string
	for _, a := range list {
		a = strings.TrimSpace(a)
		if a != "" && !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	sort.Strings(out)
	return out
}

// Digest is the canonical digest of a case's projected fields: status,
// version, conflict flag, title, priority, due, owner, sharing, every
// agency's assignee, linked subjects and encounter. Two desks that agree on a
// case print the same digest (`enlace sync digest`); the time of the last
// change is left out, since it only orders the queue.
func Digest(c *Case) string {
	var b strings.Builder
	field := func(name, value string) {
		b.WriteString(name)
		b.WriteByte('=')
		b.WriteString(strconv.Quote(value))
		b.WriteByte('\n')
	}
	field("id", c.ID)
	field("status", string(c.Status))
	field("version", strconv.Itoa(c.Version))
	field("conflict", strconv.FormatBool(c.Conflict))
	field("title", c.Title)
	field("priority", strconv.Itoa(int(c.Priority)))
	due := ""
	if !c.Due.IsZero() {
		due = c.Due.UTC().Format(time.RFC3339)
	}
	field("due", due)
	field("owner", c.OwnerAgency)
	field("shared_with", strings.Join(normAgencies(c.SharedWith), ","))
	agencies := make([]string, 0, len(c.Assignees))
	for a := range c.Assignees {
		agencies = append(agencies, a)
	}
	sort.Strings(agencies)
	for _, a := range agencies {
		field("assignee/"+a, c.Assignees[a])
	}
	subjects := slices.Clone(c.SubjectIDs)
	sort.Strings(subjects)
	field("subjects", strings.Join(subjects, ","))
	field("encounter", c.EncounterID)
	field("examination", string(c.Examination))
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// DigestAll combines case digests into one for a set of cases, in case ID
// order: the digest of a desk's whole shared state.
func DigestAll(digests map[string]string) string {
	ids := make([]string, 0, len(digests))
	for id := range digests {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	h := sha256.New()
	for _, id := range ids {
		h.Write([]byte(id + " " + digests[id] + "\n"))
	}
	return hex.EncodeToString(h.Sum(nil))
}
