// Package synth generates synthetic fingerprint minutiae, deterministically
// from a seed: a master finger (an orientation field with cores and deltas,
// minutiae laid along the ridge flow at a realistic density) and impressions
// of it as a sensor would capture them (rotation, translation, elastic
// distortion, partial overlap, lost and spurious minutiae).
//
// It serves tests, benchmarks, calibration and the demo store. It depends only
// on package biometric and must not depend on storage, the network or the UI.
// The output is plausible for matching, not a forensic model of fingerprints.
package synth

import (
	"math"
	"math/rand/v2"

	"github.com/enlace-desk/enlace/biometric"
)

// Image geometry of a master finger and of the sensor, at 500 dpi.
const (
	FingerWidth  = 400 // px, the master finger's canvas
	FingerHeight = 500
	Resolution   = 197 // pixels per centimetre (500 dpi)
)

// Pattern is the finger's class, which shapes its orientation field.
type Pattern int

const (
	Arch Pattern = iota
	LeftLoop
	RightLoop
	Whorl
)

// Finger is a synthetic master finger: every minutia it has, in the master
// canvas (FingerWidth x FingerHeight), and its singular points.
type Finger struct {
	Position int // 1–10 as ANSI/NIST, 0 unknown
	Pattern  Pattern
	Minutiae []biometric.Minutia
	Cores    []biometric.Core
	Deltas   []biometric.Delta
}

type singular struct{ x, y float64 }

