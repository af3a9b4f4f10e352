// Package faultproxy is a TCP proxy for tests that misbehaves on purpose: it
// drops connections, delays traffic, cuts requests or responses short, loses
// responses after the server has acted on the request (so the client sends it
// again), and replays a client's bytes to the server on a fresh connection.
// It listens on loopback only and knows nothing of the protocols it carries.
//
// It depends on the standard library only.
package faultproxy

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"time"
)

// Fault is what the proxy does to one connection.
type Fault int

const (
	Pass             Fault = iota // forward faithfully
	Refuse                        // close the client's connection at once
	Delay                         // forward, sleeping before each chunk
	TruncateRequest               // forward part of the client's bytes, then cut both sides
	TruncateResponse              // forward the request, part of the response, then cut
	LoseResponse                  // forward the request, drop the response once it starts, then cut
	Duplicate                     // forward, then replay the client's bytes on a new server connection
	numFaults
)

var faultNames = [...]string{"pass", "refuse", "delay", "truncate-request", "truncate-response", "lose-response", "duplicate"}

func (f Fault) String() string {
	if f >= 0 && f < numFaults {
		return faultNames[f]
	}
	return fmt.Sprintf("fault(%d)", int(f))
}

// Options configure a proxy.
type Options struct {
	Seed     uint64        // for the random choices
	Weights  map[Fault]int // relative frequency of each fault; nil: DefaultWeights
	MaxDelay time.Duration // longest sleep of Delay [50ms]
}

// DefaultWeights make about two connections in five pass untouched.
var DefaultWeights = map[Fault]int{Pass: 40, Refuse: 5, Delay: 15, TruncateRequest: 10, TruncateResponse: 10, LoseResponse: 10, Duplicate: 10}

// Proxy forwards connections from its loopback address to a target.
type Proxy struct {
	l       net.Listener
	target  string
	opts    Options
	mu      sync.Mutex
	rng     *rand.Rand
	enabled bool
	stats   map[Fault]int
	conns   map[net.Conn]struct{}
	wg      sync.WaitGroup
}

// New starts a proxy on 127.0.0.1 (a free port) to target.
func New(target string, opts Options) (*Proxy, error) {
	if opts.Weights == nil {
		opts.Weights = DefaultWeights
	}
	if opts.MaxDelay <= 0 {
		opts.MaxDelay = 50 * time.Millisecond
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{l: l, target: target, opts: opts, rng: rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15)),
		enabled: true, stats: map[Fault]int{}, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is the proxy's address, "127.0.0.1:port".
func (p *Proxy) Addr() string { return p.l.Addr().String() }

// SetFaults turns the faults on or off (off: every connection passes).
func (p *Proxy) SetFaults(on bool) {
	p.mu.Lock()
	p.enabled = on
	p.mu.Unlock()
}

// Stats returns how many connections met each fault.
func (p *Proxy) Stats() map[Fault]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := make(map[Fault]int, len(p.stats))
	for k, v := range p.stats {
		m[k] = v
	}
	return m
}

// Close stops the proxy and cuts every connection.
func (p *Proxy) Close() error {
	err := p.l.Close()
	p.mu.Lock()
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
	return err
}

func (p *Proxy) track(c net.Conn, on bool) {
	p.mu.Lock()
	if on {
		p.conns[c] = struct{}{}
	} else {
		delete(p.conns, c)
	}
	p.mu.Unlock()
}

func (p *Proxy) choose() (Fault, int64, time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f := Pass
	if p.enabled {
		total := 0
		for _, w := range p.opts.Weights {
			total += w
		}
		if total > 0 {
			n := p.rng.IntN(total)
			for k := Fault(0); k < numFaults; k++ {
				if n < p.opts.Weights[k] {
					f = k
					break
				}
				n -= p.opts.Weights[k]
			}
		}
	}
	p.stats[f]++
	cut := 1 + p.rng.Int64N(8<<10) // bytes let through before a cut
	delay := time.Duration(p.rng.Int64N(int64(p.opts.MaxDelay) + 1))
	return f, cut, delay
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.l.Accept()
		if err != nil {
			return
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.handle(c)
		}()
	}
}

