package ui

import "github.com/enlace-desk/enlace/cases"

// The examination as the screens show it (ACE-V, cases.ProjectExamination):
// computed from a case's timeline with the directory, no I/O.

// examination is a case's examination from its timeline.
func (a *app) examination(timeline []cases.Annotation) cases.Examination {
	return cases.ProjectExamination(timeline, func(id string) string { return a.officers[id].Agency }, a.verification)
}

// blind reports whether this officer may verify the examination's closing
// conclusion, and so must not see the examiner's conclusions before
// recording their own: it awaits verification, by an officer of the
// examiner's agency who is not the examiner.
func (a *app) blind(ex cases.Examination) bool {
	return ex.State == cases.ExamAwaitVerify && ex.Closing != nil && ex.Closing.Author != a.officer.ID &&
		a.officers[ex.Closing.Author].Agency == a.officer.Agency &&
		(a.officer.Has(cases.RoleOfficer) || a.officer.Has(cases.RoleSupervisor))
}

// hidden reports whether a timeline entry is withheld from a blind verifier:
// the examiner's conclusions, while their verification is pending.
func (a *app) hidden(ex cases.Examination, ann cases.Annotation) bool {
	return a.blind(ex) && ann.Kind == cases.AnnDecision && ann.Author == ex.Closing.Author
}

// examMode is what recording a conclusion means for this officer now.
type examMode int

const (
	modeConclude examMode = iota // the examiner's conclusions
	modeVerify                   // a second officer's blind verification
	modeResolve                  // a supervisor settles a disagreement
)

func (a *app) examMode(ex cases.Examination) examMode {
	switch {
	case a.blind(ex):
		return modeVerify
	case ex.State == cases.ExamAwaitSuper && a.officer.Has(cases.RoleSupervisor):
		return modeResolve
	}
	return modeConclude
}

// conclusionsFor are the conclusions a mode offers: all four to the
// examiner, the two closing ones to a verifier or a supervisor.
func conclusionsFor(m examMode) []cases.Conclusion {
	if m == modeConclude {
		return cases.Conclusions
	}
	return []cases.Conclusion{cases.Identification, cases.NoIdentification}
}

// conclusionMark is how a candidate list marks a recorded conclusion.
func conclusionMark(c cases.Conclusion) string {
	switch c {
	case cases.Identification:
		return "✓ identified"
	case cases.Exclusion:
		return "✗ excluded"
	case cases.Inconclusive:
		return "? inconclusive"
	}
	return string(c)
}
