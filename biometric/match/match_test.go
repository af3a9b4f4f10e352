package match

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/enlace-desk/enlace/biometric"
	"github.com/enlace-desk/enlace/biometric/synth"
	"github.com/enlace-desk/enlace/internal/shareddata"
)

// achievedEER is what the matcher reached on the shared FVC2002 templates;
// TestFVCAccuracy fails when a change makes any DB worse by more than half a
// point. (OpenAFIS: 7.6, 7.5, 14.1, 6.6%.)
var (
	fvcMu      sync.Mutex
	fvcReports = map[string]Report{}
)

// fvcReport evaluates a shared FVC2002 DB once per test binary.
func fvcReport(t *testing.T, db string) Report {
	t.Helper()
	fvcMu.Lock()
	defer fvcMu.Unlock()
	if r, ok := fvcReports[db]; ok {
		return r
	}
	r, err := EvaluateFVC(shareddata.Path(t, "fvc2002", db))
	if err != nil {
		t.Fatal(err)
	}
	fvcReports[db] = r
	return r
}

var achievedEER = map[string]float64{
	"DB1_B": 0.0285, "DB2_B": 0.0107, "DB3_B": 0.0500, "DB4_B": 0.0143,
}

func TestFVCAccuracy(t *testing.T) {
	sum := 0.0
	for _, db := range []string{"DB1_B", "DB2_B", "DB3_B", "DB4_B"} {
		r := fvcReport(t, db)
		if r.GenuinePairs != 280 || r.ImpostorPairs != 2880 {
			t.Fatalf("%s: %d genuine and %d impostor pairs, want 280 and 2880", db, r.GenuinePairs, r.ImpostorPairs)
		}
		t.Logf("%s EER=%.4f FMR100=%.4f FMR1000=%.4f ZeroFMR=%.4f", db, r.EER, r.FMR100, r.FMR1000, r.ZeroFMR)
		if r.EER > achievedEER[db]+0.005 {
			t.Errorf("%s: EER %.4f regressed beyond %.4f+0.005", db, r.EER, achievedEER[db])
		}
		sum += r.EER
	}
	if mean := sum / 4; mean > 0.05 {
		t.Errorf("mean EER %.4f above 5%%", mean)
	}
}

func TestEERRates(t *testing.T) {
	gen := []float64{5, 6, 7, 8}
	imp := []float64{1, 2, 3, 4}
	if e, _ := EER(gen, imp); e != 0 {
		t.Errorf("separated scores: EER %v, want 0", e)
	}
	imp = append(imp, 6.5) // one impostor above two genuines
	e, _ := EER(gen, imp)
	if e <= 0 || e > 0.5 {
		t.Errorf("overlapping scores: EER %v", e)
	}
	if f := FNMRAtFMR(gen, imp, 0); f != 0.5 {
		t.Errorf("ZeroFMR %v, want 0.5", f)
	}
}

func minutiae(n int) []biometric.Minutia {
	ms := make([]biometric.Minutia, n)
	for i := range ms {
		ms[i] = biometric.Minutia{X: (i * 37) % 400, Y: (i * 53) % 500, Angle: float64(i*29) + 0.5, Type: biometric.MinutiaEnding}
	}
	return ms
}

func TestCompareAnyTemplate(t *testing.T) {
	rng := synth.NewRand(7)
	real := synth.NewFinger(rng, 1).Template()
	cases := map[string]*biometric.Template{
		"nil":       nil,
		"empty":     {},
		"one":       {Minutiae: minutiae(1)},
		"two":       {Minutiae: minutiae(2)},
		"same spot": {Minutiae: []biometric.Minutia{{X: 5, Y: 5}, {X: 5, Y: 5}, {X: 5, Y: 5, Angle: 90}}},
		"255":       {Minutiae: minutiae(255)},
		"300":       {Minutiae: minutiae(300)},
		"wild":      {Minutiae: []biometric.Minutia{{X: -1 << 40, Y: 1 << 40, Angle: math.NaN()}, {X: 1 << 40, Angle: math.Inf(-1)}, {X: 3, Y: 4, Angle: -725}}},
		"synthetic": &real,
	}
	for na, a := range cases {
		for nb, b := range cases {
			r := Compare(a, b)
			if r.Score < 0 || r.Score > MaxScore || math.IsNaN(r.Score) {
				t.Errorf("%s vs %s: score %v out of [0, %v]", na, nb, r.Score, MaxScore)
			}
			na1, nb1 := 0, 0
			if a != nil {
				na1 = len(a.Minutiae)
			}
			if b != nil {
				nb1 = len(b.Minutiae)
			}
			for _, p := range r.Pairs {
				if p.Probe < 0 || p.Probe >= na1 || p.Candidate < 0 || p.Candidate >= nb1 {
					t.Fatalf("%s vs %s: pair %v out of range", na, nb, p)
				}
			}
		}
	}
	if s := Compare(&real, &real).Score; s < ThresholdForFMR(FMR001) {
		t.Errorf("a template against itself scores %v, below the 0.01%% threshold", s)
	}
}

