package hub

import (
	"bytes"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/enlace-desk/enlace/exchange"
)

// TestMaximumPushOfEmptyEventsStaysSmall pushes the largest body the hub
// accepts, made of empty events (about 11 million of them), to a real hub
// over loopback TLS: the hub refuses it at the 1,001st event without holding
// the body, and its heap grows by less than 64 MB while it does.
func TestMaximumPushOfEmptyEventsStaysSmall(t *testing.T) {
	e := newTestEnv(t)
	us := e.desks["us-1"]
	usTLS, _ := us.files.TLSConfig()
	c := rawClient(usTLS)

	var body bytes.Buffer
	body.WriteString(`{"events":[{}`)
	for body.Len() < exchange.MaxPushBytes-16 {
		body.WriteString(`,{}`)
	}
	body.WriteString(`]}`)
	payload := body.Bytes()

	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-time.After(2 * time.Millisecond):
			}
			runtime.ReadMemStats(&m)
			for {
				p := peak.Load()
				if m.HeapAlloc <= p || peak.CompareAndSwap(p, m.HeapAlloc) {
					break
				}
			}
		}
	}()
	start := time.Now()
	status, _, eb := rawPush(t, c, e.url(), payload)
	close(done)
	took := time.Since(start)
	if status != 400 || !bytes.Contains([]byte(eb.Error.Message), []byte("the limit is 1000")) {
		t.Errorf("got %d %q, want 400 naming the limit of 1000 events", status, eb.Error.Message)
	}
	var grew uint64
	if p := peak.Load(); p > base.HeapAlloc {
		grew = p - base.HeapAlloc
	}
	t.Logf("a %d-byte push of empty events: refused in %v, heap grew by at most %.1f MB (test client and hub share the process)",
		len(payload), took.Round(time.Millisecond), float64(grew)/(1<<20))
	if grew > 64<<20 {
		t.Errorf("the heap grew by %.1f MB during a maximum-size push; the bound is 64 MB", float64(grew)/(1<<20))
	}
}
