package hub

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/exchange"
)

const benchEvents = 100_000

// cpuTime is the CPU time this process (desk, hub and, on SQLite, the
// database) has used so far. Benchmarks report CPU per event beside events
// per second: on a shared machine the second depends on the load, the first
// much less.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchNotes makes n signed notes on caseID by the desk's officer.
func benchNotes(b *testing.B, d *testDesk, caseID string, n int) []cases.Event {
	evs := make([]cases.Event, n)
	for i := range evs {
		a := cases.Annotation{ID: d.ids.New(), CaseID: caseID, Kind: cases.AnnNote, Author: d.officer.ID,
			Text: fmt.Sprintf("Benchmark note %d: subject seen at the checkpoint, documents checked.", i)}
		evs[i] = d.event(b, d.officer, cases.EventAnnotationAdded, caseID, nil, a)
	}
	return evs
}

// queueLog is a DeskLog holding unsent events in memory, dropping each once
// the hub answers it: BenchmarkPush100k measures the exchange's side of a
// push (JSON, TLS, the hub's decoding, signature checks and store), not a
// desk's storage, as countingLog does for pulls.
type queueLog struct {
	countingLog
	mu     sync.Mutex
	unsent []cases.Event
}

func (l *queueLog) Unsent(_ context.Context, limit int) ([]cases.Event, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.unsent[:min(limit, len(l.unsent))], nil
}

func (l *queueLog) Pending(context.Context) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.unsent), nil
}

func (l *queueLog) Acknowledge(_ context.Context, acks []exchange.Ack) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, a := range acks {
		if len(l.unsent) == 0 || l.unsent[0].ID != a.ID {
			return fmt.Errorf("ack for %s out of order", a.ID)
		}
		l.unsent = l.unsent[1:]
	}
	return nil
}

// BenchmarkPush100k pushes 100,000 signed events from a desk (held in
// memory) to the hub over loopback TLS and reports events per second.
func BenchmarkPush100k(b *testing.B) {
	benchPush(b, false)
}

// BenchmarkPushFromDeskLog100k is BenchmarkPush100k reading the events from
// the desk's SQLite log (the test double) and recording the answers there.
func BenchmarkPushFromDeskLog100k(b *testing.B) {
	benchPush(b, true)
}

func benchPush(b *testing.B, sqliteLog bool) {
	e := newTestEnv(b)
	d := e.desks["us-1"]
	caseID := d.createCase(b, "EC-PN")
	d.sync(b)
	var total, cpu time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		evs := benchNotes(b, d, caseID, benchEvents)
		client := d.client
		if sqliteLog {
			if err := d.log.addMany(evs); err != nil {
				b.Fatal(err)
			}
		} else {
			client = e.client(d.name, e.url(), &queueLog{unsent: evs})
		}
		runtime.GC()
		b.StartTimer()
		start, cpu0 := time.Now(), cpuTime()
		r, err := client.Push(context.Background())
		total += time.Since(start)
		cpu += cpuTime() - cpu0
		if err != nil || r.Acked != benchEvents {
			b.Fatalf("push: %v %+v", err, r)
		}
	}
	b.ReportMetric(float64(benchEvents*b.N)/total.Seconds(), "events/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(benchEvents*b.N), "cpu-µs/event")
}

// countingLog is a DeskLog that keeps nothing but a count and the cursor:
// BenchmarkPull100k measures the exchange's side of a pull (hub query, TLS,
// JSON, signature checks), not a desk's storage.
type countingLog struct {
	applied atomic.Int64
	cursor  atomic.Int64
}

func (l *countingLog) Unsent(context.Context, int) ([]cases.Event, error) { return nil, nil }
func (l *countingLog) Pending(context.Context) (int, error)               { return 0, nil }
func (l *countingLog) Acknowledge(context.Context, []exchange.Ack) error  { return nil }
func (l *countingLog) Cursor(context.Context) (int64, error)              { return l.cursor.Load(), nil }
func (l *countingLog) Apply(_ context.Context, evs []exchange.Delivered, next int64) error {
	l.applied.Add(int64(len(evs)))
	l.cursor.Store(next)
	return nil
}

