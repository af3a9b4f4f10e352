package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/enlace-desk/enlace/afis"
	"github.com/enlace-desk/enlace/cases"
)

func init() {
	register(&command{
		name:    "import",
		usage:   "import FILE... [--subject]",
		summary: "bring ANSI/NIST-ITL transactions or minutiae templates in as an encounter (or a subject)",
		run:     runImport,
	})
	register(&command{
		name:    "export",
		usage:   "export SUBJECT-ID OUT [--to AGENCY]",
		summary: "write a subject's fingerprints as an ANSI/NIST-ITL transaction (Types 1, 2, 9)",
		run:     runExport,
	})
	register(&command{
		name:    "identify",
		usage:   "identify ENCOUNTER-ID --purpose P [--top N]",
		summary: "search an encounter's prints against the gallery (logged)",
		run:     runIdentify,
	})
}

// parseInterleaved parses flags that may come before or after positional
// arguments, and returns the positionals.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return nil, usageError("%v", err)
		}
		args = fs.Args()
		if len(args) > 0 {
			pos = append(pos, args[0])
			args = args[1:]
		}
	}
	return pos, nil
}

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("enlace import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf storeFlags
	sf.register(fs)
	asSubject := fs.Bool("subject", false, "create a subject of your agency instead of an encounter")
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usageError("usage: enlace import FILE... [--subject]")
	}
	st, officer, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := afis.New(st).Import(ctx, officer, files, *asSubject)
	if err != nil {
		return err
	}
	for _, f := range res.Files {
		fmt.Fprintf(stdout, "read %s (%s, SHA-256 %s)\n", f.Name, f.Format, f.SHA256)
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(stdout, "! %s\n", w)
	}
	if res.SubjectID != "" {
		fmt.Fprintf(stdout, "subject %s created with %d fingers\n", res.SubjectID, res.Fingers)
	} else {
		fmt.Fprintf(stdout, "encounter %s created with %d fingers\n", res.EncounterID, res.Fingers)
	}
	return nil
}

func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("enlace export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf storeFlags
	sf.register(fs)
	to := fs.String("to", "", "destination agency (1.007 DAI); default the partner agency")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usageError("usage: enlace export SUBJECT-ID OUT [--to AGENCY]")
	}
	st, officer, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	dest := *to
	if dest == "" {
		agencies, err := st.Agencies(ctx)
		if err != nil {
			return err
		}
		for _, a := range agencies {
			if a.Code != officer.Agency {
				dest = a.Code
			}
		}
	}
	b, err := afis.New(st).Export(ctx, officer, pos[0], dest)
	if err != nil {
		return err
	}
	if err := os.WriteFile(pos[1], b, 0o600); err != nil {
		return fmt.Errorf("cannot write %s: %w", pos[1], err)
	}
	fmt.Fprintf(stdout, "wrote %s (%d bytes) for %s\n", pos[1], len(b), dest)
	return nil
}

func runIdentify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("enlace identify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf storeFlags
	sf.register(fs)
	purpose := fs.String("purpose", "", "why you search: border_inspection, criminal_investigation, extradition, immigration or other")
	purposeText := fs.String("purpose-text", "", "the reason in words (required with --purpose other)")
	top := fs.Int("top", 10, "candidates to list")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError("usage: enlace identify ENCOUNTER-ID --purpose P [--top N]; `enlace identify --list` is not a thing: encounters are listed in the workstation")
	}
	if *purpose == "" {
		return usageError("every search needs a stated purpose: add --purpose")
	}
	p, err := parsePurpose(*purpose)
	if err != nil {
		return err
	}
	st, officer, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := afis.New(st).Identify(ctx, officer, pos[0], p, *purposeText, *top)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d probe fingers against %d subjects in %v (logged as %s)\n", res.Fingers, res.Gallery, res.Took.Round(1e6), res.LogID)
	for _, c := range res.Candidates {
		fmt.Fprintf(stdout, "%2d. %s  score %.1f  FMR %.1e  %s\n", c.Rank, c.SubjectID, c.Score, c.FMR, bandWord(c.Band))
		for _, f := range c.Fingers {
			fmt.Fprintf(stdout, "      finger %2d: score %.1f, %d paired minutiae\n", f.Position, f.Score, len(f.Pairs))
		}
	}
	return nil
}

func bandWord(b cases.Band) string { return b.Label() }
