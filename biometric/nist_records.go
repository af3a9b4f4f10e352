package biometric

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// TransactionInfo is what the Type-1 record says about a transaction.
type TransactionInfo struct {
	Version           string // 1.002 VER, "0500" for ANSI/NIST-ITL 1-2011
	TransactionType   string // 1.004 TOT
	Date              string // 1.005 DAT, YYYYMMDD
	Priority          string // 1.006 PRY
	Destination       string // 1.007 DAI, destination agency
	Originating       string // 1.008 ORI, originating agency
	ControlNumber     string // 1.009 TCN
	ControlReference  string // 1.010 TCR
	NativeResolution  string // 1.011 NSR, pixels per mm ("19.69")
	NominalResolution string // 1.012 NTR
}

// Info reads the Type-1 record's fields.
func (tx *Transaction) Info() TransactionInfo {
	if len(tx.Records) == 0 {
		return TransactionInfo{}
	}
	r := tx.Records[0]
	return TransactionInfo{
		Version: r.Text(2), TransactionType: r.Text(4), Date: r.Text(5), Priority: r.Text(6),
		Destination: r.Text(7), Originating: r.Text(8), ControlNumber: r.Text(9), ControlReference: r.Text(10),
		NativeResolution: r.Text(11), NominalResolution: r.Text(12),
	}
}

// Descriptive is the subject's description in a Type-2 record, in the FBI
// EBTS field numbering (the usual one; Type-2 content is defined by the
// receiving agency).
type Descriptive struct {
	IDC          int
	Name         string   // 2.018 NAM, "SURNAME, GIVEN MIDDLE"
	Aliases      []string // 2.019 AKA
	PlaceOfBirth string   // 2.020 POB, country or state code
	Citizenship  []string // 2.021 CTZ
	DateOfBirth  string   // 2.022 DOB, YYYYMMDD
	Sex          string   // 2.024 SEX: M, F, X, U
	Race         string   // 2.025 RAC
	Height       string   // 2.027 HGT, feet and inches "510"
	Weight       string   // 2.029 WGT, pounds
	Eyes         string   // 2.031 EYE
	Hair         string   // 2.032 HAI
}

// Descriptive field numbers (EBTS).
const (
	fieldNAM = 18
	fieldAKA = 19
	fieldPOB = 20
	fieldCTZ = 21
	fieldDOB = 22
	fieldSEX = 24
	fieldRAC = 25
	fieldHGT = 27
	fieldWGT = 29
	fieldEYE = 31
	fieldHAI = 32
)

// Descriptives reads every Type-2 record.
func (tx *Transaction) Descriptives() []Descriptive {
	var out []Descriptive
	for _, r := range tx.Records {
		if r.Type != 2 {
			continue
		}
		idc, _ := recordIDC(r)
		out = append(out, Descriptive{
			IDC: idc, Name: r.Text(fieldNAM), Aliases: repeated(r, fieldAKA), PlaceOfBirth: r.Text(fieldPOB),
			Citizenship: repeated(r, fieldCTZ), DateOfBirth: r.Text(fieldDOB), Sex: r.Text(fieldSEX),
			Race: r.Text(fieldRAC), Height: r.Text(fieldHGT), Weight: r.Text(fieldWGT), Eyes: r.Text(fieldEYE), Hair: r.Text(fieldHAI),
		})
	}
	return out
}

func repeated(r *LogicalRecord, n int) []string {
	f, ok := r.Field(n)
	if !ok || len(f.Value) == 0 {
		return nil
	}
	return strings.Split(string(f.Value), string(rune(SepRS)))
}

