package hub

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/exchange"
)

// pgMigrations are the PostgreSQL schema's numbered migrations,
// NNNN_name.sql, applied in order, each once.
//
//go:embed pgmigrations/*.sql
var pgMigrations embed.FS

// pgMigrationLock is the advisory lock key hub processes take while they
// migrate, so two starting at once do not both apply a migration.
const pgMigrationLock = 0x656e6c616365 // "enlace"

// PGHub is the hub's store in PostgreSQL. Several hub processes may share one
// database: each batch locks the one row of hub_counters first, so batches
// are written one at a time, in sequence order, and a reader never sees
// sequence n+1 before n. Pulls read concurrently.
type PGHub struct {
	pool  *pgxpool.Pool
	known []string
	now   func() int64
}

// parsePGURL checks a postgres:// URL and returns the pool configuration.
func parsePGURL(url string) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, cases.Errorf(cases.EINVALID, "hub store %s: not a valid PostgreSQL URL: %v", redactURL(url), unwrapAll(err))
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		// Generous: a loaded machine (CI's two cores running the suite) can
		// take seconds to accept a connection; a push waits rather than
		// being answered 503. A URL's connect_timeout overrides it.
		cfg.ConnConfig.ConnectTimeout = 15 * time.Second
	}
	return cfg, nil
}

// unwrapAll returns the innermost error: pgx's parse errors repeat the URL,
// password included.
func unwrapAll(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}

// redactURL hides the password of a store URL for messages and logs.
func redactURL(url string) string {
	scheme, rest, ok := strings.Cut(url, "://")
	if !ok {
		return url
	}
	at := strings.LastIndexByte(rest, '@')
	if at < 0 {
		return url
	}
	user, _, hasPass := strings.Cut(rest[:at], ":")
	if !hasPass {
		return url
	}
	return scheme + "://" + user + ":xxxxx" + rest[at:]
}

// OpenPGHub connects to the PostgreSQL database at url (postgres://...),
// applies the migrations it lacks and returns the store. agencies are the
// codes of the hub's agencies. A database migrated by a newer hub is refused
// and left untouched.
func OpenPGHub(ctx context.Context, url string, agencies []string, clock cases.Clock) (*PGHub, error) {
	if clock == nil {
		clock = cases.SystemClock{}
	}
	cfg, err := parsePGURL(url)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, cases.Wrap(cases.ESTORAGE, err, "hub store %s", redactURL(url))
	}
	if err := migratePG(ctx, pool); err != nil {
		pool.Close()
		return nil, cases.Wrap(cases.ESTORAGE, err, "hub store %s", redactURL(url))
	}
	return &PGHub{pool: pool, known: slices.Clone(agencies), now: func() int64 { return clock.Now().UnixMilli() }}, nil
}

// pgMigration is one numbered migration.
type pgMigration struct {
	version int
	name    string
	sql     string
}

func loadPGMigrations() ([]pgMigration, error) {
	names, err := fs.Glob(pgMigrations, "pgmigrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []pgMigration
	for _, n := range names {
		base := strings.TrimPrefix(n, "pgmigrations/")
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s is not named NNNN_name.sql", base)
		}
		body, err := pgMigrations.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, pgMigration{version: v, name: base, sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: versions must run 1, 2, 3… without gaps", m.name)
		}
	}
	return out, nil
}

// pgSchemaVersion is the newest schema version this hub knows.
func pgSchemaVersion() int {
	ms, err := loadPGMigrations()
	if err != nil {
		return 0
	}
	return len(ms)
}

