package match

import (
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
)

// The index of a large gallery: an inverted index of pairs of screen
// edges. Every enrolled minutia keeps the edges to its nearest neighbours
// (packed.go); the index files every pair of its pairEdges nearest
// edges by shape: the two lengths and, for each edge, the directions of
// its two minutiae relative to it (six numbers, which no rotation or
// shift changes). Each entry names its finger and origin minutia and keeps
// the pair's shape, a little coarser than the matcher measures it
// (ixEntry). For each probe minutia the index looks up every pair of its
// pairEdges nearest edges (in the order pairs are filed, pairOrders) in
// the buckets their tolerance reaches and counts, for every enrolled minutia, the pairs that agree within the
// matcher's root tolerances (the test the screen votes with, on both
// edges). A finger's standing is, summed over the probe's minutiae, the
// count of its best matching minutia, over the square root of its minutia
// count (vote). A pair agrees with an unrelated finger's pair by chance
// about a tenth as often as a single edge does, while two impressions of a
// finger share many minutiae whose neighbourhoods agree on several pairs:
// so the index does far less work per finger than an index of single
// edges, and ranks mates as well or better. The subjects that stand
// highest are passed on to the screen and the full comparison
// (indexCandidates).
//
// The slots (enrolled fingers) are filed in blocks of one finger position:
// a probe finger is voted on only by the blocks of its position (and of
// unknown positions). BuildIndex files the gallery in sealed blocks of up
// to ixBlockSlots fingers, each one array of entries in bucket order.
// Fingers enrolled later go to the position's open block (a list per
// bucket), which is sealed once it holds ixOpenSlots fingers; sealed
// blocks are merged, two of a size into one of twice the size, so that a
// position has about log2(fingers / ixOpenSlots) blocks to look up at
// most.

// ixEntry is one enrolled pair of edges: bits 0-7 its origin minutia
// (index in the finger's packed form), 8-27 its finger's slot within the
// block, then six 6-bit fields from bit 28: the two lengths in units of 2
// px (saturating at 63) and the two edges' ref and nbr directions in units
// of 4/256 turn. The top 4 bits of each field make the pair's key.
type ixEntry uint64

const (
	ixSlotShift  = 8
	ixFieldShift = 28
	ixSlotMask   = 1<<20 - 1
	// ixKeyMask keeps the key bits (the top 4 of each field) of an entry.
	ixKeyMask = ixEntry(0xf3cf3cf3c) << ixFieldShift
)

// indexSlot is one enrolled finger of the index.
type indexSlot struct {
	s        *subject // nil once removed
	position int8
	norm     float32 // 1 / √(minutiae)
}

// ixBlock is the entries of some fingers of one finger position, in 1 <<
// bits buckets: a list per bucket while the block is open, then one array
// in bucket order, bucket b being entries[start[b]:start[b+1]].
type ixBlock struct {
	position int8
	bits     uint8
	slots    []uint32    // the index's slot of each of the block's fingers
	open     [][]ixEntry // bucket: entries, until sealed
	start    []uint32    // sealed: bucket b's first entry
	entries  []ixEntry   // sealed
	first    []uint32    // per slot of the block: its first minutia in the block's numbering
	minutiae uint32      // minutiae numbered in the block
	count    int         // entries
}

// bucket returns the entries of bucket b.
func (bl *ixBlock) bucket(b uint32) []ixEntry {
	if bl.open != nil {
		return bl.open[b]
	}
	return bl.entries[bl.start[b]:bl.start[b+1]]
}

// bucketOf maps a 24-bit key to one of a block's buckets: itself when the
// block has a bucket per key, else a multiplicative hash (entries of other
// keys that share a bucket are told apart by their key bits).
func (bl *ixBlock) bucketOf(key uint32) uint32 {
	if bl.bits >= 24 {
		return key
	}
	return uint32((uint64(key) * 0x9e3779b97f4a7c15) >> (64 - bl.bits))
}

