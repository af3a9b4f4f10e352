package hub

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/exchange"
)

// deadURL is an https:// address on loopback where nothing listens.
func deadURL(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "https://" + addr
}

// TestClientFailsOverToNextHub: a desk whose first hub is gone syncs through
// the second, and says so in its status.
func TestClientFailsOverToNextHub(t *testing.T) {
	e := newTestEnv(t)
	us := e.desks["us-1"]
	dead := deadURL(t)
	tlsCfg, err := e.pki.Desks["us-1"].TLSConfig()
	if err != nil {
		t.Fatal(err)
	}
	c2, err := exchange.NewClient(exchange.ClientConfig{HubURL: dead, HubURLs: []string{e.url()}, TLS: tlsCfg, Log: us.log})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	us.client = c2
	caseID := us.createCase(t, "EC-PN")
	us.note(t, caseID, "through the second hub")
	if r := us.sync(t); r.Acked != 2 {
		t.Fatalf("round: %+v", r)
	}
	if st := c2.Status(); st.Hub != e.url() || !st.Connected {
		t.Fatalf("status after failing over: %+v", st)
	}
	if _, err := exchange.NewClient(exchange.ClientConfig{HubURL: e.url(), HubURLs: []string{"http://127.0.0.1:1"}, TLS: tlsCfg, Log: us.log}); err == nil {
		t.Fatal("a plain http:// hub address was accepted")
	}
	e.desks["ec-1"].sync(t)
	e.desks["us-2"].sync(t)
	checkConverged(t, e)
}

// TestPGFailoverHubKilledMidPush: two hub processes on one PostgreSQL
// database; desks configured with both push and pull while the first is
// killed with SIGKILL again and again (and restarted). Every desk ends with
// every event it may see, the hub holds each once, nothing is lost.
func TestPGFailoverHubKilledMidPush(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	t.Setenv("ENLACE_HUB_BACKEND", "postgres")
	dir := t.TempDir()
	pki, err := testPKI(dir, DevPKIOptions{Desks: testDesks})
	if err != nil {
		t.Fatal(err)
	}
	cfg := testHubConfig(t, pki)
	h1 := startChildHub(t, pki.ConfigPath)
	h2 := startChildHub(t, pki.ConfigPath)
	e := &testEnv{t: t, dir: dir, pki: pki, cfg: cfg, addr: h1.addr, desks: map[string]*testDesk{}}
	for _, d := range testDesks {
		dk := e.newDesk(d.Name, e.url())
		dk.client = e.clientTuned(d.Name, "https://"+h1.addr, dk.log, func(c *exchange.ClientConfig) {
			c.HubURLs = []string{"https://" + h2.addr}
			c.BatchSize, c.PullLimit, c.RequestTimeout = 50, 50, 10*time.Second
			if d.Name == "us-1" {
				c.BatchSize = 500
			}
		})
		e.desks[d.Name] = dk
	}
	w := &workload{t: t, rng: rand.New(rand.NewPCG(3, 3))}
	for _, d := range e.desks {
		d.createCase(t, w.other(d.agency))
	}
	var resent atomic.Int64
	us := e.desks["us-1"]
	bulkCase := us.createCase(t, "EC-PN")
	for trial := 0; trial < 2; trial++ {
		for _, d := range e.desks {
			for k := 0; k < 150; k++ {
				w.act(d)
			}
		}
		// A long push, to be killed in the middle of.
		notes := make([]cases.Event, 800)
		for i := range notes {
			a := cases.Annotation{ID: us.ids.New(), CaseID: bulkCase, Kind: cases.AnnNote, Author: us.officer.ID, Text: fmt.Sprint("bulk ", trial, i)}
			notes[i] = us.event(t, us.officer, cases.EventAnnotationAdded, bulkCase, nil, a)
		}
		if err := us.log.addMany(notes); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, len(e.desks))
		for _, d := range e.desks {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 50; i++ {
					r := d.client.RunOnce(context.Background())
					resent.Add(int64(r.Resent))
					if r.OK() {
						return
					}
				}
				errs <- fmt.Errorf("desk %s: no round completed", d.name)
			}()
		}
		time.Sleep(time.Duration(50+100*trial) * time.Millisecond)
		h1.kill()
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		h1.start()
	}
	for pass := 0; pass < 2; pass++ {
		for _, n := range []string{"us-1", "us-2", "ec-1"} {
			e.desks[n].sync(t)
		}
	}
	h1.kill()
	h2.kill()
	e.addr = ""
	e.startHub()
	defer e.stopHub()
	checkConverged(t, e)
	failovers := 0
	for _, n := range []string{"us-1", "us-2", "ec-1"} {
		failovers += e.desks[n].client.Status().Failovers
		if hub := e.desks[n].client.Status().Hub; hub != "https://"+h1.addr && hub != "https://"+h2.addr {
			t.Fatalf("desk %s: status names hub %q", n, hub)
		}
	}
	t.Logf("%d failovers; %d events sent again after an answer lost with the killed hub; %d events at the hub", failovers, resent.Load(), len(e.hubEvents(t)))
	if failovers == 0 {
		t.Fatal("no request ever moved to the other hub: the test proves nothing")
	}
}