// migratePG brings the schema up to date under an advisory lock, each
// migration in its own transaction with its row in hub_migrations.
func migratePG(ctx context.Context, pool *pgxpool.Pool) error {
	ms, err := loadPGMigrations()
	if err != nil {
		return err
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, int64(pgMigrationLock)); err != nil {
		return err
	}
	defer conn.Exec(context.Background(), `SELECT pg_advisory_unlock($1)`, int64(pgMigrationLock))
	var have int
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT to_regclass('hub_migrations') IS NOT NULL`).Scan(&exists); err != nil {
		return err
	}
	if exists {
		if err := conn.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM hub_migrations`).Scan(&have); err != nil {
			return err
		}
	}
	if have > len(ms) {
		return cases.Errorf(cases.ESTORAGE, "the database has schema version %d, written by a newer hub; this hub knows up to %d: run the newer hub (nothing was changed)", have, len(ms))
	}
	if !exists {
		if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS hub_migrations (
			version    integer PRIMARY KEY,
			name       text NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return err
		}
	}
	for _, m := range ms[have:] {
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO hub_migrations(version, name) VALUES($1, $2)`, m.version, m.name)
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

// Close closes the connection pool.
func (h *PGHub) Close() error {
	h.pool.Close()
	return nil
}

// Accept implements HubStore: one transaction per batch. It locks the
// counters row, so batches from every hub process on the database are
// decided and committed one after another; planBatch decides, COPY writes.
func (h *PGHub) Accept(ctx context.Context, desk DeskIdentity, evs []cases.Event) ([]exchange.Ack, error) {
	var acks []exchange.Ack
	err := pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		var lastSeq, lastPos int64
		if err := tx.QueryRow(ctx, `SELECT last_seq, last_pos FROM hub_counters WHERE one = 1 FOR UPDATE`).Scan(&lastSeq, &lastPos); err != nil {
			return err
		}
		plan, err := planBatch(ctx, pgReader{tx}, evs, h.known, lastSeq, lastPos)
		if err != nil {
			return err
		}
		received := h.now()
		if len(plan.events) > 0 {
			_, err = tx.CopyFrom(ctx, pgx.Identifier{"events"},
				[]string{"seq", "id", "digest", "author", "device", "hlc", "kind", "case_id", "agency", "shared_with", "payload", "signature", "conflict", "desk", "received_ms"},
				pgx.CopyFromSlice(len(plan.events), func(i int) ([]any, error) {
					e := &plan.events[i]
					ev := e.ev
					shared := ev.SharedWith
					if shared == nil {
						shared = []string{}
					}
					return []any{e.seq, ev.ID, e.digest, ev.Author, ev.Device, ev.HLC.String(), string(ev.Kind), ev.CaseID,
						ev.Agency, shared, ev.Payload, ev.Signature, e.conflict, desk.Desk, received}, nil
				}))
			if err != nil {
				return fmt.Errorf("events: %w", err)
			}
		}
		if len(plan.deliveries) > 0 {
			_, err = tx.CopyFrom(ctx, pgx.Identifier{"deliveries"}, []string{"pos", "agency", "event_seq"},
				pgx.CopyFromSlice(len(plan.deliveries), func(i int) ([]any, error) {
					d := &plan.deliveries[i]
					return []any{d.pos, d.agency, d.seq}, nil
				}))
			if err != nil {
				return fmt.Errorf("deliveries: %w", err)
			}
		}
		if len(plan.records) > 0 {
			_, err = tx.CopyFrom(ctx, pgx.Identifier{"records"}, []string{"id", "kind", "owner"},
				pgx.CopyFromSlice(len(plan.records), func(i int) ([]any, error) {
					r := &plan.records[i]
					return []any{r.id, r.kind, r.owner}, nil
				}))
			if err != nil {
				return fmt.Errorf("records: %w", err)
			}
		}
		var b pgx.Batch
		for _, st := range plan.cases {
			b.Queue(`INSERT INTO cases(id, owner, shared_with, status, version, conflict) VALUES($1, $2, $3, $4, $5, $6)
				ON CONFLICT (id) DO UPDATE SET owner = $2, shared_with = $3, status = $4, version = $5, conflict = $6`,
				st.ID, st.Owner, st.SharedWith, string(st.Status), st.Version, st.Conflict)
		}
		if plan.lastSeq != lastSeq || plan.lastPos != lastPos {
			b.Queue(`UPDATE hub_counters SET last_seq = $1, last_pos = $2 WHERE one = 1`, plan.lastSeq, plan.lastPos)
		}
		if b.Len() > 0 {
			if err := tx.SendBatch(ctx, &b).Close(); err != nil {
				return fmt.Errorf("cases: %w", err)
			}
		}
		acks = plan.acks
		return nil
	})
	if err != nil {
		return nil, cases.Wrap(cases.ESTORAGE, err, "hub store")
	}
	return acks, nil
}

// pgReader reads what planBatch needs inside the write transaction.
type pgReader struct{ tx pgx.Tx }

func (r pgReader) existing(ctx context.Context, ids []string) (map[string]storedEvent, error) {
	rows, err := r.tx.Query(ctx, `SELECT id, seq, digest, conflict FROM events WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]storedEvent{}
	for rows.Next() {
		var id string
		var e storedEvent
		if err := rows.Scan(&id, &e.seq, &e.digest, &e.conflict); err != nil {
			return nil, err
		}
		out[id] = e
	}
	return out, rows.Err()
}

