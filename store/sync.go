package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/enlace-desk/enlace/cases"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
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
	Received time.Time // when the hub received it; zero if the hub did not say
	Event    cases.Event
}

// Unsent returns up to limit local events the hub has not answered yet, in
// the order the desk made them. Seed events and refused events never return.
func (s *SyncService) Unsent(ctx context.Context, limit int) ([]cases.Event, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+eventColumns+`
		FROM event_outbox o JOIN events e ON e.seq = o.seq
		ORDER BY o.seq LIMIT ?`, limit)
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
func (s *SyncService) Pending(ctx context.Context) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM event_outbox`).Scan(&n)
	return n, storageErr(err, "cannot count the events waiting to be sent")
}

// SyncCounts are the numbers the status bar and `enlace sync` show of a
// desk's sync.
type SyncCounts struct {
	Pending     int // local events the hub has not answered
	Conflicts   int // cases in conflict awaiting a supervisor
	Rejected    int // local events the hub refused
	Quarantined int // received events the desk could not apply
}

// Counts reads them in one read.
func (s *SyncService) Counts(ctx context.Context) (SyncCounts, error) {
	var c SyncCounts
	err := s.r.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM event_outbox),
		(SELECT count(*) FROM cases WHERE conflict != 0),
		(SELECT count(*) FROM event_sync WHERE state = 'rejected'),
		(SELECT count(*) FROM event_quarantine)`).Scan(&c.Pending, &c.Conflicts, &c.Rejected, &c.Quarantined)
	return c, storageErr(err, "cannot count the events waiting, refused and quarantined")
}

// Rejections lists the desk's events the hub refused, newest first.
func (s *SyncService) Rejections(ctx context.Context, limit int) ([]SyncAck, error) {
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
func (s *SyncService) Acknowledge(ctx context.Context, acks []SyncAck) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		// An acknowledged move stands as the desk already showed it; a
		// conflict or a refusal may move a status back, behind the
		// officer's back.
		s.outside = &outsideChange{onlyCases: map[string]bool{}}
		for _, a := range acks {
			caseID, known, err := eventCase(ctx, tx, a.EventID)
			if err != nil {
				return err
			}
			if !known {
				return cases.Errorf(cases.EINVALID, "the hub acknowledged event %s, which this desk never made", a.EventID)
			}
			if _, err := s.markSynced(ctx, tx, a); err != nil {
				return err
			}
			if caseID != "" {
				s.touchedCases[caseID] = true
				if a.Conflict || a.Rejected {
					s.outside.onlyCases[caseID] = true
				}
			}
		}
		return nil
	})
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