// keyOf is the 24-bit key of an entry: the top 4 bits of its six fields.
func keyOf(e ixEntry) uint32 {
	v := uint64(e) >> (ixFieldShift + 2)
	return uint32(v&15 | v>>6&15<<4 | v>>12&15<<8 | v>>18&15<<12 | v>>24&15<<16 | v>>30&15<<20)
}

// bucketBits is the bucket count (log2) for a sealed block of n entries:
// about four entries a bucket, and at most one bucket per key.
func bucketBits(n int) uint8 {
	b := uint8(8)
	for b < 24 && 1<<(b+2) < n {
		b++
	}
	return b
}

// sealBlock turns a block's lists (or, when merging, the entries of parts) into
// one array, keeping the entries keep accepts (nil: all), with bucket
// count for their number.
func sealBlock(bl *ixBlock, parts []*ixBlock, offsets []uint32, keep func(*ixBlock, ixEntry) bool) {
	each := func(fn func(e ixEntry)) {
		for pi, p := range parts {
			off := ixEntry(offsets[pi]) << ixSlotShift
			visit := func(es []ixEntry) {
				for _, e := range es {
					if keep == nil || keep(p, e) {
						fn(e + off)
					}
				}
			}
			if p.open != nil {
				for _, es := range p.open {
					visit(es)
				}
			} else {
				visit(p.entries)
			}
		}
	}
	n := 0
	each(func(ixEntry) { n++ })
	bl.bits = bucketBits(n)
	start := make([]uint32, 1<<bl.bits+1)
	each(func(e ixEntry) { start[bl.bucketOf(keyOf(e))+1]++ })
	for b := 1; b < len(start); b++ {
		start[b] += start[b-1]
	}
	entries := make([]ixEntry, n)
	fill := append([]uint32(nil), start[:len(start)-1]...)
	each(func(e ixEntry) {
		b := bl.bucketOf(keyOf(e))
		entries[fill[b]] = e
		fill[b]++
	})
	bl.open, bl.start, bl.entries, bl.count = nil, start, entries, n
}

// fingerIndex is the inverted index of a gallery's fingers. It is guarded
// by the gallery's lock.
type fingerIndex struct {
	blocks  []*ixBlock
	filling map[int8]*ixBlock // per finger position: its open block
	slots   []indexSlot
	dead    int // removed slots still listed in buckets
	scratch sync.Pool
}

// The index's parameters.
const (
	// ixBlockSlots is the most fingers a block holds (its slot field).
	ixBlockSlots = 1 << 20
	// ixMaxEntries is the most entries a sealed block holds.
	ixMaxEntries = 1 << 31
	// ixOpenBits is the buckets (log2) of an open block.
	ixOpenBits = 18
	// ixPairs is how many pairs of edges per finger the index files
	// and looks up (pairEdges), as 50 minutiae with their 6 nearest edges
	// have; ixMinEdges and ixMaxEdges bound the edges per minutia paired.
	ixPairs    = 50 * 6 * 5 / 2
	ixMinEdges = 4
	ixMaxEdges = 8
)

// pairEdges is how many of each minutia's nearest edges a finger of n
// minutiae pairs: the most (up to ixMaxEdges, at least ixMinEdges) that
// keep its pairs within ixPairs. A small capture shares fewer minutiae with
// its mate, and they need more ways to agree; a large one has them, and
// every finger then costs about the same to file and to look up, and
// agrees with an unrelated finger by chance about as often.
func pairEdges(n int) int {
	k := ixMaxEdges
	for k > ixMinEdges && n*k*(k-1)/2 > ixPairs {
		k--
	}
	return k
}

// ixOpenSlots fingers fill an open block (a variable for tests, which
// seal and merge small blocks).
var ixOpenSlots = 4096

func newFingerIndex() *fingerIndex {
	return &fingerIndex{filling: map[int8]*ixBlock{}}
}

// qlen is an edge length in index units (2 px, saturating at 63).
func qlen(px int) uint64 { return uint64(min(px>>1, 63)) }

