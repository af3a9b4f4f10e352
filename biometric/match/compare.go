package match

import (
	"github.com/enlace-desk/enlace/biometric"
)

// Tolerances of the edge comparison. Lengths are in edge length units
// (1/16 px), angles in 1/256 turns.
const (
	tolLenBase   = 8 * lenUnit // length difference allowed on a short edge
	tolLenFrac   = 0.04        // and this fraction of the edge length on top
	tolAngle     = 10          // 1/256 turns (about 14°)
	maxRoots     = 8           // best-voted minutia pairs a comparison grows from
	rootTolLen   = 8 * lenUnit // root votes use tighter tolerances than growth
	rootTolAngle = 10          // 1/256 turns
	lenBinShift  = 7           // 8 px (128 units) per hash bucket along edge length
	lenBins      = 32
	angBinShift  = 4 // 16 units per angle bin
	angBins      = 256 >> angBinShift
	buckets      = lenBins * angBins * angBins
)

// MaxScore bounds every similarity score.
const MaxScore = 100.0

// Pair is one paired minutia: indexes into the probe's and the candidate's
// Template.Minutiae.
type Pair struct {
	Probe, Candidate int
}

// Result is the outcome of one 1:1 comparison.
type Result struct {
	Score float64 // similarity, 0 ≤ Score ≤ MaxScore; higher is more similar
	Pairs []Pair  // the paired minutiae behind the score, for display
}

// Compare compares two templates and returns the similarity and the paired
// minutiae. For many comparisons against one probe use NewMatcher.
func Compare(probe, candidate *biometric.Template) Result {
	m := NewMatcher(Prepare(probe))
	return m.CompareDetail(Prepare(candidate))
}

// voteKey is the place of a (probe, candidate) minutia pair in a
// matcher's vote table: a row of 256 per probe minutia, so that the vote
// loops index it without a multiply, and by a uint16 without a bounds check.
func voteKey(p, c int) uint16 { return uint16(p<<8 | c) }

// probeEntry is one probe edge in the probe hash, in one word that the vote
// loops keep in a register: its length (bits 0–15), the two relative
// directions (ref 16–23, nbr 24–31) and the vote-table rows of its origin a
// and its neighbour b (voteKey(a, 0) at 32–47, voteKey(b, 0) at 48–63).
type probeEntry uint64

func newProbeEntry(a int, e edge) probeEntry {
	return probeEntry(e.length) | probeEntry(e.ref)<<16 | probeEntry(e.nbr)<<24 |
		probeEntry(voteKey(a, 0))<<32 | probeEntry(voteKey(int(e.nb), 0))<<48
}

func (e probeEntry) length() int32 { return int32(uint16(e)) }
func (e probeEntry) ref() uint8    { return uint8(e >> 16) }
func (e probeEntry) nbr() uint8    { return uint8(e >> 24) }

// rowA and rowB are the vote-table rows of the edge's origin and neighbour:
// rowA()|c is voteKey(a, c).
func (e probeEntry) rowA() uint16 { return uint16(e >> 32) }
func (e probeEntry) rowB() uint16 { return uint16(e >> 48) }

// heapItem is a candidate minutia pair waiting in the pairing queue.
type heapItem struct {
	cost float32
	p, c uint8
}

// Matcher compares one probe against many candidates. It holds scratch
// space so that comparisons do not allocate; it is not safe for concurrent
// use (give each goroutine its own Matcher; they can share the probe Form).
type Matcher struct {
	probe   *Form
	start   *[buckets + 1]uint16 // probe hash: bucket b holds entries[start[b]:start[b+1]]
	entries []probeEntry
	tol     []int32   // growth length tolerance of each probe edge
	invTol  []float32 // and its inverse

	votes   *[1 << 16]uint16 // by voteKey, allocated at the first vote
	touched []uint16
	roots   [maxRoots]rootVote
	pairP   []int16 // candidate paired with each probe minutia, -1 none
	pairC   []int16
	heap    []heapItem
	cur     []Pair // pairing being grown (form indexes)
	best    []Pair
	ebuf    [tableNeighbours]edge // a packed candidate's edges, decoded
}

type rootVote struct {
	votes uint16
	p, c  uint8
}

// NewMatcher prepares a probe for comparisons.
func NewMatcher(probe *Form) *Matcher {
	if probe == nil {
		probe = &Form{}
	}
	m := &Matcher{probe: probe}
	m.buildHash()
	m.pairP = make([]int16, len(probe.pts))
	for i := range m.pairP {
		m.pairP[i] = -1
	}
	m.pairC = make([]int16, MaxMinutiae)
	for i := range m.pairC {
		m.pairC[i] = -1
	}
	m.tol = make([]int32, len(probe.edges))
	m.invTol = make([]float32, len(probe.edges))
	for i, e := range probe.edges {
		m.tol[i] = tolLen(e.length)
		m.invTol[i] = 1 / float32(m.tol[i])
	}
	return m
}

