package match

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/enlace-desk/enlace/biometric"
)

// Finger is one finger of a subject or a probe: its position (1–10 as
// ANSI/NIST, 0 unknown) and its template.
type Finger struct {
	Position int
	Template *biometric.Template
}

// FingerScore is the comparison of one probe finger with one of the
// candidate's fingers.
type FingerScore struct {
	Position int     // the candidate finger's position
	Score    float64 // 1:1 similarity
	FMR      float64 // its estimated false match rate
	// Floor is the lowest rate the calibration data supports for this
	// comparison (CalibrationFloor times the fingers tried): an FMR below
	// it is an extrapolation.
	Floor float64
	Pairs []Pair // paired minutiae (probe, candidate template indexes)
}

// Candidate is one subject a search returns.
type Candidate struct {
	SubjectID string
	Score     float64 // fused evidence: -log10 of FMR, higher is stronger
	FMR       float64 // estimated false match rate of the fused comparison
	// Floor is the fusion of the fingers' floors: the lowest fused rate the
	// calibration data supports, on the assumption that the fingers of a
	// non-mate score independently. An FMR below it is an extrapolation.
	Floor     float64
	Band      Band
	PerFinger []FingerScore
}

// Fuse combines the false match rates of finger comparisons into one
// (Fisher's method: the probability that the product of k uniform rates is
// at most the observed product). It assumes that a non-mate's fingers score
// independently of each other; a person's fingers are not fully independent
// (pattern types run in families and across hands), so a fused rate is
// optimistic by an amount the calibration data cannot measure.
func Fuse(fmrs []float64) float64 {
	if len(fmrs) == 0 {
		return 1
	}
	logx := 0.0
	for _, f := range fmrs {
		f = math.Max(f, minFMR)
		logx += math.Log(math.Min(f, 1))
	}
	// P = x * sum_{j<k} (-ln x)^j / j!
	sum, term := 0.0, 1.0
	for j := 0; j < len(fmrs); j++ {
		if j > 0 {
			term *= -logx / float64(j)
		}
		sum += term
	}
	p := math.Exp(logx) * sum
	return math.Min(math.Max(p, 1e-300), 1)
}

// FuseScores compares a probe (one to ten fingers) with a subject's fingers
// finger by finger, position by position, and fuses the result. A probe
// finger of unknown position (0) is compared with every subject finger; its
// best score counts, its FMR multiplied by the number of comparisons.
func FuseScores(probe, subject []Finger) (score, fmr float64, per []FingerScore) {
	var gf []galleryFinger
	for _, sf := range subject {
		if sf.Template != nil {
			gf = append(gf, galleryFinger{sf.Position, Prepare(sf.Template)})
		}
	}
	var fmrs []float64
	for _, pf := range probe {
		if pf.Template == nil {
			continue
		}
		best, tried := bestFinger(NewMatcher(Prepare(pf.Template)), pf.Position, gf, true)
		if tried > 0 {
			per = append(per, best)
			fmrs = append(fmrs, best.FMR)
		}
	}
	fmr = Fuse(fmrs)
	return -math.Log10(fmr), fmr, per
}

// bestFinger compares one probe finger with the subject fingers at its
// position (all of them when the position is unknown) and returns the best,
// its FMR multiplied by the number of comparisons, and how many were made.
func bestFinger(m *Matcher, position int, fingers []galleryFinger, detail bool) (FingerScore, int) {
	var best FingerScore
	tried := 0
	for _, f := range fingers {
		if position != 0 && f.position != position {
			continue
		}
		tried++
		var r Result
		if detail {
			r = m.CompareDetail(f.form)
		} else {
			r.Score = m.Compare(f.form)
		}
		if tried == 1 || r.Score > best.Score {
			best = FingerScore{Position: f.position, Score: r.Score, Pairs: r.Pairs}
		}
	}
	if tried > 0 {
		best.FMR = math.Min(1, FMR(best.Score)*float64(tried))
		best.Floor = math.Min(1, CalibrationFloor()*float64(tried))
	}
	return best, tried
}

