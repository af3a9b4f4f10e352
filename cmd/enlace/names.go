package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/enlace-desk/enlace/cases/names"
)

func init() {
	register(&command{
		name:    "names",
		usage:   "names score \"NAME A\" \"NAME B\" | names eval FILE.csv",
		summary: "compare two names, or evaluate the name matcher on labelled pairs",
		run:     runNames,
	})
}

func runNames(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError("names: want a subcommand: score or eval")
	}
	switch args[0] {
	case "score":
		fs := flag.NewFlagSet("names score", flag.ContinueOnError)
		fs.SetOutput(stderr)
		if err := fs.Parse(args[1:]); err != nil {
			return usageError("names score: %v", err)
		}
		if fs.NArg() != 2 {
			return usageError("names score: want two names in quotes, got %d arguments", fs.NArg())
		}
		r := names.Score(names.PrepareText(fs.Arg(0), nil), names.PrepareText(fs.Arg(1), nil))
		verdict := "no match"
		if r.Match() {
			verdict = "match"
		}
		fmt.Fprintf(stdout, "score %.3f: %s (threshold %.2f)\n", r.Score, verdict, names.DefaultThreshold)
		for _, line := range r.Explanation() {
			fmt.Fprintln(stdout, "  "+line)
		}
		return nil
	case "eval":
		fs := flag.NewFlagSet("names eval", flag.ContinueOnError)
		fs.SetOutput(stderr)
		errors := fs.Bool("errors", false, "also list the pairs decided wrongly")
		if err := fs.Parse(args[1:]); err != nil {
			return usageError("names eval: %v", err)
		}
		if fs.NArg() != 1 {
			return usageError("names eval: want one CSV file (name1,name2,is_match[,category])")
		}
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			return err
		}
		defer f.Close()
		rep, err := names.Evaluate(f)
		if err != nil {
			return fmt.Errorf("%s: %w", fs.Arg(0), err)
		}
		if *errors {
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
	}
	return usageError("names: unknown subcommand %q (want score or eval)", args[0])
}
