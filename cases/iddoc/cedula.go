package iddoc

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/enlace-desk/enlace/cases"
)

// CedulaLength is the number of digits in a cédula.
const CedulaLength = 10

// ProvinceAbroad is the province code of Ecuadorians registered abroad.
const ProvinceAbroad = 30

// Province is an Ecuadorian province as the first two digits of a cédula
// name it.
type Province struct {
	Code int
	Name string
}

// Provinces lists every province code a cédula may start with, in code order.
var Provinces = []Province{
	{1, "Azuay"}, {2, "Bolívar"}, {3, "Cañar"}, {4, "Carchi"}, {5, "Cotopaxi"},
	{6, "Chimborazo"}, {7, "El Oro"}, {8, "Esmeraldas"}, {9, "Guayas"}, {10, "Imbabura"},
	{11, "Loja"}, {12, "Los Ríos"}, {13, "Manabí"}, {14, "Morona Santiago"}, {15, "Napo"},
	{16, "Pastaza"}, {17, "Pichincha"}, {18, "Tungurahua"}, {19, "Zamora Chinchipe"},
	{20, "Galápagos"}, {21, "Sucumbíos"}, {22, "Orellana"},
	{23, "Santo Domingo de los Tsáchilas"}, {24, "Santa Elena"},
	{ProvinceAbroad, "registered abroad"},
}

// ProvinceName returns the name of a cédula province code, and false if no
// province has that code.
func ProvinceName(code int) (string, bool) {
	for _, p := range Provinces {
		if p.Code == code {
			return p.Name, true
		}
	}
	return "", false
}

// CedulaRule names the cédula rule an input breaks.
type CedulaRule string

const (
	CedulaRuleLength     CedulaRule = "length"      // not exactly 10 digits
	CedulaRuleDigit      CedulaRule = "digit"       // a character that is not a digit
	CedulaRuleProvince   CedulaRule = "province"    // digits 1–2 not 01–24 or 30
	CedulaRuleNatural    CedulaRule = "third_digit" // digit 3 is 6 or more: not a natural person
	CedulaRuleCheckDigit CedulaRule = "check_digit" // digit 10 does not match digits 1–9
	CedulaRuleRUC        CedulaRule = "ruc"         // a RUC's length or establishment number is wrong
)

// CedulaError says which rule a cédula (or RUC) breaks, and where.
type CedulaError struct {
	Input    string     // the input as checked, spaces and dashes removed
	Rule     CedulaRule // the rule broken
	Position int        // 1-based position of the offending character, 0 if none
	Found    string     // what the input holds: a digit count, a character, province digits, a digit
	Expected string     // what the rule wants, when there is one answer (the check digit)
	Hint     string     // an extra sentence for the officer, may be empty
}

func (e *CedulaError) Error() string {
	var msg string
	what := "cédula"
	if e.Rule == CedulaRuleRUC {
		what = "RUC"
	}
	switch e.Rule {
	case CedulaRuleLength:
		msg = fmt.Sprintf("has %s digits; a cédula has %d", e.Found, CedulaLength)
	case CedulaRuleDigit:
		msg = fmt.Sprintf("character %d is %s, not a digit", e.Position, e.Found)
	case CedulaRuleProvince:
		msg = fmt.Sprintf("province digits %s are not a province (01 to 24, or 30 for registered abroad)", e.Found)
	case CedulaRuleNatural:
		msg = fmt.Sprintf("third digit is %s; a natural person's cédula has 0 to 5 there", e.Found)
	case CedulaRuleCheckDigit:
		msg = fmt.Sprintf("check digit is %s, expected %s", e.Found, e.Expected)
	case CedulaRuleRUC:
		msg = e.Found
	default:
		msg = string(e.Rule)
	}
	s := fmt.Sprintf("%s %s: %s", what, e.Input, msg)
	if e.Hint != "" {
		s += " (" + e.Hint + ")"
	}
	return s
}

// Unwrap gives the domain error, code cases.EINVALID.
func (e *CedulaError) Unwrap() error { return invalid(e) }

// invalid wraps a typed error as the domain's "input breaks a rule" error.
func invalid(err error) error {
	return &cases.Error{Code: cases.EINVALID, Message: err.Error()}
}