func lenBin(l uint16) int {
	return min(int(l>>lenBinShift), lenBins-1)
}

// tolLen is the growth tolerance on the length of an edge.
func tolLen(l uint16) int32 { return tolLenBase + int32(tolLenFrac*float32(l)) }

func bucketOf(lb int, ref, nbr uint8) int {
	return (lb*angBins+int(ref>>angBinShift))*angBins + int(nbr>>angBinShift)
}

// buildHash files every probe edge under every bucket its tolerance reaches,
// so a candidate edge is looked up in its one bucket.
func (m *Matcher) buildHash() {
	f := m.probe
	// A probe edge lands in at most 2 length and 3×3 angle buckets, so the
	// at most 255*tableNeighbours*18 entries are counted by uint16.
	m.start = new([buckets + 1]uint16)
	visit := func(fn func(b int, e probeEntry)) {
		for a := range f.pts {
			for _, e := range f.edges[f.nbStart[a]:f.nbStart[a+1]] {
				lo := lenBin(uint16(max(int(e.length)-rootTolLen, 0)))
				hi := lenBin(uint16(min(int(e.length)+rootTolLen, 65535)))
				pe := newProbeEntry(a, e)
				r0, r1 := int(e.ref-rootTolAngle)>>angBinShift, int(e.ref+rootTolAngle)>>angBinShift
				n0, n1 := int(e.nbr-rootTolAngle)>>angBinShift, int(e.nbr+rootTolAngle)>>angBinShift
				for lb := lo; lb <= hi; lb++ {
					for r := r0; ; r = (r + 1) % angBins {
						for q := n0; ; q = (q + 1) % angBins {
							fn((lb*angBins+r)*angBins+q, pe)
							if q == n1 {
								break
							}
						}
						if r == r1 {
							break
						}
					}
				}
			}
		}
	}
	visit(func(b int, _ probeEntry) { m.start[b+1]++ })
	for b := 1; b <= buckets; b++ {
		m.start[b] += m.start[b-1]
	}
	m.entries = make([]probeEntry, m.start[buckets])
	fill := make([]uint16, buckets)
	copy(fill, m.start[:buckets])
	visit(func(b int, e probeEntry) {
		m.entries[fill[b]] = e
		fill[b]++
	})
}

func angDiff(a, b uint8) int {
	d := int(int8(a - b))
	if d < 0 {
		return -d
	}
	return d
}

// within reports whether two angles differ by at most tol (1/256 turns).
func within(a, b uint8, tol uint8) bool { return a-b+tol <= 2*tol }

// Compare returns the similarity of the probe and a candidate form without
// allocating.
func (m *Matcher) Compare(c *Form) float64 {
	s, _ := m.compare(c)
	return s
}

// CompareDetail returns the similarity and the paired minutiae, as indexes
// into the source templates.
func (m *Matcher) CompareDetail(c *Form) Result {
	s, pairs := m.compare(c)
	r := Result{Score: s, Pairs: make([]Pair, len(pairs))}
	for i, p := range pairs {
		r.Pairs[i] = Pair{Probe: int(m.probe.orig[p.Probe]), Candidate: int(c.orig[p.Candidate])}
	}
	return r
}

func (m *Matcher) compare(c *Form) (float64, []Pair) {
	m.best = m.best[:0]
	if c == nil || len(m.probe.pts) < 2 || len(c.pts) < 2 {
		return 0, nil
	}
	np, nc := len(m.probe.pts), len(c.pts)
	nroots := m.findRoots(c, maxRoots)
	best := 0.0
	var bestSt growStats
	for r := 0; r < nroots; r++ {
		root := m.roots[r]
		st := m.grow(c, nil, root.p, root.c)
		s := score(st, np, nc)
		if s > best {
			best, bestSt = s, st
			m.best = append(m.best[:0], m.cur...)
		}
		for _, pr := range m.cur {
			m.pairP[pr.Probe] = -1
			m.pairC[pr.Candidate] = -1
		}
	}
	if best > 0 {
		// Normalise by the minutiae where the two templates overlap.
		ep, ec := overlap(m.probe, c, m.best)
		best = score(bestSt, ep, ec)
	}
	return best, m.best
}