// pairsOf calls fn with every pair entry of an enrolled finger (slot local
// to its block).
func pairsOf(p *packed, local uint32, fn func(ixEntry)) {
	kg := pairEdges(len(p.mins))
	for ci := range p.mins {
		es := p.edges[ci*screenNeighbours : ci*screenNeighbours+kg]
		for i := range es {
			if es[i].length == 0 {
				break
			}
			for j := i + 1; j < len(es) && es[j].length != 0; j++ {
				a, b := es[i], es[j]
				if uint8(a.ref-b.ref) >= 128 { // the pair's order (pairOrders)
					a, b = b, a
				}
				la, lb := qlen(int(a.length)), qlen(int(b.length))
				ra, rb, na, nb := uint64(a.ref>>2), uint64(b.ref>>2), uint64(a.nbr>>2), uint64(b.nbr>>2)
				v := la | lb<<6 | ra<<12 | rb<<18 | na<<24 | nb<<30
				fn(ixEntry(uint64(ci) | uint64(local)<<ixSlotShift | v<<ixFieldShift))
			}
		}
	}
}

// newSlot records a finger's slot, in the index and in its block.
func (x *fingerIndex) newSlot(s *subject, f enrolledFinger, bl *ixBlock) uint32 {
	slot := uint32(len(x.slots))
	n := len(f.p.mins)
	s.slots = append(s.slots, slot)
	x.slots = append(x.slots, indexSlot{s: s, position: int8(f.position), norm: float32(1 / math.Sqrt(float64(max(n, 1))))})
	local := uint32(len(bl.slots))
	bl.slots = append(bl.slots, slot)
	bl.first = append(bl.first, bl.minutiae)
	bl.minutiae += uint32(n)
	return local
}

// add files a subject's fingers in their positions' open blocks.
func (x *fingerIndex) add(s *subject) {
	for _, f := range s.fingers {
		bl := x.filling[int8(f.position)]
		if bl == nil {
			bl = &ixBlock{position: int8(f.position), bits: ixOpenBits, open: make([][]ixEntry, 1<<ixOpenBits)}
			x.blocks = append(x.blocks, bl)
			x.filling[int8(f.position)] = bl
		}
		local := x.newSlot(s, f, bl)
		pairsOf(f.p, local, func(e ixEntry) {
			b := bl.bucketOf(keyOf(e))
			bl.open[b] = append(bl.open[b], e)
			bl.count++
		})
		if len(bl.slots) >= ixOpenSlots {
			delete(x.filling, bl.position)
			sealBlock(bl, []*ixBlock{bl}, []uint32{0}, nil)
			x.merge(bl)
		}
	}
}

// merge merges a newly sealed block with the sealed blocks of its position
// before it while they are no larger (two of a size make one of twice the
// size).
func (x *fingerIndex) merge(bl *ixBlock) {
	for {
		at, prev := -1, (*ixBlock)(nil)
		for i, b := range x.blocks {
			if b == bl {
				break
			}
			if b.position == bl.position && b.open == nil {
				at, prev = i, b
			}
		}
		if prev == nil || len(prev.slots) > len(bl.slots) || len(prev.slots)+len(bl.slots) > ixBlockSlots ||
			prev.count+bl.count > ixMaxEntries {
			return
		}
		m := &ixBlock{position: bl.position}
		m.slots = append(append(m.slots, prev.slots...), bl.slots...)
		m.first = append(m.first, prev.first...)
		for _, f := range bl.first {
			m.first = append(m.first, f+prev.minutiae)
		}
		m.minutiae = prev.minutiae + bl.minutiae
		sealBlock(m, []*ixBlock{prev, bl}, []uint32{0, uint32(len(prev.slots))}, nil)
		x.blocks[at] = m
		for i, b := range x.blocks {
			if b == bl {
				x.blocks = append(x.blocks[:i], x.blocks[i+1:]...)
				break
			}
		}
		bl = m
	}
}

