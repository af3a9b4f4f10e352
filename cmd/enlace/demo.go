package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/enlace-desk/enlace/assets/demo"
	"github.com/enlace-desk/enlace/store"
)

func init() {
	register(&command{
		name:    "demo",
		usage:   "demo [--data-dir DIR] [--as OFFICER] [--subjects N] [--cases M]",
		summary: "create (or reuse) the demo store and open the workstation",
		run:     runDemo,
	})
}

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("enlace demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf sessionFlags
	sf.register(fs, filepath.Join(defaultDataDir(), "demo"))
	subjects := fs.Int("subjects", demo.DefaultSubjects, "number of subjects to generate in a new demo store")
	ncases := fs.Int("cases", demo.DefaultCases, "number of cases to generate in a new demo store")
	seed := fs.Int64("seed", demo.DefaultSeed, "seed of the generated data")
	prints := fs.Int("prints", demo.DefaultPrints, "number of subjects given ten-print templates")
	encounters := fs.Int("encounters", demo.DefaultEncounters, "number of encounters with probe prints to identify")
	noUI := fs.Bool("no-ui", false, "create the demo store and exit without opening the workstation")
	if err := fs.Parse(args); err != nil {
		return usageError("%v", err)
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument %q", fs.Arg(0))
	}
	if err := sf.check(); err != nil {
		return err
	}
	if *subjects < 0 || *ncases < 0 {
		return usageError("--subjects and --cases cannot be negative")
	}
	st, err := store.Open(ctx, filepath.Join(sf.dataDir, dataFileName), store.Options{DeskNumber: 1})
	if err != nil {
		return err
	}
	defer st.Close()
	empty, err := st.IsEmpty(ctx)
	if err != nil {
		return err
	}
	if empty {
		start := time.Now()
		bar := newProgress(stderr, *subjects, *ncases)
		err := demo.Populate(ctx, st, demo.Options{Seed: *seed, Subjects: *subjects, Cases: *ncases, Prints: *prints, Encounters: *encounters, Progress: bar.update})
		bar.done()
		if err != nil {
			return fmt.Errorf("generating the demo data in %s: %w", sf.dataDir, err)
		}
		if err := st.SetDefaultOfficer(ctx, demo.DefaultOfficer); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "demo store ready in %s: %d subjects, %d cases (%.1fs)\n", sf.dataDir, *subjects, *ncases, time.Since(start).Seconds())
	} else if flagSet(fs, "subjects") || flagSet(fs, "cases") {
		h, err := st.Health(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "reusing the demo store in %s (%d subjects, %d cases); give a new --data-dir to generate another size\n", sf.dataDir, h.Subjects, h.Cases)
	}
	if *noUI {
		return nil
	}
	if sf.as == "" {
		sf.as = demo.DefaultOfficer
	}
	return openSession(ctx, st, sf)
}

func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// progress draws a one-line progress bar on a terminal, and a line per
// quarter otherwise.
type progress struct {
	w           io.Writer
	tty         bool
	total       int
	lastQuarter int
	start       time.Time
}

func newProgress(w io.Writer, subjects, ncases int) *progress {
	p := &progress{w: w, total: subjects + ncases, start: time.Now()}
	if f, ok := w.(*os.File); ok {
		p.tty = term.IsTerminal(f.Fd())
	}
	return p
}

func (p *progress) update(subjects, ncases int) {
	if p.total == 0 {
		return
	}
	done := subjects + ncases
	frac := float64(done) / float64(p.total)
	if p.tty {
		const width = 30
		n := int(frac * width)
		fmt.Fprintf(p.w, "\rgenerating demo data [%s%s] %3.0f%%  %d subjects, %d cases", strings.Repeat("█", n), strings.Repeat("░", width-n), frac*100, subjects, ncases)
		return
	}
	if q := int(frac * 4); q > p.lastQuarter {
		p.lastQuarter = q
		fmt.Fprintf(p.w, "generating demo data: %3.0f%% (%d subjects, %d cases, %.0fs)\n", frac*100, subjects, ncases, time.Since(p.start).Seconds())
	}
}

func (p *progress) done() {
	if p.tty && p.total > 0 {
		fmt.Fprintln(p.w)
	}
}
