package hub

import (
	"context"
	"crypto/tls"
	"database/sql"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/exchange"
	"github.com/enlace-desk/enlace/exchange/officerkey"
)

// testLog is a TEST DOUBLE of the desk's store: a real SQLite-backed DeskLog
// with just enough tables to check sync (one row per event). The real store
// (package store) implements DeskLog for the desks.
type testLog struct {
	db    *sql.DB
	mu    sync.Mutex
	dupes int // Apply calls that met an ID already held
}

func openTestLog(t testing.TB, path string) *testLog {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=synchronous(NORMAL)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	_, err = db.Exec(`
		CREATE TABLE IF NOT EXISTS events (
			ord      INTEGER PRIMARY KEY,
			id       TEXT NOT NULL UNIQUE,
			state    TEXT NOT NULL, -- unsent, acked, rejected, remote
			seq      INTEGER NOT NULL DEFAULT 0,
			conflict INTEGER NOT NULL DEFAULT 0,
			reason   TEXT NOT NULL DEFAULT '',
			case_id  TEXT NOT NULL,
			kind     TEXT NOT NULL,
			body     BLOB NOT NULL
		);
		CREATE INDEX IF NOT EXISTS events_case ON events(case_id);
		CREATE INDEX IF NOT EXISTS events_kind ON events(kind);
		CREATE INDEX IF NOT EXISTS events_unsent ON events(ord) WHERE state = 'unsent';
		CREATE TABLE IF NOT EXISTS cursor (one INTEGER PRIMARY KEY CHECK (one = 1), pos INTEGER NOT NULL);
		INSERT OR IGNORE INTO cursor VALUES (1, 0);`)
	if err != nil {
		t.Fatal(err)
	}
	l := &testLog{db: db}
	t.Cleanup(func() { db.Close() })
	return l
}

func (l *testLog) add(ev cases.Event) error {
	body, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	_, err = l.db.Exec(`INSERT INTO events(id, state, case_id, kind, body) VALUES(?, 'unsent', ?, ?, ?)`, ev.ID, ev.CaseID, string(ev.Kind), body)
	return err
}