// addAll files many subjects at once, in sealed blocks of up to
// ixBlockSlots fingers per position: BuildIndex's way, which never holds
// lists per bucket.
func (x *fingerIndex) addAll(subs []*subject) {
	type member struct {
		p     *packed
		local uint32
	}
	byPos := map[int8][]*ixBlock{}
	var order []*ixBlock
	members := map[*ixBlock][]member{}
	for _, s := range subs {
		for _, f := range s.fingers {
			pos := int8(f.position)
			bls := byPos[pos]
			kg := pairEdges(len(f.p.mins))
			pairs := len(f.p.mins) * kg * (kg - 1) / 2
			if len(bls) == 0 || len(bls[len(bls)-1].slots) >= ixBlockSlots || bls[len(bls)-1].count+pairs > ixMaxEntries {
				bl := &ixBlock{position: pos}
				bls = append(bls, bl)
				byPos[pos] = bls
				order = append(order, bl)
			}
			bl := bls[len(bls)-1]
			bl.count += pairs
			members[bl] = append(members[bl], member{f.p, x.newSlot(s, f, bl)})
		}
	}
	for _, bl := range order {
		ms := members[bl]
		// Two passes over the fingers' pairs, each worker taking a run of
		// fingers: how many fall in each bucket, then where each goes (a
		// counting sort; computing the pairs again is cheaper than holding
		// them twice).
		workers := max(1, min(runtime.GOMAXPROCS(0), len(ms)/256))
		bl.bits = bucketBits(bl.count)
		nb := 1 << bl.bits
		counts := make([][]uint32, workers)
		run := func(fn func(w int, m member)) {
			var wg sync.WaitGroup
			for w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for _, m := range ms[w*len(ms)/workers : (w+1)*len(ms)/workers] {
						fn(w, m)
					}
				}()
			}
			wg.Wait()
		}
		run(func(w int, m member) {
			if counts[w] == nil {
				counts[w] = make([]uint32, nb)
			}
			c := counts[w]
			pairsOf(m.p, m.local, func(e ixEntry) { c[bl.bucketOf(keyOf(e))]++ })
		})
		// Worker w's entries of bucket b start after the bucket's entries
		// of the workers before it.
		start := make([]uint32, nb+1)
		n := uint32(0)
		for b := range nb {
			start[b] = n
			for w := range workers {
				if counts[w] != nil {
					c := counts[w][b]
					counts[w][b] = n
					n += c
				}
			}
		}
		start[nb] = n
		entries := make([]ixEntry, n)
		run(func(w int, m member) {
			c := counts[w]
			pairsOf(m.p, m.local, func(e ixEntry) {
				b := bl.bucketOf(keyOf(e))
				entries[c[b]] = e
				c[b]++
			})
		})
		bl.start, bl.entries, bl.count = start, entries, int(n)
		x.blocks = append(x.blocks, bl)
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

// purge drops the dead slots' entries from every block (the open blocks
// keep their lists).
func (x *fingerIndex) purge() {
	live := func(bl *ixBlock, e ixEntry) bool {
		return x.slots[bl.slots[uint64(e)>>ixSlotShift&ixSlotMask]].s != nil
	}
	for _, bl := range x.blocks {
		if bl.open != nil {
			bl.count = 0
			for b, es := range bl.open {
				kept := es[:0]
				for _, e := range es {
					if live(bl, e) {
						kept = append(kept, e)
					}
				}
				bl.open[b] = kept
				bl.count += len(kept)
			}
		} else {
			sealBlock(bl, []*ixBlock{bl}, []uint32{0}, live)
		}
	}
	x.dead = 0
}

// bytes is the memory the index holds: bucket lists or starts, entries,
// slots.
func (x *fingerIndex) bytes() int {
	n := len(x.slots) * 24
	for _, bl := range x.blocks {
		n += len(bl.open)*24 + len(bl.start)*4 + cap(bl.entries)*8 + cap(bl.slots)*4 + cap(bl.first)*4
		for _, es := range bl.open {
			n += cap(es) * 8
		}
	}
	return n
}

