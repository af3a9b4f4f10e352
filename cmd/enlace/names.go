package main

import (
	"fmt"
	"os"
	"sort"

	"github.com/enlace-desk/enlace/cases/names"
	"github.com/spf13/cobra"
)

func init() { register("names", newNamesCmd) }

func newNamesCmd() *cobra.Command {
	score := &cobra.Command{
		Use:     `score "NAME A" "NAME B"`,
		Short:   "Compare two names and explain the score",
		Example: `  enlace names score "Fito Macías" "José Adolfo Macías Villamar"`,
		Args:    exactArgs(2, "two names in quotes"),
		RunE: func(cmd *cobra.Command, args []string) error {
			stdout := cmd.OutOrStdout()
			r := names.Score(names.PrepareText(args[0], nil), names.PrepareText(args[1], nil))
			verdict := "no match"
			if r.Match() {
				verdict = "match"
			}
			fmt.Fprintf(stdout, "score %.3f: %s (threshold %.2f)\n", r.Score, verdict, names.DefaultThreshold)
			for _, line := range r.Explanation() {
				fmt.Fprintln(stdout, "  "+line)
			}
			return nil
		},
	}
	var listErrors bool
	eval := &cobra.Command{
		Use:     "eval FILE.csv",
		Short:   "Evaluate the name matcher on labelled pairs (name1,name2,is_match[,category])",
		Example: "  enlace names eval cases/names/testdata/hand-holdout.csv --errors",
		Args:    exactArgs(1, "one CSV file (name1,name2,is_match[,category])"),
		RunE: func(cmd *cobra.Command, args []string) error {
			stdout := cmd.OutOrStdout()
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			rep, err := names.Evaluate(f)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			if listErrors {
				var wrong []names.Outcome
				for _, o := range rep.Outcomes {
					if o.Wrong(rep.Threshold) {
						wrong = append(wrong, o)
					}
				}
				sort.SliceStable(wrong, func(i, j int) bool { return wrong[i].Category < wrong[j].Category })
				for _, o := range wrong {
					fmt.Fprintf(stdout, "wrong %-18s %.3f match=%v line %d: %q / %q\n", o.Category, o.Score, o.Match, o.Line, o.A, o.B)
				}
			}
			return rep.Write(stdout)
		},
	}
	eval.Flags().BoolVar(&listErrors, "errors", false, "also list the pairs decided wrongly")
	return groupCmd("names", "Compare two names, or evaluate the name matcher on labelled pairs",
		"  enlace names score \"Fito Macías\" \"José Adolfo Macías Villamar\"\n  enlace names eval pairs.csv", score, eval)
}
