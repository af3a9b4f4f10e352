package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/enlace-desk/enlace/cases"
)

// SyncAck is the hub's answer for one event the desk pushed.
type SyncAck struct {
	EventID  string
	Seq      int64 // the hub's sequence number; 0 when rejected
	Conflict bool  // a status move the hub found in conflict
	Rejected bool
	Code     string // for a rejection: a cases.E* code
	Error    string // for a rejection: why
}

// SyncEvent is one event pulled from the hub, already verified.
type SyncEvent struct {
	Seq      int64
	Conflict bool
	Event    cases.Event
}

// Unsent returns up to limit local events the hub has not answered yet, in
// the order the desk made them. Seed events and refused events never return.
func (s *Store) Unsent(ctx context.Context, limit int) ([]cases.Event, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+eventColumns+`
		FROM events e WHERE e.origin = 'local' AND NOT EXISTS (SELECT 1 FROM event_sync x WHERE x.event_id = e.id)
		ORDER BY e.seq LIMIT ?`, limit)
	if err != nil {
		return nil, storageErr(err, "cannot read the events waiting to be sent")
	}
	defer rows.Close()
	var out []cases.Event
	for rows.Next() {
		ev, err := scanEvent(rows)
		if err != nil {
			return nil, storageErr(err, "cannot read the events waiting to be sent")
		}
		out = append(out, ev)
	}
	return out, storageErr(rows.Err(), "cannot read the events waiting to be sent")
}

// Pending counts the local events the hub has not answered yet.
func (s *Store) Pending(ctx context.Context) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM events e WHERE e.origin = 'local' AND NOT EXISTS (SELECT 1 FROM event_sync x WHERE x.event_id = e.id)`).Scan(&n)
	return n, storageErr(err, "cannot count the events waiting to be sent")
}

// Conflicts counts the cases in conflict awaiting a supervisor.
func (s *Store) Conflicts(ctx context.Context) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM cases WHERE conflict != 0`).Scan(&n)
	return n, storageErr(err, "cannot count the cases in conflict")
}

// Rejections lists the desk's events the hub refused, newest first.
func (s *Store) Rejections(ctx context.Context, limit int) ([]SyncAck, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT event_id, code, error FROM event_sync WHERE state = 'rejected' ORDER BY at DESC LIMIT ?`, limit)
	if err != nil {
		return nil, storageErr(err, "cannot read refused events")
	}
	defer rows.Close()
	var out []SyncAck
	for rows.Next() {
		a := SyncAck{Rejected: true}
		if err := rows.Scan(&a.EventID, &a.Code, &a.Error); err != nil {
			return nil, storageErr(err, "cannot read refused events")
		}
		out = append(out, a)
	}
	return out, storageErr(rows.Err(), "cannot read refused events")
}

// Acknowledge records the hub's answers to a push, and re-projects the status
// of any case where the hub found a status move in conflict.
func (s *Store) Acknowledge(ctx context.Context, acks []SyncAck) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		touched := map[string]bool{}
		for _, a := range acks {
			caseID, known, err := eventCase(ctx, tx, a.EventID)
			if err != nil {
				return err
			}
			if !known {
				return cases.Errorf(cases.EINVALID, "the hub acknowledged event %s, which this desk never made", a.EventID)
			}
			if err := s.markSynced(ctx, tx, a); err != nil {
				return err
			}
			if caseID != "" {
				touched[caseID] = true
			}
		}
		return reprojectCases(ctx, tx, touched)
	})
	if err == nil && slices.ContainsFunc(acks, func(a SyncAck) bool { return a.Conflict || a.Rejected }) {
		s.generation.Add(1) // a status may have moved back
	}
	return storageErr(err, "cannot record the hub's answers")
}

func eventCase(ctx context.Context, tx *sql.Tx, id string) (string, bool, error) {
	var caseID string
	err := tx.QueryRowContext(ctx, `SELECT case_id FROM events WHERE id = ?`, id).Scan(&caseID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return caseID, err == nil, err
}

func (s *Store) markSynced(ctx context.Context, tx *sql.Tx, a SyncAck) error {
	state := "stored"
	if a.Rejected {
		state = "rejected"
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO event_sync(event_id, state, seq, conflict, code, error, at) VALUES(?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(event_id) DO UPDATE SET state = excluded.state, seq = excluded.seq, conflict = excluded.conflict, code = excluded.code, error = excluded.error`,
		a.EventID, state, a.Seq, boolInt(a.Conflict), a.Code, a.Error, s.clock.Now().UnixMilli())
	return err
}

