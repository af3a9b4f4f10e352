package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/enlace-desk/enlace/cases"
)

// newEvent builds a local event authored by actor, stamped and signed.
func (s *DB) newEvent(actor cases.Officer, kind cases.EventKind, caseID string, sharedWith []string, payload any) (cases.Event, error) {
	body, err := json.Marshal(payload)
	if err != nil {
		return cases.Event{}, cases.Wrap(cases.EINTERNAL, err, "cannot encode a %s event", kind)
	}
	ev := cases.Event{
		ID:         s.ids.New(),
		Author:     actor.ID,
		Device:     s.device,
		HLC:        s.hlc.Now(),
		Kind:       kind,
		CaseID:     caseID,
		Agency:     actor.Agency,
		SharedWith: sharedWith,
		Payload:    body,
	}
	if s.signer != nil {
		sig, err := s.signer.Sign(actor.ID, ev.SigningBytes())
		if err != nil {
			return cases.Event{}, cases.Wrap(cases.EINTERNAL, err, "cannot sign the change as %s", actor.ID)
		}
		ev.Signature = sig
	}
	return ev, nil
}

// record applies ev to the tables and appends it to the event log, inside tx.
// It is the only way anything in the store changes. Every event but the
// desk-only seed.loaded is judged by the rule book first (cases.CheckEvent):
// the desk records nothing of its own, and applies nothing received, that
// breaks it.
func (s *DB) record(ctx context.Context, tx *sql.Tx, ev cases.Event, origin string) error {
	return s.recordAt(ctx, tx, ev, origin, 0)
}

// recordAt is record for an event the hub sequenced at seq (0 for the desk's
// own events): see checkEvent.
func (s *DB) recordAt(ctx context.Context, tx *sql.Tx, ev cases.Event, origin string, seq int64) error {
	if ev.Kind != cases.EventSeedLoaded {
		if err := s.checkEvent(ctx, tx, &ev, seq); err != nil {
			return err
		}
	}
	if err := s.apply(ctx, tx, ev); err != nil {
		return err
	}
	return insertEvent(ctx, tx, ev, origin)
}

