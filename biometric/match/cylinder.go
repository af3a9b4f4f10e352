package match

import (
	"math"
	"math/bits"
	"sort"
)

// Minutia Cylinder-Code (Cappelli, Ferrara, Maltoni, "Minutia Cylinder-Code:
// a new representation and matching technique for fingerprint
// recognition", IEEE TPAMI 32(12), 2010), in its bit form: each minutia's
// neighbourhood as a fixed-length bit vector that does not depend on the
// finger's placement. The index (index.go) hashes these vectors.
//
// A cylinder is cylNS × cylNS cells of cylCell px around the minutia,
// turned with its direction, each cell split into cylND direction cells.
// A bit is set when the neighbours near the cell (a Gaussian of the
// distance, σ cylSigmaS) whose direction relative to the minutia falls in
// the cell's range (a Gaussian of the difference, σ cylSigmaD) add up to
// at least cylMu. Only the cells within cylRadius of the minutia count
// (cylCells of them), and only those inside the fingerprint's area (the
// convex hull of its minutiae widened by cylHullMargin): a bit outside it is
// zero, not evidence of no minutia.
const (
	cylRadius     = 70.0
	cylNS         = 8
	cylND         = 5
	cylCell       = 2 * cylRadius / cylNS
	cylSigmaS     = 28.0 / 3
	cylSigmaD     = 2 * math.Pi / 9
	cylHullMargin = 50.0
	// cylMu is the contribution that sets a bit. MCC's 0.01 leaves a
	// cylinder of these templates with a few bits set; at 0.002 each
	// neighbour sets the bits of the cells within about 20 px, so a
	// cylinder holds 15–40 set bits and tolerates the distortion between
	// impressions (tuned on synthetic galleries, seed A: doc.go).
	cylMu = 0.002
	// A cylinder is kept when at least this share of its cells lies
	// inside the fingerprint's area and at least cylMinNeighbours minutiae
	// lie within its reach: a minutia at the edge of the print, or alone,
	// says little about its neighbourhood.
	cylMinValid      = 0.75
	cylMinNeighbours = 4
)

// cylWords is the size of a cylinder's bit vector in 64-bit words.
const cylWords = (cylNS*cylNS*cylND + 63) / 64

// cylinder is one minutia's cylinder: bit c*cylND+k is cell c, direction k.
type cylinder [cylWords]uint64

func (c *cylinder) bit(i int) uint64 { return c[i>>6] >> (i & 63) & 1 }

// cylGeom is the fixed geometry of a cylinder: the offset of each cell
// kept (within cylRadius) from the minutia, in the minutia's frame.
var cylGeom = func() (g []cylCellGeom) {
	for i := 0; i < cylNS; i++ {
		for j := 0; j < cylNS; j++ {
			a := cylCell * (float64(i) - float64(cylNS-1)/2)
			b := cylCell * (float64(j) - float64(cylNS-1)/2)
			if a*a+b*b <= cylRadius*cylRadius {
				g = append(g, cylCellGeom{float32(a), float32(b), i*cylNS + j})
			}
		}
	}
	return g
}()

// cylCellGeom is a cell's centre in the minutia's frame (a along its
// direction) and its index in the full cylNS × cylNS grid.
type cylCellGeom struct {
	a, b float32
	grid int
}

// cylBits is the number of bits a cylinder uses.
var cylBits = len(cylGeom) * cylND

// cylGd[rel][k] is the directional contribution of a neighbour whose
// direction differs from the minutia's by rel (1/256 turns) to direction
// cell k: the Gaussian of σ cylSigmaD integrated over the cell.
var cylGd = func() (t [256][cylND]float32) {
	dd := 2 * math.Pi / cylND
	for rel := 0; rel < 256; rel++ {
		r := float64(int8(uint8(rel))) * math.Pi / 128
		for k := 0; k < cylND; k++ {
			c := -math.Pi + (float64(k)+0.5)*dd
			d := math.Remainder(c-r, 2*math.Pi)
			s := cylSigmaD * math.Sqrt2
			t[rel][k] = float32(0.5 * (math.Erf((d+dd/2)/s) - math.Erf((d-dd/2)/s)))
		}
	}
	return t
}()

// cylGs[d²] is the spatial contribution of a neighbour at squared
// distance d² px² (whole) from a cell's centre, up to (3σ)².
var cylGs = func() []float32 {
	n := int(9*cylSigmaS*cylSigmaS) + 1
	t := make([]float32, n)
	for d2 := range t {
		t[d2] = float32(math.Exp(-float64(d2)/(2*cylSigmaS*cylSigmaS)) / (cylSigmaS * math.Sqrt(2*math.Pi)))
	}
	return t
}()

