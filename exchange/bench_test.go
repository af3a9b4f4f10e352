package exchange

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/enlace-desk/enlace/cases"
)

const benchEvents = 100_000

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

// BenchmarkPush100k pushes 100,000 signed events from a desk to the hub over
// loopback TLS (reading them from the desk's SQLite log and recording the
// acknowledgements there) and reports events per second.
func BenchmarkPush100k(b *testing.B) {
	e := newTestEnv(b)
	d := e.desks["us-1"]
	caseID := d.createCase(b, "EC-PN")
	d.sync(b)
	var total time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if err := d.log.addMany(benchNotes(b, d, caseID, benchEvents)); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		r, err := d.client.Push(context.Background())
		total += time.Since(start)
		if err != nil || r.Acked != benchEvents {
			b.Fatalf("push: %v %+v", err, r)
		}
	}
	b.ReportMetric(float64(benchEvents*b.N)/total.Seconds(), "events/s")
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
func (l *countingLog) Acknowledge(context.Context, []Ack) error           { return nil }
func (l *countingLog) Cursor(context.Context) (int64, error)              { return l.cursor.Load(), nil }
func (l *countingLog) Apply(_ context.Context, evs []Delivered, next int64) error {
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
	var total time.Duration
	for i := 0; i < b.N; i++ {
		log := &countingLog{}
		c := e.client("ec-1", e.url(), log)
		start := time.Now()
		r, err := c.Pull(context.Background())
		total += time.Since(start)
		if err != nil || r.Applied != benchEvents || log.applied.Load() != benchEvents {
			b.Fatalf("pull: %v %+v", err, r)
		}
	}
	b.ReportMetric(float64(benchEvents*b.N)/total.Seconds(), "events/s")
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
