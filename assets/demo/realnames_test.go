package demo

import (
	"fmt"
	"testing"
	"time"

	"github.com/enlace-desk/enlace/cases/names"
)

// collision is the probability that two draws agree: the sum of the
// squared shares.
func collision(w *weighted) float64 {
	s := 0.0
	for _, n := range w.names {
		p := w.share(n)
		s += p * p
	}
	return s
}

// tableCollision is the same for the tables of real names themselves: the
// sum of the squared shares they list (the unlisted rare names add little).
func tableCollision(country string, share func(names.RealName) float64, per float64) float64 {
	s := 0.0
	for _, e := range names.RealNames(country) {
		p := share(e) / per
		s += p * p
	}
	return s
}

// TestNamesakeConcentration checks that the demo draws names about as
// concentrated as the tables of real names imply, and says by how much more:
// a demo whose names are far more concentrated than real ones makes name
// search look worse (namesakes everywhere) than it is.
func TestNamesakeConcentration(t *testing.T) {
	b := book()
	for _, c := range []struct {
		what       string
		demo, real float64
		maxFactor  float64
	}{
		{"Hispanic surnames", collision(&b.hispanicSurname), tableCollision("EC", func(e names.RealName) float64 { return e.Surname }, 1e6), 3},
		{"Hispanic men's given names", collision(&b.hispanicMale), tableCollision("EC", func(e names.RealName) float64 { return e.Male }, 5e5), 2},
		{"Hispanic women's given names", collision(&b.hispanicFemale), tableCollision("EC", func(e names.RealName) float64 { return e.Female }, 5e5), 2},
		{"US surnames", collision(&b.usSurname), tableCollision("US", func(e names.RealName) float64 { return e.Surname }, 1e6), 9},
	} {
		f := c.demo / c.real
		t.Logf("%-30s demo %.5f  tables %.5f  ×%.1f", c.what, c.demo, c.real, f)
		if f > c.maxFactor || f < 0.5 {
			t.Errorf("%s: the demo's names are %.1f times as concentrated as the tables' (want at most %.0f)", c.what, f, c.maxFactor)
		}
	}
}

// TestDrawnNamesLookReal spot-checks what the draws look like.
func TestDrawnNamesLookReal(t *testing.T) {
	g := newGenerator(Options{Seed: 1, Now: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)})
	seen := map[string]int{}
	for i := 0; i < 20000; i++ {
		s := g.subject()
		seen[s.Name.Paternal]++
		if s.Name.Paternal == "" || len(s.Name.Given) == 0 || s.Name.Given[0] == "" {
			t.Fatalf("incomplete name %+v", s.Name)
		}
		if i < 10 {
			t.Log(s.Name.Display())
		}
	}
	if n := seen["Zambrano"]; n < 20000*0.004 || n > 20000*0.03 {
		t.Errorf("Zambrano drawn %d times in 20,000 (%s)", n, fmt.Sprint(len(seen), " surnames"))
	}
}
