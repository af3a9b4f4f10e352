package match

import (
	"context"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/enlace-desk/enlace/biometric"
	"github.com/enlace-desk/enlace/biometric/synth"
)

// indexRanks returns, for each probe, the share of the gallery's subjects
// the index ranks above its mate (0 is first; 1 when the mate is not
// enrolled or scores nothing).
func indexRanks(g *Gallery, probes [][]Finger, mates []string) []float64 {
	out := make([]float64, len(probes))
	g.BuildIndex()
	g.mu.RLock()
	defer g.mu.RUnlock()
	for i, p := range probes {
		pfs := prepareProbe(p)
		votes, _ := g.index.indexScores(pfs)
		subs, scores := g.index.subjectScores(pfs, votes)
		mate := float32(-1)
		for j, s := range subs {
			if s.id == mates[i] {
				mate = scores[j]
			}
		}
		above := 0
		for _, v := range scores {
			if v > mate {
				above++
			}
		}
		out[i] = float64(above) / float64(len(g.subjects))
		if mate <= 0 {
			out[i] = 1
		}
	}
	return out
}

// hitRates reports the share of probes whose mate the index ranks within
// each penetration.
func hitRates(ranks []float64, pens ...float64) string {
	s := ""
	for _, p := range pens {
		n := 0
		for _, r := range ranks {
			if r < p {
				n++
			}
		}
		s += fmt.Sprintf(" %.1f%%: %.3f", 100*p, float64(n)/float64(len(ranks)))
	}
	return s
}

// TestIndexExperiment measures the index's hit rate at several
// penetrations on a synthetic gallery: MATCH_INDEX=N subjects.
func TestIndexExperiment(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("MATCH_INDEX"))
	if n <= 0 {
		t.Skip("set MATCH_INDEX=N (subjects) to run")
	}
	for _, c := range []struct {
		name string
		opt  synth.ImpressionOptions
	}{{"default", synth.ImpressionOptions{}}, {"hard", hardImpression}} {
		start := time.Now()
		g, probes, mates := synthIdentification(n, 200, c.opt)
		g.BuildIndex()
		t.Logf("built %d in %v, index %d bytes/finger", n, time.Since(start), g.index.bytes()/n)
		ranks := indexRanks(g, probes, mates)
		sort.Float64s(ranks)
		t.Logf("%s: hit rate at penetration%s; median %.4f, 99th %.4f", c.name, hitRates(ranks, 0.01, 0.02, 0.05, 0.1, 0.2), ranks[len(ranks)/2], ranks[len(ranks)*99/100])
	}
}

// rank1Both searches every probe exhaustively and through the index
// (passing on k subjects) and returns, per probe, whether each search
// ranked the mate first.
func rank1Both(g *Gallery, probes [][]Finger, mates []string, k int) (exh, idx []bool, fallbacks int) {
	exh, idx = make([]bool, len(probes)), make([]bool, len(probes))
	for i, p := range probes {
		e := g.SearchWith(context.Background(), p, SearchOptions{TopN: 1, Mode: Exhaustive})
		x := g.SearchWith(context.Background(), p, SearchOptions{TopN: 1, Mode: Indexed, indexK: k})
		if x.Mode != Indexed {
			fallbacks++
		}
		exh[i] = len(e.Candidates) > 0 && e.Candidates[0].SubjectID == mates[i]
		idx[i] = len(x.Candidates) > 0 && x.Candidates[0].SubjectID == mates[i]
	}
	return exh, idx, fallbacks
}

// share is the share of the probes (those keep selects, all when nil)
// with ok set.
func share(ok []bool, keep func(i int) bool) float64 {
	n, m := 0, 0
	for i, v := range ok {
		if keep == nil || keep(i) {
			n++
			if v {
				m++
			}
		}
	}
	return float64(m) / float64(max(n, 1))
}

// addDistractors enrolls n synthetic single-finger subjects of unknown
// position.
func addDistractors(g *Gallery, n int, seed uint64) {
	rng := synth.NewRand(seed)
	for i := 0; i < n; i++ {
		f := synth.NewFinger(rng, 0)
		t := f.Impression(rng, synth.ImpressionOptions{})
		g.Add(fmt.Sprintf("D%06d", i), []Finger{{Template: &t}})
	}
}