// benchHubWith100k is a hub holding 100,000 events shared with EC-PN.
func benchHubWith100k(b *testing.B) *testEnv {
	e := newTestEnv(b)
	d := e.desks["us-1"]
	caseID := d.createCase(b, "EC-PN")
	if err := d.log.addMany(benchNotes(b, d, caseID, benchEvents-1)); err != nil {
		b.Fatal(err)
	}
	if _, err := d.client.Push(context.Background()); err != nil {
		b.Fatal(err)
	}
	return e
}

// BenchmarkPull100k pulls 100,000 events from the hub to a desk of the
// partner agency over loopback TLS, verifying every signature, and reports
// events per second.
func BenchmarkPull100k(b *testing.B) {
	e := benchHubWith100k(b)
	b.ResetTimer()
	var total, cpu time.Duration
	for i := 0; i < b.N; i++ {
		log := &countingLog{}
		c := e.client("ec-1", e.url(), log)
		start, cpu0 := time.Now(), cpuTime()
		r, err := c.Pull(context.Background())
		total += time.Since(start)
		cpu += cpuTime() - cpu0
		if err != nil || r.Applied != benchEvents || log.applied.Load() != benchEvents {
			b.Fatalf("pull: %v %+v", err, r)
		}
	}
	b.ReportMetric(float64(benchEvents*b.N)/total.Seconds(), "events/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(benchEvents*b.N), "cpu-µs/event")
}

// BenchmarkCatchUp100k is a desk that was offline while 100,000 events were
// shared with it: one sync round pulls, verifies and applies them all to its
// SQLite log (the test double; the real store's figure will differ). It
// reports the seconds the round took.
func BenchmarkCatchUp100k(b *testing.B) {
	e := benchHubWith100k(b)
	b.ResetTimer()
	var total time.Duration
	for i := 0; i < b.N; i++ {
		log := openTestLog(b, filepath.Join(b.TempDir(), "catchup.db"))
		c := e.client("ec-1", e.url(), log)
		r := c.RunOnce(context.Background())
		total += r.Duration
		if !r.OK() || r.Applied != benchEvents {
			b.Fatalf("catch-up: %+v", r)
		}
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "s/catch-up")
	b.ReportMetric(float64(benchEvents*b.N)/total.Seconds(), "events/s")
}

// BenchmarkPushTwoHubs100k is BenchmarkPush100k with two hubs on one
// PostgreSQL database (ENLACE_HUB_BACKEND=postgres): two desks push 50,000
// events each at once, each to its own hub. It reports the events per
// second of both together.
func BenchmarkPushTwoHubs100k(b *testing.B) {
	if testBackend() != "postgres" {
		b.Skip("two hubs share a database only on PostgreSQL: set ENLACE_HUB_BACKEND=postgres")
	}
	e := newTestEnv(b)
	_, url2 := e.startExtraHub(e.cfg)
	d1, d2 := e.desks["us-1"], e.desks["us-2"]
	d2.client = e.client("us-2", url2, d2.log)
	caseID := d1.createCase(b, "EC-PN")
	d1.sync(b)
	var total, cpu time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		for _, d := range []*testDesk{d1, d2} {
			if err := d.log.addMany(benchNotes(b, d, caseID, benchEvents/2)); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		start, cpu0 := time.Now(), cpuTime()
		var wg sync.WaitGroup
		rounds := make([]exchange.Round, 2)
		errs := make([]error, 2)
		for k, d := range []*testDesk{d1, d2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rounds[k], errs[k] = d.client.Push(context.Background())
			}()
		}
		wg.Wait()
		total += time.Since(start)
		cpu += cpuTime() - cpu0
		for k := range rounds {
			if errs[k] != nil || rounds[k].Acked != benchEvents/2 {
				b.Fatalf("push %d: %v %+v", k, errs[k], rounds[k])
			}
		}
	}
	b.ReportMetric(float64(benchEvents*b.N)/total.Seconds(), "events/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(benchEvents*b.N), "cpu-µs/event")
}

// BenchmarkPullTwoHubs100k: two desks of the partner agency pull the same
// 100,000 events at once, one from each of two hubs on one PostgreSQL
// database (ENLACE_HUB_BACKEND=postgres). It reports events delivered per
// second, both desks together.
func BenchmarkPullTwoHubs100k(b *testing.B) {
	if testBackend() != "postgres" {
		b.Skip("two hubs share a database only on PostgreSQL: set ENLACE_HUB_BACKEND=postgres")
	}
	e := benchHubWith100k(b)
	_, url2 := e.startExtraHub(e.cfg)
	b.ResetTimer()
	var total, cpu time.Duration
	for i := 0; i < b.N; i++ {
		logs := []*countingLog{{}, {}}
		clients := []*exchange.Client{e.client("ec-1", e.url(), logs[0]), e.client("ec-1", url2, logs[1])}
		start, cpu0 := time.Now(), cpuTime()
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for k, c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[k] = c.Pull(context.Background())
			}()
		}
		wg.Wait()
		total += time.Since(start)
		cpu += cpuTime() - cpu0
		for k := range logs {
			if errs[k] != nil || logs[k].applied.Load() != benchEvents {
				b.Fatalf("pull %d: %v, %d applied", k, errs[k], logs[k].applied.Load())
			}
		}
	}
	b.ReportMetric(float64(2*benchEvents*b.N)/total.Seconds(), "events/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(2*benchEvents*b.N), "cpu-µs/event")
}

