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
// It only wires package exchange to flags and signals.
package main

import (
	"context"
	"errors"
	"flag"
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

	"github.com/enlace-desk/enlace/exchange/hub"
	"github.com/enlace-desk/enlace/internal/passphrase"
)

const usage = `usage:
  enlace-exchange init DIR [--listen ADDR]   create a development PKI and hub configuration in DIR
  enlace-exchange serve --config FILE [--store URL] [--listen ADDR]
                                             run the hub; the store is sqlite:PATH or postgres://USER@HOST/DB
  enlace-exchange loadtest --pki DIR --hub URL [--hub URL]... [--desks N] [--events N] [--duration D] [--batch N]
                                             desks of both agencies push and pull against loopback hubs, then
                                             every desk is checked for every event it may see, once
`

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "enlace-exchange:", err)
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprint(os.Stderr, usage)
			os.Exit(2)
		}
		os.Exit(1)
	}
}

type usageError string

func (e usageError) Error() string { return string(e) }

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError("no command")
	}
	switch args[0] {
	case "init":
		return initCmd(args[1:], stdout, stderr)
	case "serve":
		return serveCmd(args[1:], stderr)
	case "loadtest":
		return loadtestCmd(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return usageError(fmt.Sprintf("unknown command %q", args[0]))
}

func initCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("init", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:8443", "address the hub will listen on")
	// Accept the directory before or after the flags.
	var dir string
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		dir, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return usageError(err.Error())
	}
	if dir == "" && fs.NArg() == 1 {
		dir = fs.Arg(0)
	} else if fs.NArg() != 0 || dir == "" {
		return usageError("init needs exactly one directory")
	}
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
	pki, err := hub.InitDevPKI(dir, hub.DevPKIOptions{Listen: *listen, Passphrase: pass})
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

func serveCmd(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	config := fs.String("config", "", "hub configuration file (written by init)")
	storeURL := fs.String("store", "", "the hub's store, overriding the configuration: sqlite:PATH or postgres://USER@HOST/DB")
	listen := fs.String("listen", "", "address to listen on, overriding the configuration")
	if err := fs.Parse(args); err != nil {
		return usageError(err.Error())
	}
	if *config == "" || fs.NArg() != 0 {
		return usageError("serve needs --config FILE")
	}
	cfg, err := hub.LoadHubConfig(*config)
	if err != nil {
		return err
	}
	if *storeURL != "" {
		cfg.Database, cfg.StoreURL = "", *storeURL
		if err := cfg.Validate(); err != nil {
			return err
		}
	}
	if *listen != "" {
		cfg.Listen = *listen
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
