package iddoc

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/enlace-desk/enlace/cases"
)

// MRZFormat is the layout of a machine-readable zone (ICAO 9303).
type MRZFormat string

const (
	TD1  MRZFormat = "TD1"   // ID card: 3 lines of 30
	TD2  MRZFormat = "TD2"   // ID card or travel document: 2 lines of 36
	TD3  MRZFormat = "TD3"   // passport: 2 lines of 44
	MRVA MRZFormat = "MRV-A" // visa: 2 lines of 44, no composite check digit
	MRVB MRZFormat = "MRV-B" // visa: 2 lines of 36, no composite check digit
)

// MRZ is a machine-readable zone whose check digits all agree. Text fields
// hold MRZ characters with fillers turned into single spaces and trimmed.
type MRZ struct {
	Format         MRZFormat
	DocumentType   string // "P", "PE", "I", "ID", "V", ...
	IssuingState   string // ICAO code: "ECU", "USA", "D" (Germany), "UTO" (specimen)
	Surnames       string // primary identifier: "MACIAS VILLAMAR"
	GivenNames     string // secondary identifier: "JOSE ADOLFO"
	NameTruncated  bool   // the name fills its field: it may have been cut
	DocumentNumber string
	Nationality    string
	BirthDate      cases.PartialDate // month and day are 0 when the MRZ leaves them unknown
	Sex            cases.Sex
	ExpiryDate     cases.PartialDate
	OptionalData   string // TD3: personal number; TD1: line 1 positions 16–30; TD2, visas: line 2 optional data
	OptionalData2  string // TD1 only: line 2 positions 19–29
	Lines          []string
}

// Names of MRZ fields, as MRZError.Field reports them.
const (
	FieldLayout         = "layout"
	FieldCharacter      = "character"
	FieldDocumentType   = "document type"
	FieldDocumentNumber = "document number"
	FieldBirthDate      = "birth date"
	FieldSex            = "sex"
	FieldExpiryDate     = "expiry date"
	FieldPersonalNumber = "personal number"
	FieldComposite      = "composite"
)

// MRZError says which MRZ field is wrong and where: Line and Position are
// 1-based (0 when the error concerns the whole zone). For a check digit,
// Position is the check digit's own position and Expected/Found are digits.
type MRZError struct {
	Field    string
	Line     int
	Position int
	Expected string
	Found    string
	Reason   string // the rule broken, when it is not a check digit
}

func (e *MRZError) Error() string {
	where := "MRZ"
	if e.Line > 0 {
		where = fmt.Sprintf("MRZ line %d, position %d", e.Line, e.Position)
	}
	if e.Reason != "" {
		return fmt.Sprintf("%s: %s: %s", where, e.Field, e.Reason)
	}
	return fmt.Sprintf("%s: %s check digit is %s, expected %s", where, e.Field, e.Found, e.Expected)
}

// Unwrap gives the domain error, code cases.EINVALID.
func (e *MRZError) Unwrap() error { return invalid(e) }

// mrzValue is the ICAO 9303 value of an MRZ character: digits their value,
// A–Z 10–35, the filler 0.
func mrzValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return 0
}

// MRZCheckDigit computes the ICAO 9303 check digit of MRZ characters:
// values weighted 7, 3, 1 repeating, summed, modulo 10. Characters outside
// 0–9 and A–Z count as 0.
func MRZCheckDigit(s string) int {
	return mrzCheckParts(s)
}

func mrzCheckParts(parts ...string) int {
	weights := [3]int{7, 3, 1}
	sum, i := 0, 0
	for _, p := range parts {
		for j := 0; j < len(p); j++ {
			sum += mrzValue(p[j]) * weights[i%3]
			i++
		}
	}
	return sum % 10
}

func isMRZChar(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r == '<'
}

// upperASCII upper-cases a–z only, so no other character can turn into an
// MRZ character.
func upperASCII(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return r >= 'a' && r <= 'z' }) < 0 {
		return s
	}
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// mrzShapes are the line layouts an MRZ may have.
var mrzShapes = []struct{ lines, width int }{{2, 44}, {3, 30}, {2, 36}}

