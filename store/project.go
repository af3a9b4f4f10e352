package store

import (
	"context"
	"database/sql"
	"sort"
	"strings"

	"github.com/enlace-desk/enlace/cases"
)

// caseFacts reads every event of a case the desk holds (not those parked
// until the case arrives) with the hub's answers, for cases.ProjectCase.
func caseFacts(ctx context.Context, q querier, caseID string) ([]cases.CaseFact, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+eventColumns+`, e.seq, coalesce(x.seq, 0), coalesce(x.conflict, 0), coalesce(x.state, ''), e.origin
		FROM events e LEFT JOIN event_sync x ON x.event_id = e.id
		WHERE e.case_id = ? AND NOT EXISTS (SELECT 1 FROM event_parked p WHERE p.event_id = e.id)
			AND NOT EXISTS (SELECT 1 FROM event_quarantine q WHERE q.event_id = e.id)
		ORDER BY e.seq`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []cases.CaseFact
	for rows.Next() {
		var f cases.CaseFact
		var hlc, kind, shared, state, origin string
		var conflict int
		ev := &f.Event
		if err := rows.Scan(&ev.ID, &ev.Author, &ev.Device, &hlc, &kind, &ev.CaseID, &ev.Agency, &shared, &ev.Payload, &ev.Signature,
			&f.Local, &f.Seq, &conflict, &state, &origin); err != nil {
			return nil, err
		}
		ev.Kind, ev.SharedWith = cases.EventKind(kind), splitList(shared)
		if ev.HLC, err = cases.ParseHLC(hlc); err != nil {
			return nil, err
		}
		f.Conflict, f.Rejected, f.Seed = conflict != 0, state == "rejected", origin == "seed"
		out = append(out, f)
	}
	return out, rows.Err()
}

// projectCase computes a case from its events (cases.ProjectCase).
// under the agreement in force (its verification rule).
func (s *DB) projectCase(ctx context.Context, q querier, caseID string) (cases.CaseProjection, bool, error) {
	facts, err := caseFacts(ctx, q, caseID)
	if err != nil {
		return cases.CaseProjection{}, false, err
	}
	p, ok := cases.ProjectCaseWith(facts, s.Agreement().Verification())
	return p, ok, nil
}

// caseAsOf is the case as the hub had it just before it sequenced the event
// numbered seq: projected from the events the desk holds that the hub
// sequenced before it. The hub delivers a case's events to its owner, and a
// newly shared agency its history first, in sequence order, so the desk holds
// every sharing change made before seq. ok is false when it holds none of the
// case's sequenced history.
func caseAsOf(ctx context.Context, q querier, caseID string, seq int64) (*cases.Case, bool, error) {
	facts, err := caseFacts(ctx, q, caseID)
	if err != nil {
		return nil, false, err
	}
	before := facts[:0]
	for _, f := range facts {
		if f.Seed || (f.Seq > 0 && f.Seq < seq) {
			before = append(before, f)
		}
	}
	p, ok := cases.ProjectCase(before)
	if !ok {
		return nil, false, nil
	}
	return &p.Case, true, nil
}

// projectCases rewrites every projected field of the given cases from their
// events: the row, the assignees, the linked subjects and the overridden
// marks. It runs in the transaction that changed them.
func (s *DB) projectCases(ctx context.Context, tx *sql.Tx, ids map[string]bool) error {
	list := make([]string, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	sort.Strings(list)
	for _, id := range list {
		p, ok, err := s.projectCase(ctx, tx, id)
		if err != nil {
			return err
		}
		if !ok {
			continue // parked: the case has not arrived
		}
		c := &p.Case
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET title = ?, status = ?, priority = ?, shared_with = ?, assignee = ?,
			updated = ?, due = ?, encounter_id = ?, version = ?, conflict = ?, examination = ? WHERE id = ?`,
			c.Title, string(c.Status), int(c.Priority), strings.Join(c.SharedWith, ","), c.Assignee,
			ms(c.Updated), ms(c.Due), c.EncounterID, c.Version, boolInt(c.Conflict), string(c.Examination), id); err != nil {
			return err
		}
		for _, stmt := range []string{`DELETE FROM case_assignees WHERE case_id = ?`, `DELETE FROM case_subjects WHERE case_id = ?`, `DELETE FROM annotation_overridden WHERE case_id = ?`} {
			if _, err := tx.ExecContext(ctx, stmt, id); err != nil {
				return err
			}
		}
		for agency, officer := range c.Assignees {
			if _, err := tx.ExecContext(ctx, `INSERT INTO case_assignees(case_id, agency, officer) VALUES(?, ?, ?)`, id, agency, officer); err != nil {
				return err
			}
		}
		for _, sid := range c.SubjectIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO case_subjects(case_id, subject_id) VALUES(?, ?)`, id, sid); err != nil {
				return err
			}
		}
		for aid := range p.Overridden {
			if _, err := tx.ExecContext(ctx, `INSERT INTO annotation_overridden(annotation_id, case_id) VALUES(?, ?)`, aid, id); err != nil {
				return err
			}
		}
	}
	return nil
}
