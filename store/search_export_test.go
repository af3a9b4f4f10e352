package store

import (
	"context"
	"strings"

	"github.com/enlace-desk/enlace/cases"
)

// EachSubjectNameForBench calls fn with every subject's ID and name, for
// measures that must not depend on the search (how many namesakes a sampled
// subject has).
func (s *Store) EachSubjectNameForBench(ctx context.Context, fn func(id string, n cases.Name)) error {
	rows, err := s.r.QueryContext(ctx, `SELECT id, given, paternal, maternal FROM subjects`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, given string
		var n cases.Name
		if err := rows.Scan(&id, &given, &n.Paternal, &n.Maternal); err != nil {
			return err
		}
		n.Given = strings.Fields(given)
		fn(id, n)
	}
	return rows.Err()
}
