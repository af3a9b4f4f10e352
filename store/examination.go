package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/enlace-desk/enlace/cases"
)

var _ cases.ExaminationService = (*CaseService)(nil)

// LogIdentification writes a fingerprint search's query-log entry and keeps
// its candidate list, in one transaction, so conclusions can only be about
// candidates the search returned. It returns the entry's ID.
func (s *AuditService) LogIdentification(ctx context.Context, e cases.QueryLogEntry, encounterID string, cands []cases.SearchCandidate) (string, error) {
	if err := cases.ValidatePurpose(e.Purpose, e.PurposeText); err != nil {
		return "", err
	}
	body, err := json.Marshal(cands)
	if err != nil {
		return "", err
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		if err := s.logQuery(ctx, tx, &e); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO identifications(id, encounter_id, officer_id, at, candidates) VALUES(?, ?, ?, ?, ?)`,
			e.ID, encounterID, e.OfficerID, ms(e.At), string(body))
		return err
	})
	return e.ID, storageErr(err, "cannot record the fingerprint search")
}

// Search returns a recorded fingerprint search by its ID, or, with id "", the
// latest search of the encounter.
func (s *DB) search(ctx context.Context, q querier, id, encounterID string) (*cases.SearchRecord, error) {
	var r cases.SearchRecord
	var at int64
	var body string
	var err error
	if id != "" {
		err = q.QueryRowContext(ctx, `SELECT id, encounter_id, officer_id, at, candidates FROM identifications WHERE id = ?`, id).
			Scan(&r.ID, &r.EncounterID, &r.OfficerID, &at, &body)
	} else {
		err = q.QueryRowContext(ctx, `SELECT id, encounter_id, officer_id, at, candidates FROM identifications WHERE encounter_id = ? ORDER BY at DESC, id DESC LIMIT 1`, encounterID).
			Scan(&r.ID, &r.EncounterID, &r.OfficerID, &at, &body)
	}
	if errors.Is(err, sql.ErrNoRows) {
		if id != "" {
			return nil, cases.Errorf(cases.ENOTFOUND, "there is no fingerprint search %s on this desk", id)
		}
		return nil, cases.Errorf(cases.ENOTFOUND, "encounter %s has not been searched on this desk yet: run the fingerprint search first (enlace identify %s --purpose …)", encounterID, encounterID)
	}
	if err != nil {
		return nil, err
	}
	r.At = fromMS(at)
	if err := json.Unmarshal([]byte(body), &r.Candidates); err != nil {
		return nil, cases.Errorf(cases.ESTORAGE, "the candidate list of search %s is damaged", r.ID)
	}
	return &r, nil
}

// Examination returns where a case's examination stands.
func (s *CaseService) Examination(ctx context.Context, caseID string) (cases.Examination, error) {
	p, ok, err := s.projectCase(ctx, s.r, caseID)
	if err != nil {
		return cases.Examination{}, storageErr(err, "cannot read case %s", caseID)
	}
	if !ok {
		return cases.Examination{}, cases.Errorf(cases.ENOTFOUND, "there is no case %s", caseID)
	}
	return p.Examination, nil
}

// examine runs one examination step in a write transaction: it loads the case
// and its examination, lets step check and fill the annotation, and records
// it.
func (s *CaseService) examine(ctx context.Context, actor cases.Officer, caseID string, d cases.Decision,
	step func(tx *sql.Tx, c *cases.Case, ex cases.Examination, a *cases.Annotation) error) (*cases.Annotation, error) {
	d.Justification = strings.TrimSpace(d.Justification)
	if err := cases.ValidateConclusion(&d); err != nil {
		return nil, err
	}
	return s.annotate(ctx, actor, caseID, func(tx *sql.Tx, c *cases.Case, a *cases.Annotation) error {
		if c.Conflict {
			return cases.Errorf(cases.ECONFLICT, "case %s is in conflict: a supervisor must resolve it before the examination goes on", c.ID)
		}
		p, _, err := s.projectCase(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		dd := d
		a.Decision, a.Text = &dd, d.Justification
		return step(tx, c, p.Examination, a)
	})
}

// candidateOf fills in what a conclusion about a candidate rests on, from the
// search it names (or the case's latest search), and refuses a candidate the
// search did not return.
func (s *CaseService) candidateOf(ctx context.Context, tx *sql.Tx, c *cases.Case, d *cases.Decision) error {
	if d.CandidateID == "" {
		return nil
	}
	if c.EncounterID == "" && d.SearchID == "" {
		// A case with no encounter (a partner's request, a ten-print
		// comparison): its candidates are the subjects linked to it.
		if !slices.Contains(c.SubjectIDs, d.CandidateID) {
			return cases.Errorf(cases.EINVALID, "%s is not a subject of case %s, which has no fingerprint search: a conclusion is about a candidate of the case", d.CandidateID, c.ID)
		}
		return nil
	}
	r, err := s.search(ctx, tx, d.SearchID, c.EncounterID)
	if err != nil {
		return err
	}
	if c.EncounterID != "" && r.EncounterID != c.EncounterID {
		return cases.Errorf(cases.EINVALID, "search %s was of encounter %s, not of case %s's encounter", r.ID, r.EncounterID, c.ID)
	}
	cand, ok := r.Candidate(d.CandidateID)
	if !ok {
		return cases.Errorf(cases.EINVALID, "%s is not among the %d candidates of search %s: a conclusion is about a candidate of the search", d.CandidateID, len(r.Candidates), r.ID)
	}
	d.SearchID, d.Score, d.Band, d.Fingers = r.ID, cand.Score, cand.Band, cand.Fingers
	return nil
}

// decide makes a closing step move the case to Decided when the state
// machine allows it from here.
func decide(c *cases.Case, actor cases.Officer, a *cases.Annotation) error {
	if c.Status == cases.StatusDecided {
		return nil
	}
	if err := cases.CheckTransition(c.Status, cases.StatusDecided, actor.Roles, true); err != nil {
		return err
	}
	a.FromStatus, a.ToStatus, a.BaseVersion = c.Status, cases.StatusDecided, c.Version
	return nil
}

// Conclude implements cases.ExaminationService.
func (s *CaseService) Conclude(ctx context.Context, actor cases.Officer, caseID string, d cases.Decision) (*cases.Annotation, error) {
	return s.examine(ctx, actor, caseID, d, func(tx *sql.Tx, c *cases.Case, ex cases.Examination, a *cases.Annotation) error {
		switch ex.State {
		case cases.ExamVerified, cases.ExamResolved, cases.ExamUnverified:
			return cases.Errorf(cases.EINVALID, "the examination of case %s is decided (%s); a supervisor can resolve it again", c.ID, ex.State.Label())
		case cases.ExamAwaitSuper:
			return cases.Errorf(cases.EINVALID, "the verifier disagreed on case %s: a supervisor resolves it now", c.ID)
		}
		if err := s.candidateOf(ctx, tx, c, a.Decision); err != nil {
			return err
		}
		a.Kind = cases.AnnDecision
		if !a.Decision.Conclusion.Closing() {
			return nil // about one candidate: it decides nothing
		}
		// A closing conclusion must be able to decide the case once verified.
		if err := cases.CheckTransition(c.Status, cases.StatusDecided, []cases.Role{cases.RoleOfficer, cases.RoleSupervisor}, true); err != nil && c.Status != cases.StatusDecided {
			return cases.Errorf(cases.EINVALID, "case %s is %s: start its review before closing the examination (%s)", c.ID, c.Status.Label(), cases.ErrorMessage(err))
		}
		if s.Agreement().Verification().Requires(a.Decision.Conclusion) {
			return nil // waits for a second officer
		}
		return decide(c, actor, a)
	})
}

// Verify implements cases.ExaminationService.
func (s *CaseService) Verify(ctx context.Context, actor cases.Officer, caseID string, d cases.Decision) (*cases.Annotation, error) {
	if !d.Conclusion.Closing() {
		return nil, cases.Errorf(cases.EINVALID, "a verification records an identification of one candidate or no identification among the candidates")
	}
	return s.examine(ctx, actor, caseID, d, func(tx *sql.Tx, c *cases.Case, ex cases.Examination, a *cases.Annotation) error {
		if ex.State != cases.ExamAwaitVerify {
			return cases.Errorf(cases.EINVALID, "case %s has no conclusion awaiting verification (%s)", c.ID, ex.State.Label())
		}
		closing := ex.Closing
		if closing.Author == actor.ID {
			return cases.Errorf(cases.EFORBIDDEN, "%s recorded the conclusion on case %s: a second officer verifies it", actor.ID, c.ID)
		}
		author, err := s.officerIn(ctx, tx, closing.Author)
		if err != nil {
			return err
		}
		if author.Agency != actor.Agency {
			return cases.Errorf(cases.EFORBIDDEN, "the conclusion on case %s is %s's: an officer of %s verifies it", c.ID, author.Agency, author.Agency)
		}
		if a.Decision.CandidateID != "" && a.Decision.SearchID == "" {
			a.Decision.SearchID = closing.Decision.SearchID
		}
		if err := s.candidateOf(ctx, tx, c, a.Decision); err != nil {
			return err
		}
		a.Kind, a.Concerns = cases.AnnVerification, closing.ID
		if a.Decision.Same(closing.Decision) {
			return decide(c, actor, a)
		}
		return nil // disagreement: a supervisor resolves it
	})
}

// ResolveExamination implements cases.ExaminationService.
func (s *CaseService) ResolveExamination(ctx context.Context, actor cases.Officer, caseID string, d cases.Decision) (*cases.Annotation, error) {
	if !actor.Has(cases.RoleSupervisor) {
		return nil, cases.Errorf(cases.EFORBIDDEN, "only a supervisor resolves an examination; %s is not one", actor.ID)
	}
	if !d.Conclusion.Closing() {
		return nil, cases.Errorf(cases.EINVALID, "a resolution decides an identification of one candidate or no identification among the candidates")
	}
	return s.examine(ctx, actor, caseID, d, func(tx *sql.Tx, c *cases.Case, ex cases.Examination, a *cases.Annotation) error {
		if ex.Closing == nil {
			return cases.Errorf(cases.EINVALID, "case %s has no closing conclusion to resolve", c.ID)
		}
		if ex.State == cases.ExamAwaitVerify {
			return cases.Errorf(cases.EINVALID, "the conclusion on case %s awaits its verification; a supervisor resolves a disagreement or overturns a decided examination", c.ID)
		}
		if a.Decision.CandidateID != "" && a.Decision.SearchID == "" {
			a.Decision.SearchID = ex.Closing.Decision.SearchID
		}
		if err := s.candidateOf(ctx, tx, c, a.Decision); err != nil {
			return err
		}
		a.Kind, a.Concerns = cases.AnnResolution, ex.Closing.ID
		return decide(c, actor, a)
	})
}
