// Package store is Enlace's local SQLite store: the desk's whole state, kept
// in one file that works fully offline and survives a crash.
//
// It implements the cases service interfaces on modernc.org/sqlite (pure Go)
// in WAL mode with foreign keys, a busy timeout and a single writer: one
// service per aggregate (CaseService, SubjectService, SearchService,
// DirectoryService, AuditService, SyncService, ExchangeService, LoginService)
// over one DB handle, bundled as Store (cases.Store). The schema comes from numbered migrations embedded from
// migrations/*.sql; the file's schema version is SQLite's user_version.
//
// Every change goes through one path: the change is expressed as a
// cases.Event, the event is applied to the tables and appended to the
// append-only event log in the same transaction. Events received from the
// exchange are applied through the same path, so the tables are always a
// projection of the log. Package store depends only on cases.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/enlace-desk/enlace/cases"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Signer signs an event's canonical bytes on behalf of its author. The
// exchange supplies one; without it events are stored unsigned until sync
// is configured.
type Signer interface {
	Sign(officerID string, msg []byte) ([]byte, error)
}

// Options configure Open.
type Options struct {
	Clock cases.Clock // the one clock; SystemClock when nil
	// DeskNumber (1–99) is this desk's number in case numbers. It is fixed
	// when the file is created; 0 keeps the stored one (or 1 for a new file).
	DeskNumber int
	Signer     Signer
	// Agreement is the data-sharing policy in force; nil is
	// cases.DefaultAgreement.
	Agreement *cases.Agreement
}

// DB is the one handle on a desk's data file that every service shares: the
// writer and the readers, the clock, the ID scheme, the hybrid logical clock,
// the signer, and the one path every change takes (write, record, apply).
// It is safe for concurrent use: reads run in parallel, writes are
// serialised through one connection.
type DB struct {
	path   string
	clock  cases.Clock
	ids    *cases.IDs
	hlc    *cases.HLClock
	signer Signer

	device string
	desk   int
	agency atomic.Value // string: the desk's agency, see DeskAgency
	// agreement is the policy in force (nil: cases.DefaultAgreement).
	agreement atomic.Pointer[cases.Agreement]

	freq frequencies // name-part frequencies for the name scorer

	watch   watchQueue // listeners of subject changes (WatchSubjects)
	changes changeLog  // see Generation and ChangedSince
	// outside, during a write, collects what it changes behind the
	// workstation's back (nil for the officer's own changes).
	outside *outsideChange
	// changedSubjects collects, during a write, the subjects it saved.
	changedSubjects []string
	// touchedCases collects, during a write, the cases whose events changed:
	// they are projected again before it commits.
	touchedCases map[string]bool

	w  *sql.DB // the single writer connection
	r  *sql.DB // readers
	mu sync.Mutex
}

// One service per aggregate, over the one DB; each implements its cases
// interface.
type (
	// CaseService implements cases.CaseService: cases and their timelines.
	CaseService struct{ *DB }
	// SubjectService implements cases.SubjectService: subjects, their prints,
	// encounters.
	SubjectService struct{ *DB }
	// SearchService implements cases.SearchService: subject search, logged.
	SearchService struct{ *DB }
	// DirectoryService implements cases.DirectoryService: agencies, officers,
	// the desk's settings.
	DirectoryService struct{ *DB }
	// AuditService keeps the query log: every search, view and export.
	AuditService struct{ *DB }
	// SyncService is the desk's side of the exchange (the sync client's
	// DeskLog) and implements cases.ConflictService.
	SyncService struct{ *DB }
)

var (
	_ cases.CaseService      = (*CaseService)(nil)
	_ cases.SubjectService   = (*SubjectService)(nil)
	_ cases.SearchService    = (*SearchService)(nil)
	_ cases.DirectoryService = (*DirectoryService)(nil)
	_ cases.ConflictService  = (*SyncService)(nil)
	_ cases.Store            = (*Store)(nil)
)