// galleryFinger is one enrolled finger in its comparison form.
type galleryFinger struct {
	position int
	form     *Form
}

// enrolledFinger is one finger of a gallery subject, in the gallery's
// packed form.
type enrolledFinger struct {
	position int
	p        *packed
}

type subject struct {
	id      string
	fingers []enrolledFinger
	slots   []uint32 // the fingers' slots in the gallery's index
}

// forms rebuilds the full comparison forms of a subject's fingers.
func (s *subject) forms() []galleryFinger {
	out := make([]galleryFinger, len(s.fingers))
	for i, f := range s.fingers {
		out[i] = galleryFinger{f.position, f.p.form()}
	}
	return out
}

// Gallery is an in-memory 1:N index of subjects. It is safe for concurrent
// use: subjects can be added and removed while searches run (a search sees
// the gallery as it was when it started or later).
type Gallery struct {
	mu       sync.RWMutex
	subjects []*subject
	byID     map[string]int
	fingers  int
	// index is nil until BuildIndex; from then on every change is filed.
	index   *fingerIndex
	indexed atomic.Bool // index != nil, read without the lock
	build   sync.Mutex  // one BuildIndex at a time
}

// NewGallery returns an empty gallery, without an index.
func NewGallery() *Gallery {
	return &Gallery{byID: map[string]int{}}
}