func TestComparePairsMates(t *testing.T) {
	rng := synth.NewRand(11)
	f := synth.NewFinger(rng, 2)
	a := f.Impression(rng, synth.ImpressionOptions{})
	b := f.Impression(rng, synth.ImpressionOptions{MaxRotation: 40})
	r := Compare(&a, &b)
	if r.Score < ThresholdForFMR(FMR001) || len(r.Pairs) < 10 {
		t.Fatalf("mated impressions: score %v with %d pairs", r.Score, len(r.Pairs))
	}
	seenP, seenC := map[int]bool{}, map[int]bool{}
	for _, p := range r.Pairs {
		if seenP[p.Probe] || seenC[p.Candidate] {
			t.Fatalf("minutia paired twice: %v", p)
		}
		seenP[p.Probe], seenC[p.Candidate] = true, true
	}
	other := synth.NewFinger(rng, 2).Impression(rng, synth.ImpressionOptions{})
	if s := Compare(&a, &other).Score; s >= r.Score {
		t.Errorf("non-mate scores %v, mate %v", s, r.Score)
	}
}

func TestCompareDoesNotAllocate(t *testing.T) {
	rng := synth.NewRand(3)
	f := synth.NewFinger(rng, 1)
	a, b := f.Impression(rng, synth.ImpressionOptions{}), f.Impression(rng, synth.ImpressionOptions{})
	m, fb := NewMatcher(Prepare(&a)), Prepare(&b)
	m.Compare(fb)
	if n := testing.AllocsPerRun(50, func() { m.Compare(fb) }); n != 0 {
		t.Errorf("Compare allocates %v times", n)
	}
}

func TestCalibration(t *testing.T) {
	for i := 1; i < len(calibration); i++ {
		if calibration[i].Score <= calibration[i-1].Score || calibration[i].FMR >= calibration[i-1].FMR {
			t.Fatalf("calibration not monotone at %d: %v %v", i, calibration[i-1], calibration[i])
		}
	}
	prev := 2.0
	for s := 0.0; s <= MaxScore; s += 0.25 {
		f := FMR(s)
		if f > prev || f <= 0 || f > 1 {
			t.Fatalf("FMR(%v) = %v after %v", s, f, prev)
		}
		prev = f
	}
	for _, target := range []float64{FMR1, FMR01, FMR001} {
		th := ThresholdForFMR(target)
		if got := FMR(th); math.Abs(math.Log(got/target)) > 0.01 {
			t.Errorf("FMR(ThresholdForFMR(%v)) = %v", target, got)
		}
	}
	if ThresholdForFMR(FMR1) >= ThresholdForFMR(FMR01) || ThresholdForFMR(FMR01) >= ThresholdForFMR(FMR001) {
		t.Error("thresholds do not rise as the FMR target falls")
	}
	if BandFor(FMR(ThresholdForFMR(FMR001)+0.01)) != Red || BandFor(0.005) != Yellow || BandFor(0.5) != Green {
		t.Error("bands")
	}
	// BuildCalibration on known data: uniform impostors on [0,100).
	imp := make([]float64, 10000)
	for i := range imp {
		imp[i] = float64(i) / 100
	}
	tab := BuildCalibration(imp)
	if f := fmrFrom(tab, 90); math.Abs(f-0.1) > 0.002 {
		t.Errorf("uniform impostors: FMR(90) = %v, want 0.1", f)
	}
}

func TestCalibrationTableIsCurrent(t *testing.T) {
	// The shipped table must be what gencalib produces from the current
	// matcher; regenerate with `go generate` in this folder.
	var imp []float64
	for _, db := range []string{"DB1_B", "DB2_B", "DB3_B", "DB4_B"} {
		r := fvcReport(t, db)
		imp = append(imp, r.ImpostorScores...)
	}
	tab := BuildCalibration(imp)
	if len(tab) != len(calibration) {
		t.Fatalf("calibration table has %d points, the matcher gives %d: run go generate", len(calibration), len(tab))
	}
	for i := range tab {
		if math.Abs(tab[i].Score-calibration[i].Score) > 0.001 {
			t.Fatalf("calibration point %d is %v, the matcher gives %v: run go generate", i, calibration[i], tab[i])
		}
	}
}