// SyncCursor returns the pull cursor: the position after the last page applied.
func (s *Store) SyncCursor(ctx context.Context) (int64, error) {
	v, err := getMeta(ctx, s.r, "sync_cursor")
	if err != nil || v == "" {
		return 0, storageErr(err, "cannot read the sync cursor")
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, cases.Errorf(cases.ESTORAGE, "the sync cursor %q in the data file is damaged", v)
	}
	return n, nil
}

// ApplyRemote applies events pulled from the hub and moves the cursor to
// next, in one transaction. An event the desk already holds (its own, or one
// seen before) is not applied again; its sequence and conflict verdict are
// recorded. An event for a case the desk does not hold yet is kept aside and
// applied when the case arrives.
func (s *Store) ApplyRemote(ctx context.Context, evs []SyncEvent, next int64) error {
	batch := slices.Clone(evs)
	// Cases first, so their annotations find them within one page.
	slices.SortStableFunc(batch, func(a, b SyncEvent) int {
		ac, bc := a.Event.Kind == cases.EventCaseCreated, b.Event.Kind == cases.EventCaseCreated
		switch {
		case ac && !bc:
			return -1
		case bc && !ac:
			return 1
		case a.Seq < b.Seq:
			return -1
		case a.Seq > b.Seq:
			return 1
		}
		return 0
	})
	err := s.write(ctx, func(tx *sql.Tx) error {
		touched := map[string]bool{}
		for _, d := range batch {
			ev := d.Event
			_, held, err := eventCase(ctx, tx, ev.ID)
			if err != nil {
				return err
			}
			if !held {
				s.hlc.Observe(ev.HLC)
				if err := s.applyRemote(ctx, tx, ev); err != nil {
					return err
				}
			}
			if err := s.markSynced(ctx, tx, SyncAck{EventID: ev.ID, Seq: d.Seq, Conflict: d.Conflict}); err != nil {
				return err
			}
			if ev.CaseID != "" {
				touched[ev.CaseID] = true
			}
		}
		if err := reprojectCases(ctx, tx, touched); err != nil {
			return err
		}
		return setMeta(ctx, tx, "sync_cursor", strconv.FormatInt(next, 10))
	})
	if err == nil && len(evs) > 0 {
		s.generation.Add(1)
	}
	return storageErr(err, "cannot apply the events received from the exchange")
}

// applyRemote records one remote event, or parks it until its case arrives.
func (s *Store) applyRemote(ctx context.Context, tx *sql.Tx, ev cases.Event) error {
	if ev.CaseID != "" && ev.Kind != cases.EventCaseCreated {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM cases WHERE id = ?`, ev.CaseID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			if err := insertEvent(ctx, tx, ev, "remote"); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO event_parked(event_id, case_id) VALUES(?, ?)`, ev.ID, ev.CaseID)
			return err
		}
	}
	if err := s.record(ctx, tx, ev, "remote"); err != nil {
		return cases.Wrap(cases.EINVALID, err, "event %s (%s) from %s cannot be applied", ev.ID, ev.Kind, ev.Author)
	}
	if ev.Kind == cases.EventCaseCreated {
		return s.unpark(ctx, tx, ev.CaseID)
	}
	return nil
}