// Add enrolls a subject's fingers, replacing any earlier enrollment of the
// same ID. Fingers without a template are skipped. Each finger is packed
// before the gallery's lock is taken; filing its edges in the index, when
// the gallery has one, takes the lock.
func (g *Gallery) Add(subjectID string, fingers []Finger) {
	s := &subject{id: subjectID}
	for _, f := range fingers {
		if f.Template == nil {
			continue
		}
		s.fingers = append(s.fingers, enrolledFinger{position: f.Position, p: pack(f.Template)})
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.index != nil {
		g.index.add(s)
	}
	g.fingers += len(s.fingers)
	if i, ok := g.byID[subjectID]; ok {
		old := g.subjects[i]
		g.fingers -= len(old.fingers)
		if g.index != nil {
			g.index.remove(old)
		}
		g.subjects[i] = s
		return
	}
	g.byID[subjectID] = len(g.subjects)
	g.subjects = append(g.subjects, s)
}

// Remove withdraws a subject; it reports whether the subject was enrolled.
func (g *Gallery) Remove(subjectID string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	i, ok := g.byID[subjectID]
	if !ok {
		return false
	}
	g.fingers -= len(g.subjects[i].fingers)
	if g.index != nil {
		g.index.remove(g.subjects[i])
	}
	last := len(g.subjects) - 1
	g.subjects[i] = g.subjects[last]
	g.byID[g.subjects[i].id] = i
	g.subjects[last] = nil
	g.subjects = g.subjects[:last]
	delete(g.byID, subjectID)
	return true
}

// Len is the number of enrolled subjects.
func (g *Gallery) Len() int {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return len(g.subjects)
}

// Stats are the gallery's size and memory.
type Stats struct {
	Subjects, Fingers int
	Bytes             int // comparison forms
	IndexBytes        int // the index (see IndexMinSubjects)
}

// Stats counts the gallery.
func (g *Gallery) Stats() Stats {
	g.mu.RLock()
	defer g.mu.RUnlock()
	var st Stats
	st.Subjects = len(g.subjects)
	for _, s := range g.subjects {
		st.Fingers += len(s.fingers)
		for _, f := range s.fingers {
			st.Bytes += f.p.Bytes()
		}
	}
	if g.index != nil {
		st.IndexBytes = g.index.bytes()
	}
	return st
}

// The shortlist of a search: the subjects the screen ranks highest, which
// are then compared in full. At least shortlistMin subjects (the whole
// gallery when it is smaller) or shortlistFrac of the gallery.
const (
	shortlistMin  = 200
	shortlistFrac = 0.03
)

// shortlistLen is how many subjects of a gallery of n pass the screen.
func shortlistLen(n, topN int) int {
	return max(shortlistMin, topN, int(math.Ceil(shortlistFrac*float64(n))))
}

// Search returns the topN subjects most similar to the probe, best first,
// with fused and per-finger scores, in the mode SearchWith picks by itself.
func (g *Gallery) Search(ctx context.Context, probe []Finger, topN int) []Candidate {
	return g.SearchWith(ctx, probe, SearchOptions{TopN: topN}).Candidates
}

// SearchMode is how a search picks the subjects the matcher compares.
type SearchMode int

const (
	// AutoMode searches through the index when the gallery holds at least
	// IndexMinSubjects subjects, exhaustively otherwise.
	AutoMode SearchMode = iota
	// Exhaustive screens every enrolled subject.
	Exhaustive
	// Indexed screens only the subjects the index ranks highest.
	Indexed
)

func (m SearchMode) String() string {
	switch m {
	case Exhaustive:
		return "exhaustive"
	case Indexed:
		return "indexed"
	}
	return "auto"
}

// SearchOptions are a search's settings: the candidates it returns and
// its mode (AutoMode when zero).
type SearchOptions struct {
	TopN int
	Mode SearchMode

	indexK int // tests: the index's candidates (0: indexShortlist)
}

// SearchReport is a search's candidates and how they were found.
type SearchReport struct {
	Candidates []Candidate
	// Mode is what ran: Exhaustive or Indexed.
	Mode SearchMode
	// Fallback says why the search ran exhaustively when the index was
	// asked for or due (a probe finger too poor for the index); empty
	// otherwise.
	Fallback string
	Subjects int // subjects in the gallery when the search started
	Fingers  int // their fingers
	Screened int // subjects the matcher's screen compared
	Compared int // subjects compared in full
}

// Penetration is the share of the gallery passed to the matcher: the
// index's candidates over the subjects (1 for an exhaustive search).
func (r SearchReport) Penetration() float64 {
	if r.Subjects == 0 {
		return 0
	}
	return float64(max(r.Screened, r.Compared)) / float64(r.Subjects)
}

// SearchWith searches the gallery. It runs in stages on
// runtime.GOMAXPROCS(0) workers. In indexed mode the index first ranks
// every enrolled finger by the buckets it shares with the probe (see
// index.go) and passes on the subjects it ranks highest
// (indexCandidates); exhaustive mode passes on every subject. A quick
// screen of those subjects (see Matcher.screen) picks a shortlist
// (shortlistLen of them), and only the shortlist is compared in full and
// ranked by the full fused score. It stops early, returning what it has,
// when ctx is cancelled.
func (g *Gallery) SearchWith(ctx context.Context, probe []Finger, opt SearchOptions) SearchReport {
	pfs := prepareProbe(probe)
	if opt.Mode == Indexed {
		g.BuildIndex()
	}
	g.mu.RLock()
	all := append([]*subject(nil), g.subjects...)
	rep := SearchReport{Mode: opt.Mode, Subjects: len(all), Fingers: g.fingers}
	if rep.Mode == AutoMode {
		rep.Mode = Exhaustive
		if len(all) >= IndexMinSubjects {
			rep.Mode = Indexed
			if g.index == nil {
				rep.Mode, rep.Fallback = Exhaustive, fmt.Sprintf("the index of this gallery of %d subjects is not built (the workstation builds it in the background; a tool that runs one search does not, as building costs more than the search), so every subject was searched", len(all))
			}
		}
	}
	pool := all
	if rep.Mode == Indexed && len(pfs) > 0 {
		var why string
		k := indexShortlist(len(all))
		if opt.indexK > 0 {
			k = opt.indexK
		}
		pool, why = g.indexCandidates(pfs, k)
		if why != "" {
			rep.Mode, rep.Fallback, pool = Exhaustive, why, all
		}
	}
	g.mu.RUnlock()
	if len(pfs) == 0 || opt.TopN <= 0 {
		return rep
	}
	rep.Candidates, rep.Screened, rep.Compared = rank(ctx, pfs, pool, opt.TopN, -1)
	return rep
}

// large reports whether the gallery is searched through its index by
// default: IndexMinSubjects or more subjects.
func (g *Gallery) large() bool {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return len(g.subjects) >= IndexMinSubjects
}

// BuildIndex builds the gallery's index unless it has one; from then on
// every Add and Remove updates it. The index is built from a snapshot of
// the subjects without holding the gallery's lock (adds and searches go on
// meanwhile); only catching up with the subjects added and removed since
// takes it. An Indexed search builds the index first; an AutoMode search
// uses it only once built.
func (g *Gallery) BuildIndex() {
	if g.indexed.Load() {
		return
	}
	g.build.Lock()
	defer g.build.Unlock()
	if g.indexed.Load() {
		return
	}
	g.mu.RLock()
	subs := append([]*subject(nil), g.subjects...)
	g.mu.RUnlock()
	x := newFingerIndex()
	x.addAll(subs)
	g.mu.Lock()
	defer g.mu.Unlock()
	current := make(map[*subject]struct{}, len(g.subjects))
	for _, s := range g.subjects {
		current[s] = struct{}{}
		if s.slots == nil && len(s.fingers) > 0 { // added since
			x.add(s)
		}
	}
	for _, s := range subs {
		if _, ok := current[s]; !ok { // removed or replaced since
			x.remove(s)
		}
	}
	g.index = x
	g.indexed.Store(true)
}

// WarmIndex builds the index when the gallery is large enough for
// AutoMode searches to use it (IndexMinSubjects).
func (g *Gallery) WarmIndex() {
	if g.large() {
		g.BuildIndex()
	}
}

// search is an exhaustive search with a shortlist of k subjects: k < 0
// takes shortlistLen, k = 0 compares every subject in full.
func (g *Gallery) search(ctx context.Context, probe []Finger, topN int, k int) []Candidate {
	pfs := prepareProbe(probe)
	if len(pfs) == 0 || topN <= 0 {
		return nil
	}
	g.mu.RLock()
	all := append([]*subject(nil), g.subjects...)
	g.mu.RUnlock()
	cs, _, _ := rank(ctx, pfs, all, topN, k)
	return cs
}

func prepareProbe(probe []Finger) []probeFinger {
	var pfs []probeFinger
	for _, f := range probe {
		if f.Template == nil {
			continue
		}
		pfs = append(pfs, probeFinger{position: f.Position, form: Prepare(f.Template)})
	}
	return pfs
}

// rank screens the pool of subjects, compares the shortlist of k (k < 0:
// shortlistLen of the pool; 0: every subject) in full and returns the
// topN best, with how many subjects were screened and compared in full.
func rank(ctx context.Context, pfs []probeFinger, all []*subject, topN, k int) ([]Candidate, int, int) {
	workers := runtime.GOMAXPROCS(0)
	if k < 0 {
		k = shortlistLen(len(all), topN)
	}
	short := all
	screened := 0
	if k > 0 && k < len(all) {
		short = screenGallery(ctx, pfs, all, max(k, topN), workers)
		screened = len(all)
	}

	// Full comparison, fused per subject.
	results := make([]Candidate, len(short))
	raw := make([]float64, len(short)) // sum of 1:1 scores, breaks ties
	parallel(ctx, len(short), workers, func() func(lo, hi int) {
		ms := make([]*Matcher, len(pfs))
		for i := range pfs {
			ms[i] = NewMatcher(pfs[i].form)
		}
		fmrs := make([]float64, 0, len(pfs))
		return func(lo, hi int) {
			for i := lo; i < hi; i++ {
				if ctx.Err() != nil {
					return
				}
				fmrs = fmrs[:0]
				sum := 0.0
				forms := short[i].forms()
				for pi := range pfs {
					if fs, tried := bestFinger(ms[pi], pfs[pi].position, forms, false); tried > 0 {
						fmrs = append(fmrs, fs.FMR)
						sum += fs.Score
					}
				}
				raw[i] = sum
				if len(fmrs) == 0 {
					continue
				}
				fmr := Fuse(fmrs)
				results[i] = Candidate{SubjectID: short[i].id, FMR: fmr, Score: -math.Log10(fmr)}
			}
		}
	})
	idx := make([]int, 0, len(short))
	for i := range results {
		if results[i].SubjectID != "" {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool {
		ra, rb := results[idx[a]], results[idx[b]]
		if ra.Score != rb.Score {
			return ra.Score > rb.Score
		}
		return raw[idx[a]] > raw[idx[b]]
	})
	if len(idx) > topN {
		idx = idx[:topN]
	}
	// Per-finger detail (with paired minutiae) for the returned candidates.
	out := make([]Candidate, len(idx))
	for k, i := range idx {
		c := results[i]
		c.Band = BandFor(c.FMR)
		forms := short[i].forms()
		floors := make([]float64, 0, len(pfs))
		for pi := range pfs {
			if fs, tried := bestFinger(NewMatcher(pfs[pi].form), pfs[pi].position, forms, true); tried > 0 {
				c.PerFinger = append(c.PerFinger, fs)
				floors = append(floors, fs.Floor)
			}
		}
		c.Floor = Fuse(floors)
		out[k] = c
	}
	return out, screened, len(short)
}

// screenGallery screens every subject against the probe fingers and returns
// the k subjects with the highest screen, in gallery order. A subject's
// screen is the sum over probe fingers of its best finger's screen.
func screenGallery(ctx context.Context, pfs []probeFinger, subjects []*subject, k, workers int) []*subject {
	scores := make([]float32, len(subjects))
	parallel(ctx, len(subjects), workers, func() func(lo, hi int) {
		ms := make([]*Matcher, len(pfs))
		for i := range pfs {
			ms[i] = NewMatcher(pfs[i].form)
		}
		return func(lo, hi int) {
			for i := lo; i < hi; i++ {
				sum := 0.0
				for pi, pf := range pfs {
					best := 0.0
					for _, f := range subjects[i].fingers {
						if pf.position == 0 || f.position == pf.position {
							best = max(best, ms[pi].screen(f.p))
						}
					}
					sum += best
				}
				scores[i] = float32(sum)
			}
		}
	})
	keep := topIndexes(scores, k)
	sort.Ints(keep)
	out := make([]*subject, len(keep))
	for i, j := range keep {
		out[i] = subjects[j]
	}
	return out
}

// topIndexes returns the indexes of the k highest scores (ties to the
// earlier index), in no particular order.
func topIndexes(scores []float32, k int) []int {
	if k >= len(scores) {
		out := make([]int, len(scores))
		for i := range out {
			out[i] = i
		}
		return out
	}
	// h is a min-heap of the k best so far: the root is the weakest kept.
	h := make([]int, 0, k)
	less := func(a, b int) bool { // a is weaker than b
		if scores[a] != scores[b] {
			return scores[a] < scores[b]
		}
		return a > b
	}
	down := func(i int) {
		for {
			l := 2*i + 1
			if l >= len(h) {
				return
			}
			if r := l + 1; r < len(h) && less(h[r], h[l]) {
				l = r
			}
			if !less(h[l], h[i]) {
				return
			}
			h[i], h[l] = h[l], h[i]
			i = l
		}
	}
	for i := range scores {
		if len(h) < k {
			h = append(h, i)
			for j := len(h) - 1; j > 0; {
				p := (j - 1) / 2
				if !less(h[j], h[p]) {
					break
				}
				h[j], h[p] = h[p], h[j]
				j = p
			}
			continue
		}
		if less(h[0], i) {
			h[0] = i
			down(0)
		}
	}
	return h
}

type probeFinger struct {
	position int
	form     *Form
}

// parallel runs over [0,n) split into chunks across workers: each worker
// calls worker once for its own function (and scratch space), then that
// function for each chunk it takes.
func parallel(ctx context.Context, n, workers int, worker func() func(lo, hi int)) {
	if n == 0 {
		return
	}
	chunk := min(max(n/(workers*8), 16), 256)
	var next int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < min(workers, (n+chunk-1)/chunk); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn := worker()
			for ctx.Err() == nil {
				mu.Lock()
				lo := next
				next += chunk
				mu.Unlock()
				if lo >= n {
					return
				}
				fn(lo, min(lo+chunk, n))
			}
		}()
	}
	wg.Wait()
}