// FingerImage is the header of a fingerprint image record: a binary Type-3
// to Type-6 record or a tagged Type-13 (latent) or Type-14 (variable
// resolution) record.
type FingerImage struct {
	Record     int // index in Transaction.Records
	Type       int
	IDC        int
	Impression int   // IMP
	Positions  []int // FGP, finger positions (0 unknown, 1-10 fingers, 13-15 slaps ...)
	Width      int   // HLL, pixels
	Height     int   // VLL, pixels
	// Resolution: for Types 3-6, ISR (0 native scanning, 1 nominal
	// transmitting; see the Type-1 NSR and NTR); for Types 13 and 14, SLC
	// (1 pixels per inch, 2 pixels per cm) with the horizontal and
	// vertical pixel scales.
	ScaleUnits       int
	HScale, VScale   int
	Compression      string // "NONE", "WSQ20", "JPEGB", ... (Types 3-6: from the GCA code)
	BitsPerPixel     int    // BPX, Types 13 and 14
	ImageBytes       int
	ResolutionPPCM   int // pixels per cm when known, else 0
	ResolutionSource string
}

// binaryCompression names the Type-4 GCA codes.
var binaryCompression = map[int]string{0: "NONE", 1: "WSQ20", 2: "JPEGB", 3: "JPEGL", 4: "JP2", 5: "JP2L", 6: "PNG"}

// FingerImages reads the headers of the transaction's fingerprint image
// records.
func (tx *Transaction) FingerImages() []FingerImage {
	var out []FingerImage
	info := tx.Info()
	for i, r := range tx.Records {
		switch {
		case r.Type >= 3 && r.Type <= 6 && len(r.Header) == 13:
			h := r.Header
			img := FingerImage{Record: i, Type: r.Type, IDC: r.IDC, Impression: int(h[0]), ScaleUnits: int(h[7]),
				Width: int(binary.BigEndian.Uint16(h[8:])), Height: int(binary.BigEndian.Uint16(h[10:])), ImageBytes: len(r.Data)}
			for _, p := range h[1:7] {
				if p != 0xFF {
					img.Positions = append(img.Positions, int(p))
				}
			}
			if name, ok := binaryCompression[int(h[12])]; ok {
				img.Compression = name
			} else {
				img.Compression = strconv.Itoa(int(h[12]))
			}
			res := info.NativeResolution
			img.ResolutionSource = "1.011 NSR"
			if h[7] == 1 {
				res, img.ResolutionSource = info.NominalResolution, "1.012 NTR"
			}
			if ppmm, err := strconv.ParseFloat(res, 64); err == nil && ppmm > 0 {
				img.ResolutionPPCM = int(math.Round(ppmm * 10))
			}
			out = append(out, img)
		case r.Type == 13 || r.Type == 14:
			idc, _ := recordIDC(r)
			img := FingerImage{Record: i, Type: r.Type, IDC: idc, Impression: atoiOr(r.Text(3)),
				Width: atoiOr(r.Text(6)), Height: atoiOr(r.Text(7)), ScaleUnits: atoiOr(r.Text(8)),
				HScale: atoiOr(r.Text(9)), VScale: atoiOr(r.Text(10)), Compression: r.Text(11), BitsPerPixel: atoiOr(r.Text(12))}
			if f, ok := r.Field(13); ok {
				for _, s := range Subfields(f.Value) {
					img.Positions = append(img.Positions, atoiOr(s[0]))
				}
			}
			if f, ok := r.Field(999); ok {
				img.ImageBytes = len(f.Value)
			}
			img.ResolutionSource = "SLC/THPS"
			switch img.ScaleUnits {
			case 1:
				img.ResolutionPPCM = int(math.Round(float64(img.HScale) / 2.54))
			case 2:
				img.ResolutionPPCM = img.HScale
			}
			out = append(out, img)
		}
	}
	return out
}

func atoiOr(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0
	}
	return n
}

// MinutiaeSource says which block of a Type-9 record minutiae came from.
type MinutiaeSource string

const (
	SourceLegacy MinutiaeSource = "9.012 legacy (IAFIS)"
	SourceINCITS MinutiaeSource = "9.137 INCITS 378"
	SourceEFS    MinutiaeSource = "9.331 extended feature set"
)