// unpark applies the events that waited for a case, in hub order.
func (s *Store) unpark(ctx context.Context, tx *sql.Tx, caseID string) error {
	rows, err := tx.QueryContext(ctx, `SELECT `+eventColumns+`
		FROM event_parked p JOIN events e ON e.id = p.event_id LEFT JOIN event_sync x ON x.event_id = e.id
		WHERE p.case_id = ? ORDER BY coalesce(x.seq, 0), e.seq`, caseID)
	if err != nil {
		return err
	}
	var parked []cases.Event
	for rows.Next() {
		ev, err := scanEvent(rows)
		if err != nil {
			rows.Close()
			return err
		}
		parked = append(parked, ev)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, ev := range parked {
		if err := s.apply(ctx, tx, ev); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM event_parked WHERE event_id = ?`, ev.ID); err != nil {
			return err
		}
	}
	return nil
}

// reprojectCases recomputes status, version and conflict of each case from its
// status moves with cases.ProjectStatus, the rule every desk shares.
func reprojectCases(ctx context.Context, tx *sql.Tx, ids map[string]bool) error {
	for id := range ids {
		var created []byte
		err := tx.QueryRowContext(ctx, `SELECT payload FROM events WHERE case_id = ? AND kind = ?`, id, string(cases.EventCaseCreated)).Scan(&created)
		if errors.Is(err, sql.ErrNoRows) {
			continue // parked: the case has not arrived
		}
		if err != nil {
			return err
		}
		var cc cases.CaseCreated
		if err := json.Unmarshal(created, &cc); err != nil {
			return cases.Errorf(cases.ESTORAGE, "case %s: its creation event is damaged", id)
		}
		rows, err := tx.QueryContext(ctx, `SELECT e.kind, e.payload, e.seq, coalesce(x.seq, 0), coalesce(x.conflict, 0), coalesce(x.state, ''), e.origin
			FROM events e LEFT JOIN event_sync x ON x.event_id = e.id
			WHERE e.case_id = ? AND e.kind IN (?, ?) AND e.id NOT IN (SELECT event_id FROM event_parked)`,
			id, string(cases.EventAnnotationAdded), string(cases.EventConflictResolved))
		if err != nil {
			return err
		}
		var moves []cases.StatusMove
		for rows.Next() {
			var kind, state, origin string
			var payload []byte
			var local, seq int64
			var conflict int
			if err := rows.Scan(&kind, &payload, &local, &seq, &conflict, &state, &origin); err != nil {
				rows.Close()
				return err
			}
			if state == "rejected" {
				continue // the hub refused it: it moves nothing anywhere
			}
			m := cases.StatusMove{Seed: origin == "seed", Seq: seq, Local: local, Conflict: conflict != 0}
			switch cases.EventKind(kind) {
			case cases.EventConflictResolved:
				var r cases.ConflictResolution
				if json.Unmarshal(payload, &r) != nil {
					continue
				}
				m.To, m.Resolution = r.Status, true
			default:
				var a cases.Annotation
				if json.Unmarshal(payload, &a) != nil || a.ToStatus == "" {
					continue
				}
				m.To = a.ToStatus
			}
			moves = append(moves, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		status, version, conflict := cases.ProjectStatus(cc.Case.Status, cc.Case.Version, moves)
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET status = ?, version = ?, conflict = ? WHERE id = ?`, string(status), version, boolInt(conflict), id); err != nil {
			return err
		}
	}
	return nil
}

// ResolveConflict settles a case in conflict: a supervisor picks the status it
// should have. The resolution is itself an event.
func (s *Store) ResolveConflict(ctx context.Context, actor cases.Officer, caseID string, status cases.Status, reason string) error {
	if !actor.Has(cases.RoleSupervisor) {
		return cases.Errorf(cases.EFORBIDDEN, "only a supervisor can resolve a conflict")
	}
	if strings.TrimSpace(reason) == "" {
		return cases.Errorf(cases.EINVALID, "say why the case takes this status")
	}
	if !slices.Contains(cases.Statuses, status) {
		return cases.Errorf(cases.EINVALID, "%q is not a status", status)
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		c, err := s.caseIn(ctx, tx, caseID)
		if err != nil {
			return err
		}
		if err := canAct(actor, c); err != nil {
			return err
		}
		if !c.Conflict {
			return cases.Errorf(cases.EINVALID, "case %s is not in conflict", c.ID)
		}
		ev, err := s.newEvent(actor, cases.EventConflictResolved, c.ID, nil, cases.ConflictResolution{CaseID: c.ID, Status: status, Reason: strings.TrimSpace(reason)})
		if err != nil {
			return err
		}
		if err := s.record(ctx, tx, ev, "local"); err != nil {
			return err
		}
		return reprojectCases(ctx, tx, map[string]bool{c.ID: true})
	})
	return storageErr(err, "cannot resolve the conflict on case %s", caseID)
}

// SeededCase is a case loaded from demo data, as the hub must be told of it.
type SeededCase struct {
	ID         string
	Owner      string
	SharedWith []string
	Status     cases.Status
	Version    int
}

// SeededCases lists the cases the demo seed created, with their current
// status and version, so an exchange hub can be told of them: every demo desk
// loads the same seed, and seed events never travel.
func (s *Store) SeededCases(ctx context.Context) ([]SeededCase, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT c.id, c.owner_agency, c.shared_with, c.status, c.version FROM cases c
		JOIN events e ON e.case_id = c.id AND e.kind = ? AND e.origin = 'seed' ORDER BY c.id`, string(cases.EventCaseCreated))
	if err != nil {
		return nil, storageErr(err, "cannot list the seeded cases")
	}
	defer rows.Close()
	var out []SeededCase
	for rows.Next() {
		var c SeededCase
		var shared, status string
		if err := rows.Scan(&c.ID, &c.Owner, &shared, &status, &c.Version); err != nil {
			return nil, storageErr(err, "cannot list the seeded cases")
		}
		c.SharedWith, c.Status = splitList(shared), cases.Status(status)
		out = append(out, c)
	}
	return out, storageErr(rows.Err(), "cannot list the seeded cases")
}