func TestFuse(t *testing.T) {
	if f := Fuse([]float64{0.01}); math.Abs(f-0.01) > 1e-12 {
		t.Errorf("one finger: %v", f)
	}
	two := Fuse([]float64{0.01, 0.01})
	if two >= 0.01 || two <= 0.0001 {
		t.Errorf("two fingers at 1%%: fused %v, want between 0.01%% and 1%%", two)
	}
	if Fuse(nil) != 1 || Fuse([]float64{1, 1}) < 0.99 {
		t.Error("no evidence must fuse to 1")
	}
}

func tenPrintFingers(fs []synth.Finger, rng func(i int) biometric.Template) []Finger {
	out := make([]Finger, len(fs))
	for i := range fs {
		t := rng(i)
		out[i] = Finger{Position: fs[i].Position, Template: &t}
	}
	return out
}

func TestFuseScoresTenPrint(t *testing.T) {
	person := synth.TenPrint(1)
	stranger := synth.TenPrint(2)
	rng := synth.NewRand(99)
	enrol := tenPrintFingers(person, func(i int) biometric.Template { return person[i].Impression(rng, synth.ImpressionOptions{}) })
	probe := tenPrintFingers(person[:2], func(i int) biometric.Template { return person[i].Impression(rng, synth.ImpressionOptions{}) })
	sProbe := tenPrintFingers(stranger[:2], func(i int) biometric.Template { return stranger[i].Impression(rng, synth.ImpressionOptions{}) })
	score, fmr, per := FuseScores(probe, enrol)
	if len(per) != 2 || per[0].Position != 1 || per[1].Position != 2 || BandFor(fmr) != Red {
		t.Fatalf("mate: score %v fmr %v per %+v", score, fmr, per)
	}
	s2, fmr2, _ := FuseScores(sProbe, enrol)
	if s2 >= score || BandFor(fmr2) == Red {
		t.Errorf("stranger: score %v fmr %v (mate %v)", s2, fmr2, score)
	}
}

// synthGallery enrolls n synthetic subjects with the given fingers and
// returns mated probes (one finger) for the first probes of them.
func synthGallery(g *Gallery, n, probes int, positions []int) (ids []string, mated [][]Finger) {
	rng := synth.NewRand(uint64(n))
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("S%05d", i)
		var enrol, probe []Finger
		for _, pos := range positions {
			f := synth.NewFinger(rng, pos)
			a := f.Impression(rng, synth.ImpressionOptions{})
			enrol = append(enrol, Finger{Position: pos, Template: &a})
			if i < probes {
				b := f.Impression(rng, synth.ImpressionOptions{})
				probe = append(probe, Finger{Position: pos, Template: &b})
			}
		}
		g.Add(id, enrol)
		ids = append(ids, id)
		if i < probes {
			mated = append(mated, probe)
		}
	}
	return ids, mated
}

// rankRates returns the share of probes whose mate comes first and within
// the first ten.
func rankRates(g *Gallery, probes [][]Finger, mates []string) (rank1, rank10 float64) {
	for i, p := range probes {
		cs := g.Search(context.Background(), p, 10)
		for r, c := range cs {
			if c.SubjectID == mates[i] {
				if r == 0 {
					rank1++
				}
				rank10++
				break
			}
		}
	}
	n := float64(len(probes))
	return rank1 / n, rank10 / n
}

func TestGalleryIdentificationSynthetic(t *testing.T) {
	n := 300
	g := NewGallery()
	ids, probes := synthGallery(g, n, 40, []int{2})
	mates := ids[:len(probes)]
	rank1, rank10 := rankRates(g, probes, mates)
	t.Logf("synthetic gallery %d, %d probes: rank-1 %.3f rank-10 %.3f", n, len(probes), rank1, rank10)
	if rank1 < 0.95 {
		t.Errorf("rank-1 %.3f", rank1)
	}
}

func TestGalleryIdentificationFVC(t *testing.T) {
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
			g.Add(id, []Finger{{Position: 0, Template: ts[0]}})
			for _, tpl := range ts[1:] {
				probes = append(probes, []Finger{{Position: 0, Template: tpl}})
				mates = append(mates, id)
			}
		}
	}
	rank1, rank10 := rankRates(g, probes, mates)
	t.Logf("FVC gallery %d, %d probes: rank-1 %.3f rank-10 %.3f", g.Len(), len(probes), rank1, rank10)
	if rank1 < 0.95 {
		t.Errorf("rank-1 %.3f", rank1)
	}
}

