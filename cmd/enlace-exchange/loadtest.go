package main

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/exchange"
	"github.com/enlace-desk/enlace/exchange/hub"
	"github.com/enlace-desk/enlace/exchange/officerkey"
	"github.com/enlace-desk/enlace/internal/passphrase"
)

// Bounds of a load test: it is for loopback hubs on one machine.
const (
	maxLoadDuration = 10 * time.Minute
	maxLoadEvents   = 10_000_000
	maxLoadDesks    = 256
)

// loadOptions configure a load test.
type loadOptions struct {
	hubs     []string      // hub URLs, https://127.0.0.1:PORT; every desk fails over between them
	pki      string        // directory written by "enlace-exchange init" (desk certificates are added to it)
	desks    int           // simulated desks, split between the agencies
	events   int           // stop creating events after this many
	duration time.Duration // stop creating events after this long
	batch    int           // events a desk creates between two pushes
}

func newLoadtestCmd(stdout io.Writer) *cobra.Command {
	o := loadOptions{}
	c := &cobra.Command{
		Use:   "loadtest --pki DIR --hub URL [--hub URL]...",
		Short: "Load loopback hubs with desks of both agencies, then check delivery",
		Long: `loadtest runs desks of both agencies (certificates and officer keys from the
init directory, the keys opened with the passphrase init sealed them with, from
ENLACE_PASSPHRASE_FILE or typed; every desk fails over between the hubs)
pushing and pulling at once until the time or the count is up, lets every desk
catch up, then prints events/s, p50 and p99 push latency, errors and failovers,
and checks that every desk holds every event of the run it may see, once, and
none it may not. It only targets loopback addresses, and exits 1 if anything
is lost, duplicated, misdelivered or rejected.`,
		Example: `  enlace-exchange loadtest --pki ./pki --hub https://127.0.0.1:8443 --duration 30s
  enlace-exchange loadtest --pki ./pki --hub https://127.0.0.1:8443 --hub https://127.0.0.1:8444 --desks 8 --events 20000`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(o.hubs) == 0 || o.pki == "" {
				return usageError("loadtest needs --pki DIR and at least one --hub URL (see `%s --help`)", cmd.CommandPath())
			}
			rep, err := runLoadTest(context.Background(), o, stdout)
			if err != nil {
				return err
			}
			if rep.lost+rep.duplicated+rep.leaked+rep.rejected > 0 {
				return fmt.Errorf("the load test found %d lost, %d duplicated, %d misdelivered and %d rejected events", rep.lost, rep.duplicated, rep.leaked, rep.rejected)
			}
			return nil
		},
	}
	f := c.Flags()
	f.StringArrayVar(&o.hubs, "hub", nil, "hub URL on loopback, https://127.0.0.1:PORT (repeat for several hubs on one store)")
	f.StringVar(&o.pki, "pki", "", "directory written by enlace-exchange init (desk certificates and officer keys)")
	f.IntVar(&o.desks, "desks", 8, "simulated desks, half of each agency")
	f.IntVar(&o.events, "events", 100_000, "stop after creating this many events")
	f.DurationVar(&o.duration, "duration", 30*time.Second, "stop creating events after this long")
	f.IntVar(&o.batch, "batch", 50, "events a desk creates between two pushes")
	return c
}

func (o *loadOptions) check() error {
	if o.desks < 2 || o.desks > maxLoadDesks {
		return fmt.Errorf("--desks %d: between 2 and %d", o.desks, maxLoadDesks)
	}
	if o.events < 1 || o.events > maxLoadEvents {
		return fmt.Errorf("--events %d: between 1 and %d", o.events, maxLoadEvents)
	}
	if o.duration <= 0 || o.duration > maxLoadDuration {
		return fmt.Errorf("--duration %v: more than 0 and at most %v", o.duration, maxLoadDuration)
	}
	if o.batch < 1 || o.batch > exchange.MaxPushEvents {
		return fmt.Errorf("--batch %d: between 1 and %d", o.batch, exchange.MaxPushEvents)
	}
	for _, h := range o.hubs {
		u, err := url.Parse(h)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			return fmt.Errorf("--hub %q: not an https:// URL", h)
		}
		ip := net.ParseIP(u.Hostname())
		if u.Hostname() == "localhost" {
			ip = net.IPv4(127, 0, 0, 1)
		}
		if ip == nil || !ip.IsLoopback() {
			return fmt.Errorf("--hub %q: the load test only targets hubs on loopback (127.0.0.0/8, ::1, localhost)", h)
		}
	}
	return nil
}

// loadReport is what a load test measured and found.
type loadReport struct {
	created, acked, rejected int
	pushes                   int
	p50, p99                 time.Duration
	errors                   int
	failovers                int
	elapsed                  time.Duration
	lost, duplicated, leaked int
}

