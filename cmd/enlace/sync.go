package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"
)

func init() {
	register(&command{
		name:    "sync",
		usage:   "sync [--data-dir DIR]",
		summary: "run one sync round with the exchange hub and print what moved",
		run:     runSync,
	})
}

func runSync(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("enlace sync", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("data-dir", defaultDataDir(), "directory of the desk's store and its "+syncFileName)
	timeout := fs.Duration("timeout", 2*time.Minute, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return usageError("%v", err)
	}
	st, settings, err := openDeskStore(ctx, *dir, 0)
	if err != nil {
		return err
	}
	defer st.Close()
	if settings == nil {
		return usageError("no exchange is configured for %s: it has no %s (see docs/sync.md, \"Desk settings\")", *dir, syncFileName)
	}
	c, err := newSyncClient(st, settings, nil)
	if err != nil {
		return err
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	r := c.RunOnce(ctx)
	fmt.Fprintf(stdout, "hub %s, round of %v\n", settings.HubURL, r.Duration.Round(time.Millisecond))
	fmt.Fprintf(stdout, "pushed %d: %d stored (%d already held), %d refused\n", r.Pushed, r.Acked, r.Resent, r.Rejected)
	fmt.Fprintf(stdout, "pulled %d: %d applied, %d refused on this desk\n", r.Pulled, r.Applied, r.Refused)
	for _, e := range r.Errors {
		fmt.Fprintf(stdout, "! %s\n", e)
	}
	pending, _ := st.Pending(ctx)
	conflicts, _ := st.Conflicts(ctx)
	fmt.Fprintf(stdout, "waiting to be sent: %d; cases in conflict: %d\n", pending, conflicts)
	if r.Err != "" {
		return fmt.Errorf("the round did not complete: %s", r.Err)
	}
	return nil
}
