package store

import (
	"context"
	"database/sql"
	"strconv"
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
