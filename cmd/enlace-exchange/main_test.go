package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/enlace-desk/enlace/exchange/hub"
	"github.com/enlace-desk/enlace/internal/passphrase"
)

func TestInitWritesALoadableConfiguration(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pki")
	var out, errb bytes.Buffer
	// The officers' keys need a passphrase: no terminal, no file, no PKI.
	t.Setenv(passphrase.EnvFile, "")
	if err := run([]string{"init", dir}, &out, &errb); err == nil || !strings.Contains(err.Error(), passphrase.EnvFile) {
		t.Fatalf("init without a passphrase: %v", err)
	}
	pf := filepath.Join(t.TempDir(), "pass")
	os.WriteFile(pf, []byte("dev passphrase\n"), 0o600)
	t.Setenv(passphrase.EnvFile, pf)
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

// TestMain gives the tests a development passphrase, as a script would:
// `init` seals the officers' keys with it and `loadtest` opens them.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "enlace-exchange-test")
	if err != nil {
		panic(err)
	}
	pf := filepath.Join(dir, "passphrase")
	if err := os.WriteFile(pf, []byte("development passphrase\n"), 0o600); err != nil {
		panic(err)
	}
	os.Setenv(passphrase.EnvFile, pf)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
