package biometric

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// fieldNames names the fields a desk meets most, by record type and field
// number (ANSI/NIST-ITL 1-2011 Update 2015; Type-2 as in FBI EBTS).
var fieldNames = map[int]map[int]string{
	1: {1: "LEN logical record length", 2: "VER version", 3: "CNT file content", 4: "TOT type of transaction",
		5: "DAT date", 6: "PRY priority", 7: "DAI destination agency", 8: "ORI originating agency",
		9: "TCN transaction control number", 10: "TCR transaction control reference", 11: "NSR native scanning resolution",
		12: "NTR nominal resolution", 13: "DOM domain name", 14: "GMT greenwich mean time", 15: "DCS character encoding",
		16: "APS application profile", 17: "ANM agency names", 18: "GNS geographic name set"},
	2: {1: "LEN logical record length", 2: "IDC information designation character", 14: "FBI FBI number",
		15: "SID state identification number", 16: "SOC social security number", 17: "MNU miscellaneous number",
		18: "NAM name", 19: "AKA aliases", 20: "POB place of birth", 21: "CTZ citizenship", 22: "DOB date of birth",
		24: "SEX sex", 25: "RAC race", 26: "SMT scars, marks and tattoos", 27: "HGT height", 29: "WGT weight",
		31: "EYE eye colour", 32: "HAI hair colour", 37: "RFP reason fingerprinted", 38: "DPR date printed",
		45: "DOA date of arrest", 47: "ASL arrest segment literal", 73: "CRI controlling agency"},
	9: {1: "LEN logical record length", 2: "IDC information designation character", 3: "IMP impression type",
		4: "FMT minutiae format", 5: "OFR originating fingerprint reading system", 6: "FGP finger position",
		7: "FPC pattern classification", 8: "CRP core position", 9: "DLT delta position", 10: "NMN number of minutiae",
		11: "MRC minutiae ridge count indicator", 12: "MRC minutiae and ridge count data",
		126: "CBI M1 CBEFF information", 127: "CEI M1 capture equipment", 128: "HLL M1 horizontal line length",
		129: "VLL M1 vertical line length", 130: "SLC M1 scale units", 131: "THPS M1 horizontal pixel scale",
		132: "TVPS M1 vertical pixel scale", 133: "FVW M1 finger view", 134: "FGP M1 finger position",
		135: "FQD M1 finger quality data", 136: "NOM M1 number of minutiae", 137: "FMD M1 finger minutiae data",
		138: "RCI M1 ridge count information", 139: "CIN M1 core information", 140: "DIN M1 delta information",
		141: "ADA M1 additional delta angles", 300: "ROI EFS region of interest", 301: "ORT EFS orientation",
		302: "FPP EFS finger, palm, plantar position", 303: "FSP EFS feature set profile", 307: "PAT EFS pattern classification",
		314: "TRV EFS tonal reversal", 315: "PLR EFS possible lateral reversal", 320: "COR EFS cores", 321: "DEL EFS deltas",
		324: "DIS EFS distinctive features", 325: "NCOR EFS no cores present", 326: "NDEL EFS no deltas present",
		331: "MIN EFS minutiae", 332: "MRA EFS minutiae ridge count algorithm", 333: "MRC EFS minutiae ridge counts",
		334: "NMIN EFS no minutiae present", 335: "RCC EFS ridge count confidence", 350: "MFD EFS method of feature detection",
		351: "COM EFS comment", 352: "LPM EFS latent processing method", 353: "EAA EFS examiner analysis assessment",
		355: "LSB EFS latent substrate", 356: "LMT EFS latent matrix"},
	10: {1: "LEN logical record length", 2: "IDC information designation character", 3: "IMT image type", 4: "SRC source agency",
		5: "PHD photo capture date", 6: "HLL horizontal line length", 7: "VLL vertical line length", 8: "SLC scale units",
		9: "THPS horizontal pixel scale", 10: "TVPS vertical pixel scale", 11: "CGA compression algorithm", 12: "CSP colour space",
		13: "SAP subject acquisition profile", 20: "POS subject pose", 999: "DATA image data"},
	13: {1: "LEN logical record length", 2: "IDC information designation character", 3: "IMP impression type", 4: "SRC source agency",
		5: "LCD latent capture date", 6: "HLL horizontal line length", 7: "VLL vertical line length", 8: "SLC scale units",
		9: "THPS horizontal pixel scale", 10: "TVPS vertical pixel scale", 11: "CGA compression algorithm", 12: "BPX bits per pixel",
		13: "FGP friction ridge position", 20: "COM comment", 999: "DATA image data"},
	14: {1: "LEN logical record length", 2: "IDC information designation character", 3: "IMP impression type", 4: "SRC source agency",
		5: "FCD fingerprint capture date", 6: "HLL horizontal line length", 7: "VLL vertical line length", 8: "SLC scale units",
		9: "THPS horizontal pixel scale", 10: "TVPS vertical pixel scale", 11: "CGA compression algorithm", 12: "BPX bits per pixel",
		13: "FGP finger position", 14: "PPD print position descriptors", 15: "PPC print position coordinates",
		20: "COM comment", 21: "SEG finger segment position", 22: "NQM NIST quality metric", 23: "SQM segmentation quality metric",
		24: "FQM fingerprint quality metric", 999: "DATA image data"},
	15: {1: "LEN logical record length", 2: "IDC information designation character", 999: "DATA image data"},
	17: {1: "LEN logical record length", 2: "IDC information designation character", 3: "FID feature identifier", 999: "DATA image data"},
}