// splitMRZ turns pasted text into MRZ lines: upper case, CR and LF accepted,
// blank lines and surrounding whitespace dropped; text pasted as one run of
// 88, 90 or 72 characters (whitespace ignored) is cut into its lines.
func splitMRZ(text string) ([]string, error) {
	text = upperASCII(text)
	var lines []string
	for l := range strings.FieldsFuncSeq(text, func(r rune) bool { return r == '\n' || r == '\r' }) {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	for _, sh := range mrzShapes {
		if len(lines) != sh.lines {
			continue
		}
		ok := true
		for _, l := range lines {
			ok = ok && utf8.RuneCountInString(l) == sh.width
		}
		if ok {
			return lines, checkMRZChars(lines)
		}
	}
	joined := strings.Join(strings.Fields(text), "")
	n := utf8.RuneCountInString(joined)
	for _, sh := range mrzShapes {
		if n != sh.lines*sh.width {
			continue
		}
		if err := checkMRZChars([]string{joined}); err != nil {
			return nil, err
		}
		out := make([]string, sh.lines)
		for i := range out {
			out[i] = joined[i*sh.width : (i+1)*sh.width]
		}
		return out, nil
	}
	return nil, &MRZError{Field: FieldLayout, Found: describeLines(lines),
		Reason: describeLines(lines) + "; an MRZ is 2 lines of 44 (passport), 3 lines of 30 (ID card) or 2 lines of 36"}
}

func describeLines(lines []string) string {
	switch {
	case len(lines) == 0:
		return "no text"
	case len(lines) > 4:
		return fmt.Sprintf("%d lines", len(lines))
	case len(lines) == 1:
		return fmt.Sprintf("1 line of %d characters", utf8.RuneCountInString(lines[0]))
	}
	lens := make([]string, len(lines))
	for i, l := range lines {
		lens[i] = strconv.Itoa(utf8.RuneCountInString(l))
	}
	return fmt.Sprintf("%d lines of %s characters", len(lines), strings.Join(lens, ", "))
}

func checkMRZChars(lines []string) error {
	for i, l := range lines {
		pos := 0
		for _, r := range l {
			pos++
			if !isMRZChar(r) {
				return &MRZError{Field: FieldCharacter, Line: i + 1, Position: pos, Found: strconv.QuoteRune(r),
					Reason: fmt.Sprintf("%s is not an MRZ character (A to Z, 0 to 9, <)", strconv.QuoteRune(r))}
			}
		}
	}
	return nil
}

// ParseMRZAt reads a machine-readable zone pasted as text (TD1, TD2, TD3,
// MRV-A or MRV-B), verifies every check digit, and returns its fields. The
// birth year's century is chosen so that the birth date is not after now;
// the expiry year's so that it lies within 50 years of now. Errors are
// *MRZError.
func ParseMRZAt(text string, now time.Time) (*MRZ, error) {
	lines, err := splitMRZ(text)
	if err != nil {
		return nil, err
	}
	p := &mrzParser{now: now, m: &MRZ{Lines: lines}}
	if err := p.parse(); err != nil {
		return nil, err
	}
	return p.m, nil
}

type mrzParser struct {
	now time.Time
	m   *MRZ
}

func (p *mrzParser) parse() error {
	l := p.m.Lines
	if err := p.header(l[0]); err != nil {
		return err
	}
	switch {
	case len(l) == 3:
		p.m.Format = TD1
		return p.td1()
	case len(l[0]) == 44 && l[0][0] == 'V':
		p.m.Format = MRVA
	case len(l[0]) == 44:
		p.m.Format = TD3
	case l[0][0] == 'V':
		p.m.Format = MRVB
	default:
		p.m.Format = TD2
	}
	return p.twoLine()
}

// header reads what every format holds at the start of line 1: the document
// type (positions 1–2) and the issuing state (3–5).
func (p *mrzParser) header(l1 string) error {
	if l1[0] < 'A' || l1[0] > 'Z' {
		return &MRZError{Field: FieldDocumentType, Line: 1, Position: 1, Found: l1[:1],
			Reason: fmt.Sprintf("document type starts with %q; it must be a letter (P passport, I or A or C identity card, V visa)", l1[:1])}
	}
	p.m.DocumentType = unfill(l1[0:2])
	p.m.IssuingState = unfill(l1[2:5])
	return nil
}

// unfill turns fillers into single spaces and trims.
func unfill(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '<' }), " ")
}