// TestIndexKeepsRank1 compares rank-1 through the index, passing on
// IndexPenetration of the gallery, with rank-1 of an exhaustive search in
// the same run: on a synthetic gallery and on the FVC2002 identification
// test (the first impression of each finger enrolled among synthetic
// distractors, the other seven searched). The index's scoring was chosen
// on these runs (doc.go, "The index"). It must keep rank-1 within half a
// point of exhaustive on both, as issue #13 asks.
func TestIndexKeepsRank1(t *testing.T) {
	t.Run("synthetic", func(t *testing.T) {
		g, probes, mates := synthIdentification(3000, 100, synth.ImpressionOptions{})
		k := int(math.Ceil(IndexPenetration * float64(g.Len())))
		e, x, fb := rank1Both(g, probes, mates, k)
		exh, idx := share(e, nil), share(x, nil)
		t.Logf("synthetic gallery %d, %d probes: rank-1 exhaustive %.3f, indexed (%d subjects) %.3f, %d fell back", g.Len(), len(probes), exh, k, idx, fb)
		if idx < exh-0.005 || fb > 0 {
			t.Errorf("the index lowers rank-1 from %.3f to %.3f (%d fell back)", exh, idx, fb)
		}
	})
	t.Run("distorted", func(t *testing.T) {
		// Badly distorted probes (hardImpression): the index loses some
		// mates here (4 points of 100 when written, against 6 for the
		// index of single edges before it and 50 for the MCC index); held
		// to a point more than that, to catch a change that makes it
		// worse.
		g, probes, mates := synthIdentification(3000, 100, hardImpression)
		k := int(math.Ceil(IndexPenetration * float64(g.Len())))
		e, x, fb := rank1Both(g, probes, mates, k)
		exh, idx := share(e, nil), share(x, nil)
		t.Logf("distorted synthetic probes, gallery %d, %d probes: rank-1 exhaustive %.3f, indexed (%d subjects) %.3f, %d fell back", g.Len(), len(probes), exh, k, idx, fb)
		if idx < exh-0.05 {
			t.Errorf("the index lowers rank-1 from %.3f to %.3f (%d fell back)", exh, idx, fb)
		}
	})
	t.Run("FVC", func(t *testing.T) {
		g, probes, mates := fvcIdentification(t)
		addDistractors(g, 2000, 99)
		k := int(math.Ceil(IndexPenetration * float64(g.Len())))
		e, x, fb := rank1Both(g, probes, mates, k)
		exh, idx := share(e, nil), share(x, nil)
		for _, db := range []string{"DB1", "DB2", "DB3", "DB4"} {
			in := func(i int) bool { return strings.HasPrefix(mates[i], db) }
			t.Logf("%s: rank-1 exhaustive %.3f, indexed %.3f", db, share(e, in), share(x, in))
		}
		t.Logf("FVC2002 DB1–DB4 among %d subjects, %d probes: rank-1 exhaustive %.3f, indexed (%d subjects) %.3f, %d fell back", g.Len(), len(probes), exh, k, idx, fb)
		if idx < exh-0.005 || fb > 0 {
			t.Errorf("the index lowers rank-1 from %.3f to %.3f (%d fell back)", exh, idx, fb)
		}
	})
}

// TestIndexKeepsRank1OtherEnrolments repeats the FVC2002 test with each
// of the other seven impressions enrolled in turn (the scoring was chosen
// with the first enrolled): MATCH_FVC_ROTATIONS=1 to run (about 80 s).
func TestIndexKeepsRank1OtherEnrolments(t *testing.T) {
	if os.Getenv("MATCH_FVC_ROTATIONS") == "" {
		t.Skip("set MATCH_FVC_ROTATIONS=1 to run")
	}
	var e, x []bool
	for enrol := 1; enrol < 8; enrol++ {
		g, probes, mates := fvcIdentificationEnrolling(t, enrol)
		addDistractors(g, 2000, 99)
		k := int(math.Ceil(IndexPenetration * float64(g.Len())))
		ee, xx, fb := rank1Both(g, probes, mates, k)
		t.Logf("impression %d enrolled: rank-1 exhaustive %.3f, indexed %.3f, %d fell back", enrol+1, share(ee, nil), share(xx, nil), fb)
		e, x = append(e, ee...), append(x, xx...)
	}
	exh, idx := share(e, nil), share(x, nil)
	t.Logf("impressions 2–8 enrolled in turn, %d searches: rank-1 exhaustive %.3f, indexed %.3f", len(e), exh, idx)
	if idx < exh-0.005 {
		t.Errorf("the index lowers rank-1 from %.3f to %.3f", exh, idx)
	}
}

