package hub

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/exchange"
	"github.com/enlace-desk/enlace/exchange/faultproxy"
)

// workload makes random offline changes on desks: cases (shared or not),
// notes, status moves on each desk's own view, resolutions, sharing changes
// and subjects.
type workload struct {
	t   testing.TB
	rng *rand.Rand
}

func (w *workload) other(agency string) string {
	if agency == "US-CBP" {
		return "EC-PN"
	}
	return "US-CBP"
}

func (w *workload) act(d *testDesk) {
	t, rng := w.t, w.rng
	known := d.log.cases(t)
	pick := func() string { return known[rng.IntN(len(known))] }
	switch n := rng.IntN(100); {
	case n < 20 || len(known) == 0:
		var shared []string
		if rng.IntN(2) == 0 {
			shared = []string{w.other(d.agency)}
		}
		d.createCase(t, shared...)
	case n < 40:
		d.note(t, pick(), fmt.Sprintf("note %d", rng.IntN(1000)))
	case n < 75:
		id := pick()
		v := d.view(t, id)
		if v.conflict && rng.IntN(2) == 0 {
			d.resolve(t, id, cases.Statuses[rng.IntN(len(cases.Statuses))])
			return
		}
		var tos []cases.Status
		for _, tr := range cases.Transitions() {
			if tr.From == v.status {
				tos = append(tos, tr.To)
			}
		}
		if len(tos) == 0 {
			return
		}
		d.moveStatus(t, id, tos[rng.IntN(len(tos))])
	case n < 85:
		id := pick()
		agency, _, _, _, err := cases.ParseCaseNumber(id)
		if err != nil || agency != d.agency {
			d.note(t, id, "not mine to share")
			return
		}
		if rng.IntN(2) == 0 {
			d.share(t, id, w.other(d.agency))
		} else {
			d.share(t, id)
		}
	default:
		var shared []string
		if rng.IntN(2) == 0 {
			shared = []string{w.other(d.agency)}
		}
		d.emit(t, d.event(t, d.officer, cases.EventSubjectUpserted, "", shared,
			cases.Subject{ID: d.ids.New(), OwnerAgency: d.agency, Category: cases.CategoryOther}))
	}
}

// runWorkload does rounds of random offline work, each followed by a random
// subset of desks syncing in random order, then lets every desk sync twice.
// syncDesk does one desk's sync (retrying through faults if it must).
func runWorkload(t testing.TB, e *testEnv, rng *rand.Rand, rounds int, syncDesk func(*testDesk)) {
	w := &workload{t: t, rng: rng}
	names := []string{"us-1", "us-2", "ec-1"}
	for r := 0; r < rounds; r++ {
		for _, n := range names {
			for k := rng.IntN(6); k > 0; k-- {
				w.act(e.desks[n])
			}
		}
		order := slices.Clone(names)
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, n := range order[:rng.IntN(len(order)+1)] {
			syncDesk(e.desks[n])
		}
	}
	for pass := 0; pass < 2; pass++ {
		for _, n := range names {
			syncDesk(e.desks[n])
		}
	}
}

// checkConverged checks that the hub holds every event exactly once, that
// each desk holds exactly the events delivered to its agency with the hub's
// sequence numbers and verdicts, and that each desk projects every case it
// may see to the hub's status, version and conflict flag.
func checkConverged(t testing.TB, e *testEnv) {
	t.Helper()
	hub := e.hubEvents(t)
	ctx := context.Background()
	for _, name := range []string{"us-1", "us-2", "ec-1"} {
		d := e.desks[name]
		held := d.held(t)
		for id, h := range held {
			switch h.state {
			case "unsent":
				t.Fatalf("desk %s: event %s was never sent", name, id)
			case "rejected":
				if _, ok := hub[id]; ok {
					t.Fatalf("desk %s: event %s is rejected here but stored at the hub", name, id)
				}
				continue
			}
			he, ok := hub[id]
			if !ok {
				t.Fatalf("desk %s holds %s event %s (%s) that the hub does not", name, h.ev.Kind, id, h.state)
			}
			if !slices.Contains(he.deliverTo, d.agency) {
				t.Fatalf("desk %s holds event %s that was never delivered to %s", name, id, d.agency)
			}
			if he.seq != h.seq || he.conflict != h.conflict {
				t.Fatalf("desk %s: event %s seq %d conflict %v, hub says %d %v", name, id, h.seq, h.conflict, he.seq, he.conflict)
			}
		}
		for id, he := range hub {
			if slices.Contains(he.deliverTo, d.agency) {
				if _, ok := held[id]; !ok {
					t.Fatalf("desk %s never received event %s", name, id)
				}
			}
		}
		cursor, _ := d.log.Cursor(ctx)
		for _, caseID := range d.log.cases(t) {
			st, ok, err := e.hub.Store().CaseState(ctx, caseID)
			if err != nil || !ok {
				t.Fatalf("hub does not know case %s: %v", caseID, err)
			}
			if !st.visibleTo(d.agency) {
				continue // no longer shared with this desk: it keeps what it had
			}
			v := d.view(t, caseID)
			if v.status != st.Status || v.version != st.Version || v.conflict != st.Conflict {
				t.Fatalf("desk %s (cursor %d): case %s is %s v%d conflict=%v, hub says %s v%d conflict=%v",
					name, cursor, caseID, v.status, v.version, v.conflict, st.Status, st.Version, st.Conflict)
			}
		}
	}
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// TestPropertyDesksConverge: three desks of two agencies make random offline
// changes and reconnect in random orders; all converge to the hub's state.
// ENLACE_SYNC_SEEDS=200 runs 200 seeds.
func TestPropertyDesksConverge(t *testing.T) {
	seeds := envInt("ENLACE_SYNC_SEEDS", 4)
	for seed := 1; seed <= seeds; seed++ {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			e := newTestEnv(t)
			rng := rand.New(rand.NewPCG(uint64(seed), 42))
			runWorkload(t, e, rng, 6, func(d *testDesk) { d.sync(t) })
			checkConverged(t, e)
		})
	}
}