// check verifies the check digit at 1-based position pos of line, computed
// over parts. When emptyOK, a filler is accepted in place of the digit if the
// data is all fillers.
func check(field string, line, pos int, c byte, emptyOK bool, parts ...string) error {
	want := mrzCheckParts(parts...)
	if c == '<' && emptyOK && strings.Trim(strings.Join(parts, ""), "<") == "" {
		return nil
	}
	if c < '0' || c > '9' || int(c-'0') != want {
		return &MRZError{Field: field, Line: line, Position: pos, Expected: strconv.Itoa(want), Found: string(c)}
	}
	return nil
}

// documentNumber reads a 9-character document number and its check digit
// (at 0-based index cd of line). When the check digit is a filler, TD1 and
// TD2 continue the number in the optional data (ICAO 9303 part 5 and 6,
// note j): the extra characters, then the check digit, then a filler; the
// first 9 characters then hold no filler. It returns the number and what remains of the optional data.
func documentNumber(line int, l string, start, cd int, opt string, optStart int, long bool) (string, string, error) {
	num := l[start : start+9]
	if l[cd] != '<' || !long || strings.Contains(num, "<") {
		if err := check(FieldDocumentNumber, line, cd+1, l[cd], false, num); err != nil {
			return "", "", err
		}
		return unfill(num), opt, nil
	}
	i := strings.IndexByte(opt, '<')
	if i < 0 {
		i = len(opt)
	}
	if i == 0 {
		return "", "", &MRZError{Field: FieldDocumentNumber, Line: line, Position: cd + 1, Expected: strconv.Itoa(mrzCheckParts(num)), Found: "<"}
	}
	ext := opt[:i-1]
	if err := check(FieldDocumentNumber, line, optStart+i-1, opt[i-1], false, num, ext); err != nil {
		return "", "", err
	}
	return unfill(num + ext), opt[i:], nil
}

// date reads a YYMMDD field at 0-based index start of line. Unknown month or
// day may be written as fillers or 00. birth chooses the century rule.
func (p *mrzParser) date(field string, line int, l string, start int, birth bool) (cases.PartialDate, error) {
	s := l[start : start+6]
	if s == "<<<<<<" {
		return cases.PartialDate{}, nil
	}
	bad := func(off int, reason string) error {
		return &MRZError{Field: field, Line: line, Position: start + off + 1, Found: s, Expected: "YYMMDD", Reason: reason}
	}
	num := func(off int, what string, unknownOK bool) (int, error) {
		a, b := s[off], s[off+1]
		if unknownOK && a == '<' && b == '<' {
			return 0, nil
		}
		if a < '0' || a > '9' || b < '0' || b > '9' {
			return 0, bad(off, fmt.Sprintf("%s %q is not a number (date written YYMMDD)", what, s[off:off+2]))
		}
		return int(a-'0')*10 + int(b-'0'), nil
	}
	yy, err := num(0, "year", false)
	if err != nil {
		return cases.PartialDate{}, err
	}
	mm, err := num(2, "month", true)
	if err != nil {
		return cases.PartialDate{}, err
	}
	dd, err := num(4, "day", true)
	if err != nil {
		return cases.PartialDate{}, err
	}
	if mm > 12 {
		return cases.PartialDate{}, bad(2, fmt.Sprintf("month %02d does not exist", mm))
	}
	if mm == 0 {
		dd = 0
	}
	now := p.now
	year := now.Year()/100*100 + yy
	if birth {
		m, d := max(mm, 1), max(dd, 1)
		if m <= 12 && time.Date(year, time.Month(m), min(d, 28), 0, 0, 0, 0, time.UTC).After(now) {
			year -= 100
		}
	} else {
		switch {
		case year > now.Year()+50:
			year -= 100
		case year <= now.Year()-50:
			year += 100
		}
	}
	if dd > 0 {
		t := time.Date(year, time.Month(mm), dd, 0, 0, 0, 0, time.UTC)
		if t.Day() != dd {
			return cases.PartialDate{}, bad(4, fmt.Sprintf("day %02d does not exist in %04d-%02d", dd, year, mm))
		}
		if birth && t.After(now) {
			// Same month as now but a later day: one more century back.
			year -= 100
		}
	}
	return cases.PartialDate{Year: year, Month: mm, Day: dd}, nil
}