func (p *Proxy) handle(client net.Conn) {
	p.track(client, true)
	defer p.track(client, false)
	defer client.Close()
	fault, cut, delay := p.choose()
	if fault == Refuse {
		return
	}
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	p.track(server, true)
	defer p.track(server, false)
	defer server.Close()

	var recorded []byte
	var recMu sync.Mutex
	counter := &recordCounter{}
	closeBoth := func() { client.Close(); server.Close() }
	done := make(chan struct{}, 2)
	// client -> server
	go func() {
		defer func() { done <- struct{}{} }()
		buf := make([]byte, 32<<10)
		var sent int64
		for {
			n, err := client.Read(buf)
			if n > 0 {
				chunk := buf[:n]
				counter.feed(chunk)
				if fault == Duplicate {
					recMu.Lock()
					if len(recorded) < 1<<20 {
						recorded = append(recorded, chunk...)
					}
					recMu.Unlock()
				}
				if fault == Delay {
					time.Sleep(delay)
				}
				if fault == TruncateRequest && sent+int64(n) > cut {
					server.Write(chunk[:cut-sent])
					closeBoth()
					return
				}
				if _, werr := server.Write(chunk); werr != nil {
					closeBoth()
					return
				}
				sent += int64(n)
			}
			if err != nil {
				if tc, ok := server.(*net.TCPConn); ok {
					tc.CloseWrite()
				}
				return
			}
		}
	}()
	// server -> client
	go func() {
		defer func() { done <- struct{}{} }()
		buf := make([]byte, 32<<10)
		var sent int64
		for {
			n, err := server.Read(buf)
			if n > 0 {
				chunk := buf[:n]
				switch fault {
				case Delay:
					time.Sleep(delay)
				case LoseResponse:
					// A TLS 1.3 client sends three encrypted records to
					// finish the handshake (certificate, verify, finished);
					// from the fourth on it is sending a request. Whatever
					// the server says after that is lost.
					if counter.appRecords() >= 4 {
						closeBoth()
						return
					}
				case TruncateResponse:
					if sent+int64(n) > cut {
						client.Write(chunk[:cut-sent])
						closeBoth()
						return
					}
				}
				if _, werr := client.Write(chunk); werr != nil {
					closeBoth()
					return
				}
				sent += int64(n)
			}
			if err != nil {
				closeBoth()
				return
			}
		}
	}()
	<-done
	<-done
	if fault == Duplicate {
		recMu.Lock()
		replay := recorded
		recMu.Unlock()
		p.replay(replay)
	}
}

// replay sends recorded client bytes to the server on a new connection and
// reads whatever comes back.
func (p *Proxy) replay(data []byte) {
	if len(data) == 0 {
		return
	}
	c, err := net.DialTimeout("tcp", p.target, time.Second)
	if err != nil {
		return
	}
	p.track(c, true)
	defer p.track(c, false)
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	c.Write(data)
	io.Copy(io.Discard, c)
}

// recordCounter follows the TLS record framing of a byte stream (5-byte
// headers: type, version, length) and counts application-data records.
type recordCounter struct {
	mu     sync.Mutex
	header []byte
	body   int
	app    int
}

func (r *recordCounter) feed(b []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for len(b) > 0 {
		if r.body > 0 {
			n := min(r.body, len(b))
			r.body -= n
			b = b[n:]
			continue
		}
		need := 5 - len(r.header)
		n := min(need, len(b))
		r.header = append(r.header, b[:n]...)
		b = b[n:]
		if len(r.header) == 5 {
			if r.header[0] == 23 {
				r.app++
			}
			r.body = int(r.header[3])<<8 | int(r.header[4])
			r.header = r.header[:0]
		}
	}
}

func (r *recordCounter) appRecords() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.app
}
