package iddoc

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/enlace-desk/enlace/cases"
)

// InputKind is what a query line holds.
type InputKind string

const (
	KindEmpty    InputKind = "empty"
	KindMRZ      InputKind = "mrz"      // a machine-readable zone
	KindCedula   InputKind = "cedula"   // an Ecuadorian cédula
	KindRUC      InputKind = "ruc"      // an Ecuadorian RUC (cédula + establishment)
	KindANumber  InputKind = "a_number" // a US A-number (or a receipt number typed for one)
	KindPassport InputKind = "passport" // a token of letters and digits shaped like a passport number
	KindName     InputKind = "name"     // free text, searched as a name
)

// MRZMinLength is the length (whitespace ignored) from which text holding a
// filler "<" is read as an MRZ: a single 30-character TD1 line or more.
const MRZMinLength = 30

// Passport numbers as Classify recognises them: 6 to 9 letters and digits.
const (
	PassportMinLength = 6
	PassportMaxLength = 9
)

// Recognized is what Classify read in a query line. Kind is the most likely
// reading; Also lists other readings worth searching too (a 9-digit number
// may be a passport number or a cédula missing its leading 0). The fields
// for every reading in Kind and Also are filled.
type Recognized struct {
	Kind     InputKind
	Also     []InputKind
	Input    string // the line, surrounding whitespace removed
	MRZ      *MRZ   // KindMRZ when it parsed
	Cedula   string // KindCedula, KindRUC: the 10 digits (as typed when Err is set)
	ANumber  string // KindANumber: "A" and 9 digits
	Passport string // KindPassport: NormalizePassport of the token
	// Err is why the line, read as Kind, breaks that kind's rules
	// (*MRZError, *CedulaError, *ANumberError); nil when it is valid.
	Err error
}

// Documents returns the documents to look up for a valid reading, in order:
// the primary reading first. It is empty for a name, or when Err is set.
func (r Recognized) Documents() []cases.Document {
	if r.Err != nil {
		return nil
	}
	var out []cases.Document
	for _, k := range append([]InputKind{r.Kind}, r.Also...) {
		switch k {
		case KindMRZ:
			out = append(out, r.MRZ.Document())
			if c, ok := r.MRZ.Cedula(); ok && c != out[len(out)-1] {
				out = append(out, c)
			}
		case KindCedula, KindRUC:
			out = append(out, cases.Document{Kind: cases.DocCedula, Number: r.Cedula, Country: "ECU"})
		case KindANumber:
			out = append(out, cases.Document{Kind: cases.DocANumber, Number: r.ANumber, Country: "USA"})
		case KindPassport:
			out = append(out, cases.Document{Kind: cases.DocPassport, Number: r.Passport})
		}
	}
	return out
}

// Classify tells what an officer typed in one query line. It is
// conservative: text without digits, or with a word of three or more
// letters, is a name; text holding "<" and at least MRZMinLength characters
// is an MRZ (parsed at now, or its error); digits are a cédula (10 to 12, so
// a mistyped one gets its error), a RUC (13) or a passport number (6 to 9,
// also read as an A-number and, for 9 digits, as a cédula missing its
// leading 0); "A" and 7 to 9 digits is an A-number; 6 to 9 letters and digits
// a passport number. Spaces, dashes and dots inside numbers are ignored.
func Classify(input string, now time.Time) Recognized {
	in := strings.TrimSpace(input)
	r := Recognized{Kind: KindName, Input: in}
	if in == "" {
		r.Kind = KindEmpty
		return r
	}
	if strings.ContainsRune(in, '<') && runesWithoutSpace(in) >= MRZMinLength {
		r.Kind = KindMRZ
		r.MRZ, r.Err = ParseMRZAt(in, now)
		if r.Err != nil {
			r.MRZ = nil
		}
		return r
	}
	if !strings.ContainsFunc(in, unicode.IsDigit) || hasWord(in) {
		return r
	}
	c := upperASCII(stripSeparators(in))
	letters, digits := 0, 0
	for _, ch := range c {
		switch {
		case ch >= 'A' && ch <= 'Z':
			letters++
		case ch >= '0' && ch <= '9':
			digits++
		case ch == '#' && strings.HasPrefix(c, "A#"):
		default:
			return r // punctuation or other scripts: free text
		}
	}
	n := len(c)
	switch {
	case isReceiptNumber(c):
		r.Kind = KindANumber
		_, r.Err = NormalizeANumber(c)
	case letters == 0:
		classifyDigits(&r, c)
	case c[0] == 'A' && letters == 1:
		a, err := NormalizeANumber(c)
		passportShaped := c[1] != '#' && n >= PassportMinLength && n <= PassportMaxLength
		switch {
		case err == nil:
			r.Kind, r.ANumber = KindANumber, a
			if passportShaped {
				r.Also, r.Passport = []InputKind{KindPassport}, NormalizePassport(c)
			}
		case passportShaped:
			r.Kind, r.Passport = KindPassport, NormalizePassport(c)
		default:
			r.Kind, r.Err = KindANumber, err
		}
	case strings.ContainsRune(c, '#'):
		// Only "A#" lets a '#' through; with more letters it is free text.
	case n >= PassportMinLength && n <= PassportMaxLength:
		r.Kind, r.Passport = KindPassport, NormalizePassport(c)
	}
	return r
}

// classifyDigits reads a run of digits.
func classifyDigits(r *Recognized, c string) {
	n := len(c)
	switch {
	case n == RUCLength:
		r.Kind = KindRUC
		ced, err := ValidateRUC(c)
		r.Cedula, r.Err = ced, err
		if err != nil {
			r.Cedula = c[:CedulaLength]
		}
	case n >= CedulaLength && n <= CedulaLength+2:
		r.Kind, r.Cedula, r.Err = KindCedula, c, checkCedula(c)
	case n >= PassportMinLength && n <= PassportMaxLength:
		r.Kind, r.Passport = KindPassport, c
		if a, err := NormalizeANumber(c, AcceptBareDigits); err == nil {
			r.Also, r.ANumber = append(r.Also, KindANumber), a
		}
		if n == CedulaLength-1 && checkCedula("0"+c) == nil {
			r.Kind, r.Cedula = KindCedula, "0"+c
			r.Also = append([]InputKind{KindPassport}, r.Also...)
		}
	}
}

func runesWithoutSpace(s string) int {
	n := 0
	for _, r := range s {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// hasWord reports whether s holds a word of three or more letters and
// nothing else: such text is a name, even beside digits ("Ana 1984").
func hasWord(s string) bool {
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == ',' }) {
		if utf8.RuneCountInString(w) >= 3 && !strings.ContainsFunc(w, func(r rune) bool { return !unicode.IsLetter(r) }) {
			return true
		}
	}
	return false
}
