package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

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
	for _, args := range [][]string{nil, {"bogus"}, {"init"}, {"init", "a", "b"}, {"serve"}, {"serve", "extra"},
		{"serve", "--nonsense"}, {"loadtest"}, {"loadtest", "--desks", "many"}} {
		var errb bytes.Buffer
		err := run(args, &bytes.Buffer{}, &errb)
		var ee *exitError
		if !errors.As(err, &ee) || ee.code != 2 {
			t.Errorf("%q: got %v, want a usage error (exit 2)", args, err)
			continue
		}
		if !strings.Contains(err.Error(), "--help") && !strings.Contains(err.Error(), "help`") {
			t.Errorf("%q: %q does not say where to find help", args, err)
		}
	}
	if err := run([]string{"serve", "--config", filepath.Join(t.TempDir(), "missing.json")}, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
		t.Error("serve with a missing configuration succeeded")
	}
}

// TestEveryCommandHasHelp: --help on every command succeeds and shows its
// flags and an example; --version and completion scripts work.
func TestEveryCommandHasHelp(t *testing.T) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		path := strings.Fields(c.CommandPath())[1:]
		var out bytes.Buffer
		if err := run(append(path, "--help"), &out, &out); err != nil {
			t.Errorf("%v --help: %v", path, err)
		}
		if !strings.Contains(out.String(), "Examples:") || !strings.Contains(out.String(), "Flags:") {
			t.Errorf("%v --help shows no example or no flags:\n%s", path, out.String())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRootCmd(&bytes.Buffer{}, &bytes.Buffer{}))
	var out bytes.Buffer
	if err := run([]string{"--version"}, &out, &out); err != nil || !strings.Contains(out.String(), "enlace-exchange version") {
		t.Errorf("--version: %v %q", err, out.String())
	}
	out.Reset()
	if err := run([]string{"completion", "bash"}, &out, &out); err != nil || !strings.Contains(out.String(), "enlace-exchange") {
		t.Errorf("completion bash: %v %.80q", err, out.String())
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
