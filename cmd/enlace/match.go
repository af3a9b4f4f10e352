package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/enlace-desk/enlace/biometric"
	"github.com/enlace-desk/enlace/biometric/match"
	"github.com/enlace-desk/enlace/biometric/synth"
)

func init() {
	register(&command{
		name:    "match",
		usage:   "match eval DIR | bench --gallery N",
		summary: "measure fingerprint matching accuracy (FVC folder) or 1:N speed",
		run:     runMatch,
	})
}

func runMatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError("match: want eval DIR or bench --gallery N")
	}
	switch args[0] {
	case "eval":
		fs := flag.NewFlagSet("match eval", flag.ContinueOnError)
		fs.SetOutput(stderr)
		if err := fs.Parse(args[1:]); err != nil {
			return usageError("%v", err)
		}
		if fs.NArg() != 1 {
			return usageError("match eval: want one folder of <finger>_<impression>.iso templates")
		}
		r, err := match.EvaluateFVC(fs.Arg(0))
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "folder     %s (%d fingers, %d templates)\n", r.Dir, r.Fingers, r.Templates)
		fmt.Fprintf(stdout, "genuine    %d pairs\nimpostor   %d pairs\n", r.GenuinePairs, r.ImpostorPairs)
		fmt.Fprintf(stdout, "FMR100     %.4f (FNMR at FMR 1%%)\n", r.FMR100)
		fmt.Fprintf(stdout, "FMR1000    %.4f (FNMR at FMR 0.1%%)\n", r.FMR1000)
		fmt.Fprintf(stdout, "ZeroFMR    %.4f (FNMR with no false match)\n", r.ZeroFMR)
		fmt.Fprintf(stdout, "time       %v\n", r.Elapsed.Round(time.Millisecond))
		fmt.Fprintf(stdout, "EER=%.4f\n", r.EER)
		return nil
	case "bench":
		fs := flag.NewFlagSet("match bench", flag.ContinueOnError)
		fs.SetOutput(stderr)
		n := fs.Int("gallery", 10000, "number of synthetic single-finger subjects")
		searches := fs.Int("searches", 5, "searches to time")
		if err := fs.Parse(args[1:]); err != nil {
			return usageError("%v", err)
		}
		if *n <= 0 || *searches <= 0 {
			return usageError("match bench: --gallery and --searches must be positive")
		}
		rng := synth.NewRand(1)
		g := match.NewGallery()
		probes := make([]biometric.Template, 0, *searches)
		for i := 0; i < *n; i++ {
			f := synth.NewFinger(rng, 2)
			t := f.Impression(rng, synth.ImpressionOptions{})
			g.Add(strconv.Itoa(i), []match.Finger{{Position: 2, Template: &t}})
			if len(probes) < *searches {
				probes = append(probes, f.Impression(rng, synth.ImpressionOptions{}))
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
		}
		st := g.Stats()
		start := time.Now()
		rank1 := 0
		for i := range probes {
			// The probes are second impressions of the first subjects.
			cs := g.Search(ctx, []match.Finger{{Position: 2, Template: &probes[i]}}, 10)
			if len(cs) > 0 && cs[0].SubjectID == strconv.Itoa(i) {
				rank1++
			}
		}
		el := time.Since(start)
		fmt.Fprintf(stdout, "gallery    %d templates, %d bytes per template\n", st.Fingers, st.Bytes/max(st.Fingers, 1))
		fmt.Fprintf(stdout, "searches   %d in %v, mate first in %d\n", len(probes), el.Round(time.Millisecond), rank1)
		fmt.Fprintf(stdout, "%.0f templates/s\n", float64(st.Fingers)*float64(len(probes))/el.Seconds())
		return nil
	default:
		return usageError("match: unknown action %q; want eval or bench", args[0])
	}
}