// TestIndexAddRemove checks that the index follows the gallery: a removed
// subject is never a candidate, a replaced one is found by its new prints,
// and a search through the index finds the mate in a gallery of thousands.
func TestIndexAddRemove(t *testing.T) {
	g, probes, mates := synthIdentification(2000, 20, synth.ImpressionOptions{})
	indexed := func(p []Finger) SearchReport {
		return g.SearchWith(context.Background(), p, SearchOptions{TopN: 5, Mode: Indexed, indexK: 100})
	}
	for i, p := range probes {
		r := indexed(p)
		if r.Mode != Indexed || r.Fallback != "" {
			t.Fatalf("probe %d: mode %v (%s), want indexed", i, r.Mode, r.Fallback)
		}
		if len(r.Candidates) == 0 || r.Candidates[0].SubjectID != mates[i] {
			t.Errorf("probe %d: the indexed search does not rank the mate %s first", i, mates[i])
		}
		if r.Screened+r.Compared == 0 || r.Penetration() > 0.06 {
			t.Errorf("probe %d: penetration %.3f (screened %d, compared %d of %d)", i, r.Penetration(), r.Screened, r.Compared, r.Subjects)
		}
	}
	// Remove the first mates: they are never returned.
	for i := 0; i < 10; i++ {
		g.Remove(mates[i])
	}
	for i := 0; i < 10; i++ {
		for _, c := range indexed(probes[i]).Candidates {
			if c.SubjectID == mates[i] {
				t.Errorf("probe %d: removed subject %s returned", i, mates[i])
			}
		}
	}
	// Enroll the probes themselves under new IDs, replacing others.
	for i := 0; i < 10; i++ {
		g.Add(mates[10+i], probes[i])
	}
	for i := 0; i < 10; i++ {
		r := indexed(probes[i])
		if len(r.Candidates) == 0 || r.Candidates[0].SubjectID != mates[10+i] {
			t.Errorf("probe %d: re-enrolled as %s, not found first", i, mates[10+i])
		}
	}
	if st := g.Stats(); st.Subjects != 1990 || st.Fingers != 1990 {
		t.Errorf("stats %+v, want 1990 subjects and fingers", st)
	}
	// Purge the removed and replaced slots, and search again.
	g.mu.Lock()
	g.index.purge()
	g.mu.Unlock()
	for i := 0; i < 10; i++ {
		if r := indexed(probes[i]); len(r.Candidates) == 0 || r.Candidates[0].SubjectID != mates[10+i] {
			t.Errorf("probe %d after the purge: %s not found first", i, mates[10+i])
		}
	}
}