// markSynced records the hub's answer for one event and reports whether it
// differs from the answer recorded before (the pull echoes the desk's own
// events with the verdicts their push already received).
func (s *SyncService) markSynced(ctx context.Context, tx *sql.Tx, a SyncAck) (bool, error) {
	state := "stored"
	if a.Rejected {
		state = "rejected"
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO event_sync(event_id, state, seq, conflict, code, error, at) VALUES(?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(event_id) DO UPDATE SET state = excluded.state, seq = excluded.seq, conflict = excluded.conflict, code = excluded.code, error = excluded.error
		WHERE state IS NOT excluded.state OR seq IS NOT excluded.seq OR conflict IS NOT excluded.conflict OR code IS NOT excluded.code OR error IS NOT excluded.error`,
		a.EventID, state, a.Seq, boolInt(a.Conflict), a.Code, a.Error, s.clock.Now().UnixMilli())
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// LastSynced is when the desk last completed a sync round, as NoteSynced
// recorded it (the zero time when it never did): the status bar's "synced
// 3 min ago" from the moment the workstation starts, before its own first
// round.
func (s *SyncService) LastSynced(ctx context.Context) (time.Time, error) {
	v, err := getMeta(ctx, s.r, "last_sync")
	if err != nil || v == "" {
		return time.Time{}, storageErr(err, "cannot read when the desk last synced")
	}
	ms, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return time.Time{}, cases.Errorf(cases.ESTORAGE, "the last sync time %q in the data file is damaged", v)
	}
	return time.UnixMilli(ms), nil
}

// NoteSynced records that a sync round completed at at (see LastSynced).
func (s *SyncService) NoteSynced(ctx context.Context, at time.Time) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		return setMeta(ctx, tx, "last_sync", strconv.FormatInt(at.UnixMilli(), 10))
	})
	return storageErr(err, "cannot record when the desk synced")
}

// SyncCursor returns the pull cursor: the position after the last page applied.
func (s *SyncService) SyncCursor(ctx context.Context) (int64, error) {
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
func (s *SyncService) ApplyRemote(ctx context.Context, evs []SyncEvent, next int64) error {
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
		s.outside = &outsideChange{}
		for _, d := range batch {
			ev := d.Event
			_, held, err := eventCase(ctx, tx, ev.ID)
			if err != nil {
				return err
			}
			if !held {
				quarantined, err := s.applyOrQuarantine(ctx, tx, d)
				if err != nil {
					return err
				}
				if quarantined {
					continue
				}
				if err := s.logReceived(ctx, tx, ev); err != nil {
					return err
				}
				if ev.CaseID == "" {
					s.outside.other = true // an encounter, a request, a disclosure...
				}
			}
			changed, err := s.markSynced(ctx, tx, SyncAck{EventID: ev.ID, Seq: d.Seq, Conflict: d.Conflict})
			if err != nil {
				return err
			}
			// The desk's own event echoed with the verdict its push
			// already received changes nothing: its case is not projected
			// again, and no screen reloads.
			if ev.CaseID != "" && (changed || !held) {
				s.touchedCases[ev.CaseID] = true
			}
			if ev.Kind == cases.EventFollowUpRequested && !d.Received.IsZero() {
				if err := stampReceived(ctx, tx, ev.ID, d.Received); err != nil {
					return err
				}
			}
		}
		return setMeta(ctx, tx, "sync_cursor", strconv.FormatInt(next, 10))
	})
	return storageErr(err, "cannot apply the events received from the exchange")
}

// applyOrQuarantine applies one received event; when the event itself is at
// fault (it does not decode, breaks a rule, collides with a record held here,
// or is stamped too far ahead), it is kept in quarantine with the reason
// instead, and sync goes on past it. A failure of the store itself (a full
// disk) still fails the whole page, which is pulled again later.
func (s *SyncService) applyOrQuarantine(ctx context.Context, tx *sql.Tx, d SyncEvent) (bool, error) {
	ev := d.Event
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM event_quarantine WHERE event_id = ?`, ev.ID).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return true, nil
	}
	var reason error
	if limit := s.clock.Now().Add(cases.MaxClockSkew); ev.HLC.Time().After(limit) {
		reason = cases.Errorf(cases.EINVALID, "stamped %s, more than %s ahead of this desk's clock", ev.HLC.Time().Format(time.RFC3339), cases.MaxClockSkew)
	}
	if reason == nil {
		if _, err := tx.ExecContext(ctx, `SAVEPOINT remote_event`); err != nil {
			return false, err
		}
		err := s.applyRemote(ctx, tx, ev, d.Seq)
		if err == nil {
			_, err = tx.ExecContext(ctx, `RELEASE remote_event`)
			if err == nil {
				s.hlc.Observe(ev.HLC)
			}
			return false, err
		}
		if fatalStorage(err) {
			return false, err
		}
		reason = err
		if _, err := tx.ExecContext(ctx, `ROLLBACK TO remote_event`); err != nil {
			return false, err
		}
		if _, err := tx.ExecContext(ctx, `RELEASE remote_event`); err != nil {
			return false, err
		}
		delete(s.touchedCases, ev.CaseID)
	}
	return true, s.quarantine(ctx, tx, ev, d.Seq, reason)
}

