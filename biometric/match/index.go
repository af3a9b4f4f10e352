package match

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"runtime"
	"sort"
	"sync"
)

// The index of a large gallery: locality-sensitive hashing of Minutia
// Cylinder-Code bit vectors into an inverted index (after Cappelli,
// Ferrara, Maltoni, "Fingerprint indexing based on Minutia Cylinder-Code",
// IEEE TPAMI 33(5), 2011). Each of lshTables hash functions samples lshBits
// fixed bits of a cylinder; the sampled bits are the bucket, and the bucket
// lists the enrolled fingers that have a cylinder there. Two cylinders of
// the same minutia in two impressions agree on most bits, so they share
// many of the buckets; unrelated cylinders rarely do. A probe finger looks
// each of its cylinders up in every table, and every enrolled finger
// scores the buckets it shares with it, a rare bucket more than a common
// one (vote, indexScore): the subjects that score highest are the
// candidates passed on to the matcher (indexCandidates).
const (
	lshTables = 16
	lshBits   = 14
	// A key with fewer set bits comes from the sparse part of a cylinder
	// that most fingers share: it is neither filed nor looked up.
	lshMinOnes = 2
	// lshProbeFlips is how many single-bit variants of each key a probe
	// also looks up (hashCylinders).
	lshProbeFlips = 2
	// lshSeed fixes the bits each hash function samples: the gallery's
	// index and every probe must use the same.
	lshSeed = 0x6d6363
)

// lshSample[t] are the bits hash function t samples.
var lshSample = func() (s [lshTables][lshBits]uint16) {
	rng := rand.New(rand.NewPCG(lshSeed, lshSeed))
	for t := range s {
		perm := rng.Perm(cylBits)
		for i := range s[t] {
			s[t][i] = uint16(perm[i])
		}
	}
	return s
}()

// lshKeys are a finger's buckets, per table (sorted, without repeats):
// what the index files it under and what a probe looks up.
type lshKeys [lshTables][]uint32

// hashCylinders computes the buckets of a form's cylinders, and how many
// cylinders it kept. A probe (flips > 0) also looks up, in each table,
// the buckets its key reaches when one of its flips least certain bits
// reads the other way (multi-probe LSH: Lv et al., VLDB 2007): a mate's
// cylinder that differs in one sampled bit is still found.
func hashCylinders(f *Form, flips int) (lshKeys, int) {
	var keys lshKeys
	cys, margins := cylinders(f, flips > 0)
	for t := range keys {
		ks := make([]uint32, 0, len(cys)*(1+flips))
		for i := range cys {
			var k uint32
			for j, b := range lshSample[t] {
				k |= uint32(cys[i].bit(int(b))) << j
			}
			if bits.OnesCount32(k) >= lshMinOnes {
				ks = append(ks, k)
			}
			if flips == 0 {
				continue
			}
			// The flips sampled bits of smallest margin, one at a time.
			var order [lshBits]int
			for j := range order {
				order[j] = j
			}
			mg := margins[i]
			sort.Slice(order[:], func(a, b int) bool { return mg[lshSample[t][order[a]]] < mg[lshSample[t][order[b]]] })
			for _, j := range order[:flips] {
				if kf := k ^ 1<<j; bits.OnesCount32(kf) >= lshMinOnes {
					ks = append(ks, kf)
				}
			}
		}
		sort.Slice(ks, func(a, b int) bool { return ks[a] < ks[b] })
		keys[t] = dedup(ks)
	}
	return keys, len(cys)
}

func dedup(ks []uint32) []uint32 {
	out := ks[:0]
	for i, k := range ks {
		if i == 0 || k != ks[i-1] {
			out = append(out, k)
		}
	}
	return out
}

// indexSlot is one enrolled finger of the index.
type indexSlot struct {
	s        *subject // nil once removed
	position int8
	keys     uint16 // buckets filed, all tables
}

// fingerIndex is the inverted index of a gallery's fingers. It is guarded
// by the gallery's lock.
type fingerIndex struct {
	buckets [lshTables][][]uint32 // table, bucket: slots
	slots   []indexSlot
	dead    int // removed slots still listed in buckets
	entries int // bucket entries, all tables
}

func newFingerIndex() *fingerIndex {
	x := &fingerIndex{}
	for t := range x.buckets {
		x.buckets[t] = make([][]uint32, 1<<lshBits)
	}
	return x
}

// add files a subject's fingers (their keys in the order of s.fingers)
// and returns their slots.
func (x *fingerIndex) add(s *subject, keys []lshKeys) {
	for i, f := range s.fingers {
		slot := uint32(len(x.slots))
		n := 0
		for t := range keys[i] {
			for _, k := range keys[i][t] {
				x.buckets[t][k] = append(x.buckets[t][k], slot)
			}
			n += len(keys[i][t])
		}
		x.entries += n
		x.slots = append(x.slots, indexSlot{s: s, position: int8(f.position), keys: uint16(min(n, math.MaxUint16))})
		s.slots = append(s.slots, slot)
	}
}

