package iddoc

import (
	"fmt"
	"strings"
)

// ANumberOption changes what NormalizeANumber accepts.
type ANumberOption int

const (
	// AcceptBareDigits accepts 7 to 9 digits without the leading "A", for a
	// field the officer has already marked as an A-number.
	AcceptBareDigits ANumberOption = iota + 1
)

// ANumberError says why a text is not a US A-number.
type ANumberError struct {
	Input   string // the text as given, trimmed
	Receipt bool   // the text is a USCIS receipt number
	Reason  string
}

func (e *ANumberError) Error() string {
	return fmt.Sprintf("A-number %q: %s", e.Input, e.Reason)
}

// Unwrap gives the domain error, code cases.EINVALID.
func (e *ANumberError) Unwrap() error { return invalid(e) }

// isReceiptNumber reports whether c (separators removed, upper case) has the
// form of a USCIS receipt number: three letters and ten digits.
func isReceiptNumber(c string) bool {
	if len(c) != 13 {
		return false
	}
	for i := 0; i < 13; i++ {
		if i < 3 && (c[i] < 'A' || c[i] > 'Z') || i >= 3 && (c[i] < '0' || c[i] > '9') {
			return false
		}
	}
	return true
}

// NormalizeANumber reads a US alien registration number, "A" followed by 7
// to 9 digits ("a", "A-", "A#", spaces and dashes accepted), and writes it
// padded to 9 digits: "A011223344". Bare digits are accepted only with
// AcceptBareDigits. A USCIS receipt number (three letters and ten digits,
// "EAC1234567890") is refused as such. The error is an *ANumberError.
func NormalizeANumber(s string, opts ...ANumberOption) (string, error) {
	in := strings.TrimSpace(s)
	bare := false
	for _, o := range opts {
		bare = bare || o == AcceptBareDigits
	}
	c := upperASCII(stripSeparators(in))
	if isReceiptNumber(c) {
		return "", &ANumberError{Input: in, Receipt: true,
			Reason: "this is a USCIS receipt number (3 letters and 10 digits), not an A-number"}
	}
	digits := c
	switch {
	case strings.HasPrefix(c, "A#"):
		digits = c[2:]
	case strings.HasPrefix(c, "A"):
		digits = c[1:]
	case !bare:
		return "", &ANumberError{Input: in, Reason: "an A-number starts with A, then 7 to 9 digits"}
	}
	if digits == "" {
		return "", &ANumberError{Input: in, Reason: "no digits after the A; an A-number has 7 to 9"}
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			r := []rune(digits[i:])[0]
			return "", &ANumberError{Input: in, Reason: fmt.Sprintf("%q is not a digit; an A-number is A and 7 to 9 digits", r)}
		}
	}
	if len(digits) < 7 || len(digits) > 9 {
		return "", &ANumberError{Input: in, Reason: fmt.Sprintf("has %d digits; an A-number has 7 to 9", len(digits))}
	}
	if strings.Trim(digits, "0") == "" {
		return "", &ANumberError{Input: in, Reason: "all digits are 0"}
	}
	return "A" + strings.Repeat("0", 9-len(digits)) + digits, nil
}
