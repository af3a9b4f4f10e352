package cases

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Priority orders the queue. Higher is more urgent.
type Priority int

const (
	PriorityLow      Priority = 1
	PriorityNormal   Priority = 2
	PriorityHigh     Priority = 3
	PriorityCritical Priority = 4
)

// Priorities lists every priority from most to least urgent.
var Priorities = []Priority{PriorityCritical, PriorityHigh, PriorityNormal, PriorityLow}

// Label is the priority as an officer reads it.
func (p Priority) Label() string {
	switch p {
	case PriorityLow:
		return "Low"
	case PriorityNormal:
		return "Normal"
	case PriorityHigh:
		return "High"
	case PriorityCritical:
		return "Critical"
	}
	return strconv.Itoa(int(p))
}

// Valid reports whether p is one of the defined priorities.
func (p Priority) Valid() bool { return p >= PriorityLow && p <= PriorityCritical }

// Case is a piece of shared work: a search result to review, a request from
// the partner, an identification to confirm.
type Case struct {
	ID          string // readable number, "EC-PN-2026-070123": see CaseNumber
	Title       string
	Status      Status
	Priority    Priority
	OwnerAgency string
	SharedWith  []string // agency codes other than the owner's
	// Assignee is the officer working the case for the agency reading it
	// (the desk's own agency; the owner's where none is known), "" when
	// unassigned. Each agency assigns its own officers: Assignees holds them
	// all, by agency code.
	Assignee    string
	Assignees   map[string]string
	Created     time.Time
	Updated     time.Time
	Due         time.Time // zero when there is no deadline
	SubjectIDs  []string
	EncounterID string // the encounter that started it, if any
	Version     int    // bumped on every status change; sync detects conflicts with it
	Conflict    bool   // two status changes crossed; a supervisor must resolve
	// Examination is where the case's fingerprint examination stands
	// (awaiting verification, awaiting a supervisor, verified…).
	Examination ExamState `json:",omitempty"`
}

// Overdue reports whether the case is open and past its due date at now.
func (c *Case) Overdue(now time.Time) bool {
	return c.Status.Open() && !c.Due.IsZero() && now.After(c.Due)
}

// CaseNumber builds the readable, speakable case number for a desk:
// "<agency>-<year>-<desk><seq>", with the desk as two digits and the sequence
// as at least four, e.g. desk 7's 123rd case of 2026 at EC-PN is
// "EC-PN-2026-070123". Each desk has its own number, so two desks creating
// cases offline at the same moment never collide.
func CaseNumber(agency string, year, desk, seq int) string {
	return fmt.Sprintf("%s-%04d-%02d%04d", agency, year, desk, seq)
}

// ParseCaseNumber splits a case number made by CaseNumber.
func ParseCaseNumber(id string) (agency string, year, desk, seq int, err error) {
	i := strings.LastIndexByte(id, '-')
	if i < 0 || i < 6 || len(id)-i-1 < 6 {
		return "", 0, 0, 0, Errorf(EINVALID, "%q is not a case number like EC-PN-2026-070123", id)
	}
	digits := id[i+1:]
	y := id[i-4 : i]
	agency = id[:i-5]
	if id[i-5] != '-' || agency == "" {
		return "", 0, 0, 0, Errorf(EINVALID, "%q is not a case number like EC-PN-2026-070123", id)
	}
	if year, err = strconv.Atoi(y); err != nil {
		return "", 0, 0, 0, Errorf(EINVALID, "%q: year %q is not a number", id, y)
	}
	if desk, err = strconv.Atoi(digits[:2]); err != nil {
		return "", 0, 0, 0, Errorf(EINVALID, "%q: desk %q is not a number", id, digits[:2])
	}
	if seq, err = strconv.Atoi(digits[2:]); err != nil {
		return "", 0, 0, 0, Errorf(EINVALID, "%q: sequence %q is not a number", id, digits[2:])
	}
	return agency, year, desk, seq, nil
}

// AnnotationKind says what an annotation records.
type AnnotationKind string

