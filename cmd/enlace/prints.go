package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/enlace-desk/enlace/afis"
	"github.com/enlace-desk/enlace/biometric"
	"github.com/enlace-desk/enlace/biometric/match"
	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/internal/cell"
	"github.com/spf13/cobra"
)

func init() {
	register("import", newImportCmd)
	register("export", newExportCmd)
	register("identify", newIdentifyCmd)
}

func newImportCmd() *cobra.Command {
	var sf storeFlags
	var opts cases.ImportOptions
	cmd := &cobra.Command{
		Use:   "import FILE...",
		Short: "Bring ANSI/NIST-ITL transactions or minutiae templates in as an encounter (or a subject)",
		Long: `Bring ANSI/NIST-ITL transactions or minutiae templates in as an encounter (or a subject).

An ISO/IEC 19794-2 or INCITS 378 template may not say which finger it holds
(finger position 0, "unknown"): an encounter takes it as it is, a subject's
record needs the finger, which --finger gives (for one such template).

` + fingerCodes,
		Example: `  enlace import probe.an2k                      # a new encounter to identify
  enlace import right-thumb.iso right-index.iso --subject
  enlace import 101_1.iso --subject --finger 2  # a template without a finger position: the right index`,
		Args: minArgs(1, "at least one FILE (a transaction or a template)"),
		RunE: func(cmd *cobra.Command, files []string) error {
			ctx, stdout := cmd.Context(), cmd.OutOrStdout()
			if cmd.Flags().Changed("finger") && (opts.Finger < 1 || opts.Finger > cases.MaxFinger) {
				return usageError("--finger %d: a finger is 1–10 as ANSI/NIST numbers them (%s)", opts.Finger, fingerCodesShort)
			}
			st, officer, err := sf.open(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			res, err := afis.New(st).Import(ctx, officer, files, opts)
			var unknown *cases.FingerUnknownError
			if errors.As(err, &unknown) {
				return fmt.Errorf("%v, and a subject's record needs it: say which with --finger N (%s), or import it as an encounter (without --subject)", unknown, fingerCodesShort)
			}
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
				fmt.Fprintf(stdout, "subject %s created with %s\n", res.SubjectID, fingersWord(res.Fingers))
			} else {
				fmt.Fprintf(stdout, "encounter %s created with %s\n", res.EncounterID, fingersWord(res.Fingers))
			}
			return nil
		},
	}
	sf.register(cmd)
	cmd.Flags().BoolVar(&opts.AsSubject, "subject", false, "create a subject of your agency instead of an encounter")
	cmd.Flags().IntVar(&opts.Finger, "finger", 0, "the finger (1–10) of a template whose file gives no finger position")
	cmd.RegisterFlagCompletionFunc("finger", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		var out []string
		for p := 1; p <= cases.MaxFinger; p++ {
			out = append(out, fmt.Sprintf("%d\t%s", p, biometric.FingerName(p)))
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// fingersWord is "1 finger", "2 fingers".
func fingersWord(n int) string {
	if n == 1 {
		return "1 finger"
	}
	return fmt.Sprintf("%d fingers", n)
}

// fingerCodes lists the finger positions of ANSI/NIST-ITL (and of ISO/IEC
// 19794-2 and INCITS 378, which use the same numbers) for --finger's help.
var fingerCodes = func() string {
	var b strings.Builder
	b.WriteString("Finger positions (ANSI/NIST-ITL):\n")
	for p := 1; p <= cases.MaxFinger; p++ {
		fmt.Fprintf(&b, "  %2d  %s\n", p, biometric.FingerName(p))
	}
	return strings.TrimRight(b.String(), "\n")
}()

// fingerCodesShort is the finger positions in one line, for errors.
var fingerCodesShort = func() string {
	var codes []string
	for p := 1; p <= cases.MaxFinger; p++ {
		codes = append(codes, fmt.Sprintf("%d %s", p, biometric.FingerName(p)))
	}
	return strings.Join(codes, ", ")
}()

func newExportCmd() *cobra.Command {
	var sf storeFlags
	var pf purposeFlags
	var to string
	cmd := &cobra.Command{
		Use:     "export SUBJECT-ID OUT",
		Short:   "Write a subject's fingerprints as an ANSI/NIST-ITL transaction (Types 1, 2, 9)",
		Example: "  enlace export 01a05df3-0d6b-7c3e-9f41-2b8a5c7de47b subject.an2k --to US-CBP --purpose extradition",
		Args:    exactArgs(2, "a SUBJECT-ID and an OUT file"),
		RunE: func(cmd *cobra.Command, pos []string) error {
			ctx, stdout := cmd.Context(), cmd.OutOrStdout()
			p, err := pf.parse()
			if err != nil {
				return err
			}
			st, officer, err := sf.open(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			dest := to
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
			b, err := afis.New(st).Export(ctx, officer, pos[0], dest, p, pf.text)
			if err != nil {
				return err
			}
			if err := os.WriteFile(pos[1], b, 0o600); err != nil {
				return fmt.Errorf("cannot write %s: %w", pos[1], err)
			}
			fmt.Fprintf(stdout, "wrote %s (%d bytes) for %s\n", pos[1], len(b), dest)
			return nil
		},
	}
	sf.register(cmd)
	pf.register(cmd)
	cmd.Flags().StringVar(&to, "to", "", "destination agency (1.007 DAI); default the partner agency")
	return cmd
}

func newIdentifyCmd() *cobra.Command {
	var sf storeFlags
	var pf purposeFlags
	var top int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "identify ENCOUNTER-ID",
		Short: "Search an encounter's prints against the gallery (logged)",
		Long:  "Search an encounter's prints against the gallery (logged).\n\n" + match.RatesHelp,
		Example: `  enlace identify 01JD3K8ZQ4M2N5P7R9T1V3X5Z7 --purpose border_inspection
  enlace identify ENCOUNTER-ID --purpose other --purpose-text "court order 2026-114" --top 5`,
		Args: exactArgs(1, "one ENCOUNTER-ID (encounters are listed in the workstation)"),
		RunE: func(cmd *cobra.Command, pos []string) error {
			ctx, stdout := cmd.Context(), cmd.OutOrStdout()
			p, err := pf.parse()
			if err != nil {
				return err
			}
			st, officer, err := sf.open(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			res, err := afis.New(st).Identify(ctx, officer, pos[0], p, pf.text, top)
			if err != nil {
				return err
			}
			names := map[string]string{}
			var ids []string
			for _, c := range res.Candidates {
				if c.Reference == "" {
					ids = append(ids, c.SubjectID)
				}
			}
			subs, err := st.SubjectsByID(ctx, ids)
			if err != nil {
				return err
			}
			for _, s := range subs {
				names[s.ID] = s.Name.Display()
			}
			if asJSON {
				return writeJSON(stdout, identifyOut(res, names))
			}
			fmt.Fprintf(stdout, "%d probe fingers against %d records (own subjects and partner references) in %v (logged as %s)\n", res.Fingers, res.Gallery, res.Took.Round(1e6), res.LogID)
			fmt.Fprintln(stdout, searchModeLine(res))
			if len(res.Candidates) > 0 {
				fmt.Fprintln(stdout, "score: -log10 of the fused false match rate, for ranking (rates below about 1 in 1,000 are extrapolated: see --help); finger scores: the matcher's 1:1 similarity")
			}
			for _, c := range res.Candidates {
				if c.Reference != "" {
					// A partner's reference: hit or no hit, never a person.
					hit := "no hit"
					if c.Hit() {
						hit = "HIT"
					}
					fmt.Fprintf(stdout, "%2d. %s on %s's reference (%s)  %s  score %.1f  FMR %s  %s\n", c.Rank, hit, c.OwnerAgency, c.Category.Label(), c.Reference, c.Score, cases.FormatFMR(c.FMR, c.FMRFloor), bandWord(c.Band))
					for _, f := range c.Fingers {
						fmt.Fprintf(stdout, "      finger %2d: score %.1f, %d paired minutiae\n", f.Position, f.Score, len(f.Pairs))
					}
					continue
				}
				name := names[c.SubjectID]
				if name == "" {
					name = "(record not on this desk)"
				}
				fmt.Fprintf(stdout, "%2d. %s  %s  score %.1f  FMR %s  %s\n", c.Rank, cell.Short(name), c.SubjectID, c.Score, cases.FormatFMR(c.FMR, c.FMRFloor), bandWord(c.Band))
				for _, f := range c.Fingers {
					fmt.Fprintf(stdout, "      finger %2d: score %.1f (FMR %s), %d paired minutiae\n", f.Position, f.Score, cases.FormatFMR(f.FMR, f.FMRFloor), len(f.Pairs))
				}
			}
			return nil
		},
	}
	sf.register(cmd)
	pf.register(cmd)
	cmd.Flags().IntVar(&top, "top", 10, "candidates to list (the agreement bounds it)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON (partner hits as references, no personal data)")
	return cmd
}

func bandWord(b cases.Band) string { return b.Label() }

// searchModeLine says how the gallery was searched: exhaustively, or
// through the index and how much of the gallery it passed to the matcher.
func searchModeLine(res *cases.IdentificationResult) string {
	if res.Mode == cases.SearchIndexed {
		return fmt.Sprintf("search: indexed (the index passed %.1f%% of the records to the matcher)", 100*res.Penetration)
	}
	if res.ModeNote != "" {
		return "search: exhaustive (every record compared), not indexed: " + res.ModeNote
	}
	return "search: exhaustive (every record compared)"
}
