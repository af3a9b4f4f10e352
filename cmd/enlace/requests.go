package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/internal/cell"
	"github.com/enlace-desk/enlace/store"
	"github.com/spf13/cobra"
)

// The agreement's follow-up: core-data requests from a partner hit, their
// answers, spontaneous disclosure, and the disclosures' audit.

func init() {
	register("request", newRequestCmd)
	register("requests", newRequestsCmd)
	register("disclose", newDiscloseCmd)
}

func newRequestCmd() *cobra.Command {
	var sf storeFlags
	var pf purposeFlags
	var caseID, reason string
	var asJSON bool
	core := &cobra.Command{
		Use:   "core-data REFERENCE",
		Short: "Ask the owner of a partner reference for its core data (logged)",
		Example: `  enlace request core-data EC-PN-R-0193… --case US-CBP-2026-150003 --purpose border_inspection \
      --reason "prints of a traveller at secondary inspection hit this reference"`,
		Args: exactArgs(1, "one REFERENCE (as `enlace identify` shows a partner hit)"),
		RunE: func(cmd *cobra.Command, pos []string) error {
			p, err := pf.parse()
			if err != nil {
				return err
			}
			if caseID == "" {
				return usageError("a request belongs to a case: add --case CASE-ID")
			}
			return withStore(cmd, &sf, func(ctx context.Context, st *store.Store, o cases.Officer, out io.Writer) error {
				f, err := st.RequestCoreData(ctx, o, pos[0], caseID, p, pf.text, reason)
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(out, followUpOut(*f, st.Clock().Now()))
				}
				fmt.Fprintf(out, "request %s sent to %s for reference %s (case %s); it is due %d hours after the hub receives it (sync to send it)\n",
					f.ID, f.OwnerAgency, f.Reference, f.CaseID, st.Agreement().FollowUpDeadlineHours)
				return nil
			})
		},
	}
	sf.register(core)
	pf.register(core)
	core.Flags().StringVar(&caseID, "case", "", "the case the hit belongs to (required)")
	core.Flags().StringVar(&reason, "reason", "", "why the data is needed (required)")
	core.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return groupCmd("request", "Send the partner a follow-up request", "  enlace request core-data REFERENCE --case CASE-ID --purpose P --reason TEXT", core)
}

