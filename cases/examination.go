package cases

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Examination follows ACE-V (analysis, comparison, evaluation, verification):
// an examiner records conclusions about candidates of a fingerprint search;
// exclusions and inconclusives are per candidate and decide nothing. The
// examiner closes the examination with an identification of one candidate or
// "no identification among the candidates"; a second officer of the same
// agency, not its author, verifies it blind (recording their own conclusion
// without seeing the first); agreement decides the case, naming both officers;
// disagreement goes to a supervisor, who resolves it with a reason. Everything
// is annotations, so it syncs like the rest and every desk projects the same
// examination (ProjectExamination).

// NoIdentification closes an examination without identifying anyone among
// the candidates.
const NoIdentification Conclusion = "no_identification"

// Closing reports whether a conclusion closes an examination (it needs
// verification): an identification, or no identification among the
// candidates. Exclusions and inconclusives are about one candidate each.
func (c Conclusion) Closing() bool { return c == Identification || c == NoIdentification }

// ExamState is where a case's examination stands.
type ExamState string

const (
	ExamNone        ExamState = ""                      // no closing conclusion yet
	ExamAwaitVerify ExamState = "awaiting_verification" // closed, waiting for a second officer
	ExamAwaitSuper  ExamState = "awaiting_supervisor"   // the verifier disagreed
	ExamVerified    ExamState = "verified"              // the verifier agreed
	ExamResolved    ExamState = "resolved"              // a supervisor settled a disagreement
	ExamUnverified  ExamState = "concluded"             // closed where the agreement asks no verification
)

// Label is the state as an officer reads it.
func (s ExamState) Label() string {
	switch s {
	case ExamAwaitVerify:
		return "Awaiting blind verification"
	case ExamAwaitSuper:
		return "Verifier disagreed: awaiting a supervisor"
	case ExamVerified:
		return "Verified"
	case ExamResolved:
		return "Resolved by a supervisor"
	case ExamUnverified:
		return "Concluded (no verification required)"
	}
	return "No conclusion yet"
}

// VerificationPolicy says which closing conclusions need a second officer's
// verification before they decide a case. The agreement's default: both.
type VerificationPolicy struct {
	Identification   bool
	NoIdentification bool
}

// DefaultVerification requires verification of every closing conclusion.
var DefaultVerification = VerificationPolicy{Identification: true, NoIdentification: true}

// Requires reports whether a closing conclusion c needs verification.
func (p VerificationPolicy) Requires(c Conclusion) bool {
	switch c {
	case Identification:
		return p.Identification
	case NoIdentification:
		return p.NoIdentification
	}
	return false
}

// Examination is a case's examination as its annotations make it.
type Examination struct {
	State ExamState
	// Closing is the examiner's closing conclusion in force (the latest);
	// Verification the second officer's on it, Resolution a supervisor's.
	Closing, Verification, Resolution *Annotation
	// Outcome is what the examination decided: the verified closing
	// conclusion, or the supervisor's resolution. Nil while undecided.
	Outcome *Decision
	// ByCandidate lists every conclusion recorded about each candidate (the
	// examiner's, the verifier's, the supervisor's), oldest first.
	ByCandidate map[string][]Annotation
}

// Same reports whether two conclusions say the same: the same conclusion, and
// for an identification the same candidate.
func (d *Decision) Same(o *Decision) bool {
	if d == nil || o == nil || d.Conclusion != o.Conclusion {
		return false
	}
	return d.Conclusion != Identification || d.CandidateID == o.CandidateID
}