// FingerMinutiae is one Type-9 record's minutiae as a Template.
type FingerMinutiae struct {
	Record   int // index in Transaction.Records
	IDC      int
	Source   MinutiaeSource
	Template Template
	// Note says what the conversion could not settle (for example a legacy
	// block whose image height is unknown, so Y stays measured from the
	// bottom edge as stored).
	Note string
}

// Minutiae reads the minutiae of every Type-9 record: the INCITS 378 block
// (9.126-9.141), the legacy IAFIS block (9.010-9.012) and the extended
// feature set minutiae (9.331), each converted to the internal Template
// convention (pixels from the top-left, angles counter-clockwise in the
// ISO/ANSI direction). Errors name the record and field.
func (tx *Transaction) Minutiae() ([]FingerMinutiae, error) {
	var out []FingerMinutiae
	images := tx.FingerImages()
	for i, r := range tx.Records {
		if r.Type != 9 {
			continue
		}
		idc, _ := recordIDC(r)
		if _, ok := r.Field(137); ok {
			t, err := incitsBlock(r)
			if err != nil {
				return nil, tx.fieldError(i, err)
			}
			out = append(out, FingerMinutiae{Record: i, IDC: idc, Source: SourceINCITS, Template: t})
		}
		if _, ok := r.Field(12); ok {
			fm, err := legacyBlock(tx, r, images, idc)
			if err != nil {
				return nil, tx.fieldError(i, err)
			}
			fm.Record = i
			out = append(out, fm)
		}
		if _, ok := r.Field(331); ok {
			t, err := efsBlock(r)
			if err != nil {
				return nil, tx.fieldError(i, err)
			}
			out = append(out, FingerMinutiae{Record: i, IDC: idc, Source: SourceEFS, Template: t,
				Note: "coordinates in 10 µm units (resolution given as 1000 per cm)"})
		}
	}
	return out, nil
}

// fieldProblem is an error inside one field, turned into a FormatError with
// the record's index and offset by Transaction.fieldError.
type fieldProblem struct {
	field string
	msg   string
}

func (p *fieldProblem) Error() string { return p.field + ": " + p.msg }

func problem(field string, format string, args ...any) error {
	return &fieldProblem{field: field, msg: fmt.Sprintf(format, args...)}
}

func (tx *Transaction) fieldError(rec int, err error) error {
	p, ok := err.(*fieldProblem)
	if !ok {
		return err
	}
	return &FormatError{Format: nistFormat, Record: rec, Field: p.field, Offset: tx.Records[rec].Offset, Msg: p.msg}
}