// FieldName returns the mnemonic and name of field n of a record type, or
// "" when it is not one the desk knows.
func FieldName(recordType, n int) string {
	if names, ok := fieldNames[recordType]; ok {
		if s, ok := names[n]; ok {
			return s
		}
	}
	if n == 1 {
		return "LEN logical record length"
	}
	if n == 2 && !Binary(recordType) && recordType != 1 {
		return "IDC information designation character"
	}
	return ""
}

var recordNames = map[int]string{
	1: "transaction information", 2: "user-defined descriptive text", 3: "low-resolution grayscale fingerprint image",
	4: "high-resolution grayscale fingerprint image", 5: "low-resolution binary fingerprint image",
	6: "high-resolution binary fingerprint image", 7: "user-defined image", 8: "signature image", 9: "minutiae data",
	10: "face, scar, mark or tattoo image", 11: "voice", 12: "forensic dental", 13: "variable-resolution latent image",
	14: "variable-resolution fingerprint image", 15: "variable-resolution palmprint image", 16: "user-defined test image",
	17: "iris image", 18: "DNA", 19: "plantar image", 20: "source representation", 21: "associated context",
	22: "non-photographic imagery", 98: "information assurance", 99: "CBEFF biometric data",
}

// maxShown is how much of a text value a dump prints.
const maxShown = 160

// DumpTransaction prints tx record by record: each field with its name
// where known, text values with separators shown as <RS> and <US>, binary
// data as its size.
func DumpTransaction(w io.Writer, tx *Transaction) error {
	b := bufio.NewWriter(w)
	info := tx.Info()
	fmt.Fprintf(b, "ANSI/NIST-ITL transaction, version %s, %d records, type of transaction %s, TCN %s\n",
		info.Version, len(tx.Records), info.TransactionType, info.ControlNumber)
	for i, r := range tx.Records {
		fmt.Fprintf(b, "\nrecord %d: Type-%d %s (at byte %d)\n", i, r.Type, recordNames[r.Type], r.Offset)
		if Binary(r.Type) {
			dumpBinary(b, r)
			continue
		}
		for _, f := range r.Fields {
			name := FieldName(r.Type, f.Number)
			if name != "" {
				name = " " + name
			}
			if f.Number == 999 {
				fmt.Fprintf(b, "  %-8s%s: binary, %d bytes%s\n", f.Tag, name, len(f.Value), imageKind(f.Value))
				continue
			}
			fmt.Fprintf(b, "  %-8s%s: %s\n", f.Tag, name, showText(f.Value))
		}
	}
	for _, wr := range tx.Warnings {
		fmt.Fprintf(b, "\nwarning: %v\n", wr)
	}
	return b.Flush()
}

func dumpBinary(b *bufio.Writer, r *LogicalRecord) {
	fmt.Fprintf(b, "  LEN logical record length: %d\n", 5+len(r.Header)+len(r.Data))
	fmt.Fprintf(b, "  IDC information designation character: %d\n", r.IDC)
	h := r.Header
	switch {
	case len(h) == 13:
		var pos []string
		for _, p := range h[1:7] {
			if p != 0xFF {
				pos = append(pos, fmt.Sprint(p))
			}
		}
		comp, ok := binaryCompression[int(h[12])]
		if !ok {
			comp = fmt.Sprint(h[12])
		}
		fmt.Fprintf(b, "  IMP impression type: %d\n  FGP finger position: %s\n  ISR image scanning resolution: %d\n",
			h[0], strings.Join(pos, ", "), h[7])
		fmt.Fprintf(b, "  HLL horizontal line length: %d\n  VLL vertical line length: %d\n  GCA compression algorithm: %d (%s)\n",
			int(h[8])<<8|int(h[9]), int(h[10])<<8|int(h[11]), h[12], comp)
	case len(h) == 7:
		fmt.Fprintf(b, "  SIG signature type: %d\n  SRT signature representation type: %d\n  ISR image scanning resolution: %d\n",
			h[0], h[1], h[2])
		fmt.Fprintf(b, "  HLL horizontal line length: %d\n  VLL vertical line length: %d\n", int(h[3])<<8|int(h[4]), int(h[5])<<8|int(h[6]))
	}
	fmt.Fprintf(b, "  DATA image data: binary, %d bytes%s\n", len(r.Data), imageKind(r.Data))
}

// imageKind recognises common image encodings by their first bytes.
func imageKind(d []byte) string {
	switch {
	case len(d) >= 2 && d[0] == 0xFF && d[1] == 0xA0:
		return " (WSQ)"
	case len(d) >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF:
		return " (JPEG)"
	case len(d) >= 8 && string(d[1:4]) == "PNG":
		return " (PNG)"
	case len(d) >= 12 && string(d[4:12]) == "jP  \r\n\x87\n":
		return " (JPEG 2000)"
	}
	return ""
}