// vote looks every candidate edge up in the probe hash; each edge pair whose
// shapes agree within the root tolerances votes for the two minutia pairs it
// joins (m.votes, touched pairs in m.touched).
func (m *Matcher) vote(c *Form) {
	votes := m.voteTable()
	m.touched = m.touched[:0]
	start, entries := m.start, m.entries
	for ci := range c.pts {
		for _, f := range c.edges[c.nbStart[ci]:c.nbStart[ci+1]] {
			b := f.key & (buckets - 1)
			for _, e := range entries[start[b]:start[b+1]] {
				if uint(e.length()-int32(f.length)+rootTolLen) > 2*rootTolLen ||
					!within(e.ref(), f.ref, rootTolAngle) || !within(e.nbr(), f.nbr, rootTolAngle) {
					continue
				}
				k1 := e.rowA() | uint16(ci)
				k2 := e.rowB() | uint16(f.nb)
				if votes[k1] == 0 {
					m.touched = append(m.touched, k1)
				}
				votes[k1]++
				if votes[k2] == 0 {
					m.touched = append(m.touched, k2)
				}
				votes[k2]++
			}
		}
	}
}

// voteTable is the matcher's vote table, all zero: every reader of the
// votes clears what it read.
func (m *Matcher) voteTable() *[1 << 16]uint16 {
	if m.votes == nil {
		m.votes = new([1 << 16]uint16)
	}
	return m.votes
}

// findRoots votes minutia pairs through matching edges and keeps the
// maxR best-voted ones (at most maxRoots) in m.roots, best first; it
// returns how many.
func (m *Matcher) findRoots(c *Form, maxR int) int {
	m.vote(c)
	return m.pickRoots(maxR)
}

// pickRoots keeps the maxR best-voted minutia pairs of the last vote in
// m.roots and clears the votes.
func (m *Matcher) pickRoots(maxR int) int {
	votes := m.votes
	n := 0
	for _, k := range m.touched {
		v := votes[k]
		votes[k] = 0
		if v < 2 {
			continue
		}
		rv := rootVote{votes: v, p: uint8(k >> 8), c: uint8(k)} // k is voteKey(p, c)
		if n < maxR {
			n++
		} else if v <= m.roots[n-1].votes {
			continue
		}
		i := n - 1
		for i > 0 && m.roots[i-1].votes < v {
			m.roots[i] = m.roots[i-1]
			i--
		}
		m.roots[i] = rv
	}
	return n
}

// The screen: the first stage of a 1:N search.
const screenRoots = 3 // best-voted minutia pairs grown

// screen is a quick similarity for ranking a gallery before full
// comparisons: the pairings grown from the screenRoots best-voted minutia
// pairs only (the first roots the full comparison grows from, so it agrees
// with it on mates), scored against the whole minutia counts without the
// overlap estimate. It ranks mates high but is not calibrated; it does not
// allocate.
func (m *Matcher) screen(c *packed) float64 {
	if c == nil || len(m.probe.pts) < 2 || len(c.mins) < 2 {
		return 0
	}
	np, nc := len(m.probe.pts), len(c.mins)
	m.votePacked(c)
	n := m.pickDense(nc, screenRoots)
	best := 0.0
	for r := 0; r < n; r++ {
		st := m.grow(nil, c, m.roots[r].p, m.roots[r].c)
		best = max(best, score(st, np, nc))
		for _, pr := range m.cur {
			m.pairP[pr.Probe] = -1
			m.pairC[pr.Candidate] = -1
		}
	}
	return best
}

// votePacked is vote against a gallery's packed form: its screen edges,
// lengths in whole pixels. It counts without branching on the shape test
// (most probe entries a bucket holds fail it, unpredictably), so every
// vote is added, one or zero, and pickDense reads the votes back.
func (m *Matcher) votePacked(c *packed) {
	votes := m.voteTable()
	start, entries := m.start, m.entries
	for i, f := range c.edges {
		if f.length == 0 {
			continue
		}
		b := int(pxBucket[f.length]) + int(f.ref>>angBinShift)*angBins + int(f.nbr>>angBinShift)
		fl, fref, fnbr := int32(f.length)*lenUnit, f.ref, f.nbr
		col, fnb := uint16(i/screenNeighbours), uint16(f.nb)
		bucket := entries[start[b]:start[b+1]]
		for j := 0; j < len(bucket); j++ {
			e := bucket[j]
			// Each term is negative when its difference is out of tolerance.
			x := (2*rootTolLen - abs32(e.length()-fl)*2) |
				(2*rootTolAngle - int32(e.ref()-fref+rootTolAngle)) |
				(2*rootTolAngle - int32(e.nbr()-fnbr+rootTolAngle))
			inc := uint16(^uint32(x) >> 31)
			votes[e.rowA()|col] += inc
			votes[e.rowB()|fnb] += inc
		}
	}
}