// incitsBlock reads 9.126-9.141.
func incitsBlock(r *LogicalRecord) (Template, error) {
	var t Template
	t.Width, t.Height = atoiOr(r.Text(128)), atoiOr(r.Text(129))
	slc := atoiOr(r.Text(130))
	h, v := atoiOr(r.Text(131)), atoiOr(r.Text(132))
	switch slc {
	case 1: // pixels per inch
		t.XRes, t.YRes = int(math.Round(float64(h)/2.54)), int(math.Round(float64(v)/2.54))
	case 2:
		t.XRes, t.YRes = h, v
	}
	t.ViewNumber = atoiOr(r.Text(133))
	t.FingerPosition = atoiOr(r.Text(134))
	t.ImpressionType = atoiOr(r.Text(3))
	if f, ok := r.Field(135); ok {
		if subs := Subfields(f.Value); len(subs) > 0 {
			t.Quality = atoiOr(subs[0][0])
		}
	}
	f, _ := r.Field(137)
	subs := Subfields(f.Value)
	if n := r.Text(136); n != "" && atoiOr(n) != len(subs) {
		return t, problem("9.136", "NOM says %s minutiae, 9.137 holds %d", n, len(subs))
	}
	t.Minutiae = make([]Minutia, 0, len(subs))
	for j, s := range subs {
		if len(s) != 6 {
			return t, problem("9.137", "minutia %d has %d items, want 6 (index, x, y, angle, type, quality)", j+1, len(s))
		}
		var n [6]int
		for k, it := range s {
			v, err := strconv.Atoi(it)
			if err != nil || v < 0 {
				return t, problem("9.137", "minutia %d item %d %q is not a number", j+1, k+1, it)
			}
			n[k] = v
		}
		if n[3] > 179 || n[4] > 2 || n[1] > coordMask || n[2] > coordMask {
			return t, problem("9.137", "minutia %d out of range (angle 0-179, type 0-2, x and y 0-16383)", j+1)
		}
		t.Minutiae = append(t.Minutiae, Minutia{X: n[1], Y: n[2], Angle: float64(n[3] * 2), Type: MinutiaType(n[4]), Quality: n[5]})
	}
	if f, ok := r.Field(138); ok {
		for _, s := range Subfields(f.Value) {
			if len(s) == 3 {
				t.RidgeCounts = append(t.RidgeCounts, RidgeCount{A: atoiOr(s[0]) - 1, B: atoiOr(s[1]) - 1, Count: atoiOr(s[2])})
			}
		}
	}
	if f, ok := r.Field(139); ok {
		for _, s := range Subfields(f.Value) {
			c := Core{X: atoiOr(s[0])}
			if len(s) > 1 {
				c.Y = atoiOr(s[1])
			}
			if len(s) > 2 && s[2] != "" {
				c.Angle, c.HasAngle = float64(atoiOr(s[2])*2), true
			}
			t.Cores = append(t.Cores, c)
		}
	}
	if f, ok := r.Field(140); ok {
		extra := [][]string(nil)
		if a, ok := r.Field(141); ok {
			extra = Subfields(a.Value)
		}
		for j, s := range Subfields(f.Value) {
			d := Delta{X: atoiOr(s[0])}
			if len(s) > 1 {
				d.Y = atoiOr(s[1])
			}
			if len(s) > 2 && s[2] != "" {
				d.Angles, d.HasAngle = []float64{float64(atoiOr(s[2]) * 2)}, true
				if j < len(extra) {
					for _, a := range extra[j] {
						if a != "" {
							d.Angles = append(d.Angles, float64(atoiOr(a)*2))
						}
					}
				}
			}
			t.Deltas = append(t.Deltas, d)
		}
	}
	return t, nil
}