// look is one key a probe pair's tolerance reaches: the key (24 bits, and
// as an entry's key bits) and the pair it looks up for.
type look struct {
	key        uint32
	pair, twin int32 // twin: the pair in the other order, when looked up too (-1: not)
	bits       ixEntry
}

// pairRange is the fields an enrolled pair must have to agree with a
// probe pair, field f within lo[f] .. lo[f]+width[f] (modulo 64), in the
// form agrees tests six fields at once: the even fields' lows and widths,
// then the odd ones', each in its field's place.
type pairRange struct {
	loE, widthE, loO, widthO uint64
}

// The fields of an entry (shifted down by ixFieldShift), even and odd,
// and the bit just above each: a guard that absorbs a borrow.
const (
	fieldsEven = 0x3f | 0x3f<<12 | 0x3f<<24
	fieldsOdd  = fieldsEven << 6
	guardsEven = 1<<6 | 1<<18 | 1<<30
	guardsOdd  = guardsEven << 6
)

// agrees reports whether an entry's fields are all within a pair's ranges:
// per field, (field - lo) mod 64 ≤ width, computed for three fields at a
// time with a guard bit above each so that no borrow crosses into the
// next. It has one branch, where six comparisons would have six.
func agrees(e ixEntry, r *pairRange) bool {
	v := uint64(e) >> ixFieldShift
	dE := ((v & fieldsEven) | guardsEven) - r.loE
	dE &= fieldsEven
	dO := ((v & fieldsOdd) | guardsOdd) - r.loO
	dO &= fieldsOdd
	okE := ((r.widthE | guardsEven) - dE) & guardsEven
	okO := ((r.widthO | guardsOdd) - dO) & guardsOdd
	return okE|okO == guardsEven|guardsOdd
}

// probeLooks lists, per probe minutia, the keys its pairs' tolerances
// reach, with the ranges of the pairs. An enrolled field agrees when the
// middle of its quantum is within the root tolerance of the probe's value.
func probeLooks(f *Form) ([][]look, []pairRange) {
	out := make([][]look, len(f.pts))
	var ranges []pairRange
	var lo, hi [6]int
	var bins [6][]uint32
	// emit files the looks of probe minutia a's pair (A, B) in that order;
	// twin is the range of the same pair in the other order when that is
	// looked up too (-1: not), so that an entry both orders agree with is
	// counted once.
	emit := func(a int, A, B edge, twin int32) int32 {
		for k, l := range []uint16{A.length, B.length} {
			// An enrolled length q is 2q or 2q+1 whole px, so [2q-0.5,
			// 2q+1.5) px, whose middle, 4q+1 half pixels, must be within
			// the root tolerance of the probe's length; q saturates at 63.
			p2 := int(l) * 2 / lenUnit
			const tol2 = 2 * rootTolLen / lenUnit
			lo[k], hi[k] = min(max(p2-tol2+2, 0)/4, 63), min((p2+tol2-1)/4, 63)
		}
		for k, d := range []uint8{A.ref, B.ref, A.nbr, B.nbr} {
			// An enrolled direction q is 4q to 4q+3, whose middle, 4q+1.5,
			// must be within rootTolAngle of d: q from ⌈(d-11.5)/4⌉ to
			// ⌊(d+8.5)/4⌋, modulo 64.
			lo[2+k] = int(uint8(d-rootTolAngle+2)) >> 2
			hi[2+k] = int(uint8(d+rootTolAngle-2)) >> 2
		}
		var r pairRange
		for k := range 6 {
			w := uint64((hi[k] - lo[k]) & 63)
			sh := uint(6 * k)
			if k%2 == 0 {
				r.loE |= uint64(lo[k]) << sh
				r.widthE |= w << sh
			} else {
				r.loO |= uint64(lo[k]) << sh
				r.widthO |= w << sh
			}
			bins[k] = bins[k][:0]
			for b := lo[k] >> 2; ; b = (b + 1) & 15 {
				bins[k] = append(bins[k], uint32(b))
				if b == hi[k]>>2 {
					break
				}
			}
		}
		// Field order in a key: the lengths, the refs, the nbrs.
		p := int32(len(ranges))
		ranges = append(ranges, r)
		for _, b0 := range bins[0] {
			for _, b1 := range bins[1] {
				for _, b2 := range bins[2] {
					for _, b3 := range bins[3] {
						for _, b4 := range bins[4] {
							for _, b5 := range bins[5] {
								key := b0 | b1<<4 | b2<<8 | b3<<12 | b4<<16 | b5<<20
								out[a] = append(out[a], look{key: key, bits: keyBits(key), pair: p, twin: twin})
							}
						}
					}
				}
			}
		}
		return p
	}
	kp := pairEdges(len(f.pts))
	for a := range f.pts {
		es := f.edges[f.nbStart[a]:f.nbStart[a+1]]
		es = es[:min(len(es), kp)]
		for i := range es {
			for j := i + 1; j < len(es); j++ {
				twin := int32(-1)
				if pairOrders(es[i].ref, es[j].ref) {
					twin = emit(a, es[i], es[j], -1)
				}
				if pairOrders(es[j].ref, es[i].ref) {
					emit(a, es[j], es[i], twin)
				}
			}
		}
	}
	return out, ranges
}

