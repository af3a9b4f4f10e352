package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
)

func init() { register("sync", newSyncCmd) }

func newSyncCmd() *cobra.Command {
	var dir string
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "sync",
		Short: "Run one sync round with the exchange hub and print what moved",
		Example: `  enlace sync --data-dir ~/.local/share/enlace/demo/us-cbp-desk-1
  enlace sync --data-dir DESK-DIR --timeout 30s`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stdout := cmd.Context(), cmd.OutOrStdout()
			st, settings, err := openDeskStore(ctx, dir, 0)
			if err != nil {
				return err
			}
			defer st.Close()
			if settings == nil {
				return usageError("no exchange is configured for %s: it has no %s (see docs/sync.md, \"Desk settings\"); pass the desk's folder with --data-dir", dir, syncFileName)
			}
			c, err := newSyncClient(st, settings, nil)
			if err != nil {
				return err
			}
			defer c.Close()
			ctx, cancel := context.WithTimeout(ctx, timeout)
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
		},
	}
	cmd.Flags().StringVar(&dir, "data-dir", defaultDataDir(), "directory of the desk's store and its "+syncFileName)
	cmd.Flags().DurationVar(&timeout, "timeout", 2*time.Minute, "give up after this long")
	cmd.MarkFlagDirname("data-dir")
	return cmd
}