// stripSeparators removes the spaces, dashes and dots people write inside
// numbers ("171430710-3", "17 1430 7103").
func stripSeparators(s string) string {
	s = strings.TrimSpace(s)
	if strings.IndexFunc(s, isSeparator) < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if !isSeparator(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isSeparator(r rune) bool {
	switch r {
	case ' ', '\t', '-', '.', '\u00a0', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2212':
		return true
	}
	return false
}

// NormalizeCedula removes spaces, dashes and dots from s, checks every cédula
// rule, and returns the 10 digits. The error is a *CedulaError.
func NormalizeCedula(s string) (string, error) {
	c := stripSeparators(s)
	if err := checkCedula(c); err != nil {
		return "", err
	}
	return c, nil
}

// ValidateCedula checks s against every cédula rule (spaces, dashes and dots
// allowed) and returns a *CedulaError naming the first rule broken, or nil.
func ValidateCedula(s string) error {
	_, err := NormalizeCedula(s)
	return err
}

func checkCedula(c string) error {
	for i, r := range c {
		if r < '0' || r > '9' {
			return &CedulaError{Input: c, Rule: CedulaRuleDigit, Position: runePosition(c, i), Found: strconv.QuoteRune(r)}
		}
	}
	if len(c) != CedulaLength {
		e := &CedulaError{Input: c, Rule: CedulaRuleLength, Found: strconv.Itoa(len(c))}
		if len(c) == CedulaLength-1 && checkCedula("0"+c) == nil {
			e.Hint = "a leading 0 may be missing: 0" + c + " is valid"
		}
		return e
	}
	prov := int(c[0]-'0')*10 + int(c[1]-'0')
	if _, ok := ProvinceName(prov); !ok {
		return &CedulaError{Input: c, Rule: CedulaRuleProvince, Position: 1, Found: c[:2]}
	}
	if c[2] >= '6' {
		e := &CedulaError{Input: c, Rule: CedulaRuleNatural, Position: 3, Found: c[2:3]}
		switch c[2] {
		case '6':
			e.Hint = "6 marks a public body's RUC"
		case '9':
			e.Hint = "9 marks a company's RUC"
		}
		return e
	}
	want := cedulaCheck(c[:9])
	if got := int(c[9] - '0'); got != want {
		return &CedulaError{Input: c, Rule: CedulaRuleCheckDigit, Position: 10, Found: strconv.Itoa(got), Expected: strconv.Itoa(want)}
	}
	return nil
}

// runePosition turns a byte offset in s into a 1-based character position.
func runePosition(s string, byteOffset int) int {
	return len([]rune(s[:byteOffset])) + 1
}

// cedulaCheck computes the check digit of 9 ASCII digits (not checked).
func cedulaCheck(d string) int {
	sum := 0
	for i := 0; i < 9; i++ {
		v := int(d[i] - '0')
		if i%2 == 0 {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return (10 - sum%10) % 10
}

// CedulaCheckDigit returns the check digit for the first nine digits of a
// cédula: digits times 2,1,2,1,…, 9 subtracted from products over 9, summed
// to S, check = (10 − S mod 10) mod 10. Only the form of first9 (nine digits)
// is checked, not the province or third digit.
func CedulaCheckDigit(first9 string) (int, error) {
	for i, r := range first9 {
		if r < '0' || r > '9' {
			return 0, &CedulaError{Input: first9, Rule: CedulaRuleDigit, Position: runePosition(first9, i), Found: strconv.QuoteRune(r)}
		}
	}
	if len(first9) != 9 {
		return 0, &CedulaError{Input: first9, Rule: CedulaRuleLength, Found: strconv.Itoa(len(first9)),
			Hint: "the check digit is computed from the first 9 digits"}
	}
	return cedulaCheck(first9), nil
}

// MakeCedula builds a valid cédula for demonstration data, the same for the
// same arguments. province should be a code from Provinces; any other value
// is mapped onto the table by its position modulo the table's length. serial
// fills digits 3–9 and is taken modulo 6,000,000 so that digit 3 stays below
// 6 (a natural person).
func MakeCedula(province int, serial int) string {
	if _, ok := ProvinceName(province); !ok {
		i := province % len(Provinces)
		if i < 0 {
			i += len(Provinces)
		}
		province = Provinces[i].Code
	}
	const serials = 6_000_000
	serial %= serials
	if serial < 0 {
		serial += serials
	}
	first9 := fmt.Sprintf("%02d%07d", province, serial)
	return first9 + strconv.Itoa(cedulaCheck(first9))
}

// RUCLength is the number of digits in a natural person's RUC.
const RUCLength = 13

// ValidateRUC checks a natural person's RUC (tax number): a valid cédula
// followed by a 3-digit establishment number other than 000. Spaces, dashes
// and dots are allowed. It returns the cédula.
func ValidateRUC(s string) (string, error) {
	c := stripSeparators(s)
	for i, r := range c {
		if r < '0' || r > '9' {
			return "", &CedulaError{Input: c, Rule: CedulaRuleRUC, Position: runePosition(c, i),
				Found: fmt.Sprintf("character %d is %s, not a digit", runePosition(c, i), strconv.QuoteRune(r))}
		}
	}
	if len(c) != RUCLength {
		return "", &CedulaError{Input: c, Rule: CedulaRuleRUC,
			Found: fmt.Sprintf("has %d digits; a RUC has %d (the cédula and a 3-digit establishment number)", len(c), RUCLength)}
	}
	if err := checkCedula(c[:CedulaLength]); err != nil {
		return "", err
	}
	if c[CedulaLength:] == "000" {
		return "", &CedulaError{Input: c, Rule: CedulaRuleRUC, Position: CedulaLength + 1,
			Found: "establishment number is 000; it starts at 001"}
	}
	return c[:CedulaLength], nil
}