func TestGalleryAddRemoveConcurrent(t *testing.T) {
	g := NewGallery()
	ids, probes := synthGallery(g, 50, 5, []int{1, 6})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		rng := synth.NewRand(5)
		for i := 0; i < 30; i++ {
			f := synth.NewFinger(rng, 1)
			tp := f.Impression(rng, synth.ImpressionOptions{})
			g.Add(fmt.Sprintf("new%d", i), []Finger{{Position: 1, Template: &tp}})
			if i%3 == 0 {
				g.Remove(fmt.Sprintf("new%d", i))
			}
		}
	}()
	go func() {
		defer wg.Done()
		for i := 0; i < 10; i++ {
			g.Search(context.Background(), probes[i%len(probes)], 5)
		}
	}()
	wg.Wait()
	if g.Len() != 50+20 {
		t.Fatalf("gallery holds %d subjects, want 70", g.Len())
	}
	cs := g.Search(context.Background(), probes[0], 3)
	if len(cs) == 0 || cs[0].SubjectID != ids[0] || cs[0].Band != Red || len(cs[0].PerFinger) != 2 {
		t.Fatalf("search after updates: %+v", cs)
	}
	if !g.Remove(ids[0]) || g.Remove(ids[0]) {
		t.Fatal("Remove")
	}
	for _, c := range g.Search(context.Background(), probes[0], 10) {
		if c.SubjectID == ids[0] {
			t.Fatal("removed subject still found")
		}
	}
	if len(g.Search(context.Background(), nil, 5)) != 0 {
		t.Fatal("empty probe found candidates")
	}
	if _, err := EvaluateFVC(filepath.Join(t.TempDir(), "none")); err == nil {
		t.Fatal("EvaluateFVC on an empty folder succeeded")
	}
}

func TestCheckProbeRefusesWhatCannotBeSearched(t *testing.T) {
	mins := func(n int) []biometric.Minutia {
		out := make([]biometric.Minutia, n)
		for i := range out {
			out[i] = biometric.Minutia{X: 10 * i, Y: 7 * i, Angle: float64(i * 20)}
		}
		return out
	}
	for _, c := range []struct {
		t    *biometric.Template
		want string
	}{
		{&biometric.Template{Minutiae: mins(MinProbeMinutiae), XRes: 197, YRes: 197}, ""},
		{&biometric.Template{Minutiae: mins(MinProbeMinutiae)}, ""}, // resolution unknown: 500 ppi
		{&biometric.Template{Minutiae: mins(MinProbeMinutiae - 1), XRes: 197, YRes: 197}, "holds 7 minutiae; a search needs at least 8"},
		{&biometric.Template{Minutiae: mins(20), XRes: 394, YRes: 394}, "horizontal resolution is 394 px/cm (about 1001 ppi)"},
		{&biometric.Template{Minutiae: mins(20), XRes: 197, YRes: 100}, "vertical resolution is 100 px/cm"},
		{nil, "no template"},
	} {
		err := CheckProbe(c.t)
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("CheckProbe: %v, want %q", err, c.want)
		}
	}
}

// TestGalleryKeepsTheBestMinutiaeOfLargeTemplates: a template of more than
// MaxMinutiae minutiae is searched through the gallery's packed form; the
// pairs it returns index the template's own minutiae, as Compare's do.
func TestGalleryKeepsTheBestMinutiaeOfLargeTemplates(t *testing.T) {
	rng := synth.NewRand(11)
	f := synth.NewFinger(rng, 2)
	tpl := f.Impression(rng, synth.ImpressionOptions{})
	big := tpl
	big.Minutiae = nil
	for k := 0; len(big.Minutiae) < 300; k++ {
		for _, m := range tpl.Minutiae {
			m.X += 400 * k // copies side by side, of lower quality each time
			m.Quality = max(1, 100-10*k)
			big.Minutiae = append(big.Minutiae, m)
		}
	}
	big.Minutiae = big.Minutiae[:300]
	g := NewGallery()
	g.Add("big", []Finger{{Position: 2, Template: &big}})
	cs := g.Search(context.Background(), []Finger{{Position: 2, Template: &big}}, 1)
	if len(cs) != 1 || len(cs[0].PerFinger) != 1 {
		t.Fatalf("search: %+v", cs)
	}
	want := Compare(&big, &big)
	got := cs[0].PerFinger[0]
	if got.Score != want.Score || fmt.Sprint(got.Pairs) != fmt.Sprint(want.Pairs) {
		t.Errorf("gallery: score %v, %d pairs; Compare: score %v, %d pairs", got.Score, len(got.Pairs), want.Score, len(want.Pairs))
	}
	qs := make([]int, 0, len(big.Minutiae))
	for _, m := range big.Minutiae {
		qs = append(qs, m.Quality)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(qs)))
	kept := qs[MaxMinutiae-1] // the lowest quality among those kept
	for _, p := range got.Pairs {
		if p.Probe >= 300 || p.Candidate >= 300 || big.Minutiae[p.Probe].Quality < kept || big.Minutiae[p.Candidate].Quality < kept {
			t.Fatalf("pair %v: outside the template or not among its best minutiae", p)
		}
	}
}
