package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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
	var n, searches, load int
	var dir string
	var index bool
	bench := &cobra.Command{
		Use:   "bench",
		Short: "Measure 1:N search speed on a synthetic gallery or on a folder of templates",
		Long: `Measure 1:N search speed. By default on a gallery of synthetic single-finger
subjects; with --templates, on every ISO/IEC 19794-2 template (*.iso) under a
folder, each enrolled --load-factor times as a subject of its own, as
OpenAFIS's one-many does. It prints the gallery size, the bytes each template
holds, the searches and, last, the rate: N templates/s.

With --index it runs every search twice, exhaustively and through the index,
and prints both: time per search (wall and CPU), how often the mate came
first, and the penetration (the share of the gallery the index passed on to
the matcher). It also prints the index's bytes per template and the time
the gallery took to build.`,
		Example: "  enlace match bench --gallery 10000 --searches 5\n  enlace match bench --templates ../shared/data/fvc2002 --load-factor 600\n  enlace match bench --index --gallery 1000000 --searches 20",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError("match bench: unexpected argument %q (a folder goes after --templates)", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if n <= 0 || searches <= 0 || load <= 0 {
				return usageError("match bench: --gallery, --searches and --load-factor must be positive")
			}
			ctx, stdout := cmd.Context(), cmd.OutOrStdout()
			var g *match.Gallery
			var probes []matePrint
			var err error
			start := time.Now()
			cpu0, cpuOK := cpuTime()
			if dir != "" {
				g, probes, err = benchTemplates(ctx, dir, load, searches)
			} else {
				g, probes, err = benchSynthetic(ctx, n, searches)
			}
			if err != nil {
				return err
			}
			built, cpu1 := time.Since(start), time.Duration(0)
			if cpuOK {
				cpu1, _ = cpuTime()
			}
			st := g.Stats()
			fmt.Fprintf(stdout, "gallery    %d templates, %d bytes per template\n", st.Fingers, st.Bytes/max(st.Fingers, 1))
			if index {
				g.BuildIndex()
				indexed := time.Since(start) - built
				cpu2, _ := cpuTime()
				st = g.Stats()
				fmt.Fprintf(stdout, "index      %d bytes per template (%.0f MB); built in %v (%v CPU) after the gallery's %v (%v CPU)\n",
					st.IndexBytes/max(st.Fingers, 1), float64(st.IndexBytes)/1e6, indexed.Round(time.Millisecond), (cpu2 - cpu1).Round(time.Millisecond),
					built.Round(time.Millisecond), (cpu1 - cpu0).Round(time.Millisecond))
				if st.Subjects < match.IndexMinSubjects {
					fmt.Fprintf(stdout, "note       the desk searches a gallery this small exhaustively (the index from %d subjects)\n", match.IndexMinSubjects)
				}
				var last float64
				for _, mode := range []match.SearchMode{match.Exhaustive, match.Indexed} {
					r, err := benchRun(ctx, g, probes, mode)
					if err != nil {
						return err
					}
					r.print(stdout, st.Fingers, cpuOK)
					last = r.rate(st.Fingers)
				}
				fmt.Fprintf(stdout, "%.0f templates/s\n", last)
				return nil
			}
			r, err := benchRun(ctx, g, probes, match.Exhaustive)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "searches   %d in %v (%v each), mate first in %d\n", len(probes), r.wall.Round(time.Millisecond), (r.wall / time.Duration(len(probes))).Round(time.Millisecond), r.rank1)
			if cpuOK {
				// On a shared machine the wall time depends on the others' load;
				// CPU time does not (much).
				fmt.Fprintf(stdout, "cpu        %v for %d CPUs: %.0f templates per CPU-second\n", r.cpu.Round(time.Millisecond), runtime.GOMAXPROCS(0), float64(st.Fingers)*float64(len(probes))/r.cpu.Seconds())
			}
			fmt.Fprintf(stdout, "%.0f templates/s\n", r.rate(st.Fingers))
			return nil
		},
	}
	bench.Flags().IntVar(&n, "gallery", 10000, "number of synthetic single-finger subjects")
	bench.Flags().StringVar(&dir, "templates", "", "search every ISO/IEC 19794-2 template (*.iso) under `DIR` instead, as OpenAFIS's one-many does")
	bench.Flags().IntVar(&load, "load-factor", 1, "with --templates, enroll each template this many times")
	bench.Flags().IntVar(&searches, "searches", 5, "searches to time")
	bench.Flags().BoolVar(&index, "index", false, "run every search both exhaustively and through the index, and print both")
	return groupCmd("match", "Measure fingerprint matching accuracy (FVC folder) or 1:N speed",
		"  enlace match eval ../shared/data/fvc2002/DB1_B\n  enlace match bench --gallery 10000\n  enlace match bench --templates ../shared/data/fvc2002 --load-factor 600", eval, bench)
}

