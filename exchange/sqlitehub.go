package exchange

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/enlace-desk/enlace/cases"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver
)

// hubSchemaVersion is the version of the hub's SQLite schema (PRAGMA user_version).
const hubSchemaVersion = 1

const hubSchema = `
CREATE TABLE IF NOT EXISTS events (
	seq         INTEGER PRIMARY KEY,  -- the hub sequence number
	id          TEXT NOT NULL UNIQUE, -- the event's UUID: the idempotency key
	digest      BLOB NOT NULL,        -- SHA-256 of the signing bytes: tells a resend from a replay
	author      TEXT NOT NULL,
	device      TEXT NOT NULL,
	hlc         TEXT NOT NULL,
	kind        TEXT NOT NULL,
	case_id     TEXT NOT NULL,
	agency      TEXT NOT NULL,
	shared_with TEXT NOT NULL,
	payload     BLOB NOT NULL,
	signature   BLOB NOT NULL,
	conflict    INTEGER NOT NULL,     -- 1: a status move the hub found in conflict
	desk        TEXT NOT NULL,        -- the certificate common name of the desk that sent it
	received_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS events_case ON events(case_id, seq);
CREATE TABLE IF NOT EXISTS deliveries (
	pos       INTEGER PRIMARY KEY,   -- the cursor desks pull by; global, so gaps per agency are normal
	agency    TEXT NOT NULL,
	event_seq INTEGER NOT NULL REFERENCES events(seq)
);
CREATE INDEX IF NOT EXISTS deliveries_agency ON deliveries(agency, pos);
CREATE TABLE IF NOT EXISTS cases (
	id          TEXT PRIMARY KEY,
	owner       TEXT NOT NULL,
	shared_with TEXT NOT NULL,
	status      TEXT NOT NULL,
	version     INTEGER NOT NULL,
	conflict    INTEGER NOT NULL
);
`

// SQLiteHub is the hub's store in one SQLite file (WAL, synchronous=FULL: an
// acknowledged event survives a crash of the hub or the machine). Writers are
// serialised; pulls read concurrently.
type SQLiteHub struct {
	db     *sql.DB
	known  []string // the hub's agencies
	now    func() int64
	mu     sync.Mutex // one writer at a time
	closed bool
}

// OpenSQLiteHub opens (creating if needed) the hub database at path. agencies
// are the codes of the hub's agencies.
func OpenSQLiteHub(path string, agencies []string, clock cases.Clock) (*SQLiteHub, error) {
	if clock == nil {
		clock = cases.SystemClock{}
	}
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(ON)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, cases.Wrap(cases.ESTORAGE, err, "cannot open hub database %s", path)
	}
	db.SetMaxOpenConns(4)
	ctx := context.Background()
	var v int
	if err := db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
		db.Close()
		return nil, cases.Wrap(cases.ESTORAGE, err, "cannot read hub database %s", path)
	}
	if v > hubSchemaVersion {
		db.Close()
		return nil, cases.Errorf(cases.ESTORAGE, "hub database %s has schema version %d; this hub knows up to %d", path, v, hubSchemaVersion)
	}
	if _, err := db.ExecContext(ctx, hubSchema+fmt.Sprintf("PRAGMA user_version = %d;", hubSchemaVersion)); err != nil {
		db.Close()
		return nil, cases.Wrap(cases.ESTORAGE, err, "cannot create the hub schema in %s", path)
	}
	return &SQLiteHub{db: db, known: slices.Clone(agencies), now: func() int64 { return clock.Now().UnixMilli() }}, nil
}

// Close closes the database.
func (h *SQLiteHub) Close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	return h.db.Close()
}

func digestOf(ev *cases.Event) []byte {
	d := sha256.Sum256(ev.SigningBytes())
	return d[:]
}