// quarantine keeps a received event this desk will not apply, with the reason.
func (s *SyncService) quarantine(ctx context.Context, tx *sql.Tx, ev cases.Event, seq int64, reason error) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO event_quarantine(event_id, seq, author, agency, kind, case_id, hlc, payload, reason, at)
		VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(event_id) DO NOTHING`, ev.ID, seq, ev.Author, ev.Agency, string(ev.Kind), ev.CaseID, ev.HLC.String(),
		nonNil(ev.Payload), cases.ErrorMessage(reason), s.clock.Now().UnixMilli())
	return err
}

// fatalStorage reports whether err is the store failing (full disk, I/O,
// a lock, cancellation) rather than the event being at fault.
func fatalStorage(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_CONSTRAINT, sqlite3.SQLITE_MISMATCH, sqlite3.SQLITE_TOOBIG, sqlite3.SQLITE_RANGE:
			return false
		}
		return true
	}
	return false
}

// Quarantined lists the received events this desk could not apply, newest
// first, with the reason.
func (s *SyncService) Quarantined(ctx context.Context, limit int) ([]cases.QuarantinedEvent, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT event_id, seq, author, agency, kind, case_id, hlc, reason, at, length(payload)
		FROM event_quarantine ORDER BY at DESC, seq DESC LIMIT ?`, limit)
	if err != nil {
		return nil, storageErr(err, "cannot read the quarantined events")
	}
	defer rows.Close()
	var out []cases.QuarantinedEvent
	for rows.Next() {
		var q cases.QuarantinedEvent
		var kind, hlc string
		var at int64
		if err := rows.Scan(&q.EventID, &q.Seq, &q.Author, &q.Agency, &kind, &q.CaseID, &hlc, &q.Reason, &at, &q.PayloadBytes); err != nil {
			return nil, storageErr(err, "cannot read the quarantined events")
		}
		q.Kind, q.At = cases.EventKind(kind), fromMS(at)
		q.Stamp, _ = cases.ParseHLC(hlc)
		out = append(out, q)
	}
	return out, storageErr(rows.Err(), "cannot read the quarantined events")
}

// applyRemote records one remote event, sequenced by the hub at seq, or parks
// it until its case arrives.
func (s *SyncService) applyRemote(ctx context.Context, tx *sql.Tx, ev cases.Event, seq int64) error {
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
	if err := s.recordAt(ctx, tx, ev, "remote", seq); err != nil {
		return cases.Wrap(cases.EINVALID, err, "event %s (%s) from %s cannot be applied", ev.ID, ev.Kind, ev.Author)
	}
	if ev.Kind == cases.EventCaseCreated {
		return s.unpark(ctx, tx, ev.CaseID)
	}
	return nil
}

// unpark applies the events that waited for a case, in hub order.
func (s *SyncService) unpark(ctx context.Context, tx *sql.Tx, caseID string) error {
	rows, err := tx.QueryContext(ctx, `SELECT `+eventColumns+`, coalesce(x.seq, 0)
		FROM event_parked p JOIN events e ON e.id = p.event_id LEFT JOIN event_sync x ON x.event_id = e.id
		WHERE p.case_id = ? ORDER BY coalesce(x.seq, 0), e.seq`, caseID)
	if err != nil {
		return err
	}
	type parkedEvent struct {
		ev  cases.Event
		seq int64
	}
	var parked []parkedEvent
	for rows.Next() {
		var p parkedEvent
		if p.ev, err = scanEvent(alsoScan{rows, &p.seq}); err != nil {
			rows.Close()
			return err
		}
		parked = append(parked, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, p := range parked {
		ev := p.ev
		if _, err := tx.ExecContext(ctx, `DELETE FROM event_parked WHERE event_id = ?`, ev.ID); err != nil {
			return err
		}
		// Judged now that its case is here; one that breaks the rules is
		// quarantined (it stays in the log, and the projection skips it).
		err := s.checkEvent(ctx, tx, &ev, p.seq)
		if err == nil {
			err = s.apply(ctx, tx, ev)
		}
		if err != nil {
			if fatalStorage(err) {
				return err
			}
			if err := s.quarantine(ctx, tx, ev, 0, err); err != nil {
				return err
			}
		}
	}
	return nil
}

// alsoScan scans a row whose last column goes to extra after the others.
type alsoScan struct {
	row   interface{ Scan(...any) error }
	extra any
}

func (a alsoScan) Scan(dest ...any) error { return a.row.Scan(append(dest, a.extra)...) }

// ResolveConflict settles a case in conflict: a supervisor picks the status it
// should have. The resolution is itself an event.
func (s *SyncService) ResolveConflict(ctx context.Context, actor cases.Officer, caseID string, status cases.Status, reason string) error {
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
		return s.record(ctx, tx, ev, "local")
	})
	return storageErr(err, "cannot resolve the conflict on case %s", caseID)
}
