package main

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/enlace-desk/enlace/exchange/hub"
)

func TestInitWritesALoadableConfiguration(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pki")
	var out, errb bytes.Buffer
	if err := run([]string{"init", dir, "--listen", "127.0.0.1:9443"}, &out, &errb); err != nil {
		t.Fatalf("init: %v (%s)", err, errb.String())
	}
	if !strings.Contains(out.String(), "enlace-exchange serve --config "+filepath.Join(dir, "hub.json")) {
		t.Fatalf("init output: %s", out.String())
	}
	cfg, err := hub.LoadHubConfig(filepath.Join(dir, "hub.json"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Listen != "127.0.0.1:9443" || len(cfg.Agencies) != 2 {
		t.Fatalf("config: %+v", cfg)
	}
	hub, err := hub.NewHub(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hub.Shutdown(t.Context())
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{nil, {"bogus"}, {"init"}, {"serve"}, {"serve", "extra"}} {
		var ue usageError
		if err := run(args, &bytes.Buffer{}, &bytes.Buffer{}); !errors.As(err, &ue) {
			t.Errorf("%q: got %v, want a usage error", args, err)
		}
	}
	if err := run([]string{"serve", "--config", filepath.Join(t.TempDir(), "missing.json")}, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
		t.Error("serve with a missing configuration succeeded")
	}
}