// loadDesk is one simulated desk: an in-memory log and a sync client.
type loadDesk struct {
	name, agency string
	officer      string
	keys         *officerkey.Keyring
	client       *exchange.Client
	log          *memLog
	ids          *cases.IDs
	hlc          *cases.HLClock
	caseID       string
	shared       bool
}

// memLog is a DeskLog in memory that remembers how often each event was
// delivered to it.
type memLog struct {
	mu        sync.Mutex
	unsent    []cases.Event
	acked     map[string]int64 // own events the hub holds
	rejected  map[string]string
	delivered map[string]int   // event ID -> times a pull delivered it
	seqs      map[string]int64 // event ID -> hub seq, as delivered
	cursor    int64
	runCases  map[string]bool // the cases of this run; events of earlier runs are only counted
	earlier   int
}

func newMemLog(runCases map[string]bool) *memLog {
	return &memLog{runCases: runCases, acked: map[string]int64{}, rejected: map[string]string{}, delivered: map[string]int{}, seqs: map[string]int64{}}
}

func (l *memLog) add(evs []cases.Event) {
	l.mu.Lock()
	l.unsent = append(l.unsent, evs...)
	l.mu.Unlock()
}

func (l *memLog) Unsent(_ context.Context, limit int) ([]cases.Event, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.unsent[:min(limit, len(l.unsent))]), nil
}

func (l *memLog) Pending(context.Context) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.unsent), nil
}

func (l *memLog) Acknowledge(_ context.Context, acks []exchange.Ack) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	done := map[string]bool{}
	for _, a := range acks {
		done[a.ID] = true
		if a.Status == exchange.AckRejected {
			l.rejected[a.ID] = a.Error
		} else {
			l.acked[a.ID] = a.Seq
		}
	}
	l.unsent = slices.DeleteFunc(l.unsent, func(ev cases.Event) bool { return done[ev.ID] })
	return nil
}

func (l *memLog) Cursor(context.Context) (int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cursor, nil
}

func (l *memLog) Apply(_ context.Context, evs []exchange.Delivered, next int64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, d := range evs {
		if !l.runCases[d.Event.CaseID] {
			l.earlier++
			continue
		}
		l.delivered[d.Event.ID]++
		l.seqs[d.Event.ID] = d.Seq
	}
	l.cursor = next
	return nil
}