// matePrint is a bench probe and the subjects enrolled from the same finger.
type matePrint struct {
	position int
	t        *biometric.Template
	mates    map[string]bool
}

// benchSeed is the synthetic bench gallery's seed: subject i is drawn
// from synth.NewRand(benchSeed + i). The index was tuned on other seeds
// (biometric/match tests), so the bench's figures are held out.
const benchSeed = 1 << 32

// benchSynthetic enrolls n synthetic single-finger subjects on all cores;
// the probes are second impressions of subjects spread over the gallery.
func benchSynthetic(ctx context.Context, n, searches int) (*match.Gallery, []matePrint, error) {
	g := match.NewGallery()
	searches = min(searches, n)
	probes := make([]matePrint, searches)
	var wg sync.WaitGroup
	var next atomic.Int64
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				lo := int(next.Add(1024)) - 1024
				if lo >= n {
					return
				}
				for i := lo; i < min(lo+1024, n); i++ {
					rng := synth.NewRand(benchSeed + uint64(i))
					f := synth.NewFinger(rng, 2)
					t := f.Impression(rng, synth.ImpressionOptions{})
					g.Add(strconv.Itoa(i), []match.Finger{{Position: 2, Template: &t}})
					// Probe k is mated with subject k*n/searches (the
					// only k that can be is i*searches/n rounded up).
					if k := (i*searches + n - 1) / n; k < searches && k*n/searches == i {
						p := f.Impression(rng, synth.ImpressionOptions{})
						probes[k] = matePrint{2, &p, map[string]bool{strconv.Itoa(i): true}}
					}
				}
			}
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return nil, nil, ctx.Err()
	}
	return g, probes, nil
}

// benchResult is one mode's searches.
type benchResult struct {
	mode                         match.SearchMode
	searches, rank1, fallbacks   int
	wall, cpu                    time.Duration
	screened, compared, subjects int // summed over the searches
}

func (r benchResult) rate(fingers int) float64 {
	return float64(fingers) * float64(r.searches) / r.wall.Seconds()
}

func (r benchResult) print(w io.Writer, fingers int, cpuOK bool) {
	n := time.Duration(max(r.searches, 1))
	fmt.Fprintf(w, "%-10s %d searches in %v: %v each", r.mode, r.searches, r.wall.Round(time.Millisecond), (r.wall / n).Round(time.Millisecond))
	if cpuOK {
		fmt.Fprintf(w, " (%v CPU each, %.0f templates per CPU-second)", (r.cpu / n).Round(time.Millisecond), float64(fingers)*float64(r.searches)/r.cpu.Seconds())
	}
	fmt.Fprintf(w, "; mate first in %d of %d (rank-1 %.3f)", r.rank1, r.searches, float64(r.rank1)/float64(max(r.searches, 1)))
	pen := float64(max(r.screened, r.compared)) / float64(max(r.subjects, 1))
	fmt.Fprintf(w, "; penetration %.2f%% (screened %d, compared in full %d per search)", 100*pen, r.screened/int(n), r.compared/int(n))
	if r.fallbacks > 0 {
		fmt.Fprintf(w, "; %d fell back to exhaustive", r.fallbacks)
	}
	fmt.Fprintln(w)
}

