package biometric

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/enlace-desk/enlace/internal/shareddata"
)

func readShared(t testing.TB, elem ...string) []byte {
	t.Helper()
	data, err := os.ReadFile(shareddata.Path(t, elem...))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func fvcFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(shareddata.Path(t, "fvc2002"), "DB*_B", "*.iso"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 320 {
		t.Fatalf("found %d FVC2002 templates, want 320", len(files))
	}
	return files
}

func TestFVC2002TemplatesReadAndRewrite(t *testing.T) {
	for _, f := range fvcFiles(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := ReadTemplate(data)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if rec.Format != FormatISO19794_2005 {
			t.Errorf("%s: detected %s", f, rec.Format)
		}
		if len(rec.Views) != 1 || len(rec.Views[0].Minutiae) == 0 {
			t.Errorf("%s: %d views, want 1 with minutiae", f, len(rec.Views))
			continue
		}
		v := rec.Views[0]
		if v.XRes != 197 || v.Width == 0 || v.Height == 0 {
			t.Errorf("%s: image %dx%d at %d px/cm", f, v.Width, v.Height, v.XRes)
		}
		for i, m := range v.Minutiae {
			if m.X >= v.Width || m.Y >= v.Height || m.Angle < 0 || m.Angle >= 360 {
				t.Errorf("%s: minutia %d %+v outside the %dx%d image", f, i, m, v.Width, v.Height)
			}
		}
		out, err := WriteTemplate(rec)
		if err != nil {
			t.Errorf("%s: write: %v", f, err)
		} else if !bytes.Equal(out, data) {
			t.Errorf("%s: rewrite differs from the input", f)
		}
	}
}

func TestFMRSamplesRewriteByteExact(t *testing.T) {
	for _, name := range []string{"fmr.iso2005", "fmr.ansi2004", "fmr.ansi2007"} {
		data := readShared(t, "ansinist", name)
		rec, err := ReadTemplate(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out, err := WriteTemplate(rec)
		if err != nil {
			t.Fatalf("%s: write: %v", name, err)
		}
		if !bytes.Equal(out, data) {
			t.Errorf("%s: rewrite differs from the input", name)
		}
	}
}

func TestFMRDetectsFormat(t *testing.T) {
	want := map[string]Format{
		"fmr.iso2005":  FormatISO19794_2005,
		"fmr.ansi2004": FormatINCITS378_2004,
		"fmr.ansi2007": FormatINCITS378_2009,
	}
	for name, f := range want {
		got, err := DetectFormat(readShared(t, "ansinist", name))
		if err != nil || got != f {
			t.Errorf("%s: detected %q, %v; want %q", name, got, err, f)
		}
	}
}

// The libbiomeval samples hold the same finger in three formats: the views
// they share must decode to the same minutiae within the rounding of the
// angle units (360/256 degree in ISO, 2 degrees in INCITS).
func TestFMRSameFingerAgreesAcrossFormats(t *testing.T) {
	iso, err := ReadISO19794(readShared(t, "ansinist", "fmr.iso2005"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"fmr.ansi2004", "fmr.ansi2007"} {
		ansi, err := ReadINCITS378(readShared(t, "ansinist", name))
		if err != nil {
			t.Fatal(err)
		}
		if len(ansi.Views) < len(iso.Views) {
			t.Fatalf("%s: %d views, ISO has %d", name, len(ansi.Views), len(iso.Views))
		}
		for i, iv := range iso.Views {
			av := ansi.Views[i]
			if iv.FingerPosition != av.FingerPosition || iv.ImpressionType != av.ImpressionType || iv.Quality != av.Quality {
				t.Errorf("%s view %d: finger %d/%d impression %d/%d quality %d/%d", name, i,
					iv.FingerPosition, av.FingerPosition, iv.ImpressionType, av.ImpressionType, iv.Quality, av.Quality)
			}
			if iv.Width != av.Width || iv.Height != av.Height || iv.XRes != av.XRes || iv.YRes != av.YRes {
				t.Errorf("%s view %d: image %+v vs %+v", name, i, iv, av)
			}
			if len(iv.Minutiae) != len(av.Minutiae) {
				t.Fatalf("%s view %d: %d minutiae, ISO has %d", name, i, len(av.Minutiae), len(iv.Minutiae))
			}
			for j, m := range iv.Minutiae {
				a := av.Minutiae[j]
				if m.X != a.X || m.Y != a.Y || m.Type != a.Type || m.Quality != a.Quality || angleDiff(m.Angle, a.Angle) > 2 {
					t.Errorf("%s view %d minutia %d: ISO %+v, INCITS %+v", name, i, j, m, a)
				}
			}
		}
	}
}

func angleDiff(a, b float64) float64 {
	d := math.Mod(math.Abs(a-b), 360)
	return math.Min(d, 360-d)
}

// Published samples carry core and delta items whose declared length
// disagrees with their points; the reader reads them and says so.
func TestFMRReportsToleratedLengths(t *testing.T) {
	for _, name := range []string{"fmr.iso2005", "fmr.ansi2004"} {
		rec, err := ReadTemplate(readShared(t, "ansinist", name))
		if err != nil {
			t.Fatal(err)
		}
		if len(rec.Warnings) != 1 || rec.Warnings[0].Field != "core and delta data length" {
			t.Errorf("%s: warnings %v", name, rec.Warnings)
		}
	}
	iso, _ := ReadISO19794(readShared(t, "ansinist", "fmr.iso2005"))
	v := iso.Views[1]
	if len(v.Cores) != 2 || len(v.Deltas) != 4 || v.Cores[0].X != 150 || v.Cores[0].Y != 250 || !v.Cores[0].HasAngle || v.Deltas[1].HasAngle {
		t.Errorf("ISO view 1 cores %+v deltas %+v", v.Cores, v.Deltas)
	}
	ansi, _ := ReadINCITS378(readShared(t, "ansinist", "fmr.ansi2004"))
	if n := len(ansi.Views[2].RidgeCounts); n != 224 {
		t.Errorf("INCITS view 2: %d ridge counts, want 224", n)
	}
}

func TestFMRConvertsBetweenFormats(t *testing.T) {
	src, err := ReadISO19794(readShared(t, "ansinist", "fmr.iso2005"))
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range []Format{FormatINCITS378_2004, FormatINCITS378_2009} {
		conv := *src
		conv.Format = target
		data, err := WriteINCITS378(&conv)
		if err != nil {
			t.Fatalf("%s: %v", target, err)
		}
		back, err := ReadTemplate(data)
		if err != nil {
			t.Fatalf("%s: read back: %v", target, err)
		}
		if back.Format != target {
			t.Fatalf("wrote %s, read %s", target, back.Format)
		}
		sameViews(t, string(target), src.Views, back.Views, 1)
		// and back to ISO: within one ISO unit of the original
		iso, err := WriteISO19794(back)
		if err != nil {
			t.Fatal(err)
		}
		again, err := ReadISO19794(iso)
		if err != nil {
			t.Fatal(err)
		}
		sameViews(t, string(target)+"->iso", src.Views, again.Views, 1.5)
	}
}

func sameViews(t *testing.T, what string, a, b []Template, tol float64) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("%s: %d views vs %d", what, len(a), len(b))
	}
	for i := range a {
		va, vb := a[i], b[i]
		if va.FingerPosition != vb.FingerPosition || va.Width != vb.Width || va.XRes != vb.XRes || len(va.Minutiae) != len(vb.Minutiae) {
			t.Fatalf("%s view %d: %+v vs %+v", what, i, va, vb)
		}
		for j := range va.Minutiae {
			ma, mb := va.Minutiae[j], vb.Minutiae[j]
			if ma.X != mb.X || ma.Y != mb.Y || ma.Type != mb.Type || angleDiff(ma.Angle, mb.Angle) > tol {
				t.Errorf("%s view %d minutia %d: %+v vs %+v", what, i, j, ma, mb)
			}
		}
		if len(va.Cores) != len(vb.Cores) || len(va.Deltas) != len(vb.Deltas) || len(va.RidgeCounts) != len(vb.RidgeCounts) {
			t.Errorf("%s view %d: extended data differs", what, i)
		}
	}
}

func TestFMRRewritesChangedExtendedData(t *testing.T) {
	rec := &Record{Format: FormatINCITS378_2004, Width: 400, Height: 500, XRes: 197, YRes: 197,
		Views: []Template{{
			FingerPosition: 2, Quality: 60,
			Minutiae: []Minutia{{X: 10, Y: 20, Angle: 90, Type: MinutiaEnding, Quality: 50}, {X: 300, Y: 400, Angle: 358, Type: MinutiaBifurcation}},
			Cores:    []Core{{X: 200, Y: 250, Angle: 44, HasAngle: true}},
			Deltas:   []Delta{{X: 100, Y: 300}},
			RidgeCounts: []RidgeCount{
				{A: 0, B: 1, Count: 7},
			},
		}}}
	for _, f := range []Format{FormatISO19794_2005, FormatINCITS378_2004, FormatINCITS378_2009} {
		rec.Format = f
		data, err := WriteTemplate(rec)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		back, err := ReadTemplate(data)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if len(back.Warnings) != 0 {
			t.Errorf("%s: warnings on our own output: %v", f, back.Warnings)
		}
		v := back.Views[0]
		if len(v.Cores) != 1 || v.Cores[0].X != 200 || !v.Cores[0].HasAngle || angleDiff(v.Cores[0].Angle, 44) > 1 ||
			len(v.Deltas) != 1 || v.Deltas[0].HasAngle || len(v.RidgeCounts) != 1 || v.RidgeCounts[0] != (RidgeCount{A: 0, B: 1, Count: 7}) {
			t.Errorf("%s: read back %+v", f, v)
		}
		// change a core after reading: the writer must encode the change,
		// not the bytes it read
		back.Views[0].Cores[0].X = 201
		data2, err := WriteTemplate(back)
		if err != nil {
			t.Fatal(err)
		}
		again, err := ReadTemplate(data2)
		if err != nil {
			t.Fatal(err)
		}
		if again.Views[0].Cores[0].X != 201 {
			t.Errorf("%s: changed core not written", f)
		}
	}
}

func TestFMRRefusesTruncatedTemplates(t *testing.T) {
	dir := shareddata.Path(t, "iso-invalid")
	files, _ := filepath.Glob(filepath.Join(dir, "*.iso"))
	if len(files) != 3 {
		t.Fatalf("found %d invalid templates, want 3", len(files))
	}
	for _, f := range files {
		data, _ := os.ReadFile(f)
		for name, read := range map[string]func([]byte) (*Record, error){"ReadTemplate": ReadTemplate, "ReadISO19794": ReadISO19794} {
			_, err := read(data)
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Errorf("%s: %s gave %v, want a *FormatError", f, name, err)
				continue
			}
			if fe.Field != "record length" || fe.Offset != 8 {
				t.Errorf("%s: %s: %v", f, name, fe)
			}
		}
	}
}