// cylinders computes the kept cylinders of a form's minutiae. With
// margins it also returns, for each cylinder, how far each bit's sum lies
// from cylMu (the absolute log of their ratio): the bits with the smallest
// margins are the likeliest to read the other way in another impression.
func cylinders(f *Form, margins bool) ([]cylinder, [][]float32) {
	n := len(f.pts)
	if n < 2 {
		return nil, nil
	}
	var ms [][]float32
	hull := convexHull(f.pts)
	var out []cylinder
	reach := float32(cylRadius + 3*cylSigmaS)
	reach2 := reach * reach
	gsMax := float32(len(cylGs) - 1)
	nbs := make([]int, 0, 32)
	valid := make([]bool, len(cylGeom))
	for i, m := range f.pts {
		nbs = nbs[:0]
		for j, t := range f.pts {
			if j == i {
				continue
			}
			dx, dy := t.x-m.x, t.y-m.y
			if dx*dx+dy*dy <= reach2 {
				nbs = append(nbs, j)
			}
		}
		if len(nbs) < cylMinNeighbours {
			continue
		}
		th := float64(m.dir) * math.Pi / 128
		cos, sin := float32(math.Cos(th)), float32(math.Sin(th))
		nvalid := 0
		for c, g := range cylGeom {
			x := m.x + g.a*cos - g.b*sin
			y := m.y + g.a*sin + g.b*cos
			valid[c] = hull.near(x, y, cylHullMargin)
			if valid[c] {
				nvalid++
			}
		}
		if float64(nvalid) < cylMinValid*float64(len(cylGeom)) {
			continue
		}
		// Each neighbour adds to the cells within 3σ of it: in the
		// minutia's frame the cells are a fixed grid.
		var acc [cylNS * cylNS][cylND]float32
		const half = float32(cylNS-1) / 2
		for _, j := range nbs {
			t := f.pts[j]
			dx, dy := t.x-m.x, t.y-m.y
			u := dx*cos + dy*sin
			v := -dx*sin + dy*cos
			gd := &cylGd[t.dir-m.dir]
			const reachCells = float32(3*cylSigmaS) / cylCell
			i0 := max(0, int(math.Ceil(float64(u/cylCell+half-reachCells))))
			i1 := min(cylNS-1, int(math.Floor(float64(u/cylCell+half+reachCells))))
			j0 := max(0, int(math.Ceil(float64(v/cylCell+half-reachCells))))
			j1 := min(cylNS-1, int(math.Floor(float64(v/cylCell+half+reachCells))))
			for ii := i0; ii <= i1; ii++ {
				du := u - cylCell*(float32(ii)-half)
				for jj := j0; jj <= j1; jj++ {
					dv := v - cylCell*(float32(jj)-half)
					d2 := du*du + dv*dv
					if d2 > gsMax {
						continue
					}
					s := cylGs[int(d2)]
					a := &acc[ii*cylNS+jj]
					for k := range a {
						a[k] += s * gd[k]
					}
				}
			}
		}
		var cy cylinder
		var mg []float32
		if margins {
			mg = make([]float32, cylBits)
			for i := range mg {
				mg[i] = float32(math.Inf(1)) // cells outside the print
			}
		}
		for c, g := range cylGeom {
			if !valid[c] {
				continue
			}
			for k, x := range acc[g.grid] {
				if mg != nil {
					mg[c*cylND+k] = float32(math.Abs(math.Log(float64(x+1e-6) / cylMu)))
				}
				if x >= cylMu {
					b := c*cylND + k
					cy[b>>6] |= 1 << (b & 63)
				}
			}
		}
		out = append(out, cy)
		ms = append(ms, mg)
	}
	return out, ms
}

// hull is a convex polygon, counter-clockwise.
type hull []struct{ x, y float32 }

// convexHull is the convex hull of the points (Andrew's monotone chain).
func convexHull(pts []point) hull {
	p := make(hull, len(pts))
	for i, q := range pts {
		p[i].x, p[i].y = q.x, q.y
	}
	sort.Slice(p, func(a, b int) bool {
		return p[a].x < p[b].x || p[a].x == p[b].x && p[a].y < p[b].y
	})
	cross := func(o, a, b struct{ x, y float32 }) float32 {
		return (a.x-o.x)*(b.y-o.y) - (a.y-o.y)*(b.x-o.x)
	}
	h := make(hull, 0, 2*len(p))
	for _, q := range p {
		for len(h) >= 2 && cross(h[len(h)-2], h[len(h)-1], q) <= 0 {
			h = h[:len(h)-1]
		}
		h = append(h, q)
	}
	lower := len(h) + 1
	for i := len(p) - 2; i >= 0; i-- {
		q := p[i]
		for len(h) >= lower && cross(h[len(h)-2], h[len(h)-1], q) <= 0 {
			h = h[:len(h)-1]
		}
		h = append(h, q)
	}
	return h[:max(len(h)-1, 0)]
}

// near reports whether (x, y) lies inside the hull or within margin of it.
func (h hull) near(x, y, margin float32) bool {
	n := len(h)
	if n == 0 {
		return false
	}
	if n >= 3 {
		inside := true
		a := h[n-1]
		for _, b := range h {
			if (b.x-a.x)*(y-a.y)-(b.y-a.y)*(x-a.x) < 0 {
				inside = false
				break
			}
			a = b
		}
		if inside {
			return true
		}
	}
	m2 := margin * margin
	for i := range h {
		a, b := h[i], h[(i+1)%n]
		ex, ey := b.x-a.x, b.y-a.y
		px, py := x-a.x, y-a.y
		// Distance to the segment.
		l2 := ex*ex + ey*ey
		t := float32(0)
		if l2 > 0 {
			t = min(max((px*ex+py*ey)/l2, 0), 1)
		}
		dx, dy := px-t*ex, py-t*ey
		if dx*dx+dy*dy <= m2 {
			return true
		}
	}
	return false
}

// popcount counts the set bits of a cylinder.
func (c *cylinder) popcount() int {
	n := 0
	for _, w := range c {
		n += bits.OnesCount64(w)
	}
	return n
}
