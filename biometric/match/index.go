package match

import (
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
)

// The index of a large gallery: an inverted index of the gallery's screen
// edges. Every enrolled minutia keeps the edges to its nearest neighbours
// (packed.go); the index files the ixGalleryEdges nearest of them by shape
// (length, and the directions of its two minutiae relative to it) in fine
// buckets (bucketOfScreenEdge), each entry naming its finger and origin
// minutia and keeping the exact shape. For each probe minutia the index
// looks up the ixProbeEdges nearest of its edges in every bucket their
// tolerance reaches and counts, for every enrolled minutia, the probe
// edges its own edges match within the matcher's root tolerances (the test
// the screen votes with). A finger's standing is, summed over the probe's
// minutiae, the count of its best matching minutia, over the square root of
// its minutia count (vote): two impressions of a finger share many
// minutiae whose neighbourhoods agree, while for an unrelated finger each
// probe minutia's best match agrees by chance on an edge or so. The
// subjects that stand highest are passed on to the screen and the full
// comparison (indexCandidates).
//
// The slots (enrolled fingers) are split into blocks of up to ixBlockSlots
// fingers of one finger position, each with its own buckets: a probe
// finger is voted on only by the blocks of its position (and of unknown
// positions), a worker votes one block at a time with counters that stay
// in its core's cache, and blocks vote in parallel.

// indexEntry is one enrolled edge filed in the index: its finger's slot
// within the block, its origin minutia (index in the finger's packed form)
// and its shape (length in whole pixels, the two relative directions).
type indexEntry struct {
	slot             uint16
	origin           uint8
	length, ref, nbr uint8
}

// indexSlot is one enrolled finger of the index.
type indexSlot struct {
	s        *subject // nil once removed
	position int8
	norm     float32 // 1 / √(minutiae)
}

// ixBlock is the buckets of up to ixBlockSlots fingers of one finger
// position (a probe finger is voted on by the blocks of its position, and
// of unknown ones). The block a position fills keeps a growing list per
// bucket (open); a full block is sealed into one array of entries in
// bucket order, bucket b being entries[start[b]:start[b+1]], which takes a
// sixth of the memory of the lists' headers and is read with fewer cache
// misses.
type ixBlock struct {
	position int8
	slots    []uint32       // the index's slot of each of the block's fingers
	open     [][]indexEntry // bucket: entries, until sealed
	start    []uint32       // sealed: bucket b's first entry
	entries  []indexEntry   // sealed
	first    []uint32       // per slot of the block: its first minutia in the block's numbering
	minutiae uint32         // minutiae numbered in the block
}

// bucket returns the entries of bucket b.
func (bl *ixBlock) bucket(b int32) []indexEntry {
	if bl.open != nil {
		return bl.open[b]
	}
	return bl.entries[bl.start[b]:bl.start[b+1]]
}

// seal turns a block's lists into one array, dropping the entries keep
// refuses.
func (bl *ixBlock) seal(keep func(indexEntry) bool) {
	start := make([]uint32, ixBuckets+1)
	n := 0
	each := func(fn func(b int, e indexEntry)) {
		for b := 0; b < ixBuckets; b++ {
			for _, e := range bl.bucket(int32(b)) {
				if keep(e) {
					fn(b, e)
				}
			}
		}
	}
	each(func(b int, _ indexEntry) { start[b+1]++; n++ })
	for b := 1; b <= ixBuckets; b++ {
		start[b] += start[b-1]
	}
	entries := make([]indexEntry, 0, n)
	each(func(_ int, e indexEntry) { entries = append(entries, e) })
	bl.open, bl.start, bl.entries = nil, start, entries
}

// fingerIndex is the inverted index of a gallery's fingers. It is guarded
// by the gallery's lock.
type fingerIndex struct {
	blocks  []*ixBlock
	filling map[int8]*ixBlock // per finger position: its open block
	pop     []int32           // entries per bucket, all blocks (a probe skips empty ones)
	slots   []indexSlot
	dead    int // removed slots still listed in buckets
	entries int // bucket entries
	scratch sync.Pool
}

