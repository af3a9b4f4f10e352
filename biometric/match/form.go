package match

import (
	"math"

	"github.com/enlace-desk/enlace/biometric"
)

// MaxMinutiae is the most minutiae a form keeps: ISO/IEC 19794-2 and
// ANSI INCITS 378 count them in one byte. Templates with more (ANSI/NIST
// Type-9 records allow it) keep the MaxMinutiae of best quality.
const MaxMinutiae = 255

const (
	tableNeighbours = 9   // edges kept per minutia in its edge table
	minEdgeLength   = 6.0 // px; shorter edges carry no direction
)

// point is one minutia of a form: position with Y pointing up (so that
// angles measured counter-clockwise are consistent with atan2) and the
// direction in 1/256 turns.
type point struct {
	x, y float32
	dir  uint8
	typ  uint8
}

// edge is a directed edge from a minutia to one of its neighbours, described
// by its rotation- and translation-invariant shape.
// Lengths are in 1/16 px (lenUnit) so that the hot loops work on integers.
type edge struct {
	length uint16 // 1/16 px
	key    uint16 // probe hash bucket of the edge shape (bucketOf)
	nb     uint8  // neighbour index
	ref    uint8  // direction of the origin minutia relative to the edge
	nbr    uint8  // direction of the neighbour relative to the edge
	dir    uint8  // absolute direction of the edge, 1/256 turns
}

// lenUnit is the number of edge length units in a pixel.
const lenUnit = 16

// quantLen converts a length in pixels to edge length units, saturating.
func quantLen(d float32) uint16 {
	q := d*lenUnit + 0.5
	if q >= 65535 {
		return 65535
	}
	return uint16(q)
}

// Form is the compact comparison form of one template, computed once by
// Prepare and read-only afterwards: it may be shared between goroutines.
type Form struct {
	pts     []point
	orig    []uint16 // index in the source template of each point
	nbStart []uint16 // edges of point i are edges[nbStart[i]:nbStart[i+1]]
	edges   []edge
}

// Len is the number of minutiae the form holds.
func (f *Form) Len() int {
	if f == nil {
		return 0
	}
	return len(f.pts)
}

// Bytes is the memory the form holds, for capacity planning.
func (f *Form) Bytes() int {
	if f == nil {
		return 0
	}
	return int(sizeofForm) + cap(f.pts)*8 + cap(f.orig)*2 + cap(f.nbStart)*2 + cap(f.edges)*8
}

const sizeofForm = 24 * 5

// toTurn converts degrees to 1/256 turns, rounding; any finite or infinite
// input gives a valid angle.
func toTurn(deg float64) uint8 {
	if math.IsNaN(deg) || math.IsInf(deg, 0) {
		return 0
	}
	d := math.Mod(deg, 360)
	if d < 0 {
		d += 360
	}
	return uint8(int(math.Round(d*256/360)) & 255)
}

// atanTurn is the direction of (dx, dy) in 1/256 turns.
func atanTurn(dx, dy float32) uint8 {
	a := math.Atan2(float64(dy), float64(dx))
	return uint8(int(math.Round(a*128/math.Pi)) & 255)
}

// Prepare computes the comparison form of a template. It accepts any
// template (no minutiae, coordinates out of the image, repeated points).
func Prepare(t *biometric.Template) *Form {
	return packMinutiae(t).form()
}

func (f *Form) buildEdges() {
	n := len(f.pts)
	f.nbStart = make([]uint16, n+1)
	f.edges = make([]edge, 0, n*min(tableNeighbours, n))
	type cand struct {
		j int
		d float32
	}
	// Keep only the nearest tableNeighbours, in (distance, index) order, by
	// insertion: cheaper than sorting every distance of a minutia.
	less := func(p, q cand) bool { return p.d < q.d || p.d == q.d && p.j < q.j }
	cands := make([]cand, 0, tableNeighbours+1)
	for i := range f.pts {
		a := f.pts[i]
		cands = cands[:0]
		for j := range f.pts {
			if j == i {
				continue
			}
			b := f.pts[j]
			dx, dy := b.x-a.x, b.y-a.y
			d := float32(math.Sqrt(float64(dx*dx + dy*dy)))
			if d < minEdgeLength {
				continue
			}
			c := cand{j, d}
			if len(cands) == tableNeighbours && !less(c, cands[len(cands)-1]) {
				continue
			}
			k := len(cands)
			if k < tableNeighbours {
				cands = append(cands, c)
			} else {
				k--
			}
			for ; k > 0 && less(c, cands[k-1]); k-- {
				cands[k] = cands[k-1]
			}
			cands[k] = c
		}
		for _, c := range cands {
			f.edges = append(f.edges, makeEdge(a, f.pts[c.j], c.d, c.j))
		}
		f.nbStart[i+1] = uint16(len(f.edges))
	}
}

func makeEdge(a, b point, d float32, j int) edge {
	ed := atanTurn(b.x-a.x, b.y-a.y)
	e := edge{length: quantLen(d), nb: uint8(j), ref: a.dir - ed, nbr: b.dir - ed, dir: ed}
	e.key = uint16(bucketOf(lenBin(e.length), e.ref, e.nbr))
	return e
}