// checkEvent judges ev by the rule book with what this desk holds: the
// author and assignees in its directory, the case's owner and sharing, and
// who owns the subject or encounter it writes. A received event the hub
// sequenced at seq (> 0) is judged by the case's sharing as the hub had it
// then (caseAsOf): a withdrawal the desk holds that came after it does not
// make it a forbidden write.
func (s *DB) checkEvent(ctx context.Context, tx *sql.Tx, ev *cases.Event, seq int64) error {
	rc := cases.RuleContext{Now: s.clock.Now(), Agreement: s.Agreement()}
	if o, err := s.officerIn(ctx, tx, ev.Author); err == nil {
		rc.Author = o
	} else if cases.ErrorCode(err) != cases.ENOTFOUND {
		return err
	}
	rc.Officer = func(id string) (*cases.Officer, bool) {
		o, err := s.officerIn(ctx, tx, id)
		return o, err == nil
	}
	if ev.CaseID != "" && ev.Kind != cases.EventCaseCreated {
		c, err := s.caseIn(ctx, tx, ev.CaseID)
		if err == nil {
			rc.Case = c
		} else if cases.ErrorCode(err) != cases.ENOTFOUND {
			return err
		}
		if rc.Case != nil && seq > 0 {
			then, ok, err := caseAsOf(ctx, tx, ev.CaseID, seq)
			if err != nil {
				return err
			}
			if ok {
				rc.Case = then
			}
		}
	}
	var probe struct{ ID string }
	switch ev.Kind {
	case cases.EventSubjectUpserted:
		if json.Unmarshal(ev.Payload, &probe) == nil && probe.ID != "" {
			err := tx.QueryRowContext(ctx, `SELECT owner_agency FROM subjects WHERE id = ?`, probe.ID).Scan(&rc.RecordOwner)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
	case cases.EventEncounterCreated:
		if json.Unmarshal(ev.Payload, &probe) == nil && probe.ID != "" {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM encounters WHERE id = ?`, probe.ID).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				rc.RecordOwner = "held"
			}
		}
	}
	return cases.CheckEvent(ev, rc)
}

func insertEvent(ctx context.Context, tx *sql.Tx, ev cases.Event, origin string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO events(id, author, device, hlc, kind, case_id, agency, shared_with, payload, signature, origin)
		VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ev.ID, ev.Author, ev.Device, ev.HLC.String(), string(ev.Kind), ev.CaseID, ev.Agency,
		strings.Join(ev.SharedWith, ","), ev.Payload, nonNil(ev.Signature), origin)
	return err
}

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// apply records one event in the tables it feeds. Case events only add
// rows (the case, its annotations); every projected field of a touched case
// is recomputed from its events by projectCases before the transaction
// commits (see write), so the tables never depend on the order events came in.
func (s *DB) apply(ctx context.Context, tx *sql.Tx, ev cases.Event) error {
	if ev.CaseID != "" {
		s.touchedCases[ev.CaseID] = true
	}
	switch ev.Kind {
	case cases.EventCaseCreated:
		var p cases.CaseCreated
		if err := decode(ev, &p); err != nil {
			return err
		}
		if p.Case.ID != ev.CaseID {
			return cases.Errorf(cases.EINVALID, "event %s: case.created for %q names case %q in its payload", ev.ID, ev.CaseID, p.Case.ID)
		}
		return insertCase(ctx, tx, &p.Case, ev)
	case cases.EventCaseUpdated:
		var p cases.CaseUpdated
		if err := decode(ev, &p); err != nil {
			return err
		}
		if p.Due != nil && *p.Due != "" {
			if _, err := time.Parse(time.RFC3339, *p.Due); err != nil {
				return cases.Errorf(cases.EINVALID, "event %s: due date %q is not RFC 3339", ev.ID, *p.Due)
			}
		}
		return nil
	case cases.EventAnnotationAdded:
		var a cases.Annotation
		if err := decode(ev, &a); err != nil {
			return err
		}
		if a.CaseID != ev.CaseID {
			return cases.Errorf(cases.EINVALID, "event %s: annotation for case %q arrived as an event of case %q", ev.ID, a.CaseID, ev.CaseID)
		}
		return insertAnnotation(ctx, tx, &a, ev)
	case cases.EventSubjectUpserted:
		var sub cases.Subject
		if err := decode(ev, &sub); err != nil {
			return err
		}
		keys, err := upsertSubject(ctx, tx, &sub)
		if err == nil {
			s.freq.added(keys)
			s.changedSubjects = append(s.changedSubjects, sub.ID)
		}
		return err
	case cases.EventEncounterCreated:
		var e cases.Encounter
		if err := decode(ev, &e); err != nil {
			return err
		}
		return insertEncounter(ctx, tx, &e)
	case cases.EventConflictResolved:
		var r cases.ConflictResolution
		return decode(ev, &r)
	case cases.EventSeedLoaded:
		return nil // the seed's rows are written beside its event
	case cases.EventReferencePublished, cases.EventFollowUpRequested, cases.EventFollowUpDeclined, cases.EventDisclosureMade:
		return s.applyExchange(ctx, tx, ev)
	}
	return cases.Errorf(cases.EINVALID, "event %s: unknown kind %q", ev.ID, ev.Kind)
}

func decode(ev cases.Event, v any) error {
	if err := json.Unmarshal(ev.Payload, v); err != nil {
		return cases.Errorf(cases.EINVALID, "event %s (%s): payload is not valid: %v", ev.ID, ev.Kind, err)
	}
	return nil
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

// insertCase adds a case's row as created; projectCases fills in the rest.
func insertCase(ctx context.Context, tx *sql.Tx, c *cases.Case, ev cases.Event) error {
	stamp := ev.HLC.String()
	_, err := tx.ExecContext(ctx, `INSERT INTO cases(id, title, status, priority, owner_agency, shared_with, assignee, created, updated, due, encounter_id, version, conflict, title_hlc, priority_hlc, due_hlc)
		VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)`,
		c.ID, c.Title, string(c.Status), int(c.Priority), ev.Agency, strings.Join(c.SharedWith, ","), c.Assignee,
		ms(c.Created), ms(c.Updated), ms(c.Due), c.EncounterID, c.Version, stamp, stamp, stamp)
	if err != nil {
		return fmt.Errorf("case %s: %w", c.ID, err)
	}
	return nil
}

func insertAnnotation(ctx context.Context, tx *sql.Tx, a *cases.Annotation, ev cases.Event) error {
	var decision string
	if a.Decision != nil {
		b, err := json.Marshal(a.Decision)
		if err != nil {
			return err
		}
		decision = string(b)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO annotations(id, case_id, kind, author, at, text, supersedes, from_status, to_status, base_version, assignee, priority, decision, event_id, subject_id, replaces, concerns)
		VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.CaseID, string(a.Kind), a.Author, ms(a.At), a.Text, a.Supersedes, string(a.FromStatus), string(a.ToStatus),
		a.BaseVersion, a.Assignee, int(a.Priority), decision, ev.ID, a.SubjectID, a.Replaces, a.Concerns)
	if err != nil {
		return fmt.Errorf("annotation %s on case %s: %w", a.ID, a.CaseID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("annotation %s on case %s was not stored", a.ID, a.CaseID)
	}
	return nil
}

// Events returns the local event log from seq after (exclusive), up to limit.
func (s *DB) Events(ctx context.Context, after int64, limit int) ([]cases.Event, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+eventColumns+` FROM events e WHERE e.seq > ? ORDER BY e.seq LIMIT ?`, after, limit)
	if err != nil {
		return nil, storageErr(err, "cannot read the event log")
	}
	defer rows.Close()
	var out []cases.Event
	for rows.Next() {
		ev, err := scanEvent(rows)
		if err != nil {
			return nil, storageErr(err, "cannot read the event log")
		}
		out = append(out, ev)
	}
	return out, storageErr(rows.Err(), "cannot read the event log")
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// eventColumns are the columns scanEvent reads, from events aliased e.
const eventColumns = `e.id, e.author, e.device, e.hlc, e.kind, e.case_id, e.agency, e.shared_with, e.payload, e.signature`

// scanEvent reads one row of eventColumns.
func scanEvent(row interface{ Scan(...any) error }) (cases.Event, error) {
	var ev cases.Event
	var hlc, kind, shared string
	if err := row.Scan(&ev.ID, &ev.Author, &ev.Device, &hlc, &kind, &ev.CaseID, &ev.Agency, &shared, &ev.Payload, &ev.Signature); err != nil {
		return ev, err
	}
	ev.Kind, ev.SharedWith = cases.EventKind(kind), splitList(shared)
	var err error
	ev.HLC, err = cases.ParseHLC(hlc)
	return ev, err
}