// showText prints a text value, separators made visible, long values cut.
func showText(v []byte) string {
	var s strings.Builder
	n := 0
	for i := 0; i < len(v); {
		if n >= maxShown {
			fmt.Fprintf(&s, "… (%d bytes)", len(v))
			break
		}
		c := v[i]
		switch {
		case c == SepRS:
			s.WriteString("<RS>")
		case c == SepUS:
			s.WriteString("<US>")
		case c < 0x20 || c == 0x7F:
			fmt.Fprintf(&s, "\\x%02X", c)
		default:
			r, size := utf8.DecodeRune(v[i:])
			if r == utf8.RuneError && size <= 1 {
				fmt.Fprintf(&s, "\\x%02X", c)
			} else {
				s.WriteString(string(v[i : i+size]))
				i += size
				n++
				continue
			}
		}
		i++
		n++
	}
	return s.String()
}

// DumpMinutiae prints minutiae per finger as the desk reads them: position
// in pixels from the top-left, angle in degrees, type and quality.
func DumpMinutiae(w io.Writer, fingers []FingerMinutiae) error {
	b := bufio.NewWriter(w)
	if len(fingers) == 0 {
		fmt.Fprintln(b, "no minutiae")
	}
	for _, f := range fingers {
		fmt.Fprintf(b, "record %d (Type-9, IDC %d), %s\n", f.Record, f.IDC, f.Source)
		if f.Note != "" {
			fmt.Fprintf(b, "  note: %s\n", f.Note)
		}
		dumpView(b, f.Template)
	}
	return b.Flush()
}

// DumpTemplate prints a finger minutiae record: its format, header and
// each view's minutiae.
func DumpTemplate(w io.Writer, rec *Record) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "format: %s\n", rec.Format)
	if rec.Format != FormatISO19794_2005 {
		fmt.Fprintf(b, "CBEFF product id: 0x%08X\n", rec.ProductID)
	}
	fmt.Fprintf(b, "capture equipment: compliance %d, device %d\n", rec.Equipment>>12, rec.Equipment&0x0FFF)
	if rec.Format != FormatINCITS378_2009 {
		fmt.Fprintf(b, "image: %dx%d px at %dx%d px/cm\n", rec.Width, rec.Height, rec.XRes, rec.YRes)
	}
	fmt.Fprintf(b, "finger views: %d\n", len(rec.Views))
	for i, v := range rec.Views {
		fmt.Fprintf(b, "view %d:\n", i)
		dumpView(b, v)
	}
	for _, wr := range rec.Warnings {
		fmt.Fprintf(b, "warning: %v\n", wr)
	}
	return b.Flush()
}

func dumpView(b *bufio.Writer, v Template) {
	fmt.Fprintf(b, "  finger position %d (%s), view %d, impression %d, quality %d, image %dx%d at %dx%d px/cm\n",
		v.FingerPosition, FingerName(v.FingerPosition), v.ViewNumber, v.ImpressionType, v.Quality, v.Width, v.Height, v.XRes, v.YRes)
	fmt.Fprintf(b, "  %d minutiae:\n", len(v.Minutiae))
	for j, m := range v.Minutiae {
		fmt.Fprintf(b, "    %3d  x %5d  y %5d  angle %7.3f  %-11s quality %d\n", j+1, m.X, m.Y, m.Angle, minutiaTypeName(m.Type), m.Quality)
	}
	for _, c := range v.Cores {
		if c.HasAngle {
			fmt.Fprintf(b, "  core at (%d,%d) angle %.3f\n", c.X, c.Y, c.Angle)
		} else {
			fmt.Fprintf(b, "  core at (%d,%d)\n", c.X, c.Y)
		}
	}
	for _, d := range v.Deltas {
		if d.HasAngle {
			fmt.Fprintf(b, "  delta at (%d,%d) angles %v\n", d.X, d.Y, d.Angles)
		} else {
			fmt.Fprintf(b, "  delta at (%d,%d)\n", d.X, d.Y)
		}
	}
	if len(v.RidgeCounts) > 0 {
		fmt.Fprintf(b, "  %d ridge counts\n", len(v.RidgeCounts))
	}
}

func minutiaTypeName(t MinutiaType) string {
	switch t {
	case MinutiaEnding:
		return "ending"
	case MinutiaBifurcation:
		return "bifurcation"
	}
	return "other"
}

var fingerNames = []string{"unknown", "right thumb", "right index", "right middle", "right ring", "right little",
	"left thumb", "left index", "left middle", "left ring", "left little", "plain right thumb", "plain left thumb",
	"plain right four fingers", "plain left four fingers", "plain thumbs"}

// FingerName names an ANSI/NIST finger position code.
func FingerName(p int) string {
	if p >= 0 && p < len(fingerNames) {
		return fingerNames[p]
	}
	return "code " + fmt.Sprint(p)
}