func (r pgReader) caseStates(ctx context.Context, ids []string) (map[string]*CaseState, error) {
	rows, err := r.tx.Query(ctx, `SELECT id, owner, shared_with, status, version, conflict FROM cases WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]*CaseState{}
	for rows.Next() {
		var st CaseState
		var status string
		if err := rows.Scan(&st.ID, &st.Owner, &st.SharedWith, &status, &st.Version, &st.Conflict); err != nil {
			return nil, err
		}
		st.Status = cases.Status(status)
		if st.SharedWith == nil {
			st.SharedWith = []string{}
		}
		out[st.ID] = &st
	}
	return out, rows.Err()
}

func (r pgReader) recordOwners(ctx context.Context, ids []string) (map[string]string, error) {
	rows, err := r.tx.Query(ctx, `SELECT id, owner FROM records WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, owner string
		if err := rows.Scan(&id, &owner); err != nil {
			return nil, err
		}
		out[id] = owner
	}
	return out, rows.Err()
}

func (r pgReader) caseSeqs(ctx context.Context, caseID string) ([]int64, error) {
	rows, err := r.tx.Query(ctx, `SELECT seq FROM events WHERE case_id = $1 ORDER BY seq`, caseID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// Pull implements HubStore.
func (h *PGHub) Pull(ctx context.Context, agency string, after int64, limit int) (exchange.PullResponse, error) {
	limit = pullLimit(limit)
	rows, err := h.pool.Query(ctx, `SELECT d.pos, e.seq, e.conflict, e.received_ms, e.id, e.author, e.device, e.hlc, e.kind, e.case_id, e.agency, e.shared_with, e.payload, e.signature
		FROM deliveries d JOIN events e ON e.seq = d.event_seq
		WHERE d.agency = $1 AND d.pos > $2 ORDER BY d.pos LIMIT $3`, agency, after, limit+1)
	if err != nil {
		return exchange.PullResponse{}, cases.Wrap(cases.ESTORAGE, err, "hub store")
	}
	defer rows.Close()
	return pullPage(after, limit, rows, func(pos *int64, d *exchange.WireDelivered) error {
		w := &d.Event
		err := rows.Scan(pos, &d.Seq, &d.Conflict, &d.Received, &w.ID, &w.Author, &w.Device, &w.HLC, &w.Kind, &w.CaseID, &w.Agency, &w.SharedWith, &w.Payload, &w.Signature)
		if len(w.SharedWith) == 0 {
			w.SharedWith = nil
		}
		return err
	})
}

// CaseState implements HubStore.
func (h *PGHub) CaseState(ctx context.Context, caseID string) (CaseState, bool, error) {
	st := CaseState{ID: caseID}
	var status string
	err := h.pool.QueryRow(ctx, `SELECT owner, shared_with, status, version, conflict FROM cases WHERE id = $1`, caseID).
		Scan(&st.Owner, &st.SharedWith, &status, &st.Version, &st.Conflict)
	if errors.Is(err, pgx.ErrNoRows) {
		return st, false, nil
	}
	if err != nil {
		return st, false, cases.Wrap(cases.ESTORAGE, err, "hub store")
	}
	st.Status = cases.Status(status)
	if st.SharedWith == nil {
		st.SharedWith = []string{}
	}
	return st, true, nil
}