// Store is an open local store: the services over one DB, together the whole
// desk as the UI sees it (cases.Store).
type Store struct {
	*DB
	*CaseService
	*SubjectService
	*SearchService
	*DirectoryService
	*AuditService
	*SyncService
	*ExchangeService
	*LoginService
}

func newStore(db *DB) *Store {
	return &Store{DB: db, CaseService: &CaseService{db}, SubjectService: &SubjectService{db}, SearchService: &SearchService{db},
		DirectoryService: &DirectoryService{db}, AuditService: &AuditService{db}, SyncService: &SyncService{db},
		ExchangeService: &ExchangeService{db}, LoginService: &LoginService{db}}
}

// Open opens the store in the file at path, creating it if needed and
// migrating it if it was made by an older Enlace. A file made by a newer
// Enlace, or one that is not an Enlace store, is refused with a clear error.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if opts.Clock == nil {
		opts.Clock = cases.SystemClock{}
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, cases.Wrap(cases.ESTORAGE, err, "cannot create the folder for the data file %s", path)
		}
	}
	if err := checkHeader(path); err != nil {
		return nil, err
	}
	dsn := func(extra string) string {
		q := url.Values{}
		for _, p := range []string{"journal_mode(WAL)", "foreign_keys(1)", "busy_timeout(10000)", "synchronous(NORMAL)"} {
			q.Add("_pragma", p)
		}
		if extra != "" {
			q.Add("_txlock", extra)
		}
		return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
	}
	w, err := sql.Open("sqlite", dsn("immediate"))
	if err != nil {
		return nil, cases.Wrap(cases.ESTORAGE, err, "cannot open the data file %s", path)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	s := &DB{path: path, clock: opts.Clock, ids: cases.NewIDs(opts.Clock), signer: opts.Signer, w: w, touchedCases: map[string]bool{}}
	s.freq.s = s
	if opts.Agreement != nil {
		s.agreement.Store(opts.Agreement)
	}
	if err := s.migrate(ctx); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", dsn(""))
	if err != nil {
		w.Close()
		return nil, cases.Wrap(cases.ESTORAGE, err, "cannot open the data file %s", path)
	}
	r.SetMaxOpenConns(max(2, runtime.GOMAXPROCS(0)))
	s.r = r
	if err := s.loadIdentity(ctx, opts.DeskNumber); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.purgeLogs(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return newStore(s), nil
}

// purgeLogs removes the query-log entries older than the agreement keeps
// them (its log_retention_days), when the store opens.
func (s *DB) purgeLogs(ctx context.Context) error {
	a := s.agreement.Load()
	if a == nil {
		a = cases.DefaultAgreement()
	}
	if a.LogRetentionDays <= 0 {
		return nil
	}
	before := s.clock.Now().Add(-time.Duration(a.LogRetentionDays) * 24 * time.Hour)
	return storageErr(s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM query_log WHERE at < ?`, before.UnixMilli())
		return err
	}), "cannot remove the query-log entries older than the agreement keeps them")
}

// checkHeader refuses a file that exists but is not a SQLite database, before
// SQLite gets a chance to say something less helpful.
func checkHeader(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return cases.Wrap(cases.ESTORAGE, err, "cannot read the data file %s", path)
	}
	defer f.Close()
	hdr := make([]byte, 16)
	n, _ := f.Read(hdr)
	if n == 0 {
		return nil // an empty file becomes a new store
	}
	if n < 16 || string(hdr) != "SQLite format 3\x00" {
		return cases.Errorf(cases.ESTORAGE, "%s is not an Enlace data file (it is not a SQLite database); nothing was changed", path)
	}
	return nil
}

// closeWait bounds how long Close waits for reads and writes that other
// goroutines started before it.
const closeWait = 30 * time.Second

// Close closes the store, once a background load of the search's
// vocabulary (WarmSearch) is done. A read or write that another goroutine
// started before Close finishes first (one started after is refused): when
// Close returns, no connection holds the data file, so the file can be
// copied, moved or removed whole. (database/sql closes a connection in use
// only when it is handed back, after its DB.Close has returned.)
func (s *DB) Close() error {
	s.freq.warming.Wait()
	var err error
	if s.r != nil {
		err = s.r.Close()
	}
	if e := s.w.Close(); err == nil {
		err = e
	}
	deadline := time.Now().Add(closeWait)
	for _, db := range []*sql.DB{s.r, s.w} {
		for db != nil && db.Stats().OpenConnections > 0 {
			if time.Now().After(deadline) {
				if err == nil {
					err = cases.Errorf(cases.ESTORAGE, "a read or write of %s was still running %s after the store closed; the file may still be open", s.path, closeWait)
				}
				return err
			}
			time.Sleep(time.Millisecond)
		}
	}
	return err
}

// Path returns the data file's path.
func (s *DB) Path() string { return s.path }

// DeviceID returns this desk's device ID, fixed when the file was created.
func (s *DB) DeviceID() string { return s.device }

// DeskNumber returns this desk's number in case numbers.
func (s *DB) DeskNumber() int { return s.desk }

// Clock returns the store's clock.
func (s *DB) Clock() cases.Clock { return s.clock }

func (s *DB) loadIdentity(ctx context.Context, desk int) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		dev, err := getMeta(ctx, tx, "device_id")
		if err != nil {
			return err
		}
		if dev == "" {
			dev = s.ids.New()
			if err := setMeta(ctx, tx, "device_id", dev); err != nil {
				return err
			}
		}
		s.device = dev
		stored, err := getMeta(ctx, tx, "desk_number")
		if err != nil {
			return err
		}
		switch {
		case stored == "":
			if desk == 0 {
				desk = 1
			}
			if desk < 1 || desk > 99 {
				return cases.Errorf(cases.EINVALID, "desk number %d is not between 1 and 99", desk)
			}
			if err := setMeta(ctx, tx, "desk_number", strconv.Itoa(desk)); err != nil {
				return err
			}
			s.desk = desk
		default:
			n, err := strconv.Atoi(stored)
			if err != nil {
				return cases.Errorf(cases.ESTORAGE, "the data file's desk number %q is corrupt", stored)
			}
			if desk != 0 && desk != n {
				return cases.Errorf(cases.EINVALID, "this data file belongs to desk %d, not desk %d", n, desk)
			}
			s.desk = n
		}
		agency, err := getMeta(ctx, tx, "desk_agency")
		if err != nil {
			return err
		}
		s.agency.Store(agency)
		var last string
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(hlc), '') FROM events`).Scan(&last); err != nil {
			return err
		}
		var h cases.HLC
		if last != "" {
			if h, err = cases.ParseHLC(last); err != nil {
				return err
			}
		}
		s.hlc = cases.NewHLClock(s.clock, h)
		return nil
	})
}