// addMany adds local events in one transaction.
func (l *testLog) addMany(evs []cases.Event) error {
	tx, err := l.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, ev := range evs {
		body, err := json.Marshal(ev)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO events(id, state, case_id, kind, body) VALUES(?, 'unsent', ?, ?, ?)`, ev.ID, ev.CaseID, string(ev.Kind), body); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func (l *testLog) Unsent(ctx context.Context, limit int) ([]cases.Event, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT body FROM events WHERE state = 'unsent' ORDER BY ord LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []cases.Event
	for rows.Next() {
		var body []byte
		var ev cases.Event
		if err := rows.Scan(&body); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(body, &ev); err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	return out, rows.Err()
}

func (l *testLog) Pending(ctx context.Context) (int, error) {
	var n int
	err := l.db.QueryRowContext(ctx, `SELECT count(*) FROM events WHERE state = 'unsent'`).Scan(&n)
	return n, err
}

func (l *testLog) Acknowledge(ctx context.Context, acks []exchange.Ack) error {
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rej, err := tx.PrepareContext(ctx, `UPDATE events SET state = 'rejected', reason = ? WHERE id = ? AND state = 'unsent'`)
	if err != nil {
		return err
	}
	ok, err := tx.PrepareContext(ctx, `UPDATE events SET state = 'acked', seq = ?, conflict = ? WHERE id = ? AND state IN ('unsent', 'acked')`)
	if err != nil {
		return err
	}
	for _, a := range acks {
		if a.Status == exchange.AckRejected {
			_, err = rej.ExecContext(ctx, a.Error, a.ID)
		} else {
			_, err = ok.ExecContext(ctx, a.Seq, a.Conflict, a.ID)
		}
		if err != nil {
			return err
		}
	}
	return tx.Commit()
}

func (l *testLog) Cursor(ctx context.Context) (int64, error) {
	var n int64
	err := l.db.QueryRowContext(ctx, `SELECT pos FROM cursor`).Scan(&n)
	return n, err
}

func (l *testLog) Apply(ctx context.Context, evs []exchange.Delivered, next int64) error {
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	dupes := 0
	for _, d := range evs {
		body, err := json.Marshal(d.Event)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO events(id, state, seq, conflict, case_id, kind, body) VALUES(?, 'remote', ?, ?, ?, ?, ?)`,
			d.Event.ID, d.Seq, d.Conflict, d.Event.CaseID, string(d.Event.Kind), body)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			dupes++
			// Our own event (or one seen before): record the hub's verdict.
			if _, err := tx.ExecContext(ctx, `UPDATE events SET seq = ?, conflict = ?, state = CASE state WHEN 'unsent' THEN 'acked' ELSE state END WHERE id = ?`,
				d.Seq, d.Conflict, d.Event.ID); err != nil {
				return err
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE cursor SET pos = ?`, next); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	l.mu.Lock()
	l.dupes += dupes
	l.mu.Unlock()
	return nil
}

// heldEvent is one row of a testLog.
type heldEvent struct {
	state    string
	seq      int64
	conflict bool
	reason   string
	ev       cases.Event
}

func (l *testLog) all(t testing.TB) []heldEvent { return l.query(t, "") }

// caseEvents returns the events of one case.
func (l *testLog) caseEvents(t testing.TB, caseID string) []heldEvent {
	return l.query(t, "WHERE case_id = ?", caseID)
}

// cases returns the IDs of the cases whose creation the desk holds.
func (l *testLog) cases(t testing.TB) []string {
	rows, err := l.db.Query(`SELECT case_id FROM events WHERE kind = 'case.created' AND state <> 'rejected' ORDER BY ord`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

func (l *testLog) query(t testing.TB, where string, args ...any) []heldEvent {
	t.Helper()
	rows, err := l.db.Query(`SELECT state, seq, conflict, reason, body FROM events `+where+` ORDER BY ord`, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []heldEvent
	for rows.Next() {
		var h heldEvent
		var body []byte
		if err := rows.Scan(&h.state, &h.seq, &h.conflict, &h.reason, &body); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(body, &h.ev); err != nil {
			t.Fatal(err)
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// testDesk is a desk for the tests: a testLog, a sync client, the officers'
// keys, and helpers that create signed events the way the store does.
type testDesk struct {
	name, agency string
	log          *testLog
	client       *exchange.Client
	keys         *officerkey.Keyring
	ids          *cases.IDs
	hlc          *cases.HLClock
	officer      cases.Officer
	supervisor   cases.Officer
	files        DeskFiles
	caseSeq      int
}

// testEnv is a dev PKI, a hub on a loopback port and desks.
type testEnv struct {
	t     testing.TB
	dir   string
	pki   *DevPKI
	cfg   HubConfig
	hub   *Hub
	addr  string
	desks map[string]*testDesk
}

var testDesks = []DevDesk{{Name: "us-1", Agency: "US-CBP"}, {Name: "us-2", Agency: "US-CBP"}, {Name: "ec-1", Agency: "EC-PN"}}

// The test PKIs' officers share a passphrase, and their keys are sealed with
// cheap Argon2id parameters so that tests do not spend seconds deriving keys.
var (
	testPassphrase = []byte("exchange test passphrase")
	testKeyParams  = officerkey.Params{Time: 1, MemoryKiB: 64, Threads: 1}
)

// testPKI is InitDevPKI with the tests' passphrase and cheap parameters.
func testPKI(dir string, opts DevPKIOptions) (*DevPKI, error) {
	opts.Passphrase, opts.KeyParams = testPassphrase, testKeyParams
	return InitDevPKI(dir, opts)
}

func newTestEnv(t testing.TB) *testEnv {
	t.Helper()
	dir := t.TempDir()
	pki, err := testPKI(dir, DevPKIOptions{Desks: testDesks})
	if err != nil {
		t.Fatal(err)
	}
	cfg := testHubConfig(t, pki)
	e := &testEnv{t: t, dir: dir, pki: pki, cfg: cfg, desks: map[string]*testDesk{}}
	e.startHub()
	t.Cleanup(e.stopHub)
	for _, d := range testDesks {
		e.desks[d.Name] = e.newDesk(d.Name, e.url())
	}
	return e
}

// testBackend is the hub store the suite runs on: "sqlite" (the default) or
// "postgres" (ENLACE_HUB_BACKEND=postgres, as TestSuiteOnPostgres sets).
func testBackend() string {
	if os.Getenv("ENLACE_HUB_BACKEND") == "postgres" {
		return "postgres"
	}
	return "sqlite"
}

// testHubConfig loads the dev PKI's hub configuration and, on PostgreSQL,
// points it at a new database and writes it back for child hub processes.
func testHubConfig(t testing.TB, pki *DevPKI) HubConfig {
	t.Helper()
	cfg, err := LoadHubConfig(pki.ConfigPath)
	if err != nil {
		t.Fatal(err)
	}
	if testBackend() == "postgres" {
		cfg.Database, cfg.StoreURL = "", newPGDatabase(t)
		if err := WriteHubConfig(pki.ConfigPath, cfg); err != nil {
			t.Fatal(err)
		}
	}
	return cfg
}

func (e *testEnv) url() string { return "https://" + e.addr }

func (e *testEnv) startHub() {
	e.t.Helper()
	hub, err := NewHub(e.cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	hub.SetLogger(quietLogger())
	addr := "127.0.0.1:0"
	if e.addr != "" {
		addr = e.addr // restart on the same port
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		e.t.Fatal(err)
	}
	e.addr = l.Addr().String()
	e.hub = hub
	go hub.Serve(l)
}

func (e *testEnv) stopHub() {
	if e.hub == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	e.hub.Shutdown(ctx)
	e.hub = nil
}

func (e *testEnv) newDesk(name, hubURL string) *testDesk {
	t := e.t
	t.Helper()
	files := e.pki.Desks[name]
	log := openTestLog(t, filepath.Join(e.dir, name+".db"))
	client := e.client(name, hubURL, log)
	d := &testDesk{name: name, agency: files.Agency, log: log, client: client, keys: officerkey.NewKeyring(files.KeyDir),
		ids: cases.NewIDs(cases.SystemClock{}), hlc: cases.NewHLClock(cases.SystemClock{}, cases.HLC{}), files: files}
	for _, o := range DefaultDevOfficers {
		if o.Agency != d.agency {
			continue
		}
		if err := d.keys.Unlock(o.ID, testPassphrase); err != nil {
			t.Fatal(err)
		}
		if o.Has(cases.RoleSupervisor) {
			d.supervisor = o
		} else {
			d.officer = o
		}
	}
	return d
}

// client makes a sync client for desk name's log talking to hubURL.
func (e *testEnv) client(name, hubURL string, log exchange.DeskLog) *exchange.Client {
	return e.clientTuned(name, hubURL, log, nil)
}

// clientTuned is client with tune changing the configuration first.
func (e *testEnv) clientTuned(name, hubURL string, log exchange.DeskLog, tune func(*exchange.ClientConfig)) *exchange.Client {
	t := e.t
	t.Helper()
	tlsCfg, err := e.pki.Desks[name].TLSConfig()
	if err != nil {
		t.Fatal(err)
	}
	cfg := exchange.ClientConfig{HubURL: hubURL, TLS: tlsCfg, Log: log, RequestTimeout: 20 * time.Second,
		MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond, Interval: 50 * time.Millisecond}
	if tune != nil {
		tune(&cfg)
	}
	client, err := exchange.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(client.Close)
	return client
}

// event builds and signs an event as the store would.
func (d *testDesk) event(t testing.TB, by cases.Officer, kind cases.EventKind, caseID string, shared []string, payload any) cases.Event {
	t.Helper()
	// An annotation names its author and has an ID (the rule book checks).
	switch a := payload.(type) {
	case cases.Annotation:
		if a.ID == "" {
			a.ID = d.ids.New()
		}
		if a.Author == "" {
			a.Author = by.ID
		}
		payload = a
	}
	body, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	ev := cases.Event{ID: d.ids.New(), Author: by.ID, Device: d.name, HLC: d.hlc.Now(), Kind: kind, CaseID: caseID,
		Agency: by.Agency, SharedWith: shared, Payload: body}
	if err := exchange.SignEvent(&ev, d.keys); err != nil {
		t.Fatal(err)
	}
	return ev
}

func (d *testDesk) emit(t testing.TB, ev cases.Event) cases.Event {
	t.Helper()
	if err := d.log.add(ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

func (d *testDesk) createCase(t testing.TB, shared ...string) string {
	d.caseSeq++
	id := cases.CaseNumber(d.agency, 2026, int(d.name[len(d.name)-1]-'0'), d.caseSeq)
	c := cases.Case{ID: id, Title: "case " + id, Status: cases.StatusNew, Priority: cases.PriorityNormal,
		OwnerAgency: d.agency, SharedWith: shared}
	d.emit(t, d.event(t, d.officer, cases.EventCaseCreated, id, nil, cases.CaseCreated{Case: c}))
	return id
}

func (d *testDesk) note(t testing.TB, caseID, text string) cases.Event {
	a := cases.Annotation{ID: d.ids.New(), CaseID: caseID, Kind: cases.AnnNote, Author: d.officer.ID, Text: text}
	return d.emit(t, d.event(t, d.officer, cases.EventAnnotationAdded, caseID, nil, a))
}

func (d *testDesk) share(t testing.TB, caseID string, with ...string) cases.Event {
	if with == nil {
		with = []string{}
	}
	// Sharing is a supervisor's decision (the rule book).
	return d.emit(t, d.event(t, d.supervisor, cases.EventCaseUpdated, caseID, nil, cases.CaseUpdated{CaseID: caseID, SharedWith: with}))
}

// caseView is a desk's projection of a case's status (see ProjectStatus).
type caseView struct {
	status   cases.Status
	version  int
	conflict bool
	known    bool
}

// view projects a case from the desk's log: hub-sequenced events by
// ProjectStatus, then the desk's unacknowledged moves tentatively on top.
func (d *testDesk) view(t testing.TB, caseID string) caseView {
	var v caseView
	var moves []exchange.StatusMove
	var tentative []cases.Status
	for _, h := range d.log.caseEvents(t, caseID) {
		if h.state == "rejected" {
			continue
		}
		if h.ev.Kind == cases.EventCaseCreated {
			var p cases.CaseCreated
			json.Unmarshal(h.ev.Payload, &p)
			v.known, v.status, v.version = true, p.Case.Status, p.Case.Version
			continue
		}
		m, ok := exchange.StatusMoveOf(exchange.Delivered{Seq: h.seq, Conflict: h.conflict, Event: h.ev})
		if !ok {
			continue
		}
		if h.state == "unsent" {
			tentative = append(tentative, m.To)
		} else {
			moves = append(moves, m)
		}
	}
	v.status, v.version, v.conflict = exchange.ProjectStatus(v.status, v.version, moves)
	for _, to := range tentative {
		v.status = to
		v.version++
	}
	return v
}

// moveStatus records a status change made on the desk's current view.
func (d *testDesk) moveStatus(t testing.TB, caseID string, to cases.Status) cases.Event {
	v := d.view(t, caseID)
	a := cases.Annotation{ID: d.ids.New(), CaseID: caseID, Kind: cases.AnnStatus, Author: d.officer.ID,
		FromStatus: v.status, ToStatus: to, BaseVersion: v.version, Text: "moving on"}
	return d.emit(t, d.event(t, d.officer, cases.EventAnnotationAdded, caseID, nil, a))
}

func (d *testDesk) resolve(t testing.TB, caseID string, to cases.Status) cases.Event {
	r := cases.ConflictResolution{CaseID: caseID, Status: to, Reason: "agreed by phone"}
	return d.emit(t, d.event(t, d.supervisor, cases.EventConflictResolved, caseID, nil, r))
}

func (d *testDesk) sync(t testing.TB) exchange.Round {
	t.Helper()
	r := d.client.RunOnce(context.Background())
	if !r.OK() {
		t.Fatalf("desk %s: sync round failed: %s", d.name, r.Err)
	}
	return r
}

// ids returns the event IDs the desk holds, by state.
func (d *testDesk) held(t testing.TB) map[string]heldEvent {
	m := map[string]heldEvent{}
	for _, h := range d.log.all(t) {
		m[h.ev.ID] = h
	}
	return m
}

// hubEvents reads every event the hub holds, with the agencies it was
// delivered to, straight from its database.
type hubEvent struct {
	seq       int64
	caseID    string
	agency    string
	conflict  bool
	deliverTo []string
}

func (e *testEnv) hubEvents(t testing.TB) map[string]hubEvent {
	t.Helper()
	if e.cfg.StoreURL != "" && testBackend() == "postgres" {
		return readPGHubEvents(t, e.cfg.StoreURL)
	}
	db, err := sql.Open("sqlite", "file:"+e.cfg.Database+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	return readHubEvents(t, db)
}

// readPGHubEvents is readHubEvents on a PostgreSQL hub store.
func readPGHubEvents(t testing.TB, url string) map[string]hubEvent {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT e.id, e.seq, e.case_id, e.agency, e.conflict, coalesce(array_agg(DISTINCT d.agency) FILTER (WHERE d.agency IS NOT NULL), '{}')
		FROM events e LEFT JOIN deliveries d ON d.event_seq = e.seq GROUP BY e.seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	m := map[string]hubEvent{}
	for rows.Next() {
		var id string
		var h hubEvent
		if err := rows.Scan(&id, &h.seq, &h.caseID, &h.agency, &h.conflict, &h.deliverTo); err != nil {
			t.Fatal(err)
		}
		if _, dup := m[id]; dup {
			t.Fatalf("hub holds event %s twice", id)
		}
		if len(h.deliverTo) == 0 {
			h.deliverTo = nil
		}
		slices.Sort(h.deliverTo)
		m[id] = h
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return m
}

func readHubEvents(t testing.TB, db *sql.DB) map[string]hubEvent {
	rows, err := db.Query(`SELECT e.id, e.seq, e.case_id, e.agency, e.conflict, coalesce(group_concat(DISTINCT d.agency), '')
		FROM events e LEFT JOIN deliveries d ON d.event_seq = e.seq GROUP BY e.seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	m := map[string]hubEvent{}
	for rows.Next() {
		var id, to string
		var h hubEvent
		if err := rows.Scan(&id, &h.seq, &h.caseID, &h.agency, &h.conflict, &to); err != nil {
			t.Fatal(err)
		}
		if _, dup := m[id]; dup {
			t.Fatalf("hub holds event %s twice", id)
		}
		h.deliverTo = splitListNil(to)
		slices.Sort(h.deliverTo)
		m[id] = h
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return m
}

// rawClient is an HTTP client with a desk's TLS identity, for talking to the
// hub without the sync client's checks.
func rawClient(tlsCfg *tls.Config) *http.Client {
	return &http.Client{Transport: &http.Transport{TLSClientConfig: tlsCfg}, Timeout: 20 * time.Second}
}

func rawPush(t testing.TB, c *http.Client, url string, body []byte) (int, exchange.PushResponse, exchange.ErrorBody) {
	t.Helper()
	resp, err := c.Post(url+"/v1/push", "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var pr exchange.PushResponse
	var eb exchange.ErrorBody
	dec := json.NewDecoder(resp.Body)
	if resp.StatusCode == http.StatusOK {
		err = dec.Decode(&pr)
	} else {
		err = dec.Decode(&eb)
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("hub answer (%d) is not JSON: %v", resp.StatusCode, err)
	}
	return resp.StatusCode, pr, eb
}

func pushBody(t testing.TB, evs ...cases.Event) []byte {
	req := exchange.PushRequest{}
	for i := range evs {
		req.Events = append(req.Events, exchange.ToWire(&evs[i]))
	}
	b, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