// ProjectExamination computes a case's examination from its timeline (in any
// order: annotations are ordered here by time, then ID). author gives each
// annotation author's agency; verifications by the closing conclusion's
// author, or by an officer of another agency, count for nothing.
func ProjectExamination(anns []Annotation, agencyOf func(officerID string) string, policy VerificationPolicy) Examination {
	list := slices.Clone(anns)
	slices.SortStableFunc(list, func(a, b Annotation) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	ex := Examination{ByCandidate: map[string][]Annotation{}}
	for i := range list {
		a := &list[i]
		if a.Decision == nil {
			continue
		}
		switch a.Kind {
		case AnnDecision, AnnVerification, AnnResolution:
		default:
			continue
		}
		if a.Decision.CandidateID != "" {
			ex.ByCandidate[a.Decision.CandidateID] = append(ex.ByCandidate[a.Decision.CandidateID], *a)
		}
		if a.Kind == AnnDecision && a.Decision.Conclusion.Closing() {
			ex.Closing = a
		}
	}
	if ex.Closing == nil {
		return ex
	}
	closing := ex.Closing
	for i := range list {
		a := &list[i]
		if a.Decision == nil || a.Concerns != closing.ID {
			continue
		}
		switch a.Kind {
		case AnnVerification:
			if a.Author != closing.Author && agencyOf(a.Author) == agencyOf(closing.Author) {
				ex.Verification = a
			}
		case AnnResolution:
			ex.Resolution = a
		}
	}
	switch {
	case ex.Resolution != nil:
		ex.State, ex.Outcome = ExamResolved, ex.Resolution.Decision
	case ex.Verification != nil && ex.Verification.Decision.Same(closing.Decision):
		ex.State, ex.Outcome = ExamVerified, closing.Decision
	case ex.Verification != nil:
		ex.State = ExamAwaitSuper
	case !policy.Requires(closing.Decision.Conclusion):
		ex.State, ex.Outcome = ExamUnverified, closing.Decision
	default:
		ex.State = ExamAwaitVerify
	}
	return ex
}

// ValidateConclusion checks a conclusion as an examiner, verifier or
// supervisor records it: a known conclusion, the candidate it is about
// (none for "no identification"), and a justification.
func ValidateConclusion(d *Decision) error {
	switch d.Conclusion {
	case Identification, Exclusion, Inconclusive:
		if strings.TrimSpace(d.CandidateID) == "" {
			return Errorf(EINVALID, "a %s is about one candidate: name it (--candidate)", d.Conclusion.Label())
		}
	case NoIdentification:
		if d.CandidateID != "" {
			return Errorf(EINVALID, "\"no identification\" is about all the candidates: name none")
		}
	default:
		return Errorf(EINVALID, "conclusion %q is not identification, exclusion, inconclusive or no_identification", d.Conclusion)
	}
	if strings.TrimSpace(d.Justification) == "" {
		return Errorf(EINVALID, "a conclusion needs a justification: say what the comparison showed")
	}
	return nil
}

// SearchCandidate is one candidate of a recorded fingerprint search: enough
// to check that a conclusion is about a candidate the search returned, and
// to say what it rested on.
type SearchCandidate struct {
	SubjectID string  `json:"subject_id"`
	Score     float64 `json:"score"`
	Band      Band    `json:"band"`
	Fingers   []int   `json:"fingers"`
}

// SearchRecord is a fingerprint search run on this desk, as kept for the
// examination of its candidates.
type SearchRecord struct {
	ID          string // the search's query-log entry
	EncounterID string
	OfficerID   string
	At          time.Time
	Candidates  []SearchCandidate
}

// Candidate returns the record's candidate for a subject, if the search
// returned it.
func (r *SearchRecord) Candidate(subjectID string) (SearchCandidate, bool) {
	for _, c := range r.Candidates {
		if c.SubjectID == subjectID {
			return c, true
		}
	}
	return SearchCandidate{}, false
}

// ExaminationService records conclusions, verifications and resolutions on a
// case's fingerprint examination.
type ExaminationService interface {
	// Conclude records an examiner's conclusion: about one candidate of the
	// case's latest search (identification, exclusion, inconclusive), or "no
	// identification among the candidates", which closes the examination.
	Conclude(ctx context.Context, actor Officer, caseID string, d Decision) (*Annotation, error)
	// Verify records a second officer's own conclusion on a closing
	// conclusion awaiting verification; agreement decides the case.
	Verify(ctx context.Context, actor Officer, caseID string, d Decision) (*Annotation, error)
	// ResolveExamination is a supervisor's decision where the verifier
	// disagreed (or overturning a verified one), with the reason.
	ResolveExamination(ctx context.Context, actor Officer, caseID string, d Decision) (*Annotation, error)
	// Examination returns where a case's examination stands.
	Examination(ctx context.Context, caseID string) (Examination, error)
}
