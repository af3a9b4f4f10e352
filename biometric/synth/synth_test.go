package synth

import (
	"reflect"
	"testing"
)

func TestDeterministic(t *testing.T) {
	a, b := TenPrint(42), TenPrint(42)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("TenPrint(42) differs between calls")
	}
	if reflect.DeepEqual(a[0].Minutiae, TenPrint(43)[0].Minutiae) {
		t.Fatal("different seeds give the same finger")
	}
	ia := a[3].Impression(NewRand(1), ImpressionOptions{})
	ib := b[3].Impression(NewRand(1), ImpressionOptions{})
	if !reflect.DeepEqual(ia, ib) {
		t.Fatal("impressions from the same seed differ")
	}
}

func TestPlausible(t *testing.T) {
	rng := NewRand(5)
	for i := 0; i < 200; i++ {
		f := NewFinger(rng, 1+i%10)
		if n := len(f.Minutiae); n < 30 || n > 90 {
			t.Fatalf("finger %d has %d minutiae", i, n)
		}
		im := f.Impression(rng, ImpressionOptions{})
		if n := len(im.Minutiae); n < 10 || n > 100 {
			t.Fatalf("impression %d has %d minutiae", i, n)
		}
		if im.FingerPosition != 1+i%10 || im.XRes != Resolution {
			t.Fatalf("impression header %+v", im)
		}
		for _, m := range im.Minutiae {
			if m.X < 0 || m.Y < 0 || m.X >= im.Width || m.Y >= im.Height || m.Angle < 0 || m.Angle >= 360 {
				t.Fatalf("minutia %+v outside a %dx%d impression", m, im.Width, im.Height)
			}
		}
	}
}
