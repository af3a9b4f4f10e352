package match

import "math"

const (
	overlapDist  = 55 // px: a minutia is covered when the other has one this near
	overlapFloor = 12 // counts below this are raised to it (tiny overlaps)
)

// overlap estimates how many minutiae of each template lie where the other
// template has coverage: the rigid transform that best aligns the pairs
// (least squares) maps the probe onto the candidate, and a minutia counts when
// the other template has a minutia within overlapDist of it.
func overlap(p, c *Form, pairs []Pair) (np, nc int) {
	if len(pairs) < 2 {
		return len(p.pts), len(c.pts)
	}
	var pcx, pcy, ccx, ccy float64
	for _, pr := range pairs {
		a, b := p.pts[pr.Probe], c.pts[pr.Candidate]
		pcx += float64(a.x)
		pcy += float64(a.y)
		ccx += float64(b.x)
		ccy += float64(b.y)
	}
	k := float64(len(pairs))
	pcx, pcy, ccx, ccy = pcx/k, pcy/k, ccx/k, ccy/k
	var sc, ss float64
	for _, pr := range pairs {
		a, b := p.pts[pr.Probe], c.pts[pr.Candidate]
		ax, ay := float64(a.x)-pcx, float64(a.y)-pcy
		bx, by := float64(b.x)-ccx, float64(b.y)-ccy
		sc += ax*bx + ay*by
		ss += ax*by - ay*bx
	}
	th := math.Atan2(ss, sc)
	cos, sin := float32(math.Cos(th)), float32(math.Sin(th))
	d2 := float32(overlapDist * overlapDist)
	// covered[i] marks candidate minutiae near a mapped probe minutia.
	var covered [MaxMinutiae]bool
	for i := range p.pts {
		x := p.pts[i].x - float32(pcx)
		y := p.pts[i].y - float32(pcy)
		mx := cos*x - sin*y + float32(ccx)
		my := sin*x + cos*y + float32(ccy)
		near := false
		for j := range c.pts {
			dx, dy := c.pts[j].x-mx, c.pts[j].y-my
			if dx*dx+dy*dy <= d2 {
				near = true
				covered[j] = true
			}
		}
		if near {
			np++
		}
	}
	for j := range c.pts {
		if covered[j] {
			nc++
		}
	}
	np = max(np, overlapFloor, len(pairs))
	nc = max(nc, overlapFloor, len(pairs))
	return np, nc
}