// SchemaVersion is the schema version this build writes: the number of the
// newest embedded migration.
func SchemaVersion() int {
	ms, _ := migrations()
	return len(ms)
}

// afterMigration holds the Go steps that complete a migration, in the same
// transaction, where SQL alone cannot (computing search keys, say).
var afterMigration = map[int]func(ctx context.Context, tx *sql.Tx) error{
	2: reindexSubjects,
}

type migration struct {
	version int
	name    string
	sql     string
}

func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with its number", e.Name())
		}
		b, err := migrationFS.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, migration{v, e.Name(), string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("migrations must be numbered 1, 2, 3...: found %s at position %d", m.name, i+1)
		}
	}
	return out, nil
}

// migrate brings the file to SchemaVersion, one migration per transaction.
func (s *DB) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return cases.Wrap(cases.EINTERNAL, err, "embedded migrations are broken")
	}
	var have int
	if err := s.w.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&have); err != nil {
		return storageErr(err, "cannot read the data file %s", s.path)
	}
	if have > len(ms) {
		return cases.Errorf(cases.ESTORAGE,
			"%s was written by a newer version of Enlace (schema %d; this program knows up to %d). Upgrade Enlace to open it; the file was not changed",
			s.path, have, len(ms))
	}
	if have == 0 {
		// A file with tables but no version is not ours.
		var n int
		if err := s.w.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table'`).Scan(&n); err != nil {
			return storageErr(err, "cannot read the data file %s", s.path)
		}
		if n > 0 {
			return cases.Errorf(cases.ESTORAGE, "%s is a SQLite database but not an Enlace data file; nothing was changed", s.path)
		}
	}
	for _, m := range ms[have:] {
		err := s.write(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			if step := afterMigration[m.version]; step != nil {
				if err := step(ctx, tx); err != nil {
					return fmt.Errorf("migration %s: %w", m.name, err)
				}
			}
			_, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, m.version))
			return err
		})
		if err != nil {
			return storageErr(err, "cannot bring %s to schema %d", s.path, m.version)
		}
	}
	return nil
}