// runLoadTest runs desks of both agencies pushing and pulling at once
// against the hubs until the time or the count is up, lets every desk catch
// up, and checks that each holds every event its agency may see, once, and
// none other.
func runLoadTest(ctx context.Context, o loadOptions, out io.Writer) (loadReport, error) {
	var rep loadReport
	if err := o.check(); err != nil {
		return rep, err
	}
	pki, officers, err := loadDevPKIDesks(o.pki)
	if err != nil {
		return rep, err
	}
	// The simulated officers sign with the PKI's keys, sealed with its
	// passphrase (ENLACE_PASSPHRASE_FILE, or typed): one keyring per agency.
	pass, err := passphrase.Std().Read("Passphrase of the PKI's officer keys: ")
	if err != nil {
		return rep, err
	}
	defer clear(pass)
	rings := map[string]*officerkey.Keyring{}
	agencies := []string{"US-CBP", "EC-PN"}
	// The run's cases are numbered like any case (the hub's rule book
	// checks case numbers): desk 99 of each agency, sequence numbers from a
	// random base, so runs against one database rarely meet.
	var rb [4]byte
	rand.Read(rb[:])
	base := 1000 * (1 + int(binary.BigEndian.Uint32(rb[:])%999_999))
	runCases := map[string]bool{}
	for i := 0; i < o.desks; i++ {
		runCases[cases.CaseNumber(agencies[i%2], 2026, 99, base+i)] = true
	}
	var desks []*loadDesk
	for i := 0; i < o.desks; i++ {
		agency := agencies[i%2]
		first, ok := pki[agency]
		if !ok {
			return rep, fmt.Errorf("%s has no desk of %s", o.pki, agency)
		}
		// Each simulated desk has a certificate of its own (the hub takes one
		// push at a time per desk), issued once by its agency's CA.
		name := fmt.Sprintf("load-%s-%d", strings.ToLower(agency), i)
		files, err := hub.AddDevDesk(o.pki, name, agency, first.KeyDir)
		if err != nil {
			return rep, fmt.Errorf("issuing a certificate for desk %s: %w", name, err)
		}
		officer, err := firstOfficer(officers, files.KeyDir, agency)
		if err != nil {
			return rep, err
		}
		ring, ok := rings[agency]
		if !ok {
			ring = officerkey.NewKeyring(first.KeyDir)
			if err := ring.Unlock(officer, pass); err != nil {
				return rep, err
			}
			rings[agency] = ring
		}
		tlsCfg, err := files.TLSConfig()
		if err != nil {
			return rep, err
		}
		d := &loadDesk{name: name, agency: agency, officer: officer,
			keys: ring, log: newMemLog(runCases), ids: cases.NewIDs(cases.SystemClock{}),
			hlc: cases.NewHLClock(cases.SystemClock{}, cases.HLC{}), shared: i%4 < 2,
			caseID: cases.CaseNumber(agency, 2026, 99, base+i)}
		d.client, err = exchange.NewClient(exchange.ClientConfig{HubURL: o.hubs[i%len(o.hubs)], HubURLs: rotate(o.hubs, i), TLS: tlsCfg,
			Log: d.log, BatchSize: exchange.MaxPushEvents, RequestTimeout: 30 * time.Second})
		if err != nil {
			return rep, err
		}
		defer d.client.Close()
		desks = append(desks, d)
	}
	fmt.Fprintf(out, "loadtest: %d desks of %s against %d hub(s) for at most %v or %d events, batches of %d\n",
		len(desks), strings.Join(agencies, " and "), len(o.hubs), o.duration, o.events, o.batch)

	var created, errCount atomic.Int64
	var latMu sync.Mutex
	var lats []time.Duration
	deadline := time.Now().Add(o.duration)
	start := time.Now()
	var wg sync.WaitGroup
	for _, d := range desks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			first := true
			for time.Now().Before(deadline) && ctx.Err() == nil {
				n := int64(o.batch)
				if first {
					n = 1
				}
				for {
					cur := created.Load()
					if cur >= int64(o.events) {
						return
					}
					n = min(n, int64(o.events)-cur)
					if created.CompareAndSwap(cur, cur+n) {
						break
					}
				}
				evs, err := d.makeEvents(int(n), first)
				if err != nil {
					errCount.Add(1)
					return
				}
				first = false
				d.log.add(evs)
				t0 := time.Now()
				r, err := d.client.Push(ctx)
				lat := time.Since(t0)
				if err != nil {
					errCount.Add(1)
				} else if r.Pushed > 0 {
					latMu.Lock()
					lats = append(lats, lat)
					latMu.Unlock()
				}
				if _, err := d.client.Pull(ctx); err != nil {
					errCount.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	rep.elapsed = time.Since(start)
	// Catch up: every desk pushes what is left and pulls everything, twice
	// over, each with a bounded number of tries.
	for pass := 0; pass < 2; pass++ {
		for _, d := range desks {
			for try := 0; ; try++ {
				r := d.client.RunOnce(ctx)
				pending, _ := d.log.Pending(ctx)
				if r.OK() && pending == 0 {
					break
				}
				errCount.Add(1)
				if try == 30 {
					return rep, fmt.Errorf("desk %s could not finish a sync round after the load: %s", d.name, r.Err)
				}
				time.Sleep(200 * time.Millisecond)
			}
		}
	}
	rep.created = int(created.Load())
	rep.errors = int(errCount.Load())
	rep.pushes = len(lats)
	sort.Slice(lats, func(i, j int) bool { return lats[i] < lats[j] })
	if len(lats) > 0 {
		rep.p50 = lats[len(lats)/2]
		rep.p99 = lats[min(len(lats)-1, len(lats)*99/100)]
	}
	rep.check(desks)
	for _, d := range desks {
		rep.failovers += d.client.Status().Failovers
	}
	fmt.Fprintf(out, "pushed %d events (%d stored, %d rejected) in %v: %.0f events/s\n", rep.created, rep.acked, rep.rejected,
		rep.elapsed.Round(time.Millisecond), float64(rep.acked)/rep.elapsed.Seconds())
	fmt.Fprintf(out, "push latency over %d pushes: p50 %v, p99 %v\n", rep.pushes, rep.p50.Round(100*time.Microsecond), rep.p99.Round(100*time.Microsecond))
	fmt.Fprintf(out, "errors: %d (failed pushes, pulls and rounds, each retried); requests moved to another hub: %d\n", rep.errors, rep.failovers)
	fmt.Fprintf(out, "check: every desk holds every event it may see: lost %d, duplicated %d, misdelivered %d\n", rep.lost, rep.duplicated, rep.leaked)
	return rep, nil
}

// check compares what each desk holds with what it may see: the events of
// its agency and of the cases shared with it.
func (rep *loadReport) check(desks []*loadDesk) {
	type info struct {
		agency string
		shared bool
		seq    int64
	}
	all := map[string]info{}
	for _, d := range desks {
		d.log.mu.Lock()
		for id, seq := range d.log.acked {
			all[id] = info{agency: d.agency, shared: d.shared, seq: seq}
		}
		rep.rejected += len(d.log.rejected)
		rep.lost += len(d.log.unsent)
		d.log.mu.Unlock()
	}
	rep.acked = len(all)
	for _, d := range desks {
		d.log.mu.Lock()
		for id, ev := range all {
			may := ev.agency == d.agency || ev.shared
			n := d.log.delivered[id]
			switch {
			case may && n == 0:
				rep.lost++
			case !may && n > 0:
				rep.leaked++
			}
			if n > 1 {
				rep.duplicated += n - 1
			}
			if n > 0 && d.log.seqs[id] != ev.seq {
				rep.duplicated++ // held under another sequence number than its author's ack
			}
		}
		for id := range d.log.delivered {
			if _, ok := all[id]; !ok {
				rep.leaked++ // not an event of this run
			}
		}
		d.log.mu.Unlock()
	}
}

// makeEvents creates n signed events: the desk's case first, then notes on it.
func (d *loadDesk) makeEvents(n int, first bool) ([]cases.Event, error) {
	evs := make([]cases.Event, 0, n)
	for i := 0; i < n; i++ {
		var kind cases.EventKind
		var payload any
		if first && i == 0 {
			var shared []string
			if d.shared {
				shared = []string{map[string]string{"US-CBP": "EC-PN", "EC-PN": "US-CBP"}[d.agency]}
			}
			kind = cases.EventCaseCreated
			payload = cases.CaseCreated{Case: cases.Case{ID: d.caseID, Title: "load test " + d.caseID, Status: cases.StatusNew,
				Priority: cases.PriorityNormal, OwnerAgency: d.agency, SharedWith: shared}}
		} else {
			kind = cases.EventAnnotationAdded
			payload = cases.Annotation{ID: d.ids.New(), CaseID: d.caseID, Kind: cases.AnnNote, Author: d.officer,
				Text: "Load test note: subject seen at the checkpoint, documents checked."}
		}
		body, err := json.Marshal(payload)
		if err != nil {
			return nil, err
		}
		ev := cases.Event{ID: d.ids.New(), Author: d.officer, Device: d.name, HLC: d.hlc.Now(), Kind: kind, CaseID: d.caseID,
			Agency: d.agency, Payload: body}
		if err := exchange.SignEvent(&ev, d.keys); err != nil {
			return nil, err
		}
		evs = append(evs, ev)
	}
	return evs, nil
}

// rotate returns the hubs after the i-th (mod len), wrapping: the ones a
// desk that starts on hubs[i] fails over to.
func rotate(hubs []string, i int) []string {
	var out []string
	for k := 1; k < len(hubs); k++ {
		out = append(out, hubs[(i+k)%len(hubs)])
	}
	return out
}

// loadDevPKIDesks finds, in a directory written by init, one desk of each
// agency: DIR/desks/NAME/{desk.pem,desk.key,hub-ca.pem,officers/}.
func loadDevPKIDesks(dir string) (map[string]hub.DeskFiles, []hub.OfficerConfig, error) {
	cfg, err := hub.LoadHubConfig(filepath.Join(dir, "hub.json"))
	if err != nil {
		return nil, nil, fmt.Errorf("--pki %s: %w", dir, err)
	}
	entries, err := os.ReadDir(filepath.Join(dir, "desks"))
	if err != nil {
		return nil, nil, fmt.Errorf("--pki %s: no desks directory: %w", dir, err)
	}
	out := map[string]hub.DeskFiles{}
	for _, e := range entries {
		ddir := filepath.Join(dir, "desks", e.Name())
		files := hub.DeskFiles{Name: e.Name(), CertFile: filepath.Join(ddir, "desk.pem"), KeyFile: filepath.Join(ddir, "desk.key"),
			HubCAFile: filepath.Join(ddir, "hub-ca.pem"), KeyDir: filepath.Join(ddir, "officers")}
		tlsCfg, err := files.TLSConfig()
		if err != nil {
			continue
		}
		leaf := tlsCfg.Certificates[0].Leaf
		if leaf == nil || len(leaf.Subject.Organization) == 0 {
			continue
		}
		files.Agency = leaf.Subject.Organization[0]
		if _, ok := out[files.Agency]; !ok && slices.ContainsFunc(cfg.Agencies, func(a hub.AgencyConfig) bool { return a.Code == files.Agency }) {
			out[files.Agency] = files
		}
	}
	if len(out) == 0 {
		return nil, nil, errors.New("--pki " + dir + ": no desk certificates found")
	}
	return out, cfg.Officers, nil
}

// firstOfficer returns the first registered officer of agency whose
// signing key is in keyDir.
func firstOfficer(officers []hub.OfficerConfig, keyDir, agency string) (string, error) {
	for _, o := range officers {
		if o.Agency != agency {
			continue
		}
		if _, err := os.Stat(filepath.Join(keyDir, o.ID+".key")); err == nil {
			return o.ID, nil
		}
	}
	return "", fmt.Errorf("no key of a registered %s officer in %s", agency, keyDir)
}
