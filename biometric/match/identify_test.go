package match

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/enlace-desk/enlace/biometric/synth"
	"github.com/enlace-desk/enlace/internal/shareddata"
)

// idRates are the outcome of identification searches with mated probes.
type idRates struct {
	rank1, rank10 float64
	kept          float64 // share of the full search's rank-1 mates the screen keeps first
}

// identify searches every probe with no screen and with each shortlist
// size in ks, and compares.
func identify(g *Gallery, probes [][]Finger, mates []string, ks ...int) (full idRates, screened []idRates) {
	rank := func(i int, cs []Candidate) int {
		for r, c := range cs {
			if c.SubjectID == mates[i] {
				return r
			}
		}
		return -1
	}
	rates := func(ranks []int, first []bool) idRates {
		var r idRates
		kept, firsts := 0, 0
		for i, rk := range ranks {
			if rk == 0 {
				r.rank1++
			}
			if rk >= 0 {
				r.rank10++
			}
			if first[i] {
				firsts++
				if rk == 0 {
					kept++
				}
			}
		}
		n := float64(len(ranks))
		r.rank1, r.rank10 = r.rank1/n, r.rank10/n
		r.kept = float64(kept) / float64(max(firsts, 1))
		return r
	}
	ranks := make([]int, len(probes))
	first := make([]bool, len(probes))
	for i, p := range probes {
		ranks[i] = rank(i, g.search(context.Background(), p, 10, 0))
		first[i] = ranks[i] == 0
	}
	full = rates(ranks, first)
	for _, k := range ks {
		for i, p := range probes {
			ranks[i] = rank(i, g.search(context.Background(), p, 10, k))
		}
		screened = append(screened, rates(ranks, first))
	}
	return full, screened
}

func fvcIdentification(t *testing.T) (*Gallery, [][]Finger, []string) {
	return fvcIdentificationEnrolling(t, 0)
}

// fvcIdentificationEnrolling is fvcIdentification with impression enrol
// (0-based) of each finger enrolled and the other seven searched.
func fvcIdentificationEnrolling(t *testing.T, enrol int) (*Gallery, [][]Finger, []string) {
	g := NewGallery()
	var probes [][]Finger
	var mates []string
	for _, db := range []string{"DB1_B", "DB2_B", "DB3_B", "DB4_B"} {
		byF, err := LoadFVC(shareddata.Path(t, "fvc2002", db))
		if err != nil {
			t.Fatal(err)
		}
		for fg, ts := range byF {
			id := fmt.Sprintf("%s_%d", db, fg)
			g.Add(id, []Finger{{Position: 0, Template: ts[enrol]}})
			for i, tpl := range ts {
				if i == enrol {
					continue
				}
				probes = append(probes, []Finger{{Position: 0, Template: tpl}})
				mates = append(mates, id)
			}
		}
	}
	return g, probes, mates
}

// hardImpression is a small, distorted capture with many missed and false
// minutiae, so that the full matcher misses some mates.
var hardImpression = synth.ImpressionOptions{
	SensorWidth: 260, SensorHeight: 300, MaxRotation: 35, MaxShift: 70,
	Distortion: 10, PositionNoise: 2.5, AngleNoise: 7, DropRate: 0.3, Spurious: 10,
}

// synthIdentification enrolls n synthetic single-finger subjects and returns
// probes mated with the first of them.
func synthIdentification(n, probes int, opt synth.ImpressionOptions) (*Gallery, [][]Finger, []string) {
	g := NewGallery()
	rng := synth.NewRand(uint64(n) + 17)
	var ps [][]Finger
	var mates []string
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("S%05d", i)
		f := synth.NewFinger(rng, 2)
		a := f.Impression(rng, synth.ImpressionOptions{})
		g.Add(id, []Finger{{Position: 2, Template: &a}})
		if i < probes {
			b := f.Impression(rng, opt)
			ps = append(ps, []Finger{{Position: 2, Template: &b}})
			mates = append(mates, id)
		}
	}
	return g, ps, mates
}

// TestScreenKeepsMates checks that the screen keeps the mates the full
// search finds first, with shortlists far smaller than Search uses.
func TestScreenKeepsMates(t *testing.T) {
	t.Run("FVC", func(t *testing.T) {
		g, probes, mates := fvcIdentification(t)
		// 10% and 20% of the 40 fingers (Search screens no gallery this
		// small). The gallery mixes four sensors whose minutia counts differ
		// widely, which the screen (no overlap estimate) handles worst: one
		// mate of 280 ranks below the shortlist at both sizes.
		ks := []int{4, 8}
		full, scrs := identify(g, probes, mates, ks...)
		for i, k := range ks {
			scr := scrs[i]
			t.Logf("FVC gallery %d, %d probes: full rank-1 %.3f rank-10 %.3f; shortlist %d: rank-1 %.3f rank-10 %.3f, keeps %.3f of the full rank-1 mates",
				g.Len(), len(probes), full.rank1, full.rank10, k, scr.rank1, scr.rank10, scr.kept)
			if scr.rank1 < full.rank1-1.0/float64(len(probes)) {
				t.Errorf("shortlist %d: the screen lowers rank-1 from %.3f to %.3f", k, full.rank1, scr.rank1)
			}
		}
	})
	t.Run("synthetic hard", func(t *testing.T) {
		g, probes, mates := synthIdentification(400, 40, hardImpression)
		k := 12 // 3%
		full, scrs := identify(g, probes, mates, k)
		scr := scrs[0]
		t.Logf("synthetic (hard probes) gallery %d, %d probes: full rank-1 %.3f rank-10 %.3f; shortlist %d: rank-1 %.3f rank-10 %.3f, keeps %.3f",
			g.Len(), len(probes), full.rank1, full.rank10, k, scr.rank1, scr.rank10, scr.kept)
		if scr.kept < 1 {
			t.Errorf("the screen drops %.3f of the mates the full search ranks first", 1-scr.kept)
		}
	})
}

// TestIdentificationLarge measures rank-1 and rank-10 with and without the
// screen on large synthetic galleries: MATCH_LARGE=N sets the gallery size.
func TestIdentificationLarge(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("MATCH_LARGE"))
	if n <= 0 {
		t.Skip("set MATCH_LARGE=N (subjects) to run")
	}
	for _, c := range []struct {
		name string
		opt  synth.ImpressionOptions
	}{{"default", synth.ImpressionOptions{}}, {"hard", hardImpression}} {
		g, probes, mates := synthIdentification(n, 200, c.opt)
		k := shortlistLen(n, 10)
		full, scrs := identify(g, probes, mates, k)
		scr := scrs[0]
		t.Logf("synthetic %s probes, gallery %d, %d probes: full rank-1 %.3f rank-10 %.3f; shortlist %d: rank-1 %.3f rank-10 %.3f, keeps %.3f of the full rank-1 mates",
			c.name, g.Len(), len(probes), full.rank1, full.rank10, k, scr.rank1, scr.rank10, scr.kept)
	}
}
