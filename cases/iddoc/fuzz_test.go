package iddoc

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/enlace-desk/enlace/cases"
)

func FuzzParseMRZ(f *testing.F) {
	for _, s := range []string{
		td3L1 + "\n" + td3L2,
		td1L1 + "\n" + td1L2 + "\n" + td1L3,
		td3L1 + td3L2,
		strings.ToLower(td1L1 + "\r\n" + td1L2 + "\r\n" + td1L3),
		"I<ECU092668785<6<<<<<<<<<<<<<<\n9005171F3105171ECU<<<<<<<<<<<8\nZAMBRANO<LOOR<<MARIA<<<<<<<<<<",
		"V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL8988901C4XXX4009078F96121096ZE184226B<<<<<<",
		"I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6",
		"", "<", "P<", strings.Repeat("<", 88), strings.Repeat("\n", 5),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMRZAt(s, refNow)
		if err != nil {
			var me *MRZError
			if !errors.As(err, &me) || cases.ErrorCode(err) != cases.EINVALID || m != nil {
				t.Fatalf("error %v (%T) with %v", err, err, m)
			}
			return
		}
		// Every check digit of a parsed MRZ recomputes independently.
		l := m.Lines
		checks := map[MRZFormat][][3]int{ // line index, check position (0-based), then ranges follow
			TD3: {{1, 19, 13}, {1, 27, 21}},
			TD1: {{1, 6, 0}, {1, 14, 8}},
		}
		for _, c := range checks[m.Format] {
			if got := int(l[c[0]][c[1]] - '0'); got != refMRZCheck(l[c[0]][c[2]:c[1]]) {
				t.Fatalf("%s: check digit at %d disagrees", m.Format, c[1])
			}
		}
		switch m.Format {
		case TD3:
			if int(l[1][43]-'0') != refMRZCheck(l[1][0:10]+l[1][13:20]+l[1][21:43]) {
				t.Fatal("TD3 composite disagrees")
			}
		case TD1:
			if int(l[1][29]-'0') != refMRZCheck(l[0][5:30]+l[1][0:7]+l[1][8:15]+l[1][18:29]) {
				t.Fatal("TD1 composite disagrees")
			}
		}
		if d := m.BirthDate; !d.IsZero() && time.Date(d.Year, time.Month(max(d.Month, 1)), max(d.Day, 1), 0, 0, 0, 0, time.UTC).After(refNow) {
			t.Fatalf("birth date %s is after the reference", d)
		}
		if _, err := cases.ParsePartialDate(m.BirthDate.String()); err != nil && !m.BirthDate.IsZero() {
			t.Fatalf("birth date %s: %v", m.BirthDate, err)
		}
		_ = m.Name()
		_ = m.Document()
		if c, ok := m.Cedula(); ok && ValidateCedula(c.Number) != nil {
			t.Fatalf("Cedula() = %s, which does not validate", c.Number)
		}
		// What was read writes back and reads again to the same fields,
		// when the name is letters only and was not cut.
		lettersOnly := strings.Trim(m.Surnames+m.GivenNames, "ABCDEFGHIJKLMNOPQRSTUVWXYZ ") == ""
		if lettersOnly && !m.NameTruncated {
			again, err := formatMRZ(m, m.Format)
			if err != nil {
				t.Fatalf("cannot rewrite\n%s\n%v", strings.Join(l, "\n"), err)
			}
			reparsed, err := ParseMRZAt(again, refNow)
			if err != nil {
				t.Fatalf("rewrite of\n%s\ngave\n%s\n%v", strings.Join(l, "\n"), again, err)
			}
			reparsed.Lines, reparsed.NameTruncated = m.Lines, m.NameTruncated
			if !reflect.DeepEqual(reparsed, m) {
				t.Fatalf("rewrite of\n%s\ngave\n%s\nread %+v\nnot  %+v", strings.Join(l, "\n"), again, reparsed, m)
			}
		}
	})
}

