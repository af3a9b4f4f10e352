package biometric

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/enlace-desk/enlace/internal/shareddata"
)

// addSharedSeeds adds the shared reference files matching the patterns as
// seeds when the shared data is present (never copied into the repository).
func addSharedSeeds(f *testing.F, patterns ...string) {
	dir, ok := shareddata.Find()
	if !ok {
		return
	}
	for _, p := range patterns {
		files, _ := filepath.Glob(filepath.Join(dir, p))
		for _, name := range files {
			if data, err := os.ReadFile(name); err == nil {
				f.Add(data)
			}
		}
	}
}

// fmrSeeds are small records built in code, in every format, with extended
// data, so the fuzzers start from valid structure even without shared data.
func fmrSeeds(f *testing.F) {
	rec := &Record{Width: 400, Height: 500, XRes: 197, YRes: 197, ProductID: 0x00420011,
		Views: []Template{{
			FingerPosition: 2, Quality: 60,
			Minutiae:    []Minutia{{X: 10, Y: 20, Angle: 90, Type: MinutiaEnding, Quality: 50}, {X: 300, Y: 400, Angle: 358, Type: MinutiaBifurcation}},
			Cores:       []Core{{X: 200, Y: 250, Angle: 44, HasAngle: true}},
			Deltas:      []Delta{{X: 100, Y: 300, Angles: []float64{1, 2, 3}, HasAngle: true}},
			RidgeCounts: []RidgeCount{{A: 0, B: 1, Count: 7}},
		}, {FingerPosition: 7}}}
	for _, format := range []Format{FormatISO19794_2005, FormatINCITS378_2004, FormatINCITS378_2009} {
		rec.Format = format
		data, err := WriteTemplate(rec)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

func fuzzFMR(f *testing.F, read func([]byte) (*Record, error)) {
	fmrSeeds(f)
	addSharedSeeds(f, "ansinist/fmr.*", "fvc2002/DB1_B/101_*.iso", "fvc2002/DB3_B/105_*.iso", "iso-invalid/*.iso")
	f.Fuzz(func(t *testing.T, data []byte) {
		rec, err := read(data)
		if err != nil {
			if _, ok := err.(*FormatError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		out, err := WriteTemplate(rec)
		if err != nil {
			t.Fatalf("accepted record does not write back: %v", err)
		}
		if !bytes.Equal(out, data) {
			t.Fatalf("rewrite differs:\n in  % x\n out % x", data, out)
		}
	})
}

func FuzzReadISO19794(f *testing.F)  { fuzzFMR(f, ReadISO19794) }
func FuzzReadINCITS378(f *testing.F) { fuzzFMR(f, ReadINCITS378) }
func FuzzReadTemplate(f *testing.F)  { fuzzFMR(f, ReadTemplate) }