// pxBucket is the probe hash's length bin of a whole-pixel length, shifted
// into place (see bucketOf).
var pxBucket = func() (t [256]uint16) {
	for l := range t {
		t[l] = uint16(bucketOf(lenBin(uint16(l*lenUnit)), 0, 0))
	}
	return t
}()

func abs32(v int32) int32 {
	m := v >> 31
	return (v ^ m) - m
}

// pickDense keeps the maxR best-voted minutia pairs of a votePacked in
// m.roots, best first, and clears the votes; it returns how many.
func (m *Matcher) pickDense(nc, maxR int) int {
	n := 0
	minV := uint16(2)
	for p := range m.probe.pts {
		k := int(voteKey(p, 0))
		row := m.votes[k : k+nc]
		for c, v := range row {
			if v < minV {
				continue
			}
			rv := rootVote{votes: v, p: uint8(p), c: uint8(c)}
			if n < maxR {
				n++
			}
			i := n - 1
			for i > 0 && m.roots[i-1].votes < v {
				m.roots[i] = m.roots[i-1]
				i--
			}
			m.roots[i] = rv
			if n == maxR {
				minV = m.roots[n-1].votes + 1
			}
		}
		clear(row)
	}
	return n
}

// growStats are the facts a pairing is scored on.
type growStats struct {
	paired  int
	support int // edges between paired minutiae that agree
	cost    float32
}

// grow pairs minutiae outward from a root pair along matching edges, best
// first, and leaves the pairing in m.cur.
func (m *Matcher) grow(c *Form, pk *packed, rp, rc uint8) growStats {
	p := m.probe
	var st growStats
	m.cur = m.cur[:0]
	h := m.heap[:0]
	h = append(h, heapItem{0, rp, rc})
	for len(h) > 0 {
		it := h[0]
		h = heapPop(h)
		if m.pairP[it.p] >= 0 || m.pairC[it.c] >= 0 {
			continue
		}
		m.pairP[it.p] = int16(it.c)
		m.pairC[it.c] = int16(it.p)
		m.cur = append(m.cur, Pair{int(it.p), int(it.c)})
		st.paired++
		st.cost += it.cost
		p0, p1 := int(p.nbStart[it.p]), int(p.nbStart[int(it.p)+1])
		pe := p.edges[p0:p1]
		tols, invs := m.tol[p0:p1], m.invTol[p0:p1]
		var ce []edge
		if pk != nil {
			ce = pk.edgesOf(int(it.c), &m.ebuf)
		} else {
			ce = c.edges[c.nbStart[it.c]:c.nbStart[int(it.c)+1]]
		}
		lo := 0
		for i, e := range pe {
			if i >= len(tols) || i >= len(invs) {
				break
			}
			tl, el := tols[i], int32(e.length)
			for lo < len(ce) && int32(ce[lo].length) < el-tl {
				lo++
			}
			for j := lo; j < len(ce) && int32(ce[j].length) <= el+tl; j++ {
				f := ce[j]
				if !within(e.ref, f.ref, tolAngle) || !within(e.nbr, f.nbr, tolAngle) {
					continue
				}
				pp, pc := m.pairP[e.nb], m.pairC[f.nb]
				if pp < 0 && pc < 0 {
					dl := el - int32(f.length)
					if dl < 0 {
						dl = -dl
					}
					dr, dn := angDiff(e.ref, f.ref), angDiff(e.nbr, f.nbr)
					cost := float32(dl)*invs[i] + float32(dr+dn)/(2*tolAngle)
					h = heapPush(h, heapItem{cost, e.nb, f.nb})
				} else if pp == int16(f.nb) {
					st.support++
				}
			}
		}
	}
	m.heap = h
	return st
}

func heapPush(h []heapItem, it heapItem) []heapItem {
	h = append(h, it)
	i := len(h) - 1
	for i > 0 {
		parent := (i - 1) / 2
		if h[parent].cost <= it.cost {
			break
		}
		h[i] = h[parent]
		i = parent
	}
	h[i] = it
	return h
}

func heapPop(h []heapItem) []heapItem {
	n := len(h) - 1
	last := h[n]
	h = h[:n]
	if n == 0 {
		return h
	}
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		if r := l + 1; r < n && h[r].cost < h[l].cost {
			l = r
		}
		if h[l].cost >= last.cost {
			break
		}
		h[i] = h[l]
		i = l
	}
	h[i] = last
	return h
}
