package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/internal/cell"
	"github.com/spf13/cobra"
)

func init() { register("search", newSearchCmd) }

// parsePurpose accepts a purpose's code, its label or a short form.
func parsePurpose(s string) (cases.Purpose, error) {
	k := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", "_"))
	for _, p := range cases.Purposes {
		if k == string(p) || strings.HasPrefix(string(p), k) && k != "" {
			return p, nil
		}
	}
	if k == "investigation" {
		return cases.PurposeInvestigation, nil
	}
	var names []string
	for _, p := range cases.Purposes {
		names = append(names, string(p))
	}
	return "", usageError("--purpose %q is not one of %s", s, strings.Join(names, ", "))
}

// purposeFlags are --purpose and --purpose-text, which every logged search
// states.
type purposeFlags struct {
	purpose, text string
}

func (f *purposeFlags) register(cmd *cobra.Command) {
	var codes []string
	for _, p := range cases.Purposes {
		codes = append(codes, string(p))
	}
	cmd.Flags().StringVar(&f.purpose, "purpose", "", "why you search (required): "+strings.Join(codes, ", "))
	cmd.Flags().StringVar(&f.text, "purpose-text", "", "the reason in words (required with --purpose other)")
	cmd.RegisterFlagCompletionFunc("purpose", cobra.FixedCompletions(codes, cobra.ShellCompDirectiveNoFileComp))
}

// parse checks the flags and returns the purpose; each mistake names the flag
// that mends it.
func (f *purposeFlags) parse() (cases.Purpose, error) {
	if f.purpose == "" {
		return "", usageError("every search needs a stated purpose: add --purpose (border_inspection, criminal_investigation, extradition, immigration, other)")
	}
	p, err := parsePurpose(f.purpose)
	if err != nil {
		return "", err
	}
	if err := cases.ValidatePurpose(p, f.text); err != nil {
		if p == cases.PurposeOther {
			return "", usageError("--purpose other needs the reason in words: add --purpose-text \"…\" (at least 3 characters)")
		}
		return "", usageError("--purpose: %s", cases.ErrorMessage(err))
	}
	return p, nil
}

func newSearchCmd() *cobra.Command {
	var sf storeFlags
	var pf purposeFlags
	var dob, sex, nat, cat, agency, gang string
	var tol, limit int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   `search "QUERY"`,
		Short: "Search subjects by name, alias, document number or MRZ (logged)",
		Example: `  enlace search "Fito Macías" --purpose border_inspection
  enlace search "macias villamar" --purpose extradition --dob 1979 --dob-years 2 --json
  enlace search 0912345678 --purpose other --purpose-text "court order 2026-114"`,
		Args: minArgs(1, "a QUERY (a name, an alias, a document number or an MRZ)"),
		RunE: func(cmd *cobra.Command, query []string) error {
			ctx, stdout := cmd.Context(), cmd.OutOrStdout()
			q := cases.SubjectQuery{Text: strings.Join(query, " "), Limit: limit, Sex: cases.Sex(strings.ToUpper(sex)), Nationality: nat,
				Category: cases.Category(cat), OwnerAgency: agency, Gang: gang, DOBToleranceYears: tol, PurposeText: pf.text}
			var err error
			if q.Purpose, err = pf.parse(); err != nil {
				return err
			}
			if q.DOB, err = cases.ParsePartialDate(dob); err != nil {
				return usageError("--dob: %v", cases.ErrorMessage(err))
			}
			st, officer, err := sf.open(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			res, err := st.SearchSubjects(ctx, officer, q)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(stdout, searchOut(res))
			}
			printSearch(stdout, res)
			return nil
		},
	}
	sf.register(cmd)
	pf.register(cmd)
	fs := cmd.Flags()
	fs.StringVar(&dob, "dob", "", "date of birth as evidence: YYYY, YYYY-MM or YYYY-MM-DD")
	fs.IntVar(&tol, "dob-years", 0, "accept a year of birth this many years off")
	fs.StringVar(&sex, "sex", "", "filter: M, F or X")
	fs.StringVar(&nat, "nationality", "", "filter: nationality (ISO 3166-1 alpha-3, e.g. ECU)")
	fs.StringVar(&cat, "category", "", "filter: terrorist, gang_member, high_priority_criminal or other")
	fs.StringVar(&agency, "agency", "", "filter: owning agency (EC-PN, US-CBP)")
	fs.StringVar(&gang, "gang", "", "filter: gang affiliation contains")
	fs.IntVar(&limit, "limit", 20, "results to show")
	fs.BoolVar(&asJSON, "json", false, "print the results as JSON")
	cmd.RegisterFlagCompletionFunc("sex", cobra.FixedCompletions([]string{"M", "F", "X"}, cobra.ShellCompDirectiveNoFileComp))
	cmd.RegisterFlagCompletionFunc("category", cobra.FixedCompletions([]string{"terrorist", "gang_member", "high_priority_criminal", "other"}, cobra.ShellCompDirectiveNoFileComp))
	cmd.RegisterFlagCompletionFunc("agency", cobra.FixedCompletions([]string{"EC-PN", "US-CBP"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func printSearch(w io.Writer, res *cases.SearchResult) {
	// Everything from the store or the query is untrusted text: cell escapes
	// control characters and cuts long values.
	fmt.Fprintf(w, "read as %s; %d result(s) (logged as %s)\n", cell.Short(res.ReadAs), len(res.Hits), res.LogID)
	for _, n := range res.Notices {
		fmt.Fprintf(w, "! %s\n", cell.Short(n))
	}
	for i, h := range res.Hits {
		s := h.Subject
		fmt.Fprintf(w, "\n%2d. %s  [%.2f]\n", i+1, cell.Short(s.Name.Display()), h.Score)
		fmt.Fprintf(w, "    %s · born %s · %s · %s · held by %s\n", cell.Short(s.Name.Civil()), orDash(s.DOB.String()), dashOr(string(s.Sex)), s.Category.Label(), cell.Short(s.OwnerAgency))
		for _, d := range s.Documents {
			fmt.Fprintf(w, "    %s %s (%s)\n", d.Kind.Label(), cell.Short(d.Number), cell.Short(d.Country))
		}
		if len(s.Aliases) > 0 {
			var as []string
			for _, a := range s.Aliases {
				as = append(as, a.Name)
			}
			fmt.Fprintf(w, "    aka %s\n", cell.Short(strings.Join(as, ", ")))
		}
		for _, r := range h.Reasons {
			fmt.Fprintf(w, "    · %s\n", cell.Short(r))
		}
	}
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// dashOr is a table cell: the value escaped, or "—" for nothing.
func dashOr(s string) string { return orDash(cell.Short(s)) }