// addAll files many subjects at once (keys[i] are subject i's), sizing
// every bucket exactly rather than growing it.
func (x *fingerIndex) addAll(subs []*subject, keys [][]lshKeys) {
	for t := range x.buckets {
		counts := make([]int32, len(x.buckets[t]))
		for _, ks := range keys {
			for f := range ks {
				for _, k := range ks[f][t] {
					counts[k]++
				}
			}
		}
		for k, n := range counts {
			if n > 0 {
				b := make([]uint32, len(x.buckets[t][k]), len(x.buckets[t][k])+int(n))
				copy(b, x.buckets[t][k])
				x.buckets[t][k] = b
			}
		}
	}
	for i, s := range subs {
		x.add(s, keys[i])
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

// purge drops the dead slots from every bucket.
func (x *fingerIndex) purge() {
	x.entries = 0
	for t := range x.buckets {
		for k, b := range x.buckets[t] {
			out := b[:0]
			for _, slot := range b {
				if x.slots[slot].s != nil {
					out = append(out, slot)
				}
			}
			if len(out) == 0 {
				out = nil
			}
			x.buckets[t][k] = out
			x.entries += len(out)
		}
	}
	x.dead = 0
}

// bytes is the memory the index holds: bucket headers, entries, slots.
func (x *fingerIndex) bytes() int {
	n := len(x.slots) * 16
	for t := range x.buckets {
		n += len(x.buckets[t]) * 24
		for _, b := range x.buckets[t] {
			n += cap(b) * 4
		}
	}
	return n
}

// vote scores, for every slot, the buckets it shares with a probe finger's
// keys, split over workers by table. A shared bucket counts by how rare it
// is: the log of the slots over the bucket's entries (a bucket most
// fingers share says little).
func (x *fingerIndex) vote(keys *lshKeys, workers int) []float32 {
	n := len(x.slots)
	parts := make([][]float32, workers)
	var wg sync.WaitGroup
	for w := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := make([]float32, n)
			for t := w; t < lshTables; t += workers {
				for _, k := range keys[t] {
					b := x.buckets[t][k]
					if len(b) == 0 {
						continue
					}
					wt := float32(math.Log(float64(n) / float64(len(b))))
					if wt <= 0 {
						continue
					}
					for _, slot := range b {
						v[slot] += wt
					}
				}
			}
			parts[w] = v
		}()
	}
	wg.Wait()
	v := parts[0]
	for _, p := range parts[1:] {
		for i, c := range p {
			v[i] += c
		}
	}
	return v
}

// When the index is used, and how much of the gallery it passes on.
const (
	// IndexMinFingers is the gallery size (enrolled fingers) from which a
	// search goes through the index by default. The index is much faster
	// from 100,000 fingers (0.10 against 1.46 s), but on real captures it
	// loses mates an exhaustive search ranks first (FVC2002: rank-1 0.932
	// against 0.975), and a missed hit costs an officer more than a wait:
	// so the desk searches exhaustively until a search would take over
	// about ten seconds on two cores (one finger against 1,000,000: 10.7 s
	// exhaustive, 0.75 s indexed; see doc.go, "The index").
	IndexMinFingers = 1_000_000
	// IndexPenetration is the share of the gallery's subjects the index
	// passes on to the matcher, but never fewer than indexMinCandidates.
	IndexPenetration   = 0.05
	indexMinCandidates = 2000
	// indexMinCylinders is the fewest cylinders a probe finger must keep
	// for the index to rank the gallery by it; with fewer the search runs
	// exhaustively and says why.
	indexMinCylinders = 6
)

// indexScore is a finger's standing for one probe finger: the buckets it
// shares, over the square root of the buckets it is filed under, so that
// a finger with many minutiae does not stand high by chance alone.
func indexScore(votes float32, keys uint16) float32 {
	return votes / float32(math.Sqrt(float64(max(keys, 1))))
}

// indexShortlist is how many of a gallery's n subjects the index passes
// on to the matcher.
func indexShortlist(n int) int {
	return max(indexMinCandidates, int(math.Ceil(IndexPenetration*float64(n))))
}

// indexCandidates ranks the gallery's subjects through the index and
// returns the k it ranks highest, in gallery order, or why the index
// cannot rank them for this probe. The gallery's lock is held (for
// reading).
func (g *Gallery) indexCandidates(pfs []probeFinger, k int) ([]*subject, string) {
	x := g.index
	keys := make([]lshKeys, len(pfs))
	for i, pf := range pfs {
		var ncyl int
		keys[i], ncyl = hashCylinders(pf.form, lshProbeFlips)
		if ncyl < indexMinCylinders {
			return nil, fmt.Sprintf("probe finger %d: only %d of its %d minutiae have enough neighbours for the index (it needs %d), so every subject was searched",
				pf.position, ncyl, pf.form.Len(), indexMinCylinders)
		}
	}
	workers := runtime.GOMAXPROCS(0)
	votes := make([][]float32, len(pfs))
	for i := range pfs {
		votes[i] = x.vote(&keys[i], workers)
	}
	// A subject's standing: for each probe finger its best finger at that
	// position, summed. A subject's slots are consecutive.
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
					sl := &x.slots[k]
					if pf.position == 0 || int(sl.position) == pf.position {
						best = max(best, indexScore(votes[pi][k], sl.keys))
					}
				}
				sum += best
			}
			subs = append(subs, s)
			scores = append(scores, sum)
		}
		i = j
	}
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