func newRequestsCmd() *cobra.Command {
	var lf storeFlags
	var incoming, outgoing, asJSON bool
	list := &cobra.Command{
		Use:   "list",
		Short: "List follow-up requests: addressed to your agency (--incoming), made by it (--outgoing), or both",
		Example: `  enlace requests list --incoming
  enlace requests list --outgoing --json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, &lf, func(ctx context.Context, st *store.Store, o cases.Officer, out io.Writer) error {
				fs, err := st.FollowUps(ctx, incoming, outgoing)
				if err != nil {
					return err
				}
				now := st.Clock().Now()
				if asJSON {
					list := []followUpJSON{}
					for _, f := range fs {
						list = append(list, followUpOut(f, now))
					}
					return writeJSON(out, list)
				}
				tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tDIR\tREFERENCE\tFROM\tCASE\tPURPOSE\tDUE (UTC)\tSTATUS\tREASON")
				for _, f := range fs {
					j := followUpOut(f, now)
					due := "awaiting the hub"
					if !f.Due.IsZero() {
						due = f.Due.UTC().Format(time.DateTime)
					}
					status := f.Status
					switch {
					case j.Overdue:
						status += " OVERDUE"
					case j.Late:
						status += " (late)"
					}
					reason := f.Reason
					if f.Status == cases.FollowUpDeclined {
						reason = "declined: " + f.DeclineReason
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", f.ID, j.Direction, cell.Short(f.Reference), f.RequestedBy, cell.Short(f.CaseID),
						f.Purpose, due, status, cell.Short(reason))
				}
				return tw.Flush()
			})
		},
	}
	lf.register(list)
	list.Flags().BoolVar(&incoming, "incoming", false, "requests addressed to your agency")
	list.Flags().BoolVar(&outgoing, "outgoing", false, "requests your agency made")
	list.Flags().BoolVar(&asJSON, "json", false, "print as JSON")

	var af storeFlags
	var fields string
	var approveJSON bool
	approve := &cobra.Command{
		Use:   "approve ID",
		Short: "Answer a request by disclosing the subject's core data (or fewer fields) to the requesting agency",
		Example: `  enlace requests approve 0193… --as ec.lzambrano
  enlace requests approve 0193… --fields name,dob`,
		Args: exactArgs(1, "one request ID (enlace requests list --incoming)"),
		RunE: func(cmd *cobra.Command, pos []string) error {
			fs, err := cases.ParseCoreFields(fields)
			if err != nil {
				return usageError("--fields: %s", cases.ErrorMessage(err))
			}
			return withStore(cmd, &af, func(ctx context.Context, st *store.Store, o cases.Officer, out io.Writer) error {
				d, err := st.ApproveFollowUp(ctx, o, pos[0], fs)
				if err != nil {
					return err
				}
				if approveJSON {
					return writeJSON(out, disclosureOut(*d))
				}
				f, err := st.FollowUp(ctx, pos[0])
				if err != nil {
					return err
				}
				late := ""
				if f.Late() {
					late = " (late: it was due " + f.Due.UTC().Format(time.DateTime) + " UTC)"
				}
				fmt.Fprintf(out, "disclosed %s of %s to %s as %s under request %s%s\n", joinStrings(d.Fields), d.Reference, d.To, o.ID, f.ID, late)
				return nil
			})
		},
	}
	af.register(approve)
	approve.Flags().StringVar(&fields, "fields", "", "the fields to disclose, comma-separated (default: the agreement's core data)")
	approve.Flags().BoolVar(&approveJSON, "json", false, "print the disclosure as JSON")

	var df storeFlags
	var reason string
	decline := &cobra.Command{
		Use:     "decline ID",
		Short:   "Answer a request with a refusal and its reason",
		Example: `  enlace requests decline 0193… --reason "the subject's file is under judicial seal"`,
		Args:    exactArgs(1, "one request ID (enlace requests list --incoming)"),
		RunE: func(cmd *cobra.Command, pos []string) error {
			return withStore(cmd, &df, func(ctx context.Context, st *store.Store, o cases.Officer, out io.Writer) error {
				f, err := st.DeclineFollowUp(ctx, o, pos[0], reason)
				if err != nil {
					return err
				}
				fmt.Fprintf(out, "declined request %s from %s: %s\n", f.ID, f.RequestingAgency, cell.Short(f.DeclineReason))
				return nil
			})
		},
	}
	df.register(decline)
	decline.Flags().StringVar(&reason, "reason", "", "why the request is declined (required)")

	return groupCmd("requests", "Work the follow-up requests between the agencies",
		"  enlace requests list --incoming\n  enlace requests approve ID\n  enlace requests decline ID --reason TEXT", list, approve, decline)
}

func newDiscloseCmd() *cobra.Command {
	var sf storeFlags
	var to, fields string
	cmd := &cobra.Command{
		Use:     "disclose SUBJECT-ID --to AGENCY",
		Short:   "Disclose an own subject's core data without a request (the agreement allows it for terrorism suspects)",
		Example: "  enlace disclose 0193… --to US-CBP --fields name,dob,documents",
		Args:    exactArgs(1, "one SUBJECT-ID of your agency"),
		RunE: func(cmd *cobra.Command, pos []string) error {
			fs, err := cases.ParseCoreFields(fields)
			if err != nil {
				return usageError("--fields: %s", cases.ErrorMessage(err))
			}
			if to == "" {
				return usageError("say which agency receives the data: --to AGENCY")
			}
			return withStore(cmd, &sf, func(ctx context.Context, st *store.Store, o cases.Officer, out io.Writer) error {
				d, err := st.DiscloseSpontaneously(ctx, o, pos[0], to, fs)
				if err != nil {
					return err
				}
				fmt.Fprintf(out, "disclosed %s of %s to %s as %s, without a request\n", joinStrings(d.Fields), d.Reference, d.To, o.ID)
				return nil
			})
		},
	}
	sf.register(cmd)
	cmd.Flags().StringVar(&to, "to", "", "the partner agency (required)")
	cmd.Flags().StringVar(&fields, "fields", "", "the fields to disclose, comma-separated (default: the agreement's core data)")
	return cmd
}

func newAuditDisclosuresCmd() *cobra.Command {
	var sf storeFlags
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "disclosures",
		Short: "List every disclosure: what was disclosed, to whom, when, by whom, under which request",
		Example: `  enlace audit disclosures --as ec.auditoria
  enlace audit disclosures --as us.audit --json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, &sf, func(ctx context.Context, st *store.Store, o cases.Officer, out io.Writer) error {
				if !o.Has(cases.RoleAuditor) && !o.Has(cases.RoleSupervisor) {
					return fmt.Errorf("the disclosure log is for auditors and supervisors; %s is neither (use --as)", o.ID)
				}
				ds, err := st.Disclosures(ctx)
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(out, disclosuresOut(ds))
				}
				tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "TIME (UTC)\tDIR\tREFERENCE\tTO\tBY\tUNDER\tFIELDS")
				for _, d := range ds {
					j := disclosureOut(d)
					under := "spontaneous"
					if d.RequestID != "" {
						under = "request " + d.RequestID
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", d.At.UTC().Format(time.DateTime), j.Direction, cell.Short(d.Reference), d.To, d.DisclosedBy, under, joinStrings(d.Fields))
				}
				return tw.Flush()
			})
		},
	}
	sf.register(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

// showReference prints a partner's reference and what its owner disclosed to
// this agency: no other personal data reaches this desk.
func showReference(out io.Writer, v *cases.SubjectView, asJSON bool) error {
	if asJSON {
		return writeJSON(out, referenceViewOut(v))
	}
	r := v.Reference
	fmt.Fprintf(out, "%s  reference of %s (%s)\n", r.Number, r.OwnerAgency, r.Category.Label())
	if r.Withdrawn {
		fmt.Fprintf(out, "withdrawn    %s no longer shares it\n", r.OwnerAgency)
	}
	fmt.Fprintf(out, "fingers      %d on file\n", len(r.Fingerprints))
	if len(v.Disclosures) == 0 {
		fmt.Fprintln(out, "personal data: none disclosed (ask with `enlace request core-data`)")
	}
	for _, d := range v.Disclosures {
		under := "spontaneously"
		if d.RequestID != "" {
			under = "under request " + d.RequestID
		}
		fmt.Fprintf(out, "disclosed by %s on %s %s (%s, signed by %s)\n", d.OwnerAgency, d.At.UTC().Format(time.DateTime+" UTC"), under, joinStrings(d.Fields), d.DisclosedBy)
		j := disclosureOut(d).Data
		if j.Name != "" {
			fmt.Fprintf(out, "  name         %s\n", cell.Short(j.Name))
		}
		if j.DOB != "" {
			fmt.Fprintf(out, "  born         %s\n", j.DOB)
		}
		if j.Sex != "" {
			fmt.Fprintf(out, "  sex          %s\n", j.Sex)
		}
		for _, n := range j.Nationalities {
			fmt.Fprintf(out, "  nationality  %s\n", cell.Short(n))
		}
		for _, doc := range d.Data.Documents {
			fmt.Fprintf(out, "  document     %s %s (%s)\n", doc.Kind.Label(), cell.Short(doc.Number), doc.Country)
		}
		for _, a := range j.Aliases {
			fmt.Fprintf(out, "  alias        %s\n", cell.Short(a.Name))
		}
		if j.Gang != "" {
			fmt.Fprintf(out, "  gang         %s\n", cell.Short(j.Gang))
		}
		if j.LegalStatus != "" {
			fmt.Fprintf(out, "  legal status %s\n", cell.Short(j.LegalStatus))
		}
	}
	return nil
}