// pairOrders reports whether a probe pair of edges with these ref
// directions, in this order, may be an enrolled pair. An enrolled pair is
// filed in one order, the one that turns less than half a turn from its
// first edge's ref to its second's (pairsOf), so that each pair is filed
// and looked up once; a probe pair whose turn is within the tolerance of
// the two refs (24/256: 12 each, rootTolAngle and the quantum) of either
// bound is looked up in both orders.
func pairOrders(refA, refB uint8) bool {
	const tol = 2 * (rootTolAngle + 2)
	return uint8(refA-refB+tol) < 128+2*tol
}

// keyBits places a 24-bit key in an entry's key bits.
func keyBits(key uint32) ixEntry {
	v := uint64(0)
	for f := 0; f < 6; f++ {
		v |= uint64(key>>(4*f)&15) << (6*f + 2)
	}
	return ixEntry(v << ixFieldShift)
}

// ixStripeSlots is how many of a block's slots one stripe of counters
// holds: a probe minutia's agreements are first sorted into stripes, then
// counted a stripe at a time, so that the counters stay in the core's
// cache however large the block.
const (
	ixStripeShift = 13
	ixStripeSlots = 1 << ixStripeShift
	// ixRecProbeShift places the probe minutia in an agreement's record,
	// above the slot in the stripe and the origin minutia.
	ixRecProbeShift = ixSlotShift + ixStripeShift
)

// voteScratch is one worker's counters for vote, kept between searches.
type voteScratch struct {
	count    []uint8    // per minutia of a stripe: probe pairs it matched
	best     []uint8    // per slot of a stripe: its best minutia's count
	recs     [][]uint32 // per stripe: agreements (probe minutia, slot in the stripe, origin)
	touchedM []uint32
	touchedS []uint32
	part     []float32
}

