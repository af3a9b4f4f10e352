// Command enlace-exchange runs the Enlace exchange hub, which carries case
// events between the liaison desks of the partner agencies over HTTPS with
// mutual TLS (see docs/sync.md).
//
//	enlace-exchange init DIR [--listen ADDR]   create a development PKI and hub.json in DIR
//	enlace-exchange serve --config FILE [--store URL] [--listen ADDR]
//	                                           run the hub (store sqlite:PATH or postgres://...)
//	enlace-exchange loadtest --pki DIR --hub URL [--hub URL]... [--desks N] [--events N] [--duration D]
//	                                           load loopback hubs with desks of both agencies and check delivery
//
//	enlace-exchange completion bash|zsh|fish   shell completions
//
// Every command takes --help; the root takes --version. It only wires
// package exchange/hub to flags and signals.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/enlace-desk/enlace/exchange/hub"
	"github.com/enlace-desk/enlace/internal/buildinfo"
	"github.com/enlace-desk/enlace/internal/passphrase"
)

// exitError carries a specific exit status out of a command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageError marks a mistake in how the command was called (exit status 2).
func usageError(format string, args ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, args...)}
}

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		code := 1
		var ee *exitError
		if errors.As(err, &ee) {
			code = ee.code
		}
		fmt.Fprintln(os.Stderr, "enlace-exchange:", err)
		os.Exit(code)
	}
}

// run executes the command line args (without the program name).
func run(args []string, stdout, stderr io.Writer) error {
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	return root.Execute()
}

// newRootCmd builds the command tree, writing to stdout and stderr.
func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "enlace-exchange",
		Short: "The Enlace exchange hub",
		Long: `enlace-exchange runs the hub that carries case events between the liaison
desks of the partner agencies over HTTPS with mutual TLS (docs/sync.md).`,
		Example: `  enlace-exchange init ./pki                          # development PKI and hub.json
  enlace-exchange serve --config ./pki/hub.json       # one hub on SQLite
  enlace-exchange serve --config ./pki/hub.json --store postgres://enlace@127.0.0.1:5432/enlace`,
		Version:       buildinfo.Version(),
		Args:          noArgs,
		SilenceErrors: true, // main prints "enlace-exchange: …" and chooses the exit status
		SilenceUsage:  true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError("which command? init, serve or loadtest (see `enlace-exchange --help`)")
		},
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError("%v (see `%s --help`)", err, c.CommandPath())
	})
	root.AddCommand(newInitCmd(stdout), newServeCmd(stderr), newLoadtestCmd(stdout))
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		switch c.Name() {
		case "help":
			c.Example = "  enlace-exchange help serve"
		case "completion":
			c.Example = "  source <(enlace-exchange completion bash)"
			for _, sh := range c.Commands() {
				sh.Example = fmt.Sprintf("  enlace-exchange completion %s > enlace-exchange.%s", sh.Name(), sh.Name())
			}
		}
	}
	return root
}

// noArgs refuses positional arguments with a usage error that names the
// command to ask for help.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if !cmd.HasParent() {
		return usageError("unknown command %q; run `enlace-exchange help` for the list", args[0])
	}
	return usageError("%s takes no arguments, got %q (see `%s --help`)", cmd.CommandPath(), args[0], cmd.CommandPath())
}

func newInitCmd(stdout io.Writer) *cobra.Command {
	var listen string
	c := &cobra.Command{
		Use:   "init DIR",
		Short: "Create a development PKI and hub configuration in DIR",
		Long: `init writes a development PKI into DIR: a CA per agency, the hub's certificate,
desk certificates, the officers' signing keys sealed with a passphrase (from
ENLACE_PASSPHRASE_FILE, or typed twice), and hub.json. For development and
tests only: production certificates come from each agency's own CA.`,
		Example: "  enlace-exchange init ./pki --listen 127.0.0.1:9443",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError("init wants one directory, got %d argument(s) (see `%s --help`)", len(args), cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return initPKI(args[0], listen, stdout)
		},
	}
	c.Flags().StringVar(&listen, "listen", "127.0.0.1:8443", "address the hub will listen on")
	return c
}

func newServeCmd(stderr io.Writer) *cobra.Command {
	var config, storeURL, listen string
	c := &cobra.Command{
		Use:   "serve --config FILE",
		Short: "Run the hub",
		Long: `serve runs the hub with the configuration init wrote (or one of your own).
Its store is sqlite:PATH (the default, embedded) or a postgres:// URL; several
hub processes may serve one PostgreSQL database. SIGINT or SIGTERM stops it
after the requests in flight.`,
		Example: `  enlace-exchange serve --config ./pki/hub.json
  enlace-exchange serve --config ./pki/hub.json --listen 127.0.0.1:9444 --store postgres://enlace@127.0.0.1:5432/enlace`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if config == "" {
				return usageError("serve needs --config FILE (see `%s --help`)", cmd.CommandPath())
			}
			return serve(config, storeURL, listen, stderr)
		},
	}
	c.Flags().StringVar(&config, "config", "", "hub configuration file (written by init)")
	c.Flags().StringVar(&storeURL, "store", "", "the hub's store, overriding the configuration: sqlite:PATH or postgres://USER@HOST/DB")
	c.Flags().StringVar(&listen, "listen", "", "address to listen on, overriding the configuration")
	return c
}

// initPKI writes the development PKI and hub configuration into dir.
func initPKI(dir, listen string, stdout io.Writer) error {
	// The officers' signing keys are sealed with a passphrase they share
	// (development only): from ENLACE_PASSPHRASE_FILE, or typed twice.
	var pass []byte
	var err error
	src := passphrase.Std()
	if f := os.Getenv(passphrase.EnvFile); f != "" {
		pass, err = passphrase.FromFile(f)
	} else {
		pass, err = src.ReadNew("Passphrase for the officers' signing keys: ", "")
	}
	if err != nil {
		return err
	}
	pki, err := hub.InitDevPKI(dir, hub.DevPKIOptions{Listen: listen, Passphrase: pass})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "development PKI written to %s\n", pki.Dir)
	fmt.Fprintf(stdout, "hub configuration: %s\n", pki.ConfigPath)
	names := make([]string, 0, len(pki.Desks))
	for n := range pki.Desks {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		d := pki.Desks[n]
		fmt.Fprintf(stdout, "desk %s (%s): cert %s, key %s, hub CA %s, officer keys %s\n", n, d.Agency, d.CertFile, d.KeyFile, d.HubCAFile, d.KeyDir)
	}
	fmt.Fprintf(stdout, "run: enlace-exchange serve --config %s\n", pki.ConfigPath)
	return nil
}

// serve runs the hub until SIGINT or SIGTERM.
func serve(config, storeURL, listen string, stderr io.Writer) error {
	cfg, err := hub.LoadHubConfig(config)
	if err != nil {
		return err
	}
	if storeURL != "" {
		cfg.Database, cfg.StoreURL = "", storeURL
		if err := cfg.Validate(); err != nil {
			return err
		}
	}
	if listen != "" {
		cfg.Listen = listen
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	slog.SetDefault(logger)
	hub, err := hub.NewHub(cfg)
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		hub.Shutdown(context.Background())
		return err
	}
	logger.Info("exchange hub listening", "addr", l.Addr().String(), "store", cfg.StoreName())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- hub.Serve(l) }()
	select {
	case err := <-errc:
		hub.Shutdown(context.Background())
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := hub.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