// synthISO builds a small valid ISO record for tests and fuzz seeds.
func synthISO(t testing.TB) []byte {
	rec := &Record{Format: FormatISO19794_2005, Width: 300, Height: 400, XRes: 197, YRes: 197,
		Views: []Template{{FingerPosition: 1, Quality: 80, Minutiae: []Minutia{
			{X: 1, Y: 2, Angle: 45, Type: MinutiaEnding, Quality: 90},
			{X: 100, Y: 200, Angle: 180, Type: MinutiaBifurcation, Quality: 40},
		}}}}
	data, err := WriteISO19794(rec)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestFMRRejectsMalformed(t *testing.T) {
	good := synthISO(t)
	if _, err := ReadISO19794(good); err != nil {
		t.Fatal(err)
	}
	mutate := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(good)) }
	cases := map[string]struct {
		data  []byte
		field string
	}{
		"magic":          {mutate(func(b []byte) []byte { b[0] = 'X'; return b }), "format identifier"},
		"version":        {mutate(func(b []byte) []byte { b[5] = '3'; return b }), "version"},
		"long length":    {mutate(func(b []byte) []byte { b[11]++; return b }), "record length"},
		"trailing bytes": {mutate(func(b []byte) []byte { b = append(b, 0); b[11]++; return b }), "end of record"},
		"views beyond":   {mutate(func(b []byte) []byte { b[22] = 200; return b }), "number of finger views"},
		"minutiae beyond": {mutate(func(b []byte) []byte {
			b[27] = 250
			return b
		}), "number of minutiae"},
		"reserved type": {mutate(func(b []byte) []byte { b[28] |= 0xC0; return b }), "minutia 0 type"},
		"extended beyond": {mutate(func(b []byte) []byte {
			b[len(b)-1] = 9
			return b
		}), "extended data item"},
		"header only": {good[:isoHeaderLen-1], "header"},
	}
	for name, c := range cases {
		_, err := ReadISO19794(c.data)
		var fe *FormatError
		if !errors.As(err, &fe) {
			t.Errorf("%s: got %v, want *FormatError", name, err)
			continue
		}
		if fe.Field != c.field {
			t.Errorf("%s: field %q (%v), want %q", name, fe.Field, fe, c.field)
		}
	}
	// INCITS angles are 0-179 in 2-degree units
	rec, _ := ReadISO19794(good)
	rec.Format = FormatINCITS378_2004
	ansi, err := WriteINCITS378(rec)
	if err != nil {
		t.Fatal(err)
	}
	ansi[incits04HeaderLen+viewHeaderLen+4] = 180
	if _, err := ReadINCITS378(ansi); err == nil {
		t.Error("INCITS angle 180 accepted")
	}
}

func TestFMRLongLengthForm(t *testing.T) {
	rec, err := ReadISO19794(synthISO(t))
	if err != nil {
		t.Fatal(err)
	}
	rec.Format = FormatINCITS378_2004
	rec.LongLength = true
	data, err := WriteINCITS378(rec)
	if err != nil {
		t.Fatal(err)
	}
	if data[8] != 0 || data[9] != 0 || int(data[13]) != len(data) {
		t.Fatalf("long length form not written: % x", data[:14])
	}
	back, err := ReadINCITS378(data)
	if err != nil {
		t.Fatal(err)
	}
	if !back.LongLength {
		t.Error("long length form not recognised")
	}
	out, _ := WriteINCITS378(back)
	if !bytes.Equal(out, data) {
		t.Error("long length form not written back")
	}
}

func BenchmarkReadISO19794(b *testing.B) {
	data := readShared(b, "fvc2002", "DB1_B", "101_1.iso")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadISO19794(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteISO19794(b *testing.B) {
	rec, err := ReadISO19794(readShared(b, "fvc2002", "DB1_B", "101_1.iso"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := WriteISO19794(rec); err != nil {
			b.Fatal(err)
		}
	}
}