// Accept implements HubStore.
func (h *SQLiteHub) Accept(ctx context.Context, desk DeskIdentity, evs []cases.Event) ([]Ack, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	tx, err := h.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, cases.Wrap(cases.ESTORAGE, err, "hub store")
	}
	defer tx.Rollback()
	prep := func(q string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var s *sql.Stmt
		s, err = tx.PrepareContext(ctx, q)
		return s
	}
	find := prep(`SELECT seq, digest, conflict FROM events WHERE id = ?`)
	insert := prep(`INSERT INTO events(id, digest, author, device, hlc, kind, case_id, agency, shared_with, payload, signature, conflict, desk, received_ms)
		VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	deliver := prep(`INSERT INTO deliveries(agency, event_seq) VALUES(?, ?)`)
	redeliver := prep(`INSERT INTO deliveries(agency, event_seq) SELECT ?, seq FROM events WHERE case_id = ? AND seq < ? ORDER BY seq`)
	loadCase := prep(`SELECT owner, shared_with, status, version, conflict FROM cases WHERE id = ?`)
	if err != nil {
		return nil, cases.Wrap(cases.ESTORAGE, err, "hub store")
	}
	states := map[string]*CaseState{}
	dirty := map[string]bool{}
	state := func(id string) (*CaseState, error) {
		if st, ok := states[id]; ok {
			return st, nil
		}
		var st CaseState
		var shared string
		err := loadCase.QueryRowContext(ctx, id).Scan(&st.Owner, &shared, &st.Status, &st.Version, &st.Conflict)
		if errors.Is(err, sql.ErrNoRows) {
			states[id] = nil
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		st.ID, st.SharedWith = id, splitList(shared)
		states[id] = &st
		return &st, nil
	}
	received := h.now()
	acks := make([]Ack, len(evs))
	for i := range evs {
		ev := &evs[i]
		acks[i].ID = ev.ID
		digest := digestOf(ev)
		var seq int64
		var old []byte
		var conflict bool
		switch err := find.QueryRowContext(ctx, ev.ID).Scan(&seq, &old, &conflict); {
		case err == nil:
			if bytes.Equal(old, digest) {
				acks[i] = Ack{ID: ev.ID, Status: AckDuplicate, Seq: seq, Conflict: conflict}
			} else {
				reject(&acks[i], eventErr(ev.ID, cases.ECONFLICT, "replay: the hub already holds a different event with this ID (seq %d)", seq))
			}
			continue
		case !errors.Is(err, sql.ErrNoRows):
			return nil, cases.Wrap(cases.ESTORAGE, err, "hub store")
		}
		var rcpt, added []string
		conflict = false
		var next *CaseState
		if caseKind(ev.Kind) {
			st, err := state(ev.CaseID)
			if err != nil {
				return nil, cases.Wrap(cases.ESTORAGE, err, "hub store")
			}
			a, aerr := admit(ev, st, h.known)
			if aerr != nil {
				reject(&acks[i], aerr)
				continue
			}
			next, conflict, added = &a.next, a.conflict, a.added
			rcpt = next.Agencies()
		} else {
			rcpt = recipients(ev, h.known)
		}
		res, err := insert.ExecContext(ctx, ev.ID, digest, ev.Author, ev.Device, ev.HLC.String(), string(ev.Kind), ev.CaseID,
			ev.Agency, strings.Join(ev.SharedWith, ","), ev.Payload, ev.Signature, conflict, desk.Desk, received)
		if err != nil {
			return nil, cases.Wrap(cases.ESTORAGE, err, "hub store: event %s", ev.ID)
		}
		if seq, err = res.LastInsertId(); err != nil {
			return nil, cases.Wrap(cases.ESTORAGE, err, "hub store")
		}
		for _, a := range rcpt {
			// An agency that can see the case from now on first receives
			// everything that came before, so its desks can build the case.
			if ev.Kind != cases.EventCaseCreated && slices.Contains(added, a) {
				if _, err := redeliver.ExecContext(ctx, a, ev.CaseID, seq); err != nil {
					return nil, cases.Wrap(cases.ESTORAGE, err, "hub store")
				}
			}
			if _, err := deliver.ExecContext(ctx, a, seq); err != nil {
				return nil, cases.Wrap(cases.ESTORAGE, err, "hub store")
			}
		}
		if next != nil {
			states[ev.CaseID] = next
			dirty[ev.CaseID] = true
		}
		acks[i] = Ack{ID: ev.ID, Status: AckStored, Seq: seq, Conflict: conflict}
	}
	for id := range dirty {
		st := states[id]
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO cases(id, owner, shared_with, status, version, conflict) VALUES(?, ?, ?, ?, ?, ?)`,
			id, st.Owner, strings.Join(st.SharedWith, ","), string(st.Status), st.Version, st.Conflict); err != nil {
			return nil, cases.Wrap(cases.ESTORAGE, err, "hub store: case %s", id)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, cases.Wrap(cases.ESTORAGE, err, "hub store: commit")
	}
	return acks, nil
}

func reject(a *Ack, err error) {
	a.Status = AckRejected
	a.Seq = 0
	a.Code = cases.ErrorCode(err)
	var ee *EventError
	if errors.As(err, &ee) {
		a.Code = ee.Code
	}
	a.Error = err.Error()
}

func splitList(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

func splitListNil(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// Pull implements HubStore.
func (h *SQLiteHub) Pull(ctx context.Context, agency string, after int64, limit int) (PullResponse, error) {
	if limit <= 0 || limit > MaxPullEvents {
		limit = MaxPullEvents
	}
	resp := PullResponse{Events: []WireDelivered{}, Next: after}
	rows, err := h.db.QueryContext(ctx, `SELECT d.pos, e.seq, e.conflict, e.id, e.author, e.device, e.hlc, e.kind, e.case_id, e.agency, e.shared_with, e.payload, e.signature
		FROM deliveries d JOIN events e ON e.seq = d.event_seq
		WHERE d.agency = ? AND d.pos > ? ORDER BY d.pos LIMIT ?`, agency, after, limit+1)
	if err != nil {
		return resp, cases.Wrap(cases.ESTORAGE, err, "hub store")
	}
	defer rows.Close()
	size := 0
	for rows.Next() {
		if len(resp.Events) == limit || size > MaxPullBytes {
			resp.More = true
			break
		}
		var d WireDelivered
		var pos int64
		var shared string
		w := &d.Event
		if err := rows.Scan(&pos, &d.Seq, &d.Conflict, &w.ID, &w.Author, &w.Device, &w.HLC, &w.Kind, &w.CaseID, &w.Agency, &shared, &w.Payload, &w.Signature); err != nil {
			return resp, cases.Wrap(cases.ESTORAGE, err, "hub store")
		}
		w.SharedWith = splitListNil(shared)
		size += len(w.Payload) + 512
		resp.Events = append(resp.Events, d)
		resp.Next = pos
	}
	if err := rows.Err(); err != nil {
		return resp, cases.Wrap(cases.ESTORAGE, err, "hub store")
	}
	return resp, nil
}

// CaseState implements HubStore.
func (h *SQLiteHub) CaseState(ctx context.Context, caseID string) (CaseState, bool, error) {
	st := CaseState{ID: caseID}
	var shared string
	err := h.db.QueryRowContext(ctx, `SELECT owner, shared_with, status, version, conflict FROM cases WHERE id = ?`, caseID).
		Scan(&st.Owner, &shared, &st.Status, &st.Version, &st.Conflict)
	if errors.Is(err, sql.ErrNoRows) {
		return st, false, nil
	}
	if err != nil {
		return st, false, cases.Wrap(cases.ESTORAGE, err, "hub store")
	}
	st.SharedWith = splitList(shared)
	return st, true, nil
}