// vote scores every slot against a probe finger of a position (0:
// unknown): for each probe minutia, the count of the slot's best matching
// minutia, summed, times the slot's norm; slots of another known position
// score 0. Workers take one block at a time, and in a gallery of few
// blocks a share of the probe's minutiae of one.
func (x *fingerIndex) vote(f *Form, position int, workers int) []float32 {
	looks, ranges := probeLooks(f)
	var blocks []*ixBlock
	for _, bl := range x.blocks {
		if len(bl.slots) > 0 && (position == 0 || bl.position == 0 || int(bl.position) == position) {
			blocks = append(blocks, bl)
		}
	}
	score := make([]float32, len(x.slots))
	parts := max(1, min(len(looks), (2*workers+len(blocks)-1)/max(len(blocks), 1)))
	var mu sync.Mutex
	var next atomic.Int32
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc, _ := x.scratch.Get().(*voteScratch)
			if sc == nil {
				sc = &voteScratch{best: make([]uint8, ixStripeSlots)}
			}
			defer x.scratch.Put(sc)
			var mine [][]look
			for {
				item := int(next.Add(1)) - 1
				bi, pi := item/parts, item%parts
				if bi >= len(blocks) {
					return
				}
				bl := blocks[bi]
				mine = mine[:0]
				for i := pi; i < len(looks); i += parts {
					mine = append(mine, looks[i])
				}
				if cap(sc.part) < len(bl.slots) {
					sc.part = make([]float32, len(bl.slots))
				}
				part := sc.part[:len(bl.slots)]
				clear(part)
				voteBlock(bl, mine, ranges, sc, part)
				// Counts are whole numbers, so their sum does not depend on
				// the order the parts end in; the norm is applied once.
				mu.Lock()
				for i, v := range part {
					if v != 0 {
						score[bl.slots[i]] += v
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for i, v := range score {
		if v != 0 {
			score[i] = v * x.slots[i].norm
		}
	}
	return score
}

// voteBlock adds one block's standings to score (its slots'). The
// agreements of all the probe minutiae are first filed by stripe (a
// record: the probe minutia, the slot in the stripe, the origin minutia),
// then each stripe is counted on its own, probe minutia by probe minutia,
// so that its slots' counters and standings stay in the core's cache.
func voteBlock(bl *ixBlock, looks [][]look, ranges []pairRange, sc *voteScratch, score []float32) {
	first := bl.first
	stripes := (len(bl.slots) + ixStripeSlots - 1) >> ixStripeShift
	for len(sc.recs) < stripes {
		sc.recs = append(sc.recs, nil)
	}
	recs := sc.recs[:stripes]
	for a, ls := range looks { // a < MaxMinutiae: 8 bits
		tag := uint32(a) << ixRecProbeShift
		for _, l := range ls {
			r := &ranges[l.pair]
			for _, e := range bl.bucket(bl.bucketOf(l.key)) {
				if e&ixKeyMask != l.bits || !agrees(e, r) || l.twin >= 0 && agrees(e, &ranges[l.twin]) {
					continue
				}
				rec := uint32(uint64(e)) & (ixSlotMask<<ixSlotShift | 0xff)
				st := rec >> (ixSlotShift + ixStripeShift)
				recs[st] = append(recs[st], tag|rec&(ixStripeSlots<<ixSlotShift-1))
			}
		}
	}
	for st, rs := range recs {
		if len(rs) == 0 {
			continue
		}
		lo := st << ixStripeShift
		hi := min(lo+ixStripeSlots, len(first))
		base, end := first[lo], bl.minutiae
		if hi < len(first) {
			end = first[hi]
		}
		if len(sc.count) < int(end-base) {
			sc.count = make([]uint8, end-base)
		}
		count, best, firsts, part := sc.count, sc.best, first[lo:hi], score[lo:hi]
		flush := func() {
			for _, s := range sc.touchedS {
				part[s] += float32(best[s])
				best[s] = 0
			}
			for _, m := range sc.touchedM {
				count[m] = 0
			}
			sc.touchedS, sc.touchedM = sc.touchedS[:0], sc.touchedM[:0]
		}
		probe := rs[0] >> ixRecProbeShift
		for _, rc := range rs {
			if rc>>ixRecProbeShift != probe {
				flush()
				probe = rc >> ixRecProbeShift
			}
			ls := rc >> ixSlotShift & (ixStripeSlots - 1)
			m := firsts[ls] - base + rc&0xff
			c := count[m]
			if c == 255 {
				continue
			}
			c++
			count[m] = c
			if c == 1 {
				sc.touchedM = append(sc.touchedM, m)
			}
			if c > best[ls] {
				if best[ls] == 0 {
					sc.touchedS = append(sc.touchedS, ls)
				}
				best[ls] = c
			}
		}
		flush()
		recs[st] = rs[:0]
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