// legacyBlock reads 9.010-9.012: positions in 0.01 mm from the bottom-left
// corner, angles in degrees pointing the opposite way to ISO/ANSI.
func legacyBlock(tx *Transaction, r *LogicalRecord, images []FingerImage, idc int) (FingerMinutiae, error) {
	fm := FingerMinutiae{IDC: idc, Source: SourceLegacy}
	t := &fm.Template
	t.ImpressionType = atoiOr(r.Text(3))
	if f, ok := r.Field(6); ok {
		if subs := Subfields(f.Value); len(subs) > 0 {
			t.FingerPosition = atoiOr(subs[0][0])
		}
	}
	// pixels per 0.01 mm: from the image record with the same IDC, else
	// the Type-1 native scanning resolution, else 500 ppi
	ppcm := 0.0
	height := 0
	for _, img := range images {
		if img.IDC == idc && img.ResolutionPPCM > 0 {
			ppcm, height = float64(img.ResolutionPPCM), img.Height
			t.Width = img.Width
			break
		}
	}
	if ppcm == 0 {
		if v, err := strconv.ParseFloat(tx.Info().NativeResolution, 64); err == nil && v > 0 {
			ppcm = v * 10
		} else {
			ppcm = 196.85
		}
	}
	t.XRes, t.YRes = int(math.Round(ppcm)), int(math.Round(ppcm))
	t.Height = height
	if height == 0 {
		fm.Note = "image height unknown: Y is measured from the bottom edge, as stored"
	}
	f, _ := r.Field(12)
	subs := Subfields(f.Value)
	if n := r.Text(10); n != "" && atoiOr(n) != len(subs) {
		return fm, problem("9.010", "NMN says %s minutiae, 9.012 holds %d", n, len(subs))
	}
	t.Minutiae = make([]Minutia, 0, len(subs))
	for j, s := range subs {
		if len(s) < 4 || len(s[1]) != 11 {
			return fm, problem("9.012", "minutia %d: want index, XXXXYYYYTTT, quality, type", j+1)
		}
		x, e1 := strconv.Atoi(s[1][0:4])
		y, e2 := strconv.Atoi(s[1][4:8])
		th, e3 := strconv.Atoi(s[1][8:11])
		if e1 != nil || e2 != nil || e3 != nil || x < 0 || y < 0 || th < 0 || th > 360 {
			return fm, problem("9.012", "minutia %d position %q is not XXXXYYYYTTT", j+1, s[1])
		}
		m := Minutia{Angle: math.Mod(float64(th)+180, 360)}
		m.X = int(math.Round(float64(x) * ppcm / 1000))
		yp := float64(y) * ppcm / 1000
		if height > 0 {
			m.Y = max(0, int(math.Round(float64(height)-1-yp)))
		} else {
			m.Y = int(math.Round(yp))
		}
		switch s[3] {
		case "A":
			m.Type = MinutiaEnding
		case "B":
			m.Type = MinutiaBifurcation
		}
		if q := atoiOr(s[2]); q > 0 {
			m.Quality = min(100, int(math.Round(float64(q)*100/63)))
		}
		t.Minutiae = append(t.Minutiae, m)
		for _, rc := range s[4:] {
			a, b, ok := strings.Cut(rc, ",")
			if !ok {
				continue
			}
			if other := atoiOr(a); other > 0 {
				t.RidgeCounts = append(t.RidgeCounts, RidgeCount{A: j, B: other - 1, Count: atoiOr(b)})
			}
		}
	}
	return fm, nil
}

// efsBlock reads the extended feature set minutiae (9.331): x and y in
// 10 µm units from the top-left, theta in degrees, type E (ending), B
// (bifurcation) or X (unknown).
func efsBlock(r *LogicalRecord) (Template, error) {
	var t Template
	t.XRes, t.YRes = 1000, 1000
	t.ImpressionType = atoiOr(r.Text(3))
	if f, ok := r.Field(300); ok {
		if subs := Subfields(f.Value); len(subs) > 0 && len(subs[0]) >= 2 {
			t.Width, t.Height = atoiOr(subs[0][0]), atoiOr(subs[0][1])
		}
	}
	if f, ok := r.Field(302); ok {
		if subs := Subfields(f.Value); len(subs) > 0 {
			t.FingerPosition = atoiOr(subs[0][0])
		}
	}
	f, _ := r.Field(331)
	for j, s := range Subfields(f.Value) {
		if len(s) < 4 {
			return t, problem("9.331", "minutia %d has %d items, want at least x, y, theta, type", j+1, len(s))
		}
		x, e1 := strconv.Atoi(s[0])
		y, e2 := strconv.Atoi(s[1])
		th, e3 := strconv.Atoi(s[2])
		if e1 != nil || e2 != nil || e3 != nil || x < 0 || y < 0 || th < 0 || th > 360 {
			return t, problem("9.331", "minutia %d %q is not x, y, theta", j+1, s[:3])
		}
		m := Minutia{X: x, Y: y, Angle: float64(th % 360)}
		switch s[3] {
		case "E":
			m.Type = MinutiaEnding
		case "B":
			m.Type = MinutiaBifurcation
		}
		t.Minutiae = append(t.Minutiae, m)
	}
	return t, nil
}
