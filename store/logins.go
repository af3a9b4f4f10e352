package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/enlace-desk/enlace/cases"
)

// LoginService keeps the login log (cases.LoginLog, cases.LoginLogReader):
// logins, failures, lockouts and session locks, counted by cases.Gate and
// read by auditors.
type LoginService struct{ *DB }

var (
	_ cases.LoginLog       = (*LoginService)(nil)
	_ cases.LoginLogReader = (*LoginService)(nil)
)

// RecordLogin appends one record to the login log.
func (s *LoginService) RecordLogin(ctx context.Context, r cases.LoginRecord) error {
	if r.ID == "" {
		r.ID = s.ids.New()
	}
	if r.At.IsZero() {
		r.At = s.clock.Now()
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO logins(id, officer_id, agency, at, kind, via, detail) VALUES(?, ?, ?, ?, ?, ?, ?)`,
			r.ID, r.OfficerID, r.Agency, ms(r.At), string(r.Kind), r.Via, r.Detail)
		return storageErr(err, "cannot write the login log")
	})
}

// LoginsSince returns the officer's records at or after since, oldest first.
func (s *LoginService) LoginsSince(ctx context.Context, officerID string, since time.Time) ([]cases.LoginRecord, error) {
	return s.logins(ctx, `SELECT id, officer_id, agency, at, kind, via, detail FROM logins
		WHERE officer_id = ? AND at >= ? ORDER BY at, id`, officerID, ms(since))
}

// LoginLogOf returns the records of one agency's officers (every agency's
// when agency is ""), newest first, up to limit.
func (s *LoginService) LoginLogOf(ctx context.Context, agency string, limit int) ([]cases.LoginRecord, error) {
	return s.logins(ctx, `SELECT id, officer_id, agency, at, kind, via, detail FROM logins
		WHERE ? = '' OR agency = ? ORDER BY at DESC, id DESC LIMIT ?`, agency, agency, limit)
}

func (s *LoginService) logins(ctx context.Context, q string, args ...any) ([]cases.LoginRecord, error) {
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, storageErr(err, "cannot read the login log")
	}
	defer rows.Close()
	var out []cases.LoginRecord
	for rows.Next() {
		var r cases.LoginRecord
		var at int64
		var kind string
		if err := rows.Scan(&r.ID, &r.OfficerID, &r.Agency, &at, &kind, &r.Via, &r.Detail); err != nil {
			return nil, storageErr(err, "cannot read the login log")
		}
		r.At, r.Kind = fromMS(at), cases.LoginKind(kind)
		out = append(out, r)
	}
	return out, storageErr(rows.Err(), "cannot read the login log")
}
