package hub

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/exchange"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver
)

// hubSchemaVersion is the version of the hub's SQLite schema (PRAGMA user_version).
const hubSchemaVersion = 2

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
-- Version 2: who owns each subject and encounter ID (the agency that first
-- wrote it); filled from the events a version-1 hub stored.
CREATE TABLE IF NOT EXISTS records (
	id    TEXT PRIMARY KEY,
	kind  TEXT NOT NULL,
	owner TEXT NOT NULL
);
INSERT OR IGNORE INTO records(id, kind, owner)
	SELECT json_extract(CAST(payload AS TEXT), '$.ID'), kind, agency FROM events
	WHERE kind IN ('subject.upserted', 'encounter.created') AND json_valid(CAST(payload AS TEXT))
		AND json_extract(CAST(payload AS TEXT), '$.ID') IS NOT NULL
	ORDER BY seq;
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
	stmts  map[string]*sql.Stmt // prepared multi-row INSERTs, under mu
}

// OpenSQLiteHub opens (creating if needed) the hub database at path. agencies
// are the codes of the hub's agencies.
func OpenSQLiteHub(path string, agencies []string, clock cases.Clock) (*SQLiteHub, error) {
	if clock == nil {
		clock = cases.SystemClock{}
	}
	// Read the schema version first, without the pragmas below (WAL mode
	// rewrites the file's header): a newer hub's database stays untouched.
	if v, err := sqliteUserVersion(path); err != nil {
		return nil, err
	} else if v > hubSchemaVersion {
		return nil, cases.Errorf(cases.ESTORAGE, "hub database %s has schema version %d, written by a newer hub; this hub knows up to %d (nothing was changed)", path, v, hubSchemaVersion)
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

// sqliteUserVersion reads PRAGMA user_version of an existing database file
// read-only; 0 when the file does not exist yet.
func sqliteUserVersion(path string) (int, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return 0, cases.Wrap(cases.ESTORAGE, err, "cannot open hub database %s", path)
	}
	defer db.Close()
	var v int
	if err := db.QueryRow(`PRAGMA user_version`).Scan(&v); err != nil {
		return 0, cases.Wrap(cases.ESTORAGE, err, "cannot read hub database %s", path)
	}
	return v, nil
}

// Close closes the database.
func (h *SQLiteHub) Close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for _, s := range h.stmts {
		s.Close()
	}
	return h.db.Close()
}

