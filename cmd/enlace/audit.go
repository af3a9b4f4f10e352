package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/enlace-desk/enlace/cases"
)

func init() {
	register(&command{
		name:    "audit",
		usage:   "audit queries [--limit N] [--json]",
		summary: "list the query log: who searched what, when, why, and how many results",
		run:     runAudit,
	})
}

func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "queries" {
		return usageError("usage: enlace audit queries [--data-dir DIR] [--limit N] [--json]")
	}
	fs := flag.NewFlagSet("enlace audit queries", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf storeFlags
	sf.register(fs)
	limit := fs.Int("limit", 100, "entries to show, newest first")
	asJSON := fs.Bool("json", false, "print as JSON")
	if err := fs.Parse(args[1:]); err != nil {
		return usageError("%v", err)
	}
	st, officer, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if !officer.Has(cases.RoleAuditor) && !officer.Has(cases.RoleSupervisor) {
		return fmt.Errorf("the query log is for auditors and supervisors; %s is neither (use --as)", officer.ID)
	}
	entries, err := st.QueryLog(ctx, *limit)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(entries)
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME (UTC)\tOFFICER\tAGENCY\tKIND\tPURPOSE\tRESULTS\tQUERY")
	for _, e := range entries {
		purpose := e.Purpose.Label()
		if e.PurposeText != "" {
			purpose += ": " + e.PurposeText
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\n", e.At.Format(time.DateTime+".00"), e.OfficerID, e.Agency, e.Kind, purpose, e.Results, e.Query)
	}
	return tw.Flush()
}
