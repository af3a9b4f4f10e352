package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/enlace-desk/enlace/afis"
	"github.com/enlace-desk/enlace/store"
)

// allCommands walks the command tree.
func allCommands(c *cobra.Command) []*cobra.Command {
	out := []*cobra.Command{c}
	for _, s := range c.Commands() {
		out = append(out, allCommands(s)...)
	}
	return out
}

func TestEveryCommandsHelpExitsZeroWithFlagsAndAnExample(t *testing.T) {
	root := newRootCmd(io.Discard, io.Discard)
	cmds := allCommands(root)
	if len(cmds) < 20 {
		t.Fatalf("only %d commands in the tree", len(cmds))
	}
	for _, c := range cmds {
		path := strings.Fields(c.CommandPath())[1:]
		out, errOut, err := runCLI(t, append(path, "--help")...)
		if err != nil {
			t.Errorf("%s --help: %v", c.CommandPath(), err)
			continue
		}
		if errOut != "" {
			t.Errorf("%s --help wrote to stderr: %q", c.CommandPath(), errOut)
		}
		for _, want := range []string{"Usage:", "Flags:", "Examples:", "--help"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s --help lacks %q:\n%s", c.CommandPath(), want, out)
			}
		}
	}
}

func TestCompletionAndVersion(t *testing.T) {
	for _, sh := range []string{"bash", "zsh", "fish"} {
		out, _, err := runCLI(t, "completion", sh)
		if err != nil || !strings.Contains(out, "enlace") || len(out) < 1000 {
			t.Errorf("completion %s: %v, %d bytes", sh, err, len(out))
		}
	}
	out, _, err := runCLI(t, "--version")
	if err != nil || !strings.HasPrefix(out, "enlace version ") {
		t.Errorf("--version: %v %q", err, out)
	}
	// The shell asks the program for the purposes after --purpose.
	out, _, err = runCLI(t, "__complete", "search", "--purpose", "")
	if err != nil || !strings.Contains(out, "border_inspection") || !strings.Contains(out, "extradition") {
		t.Errorf("purpose completion: %v %q", err, out)
	}
}

func TestMisuseNamesTheFlagAndExitsTwo(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"search", "Macías", "--bogus"}, "--bogus"},
		{[]string{"search", "Macías", "--purpose", "other"}, "--purpose-text"},
		{[]string{"search", "Macías", "--purpose", "sightseeing"}, "--purpose"},
		{[]string{"identify", "E1", "--purpose", "other"}, "--purpose-text"},
		{[]string{"identify", "E1"}, "--purpose"},
		{[]string{"identify"}, "ENCOUNTER-ID"},
		{[]string{"export", "S1"}, "SUBJECT-ID and an OUT file"},
		{[]string{"frobnicate"}, "enlace help"},
		{[]string{"nist"}, "dump, minutiae, rewrite"},
		{[]string{"demo", "extra"}, "takes no arguments"},
		{[]string{"match", "bench", "--gallery", "0"}, "--gallery"},
		{[]string{"--theme", "pink"}, "--theme"},
	}
	for _, c := range cases {
		_, _, err := runCLI(t, c.args...)
		var ee *exitError
		if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v; want exit 2 naming %q", c.args, err, c.want)
		}
	}
}

func TestFlagsAroundPositionalArguments(t *testing.T) {
	// Flags before, between and after the positionals are all parsed by
	// pflag; the positionals come through in order.
	var got []string
	cmd := newImportCmd()
	cmd.RunE = func(_ *cobra.Command, args []string) error { got = args; return nil }
	cmd.SetArgs([]string{"a.iso", "--subject", "b.iso", "--data-dir", "/x", "c.iso"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != "a.iso b.iso c.iso" || cmd.Flags().Lookup("data-dir").Value.String() != "/x" {
		t.Errorf("positionals %v, data-dir %s", got, cmd.Flags().Lookup("data-dir").Value)
	}
}

func TestIdentifyNamesItsCandidates(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "demo")
	if _, errOut, err := runCLI(t, "demo", "--data-dir", dir, "--no-ui", "--offline", "--subjects", "60", "--cases", "20", "--prints", "30", "--encounters", "2"); err != nil {
		t.Fatalf("demo: %v\n%s", err, errOut)
	}
	desk := filepath.Join(dir, "ec-pn-desk-1")
	st, err := store.Open(ctx, filepath.Join(desk, dataFileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	encounters, err := afis.New(st).Encounters(ctx)
	st.Close()
	if err != nil || len(encounters) == 0 {
		t.Fatalf("no encounter in the demo store: %v", err)
	}
	out, _, err := runCLI(t, "identify", encounters[0].ID, "--data-dir", desk, "--purpose", "border_inspection", "--top", "3")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out, "\n")
	if !strings.Contains(out, "score: -log10 of the fused false match rate") || len(lines) < 4 {
		t.Fatalf("identify output:\n%s", out)
	}
	// "1. <name>  <subject ID>  score …": a name before the ID.
	first := ""
	for _, l := range lines {
		if strings.HasPrefix(l, " 1. ") {
			first = l
		}
	}
	f := strings.Fields(first)
	if len(f) < 5 || strings.Contains(f[1], "-") && len(f[1]) == 36 || strings.Contains(first, "record not on this desk") {
		t.Errorf("the first candidate has no name: %q", first)
	}

	// No rate below what the calibration data supports is given as a
	// figure: the JSON has null and says so.
	out, _, err = runCLI(t, "identify", encounters[0].ID, "--data-dir", desk, "--purpose", "border_inspection", "--top", "3", "--json")
	if err != nil {
		t.Fatal(err)
	}
	type rate struct {
		FMR     *float64 `json:"fmr"`
		FMRText string   `json:"fmr_text"`
	}
	var res struct {
		Candidates []struct {
			rate
			Fingers []rate `json:"fingers"`
		} `json:"candidates"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res.Candidates) == 0 {
		t.Fatalf("identify --json: %v\n%s", err, out)
	}
	beyond := regexp.MustCompile(`^< 1 in [0-9,]+ \(beyond the calibration data\)$`)
	for _, c := range res.Candidates {
		for _, r := range append([]rate{c.rate}, c.Fingers...) {
			if (r.FMR == nil) != beyond.MatchString(r.FMRText) {
				t.Errorf("rate %v reads %q", r.FMR, r.FMRText)
			}
		}
	}
}