// TestIndexFallsBack checks that a probe too poor for the index is searched
// exhaustively, saying why, and that an empty gallery returns nothing.
func TestIndexFallsBack(t *testing.T) {
	g, _, _ := synthIdentification(300, 0, synth.ImpressionOptions{})
	// Seven minutiae: too few for the index to tell fingers apart.
	var sparse biometric.Template
	for i := 0; i < indexMinMinutiae-1; i++ {
		sparse.Minutiae = append(sparse.Minutiae, biometric.Minutia{X: 20 + 150*(i%4), Y: 20 + 200*(i/4), Angle: float64(40 * i), Type: biometric.MinutiaEnding})
	}
	r := g.SearchWith(context.Background(), []Finger{{Position: 2, Template: &sparse}}, SearchOptions{TopN: 5, Mode: Indexed})
	if r.Mode != Exhaustive || !strings.Contains(r.Fallback, "every subject was searched") {
		t.Errorf("sparse probe: mode %v, fallback %q; want exhaustive, saying why", r.Mode, r.Fallback)
	}
	if r.Penetration() != 1 {
		t.Errorf("sparse probe: penetration %v, want 1", r.Penetration())
	}
	empty := NewGallery()
	if r := empty.SearchWith(context.Background(), []Finger{{Template: &sparse}}, SearchOptions{TopN: 5, Mode: Indexed}); len(r.Candidates) != 0 || r.Subjects != 0 {
		t.Errorf("empty gallery: %+v", r)
	}
	// Small galleries are searched exhaustively by default.
	if r := g.SearchWith(context.Background(), []Finger{{Template: &sparse}}, SearchOptions{TopN: 5}); r.Mode != Exhaustive || r.Fallback != "" {
		t.Errorf("small gallery, auto: mode %v (%q), want exhaustive", r.Mode, r.Fallback)
	}
}

// TestBuildIndexWhileAdding builds the index while subjects are added and
// removed: every subject enrolled at the end is filed, none removed is.
func TestBuildIndexWhileAdding(t *testing.T) {
	g, _, _ := synthIdentification(600, 0, synth.ImpressionOptions{})
	rng := synth.NewRand(77)
	var extra [][]Finger
	for i := 0; i < 200; i++ {
		f := synth.NewFinger(rng, 2)
		tp := f.Impression(rng, synth.ImpressionOptions{})
		extra = append(extra, []Finger{{Position: 2, Template: &tp}})
	}
	done := make(chan struct{})
	go func() {
		g.BuildIndex()
		close(done)
	}()
	for i, fs := range extra {
		g.Add(fmt.Sprintf("X%03d", i), fs)
		if i%4 == 0 {
			g.Remove(fmt.Sprintf("S%05d", i))
		}
	}
	<-done
	g.mu.RLock()
	live := 0
	for _, sl := range g.index.slots {
		if sl.s != nil {
			live++
			if i, ok := g.byID[sl.s.id]; !ok || g.subjects[i] != sl.s {
				t.Errorf("slot of %s, which is not enrolled", sl.s.id)
			}
		}
	}
	if live != g.fingers {
		t.Errorf("%d live slots for %d fingers", live, g.fingers)
	}
	g.mu.RUnlock()
	for i, fs := range extra[:20] {
		r := g.SearchWith(context.Background(), fs, SearchOptions{TopN: 1, Mode: Indexed, indexK: 40})
		if r.Mode != Indexed || len(r.Candidates) == 0 || r.Candidates[0].SubjectID != fmt.Sprintf("X%03d", i) {
			t.Errorf("X%03d: not found through the index", i)
		}
	}
}

// TestIndexVotesByPosition checks that in a ten-print gallery a probe
// finger is voted on only by the enrolled fingers of its position (or of
// unknown position), and that the indexed search finds the mate by any one
// finger.
func TestIndexVotesByPosition(t *testing.T) {
	g := NewGallery()
	rng := synth.NewRand(4242)
	type print struct {
		id  string
		pos int
		tpl biometric.Template
	}
	var probes []print
	for i := 0; i < 300; i++ {
		id := fmt.Sprintf("T%04d", i)
		var fingers []Finger
		for pos := 1; pos <= 10; pos++ {
			f := synth.NewFinger(rng, pos)
			a := f.Impression(rng, synth.ImpressionOptions{})
			fingers = append(fingers, Finger{Position: pos, Template: &a})
			if i < 10 && pos == 1+i%10 {
				probes = append(probes, print{id, pos, f.Impression(rng, synth.ImpressionOptions{})})
			}
		}
		g.Add(id, fingers)
	}
	g.BuildIndex()
	g.mu.RLock()
	x := g.index
	for _, p := range probes {
		v := x.vote(Prepare(&p.tpl), p.pos, 2)
		for slot, sl := range x.slots {
			if int(sl.position) != p.pos && v[slot] != 0 {
				t.Fatalf("probe at position %d: slot of position %d scored %v", p.pos, sl.position, v[slot])
			}
		}
	}
	g.mu.RUnlock()
	for _, p := range probes {
		r := g.SearchWith(context.Background(), []Finger{{Position: p.pos, Template: &p.tpl}}, SearchOptions{TopN: 1, Mode: Indexed, indexK: 10})
		if r.Mode != Indexed || len(r.Candidates) == 0 || r.Candidates[0].SubjectID != p.id {
			t.Errorf("finger %d of %s: indexed search (%v, %q) did not rank it first", p.pos, p.id, r.Mode, r.Fallback)
		}
	}
}