// Accept implements HubStore: one transaction per batch, decided by
// planBatch and written with multi-row inserts.
func (h *SQLiteHub) Accept(ctx context.Context, desk DeskIdentity, evs []cases.Event) ([]exchange.Ack, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	tx, err := h.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, cases.Wrap(cases.ESTORAGE, err, "hub store")
	}
	defer tx.Rollback()
	var lastSeq, lastPos int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM events`).Scan(&lastSeq); err != nil {
		return nil, cases.Wrap(cases.ESTORAGE, err, "hub store")
	}
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(pos), 0) FROM deliveries`).Scan(&lastPos); err != nil {
		return nil, cases.Wrap(cases.ESTORAGE, err, "hub store")
	}
	plan, err := planBatch(ctx, sqliteReader{tx}, evs, h.known, lastSeq, lastPos)
	if err != nil {
		return nil, cases.Wrap(cases.ESTORAGE, err, "hub store")
	}
	received := h.now()
	const evCols = 15
	err = h.insertRows(ctx, tx, `INSERT INTO events(seq, id, digest, author, device, hlc, kind, case_id, agency, shared_with, payload, signature, conflict, desk, received_ms) VALUES `,
		evCols, len(plan.events), func(i int, args []any) []any {
			e := &plan.events[i]
			ev := e.ev
			return append(args, e.seq, ev.ID, e.digest, ev.Author, ev.Device, ev.HLC.String(), string(ev.Kind), ev.CaseID,
				ev.Agency, strings.Join(ev.SharedWith, ","), ev.Payload, ev.Signature, e.conflict, desk.Desk, received)
		})
	if err != nil {
		return nil, cases.Wrap(cases.ESTORAGE, err, "hub store: events")
	}
	err = h.insertRows(ctx, tx, `INSERT INTO deliveries(pos, agency, event_seq) VALUES `, 3, len(plan.deliveries), func(i int, args []any) []any {
		d := &plan.deliveries[i]
		return append(args, d.pos, d.agency, d.seq)
	})
	if err != nil {
		return nil, cases.Wrap(cases.ESTORAGE, err, "hub store: deliveries")
	}
	err = h.insertRows(ctx, tx, `INSERT INTO records(id, kind, owner) VALUES `, 3, len(plan.records), func(i int, args []any) []any {
		r := &plan.records[i]
		return append(args, r.id, r.kind, r.owner)
	})
	if err != nil {
		return nil, cases.Wrap(cases.ESTORAGE, err, "hub store: records")
	}
	for _, st := range plan.cases {
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO cases(id, owner, shared_with, status, version, conflict) VALUES(?, ?, ?, ?, ?, ?)`,
			st.ID, st.Owner, strings.Join(st.SharedWith, ","), string(st.Status), st.Version, st.Conflict); err != nil {
			return nil, cases.Wrap(cases.ESTORAGE, err, "hub store: case %s", st.ID)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, cases.Wrap(cases.ESTORAGE, err, "hub store: commit")
	}
	return plan.acks, nil
}

// sqliteRowsPerInsert bounds one multi-row INSERT (15 columns × 400 rows is
// well under SQLite's limit of 32,766 parameters) and one IN list.
const sqliteRowsPerInsert = 400

// insertSizes are the row counts of the multi-row INSERTs the hub prepares
// once and reuses: n rows go as the largest that fit, then smaller ones.
var insertSizes = []int{256, 64, 16, 4, 1}

// insertRows inserts n rows of cols columns with few statements, each
// prepared once per store and size; row appends row i's values to args.
func (h *SQLiteHub) insertRows(ctx context.Context, tx *sql.Tx, prefix string, cols, n int, row func(i int, args []any) []any) error {
	for lo := 0; lo < n; {
		size := 1
		for _, sz := range insertSizes {
			if n-lo >= sz {
				size = sz
				break
			}
		}
		stmt, err := h.insertStmt(ctx, prefix, cols, size)
		if err != nil {
			return err
		}
		args := make([]any, 0, size*cols)
		for i := lo; i < lo+size; i++ {
			args = row(i, args)
		}
		if _, err := tx.StmtContext(ctx, stmt).ExecContext(ctx, args...); err != nil {
			return err
		}
		lo += size
	}
	return nil
}

// insertStmt returns the prepared INSERT of rows rows; the caller holds h.mu.
func (h *SQLiteHub) insertStmt(ctx context.Context, prefix string, cols, rows int) (*sql.Stmt, error) {
	key := fmt.Sprintf("%d/%s", rows, prefix)
	if s, ok := h.stmts[key]; ok {
		return s, nil
	}
	one := "(" + strings.Repeat("?, ", cols-1) + "?)"
	q := prefix + strings.TrimSuffix(strings.Repeat(one+", ", rows), ", ")
	s, err := h.db.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	if h.stmts == nil {
		h.stmts = map[string]*sql.Stmt{}
	}
	h.stmts[key] = s
	return s, nil
}

// sqliteReader reads what planBatch needs inside the write transaction.
type sqliteReader struct{ tx *sql.Tx }

// inList runs query, whose one "%s" becomes a list of placeholders, over ids
// in chunks, calling scan for each row.
func (r sqliteReader) inList(ctx context.Context, query string, ids []string, scan func(*sql.Rows) error) error {
	for lo := 0; lo < len(ids); lo += sqliteRowsPerInsert {
		hi := min(lo+sqliteRowsPerInsert, len(ids))
		args := make([]any, 0, hi-lo)
		for _, id := range ids[lo:hi] {
			args = append(args, id)
		}
		rows, err := r.tx.QueryContext(ctx, fmt.Sprintf(query, strings.TrimSuffix(strings.Repeat("?, ", hi-lo), ", ")), args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := scan(rows); err != nil {
				rows.Close()
				return err
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func (r sqliteReader) existing(ctx context.Context, ids []string) (map[string]storedEvent, error) {
	out := map[string]storedEvent{}
	err := r.inList(ctx, `SELECT id, seq, digest, conflict FROM events WHERE id IN (%s)`, ids, func(rows *sql.Rows) error {
		var id string
		var e storedEvent
		if err := rows.Scan(&id, &e.seq, &e.digest, &e.conflict); err != nil {
			return err
		}
		out[id] = e
		return nil
	})
	return out, err
}

func (r sqliteReader) caseStates(ctx context.Context, ids []string) (map[string]*CaseState, error) {
	out := map[string]*CaseState{}
	err := r.inList(ctx, `SELECT id, owner, shared_with, status, version, conflict FROM cases WHERE id IN (%s)`, ids, func(rows *sql.Rows) error {
		var st CaseState
		var shared string
		if err := rows.Scan(&st.ID, &st.Owner, &shared, &st.Status, &st.Version, &st.Conflict); err != nil {
			return err
		}
		st.SharedWith = splitList(shared)
		out[st.ID] = &st
		return nil
	})
	return out, err
}

func (r sqliteReader) recordOwners(ctx context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	err := r.inList(ctx, `SELECT id, owner FROM records WHERE id IN (%s)`, ids, func(rows *sql.Rows) error {
		var id, owner string
		if err := rows.Scan(&id, &owner); err != nil {
			return err
		}
		out[id] = owner
		return nil
	})
	return out, err
}

func (r sqliteReader) caseSeqs(ctx context.Context, caseID string) ([]int64, error) {
	rows, err := r.tx.QueryContext(ctx, `SELECT seq FROM events WHERE case_id = ? ORDER BY seq`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var s int64
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func reject(a *exchange.Ack, err error) {
	a.Status = exchange.AckRejected
	a.Seq = 0
	a.Code = cases.ErrorCode(err)
	var ee *exchange.EventError
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
func (h *SQLiteHub) Pull(ctx context.Context, agency string, after int64, limit int) (exchange.PullResponse, error) {
	limit = pullLimit(limit)
	rows, err := h.db.QueryContext(ctx, `SELECT d.pos, e.seq, e.conflict, e.received_ms, e.id, e.author, e.device, e.hlc, e.kind, e.case_id, e.agency, e.shared_with, e.payload, e.signature
		FROM deliveries d JOIN events e ON e.seq = d.event_seq
		WHERE d.agency = ? AND d.pos > ? ORDER BY d.pos LIMIT ?`, agency, after, limit+1)
	if err != nil {
		return exchange.PullResponse{}, cases.Wrap(cases.ESTORAGE, err, "hub store")
	}
	defer rows.Close()
	return pullPage(after, limit, rows, func(pos *int64, d *exchange.WireDelivered) error {
		var shared string
		w := &d.Event
		err := rows.Scan(pos, &d.Seq, &d.Conflict, &d.Received, &w.ID, &w.Author, &w.Device, &w.HLC, &w.Kind, &w.CaseID, &w.Agency, &shared, &w.Payload, &w.Signature)
		w.SharedWith = splitListNil(shared)
		return err
	})
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
