package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/enlace-desk/enlace/cases"
)

func init() {
	register(&command{
		name:    "search",
		usage:   `search "QUERY" --purpose P [--dob D] [--json]`,
		summary: "search subjects by name, alias, document number or MRZ (logged)",
		run:     runSearch,
	})
}

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

func runSearch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("enlace search", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf storeFlags
	sf.register(fs)
	purpose := fs.String("purpose", "", "why you search: border_inspection, criminal_investigation, extradition, immigration or other")
	purposeText := fs.String("purpose-text", "", "the reason in words (required with --purpose other)")
	dob := fs.String("dob", "", "date of birth as evidence: YYYY, YYYY-MM or YYYY-MM-DD")
	tol := fs.Int("dob-years", 0, "accept a year of birth this many years off")
	sex := fs.String("sex", "", "filter: M, F or X")
	nat := fs.String("nationality", "", "filter: nationality (ISO 3166-1 alpha-3, e.g. ECU)")
	cat := fs.String("category", "", "filter: terrorist, gang_member, high_priority_criminal or other")
	agency := fs.String("agency", "", "filter: owning agency (EC-PN, US-CBP)")
	gang := fs.String("gang", "", "filter: gang affiliation contains")
	limit := fs.Int("limit", 20, "results to show")
	asJSON := fs.Bool("json", false, "print the results as JSON")
	query, err := parseInterleaved(fs, args) // the query before or after the flags
	if err != nil {
		return err
	}
	q := cases.SubjectQuery{Text: strings.Join(query, " "), Limit: *limit, Sex: cases.Sex(strings.ToUpper(*sex)), Nationality: *nat,
		Category: cases.Category(*cat), OwnerAgency: *agency, Gang: *gang, DOBToleranceYears: *tol, PurposeText: *purposeText}
	if *purpose == "" {
		return usageError("every search needs a stated purpose: add --purpose (border_inspection, criminal_investigation, extradition, immigration, other)")
	}
	if q.Purpose, err = parsePurpose(*purpose); err != nil {
		return err
	}
	if q.DOB, err = cases.ParsePartialDate(*dob); err != nil {
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
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	printSearch(stdout, res)
	return nil
}

func printSearch(w io.Writer, res *cases.SearchResult) {
	fmt.Fprintf(w, "read as %s; %d result(s) (logged as %s)\n", res.ReadAs, len(res.Hits), res.LogID)
	for _, n := range res.Notices {
		fmt.Fprintf(w, "! %s\n", n)
	}
	for i, h := range res.Hits {
		s := h.Subject
		fmt.Fprintf(w, "\n%2d. %s  [%.2f]\n", i+1, s.Name.Display(), h.Score)
		fmt.Fprintf(w, "    %s · born %s · %s · %s · held by %s\n", s.Name.Civil(), orDash(s.DOB.String()), orDash(string(s.Sex)), s.Category.Label(), s.OwnerAgency)
		for _, d := range s.Documents {
			fmt.Fprintf(w, "    %s %s (%s)\n", d.Kind.Label(), d.Number, d.Country)
		}
		if len(s.Aliases) > 0 {
			var as []string
			for _, a := range s.Aliases {
				as = append(as, a.Name)
			}
			fmt.Fprintf(w, "    aka %s\n", strings.Join(as, ", "))
		}
		for _, r := range h.Reasons {
			fmt.Fprintf(w, "    · %s\n", r)
		}
	}
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
