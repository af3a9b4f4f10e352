package hub

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/exchange"
	"github.com/enlace-desk/enlace/exchange/faultproxy"
)

// newPGTestEnv is newTestEnv with the hub on PostgreSQL, whatever the run's
// backend.
func newPGTestEnv(t *testing.T) *testEnv {
	t.Helper()
	t.Setenv("ENLACE_HUB_BACKEND", "postgres")
	return newTestEnv(t)
}

// startExtraHub starts another hub process's worth (an in-process Hub) on
// the same configuration and store, on a port of its own.
func (e *testEnv) startExtraHub(cfg HubConfig) (*Hub, string) {
	e.t.Helper()
	hub, err := NewHub(cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	hub.SetLogger(quietLogger())
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		e.t.Fatal(err)
	}
	go hub.Serve(l)
	e.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		hub.Shutdown(ctx)
	})
	return hub, "https://" + l.Addr().String()
}

// TestPGSeveralHubsNoReaderSeesAGap: four hubs' stores on one database
// accept batches at once while a reader pulls all along with its cursor. A
// batch that committed with seq n+1 before n was visible would make the
// reader step past n and miss it; the reader must end with every event,
// once, and the sequence numbers must run 1..N without a gap.
func TestPGSeveralHubsNoReaderSeesAGap(t *testing.T) {
	url := newPGDatabase(t)
	ctx := context.Background()
	known := []string{"US-CBP", "EC-PN"}
	var stores []*PGHub
	for i := 0; i < 4; i++ {
		s, err := OpenPGHub(ctx, url, known, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		stores = append(stores, s)
	}
	const writers, batches, per = 4, 25, 20
	ids := cases.NewIDs(cases.SystemClock{})
	hlc := cases.NewHLClock(cases.SystemClock{}, cases.HLC{})
	mk := func() cases.Event {
		return cases.Event{ID: ids.New(), Author: "o", Device: "d", HLC: hlc.Now(), Kind: cases.EventSubjectUpserted,
			Agency: "US-CBP", SharedWith: []string{"EC-PN"}, Payload: []byte(`{}`), Signature: make([]byte, 64)}
	}
	var wg sync.WaitGroup
	errs := make(chan error, writers+1)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := 0; b < batches; b++ {
				evs := make([]cases.Event, per)
				for i := range evs {
					evs[i] = mk()
				}
				acks, err := stores[w].Accept(ctx, DeskIdentity{Agency: "US-CBP", Desk: fmt.Sprint("w", w)}, evs)
				if err != nil {
					errs <- err
					return
				}
				for _, a := range acks {
					if a.Status != exchange.AckStored {
						errs <- fmt.Errorf("ack %+v", a)
						return
					}
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	seen := map[string]int{}
	var cursor int64
	var lastSeq int64
	finished := false
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); {
		select {
		case <-done:
			finished = true
		default:
		}
		resp, err := stores[len(seen)%4].Pull(ctx, "EC-PN", cursor, 37)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range resp.Events {
			seen[d.Event.ID]++
			if d.Seq <= lastSeq {
				t.Fatalf("seq %d after %d", d.Seq, lastSeq)
			}
			lastSeq = d.Seq
		}
		cursor = resp.Next
		if finished && !resp.More && len(resp.Events) == 0 {
			break
		}
	}
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(seen) != writers*batches*per {
		t.Fatalf("the reader saw %d events of %d: it stepped past one", len(seen), writers*batches*per)
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("event %s seen %d times", id, n)
		}
	}
	var n, maxSeq int64
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if err := conn.QueryRow(ctx, `SELECT count(*), max(seq) FROM events`).Scan(&n, &maxSeq); err != nil {
		t.Fatal(err)
	}
	if n != maxSeq || n != writers*batches*per {
		t.Fatalf("%d events, highest seq %d: the sequence has gaps", n, maxSeq)
	}
}

// TestPGTwoHubsServeOneExchange: desks on two hub processes' worth of hubs
// over one database see each other's events.
func TestPGTwoHubsServeOneExchange(t *testing.T) {
	e := newPGTestEnv(t)
	_, url2 := e.startExtraHub(e.cfg)
	us, ec := e.desks["us-1"], e.desks["ec-1"]
	ec.client = e.client("ec-1", url2, ec.log)
	caseID := us.createCase(t, "EC-PN")
	us.note(t, caseID, "seen at the border")
	us.sync(t)
	if r := ec.sync(t); r.Applied != 2 {
		t.Fatalf("desk on the second hub got %+v", r)
	}
	ec.note(t, caseID, "confirmed")
	syncAll(t, e)
	checkConverged(t, e)
}

// TestPGMigrationFromNewerHubIsRefused: a database a newer hub migrated is
// refused, and left as it was.
func TestPGMigrationFromNewerHubIsRefused(t *testing.T) {
	url := newPGDatabase(t)
	ctx := context.Background()
	s, err := OpenPGHub(ctx, url, []string{"US-CBP"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	future := pgSchemaVersion() + 1
	if _, err := conn.Exec(ctx, `INSERT INTO hub_migrations(version, name) VALUES($1, 'from_the_future.sql')`, future); err != nil {
		t.Fatal(err)
	}
	snapshot := func() string {
		var s string
		if err := conn.QueryRow(ctx, `SELECT string_agg(table_name, ',' ORDER BY table_name) || '|' ||
			(SELECT string_agg(version::text || name, ',' ORDER BY version) FROM hub_migrations)
			FROM information_schema.tables WHERE table_schema = 'public'`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := snapshot()
	_, err = OpenPGHub(ctx, url, []string{"US-CBP"}, nil)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("schema version %d, written by a newer hub", future)) {
		t.Fatalf("opening a newer database: %v", err)
	}
	if after := snapshot(); after != before {
		t.Fatalf("the refused database changed:\n%s\n%s", before, after)
	}
}

// TestStoreURLs: malformed store URLs fail when the configuration loads,
// with a message naming the store; an unreachable server fails at start.
func TestStoreURLs(t *testing.T) {
	for _, tc := range []struct{ spec, want string }{
		{"mysql://u@h/db", "must be sqlite:PATH or a postgres:// URL"},
		{"hub.db", "must be sqlite:PATH or a postgres:// URL"},
		{"sqlite:", "sqlite: needs a file path"},
		{"postgres://u:secret@127.0.0.1:notaport/db", "not a valid PostgreSQL URL"},
		{"postgres://u@127.0.0.1/db?sslmode=sometimes", "not a valid PostgreSQL URL"},
	} {
		_, _, err := parseStoreURL(tc.spec)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "secret") {
			t.Errorf("%q: %v, want an error containing %q (and no password)", tc.spec, err, tc.want)
		}
	}
	if k, p, err := parseStoreURL("sqlite:/var/lib/enlace/hub.db"); err != nil || k != "sqlite" || p != "/var/lib/enlace/hub.db" {
		t.Errorf("sqlite: %s %s %v", k, p, err)
	}
	// Nobody listens on the port of a listener just closed.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := OpenHubStore(ctx, "postgres://u:secret@"+addr+"/db?connect_timeout=2", []string{"US-CBP"}); err == nil ||
		!strings.Contains(err.Error(), "hub store postgres://u:xxxxx@"+addr) || strings.Contains(err.Error(), "secret") {
		t.Errorf("unreachable server: %v", err)
	}
}

// TestPGUnreachableDatabaseAnswers503: when the database goes away the hub
// answers pushes and pulls with 503, stores nothing, and the desk's events
// go through once it is back.
func TestPGUnreachableDatabaseAnswers503(t *testing.T) {
	e := newPGTestEnv(t)
	pgAddr := strings.TrimPrefix(e.cfg.StoreURL, "postgres://postgres@")
	pgAddr = pgAddr[:strings.IndexByte(pgAddr, '/')]
	proxy, err := faultproxy.New(pgAddr, faultproxy.Options{Weights: map[faultproxy.Fault]int{faultproxy.Pass: 1}})
	if err != nil {
		t.Fatal(err)
	}
	viaProxy := strings.Replace(e.cfg.StoreURL, pgAddr, proxy.Addr(), 1)
	cfg := e.cfg
	cfg.StoreURL = viaProxy + "&connect_timeout=2"
	_, url2 := e.startExtraHub(cfg)
	us := e.desks["us-1"]
	us.client = e.client("us-1", url2, us.log)
	caseID := us.createCase(t)
	us.sync(t)
	for i := 0; i < 5; i++ {
		us.note(t, caseID, "while the database is away")
	}
	proxy.Close() // the database is unreachable from the second hub
	r := us.client.RunOnce(context.Background())
	if r.OK() || !strings.Contains(r.Err, "503") {
		t.Fatalf("round with the database away: %+v", r)
	}
	if n := len(e.hubEvents(t)); n != 1 {
		t.Fatalf("hub holds %d events, want the 1 from before", n)
	}
	// The desk turns to the first hub, whose database is there.
	us.client = e.client("us-1", e.url(), us.log)
	if r := us.sync(t); r.Acked != 5 {
		t.Fatalf("after: %+v", r)
	}
	syncAll(t, e)
	checkConverged(t, e)
}

// TestPGDatabaseStopsMidBatch: the hub's connections are cut again and again
// while a desk pushes big batches; every push is answered 200 or 503, never
// half-stored: each stored event has its deliveries, the sequence has no
// gap, and the desk ends with everything stored once.
func TestPGDatabaseStopsMidBatch(t *testing.T) {
	e := newPGTestEnv(t)
	us := e.desks["us-1"]
	us.client = e.clientTuned("us-1", e.url(), us.log, func(c *exchange.ClientConfig) { c.BatchSize = 1000 })
	caseID := us.createCase(t, "EC-PN")
	us.sync(t)
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, e.cfg.StoreURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	const total = 1500
	evs := make([]cases.Event, 0, total)
	for i := 0; i < total; i++ {
		a := cases.Annotation{ID: us.ids.New(), CaseID: caseID, Kind: cases.AnnNote, Author: us.officer.ID, Text: fmt.Sprint("note ", i)}
		evs = append(evs, us.event(t, us.officer, cases.EventAnnotationAdded, caseID, nil, a))
	}
	if err := us.log.addMany(evs); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var killed int
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(15 * time.Millisecond):
			}
			var n int
			admin.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
				WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'`).Scan(&n)
			killed += n
		}
	}()
	statuses := map[int]int{}
	for i := 0; i < 200; i++ {
		r := us.client.RunOnce(ctx)
		switch {
		case r.OK():
			statuses[200]++
		case strings.Contains(r.Err, "503"):
			statuses[503]++
		default:
			close(stop)
			wg.Wait()
			t.Fatalf("round failed otherwise than 503: %s", r.Err)
		}
		if r.OK() {
			if p, _ := us.log.Pending(ctx); p == 0 {
				break
			}
		}
	}
	close(stop)
	wg.Wait()
	t.Logf("rounds: %v; backends terminated: %d", statuses, killed)
	var n, maxSeq, orphans, lastSeq int64
	if err := admin.QueryRow(ctx, `SELECT count(*), coalesce(max(seq), 0),
		(SELECT count(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_seq = e.seq)),
		(SELECT last_seq FROM hub_counters) FROM events`).Scan(&n, &maxSeq, &orphans, &lastSeq); err != nil {
		t.Fatal(err)
	}
	if n != maxSeq || maxSeq != lastSeq || orphans != 0 {
		t.Fatalf("half-stored: %d events, max seq %d, counter %d, %d without deliveries", n, maxSeq, lastSeq, orphans)
	}
	us.sync(t)
	if p, _ := us.log.Pending(ctx); p != 0 {
		t.Fatalf("%d events still pending", p)
	}
	syncAll(t, e)
	checkConverged(t, e)
}

// syncAll has every desk do a round, twice, so each holds what the others
// pushed.
func syncAll(t *testing.T, e *testEnv) {
	for pass := 0; pass < 2; pass++ {
		for _, n := range []string{"us-1", "us-2", "ec-1"} {
			e.desks[n].sync(t)
		}
	}
}
