package main

import (
	"regexp"
	"strings"
	"testing"

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
