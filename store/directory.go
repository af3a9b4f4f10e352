package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/enlace-desk/enlace/cases"
)

// The directory (agencies and officers) is configuration that every desk of
// the exchange is given, not shared work: it changes without events.

// PutAgency adds or updates an agency.
func (s *DirectoryService) PutAgency(ctx context.Context, a cases.Agency) error {
	if a.Code == "" || a.Name == "" {
		return cases.Errorf(cases.EINVALID, "an agency needs a code and a name")
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO agencies(code, name, country) VALUES(?, ?, ?)
			ON CONFLICT(code) DO UPDATE SET name = excluded.name, country = excluded.country`, a.Code, a.Name, a.Country)
		return storageErr(err, "cannot save agency %s", a.Code)
	})
}

// PutOfficer adds or updates an officer.
func (s *DirectoryService) PutOfficer(ctx context.Context, o cases.Officer) error {
	if o.ID == "" || o.Name == "" || o.Agency == "" || len(o.Roles) == 0 {
		return cases.Errorf(cases.EINVALID, "an officer needs an id, a name, an agency and at least one role")
	}
	roles := make([]string, len(o.Roles))
	for i, r := range o.Roles {
		roles[i] = string(r)
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO officers(id, name, agency, roles) VALUES(?, ?, ?, ?)
			ON CONFLICT(id) DO UPDATE SET name = excluded.name, agency = excluded.agency, roles = excluded.roles`,
			o.ID, o.Name, o.Agency, strings.Join(roles, ","))
		return storageErr(err, "cannot save officer %s", o.ID)
	})
}

// Agencies lists the agencies of the exchange.
func (s *DirectoryService) Agencies(ctx context.Context) ([]cases.Agency, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT code, name, country FROM agencies ORDER BY code`)
	if err != nil {
		return nil, storageErr(err, "cannot list agencies")
	}
	defer rows.Close()
	var out []cases.Agency
	for rows.Next() {
		var a cases.Agency
		if err := rows.Scan(&a.Code, &a.Name, &a.Country); err != nil {
			return nil, storageErr(err, "cannot list agencies")
		}
		out = append(out, a)
	}
	return out, storageErr(rows.Err(), "cannot list agencies")
}

// Officers lists every officer, by agency then name.
func (s *DirectoryService) Officers(ctx context.Context) ([]cases.Officer, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, name, agency, roles FROM officers ORDER BY agency, name`)
	if err != nil {
		return nil, storageErr(err, "cannot list officers")
	}
	defer rows.Close()
	var out []cases.Officer
	for rows.Next() {
		o, err := scanOfficer(rows)
		if err != nil {
			return nil, storageErr(err, "cannot list officers")
		}
		out = append(out, *o)
	}
	return out, storageErr(rows.Err(), "cannot list officers")
}

// Officer returns one officer.
func (s *DirectoryService) Officer(ctx context.Context, id string) (*cases.Officer, error) {
	return s.officerIn(ctx, s.r, id)
}