// The index's parameters.
const (
	ixBlockSlots = 1 << 13
	// ixLenPx px of length and ixAng 1/256 turns of each relative
	// direction make a bucket: finer than the matcher's, so that a probe
	// edge's tolerance window scans little beyond itself.
	ixLenPx   = 4
	ixLenBins = 256 / ixLenPx
	ixAng     = 8
	ixAngBins = 256 / ixAng
	ixBuckets = ixLenBins * ixAngBins * ixAngBins
	// ixGalleryEdges and ixProbeEdges are the nearest edges of each
	// minutia the index compares, enrolled and probe.
	ixGalleryEdges = 6
	ixProbeEdges   = 6
)

func newFingerIndex() *fingerIndex {
	return &fingerIndex{pop: make([]int32, ixBuckets), filling: map[int8]*ixBlock{}}
}

// bucketOfScreenEdge is the bucket of an enrolled edge.
func bucketOfScreenEdge(e sedge) int {
	return (int(e.length)/ixLenPx*ixAngBins+int(e.ref)/ixAng)*ixAngBins + int(e.nbr)/ixAng
}

// blockFor returns the open block of a finger position, sealing a full one
// and opening another.
func (x *fingerIndex) blockFor(position int8) *ixBlock {
	bl := x.filling[position]
	if bl != nil && len(bl.slots) < ixBlockSlots {
		return bl
	}
	if bl != nil {
		bl.seal(func(indexEntry) bool { return true })
	}
	bl = &ixBlock{position: position, open: make([][]indexEntry, ixBuckets)}
	x.blocks = append(x.blocks, bl)
	x.filling[position] = bl
	return bl
}

// add files a subject's fingers and records their slots.
func (x *fingerIndex) add(s *subject) {
	for _, f := range s.fingers {
		slot := len(x.slots)
		bl := x.blockFor(int8(f.position))
		local := uint16(len(bl.slots))
		for ci := range f.p.mins {
			for _, e := range f.p.edges[ci*screenNeighbours : ci*screenNeighbours+ixGalleryEdges] {
				if e.length == 0 {
					break
				}
				b := bucketOfScreenEdge(e)
				bl.open[b] = append(bl.open[b], indexEntry{slot: local, origin: uint8(ci), length: e.length, ref: e.ref, nbr: e.nbr})
				x.pop[b]++
				x.entries++
			}
		}
		n := len(f.p.mins)
		s.slots = append(s.slots, uint32(slot))
		x.slots = append(x.slots, indexSlot{s: s, position: int8(f.position), norm: float32(1 / math.Sqrt(float64(max(n, 1))))})
		bl.slots = append(bl.slots, uint32(slot))
		bl.first = append(bl.first, bl.minutiae)
		bl.minutiae += uint32(n)
	}
}

// remove withdraws a subject's slots; the buckets are purged once the dead
// slots are a quarter of the index.
func (x *fingerIndex) remove(s *subject) {
	for _, slot := range s.slots {
		x.slots[slot].s = nil
		x.dead++
	}
	s.slots = nil
	if x.dead > 1024 && x.dead > len(x.slots)/4 {
		x.purge()
	}
}

// purge drops the dead slots' entries from every block (sealing it
// anew: the open block is sealed too, and reopened).
func (x *fingerIndex) purge() {
	x.entries = 0
	clear(x.pop)
	for _, bl := range x.blocks {
		wasOpen := bl.open != nil
		bl.seal(func(e indexEntry) bool { return x.slots[bl.slots[e.slot]].s != nil })
		x.entries += len(bl.entries)
		for b := range x.pop {
			x.pop[b] += int32(bl.start[b+1] - bl.start[b])
		}
		if wasOpen {
			bl.open = make([][]indexEntry, ixBuckets)
			for b := range bl.open {
				if es := bl.entries[bl.start[b]:bl.start[b+1]]; len(es) > 0 {
					bl.open[b] = es[:len(es):len(es)]
				}
			}
			bl.start, bl.entries = nil, nil
		}
	}
	x.dead = 0
}

// bytes is the memory the index holds: bucket lists or starts, entries,
// slots.
func (x *fingerIndex) bytes() int {
	n := len(x.slots) * 24
	for _, bl := range x.blocks {
		n += len(bl.open)*24 + len(bl.start)*4 + cap(bl.entries)*6 + cap(bl.slots)*4 + cap(bl.first)*4
		for _, es := range bl.open {
			n += cap(es) * 6
		}
	}
	return n
}

