package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/enlace-desk/enlace/internal/cell"
	"github.com/spf13/cobra"
)

func init() { register("audit", newAuditCmd) }

func newAuditCmd() *cobra.Command {
	return groupCmd("audit", "Read the audit trail (auditors and supervisors)",
		"  enlace audit queries --as ec.auditoria --limit 20\n  enlace audit disclosures --as ec.auditoria", newAuditQueriesCmd(), newAuditDisclosuresCmd(), newAuditLoginsCmd())
}

func newAuditQueriesCmd() *cobra.Command {
	var sf storeFlags
	var limit int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "queries",
		Short: "List the query log: who searched what, when, why, and how many results",
		Example: `  enlace audit queries --as ec.auditoria
  enlace audit queries --as ec.auditoria --limit 500 --json > queries.json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stdout := cmd.Context(), cmd.OutOrStdout()
			st, officer, err := sf.openAuditor(ctx, "the query log")
			if err != nil {
				return err
			}
			defer st.Close()
			// Each agency audits its own officers' searches and views.
			entries, err := st.QueryLogOf(ctx, officer.Agency, limit)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(stdout, queryLogOut(entries))
			}
			tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "TIME (UTC)\tOFFICER\tAGENCY\tKIND\tPURPOSE\tRESULTS\tQUERY")
			for _, e := range entries {
				purpose := e.Purpose.Label()
				if e.PurposeText != "" {
					purpose += ": " + e.PurposeText
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\n", e.At.Format(time.DateTime+".00"), cell.Text(e.OfficerID), cell.Text(e.Agency), cell.Text(e.Kind), cell.Text(purpose), e.Results, cell.Short(e.Query))
			}
			return tw.Flush()
		},
	}
	sf.register(cmd)
	cmd.Flags().IntVar(&limit, "limit", 100, "entries to show, newest first")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}