// TestIndexFiledLaterVotesAsBuiltAtOnce checks the index's incremental
// paths against its bulk build: fingers added after BuildIndex go to open
// blocks, which are sealed and merged (in blocks of 64 here), and removed
// subjects are purged; every subject must then stand exactly as in an
// index built at once from the same gallery.
func TestIndexFiledLaterVotesAsBuiltAtOnce(t *testing.T) {
	defer func(n int) { ixOpenSlots = n }(ixOpenSlots)
	ixOpenSlots = 64
	rng := synth.NewRand(23)
	type enrolment struct {
		id      string
		fingers []Finger
	}
	var all []enrolment
	var probes [][]Finger
	for i := 0; i < 3000; i++ {
		pos := 1 + i%3
		f := synth.NewFinger(rng, pos)
		a := f.Impression(rng, synth.ImpressionOptions{})
		all = append(all, enrolment{fmt.Sprintf("S%04d", i), []Finger{{Position: pos, Template: &a}}})
		if i%600 == 0 {
			b := f.Impression(rng, synth.ImpressionOptions{})
			probes = append(probes, []Finger{{Position: pos, Template: &b}}, []Finger{{Position: 0, Template: &b}})
		}
	}
	g := NewGallery()
	for _, e := range all[:500] {
		g.Add(e.id, e.fingers)
	}
	g.BuildIndex()
	for _, e := range all[500:] {
		g.Add(e.id, e.fingers)
	}
	for i := 0; i < 3000; i += 2 { // 1,500 removed: purged once 1,025 are
		g.Remove(all[i].id)
	}
	g.mu.Lock()
	purged := g.index.dead < 1500
	g.index.purge() // and the rest
	g.mu.Unlock()
	if !purged {
		t.Error("removing half the gallery did not purge the index")
	}
	fresh := NewGallery()
	for i := 1; i < 3000; i += 2 {
		fresh.Add(all[i].id, all[i].fingers)
	}
	fresh.BuildIndex()
	g.mu.RLock()
	defer g.mu.RUnlock()
	if g.index.dead != 0 {
		t.Fatalf("%d dead slots: the removals were not purged", g.index.dead)
	}
	sealed, open := 0, 0
	for _, bl := range g.index.blocks {
		if bl.open != nil {
			open++
		} else {
			sealed++
		}
	}
	if sealed < 4 || open == 0 {
		t.Fatalf("%d sealed and %d open blocks: the test does not reach the paths it is for", sealed, open)
	}
	standing := func(x *fingerIndex, p []Finger) map[string]float32 {
		pfs := prepareProbe(p)
		votes, why := x.indexScores(pfs)
		if why != "" {
			t.Fatal(why)
		}
		subs, scores := x.subjectScores(pfs, votes)
		out := map[string]float32{}
		for i, s := range subs {
			out[s.id] = scores[i]
		}
		return out
	}
	for i, p := range probes {
		got, want := standing(g.index, p), standing(fresh.index, p)
		if len(got) != len(want) || len(got) != 1500 {
			t.Fatalf("probe %d: %d subjects stand, want %d (1,500)", i, len(got), len(want))
		}
		nonzero := 0
		for id, w := range want {
			if v := got[id]; math.Abs(float64(v-w)) > 1e-3*math.Max(1, float64(w)) {
				t.Errorf("probe %d: %s stands %v filed later, %v built at once", i, id, v, w)
			}
			if w > 0 {
				nonzero++
			}
		}
		if nonzero < 100 {
			t.Errorf("probe %d: only %d subjects stand above 0", i, nonzero)
		}
	}
}
