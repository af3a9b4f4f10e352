package match

import (
	"math"
	"testing"

	"github.com/enlace-desk/enlace/biometric"
	"github.com/enlace-desk/enlace/biometric/synth"
)

// fuzzTemplate builds a template from bytes: 5 bytes a minutia (x, y in
// two bytes each with a sign taken from the high bit, angle one byte).
func fuzzTemplate(b []byte) *biometric.Template {
	t := &biometric.Template{}
	for len(b) >= 5 && len(t.Minutiae) < 300 {
		x := int(b[0])<<8 | int(b[1])
		y := int(b[2])<<8 | int(b[3])
		if x&0x8000 != 0 {
			x = -(x & 0x7fff)
		}
		t.Minutiae = append(t.Minutiae, biometric.Minutia{X: x % 2000, Y: y % 2000, Angle: float64(b[4]) * 360 / 256, Type: biometric.MinutiaType(b[4] % 3)})
		b = b[5:]
	}
	return t
}

func templateBytes(t biometric.Template) []byte {
	var out []byte
	for _, m := range t.Minutiae {
		out = append(out, byte(m.X>>8), byte(m.X), byte(m.Y>>8), byte(m.Y), byte(int(m.Angle*256/360)))
	}
	return out
}

func FuzzCompare(f *testing.F) {
	rng := synth.NewRand(1)
	fg := synth.NewFinger(rng, 1)
	a, b := fg.Impression(rng, synth.ImpressionOptions{}), fg.Impression(rng, synth.ImpressionOptions{})
	f.Add(templateBytes(a), templateBytes(b))
	f.Add([]byte{}, []byte{1, 2, 3, 4, 5})
	f.Add([]byte{0, 10, 0, 10, 0, 0, 10, 0, 10, 0}, []byte{0, 10, 0, 10, 0, 0, 10, 0, 10, 0})
	f.Fuzz(func(t *testing.T, pa, pb []byte) {
		ta, tb := fuzzTemplate(pa), fuzzTemplate(pb)
		r1, r2 := Compare(ta, tb), Compare(tb, ta)
		for _, s := range []float64{r1.Score, r2.Score} {
			if math.IsNaN(s) || s < 0 || s > MaxScore {
				t.Fatalf("score %v out of [0, %v]", s, MaxScore)
			}
		}
		if (r1.Score == 0) != (r2.Score == 0) && math.Abs(r1.Score-r2.Score) > 5 {
			t.Fatalf("asymmetric: %v vs %v", r1.Score, r2.Score)
		}
		// The gallery's screen of the packed form.
		if s := NewMatcher(Prepare(ta)).screen(pack(tb)); math.IsNaN(s) || s < 0 || s > MaxScore {
			t.Fatalf("screen %v out of [0, %v]", s, MaxScore)
		}
		// The index of any template, searched with any other.
		x := newFingerIndex()
		x.add(&subject{fingers: []enrolledFinger{{p: pack(tb)}}})
		for _, v := range x.vote(Prepare(ta), 0, 2) {
			if math.IsNaN(float64(v)) || v < 0 {
				t.Fatalf("index standing %v", v)
			}
		}
		for _, p := range r1.Pairs {
			if p.Probe >= len(ta.Minutiae) || p.Candidate >= len(tb.Minutiae) || p.Probe < 0 || p.Candidate < 0 {
				t.Fatalf("pair %v out of range", p)
			}
		}
	})
}
