package main

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/internal/cell"
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
			interrupted := ctx
			ctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			r := c.RunOnce(ctx)
			if interrupted.Err() != nil {
				// ctrl+c: what the hub acknowledged stays acknowledged, the
				// rest is sent by the next round.
				fmt.Fprintln(stdout, "stopped; the next `enlace sync` carries on where this round stopped")
				return nil
			}
			fmt.Fprintf(stdout, "hub %s, round of %v\n", settings.HubURL, r.Duration.Round(time.Millisecond))
			fmt.Fprintf(stdout, "pushed %d: %d stored (%d already held), %d refused\n", r.Pushed, r.Acked, r.Resent, r.Rejected)
			fmt.Fprintf(stdout, "pulled %d: %d applied, %d refused on this desk\n", r.Pulled, r.Applied, r.Refused)
			for _, e := range r.Errors {
				fmt.Fprintf(stdout, "! %s\n", e)
			}
			n, err := st.Counts(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "waiting to be sent: %d; cases in conflict: %d\n", n.Pending, n.Conflicts)
			if n.Quarantined > 0 {
				fmt.Fprintf(stdout, "quarantined (received, not applied): %d; the latest:\n", n.Quarantined)
				q, _ := st.Quarantined(ctx, 5)
				for _, e := range q {
					fmt.Fprintf(stdout, "  %s %s from %s (%s), hub seq %d: %s\n", e.EventID, e.Kind, cell.Short(e.Author), cell.Short(e.Agency), e.Seq, cell.Short(e.Reason))
				}
			}
			if r.Err != "" {
				return fmt.Errorf("the round did not complete: %s", r.Err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "data-dir", defaultDataDir(), "directory of the desk's store and its "+syncFileName)
	cmd.Flags().DurationVar(&timeout, "timeout", 2*time.Minute, "give up after this long")
	cmd.MarkFlagDirname("data-dir")
	cmd.AddCommand(newSyncDigestCmd())
	return cmd
}

func newSyncDigestCmd() *cobra.Command {
	var dir string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "digest",
		Short: "Print the digest of each shared case and of the whole shared state, to check two desks agree",
		Long: `Print the digest of each case this desk shares with another agency (its status,
version, conflict flag, title, priority, due date, sharing, every agency's
assignee, linked subjects and encounter), then one digest of them all. Two
desks that hold the same events print the same digests: compare the last line
on the phone with the partner, or diff the whole output.`,
		Example: `  enlace sync digest --data-dir ~/.local/share/enlace/demo/ec-pn-desk-1
  enlace sync digest --data-dir DESK-DIR --json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stdout := cmd.Context(), cmd.OutOrStdout()
			st, _, err := openDeskStore(ctx, dir, 0)
			if err != nil {
				return err
			}
			defer st.Close()
			digests, err := st.SharedCaseDigests(ctx)
			if err != nil {
				return err
			}
			all := cases.DigestAll(digests)
			if asJSON {
				type caseDigest struct {
					ID     string `json:"id"`
					Digest string `json:"digest"`
				}
				out := struct {
					Cases  []caseDigest `json:"cases"`
					Shared string       `json:"shared_state"`
				}{Cases: []caseDigest{}, Shared: all}
				for _, id := range sortedKeys(digests) {
					out.Cases = append(out.Cases, caseDigest{id, digests[id]})
				}
				return writeJSON(stdout, out)
			}
			for _, id := range sortedKeys(digests) {
				fmt.Fprintf(stdout, "%s  %s\n", digests[id], id)
			}
			fmt.Fprintf(stdout, "%s  shared state (%d cases)\n", all, len(digests))
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "data-dir", defaultDataDir(), "directory of the desk's store")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	cmd.MarkFlagDirname("data-dir")
	return cmd
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
