package main

import (
	"bytes"
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/enlace-desk/enlace/exchange/hub"
)

// startHub runs a hub of the PKI in dir on a free loopback port.
func startHub(t *testing.T, dir string) string {
	t.Helper()
	cfg, err := hub.LoadHubConfig(filepath.Join(dir, "hub.json"))
	if err != nil {
		t.Fatal(err)
	}
	hub, err := hub.NewHub(cfg)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go hub.Serve(l)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		hub.Shutdown(ctx)
	})
	return "https://" + l.Addr().String()
}

func TestLoadTestAgainstAHub(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pki")
	if err := run([]string{"init", dir}, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	url := startHub(t, dir)
	var out bytes.Buffer
	rep, err := runLoadTest(context.Background(), loadOptions{hubs: []string{url}, pki: dir, desks: 4, events: 1500,
		duration: 60 * time.Second, batch: 40}, &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	t.Log(out.String())
	// The run ends at 1,500 events or after a minute, whichever comes first
	// (a loaded machine may not reach the count).
	if rep.created == 0 || rep.created > 1500 || rep.acked != rep.created || rep.lost+rep.duplicated+rep.leaked+rep.rejected != 0 || rep.pushes == 0 || rep.p99 < rep.p50 {
		t.Fatalf("report %+v\n%s", rep, out.String())
	}
	for _, want := range []string{"events/s", "p50", "p99", "errors:", "lost 0, duplicated 0, misdelivered 0"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	// The command's exit status follows the check.
	if err := run([]string{"loadtest", "--pki", dir, "--hub", url, "--desks", "2", "--events", "100", "--duration", "10s"}, &out, &bytes.Buffer{}); err != nil {
		t.Fatalf("loadtest command: %v", err)
	}
}

func TestLoadTestRefusesWhatItMustNotDo(t *testing.T) {
	ok := loadOptions{hubs: []string{"https://127.0.0.1:8443"}, pki: "x", desks: 4, events: 10, duration: time.Second, batch: 10}
	for _, tc := range []struct {
		change func(*loadOptions)
		want   string
	}{
		{func(o *loadOptions) { o.hubs = []string{"https://10.0.0.5:8443"} }, "only targets hubs on loopback"},
		{func(o *loadOptions) { o.hubs = []string{"https://example.org"} }, "only targets hubs on loopback"},
		{func(o *loadOptions) { o.hubs = []string{"http://127.0.0.1:8443"} }, "not an https:// URL"},
		{func(o *loadOptions) { o.duration = time.Hour }, "at most 10m0s"},
		{func(o *loadOptions) { o.events = 0 }, "--events 0"},
		{func(o *loadOptions) { o.desks = 1000 }, "--desks 1000"},
	} {
		o := ok
		tc.change(&o)
		if _, err := runLoadTest(context.Background(), o, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", o, err, tc.want)
		}
	}
	if err := run([]string{"loadtest", "--hub", "https://127.0.0.1:1"}, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
		t.Error("loadtest without --pki ran")
	}
}

func TestServeRefusesAMalformedStore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pki")
	if err := run([]string{"init", dir}, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	err := run([]string{"serve", "--config", filepath.Join(dir, "hub.json"), "--store", "mysql://root@127.0.0.1/hub"}, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "must be sqlite:PATH or a postgres:// URL") {
		t.Fatalf("serve with a malformed store: %v", err)
	}
}