// TestConvergeThroughFaultyNetwork runs the random workload with every desk
// talking to the hub through a proxy that drops, delays, truncates, loses
// responses and replays requests. Each desk retries until a round completes.
func TestConvergeThroughFaultyNetwork(t *testing.T) {
	seeds := envInt("ENLACE_FAULT_SEEDS", 2)
	for seed := 1; seed <= seeds; seed++ {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			e := newTestEnv(t)
			proxy, err := faultproxy.New(e.addr, faultproxy.Options{Seed: uint64(seed)})
			if err != nil {
				t.Fatal(err)
			}
			defer proxy.Close()
			for _, name := range []string{"us-1", "us-2", "ec-1"} {
				d := e.desks[name]
				d.client = e.clientTuned(name, "https://"+proxy.Addr(), d.log, func(c *exchange.ClientConfig) {
					// A connection per request, so that every request meets a fault.
					c.DisableKeepAlives = true
					c.BatchSize = 7 // many requests, many faults
					c.PullLimit = 5
				})
			}
			failed, resent := 0, 0
			rng := rand.New(rand.NewPCG(uint64(seed), 7))
			runWorkload(t, e, rng, 8, func(d *testDesk) {
				for i := 0; ; i++ {
					r := d.client.RunOnce(context.Background())
					resent += r.Resent
					if r.OK() {
						return
					}
					failed++
					if i == 500 {
						t.Fatalf("desk %s: no round completed through the proxy in 500 attempts", d.name)
					}
				}
			})
			checkConverged(t, e)
			stats := proxy.Stats()
			t.Logf("proxy faults: %v; failed rounds: %d; events sent again after a lost answer: %d", stats, failed, resent)
			for _, f := range []faultproxy.Fault{faultproxy.Refuse, faultproxy.TruncateRequest, faultproxy.TruncateResponse, faultproxy.LoseResponse, faultproxy.Duplicate} {
				if stats[f] == 0 {
					t.Errorf("fault %s never happened; the test proves less than it claims", f)
				}
			}
		})
	}
}

// TestLostAnswerIsSentAgainHarmlessly: the hub stores a batch but the answer
// never reaches the desk; the desk sends the batch again and the hub answers
// with the original sequence numbers.
func TestLostAnswerIsSentAgainHarmlessly(t *testing.T) {
	e := newTestEnv(t)
	proxy, err := faultproxy.New(e.addr, faultproxy.Options{Weights: map[faultproxy.Fault]int{faultproxy.LoseResponse: 1}})
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	d := e.desks["us-1"]
	d.client = e.client("us-1", "https://"+proxy.Addr(), d.log)
	caseID := d.createCase(t)
	for i := 0; i < 9; i++ {
		d.note(t, caseID, "note")
	}
	if r := d.client.RunOnce(context.Background()); r.OK() || r.Acked != 0 {
		t.Fatalf("round through a proxy that loses every answer: %+v", r)
	}
	if n := len(e.hubEvents(t)); n != 10 {
		t.Fatalf("hub holds %d events after the lost answer, want 10", n)
	}
	proxy.SetFaults(false)
	r := d.client.RunOnce(context.Background())
	if !r.OK() || r.Pushed != 10 || r.Resent != 10 {
		t.Fatalf("resend round: %+v", r)
	}
	hub := e.hubEvents(t)
	for id, h := range d.held(t) {
		if hub[id].seq != h.seq {
			t.Fatalf("event %s: desk seq %d, hub seq %d", id, h.seq, hub[id].seq)
		}
	}
}
