package main

import (
	"fmt"
	"strconv"
	"time"

	"github.com/enlace-desk/enlace/biometric"
	"github.com/enlace-desk/enlace/biometric/match"
	"github.com/enlace-desk/enlace/biometric/synth"
	"github.com/spf13/cobra"
)

func init() { register("match", newMatchCmd) }

func newMatchCmd() *cobra.Command {
	eval := &cobra.Command{
		Use:     "eval DIR",
		Short:   "Measure matching accuracy on an FVC folder of <finger>_<impression>.iso templates",
		Example: "  enlace match eval ../shared/data/fvc2002/DB1_B",
		Args:    exactArgs(1, "one folder of <finger>_<impression>.iso templates"),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := match.EvaluateFVC(args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "folder     %s (%d fingers, %d templates)\n", r.Dir, r.Fingers, r.Templates)
			fmt.Fprintf(cmd.OutOrStdout(), "genuine    %d pairs\nimpostor   %d pairs\n", r.GenuinePairs, r.ImpostorPairs)
			fmt.Fprintf(cmd.OutOrStdout(), "FMR100     %.4f (FNMR at FMR 1%%)\n", r.FMR100)
			fmt.Fprintf(cmd.OutOrStdout(), "FMR1000    %.4f (FNMR at FMR 0.1%%)\n", r.FMR1000)
			fmt.Fprintf(cmd.OutOrStdout(), "ZeroFMR    %.4f (FNMR with no false match)\n", r.ZeroFMR)
			fmt.Fprintf(cmd.OutOrStdout(), "time       %v\n", r.Elapsed.Round(time.Millisecond))
			fmt.Fprintf(cmd.OutOrStdout(), "EER=%.4f\n", r.EER)
			return nil
		},
	}
	var n, searches int
	bench := &cobra.Command{
		Use:     "bench",
		Short:   "Measure 1:N search speed on a synthetic gallery",
		Example: "  enlace match bench --gallery 10000 --searches 5",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if n <= 0 || searches <= 0 {
				return usageError("match bench: --gallery and --searches must be positive")
			}
			rng := synth.NewRand(1)
			g := match.NewGallery()
			probes := make([]biometric.Template, 0, searches)
			for i := 0; i < n; i++ {
				f := synth.NewFinger(rng, 2)
				t := f.Impression(rng, synth.ImpressionOptions{})
				g.Add(strconv.Itoa(i), []match.Finger{{Position: 2, Template: &t}})
				if len(probes) < searches {
					probes = append(probes, f.Impression(rng, synth.ImpressionOptions{}))
				}
				if cmd.Context().Err() != nil {
					return cmd.Context().Err()
				}
			}
			st := g.Stats()
			start := time.Now()
			rank1 := 0
			for i := range probes {
				// The probes are second impressions of the first subjects.
				cs := g.Search(cmd.Context(), []match.Finger{{Position: 2, Template: &probes[i]}}, 10)
				if len(cs) > 0 && cs[0].SubjectID == strconv.Itoa(i) {
					rank1++
				}
			}
			el := time.Since(start)
			fmt.Fprintf(cmd.OutOrStdout(), "gallery    %d templates, %d bytes per template\n", st.Fingers, st.Bytes/max(st.Fingers, 1))
			fmt.Fprintf(cmd.OutOrStdout(), "searches   %d in %v, mate first in %d\n", len(probes), el.Round(time.Millisecond), rank1)
			fmt.Fprintf(cmd.OutOrStdout(), "%.0f templates/s\n", float64(st.Fingers)*float64(len(probes))/el.Seconds())
			return nil
		},
	}
	bench.Flags().IntVar(&n, "gallery", 10000, "number of synthetic single-finger subjects")
	bench.Flags().IntVar(&searches, "searches", 5, "searches to time")
	return groupCmd("match", "Measure fingerprint matching accuracy (FVC folder) or 1:N speed",
		"  enlace match eval ../shared/data/fvc2002/DB1_B\n  enlace match bench --gallery 10000", eval, bench)
}