const (
	AnnNote     AnnotationKind = "note"
	AnnStatus   AnnotationKind = "status"
	AnnAssign   AnnotationKind = "assignment"
	AnnPriority AnnotationKind = "priority"
	AnnDecision AnnotationKind = "decision"
	AnnLink     AnnotationKind = "link"   // a subject linked to the case
	AnnUnlink   AnnotationKind = "unlink" // a subject's link withdrawn
	// AnnVerification is a second officer's blind conclusion on a closing
	// conclusion (Concerns names it); AnnResolution a supervisor's decision
	// where examiner and verifier disagree.
	AnnVerification AnnotationKind = "verification"
	AnnResolution   AnnotationKind = "resolution"
)

// Label is the kind as the timeline shows it.
func (k AnnotationKind) Label() string {
	switch k {
	case AnnNote:
		return "Note"
	case AnnStatus:
		return "Status"
	case AnnAssign:
		return "Assignment"
	case AnnPriority:
		return "Priority"
	case AnnDecision:
		return "Decision"
	case AnnLink:
		return "Link"
	case AnnUnlink:
		return "Unlink"
	case AnnVerification:
		return "Verification"
	case AnnResolution:
		return "Resolution"
	}
	return string(k)
}

// Annotation is one entry in a case's timeline. Annotations are append-only:
// an edit is a new annotation whose Supersedes names the one it replaces.
type Annotation struct {
	ID         string
	CaseID     string
	Kind       AnnotationKind
	Author     string // officer ID
	At         time.Time
	Text       string // the note, or the reason given for a change
	Supersedes string // ID of the annotation this one edits, if any

	// For AnnStatus: the move. BaseVersion is the case version it was made on.
	FromStatus, ToStatus Status
	BaseVersion          int
	// For AnnAssign: the new assignee ("" unassigns).
	Assignee string
	// For AnnPriority: the new priority.
	Priority Priority
	// For AnnDecision.
	Decision *Decision
	// For AnnLink and AnnUnlink: the subject.
	SubjectID string `json:",omitempty"`
	// Replaces names the annotation whose value this one replaced, as its
	// author saw the case ("" for the value the case was created with). An
	// edit of the same field that nobody built on and that lost to another
	// is marked Overridden in the timeline (see ProjectCase).
	Replaces string `json:",omitempty"`
	// Concerns names, for a verification or a resolution, the closing
	// conclusion (an AnnDecision) it is about.
	Concerns string `json:",omitempty"`
	// Overridden is set when read: a concurrent edit of the same field won.
	Overridden bool `json:"-"`
}

// Conclusion is an examiner's finding on a candidate (ACE-V).
type Conclusion string

const (
	Identification Conclusion = "identification"
	Exclusion      Conclusion = "exclusion"
	Inconclusive   Conclusion = "inconclusive"
)

// Conclusions lists every conclusion: the three about one candidate, and "no
// identification among the candidates", which closes an examination.
var Conclusions = []Conclusion{Identification, Exclusion, Inconclusive, NoIdentification}

// Label is the conclusion as an officer reads it.
func (c Conclusion) Label() string {
	switch c {
	case Identification:
		return "Identification"
	case Exclusion:
		return "Exclusion"
	case Inconclusive:
		return "Inconclusive"
	case NoIdentification:
		return "No identification among the candidates"
	}
	return string(c)
}

// Decision is a recorded conclusion: about one candidate of one search (an
// identification, exclusion or inconclusive), or about all of them (no
// identification), with its justification and what it rests on.
type Decision struct {
	Conclusion    Conclusion
	CandidateID   string // subject ID of the candidate concerned; "" for no identification
	Justification string
	// The search the candidate came from and what it showed (not for "no
	// identification"): the fingers compared, the fused score and its band.
	SearchID string  `json:",omitempty"`
	Fingers  []int   `json:",omitempty"`
	Score    float64 `json:",omitempty"`
	Band     Band    `json:",omitempty"`
}

// Validate checks that the decision is complete.
func (d *Decision) Validate() error { return ValidateConclusion(d) }

// MaxNoteBytes bounds a note's length.
const MaxNoteBytes = 64 << 10

// ValidateNote checks a note's text.
func ValidateNote(text string) error {
	if strings.TrimSpace(text) == "" {
		return Errorf(EINVALID, "the note is empty: write something before saving")
	}
	if len(text) > MaxNoteBytes {
		return Errorf(EINVALID, "the note is %d bytes; the limit is %d", len(text), MaxNoteBytes)
	}
	return nil
}

// String is the priority's label.
func (p Priority) String() string { return p.Label() }