// write runs fn in one immediate transaction on the single writer.
func (s *DB) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return storageErr(err, "cannot start a change in %s", s.path)
	}
	s.outside = nil
	err = fn(tx)
	if err == nil && len(s.touchedCases) > 0 {
		err = s.projectCases(ctx, tx, s.touchedCases)
	}
	var outside cases.Changes
	if o := s.outside; o != nil && err == nil {
		outside.All, outside.Other = o.all, o.other
		for id := range s.touchedCases {
			if o.onlyCases == nil || o.onlyCases[id] {
				outside.Cases = append(outside.Cases, id)
			}
		}
		for _, id := range s.changedSubjects {
			if id == "" {
				outside.All = true // a bulk load
			}
			outside.Subjects = append(outside.Subjects, id)
		}
	}
	s.outside = nil
	clear(s.touchedCases)
	if err != nil {
		tx.Rollback()
		s.changedSubjects = s.changedSubjects[:0]
		return err
	}
	if err := tx.Commit(); err != nil {
		s.changedSubjects = s.changedSubjects[:0]
		return storageErr(err, "cannot save the change to %s", s.path)
	}
	s.changes.record(outside) // after the commit: readers see the rows
	if len(s.changedSubjects) > 0 {
		ids := s.changedSubjects
		s.changedSubjects = nil
		s.notifySubjects(ids)
	}
	return nil
}

// storageErr turns a SQLite failure into a domain error an officer can act on.
func storageErr(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	var ce *cases.Error
	if errors.As(err, &ce) {
		return err
	}
	var te *cases.TransitionError
	if errors.As(err, &te) {
		return err
	}
	msg := fmt.Sprintf(format, args...)
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_FULL:
			return cases.Wrap(cases.ESTORAGE, err, "%s: the disk is full; the change was not saved and nothing stored before was lost. Free some space and try again", msg)
		case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_CANTOPEN:
			return cases.Wrap(cases.ESTORAGE, err, "%s: the data file cannot be written (check its permissions)", msg)
		case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
			return cases.Wrap(cases.ESTORAGE, err, "%s: the data file is damaged; restore it from a backup", msg)
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return cases.Wrap(cases.ESTORAGE, err, "%s: another program holds the data file", msg)
		case sqlite3.SQLITE_CONSTRAINT:
			return cases.Wrap(cases.ECONFLICT, err, "%s", msg)
		}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return cases.Wrap(cases.ESTORAGE, err, "%s", msg)
}

func getMeta(ctx context.Context, q querier, key string) (string, error) {
	var v string
	err := q.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

func setMeta(ctx context.Context, tx *sql.Tx, key, value string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// querier is what both *sql.DB and *sql.Tx offer for reading.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}
