package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/internal/shareddata"
)

// TestMatchBenchTemplates runs the bench on the FVC2002 templates as
// OpenAFIS's one-many does: every template enrolled load-factor times.
func TestMatchBenchTemplates(t *testing.T) {
	dir := shareddata.Path(t, "fvc2002")
	out, _, err := runCLI(t, "match", "bench", "--templates", dir, "--load-factor", "3", "--searches", "4")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "gallery    960 templates, ") {
		t.Errorf("the gallery should hold 320 templates × 3:\n%s", out)
	}
	if !strings.Contains(out, "mate first in 4\n") {
		t.Errorf("each probe's own finger should come first:\n%s", out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if !regexp.MustCompile(`^[0-9]+ templates/s$`).MatchString(lines[len(lines)-1]) {
		t.Errorf("the last line should be the rate, N templates/s:\n%s", out)
	}
	m := regexp.MustCompile(`([0-9]+) bytes per template`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no bytes per template:\n%s", out)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"match", "bench", "--templates", t.TempDir()}, "no *.iso template under"},
		{[]string{"match", "bench", "--templates", dir, "--load-factor", "0"}, "must be positive"},
		{[]string{"match", "bench", dir}, "a folder goes after --templates"},
	} {
		if _, _, err := runCLI(t, c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: got %v, want an error saying %q", c.args, err, c.want)
		}
	}
}

// TestMatchBenchIndex runs both modes on a small synthetic gallery: each
// prints its time, rank-1 and penetration.
func TestMatchBenchIndex(t *testing.T) {
	out, _, err := runCLI(t, "match", "bench", "--index", "--gallery", "3000", "--searches", "3")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^index +[0-9]+ bytes per template`),
		regexp.MustCompile(`(?m)^exhaustive 3 searches in .*mate first in 3 of 3 .*penetration 100\.00%`),
		regexp.MustCompile(`(?m)^indexed +3 searches in .*mate first in 3 of 3 .*penetration 66\.67% \(screened 2000`),
		regexp.MustCompile(`(?m)^note .*exhaustively`),
		regexp.MustCompile(`[0-9]+ templates/s\n$`),
	} {
		if !want.MatchString(out) {
			t.Errorf("bench output does not match %s:\n%s", want, out)
		}
	}
}

// TestSearchModeLine: enlace identify says which mode ran, and why not
// the index.
func TestSearchModeLine(t *testing.T) {
	for _, c := range []struct {
		res  cases.IdentificationResult
		want string
	}{
		{cases.IdentificationResult{Mode: cases.SearchIndexed, Penetration: 0.05}, "search: indexed (the index passed 5.0% of the records to the matcher)"},
		{cases.IdentificationResult{Mode: cases.SearchExhaustive, Penetration: 1}, "search: exhaustive (every record compared)"},
		{cases.IdentificationResult{Mode: cases.SearchExhaustive, ModeNote: "probe finger 2: only 3 ...", Penetration: 1}, "search: exhaustive (every record compared), not indexed: probe finger 2: only 3 ..."},
	} {
		if got := searchModeLine(&c.res); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
		j := identifyOut(&c.res, nil)
		if j.Mode != c.res.Mode || j.ModeNote != c.res.ModeNote || j.Penetration != c.res.Penetration {
			t.Errorf("JSON %+v", j)
		}
	}
}
