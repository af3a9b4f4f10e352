package iddoc

import (
	"fmt"
	"strings"

	"github.com/enlace-desk/enlace/cases"
)

// FormatTD3 writes m as a passport MRZ (two lines of 44, joined by "\n") with
// every check digit computed. DocumentType defaults to "P". Names are
// transliterated (accents dropped, spaces and hyphens become fillers) and cut
// to fit; other fields that do not fit are an error.
func FormatTD3(m *MRZ) (string, error) { return formatMRZ(m, TD3) }

// FormatTD2 writes m as a two-line, 36-character MRZ (see FormatTD3).
// DocumentType defaults to "I".
func FormatTD2(m *MRZ) (string, error) { return formatMRZ(m, TD2) }

// FormatTD1 writes m as an identity card MRZ (three lines of 30, joined by
// "\n"). DocumentType defaults to "I". A document number longer than 9
// continues in the optional data, as ICAO 9303 prescribes.
func FormatTD1(m *MRZ) (string, error) { return formatMRZ(m, TD1) }

// mrzFold maps letters with diacritics to their MRZ letters (ICAO 9303
// part 3, section 6), for the letters Ecuadorian, US and European names use.
var mrzFold = map[rune]string{
	'Á': "A", 'À': "A", 'Â': "A", 'Ä': "A", 'Ã': "A", 'Å': "A", 'Æ': "AE",
	'Ç': "C", 'É': "E", 'È': "E", 'Ê': "E", 'Ë': "E",
	'Í': "I", 'Ì': "I", 'Î': "I", 'Ï': "I", 'Ñ': "N",
	'Ó': "O", 'Ò': "O", 'Ô': "O", 'Ö': "O", 'Õ': "O", 'Ø': "O", 'Œ': "OE",
	'Ú': "U", 'Ù': "U", 'Û': "U", 'Ü': "U", 'Ý': "Y", 'ß': "SS",
}

// mrzName transliterates a name part: upper case, accents dropped, spaces,
// hyphens and apostrophes to fillers, anything else left out.
func mrzName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '<':
			b.WriteByte('<')
		case r == '\'' || r == '’':
		default:
			b.WriteString(mrzFold[r])
		}
	}
	return strings.Trim(collapseFillers(b.String()), "<")
}

func collapseFillers(s string) string {
	for strings.Contains(s, "<<") {
		s = strings.ReplaceAll(s, "<<", "<")
	}
	return s
}

type mrzFormatError struct{ field, reason string }

func (e *mrzFormatError) Error() string { return "cannot write MRZ: " + e.field + ": " + e.reason }
func (e *mrzFormatError) Unwrap() error { return invalid(e) }

// mrzField upper-cases s, turns spaces into fillers, checks the characters
// and pads to width.
func mrzField(field, s string, width int) (string, error) {
	s = strings.ReplaceAll(upperASCII(strings.TrimSpace(s)), " ", "<")
	for _, r := range s {
		if !isMRZChar(r) {
			return "", &mrzFormatError{field, fmt.Sprintf("%q is not an MRZ character", r)}
		}
	}
	if len(s) > width {
		return "", &mrzFormatError{field, fmt.Sprintf("%q is longer than %d characters", s, width)}
	}
	return s + strings.Repeat("<", width-len(s)), nil
}

func mrzDate(field string, d cases.PartialDate) (string, error) {
	if d.IsZero() {
		return "<<<<<<", nil
	}
	if d.Month < 0 || d.Month > 12 || d.Day < 0 || d.Day > 31 || d.Year < 0 {
		return "", &mrzFormatError{field, fmt.Sprintf("%s is not a date", d)}
	}
	s := fmt.Sprintf("%02d", d.Year%100)
	for _, v := range []int{d.Month, d.Day} {
		if v == 0 || d.Month == 0 {
			s += "<<"
		} else {
			s += fmt.Sprintf("%02d", v)
		}
	}
	return s, nil
}

func mrzSex(s cases.Sex) (string, error) {
	switch s {
	case cases.SexMale, cases.SexFemale:
		return string(s), nil
	case cases.SexUnknown, "":
		return "<", nil
	}
	return "", &mrzFormatError{FieldSex, fmt.Sprintf("%q is not M, F or X", s)}
}

func checkChar(parts ...string) string { return string(rune('0' + mrzCheckParts(parts...))) }