// BenchmarkCatchUp1M is a desk that was offline while 1,000,000 events were
// shared with it: one sync round pulls, verifies and applies them all to its
// SQLite log (the test double). The hub is filled through its store
// (signed events, no HTTP) before the timer starts. It reports the seconds
// the round took, events per second, the peak Go heap sampled during the
// round and the process's peak resident size (hub and desk together, setup
// included). Run it alone: go test -run '^$' -bench CatchUp1M ./exchange
func BenchmarkCatchUp1M(b *testing.B) {
	const n = 1_000_000
	e := newTestEnv(b)
	d := e.desks["us-1"]
	caseID := d.createCase(b, "EC-PN")
	d.sync(b)
	ctx := context.Background()
	id := DeskIdentity{Agency: "US-CBP", Desk: "us-1"}
	const batch = 1000
	evs := make([]cases.Event, batch)
	for done := 0; done < n-1; done += batch {
		k := min(batch, n-1-done)
		exchange.Parallel(k, func(i int) {
			a := cases.Annotation{ID: d.ids.New(), CaseID: caseID, Kind: cases.AnnNote, Author: d.officer.ID,
				Text: fmt.Sprintf("Catch-up note %d: subject seen at the checkpoint, documents checked.", done+i)}
			body, _ := json.Marshal(a)
			ev := cases.Event{ID: a.ID, Author: d.officer.ID, Device: d.name, HLC: d.hlc.Now(), Kind: cases.EventAnnotationAdded,
				CaseID: caseID, Agency: d.agency, Payload: body}
			if err := exchange.SignEvent(&ev, d.keys); err != nil {
				panic(err)
			}
			evs[i] = ev
		})
		acks, err := e.hub.Store().Accept(ctx, id, evs[:k])
		if err != nil {
			b.Fatal(err)
		}
		if acks[k-1].Status != exchange.AckStored {
			b.Fatalf("ack %+v", acks[k-1])
		}
	}
	b.ResetTimer()
	var total time.Duration
	var peak uint64
	for i := 0; i < b.N; i++ {
		runtime.GC()
		log := openTestLog(b, filepath.Join(b.TempDir(), "catchup.db"))
		c := e.client("ec-1", e.url(), log)
		stop := make(chan struct{})
		sampled := make(chan uint64)
		go func() {
			var max uint64
			var ms runtime.MemStats
			t := time.NewTicker(100 * time.Millisecond)
			defer t.Stop()
			for {
				runtime.ReadMemStats(&ms)
				max = maxOf(max, ms.HeapInuse)
				select {
				case <-stop:
					sampled <- max
					return
				case <-t.C:
				}
			}
		}()
		r := c.RunOnce(ctx)
		close(stop)
		peak = maxOf(peak, <-sampled)
		total += r.Duration
		if !r.OK() || r.Applied != n {
			b.Fatalf("catch-up: %+v", r)
		}
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	b.ReportMetric(total.Seconds()/float64(b.N), "s/catch-up")
	b.ReportMetric(float64(n*b.N)/total.Seconds(), "events/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(ru.Maxrss)/1024, "maxrss-MB")
}

func maxOf(a, b uint64) uint64 {
	if a > b {
		return a
	}
	return b
}
