package store

import (
	"context"
	"database/sql"
	"strconv"

	"github.com/enlace-desk/enlace/cases"
)

// LimitPagesForTest caps the file at its current page count, so the next
// growth fails with SQLITE_FULL as a full disk would.
func (s *Store) LimitPagesForTest(ctx context.Context) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&n); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `PRAGMA max_page_count = `+strconv.Itoa(n+1))
		return err
	})
}

// CreateAtVersionForTest makes a store file at an older schema version, as an
// older Enlace would have left it.
func CreateAtVersionForTest(ctx context.Context, path string, version int) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return err
	}
	defer db.Close()
	for _, m := range ms[:version] {
		if _, err := db.ExecContext(ctx, m.sql); err != nil {
			return err
		}
	}
	_, err = db.ExecContext(ctx, `PRAGMA user_version = `+strconv.Itoa(version))
	return err
}

// SubjectAtForBench returns the subject at a row offset, for sampling queries.
func (s *Store) SubjectAtForBench(ctx context.Context, offset int) (*cases.Subject, error) {
	var id string
	if err := s.r.QueryRowContext(ctx, `SELECT id FROM subjects WHERE rowid >= ? ORDER BY rowid LIMIT 1`, offset+1).Scan(&id); err != nil {
		return nil, err
	}
	return s.Subject(ctx, id)
}

// UnsentByScanForTest counts the local events without the hub's answer the
// long way (every local event checked against event_sync), to hold the
// outbox to it.
func (s *Store) UnsentByScanForTest(ctx context.Context) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM events e WHERE e.origin = 'local' AND NOT EXISTS (SELECT 1 FROM event_sync x WHERE x.event_id = e.id)`).Scan(&n)
	return n, err
}
