package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/store"
	"github.com/spf13/cobra"
)

func init() { register("agreement", newAgreementCmd) }

func newAgreementCmd() *cobra.Command {
	var sf storeFlags
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "agreement",
		Short: "Print the data-sharing agreement in force on the desk",
		Long: `Print the policy the desk applies: the subject categories in scope, the purposes allowed, the
fields that make up core data, the follow-up deadline, the most candidates a search returns and how
long logs are kept. The embedded US–Ecuador agreement applies unless the desk's sync.json names
another file as "agreement_file".`,
		Example: "  enlace agreement --data-dir ~/.local/share/enlace/demo/ec-pn-desk-1 --json",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, &sf, func(ctx context.Context, st *store.Store, _ cases.Officer, out io.Writer) error {
				a := st.Agreement()
				if asJSON {
					return writeJSON(out, agreementOut(a))
				}
				fmt.Fprintf(out, "%s\n", a.Name)
				fmt.Fprintf(out, "parties                 %s\n", strings.Join(a.Parties, ", "))
				fmt.Fprintf(out, "categories in scope     %s\n", joinStrings(a.Categories))
				fmt.Fprintf(out, "purposes allowed        %s\n", joinStrings(a.Purposes))
				fmt.Fprintf(out, "core data               %s\n", joinStrings(a.CoreFields))
				fmt.Fprintf(out, "follow-up deadline      %d hours after the hub receives the request\n", a.FollowUpDeadlineHours)
				fmt.Fprintf(out, "candidates per search   at most %d\n", a.MaxCandidates)
				fmt.Fprintf(out, "logs kept               %d days\n", a.LogRetentionDays)
				fmt.Fprintf(out, "spontaneous disclosure  %s\n", orDash(joinStrings(a.SpontaneousCategories)))
				fmt.Fprintf(out, "verified by a second officer  %s\n", orDash(strings.Join(verificationList(a), ", ")))
				return nil
			})
		},
	}
	sf.register(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func joinStrings[T ~string](xs []T) string { return strings.Join(strs(xs), ", ") }