func formatMRZ(m *MRZ, f MRZFormat) (string, error) {
	width := map[MRZFormat]int{TD1: 30, TD2: 36, TD3: 44, MRVA: 44, MRVB: 36}[f]
	docType := m.DocumentType
	if docType == "" {
		docType = map[MRZFormat]string{TD1: "I", TD2: "I", TD3: "P", MRVA: "V", MRVB: "V"}[f]
	}
	typ, err := mrzField(FieldDocumentType, docType, 2)
	if err != nil {
		return "", err
	}
	state, err := mrzField("issuing state", m.IssuingState, 3)
	if err != nil {
		return "", err
	}
	nat, err := mrzField("nationality", m.Nationality, 3)
	if err != nil {
		return "", err
	}
	birth, err := mrzDate(FieldBirthDate, m.BirthDate)
	if err != nil {
		return "", err
	}
	expiry, err := mrzDate(FieldExpiryDate, m.ExpiryDate)
	if err != nil {
		return "", err
	}
	sex, err := mrzSex(m.Sex)
	if err != nil {
		return "", err
	}
	nameWidth := width - 5
	if f == TD1 {
		nameWidth = 30
	}
	name := mrzName(m.Surnames)
	if g := mrzName(m.GivenNames); g != "" {
		name += "<<" + g
	}
	if len(name) > nameWidth {
		name = name[:nameWidth]
	}
	name += strings.Repeat("<", nameWidth-len(name))
	number := strings.ReplaceAll(upperASCII(strings.TrimSpace(m.DocumentNumber)), " ", "<")
	if f == TD1 {
		return formatTD1(m, typ+state, name, number, birth+checkChar(birth)+sex+expiry+checkChar(expiry)+nat)
	}
	// Two-line formats.
	optWidth := map[MRZFormat]int{TD2: 7, TD3: 14, MRVA: 16, MRVB: 8}[f]
	num, opt, err := numberAndOptional(number, m.OptionalData, optWidth, f == TD2)
	if err != nil {
		return "", err
	}
	l1 := typ + state + name
	l2 := num + nat + birth + checkChar(birth) + sex + expiry + checkChar(expiry) + opt
	switch f {
	case TD3:
		if strings.Trim(opt, "<") == "" {
			l2 += "<"
		} else {
			l2 += checkChar(opt)
		}
		l2 += checkChar(l2[0:10], l2[13:20], l2[21:43])
	case TD2:
		l2 += checkChar(l2[0:10], l2[13:20], l2[21:35])
	}
	return l1 + "\n" + l2, nil
}

// numberAndOptional writes the document number with its check digit (10
// characters) and the optional data field of optWidth. A number longer than
// 9 continues in the optional data when long is set.
func numberAndOptional(number, optional string, optWidth int, long bool) (string, string, error) {
	if len(number) <= 9 {
		num, err := mrzField(FieldDocumentNumber, number, 9)
		if err != nil {
			return "", "", err
		}
		opt, err := mrzField("optional data", optional, optWidth)
		if err != nil {
			return "", "", err
		}
		return num + checkChar(num), opt, nil
	}
	if !long {
		return "", "", &mrzFormatError{FieldDocumentNumber, fmt.Sprintf("%q is longer than 9 characters", number)}
	}
	if _, err := mrzField(FieldDocumentNumber, number, len(number)); err != nil {
		return "", "", err
	}
	if strings.Contains(number, "<") {
		return "", "", &mrzFormatError{FieldDocumentNumber, fmt.Sprintf("%q: a long document number cannot hold spaces", number)}
	}
	opt := number[9:] + checkChar(number) + "<"
	if o := strings.TrimSpace(optional); o != "" {
		opt += o
	}
	opt, err := mrzField("optional data", opt, optWidth)
	if err != nil {
		return "", "", &mrzFormatError{FieldDocumentNumber, fmt.Sprintf("%q with the optional data does not fit in the MRZ", number)}
	}
	return number[:9] + "<", opt, nil
}

func formatTD1(m *MRZ, typState, name, number, l2head string) (string, error) {
	num, opt, err := numberAndOptional(number, m.OptionalData, 15, true)
	if err != nil {
		return "", err
	}
	opt2, err := mrzField("optional data", m.OptionalData2, 11)
	if err != nil {
		return "", err
	}
	l1 := typState + num + opt
	l2 := l2head + opt2
	l2 += checkChar(l1[5:30], l2[0:7], l2[8:15], l2[18:29])
	return l1 + "\n" + l2 + "\n" + name, nil
}