// benchRun times the probes' searches in one mode.
func benchRun(ctx context.Context, g *match.Gallery, probes []matePrint, mode match.SearchMode) (benchResult, error) {
	r := benchResult{mode: mode, searches: len(probes)}
	start := time.Now()
	cpu0, _ := cpuTime()
	for _, p := range probes {
		rep := g.SearchWith(ctx, []match.Finger{{Position: p.position, Template: p.t}}, match.SearchOptions{TopN: 10, Mode: mode})
		if err := ctx.Err(); err != nil {
			return r, err
		}
		if len(rep.Candidates) > 0 && p.mates[rep.Candidates[0].SubjectID] {
			r.rank1++
		}
		if mode == match.Indexed && rep.Mode != match.Indexed {
			r.fallbacks++
		}
		r.screened += rep.Screened
		r.compared += rep.Compared
		r.subjects += rep.Subjects
	}
	r.wall = time.Since(start)
	cpu1, _ := cpuTime()
	r.cpu = cpu1 - cpu0
	return r, nil
}

// benchTemplates enrolls every ISO template under dir load times, each copy
// a subject of its own, as OpenAFIS's one-many does; the probes are the
// first searches templates in path order, spread over the folder, each
// mated with the copies of every impression of its finger.
func benchTemplates(ctx context.Context, dir string, load, searches int) (*match.Gallery, []matePrint, error) {
	var paths []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.EqualFold(filepath.Ext(path), ".iso") {
			paths = append(paths, path)
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("match bench: cannot read the templates under %s: %w", dir, err)
	}
	if len(paths) == 0 {
		return nil, nil, fmt.Errorf("match bench: no *.iso template under %s", dir)
	}
	sort.Strings(paths)
	ts := make([]*biometric.Template, len(paths))
	for i, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, nil, fmt.Errorf("match bench: %w", err)
		}
		rec, err := biometric.ReadTemplate(b)
		if err != nil {
			return nil, nil, fmt.Errorf("match bench: %s: %w", p, err)
		}
		if len(rec.Views) == 0 {
			return nil, nil, fmt.Errorf("match bench: %s holds no finger view", p)
		}
		ts[i] = &rec.Views[0]
	}
	g := match.NewGallery()
	// Preparing the copies is the cost: spread it over the cores.
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				g.Add(strconv.Itoa(i), []match.Finger{{Template: ts[i%len(ts)]}})
			}
		}()
	}
	for i := 0; i < len(ts)*load && ctx.Err() == nil; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	var probes []matePrint
	for k := 0; k < min(searches, len(ts)); k++ {
		j := k * len(ts) / min(searches, len(ts))
		mates := map[string]bool{}
		for i := range ts {
			if sameFinger(paths[i], paths[j]) {
				for c := 0; c < load; c++ {
					mates[strconv.Itoa(c*len(ts)+i)] = true
				}
			}
		}
		if err := match.CheckProbe(ts[j]); err != nil {
			return nil, nil, fmt.Errorf("match bench: %s cannot be a probe: %w", paths[j], err)
		}
		probes = append(probes, matePrint{0, ts[j], mates})
	}
	return g, probes, nil
}

// sameFinger reports whether two template files hold the same finger: the
// same file, or FVC-style names <finger>_<impression>.iso with the same
// finger in the same folder.
func sameFinger(a, b string) bool {
	if a == b {
		return true
	}
	fa, _, okA := strings.Cut(filepath.Base(a), "_")
	fb, _, okB := strings.Cut(filepath.Base(b), "_")
	return okA && okB && fa == fb && filepath.Dir(a) == filepath.Dir(b)
}
