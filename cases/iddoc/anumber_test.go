package iddoc

import (
	"errors"
	"strings"
	"testing"

	"github.com/enlace-desk/enlace/cases"
)

func TestNormalizeANumber(t *testing.T) {
	tests := []struct {
		in   string
		bare bool
		want string
		err  string // substring of the error message
	}{
		{in: "A011223344", want: "A011223344"},
		{in: "a011223344", want: "A011223344"},
		{in: "A-011-223-344", want: "A011223344"},
		{in: "A# 11223344", want: "A011223344"},
		{in: "  A 1122334 ", want: "A001122334"},
		{in: "A12345678", want: "A012345678"},
		{in: "A123456789", want: "A123456789"},
		{in: "11223344", bare: true, want: "A011223344"},
		{in: "112-233-44", bare: true, want: "A011223344"},
		{in: "11223344", err: "starts with A"},
		{in: "A123456", err: "has 6 digits; an A-number has 7 to 9"},
		{in: "A1234567890", err: "has 10 digits"},
		{in: "A", err: "no digits after the A"},
		{in: "A#", err: "no digits after the A"},
		{in: "A12345B78", err: "'B' is not a digit"},
		{in: "A0000000", err: "all digits are 0"},
		{in: "EAC1234567890", err: "USCIS receipt number"},
		{in: "eac-123-456-7890", err: "USCIS receipt number"},
		{in: "IOE1234567890", bare: true, err: "receipt number"},
		{in: "", err: "starts with A"},
		{in: "123456", bare: true, err: "has 6 digits"},
	}
	for _, tt := range tests {
		var opts []ANumberOption
		if tt.bare {
			opts = append(opts, AcceptBareDigits)
		}
		got, err := NormalizeANumber(tt.in, opts...)
		if tt.err == "" {
			if err != nil || got != tt.want {
				t.Errorf("NormalizeANumber(%q) = %q, %v, want %q", tt.in, got, err, tt.want)
			}
			continue
		}
		var ae *ANumberError
		if !errors.As(err, &ae) || !strings.Contains(err.Error(), tt.err) || got != "" {
			t.Errorf("NormalizeANumber(%q) = %q, %v, want error with %q", tt.in, got, err, tt.err)
			continue
		}
		if ae.Receipt != strings.Contains(tt.err, "receipt") {
			t.Errorf("NormalizeANumber(%q): Receipt = %v", tt.in, ae.Receipt)
		}
		if cases.ErrorCode(err) != cases.EINVALID {
			t.Errorf("NormalizeANumber(%q): code %q", tt.in, cases.ErrorCode(err))
		}
	}
}

func TestNormalizePassport(t *testing.T) {
	for in, want := range map[string]string{
		"l898902c3":     "L898902C3",
		" AB 123-456 ":  "AB123456",
		"L898902C3<":    "L898902C3",
		"ab–12\u00a034": "AB1234",
		"":              "",
	} {
		if got := NormalizePassport(in); got != want {
			t.Errorf("NormalizePassport(%q) = %q, want %q", in, got, want)
		}
	}
}