func FuzzValidateCedula(f *testing.F) {
	for _, s := range []string{"1714307103", "1714307104", "171430710-3", "0926687856", "926687856", "2514307103",
		"1794307103", "", "17143O7103", "1714307103001", "ñ", "3012345678"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := NormalizeCedula(s)
		if err != nil {
			var ce *CedulaError
			if !errors.As(err, &ce) || cases.ErrorCode(err) != cases.EINVALID || ValidateCedula(s) == nil {
				t.Fatalf("error %v (%T)", err, err)
			}
		} else {
			if ValidateCedula(s) != nil || len(c) != 10 {
				t.Fatalf("%q normalised to %q", s, c)
			}
			for _, r := range c {
				if r < '0' || r > '9' {
					t.Fatalf("%q normalised to %q", s, c)
				}
			}
			if int(c[9]-'0') != refCedulaCheck(c) {
				t.Fatalf("%q validates but its check digit is wrong", c)
			}
			if _, ok := ProvinceName(int(c[0]-'0')*10 + int(c[1]-'0')); !ok || c[2] > '5' {
				t.Fatalf("%q validates with a bad province or third digit", c)
			}
		}
		if ced, err := ValidateRUC(s); err == nil && ValidateCedula(ced) != nil {
			t.Fatalf("RUC %q gives cédula %q that does not validate", s, ced)
		}
		if len(s) >= 9 {
			if d, err := CedulaCheckDigit(s[:9]); err == nil && d != refCedulaCheck(s[:9]+"0") {
				t.Fatalf("CedulaCheckDigit(%q) = %d", s[:9], d)
			}
		}
	})
}

func FuzzNormalizeANumber(f *testing.F) {
	for _, s := range []string{"A011223344", "a-11223344", "A# 1122334", "11223344", "EAC1234567890", "A", "A#", "A0000000", "A1234567890", "é"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, bare bool) {
		var opts []ANumberOption
		if bare {
			opts = append(opts, AcceptBareDigits)
		}
		a, err := NormalizeANumber(s, opts...)
		if err != nil {
			var ae *ANumberError
			if !errors.As(err, &ae) || cases.ErrorCode(err) != cases.EINVALID || a != "" {
				t.Fatalf("error %v (%T) with %q", err, err, a)
			}
			return
		}
		if len(a) != 10 || a[0] != 'A' || strings.Trim(a[1:], "0123456789") != "" || strings.Trim(a[1:], "0") == "" {
			t.Fatalf("%q normalised to %q", s, a)
		}
		// The normal form is a fixed point, and its digits are the input's.
		if again, err := NormalizeANumber(a); err != nil || again != a {
			t.Fatalf("NormalizeANumber(%q) = %q, %v", a, again, err)
		}
		var digits strings.Builder
		for _, r := range s {
			if r >= '0' && r <= '9' {
				digits.WriteRune(r)
			}
		}
		if !strings.HasSuffix(a, strings.TrimLeft(digits.String(), "0")) {
			t.Fatalf("%q normalised to %q: digits differ", s, a)
		}
	})
}

func FuzzClassify(f *testing.F) {
	for _, s := range []string{"", "José Macías", "1714307103", "171430710-3", "1714307104", "926687856", "1714307103001",
		"A011223344", "a12345678", "A#1122334", "EAC1234567890", "L898902C3", "ab 123456", "Ana 1984",
		td3L1 + "\n" + td3L2, td1L1 + td1L2 + td1L3, td3L1} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := Classify(s, refNow)
		if r.Err != nil && cases.ErrorCode(r.Err) != cases.EINVALID {
			t.Fatalf("error %v has code %q", r.Err, cases.ErrorCode(r.Err))
		}
		kinds := append([]InputKind{r.Kind}, r.Also...)
		for _, k := range kinds {
			switch k {
			case KindEmpty:
				if strings.TrimSpace(s) != "" {
					t.Fatalf("%q classified empty", s)
				}
			case KindName:
				if r.Err != nil {
					t.Fatalf("a name with error %v", r.Err)
				}
			case KindMRZ:
				if (r.MRZ == nil) == (r.Err == nil) {
					t.Fatalf("MRZ %v with error %v", r.MRZ, r.Err)
				}
			case KindCedula, KindRUC:
				if r.Err == nil && ValidateCedula(r.Cedula) != nil {
					t.Fatalf("%q read as cédula %q that does not validate", s, r.Cedula)
				}
				if r.Err == nil && int(r.Cedula[9]-'0') != refCedulaCheck(r.Cedula) {
					t.Fatalf("cédula %q check digit wrong", r.Cedula)
				}
			case KindANumber:
				if r.Err == nil {
					if again, err := NormalizeANumber(r.ANumber); err != nil || again != r.ANumber {
						t.Fatalf("A-number %q not normal", r.ANumber)
					}
				}
			case KindPassport:
				if n := len(r.Passport); n < PassportMinLength || n > PassportMaxLength || NormalizePassport(r.Passport) != r.Passport {
					t.Fatalf("passport %q from %q", r.Passport, s)
				}
			}
		}
		// Conservative: text without a digit is never read as a number.
		if !strings.ContainsAny(s, "0123456789") && r.Kind != KindName && r.Kind != KindEmpty && r.Kind != KindMRZ {
			t.Fatalf("%q without digits read as %s", s, r.Kind)
		}
		_ = r.Documents()
	})
}