func (s *DB) officerIn(ctx context.Context, q querier, id string) (*cases.Officer, error) {
	o, err := scanOfficer(q.QueryRowContext(ctx, `SELECT id, name, agency, roles FROM officers WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, cases.Errorf(cases.ENOTFOUND, "there is no officer %q", id)
	}
	if err != nil {
		return nil, storageErr(err, "cannot read officer %s", id)
	}
	return o, nil
}

func scanOfficer(row interface{ Scan(...any) error }) (*cases.Officer, error) {
	var o cases.Officer
	var roles string
	if err := row.Scan(&o.ID, &o.Name, &o.Agency, &roles); err != nil {
		return nil, err
	}
	for _, r := range splitList(roles) {
		o.Roles = append(o.Roles, cases.Role(r))
	}
	return &o, nil
}

// Health describes the store for the status bar.
func (s *DB) Health(ctx context.Context) (cases.StoreHealth, error) {
	h := cases.StoreHealth{Path: s.path}
	err := s.r.QueryRowContext(ctx, `SELECT (SELECT user_version FROM pragma_user_version),
		(SELECT count(*) FROM cases), (SELECT count(*) FROM subjects),
		(SELECT count(*) FROM event_outbox)`).Scan(&h.SchemaVersion, &h.Cases, &h.Subjects, &h.PendingEvents)
	return h, storageErr(err, "cannot read the store's state")
}

// LogQuery writes a search's trace to the query log.
func (s *AuditService) LogQuery(ctx context.Context, e cases.QueryLogEntry) error {
	if err := cases.ValidatePurpose(e.Purpose, e.PurposeText); err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error { return s.logQuery(ctx, tx, &e) })
}

func (s *DB) logQuery(ctx context.Context, tx *sql.Tx, e *cases.QueryLogEntry) error {
	if e.ID == "" {
		e.ID = s.ids.New()
	}
	if e.At.IsZero() {
		e.At = s.clock.Now()
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO query_log(id, officer_id, agency, at, kind, query, purpose, purpose_text, results) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.OfficerID, e.Agency, ms(e.At), e.Kind, e.Query, string(e.Purpose), e.PurposeText, e.Results)
	return storageErr(err, "cannot write the query log")
}

// QueryLog returns query-log entries, newest first, up to limit.
func (s *AuditService) QueryLog(ctx context.Context, limit int) ([]cases.QueryLogEntry, error) {
	return s.QueryLogOf(ctx, "", limit)
}

// QueryLogOf returns the query-log entries of one agency's officers (every
// agency's when agency is ""), newest first, up to limit.
func (s *AuditService) QueryLogOf(ctx context.Context, agency string, limit int) ([]cases.QueryLogEntry, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, officer_id, agency, at, kind, query, purpose, purpose_text, results FROM query_log
		WHERE ? = '' OR agency = ? ORDER BY at DESC, id DESC LIMIT ?`, agency, agency, limit)
	if err != nil {
		return nil, storageErr(err, "cannot read the query log")
	}
	defer rows.Close()
	var out []cases.QueryLogEntry
	for rows.Next() {
		var e cases.QueryLogEntry
		var at int64
		var p string
		if err := rows.Scan(&e.ID, &e.OfficerID, &e.Agency, &at, &e.Kind, &e.Query, &p, &e.PurposeText, &e.Results); err != nil {
			return nil, storageErr(err, "cannot read the query log")
		}
		e.At, e.Purpose = fromMS(at), cases.Purpose(p)
		out = append(out, e)
	}
	return out, storageErr(rows.Err(), "cannot read the query log")
}

// DefaultOfficer returns the officer the workstation logs in as when none is
// named ("" if the store has none).
func (s *DirectoryService) DefaultOfficer(ctx context.Context) (string, error) {
	v, err := getMeta(ctx, s.r, "default_officer")
	return v, storageErr(err, "cannot read the store's settings")
}

// SetDefaultOfficer records the officer the workstation logs in as by default.
func (s *DirectoryService) SetDefaultOfficer(ctx context.Context, id string) error {
	if _, err := s.Officer(ctx, id); err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error { return setMeta(ctx, tx, "default_officer", id) })
}

// DeskAgency returns the agency this desk works for ("" until it is set):
// tools run on the desk act as its officers only, and the case views show its
// assignee.
func (s *DB) DeskAgency() string {
	v, _ := s.agency.Load().(string)
	return v
}

// SetDeskAgency records the agency this desk works for. It is fixed once set:
// a desk never changes sides.
func (s *DirectoryService) SetDeskAgency(ctx context.Context, code string) error {
	if cur := s.DeskAgency(); cur != "" {
		if cur != code {
			return cases.Errorf(cases.EINVALID, "this data file belongs to a desk of %s, not %s", cur, code)
		}
		return nil
	}
	err := s.write(ctx, func(tx *sql.Tx) error { return setMeta(ctx, tx, "desk_agency", code) })
	if err == nil {
		s.agency.Store(code)
	}
	return storageErr(err, "cannot record the desk's agency")
}