// look is one bucket a probe edge's tolerance reaches.
type look struct {
	b        int32
	length   int32 // edge length units
	ref, nbr uint8
}

// probeLooks lists, per probe minutia, the buckets its ixProbeEdges
// nearest edges reach within the root tolerances.
func (x *fingerIndex) probeLooks(f *Form) [][]look {
	out := make([][]look, len(f.pts))
	for a := range f.pts {
		es := f.edges[f.nbStart[a]:f.nbStart[a+1]]
		for _, e := range es[:min(len(es), ixProbeEdges)] {
			px := int(e.length) / lenUnit
			const tolPx = rootTolLen / lenUnit
			lo, hi := max(px-tolPx, 0)/ixLenPx, min((px+tolPx)/ixLenPx, ixLenBins-1)
			pe := look{length: int32(e.length), ref: e.ref, nbr: e.nbr}
			r0, r1 := int(e.ref-rootTolAngle)/ixAng, int(e.ref+rootTolAngle)/ixAng
			n0, n1 := int(e.nbr-rootTolAngle)/ixAng, int(e.nbr+rootTolAngle)/ixAng
			for lb := lo; lb <= hi; lb++ {
				for r := r0; ; r = (r + 1) % ixAngBins {
					for q := n0; ; q = (q + 1) % ixAngBins {
						if b := (lb*ixAngBins+r)*ixAngBins + q; x.pop[b] > 0 {
							pe.b = int32(b)
							out[a] = append(out[a], pe)
						}
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
	return out
}

// voteScratch is one worker's counters for vote, kept between searches.
type voteScratch struct {
	count    []uint8 // per minutia of the block: probe edges it matched
	best     []uint8 // per slot of the block: its best minutia's count
	touchedM []uint32
	touchedS []uint16
}

// vote scores every slot against a probe finger of a position (0:
// unknown): for each probe minutia, the count of the slot's best matching
// minutia, summed, times the slot's norm; slots of another known position
// score 0. A minutia matches at most ixProbeEdges × ixGalleryEdges edge
// pairs, so its count fits a byte. Workers take one block at a time, and
// in a gallery of few blocks a share of the probe's minutiae of one.
func (x *fingerIndex) vote(f *Form, position int, workers int) []float32 {
	looks := x.probeLooks(f)
	var blocks []*ixBlock
	for _, bl := range x.blocks {
		if position == 0 || bl.position == 0 || int(bl.position) == position {
			blocks = append(blocks, bl)
		}
	}
	score := make([]float32, len(x.slots))
	parts := max(1, min(len(looks), (2*workers+len(blocks)-1)/max(len(blocks), 1)))
	locks := make([]sync.Mutex, len(blocks))
	var next atomic.Int32
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc, _ := x.scratch.Get().(*voteScratch)
			if sc == nil {
				sc = &voteScratch{best: make([]uint8, ixBlockSlots)}
			}
			defer x.scratch.Put(sc)
			var part []float32
			var mine [][]look
			for {
				item := int(next.Add(1)) - 1
				bi, pi := item/parts, item%parts
				if bi >= len(blocks) {
					return
				}
				bl := blocks[bi]
				if len(sc.count) < int(bl.minutiae) {
					sc.count = make([]uint8, bl.minutiae)
				}
				mine = mine[:0]
				for i := pi; i < len(looks); i += parts {
					mine = append(mine, looks[i])
				}
				if cap(part) < len(bl.slots) {
					part = make([]float32, len(bl.slots))
				}
				part = part[:len(bl.slots)]
				clear(part)
				voteBlock(bl, mine, sc, part)
				locks[bi].Lock()
				for i, v := range part {
					if v != 0 {
						score[bl.slots[i]] += v * x.slots[bl.slots[i]].norm
					}
				}
				locks[bi].Unlock()
			}
		}()
	}
	wg.Wait()
	return score
}

// voteBlock adds one block's standings to score (its slots').
func voteBlock(bl *ixBlock, looks [][]look, sc *voteScratch, score []float32) {
	count, best, first := sc.count, sc.best, bl.first
	for _, ls := range looks {
		for _, l := range ls {
			e := l
			for _, g := range bl.bucket(l.b) {
				if abs32(e.length-int32(g.length)*lenUnit) > rootTolLen ||
					uint8(e.ref-g.ref+rootTolAngle) > 2*rootTolAngle ||
					uint8(e.nbr-g.nbr+rootTolAngle) > 2*rootTolAngle {
					continue
				}
				m := first[g.slot] + uint32(g.origin)
				c := count[m] + 1
				count[m] = c
				if c == 1 {
					sc.touchedM = append(sc.touchedM, m)
				}
				if c > best[g.slot] {
					if best[g.slot] == 0 {
						sc.touchedS = append(sc.touchedS, g.slot)
					}
					best[g.slot] = c
				}
			}
		}
		for _, s := range sc.touchedS {
			score[s] += float32(best[s])
			best[s] = 0
		}
		for _, m := range sc.touchedM {
			count[m] = 0
		}
		sc.touchedS, sc.touchedM = sc.touchedS[:0], sc.touchedM[:0]
	}
}

const (
	// IndexMinSubjects is the gallery size (enrolled subjects) from which a
	// search goes through the index by default: where it is faster than
	// screening every subject (docs/architecture.md, "Fingerprint index").
	IndexMinSubjects = 20_000
	// IndexPenetration is the share of the gallery's subjects the index
	// passes on to the matcher, but never fewer than indexMinCandidates.
	IndexPenetration   = 0.02
	indexMinCandidates = 2000
	// indexMinMinutiae is the fewest minutiae a probe finger must have
	// for the index to rank the gallery by it: with fewer, every finger
	// shares about as many edges with it by chance, and the search runs
	// exhaustively and says why.
	indexMinMinutiae = 8
)

// indexShortlist is how many of a gallery's n subjects the index passes
// on to the matcher.
func indexShortlist(n int) int {
	return max(indexMinCandidates, int(math.Ceil(IndexPenetration*float64(n))))
}

// indexScores returns, for every slot of the index, its standing for each
// probe finger (vote), or why the index cannot rank the gallery for this
// probe. The gallery's lock is held (for reading).
func (x *fingerIndex) indexScores(pfs []probeFinger) ([][]float32, string) {
	for _, pf := range pfs {
		if n := pf.form.Len(); n < indexMinMinutiae {
			return nil, fmt.Sprintf("probe finger %d has %d minutiae, too few for the index (it needs %d), so every subject was searched",
				pf.position, n, indexMinMinutiae)
		}
	}
	workers := runtime.GOMAXPROCS(0)
	votes := make([][]float32, len(pfs))
	for i, pf := range pfs {
		votes[i] = x.vote(pf.form, pf.position, workers)
	}
	return votes, ""
}

// subjectScores sums, per subject, each probe finger's best slot at that
// position (a subject's slots are consecutive), skipping removed slots.
func (x *fingerIndex) subjectScores(pfs []probeFinger, votes [][]float32) ([]*subject, []float32) {
	var subs []*subject
	var scores []float32
	for i := 0; i < len(x.slots); {
		s := x.slots[i].s
		j := i + 1
		for j < len(x.slots) && x.slots[j].s == s {
			j++
		}
		if s != nil {
			sum := float32(0)
			for pi, pf := range pfs {
				best := float32(0)
				for k := i; k < j; k++ {
					if pf.position == 0 || int(x.slots[k].position) == pf.position {
						best = max(best, votes[pi][k])
					}
				}
				sum += best
			}
			subs = append(subs, s)
			scores = append(scores, sum)
		}
		i = j
	}
	return subs, scores
}

// indexCandidates ranks the gallery's subjects through the index and
// returns the k it ranks highest, in gallery order, or why the index
// cannot rank them for this probe. The gallery's lock is held (for
// reading).
func (g *Gallery) indexCandidates(pfs []probeFinger, k int) ([]*subject, string) {
	votes, why := g.index.indexScores(pfs)
	if why != "" {
		return nil, why
	}
	subs, scores := g.index.subjectScores(pfs, votes)
	if k >= len(subs) {
		return subs, ""
	}
	keep := topIndexes(scores, k)
	sort.Ints(keep)
	out := make([]*subject, len(keep))
	for i, j := range keep {
		out[i] = subs[j]
	}
	return out, ""
}
