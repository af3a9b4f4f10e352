package match

import (
	"math"
	"sort"

	"github.com/enlace-desk/enlace/biometric"
)

// screenNeighbours is how many of each enrolled minutia's nearest
// neighbours the screen compares (the full comparison uses
// tableNeighbours): the gallery keeps only these edges.
const screenNeighbours = 8

// minutia is a template minutia as the gallery keeps it: position in pixels
// (Y down, as in the template), direction in 1/256 turns and type.
type minutia struct {
	x, y int16
	dir  uint8
	typ  uint8
}

// sedge is an edge of the screen: length in whole pixels (saturating at
// 255), the neighbour and the two relative directions (1/256 turns). A zero
// length marks an unused slot.
type sedge struct {
	length, nb, ref, nbr uint8
}

// packed is one enrolled finger as the gallery keeps it: its minutiae and,
// for each, the screenNeighbours nearest edges (fixed slots, unused ones
// zero). The full comparison form is rebuilt from the minutiae (form) for
// the shortlist only, so a gallery holds about a third of the memory of
// full forms.
type packed struct {
	mins  []minutia
	orig  []uint16 // index in the source template of each minutia; nil when in order
	edges []sedge  // screenNeighbours slots per minutia
}

// selectMinutiae picks the minutiae a form keeps: all of them, or the
// MaxMinutiae of best quality in template order. It returns their indexes,
// nil when every minutia is kept in order.
func selectMinutiae(t *biometric.Template) []int {
	if len(t.Minutiae) <= MaxMinutiae {
		return nil
	}
	idx := make([]int, len(t.Minutiae))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		return t.Minutiae[idx[a]].Quality > t.Minutiae[idx[b]].Quality
	})
	idx = idx[:MaxMinutiae]
	sort.Ints(idx)
	return idx
}

// clamp16 keeps a coordinate in the range a form holds.
func clamp16(v int) int16 {
	return int16(min(max(v, math.MinInt16), math.MaxInt16))
}

// packMinutiae keeps the minutiae of a template (no edges yet).
func packMinutiae(t *biometric.Template) *packed {
	p := &packed{}
	if t == nil || len(t.Minutiae) == 0 {
		return p
	}
	idx := selectMinutiae(t)
	n := len(t.Minutiae)
	if idx != nil {
		n = len(idx)
		p.orig = make([]uint16, n)
	}
	p.mins = make([]minutia, n)
	for i := range p.mins {
		j := i
		if idx != nil {
			j = idx[i]
			p.orig[i] = uint16(j)
		}
		m := t.Minutiae[j]
		p.mins[i] = minutia{x: clamp16(m.X), y: clamp16(m.Y), dir: toTurn(m.Angle), typ: uint8(m.Type)}
	}
	return p
}

// pack makes the gallery's form of a template: its minutiae and their
// screen edges.
func pack(t *biometric.Template) *packed {
	p := packMinutiae(t)
	n := len(p.mins)
	if n == 0 {
		return p
	}
	f := p.form()
	p.edges = make([]sedge, n*screenNeighbours)
	for i := 0; i < n; i++ {
		row := p.edges[i*screenNeighbours : (i+1)*screenNeighbours]
		for k, e := range f.edges[f.nbStart[i]:f.nbStart[i+1]] {
			if k == screenNeighbours {
				break
			}
			row[k] = sedge{length: uint8(min((int(e.length)+lenUnit/2)/lenUnit, 255)), nb: e.nb, ref: e.ref, nbr: e.nbr}
		}
	}
	return p
}

// form rebuilds the full comparison form, exactly as Prepare makes it from
// the template.
func (p *packed) form() *Form {
	f := &Form{pts: make([]point, len(p.mins)), orig: make([]uint16, len(p.mins))}
	for i, m := range p.mins {
		f.pts[i] = point{x: float32(m.x), y: -float32(m.y), dir: m.dir, typ: m.typ}
		f.orig[i] = uint16(i)
		if p.orig != nil {
			f.orig[i] = p.orig[i]
		}
	}
	if len(f.pts) > 0 {
		f.buildEdges()
	}
	return f
}

// Len is the number of minutiae kept.
func (p *packed) Len() int { return len(p.mins) }

// Bytes is the memory the packed form holds.
func (p *packed) Bytes() int {
	return sizeofPacked + cap(p.mins)*6 + cap(p.orig)*2 + cap(p.edges)*4
}

const sizeofPacked = 24 * 3

// edgesOf decodes the screen edges of minutia i into buf, lengths in edge
// length units.
func (p *packed) edgesOf(i int, buf *[tableNeighbours]edge) []edge {
	row := (*[screenNeighbours]sedge)(p.edges[i*screenNeighbours:])
	n := 0
	for ; n < screenNeighbours; n++ {
		s := row[n]
		if s.length == 0 {
			break
		}
		buf[n] = edge{length: uint16(s.length) * lenUnit, nb: s.nb, ref: s.ref, nbr: s.nbr}
	}
	return buf[:n]
}