// NewFinger draws a master finger.
func NewFinger(rng *rand.Rand, position int) Finger {
	f := Finger{Position: position, Pattern: Pattern(rng.IntN(4))}
	cx := FingerWidth/2 + rng.NormFloat64()*15
	cy := FingerHeight*0.45 + rng.NormFloat64()*20
	var cores, deltas []singular
	switch f.Pattern {
	case Arch:
		// A tented arch: a core and a delta almost on top of each other
		// below the finger, so the field only bends.
		cores = []singular{{cx, cy + 260}}
		deltas = []singular{{cx, cy + 300}}
	case LeftLoop, RightLoop:
		side := 1.0
		if f.Pattern == RightLoop {
			side = -1
		}
		cores = []singular{{cx, cy}}
		deltas = []singular{{cx + side*(110+rng.Float64()*40), cy + 130 + rng.Float64()*40}}
	case Whorl:
		cores = []singular{{cx - 15, cy - 15}, {cx + 15, cy + 15}}
		deltas = []singular{{cx - 140, cy + 150}, {cx + 140, cy + 150}}
	}
	for _, c := range cores {
		if inFinger(c.x, c.y) {
			f.Cores = append(f.Cores, biometric.Core{X: int(c.x), Y: int(c.y)})
		}
	}
	for _, d := range deltas {
		if inFinger(d.x, d.y) {
			f.Deltas = append(f.Deltas, biometric.Delta{X: int(d.x), Y: int(d.y)})
		}
	}
	rot := rng.NormFloat64() * 0.1
	orient := func(x, y float64) float64 {
		// Sherlock–Monro zero-pole model, y pointing up for the angles.
		a := rot
		for _, d := range deltas {
			a += 0.5 * math.Atan2(-(y-d.y), x-d.x)
		}
		for _, c := range cores {
			a -= 0.5 * math.Atan2(-(y-c.y), x-c.x)
		}
		return a
	}
	// Poisson-disc minutiae at a spacing that gives 40–80 on a full finger.
	spacing := 26 + rng.Float64()*8
	target := 45 + rng.IntN(36)
	var pts [][2]float64
	for tries := 0; len(pts) < target && tries < 20000; tries++ {
		x := rng.Float64() * FingerWidth
		y := rng.Float64() * FingerHeight
		if !inFinger(x, y) {
			continue
		}
		ok := true
		for _, p := range pts {
			if dx, dy := p[0]-x, p[1]-y; dx*dx+dy*dy < spacing*spacing {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		pts = append(pts, [2]float64{x, y})
		dir := orient(x, y)
		if rng.IntN(2) == 0 {
			dir += math.Pi
		}
		typ := biometric.MinutiaEnding
		if rng.Float64() < 0.4 {
			typ = biometric.MinutiaBifurcation
		}
		f.Minutiae = append(f.Minutiae, biometric.Minutia{
			X: int(math.Round(x)), Y: int(math.Round(y)),
			Angle:   normDeg(dir * 180 / math.Pi),
			Type:    typ,
			Quality: 40 + rng.IntN(61),
		})
	}
	return f
}

// inFinger is the finger's silhouette: an ellipse in the canvas.
func inFinger(x, y float64) bool {
	dx := (x - FingerWidth/2) / (FingerWidth * 0.45)
	dy := (y - FingerHeight*0.5) / (FingerHeight * 0.48)
	return dx*dx+dy*dy <= 1
}

func normDeg(d float64) float64 {
	d = math.Mod(d, 360)
	if d < 0 {
		d += 360
	}
	if d >= 360 {
		d = 0
	}
	return d
}

// Template is the master finger as a template (every minutia, no
// distortion), on the master canvas.
func (f Finger) Template() biometric.Template {
	return biometric.Template{
		FingerPosition: f.Position,
		Width:          FingerWidth, Height: FingerHeight,
		XRes: Resolution, YRes: Resolution,
		Quality:  80,
		Minutiae: append([]biometric.Minutia(nil), f.Minutiae...),
		Cores:    append([]biometric.Core(nil), f.Cores...),
		Deltas:   append([]biometric.Delta(nil), f.Deltas...),
	}
}

// ImpressionOptions says how a capture departs from the master finger. The
// zero value of a field takes the default in DefaultImpression.
type ImpressionOptions struct {
	SensorWidth, SensorHeight int     // px; capture window
	MaxRotation               float64 // degrees, uniform in ±
	MaxShift                  float64 // px, uniform in ± for each axis
	Distortion                float64 // px, amplitude of the elastic displacement
	PositionNoise             float64 // px, standard deviation
	AngleNoise                float64 // degrees, standard deviation
	DropRate                  float64 // probability a minutia is not extracted
	Spurious                  float64 // mean number of false minutiae added
	TypeFlip                  float64 // probability an ending reads as a bifurcation or back
}

// DefaultImpression is a plain live-scan capture with ordinary placement
// variation.
var DefaultImpression = ImpressionOptions{
	SensorWidth: 360, SensorHeight: 440,
	MaxRotation: 20, MaxShift: 40, Distortion: 6,
	PositionNoise: 1.5, AngleNoise: 4,
	DropRate: 0.12, Spurious: 4, TypeFlip: 0.1,
}

func (o ImpressionOptions) withDefaults() ImpressionOptions {
	d := DefaultImpression
	if o.SensorWidth > 0 {
		d.SensorWidth = o.SensorWidth
	}
	if o.SensorHeight > 0 {
		d.SensorHeight = o.SensorHeight
	}
	set := func(dst *float64, v float64) {
		if v > 0 {
			*dst = v
		}
	}
	set(&d.MaxRotation, o.MaxRotation)
	set(&d.MaxShift, o.MaxShift)
	set(&d.Distortion, o.Distortion)
	set(&d.PositionNoise, o.PositionNoise)
	set(&d.AngleNoise, o.AngleNoise)
	set(&d.DropRate, o.DropRate)
	set(&d.Spurious, o.Spurious)
	set(&d.TypeFlip, o.TypeFlip)
	return d
}

// Impression captures the finger once: the result is a template in sensor
// coordinates holding the minutiae that fall inside the sensor window.
func (f Finger) Impression(rng *rand.Rand, opt ImpressionOptions) biometric.Template {
	o := opt.withDefaults()
	rot := (rng.Float64()*2 - 1) * o.MaxRotation * math.Pi / 180
	sx := (rng.Float64()*2 - 1) * o.MaxShift
	sy := (rng.Float64()*2 - 1) * o.MaxShift
	// Elastic distortion: a smooth displacement field of a few random
	// low-frequency waves, stronger away from the pressure centre.
	type wave struct{ kx, ky, ph, ax, ay float64 }
	var waves [3]wave
	for i := range waves {
		waves[i] = wave{
			kx: (rng.Float64()*2 - 1) * 2 * math.Pi / 300,
			ky: (rng.Float64()*2 - 1) * 2 * math.Pi / 300,
			ph: rng.Float64() * 2 * math.Pi,
			ax: rng.NormFloat64() * o.Distortion / 2,
			ay: rng.NormFloat64() * o.Distortion / 2,
		}
	}
	pcx := FingerWidth/2 + rng.NormFloat64()*30
	pcy := FingerHeight/2 + rng.NormFloat64()*30
	cos, sin := math.Cos(rot), math.Sin(rot)
	w, h := float64(o.SensorWidth), float64(o.SensorHeight)
	mapPoint := func(x, y float64) (float64, float64) {
		r := math.Hypot(x-pcx, y-pcy) / 200
		for _, wv := range waves {
			s := math.Sin(wv.kx*x + wv.ky*y + wv.ph)
			x += wv.ax * s * r
			y += wv.ay * s * r
		}
		x, y = x-FingerWidth/2, y-FingerHeight/2
		// Image Y points down: a counter-clockwise turn on screen is
		// (x cos + y sin, -x sin + y cos).
		rx := x*cos + y*sin
		ry := -x*sin + y*cos
		return rx + w/2 + sx, ry + h/2 + sy
	}
	t := biometric.Template{
		FingerPosition: f.Position,
		Width:          o.SensorWidth, Height: o.SensorHeight,
		XRes: Resolution, YRes: Resolution,
		Quality: 50 + rng.IntN(51),
	}
	const margin = 8
	inside := func(x, y float64) bool {
		return x >= margin && y >= margin && x < w-margin && y < h-margin
	}
	for _, m := range f.Minutiae {
		x, y := mapPoint(float64(m.X), float64(m.Y))
		x += rng.NormFloat64() * o.PositionNoise
		y += rng.NormFloat64() * o.PositionNoise
		if !inside(x, y) || rng.Float64() < o.DropRate {
			continue
		}
		// The direction follows the local map: push a point along it.
		a := m.Angle * math.Pi / 180
		x2, y2 := mapPoint(float64(m.X)+6*math.Cos(a), float64(m.Y)-6*math.Sin(a))
		x1, y1 := mapPoint(float64(m.X), float64(m.Y))
		ang := math.Atan2(-(y2-y1), x2-x1)*180/math.Pi + rng.NormFloat64()*o.AngleNoise
		typ := m.Type
		if rng.Float64() < o.TypeFlip {
			if typ == biometric.MinutiaEnding {
				typ = biometric.MinutiaBifurcation
			} else {
				typ = biometric.MinutiaEnding
			}
		}
		t.Minutiae = append(t.Minutiae, biometric.Minutia{
			X: int(math.Round(x)), Y: int(math.Round(y)),
			Angle: normDeg(ang), Type: typ, Quality: m.Quality,
		})
	}
	// Spurious minutiae, Poisson-distributed in number, inside the part of
	// the window the finger covers.
	for k := poisson(rng, o.Spurious); k > 0; k-- {
		for try := 0; try < 20; try++ {
			mx, my := rng.Float64()*FingerWidth, rng.Float64()*FingerHeight
			if !inFinger(mx, my) {
				continue
			}
			x, y := mapPoint(mx, my)
			if !inside(x, y) {
				continue
			}
			t.Minutiae = append(t.Minutiae, biometric.Minutia{
				X: int(math.Round(x)), Y: int(math.Round(y)),
				Angle:   normDeg(rng.Float64() * 360),
				Type:    biometric.MinutiaType(1 + rng.IntN(2)),
				Quality: 20 + rng.IntN(40),
			})
			break
		}
	}
	for _, c := range f.Cores {
		if x, y := mapPoint(float64(c.X), float64(c.Y)); inside(x, y) {
			t.Cores = append(t.Cores, biometric.Core{X: int(math.Round(x)), Y: int(math.Round(y))})
		}
	}
	for _, d := range f.Deltas {
		if x, y := mapPoint(float64(d.X), float64(d.Y)); inside(x, y) {
			t.Deltas = append(t.Deltas, biometric.Delta{X: int(math.Round(x)), Y: int(math.Round(y))})
		}
	}
	if len(t.Minutiae) > 255 {
		t.Minutiae = t.Minutiae[:255]
	}
	return t
}

func poisson(rng *rand.Rand, mean float64) int {
	l, k, p := math.Exp(-mean), 0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// NewRand is the generator's random source for a seed.
func NewRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x656e6c616365))
}

// TenPrint draws the ten master fingers (positions 1–10) of one synthetic
// person.
func TenPrint(seed uint64) []Finger {
	rng := NewRand(seed)
	out := make([]Finger, 10)
	for i := range out {
		out[i] = NewFinger(rng, i+1)
	}
	return out
}