func sexOf(line, pos int, c byte) (cases.Sex, error) {
	switch c {
	case 'M':
		return cases.SexMale, nil
	case 'F':
		return cases.SexFemale, nil
	case '<', 'X':
		return cases.SexUnknown, nil
	}
	return "", &MRZError{Field: FieldSex, Line: line, Position: pos, Found: string(c), Expected: "M, F, X or <",
		Reason: fmt.Sprintf("%q is not a sex (M, F, X or <)", string(c))}
}

// name reads the name field: primary identifier, "<<", secondary identifier.
func (p *mrzParser) name(s string) {
	p.m.NameTruncated = s[len(s)-1] != '<'
	s = strings.TrimRight(s, "<")
	primary, secondary, _ := strings.Cut(s, "<<")
	p.m.Surnames = unfill(primary)
	p.m.GivenNames = unfill(secondary)
}

// birthSexExpiry reads the block every format shares: birth date (6), its
// check digit, sex, expiry (6), its check digit, from 0-based index at.
func (p *mrzParser) birthSexExpiry(line int, l string, at int) error {
	var err error
	if err = check(FieldBirthDate, line, at+7, l[at+6], false, l[at:at+6]); err != nil {
		return err
	}
	if p.m.BirthDate, err = p.date(FieldBirthDate, line, l, at, true); err != nil {
		return err
	}
	if p.m.Sex, err = sexOf(line, at+8, l[at+7]); err != nil {
		return err
	}
	if err = check(FieldExpiryDate, line, at+15, l[at+14], false, l[at+8:at+14]); err != nil {
		return err
	}
	p.m.ExpiryDate, err = p.date(FieldExpiryDate, line, l, at+8, false)
	return err
}

// twoLine parses TD2, TD3, MRV-A and MRV-B.
func (p *mrzParser) twoLine() error {
	l1, l2 := p.m.Lines[0], p.m.Lines[1]
	w := len(l1)
	p.name(l1[5:w])
	optEnd := w
	switch p.m.Format {
	case TD3:
		optEnd = 42
	case TD2:
		optEnd = 35
	}
	long := p.m.Format == TD2
	num, opt, err := documentNumber(2, l2, 0, 9, l2[28:optEnd], 29, long)
	if err != nil {
		return err
	}
	p.m.DocumentNumber = num
	p.m.Nationality = unfill(l2[10:13])
	if err := p.birthSexExpiry(2, l2, 13); err != nil {
		return err
	}
	p.m.OptionalData = unfill(opt)
	switch p.m.Format {
	case TD3:
		if err := check(FieldPersonalNumber, 2, 43, l2[42], true, l2[28:42]); err != nil {
			return err
		}
		return check(FieldComposite, 2, 44, l2[43], false, l2[0:10], l2[13:20], l2[21:43])
	case TD2:
		return check(FieldComposite, 2, 36, l2[35], false, l2[0:10], l2[13:20], l2[21:35])
	}
	return nil
}

// td1 parses the three-line ID card format.
func (p *mrzParser) td1() error {
	l1, l2, l3 := p.m.Lines[0], p.m.Lines[1], p.m.Lines[2]
	num, opt, err := documentNumber(1, l1, 5, 14, l1[15:30], 16, true)
	if err != nil {
		return err
	}
	p.m.DocumentNumber = num
	p.m.OptionalData = unfill(opt)
	if err := p.birthSexExpiry(2, l2, 0); err != nil {
		return err
	}
	p.m.Nationality = unfill(l2[15:18])
	p.m.OptionalData2 = unfill(l2[18:29])
	p.name(l3)
	return check(FieldComposite, 2, 30, l2[29], false, l1[5:30], l2[0:7], l2[8:15], l2[18:29])
}
