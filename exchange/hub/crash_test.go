package hub

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/enlace-desk/enlace/exchange"
)

// TestMain lets the test binary double as a hub process for the crash tests:
// with ENLACE_HUB_CHILD set to a configuration file it serves a hub on the
// listener inherited as file descriptor 3, until killed.
func TestMain(m *testing.M) {
	if cfgPath := os.Getenv("ENLACE_HUB_CHILD"); cfgPath != "" {
		os.Exit(runChildHub(cfgPath))
	}
	code := m.Run()
	stopPGCluster()
	os.Exit(code)
}

func runChildHub(cfgPath string) int {
	cfg, err := LoadHubConfig(cfgPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "child hub:", err)
		return 1
	}
	hub, err := NewHub(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "child hub:", err)
		return 1
	}
	hub.SetLogger(quietLogger())
	l, err := net.FileListener(os.NewFile(3, "listener"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "child hub:", err)
		return 1
	}
	err = hub.Serve(l)
	fmt.Fprintln(os.Stderr, "child hub:", err)
	return 1
}

// childHub runs the hub as a separate process on a listener the test keeps
// open, so the port survives the process: connections made while no hub runs
// wait in the listen queue.
type childHub struct {
	t    testing.TB
	cfg  string
	lf   *os.File
	cmd  *exec.Cmd
	addr string
}

func startChildHub(t testing.TB, cfgPath string) *childHub {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	lf, err := l.(*net.TCPListener).File()
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // lf still holds the socket
	h := &childHub{t: t, cfg: cfgPath, lf: lf, addr: addr}
	h.start()
	t.Cleanup(func() { h.kill(); lf.Close() })
	return h
}

func (h *childHub) start() {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "ENLACE_HUB_CHILD="+h.cfg)
	cmd.ExtraFiles = []*os.File{h.lf}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	h.cmd = cmd
}

func (h *childHub) kill() {
	if h.cmd == nil {
		return
	}
	h.cmd.Process.Signal(syscall.SIGKILL)
	h.cmd.Wait()
	h.cmd = nil
}

// TestHubSurvivesSIGKILL kills the hub process at random moments while desks
// push and pull, restarts it on the same database, and checks that the desks
// converge with every event held exactly once at the hub and at each desk in
// scope. ENLACE_CRASH_TRIALS=100 runs 100 kills.
func TestHubSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	trials := envInt("ENLACE_CRASH_TRIALS", 4)
	dir := t.TempDir()
	pki, err := testPKI(dir, DevPKIOptions{Desks: testDesks})
	if err != nil {
		t.Fatal(err)
	}
	cfg := testHubConfig(t, pki)
	child := startChildHub(t, pki.ConfigPath)
	e := &testEnv{t: t, dir: dir, pki: pki, cfg: cfg, addr: child.addr, desks: map[string]*testDesk{}}
	for _, d := range testDesks {
		dk := e.newDesk(d.Name, e.url())
		dk.client = e.clientTuned(d.Name, e.url(), dk.log, func(c *exchange.ClientConfig) {
			c.BatchSize = 40 // many transactions to land in
			c.PullLimit = 40
		})
		e.desks[d.Name] = dk
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	w := &workload{t: t, rng: rng}
	// Cases to write to.
	for _, d := range e.desks {
		d.createCase(t, w.other(d.agency))
	}
	var failedMu sync.Mutex
	failed := 0
	for trial := 0; trial < trials; trial++ {
		for _, d := range e.desks {
			for k := 0; k < 40+rng.IntN(60); k++ {
				w.act(d)
			}
		}
		var wg sync.WaitGroup
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		errs := make(chan error, len(e.desks))
		for _, d := range e.desks {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Push and pull until a whole round completes after the
				// last kill (the round that starts after the restart).
				for ctx.Err() == nil {
					if r := d.client.RunOnce(ctx); r.OK() {
						return
					}
					failedMu.Lock()
					failed++
					failedMu.Unlock()
					time.Sleep(5 * time.Millisecond)
				}
				errs <- fmt.Errorf("desk %s never completed a round", d.name)
			}()
		}
		time.Sleep(time.Duration(rng.IntN(250)) * time.Millisecond)
		child.kill()
		child.start()
		wg.Wait()
		cancel()
		close(errs)
		for err := range errs {
			t.Fatalf("trial %d: %v", trial, err)
		}
		// Everyone syncs once more so pulls see the others' last pushes.
		for _, d := range e.desks {
			d.sync(t)
		}
	}
	for _, d := range e.desks {
		d.sync(t)
	}
	child.kill()
	// Check with an in-process hub on the same database.
	e.addr = ""
	e.startHub()
	defer e.stopHub()
	checkConverged(t, e)
	total := len(e.hubEvents(t))
	t.Logf("%d kills, %d rounds cut short by them, %d events at the hub", trials, failed, total)
	if total < trials*60 {
		t.Fatalf("only %d events reached the hub", total)
	}
}
