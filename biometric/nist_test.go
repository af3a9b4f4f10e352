package biometric

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/enlace-desk/enlace/internal/shareddata"
)

var sharedTransactions = []string{"type9.an2k", "type9-efs.an2k", "type9-13.an2k", "type4-slaps.an2k", "NISTFile.ebts", "NISTFile2.ebts"}

func TestSharedTransactionsReadAndRewrite(t *testing.T) {
	want := map[string]string{ // record types in order
		"type9.an2k":       "1 9",
		"type9-efs.an2k":   "1 9 9 9 9 9 9 9 9",
		"type9-13.an2k":    "1 2 9 13",
		"type4-slaps.an2k": "1 2 4 4 4 4",
		"NISTFile.ebts":    "1 2 4",
		"NISTFile2.ebts":   "1 2 4 14 10",
	}
	for _, name := range sharedTransactions {
		data := readShared(t, "ansinist", name)
		tx, err := ReadTransaction(data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		var types []string
		for _, r := range tx.Records {
			types = append(types, fmt.Sprint(r.Type))
		}
		if got := strings.Join(types, " "); got != want[name] {
			t.Errorf("%s: record types %q, want %q", name, got, want[name])
		}
		out, err := WriteTransaction(tx)
		if err != nil {
			t.Errorf("%s: write: %v", name, err)
		} else if !bytes.Equal(out, data) {
			t.Errorf("%s: rewrite differs from the input", name)
		}
	}
}

// Every file in the shared ansinist folder is accounted for: transactions
// read as transactions, minutiae records as templates, the WSQ image as a
// WSQ image.
func TestEverySharedANSINISTFileReads(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(shareddata.Path(t, "ansinist"), "*"))
	for _, f := range files {
		data, _ := os.ReadFile(f)
		name := filepath.Base(f)
		switch {
		case strings.HasPrefix(name, "fmr."):
			if _, err := ReadTemplate(data); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		case strings.HasSuffix(name, ".wsq"):
			if imageKind(data) != " (WSQ)" {
				t.Errorf("%s: not recognised as WSQ", name)
			}
		default:
			if _, err := ReadTransaction(data); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	}
}

func TestTransactionFacts(t *testing.T) {
	tx, err := ReadTransaction(readShared(t, "ansinist", "NISTFile.ebts"))
	if err != nil {
		t.Fatal(err)
	}
	info := tx.Info()
	if info.Version != "0400" || info.TransactionType != "CAR" || info.Date != "20080709" || info.Originating != "TEST00001" ||
		info.ControlNumber != "TEST-20080528173758-SOFT-0001-1C629" {
		t.Errorf("Type-1: %+v", info)
	}
	d := tx.Descriptives()
	if len(d) != 1 || d[0].Name != "LISA, MONA J" || d[0].DateOfBirth != "19750620" || d[0].Sex != "F" || d[0].PlaceOfBirth != "IT" || d[0].Height != "510" {
		t.Errorf("Type-2: %+v", d)
	}
	imgs := tx.FingerImages()
	if len(imgs) != 1 || imgs[0].Type != 4 || imgs[0].Width != 374 || imgs[0].Compression != "WSQ20" || len(imgs[0].Positions) != 1 || imgs[0].Positions[0] != 2 {
		t.Errorf("Type-4: %+v", imgs)
	}

	tx2, err := ReadTransaction(readShared(t, "ansinist", "NISTFile2.ebts"))
	if err != nil {
		t.Fatal(err)
	}
	var t14 *FingerImage
	for _, img := range tx2.FingerImages() {
		if img.Type == 14 {
			t14 = &img
		}
	}
	if t14 == nil || t14.Width == 0 || t14.Height == 0 || t14.Compression == "" || len(t14.Positions) == 0 || t14.ImageBytes == 0 {
		t.Errorf("Type-14: %+v", t14)
	}
}

// type9-13.an2k carries, in legacy IAFIS form, the third finger view of
// fmr.ansi2004: after converting units, origin and angle direction the
// minutiae agree within rounding.
func TestLegacyMinutiaeAgreeWithINCITS(t *testing.T) {
	tx, err := ReadTransaction(readShared(t, "ansinist", "type9-13.an2k"))
	if err != nil {
		t.Fatal(err)
	}
	fingers, err := tx.Minutiae()
	if err != nil {
		t.Fatal(err)
	}
	if len(fingers) != 1 || fingers[0].Source != SourceLegacy || fingers[0].Note != "" {
		t.Fatalf("minutiae: %+v", fingers)
	}
	fmr, err := ReadINCITS378(readShared(t, "ansinist", "fmr.ansi2004"))
	if err != nil {
		t.Fatal(err)
	}
	want := fmr.Views[2].Minutiae
	got := fingers[0].Template.Minutiae
	if len(got) != len(want) {
		t.Fatalf("%d legacy minutiae, INCITS view has %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if abs(g.X-w.X) > 1 || abs(g.Y-w.Y) > 1 || angleDiff(g.Angle, w.Angle) > 1 || g.Type != w.Type {
			t.Errorf("minutia %d: legacy %+v, INCITS %+v", i, g, w)
		}
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func TestEFSMinutiaeRead(t *testing.T) {
	tx, err := ReadTransaction(readShared(t, "ansinist", "type9-efs.an2k"))
	if err != nil {
		t.Fatal(err)
	}
	fingers, err := tx.Minutiae()
	if err != nil {
		t.Fatal(err)
	}
	if len(fingers) != 8 {
		t.Fatalf("%d EFS minutiae sets, want 8", len(fingers))
	}
	m := fingers[0].Template.Minutiae
	if fingers[0].Source != SourceEFS || len(m) == 0 || m[0] != (Minutia{X: 1908, Y: 41, Angle: 186, Type: MinutiaEnding}) {
		t.Errorf("first EFS set: %+v", fingers[0])
	}
}

func testExport() Export {
	return Export{
		Info: TransactionInfo{TransactionType: "CAR", Date: "20250731", Destination: "USCBP0000", Originating: "ECPN00000", ControlNumber: "EC-2025-0001"},
		Subject: Descriptive{Name: "MACIAS VILLAMAR, JOSE ADOLFO", Aliases: []string{"FITO"}, DateOfBirth: "19790815", PlaceOfBirth: "EC", Sex: "M",
			Citizenship: []string{"EC"}},
		Fingers: []Template{{
			FingerPosition: 2, ImpressionType: 0, Quality: 80, Width: 400, Height: 500, XRes: 197, YRes: 197,
			Minutiae: []Minutia{{X: 100, Y: 120, Angle: 90, Type: MinutiaEnding, Quality: 60}, {X: 250, Y: 333, Angle: 271.40625, Type: MinutiaBifurcation, Quality: 100}},
			Cores:    []Core{{X: 200, Y: 220, Angle: 90, HasAngle: true}},
			Deltas:   []Delta{{X: 50, Y: 400, Angles: []float64{10, 130, 250}, HasAngle: true}},
			RidgeCounts: []RidgeCount{
				{A: 0, B: 1, Count: 9},
			},
		}},
		INCITS: true, Legacy: true,
	}
}

func TestBuildTransactionReadsBack(t *testing.T) {
	e := testExport()
	tx, err := BuildTransaction(e)
	if err != nil {
		t.Fatal(err)
	}
	data, err := WriteTransaction(tx)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ReadTransaction(data)
	if err != nil {
		t.Fatalf("our own transaction does not read: %v", err)
	}
	again, err := WriteTransaction(back)
	if err != nil || !bytes.Equal(again, data) {
		t.Fatalf("our own transaction does not rewrite exactly: %v", err)
	}
	if info := back.Info(); info.ControlNumber != "EC-2025-0001" || info.Version != "0500" || info.Destination != "USCBP0000" {
		t.Errorf("Type-1: %+v", info)
	}
	if d := back.Descriptives(); len(d) != 1 || d[0].Name != e.Subject.Name || d[0].DateOfBirth != "19790815" || len(d[0].Aliases) != 1 || d[0].Aliases[0] != "FITO" {
		t.Errorf("Type-2: %+v", d)
	}
	fingers, err := back.Minutiae()
	if err != nil {
		t.Fatal(err)
	}
	if len(fingers) != 2 || fingers[0].Source != SourceINCITS || fingers[1].Source != SourceLegacy {
		t.Fatalf("minutiae: %+v", fingers)
	}
	src := e.Fingers[0]
	inc := fingers[0].Template
	if inc.FingerPosition != 2 || inc.Width != 400 || inc.Height != 500 || inc.XRes != 197 || inc.Quality != 80 {
		t.Errorf("INCITS block header: %+v", inc)
	}
	if len(inc.Cores) != 1 || inc.Cores[0] != src.Cores[0] || len(inc.Deltas) != 1 || len(inc.Deltas[0].Angles) != 3 ||
		len(inc.RidgeCounts) != 1 || inc.RidgeCounts[0] != src.RidgeCounts[0] {
		t.Errorf("INCITS block extended data: %+v %+v %+v", inc.Cores, inc.Deltas, inc.RidgeCounts)
	}
	// legacy: the image record is absent, but the export's height cannot
	// travel in the legacy block; check positions through the same height
	for _, f := range fingers {
		tpl := f.Template
		for i, m := range tpl.Minutiae {
			w := src.Minutiae[i]
			y := m.Y
			if f.Source == SourceLegacy {
				y = src.Height - 1 - m.Y
			}
			if abs(m.X-w.X) > 1 || abs(y-w.Y) > 1 || angleDiff(m.Angle, w.Angle) > 1 || m.Type != w.Type {
				t.Errorf("%s minutia %d: %+v, exported %+v", f.Source, i, m, w)
			}
		}
	}
	var dump bytes.Buffer
	if err := DumpTransaction(&dump, back); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"9.137    FMD M1 finger minutiae data: 1<US>100<US>120<US>45<US>1<US>60", "2.018    NAM name: MACIAS VILLAMAR, JOSE ADOLFO", "1.003    CNT file content: 1<US>2<RS>2<US>00<RS>9<US>01"} {
		if !strings.Contains(dump.String(), want) {
			t.Errorf("dump lacks %q:\n%s", want, dump.String())
		}
	}
}

func TestBuildRefusesSeparatorsAndMissingFacts(t *testing.T) {
	e := testExport()
	e.Subject.Name = "BAD\x1dNAME"
	if _, err := BuildTransaction(e); err == nil {
		t.Error("a GS in the name was accepted")
	}
	e = testExport()
	e.Info.ControlNumber = ""
	if _, err := BuildTransaction(e); err == nil {
		t.Error("a transaction without TCN was built")
	}
	e = testExport()
	e.Fingers[0].Height = 0
	if _, err := BuildTransaction(e); err == nil {
		t.Error("legacy minutiae without image height were built")
	}
}

// Adding a record changes CNT and the lengths; the writer keeps them true.
func TestWriteKeepsLengthsAndContentsTrue(t *testing.T) {
	tx, err := ReadTransaction(readShared(t, "ansinist", "NISTFile.ebts"))
	if err != nil {
		t.Fatal(err)
	}
	tx.Records[1].Set(18, "ZAMBRANO CEDEÑO, MARIA JOSE")
	extra := &LogicalRecord{Type: 2}
	extra.Set(1, "0")
	extra.Set(2, "05")
	extra.Set(18, "OTRO")
	tx.Records = append(tx.Records, extra)
	data, err := WriteTransaction(tx)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ReadTransaction(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Records) != 4 || back.Records[1].Text(18) != "ZAMBRANO CEDEÑO, MARIA JOSE" || back.Records[3].Text(18) != "OTRO" {
		t.Errorf("read back %d records", len(back.Records))
	}
	if got := back.Records[0].Text(3); got != "1\x1f3\x1e2\x1f00\x1e4\x1f01\x1e2\x1f05" {
		t.Errorf("CNT %q", got)
	}
}

func TestTransactionRejectsMalformed(t *testing.T) {
	good := readShared(t, "ansinist", "type9.an2k")
	mut := func(f func([]byte) []byte) []byte { return f(bytes.Clone(good)) }
	t1len := bytes.IndexByte(good, SepFS) + 1
	cases := map[string]struct {
		data  []byte
		field string
	}{
		"empty":           {nil, ""},
		"truncated":       {good[:len(good)-1], "9.001"},
		"cut in type-1":   {good[:50], "1.001"},
		"length too long": {mut(func(b []byte) []byte { copy(b[6:9], "999"); return b }), "1.001"},
		"no FS at end":    {mut(func(b []byte) []byte { b[t1len-1] = 'X'; return b }), "1.001"},
		"FS in a field":   {mut(func(b []byte) []byte { b[20] = SepFS; return b }), "1.002"},
		"trailing bytes":  {append(bytes.Clone(good), 'x'), ""},
		"CNT count": {mut(func(b []byte) []byte {
			i := bytes.Index(b, []byte("1.003:1\x1f1"))
			b[i+8] = '2'
			return b
		}), "1.003"},
		"CNT too many": {mut(func(b []byte) []byte {
			i := bytes.Index(b, []byte("1.003:1\x1f1\x1e9"))
			b[i+8] = '9'
			return b
		}), "1.003"},
		"bad tag":        {mut(func(b []byte) []byte { b[t1len+12] = 'x'; return b }), ""},
		"not a tag":      {[]byte("hello world, not a transaction"), ""},
		"huge count":     {[]byte("1.001:22\x1d1.003:1\x1f9999\x1c"), "1.003"},
		"binary too big": {binaryTooBig(t), "4.001"},
	}
	for name, c := range cases {
		_, err := ReadTransaction(c.data)
		var fe *FormatError
		if !errors.As(err, &fe) {
			t.Errorf("%s: got %v, want *FormatError", name, err)
			continue
		}
		if fe.Field != c.field {
			t.Errorf("%s: field %q (%v), want %q", name, fe.Field, fe, c.field)
		}
	}
}

// TestTransactionIDCDifferingFromCNT reads a partner's transaction whose
// record carries another IDC than the one 1.003 (CNT) lists for it: read,
// warned about with the record and the offset, and written back byte for
// byte.
func TestTransactionIDCDifferingFromCNT(t *testing.T) {
	data := bytes.Clone(readShared(t, "ansinist", "type9.an2k"))
	i := bytes.Index(data, []byte("9.002:00"))
	data[i+7] = '3' // the Type-9 record says IDC 3; CNT still lists 00
	tx, err := ReadTransaction(data)
	if err != nil {
		t.Fatalf("the transaction is refused: %v", err)
	}
	if len(tx.Warnings) != 1 {
		t.Fatalf("warnings: %v", tx.Warnings)
	}
	w := tx.Warnings[0]
	recordStart := int64(bytes.LastIndexByte(data[:i], SepFS) + 1)
	if w.Field != "IDC" || w.Record != 1 || w.Offset != recordStart || !strings.Contains(w.Msg, "IDC 3, 1.003 (CNT) lists 0") {
		t.Errorf("warning %+v (record 1 starts at byte %d)", w, recordStart)
	}
	out, err := WriteTransaction(tx)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, data) {
		t.Fatal("the rewrite is not byte-exact")
	}
}

// binaryTooBig is a Type-4 record whose length runs past the input.
func binaryTooBig(t *testing.T) []byte {
	tx, err := ReadTransaction(readShared(t, "ansinist", "NISTFile.ebts"))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := WriteTransaction(tx)
	off := int(tx.Records[2].Offset)
	data[off] = 0x7F
	return data
}

// bigTransaction builds a transaction of about size bytes from the slaps
// transaction, repeating its Type-4 records.
func bigTransaction(tb testing.TB, size int) []byte {
	tx, err := ReadTransaction(readShared(tb, "ansinist", "type4-slaps.an2k"))
	if err != nil {
		tb.Fatal(err)
	}
	images := tx.Records[2:]
	total := 0
	for _, r := range tx.Records {
		total += 5 + len(r.Header) + len(r.Data)
	}
	for i := 0; total < size; i++ {
		src := images[i%len(images)]
		rec := *src
		rec.IDC = (len(tx.Records)) % 256
		tx.Records = append(tx.Records, &rec)
		total += 5 + len(rec.Header) + len(rec.Data)
	}
	data, err := WriteTransaction(tx)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

func TestBigTransactionRoundTrips(t *testing.T) {
	data := bigTransaction(t, 2_500_000)
	tx, err := ReadTransaction(data)
	if err != nil {
		t.Fatal(err)
	}
	out, err := WriteTransaction(tx)
	if err != nil || !bytes.Equal(out, data) {
		t.Fatalf("2.5 MB transaction does not round-trip: %v", err)
	}
}

func BenchmarkReadTransaction2_5MB(b *testing.B) {
	data := bigTransaction(b, 2_500_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadTransaction(data); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(data))/1e6, "MB/transaction")
}

func BenchmarkWriteTransaction2_5MB(b *testing.B) {
	tx, err := ReadTransaction(bigTransaction(b, 2_500_000))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := WriteTransaction(tx); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadTransactionEBTS(b *testing.B) {
	data := readShared(b, "ansinist", "NISTFile2.ebts")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadTransaction(data); err != nil {
			b.Fatal(err)
		}
	}
}
