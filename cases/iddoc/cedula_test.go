package iddoc

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/enlace-desk/enlace/cases"
)

// refCedulaCheck recomputes the cédula check digit another way: the
// "doubling" table instead of multiply-and-subtract.
func refCedulaCheck(d string) int {
	doubled := [10]int{0, 2, 4, 6, 8, 1, 3, 5, 7, 9}
	sum := 0
	for i, r := range d[:9] {
		v := int(r - '0')
		if i%2 == 0 {
			v = doubled[v]
		}
		sum += v
	}
	return (10 - sum%10) % 10
}

func TestValidateCedula(t *testing.T) {
	tests := []struct {
		in       string
		rule     CedulaRule // "" means valid
		position int
		message  string // substring of the error message
	}{
		{"1714307103", "", 0, ""},
		{"171430710-3", "", 0, ""},
		{" 17 1430 7103 ", "", 0, ""},
		{"17.143.071.03", "", 0, ""},
		{"0926687856", "", 0, ""},
		{"3012345678", "", 0, ""},
		{"1714307104", CedulaRuleCheckDigit, 10, "cédula 1714307104: check digit is 4, expected 3"},
		{"171430710", CedulaRuleLength, 0, "has 9 digits; a cédula has 10"},
		{"17143071031", CedulaRuleLength, 0, "has 11 digits"},
		{"", CedulaRuleLength, 0, "has 0 digits"},
		{"17143O7103", CedulaRuleDigit, 6, "character 6 is 'O', not a digit"},
		{"ñ714307103", CedulaRuleDigit, 1, "character 1 is 'ñ'"},
		{"2514307103", CedulaRuleProvince, 1, "province digits 25 are not a province"},
		{"0014307103", CedulaRuleProvince, 1, "province digits 00"},
		{"2914307103", CedulaRuleProvince, 1, "province digits 29"},
		{"3114307103", CedulaRuleProvince, 1, "province digits 31"},
		{"1764307103", CedulaRuleNatural, 3, "third digit is 6"},
		{"1794307103", CedulaRuleNatural, 3, "9 marks a company's RUC"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			err := ValidateCedula(tt.in)
			if tt.rule == "" {
				if err != nil {
					t.Fatalf("ValidateCedula(%q) = %v, want valid", tt.in, err)
				}
				return
			}
			var ce *CedulaError
			if !errors.As(err, &ce) {
				t.Fatalf("ValidateCedula(%q) = %v, want *CedulaError", tt.in, err)
			}
			if ce.Rule != tt.rule || ce.Position != tt.position {
				t.Errorf("rule %q position %d, want %q %d", ce.Rule, ce.Position, tt.rule, tt.position)
			}
			if !strings.Contains(err.Error(), tt.message) {
				t.Errorf("message %q does not contain %q", err.Error(), tt.message)
			}
			if code := cases.ErrorCode(err); code != cases.EINVALID {
				t.Errorf("ErrorCode = %q, want %q", code, cases.EINVALID)
			}
			if cases.ErrorMessage(err) != err.Error() {
				t.Errorf("ErrorMessage = %q, want %q", cases.ErrorMessage(err), err.Error())
			}
		})
	}
}

func TestValidateCedulaHintsMissingZero(t *testing.T) {
	err := ValidateCedula("926687856")
	if err == nil || !strings.Contains(err.Error(), "0926687856 is valid") {
		t.Fatalf("got %v, want a hint about the missing leading 0", err)
	}
}

func TestNormalizeCedula(t *testing.T) {
	got, err := NormalizeCedula("171430710-3")
	if err != nil || got != "1714307103" {
		t.Fatalf("NormalizeCedula = %q, %v", got, err)
	}
	if got, err := NormalizeCedula("1714307104"); err == nil || got != "" {
		t.Fatalf("NormalizeCedula(invalid) = %q, %v", got, err)
	}
}

func TestCedulaCheckDigit(t *testing.T) {
	d, err := CedulaCheckDigit("171430710")
	if err != nil || d != 3 {
		t.Fatalf("CedulaCheckDigit = %d, %v, want 3", d, err)
	}
	for _, bad := range []string{"", "17143071", "1714307100", "17143071x"} {
		if _, err := CedulaCheckDigit(bad); err == nil {
			t.Errorf("CedulaCheckDigit(%q) accepted", bad)
		} else if cases.ErrorCode(err) != cases.EINVALID {
			t.Errorf("CedulaCheckDigit(%q) code %q", bad, cases.ErrorCode(err))
		}
	}
}

func TestProvinces(t *testing.T) {
	if len(Provinces) != 25 {
		t.Fatalf("%d provinces, want 25", len(Provinces))
	}
	for i, p := range Provinces[:24] {
		if p.Code != i+1 {
			t.Errorf("Provinces[%d].Code = %d", i, p.Code)
		}
	}
	for code, want := range map[int]string{1: "Azuay", 9: "Guayas", 12: "Los Ríos", 17: "Pichincha",
		23: "Santo Domingo de los Tsáchilas", 24: "Santa Elena", 30: "registered abroad"} {
		if got, ok := ProvinceName(code); !ok || got != want {
			t.Errorf("ProvinceName(%d) = %q, %v, want %q", code, got, ok, want)
		}
	}
	for _, code := range []int{0, 25, 29, 31, -1} {
		if _, ok := ProvinceName(code); ok {
			t.Errorf("ProvinceName(%d) found a province", code)
		}
	}
}

// TestMakeCedulaProperty checks generated cédulas over every province and a
// spread of serials: each validates, its check digit agrees with the
// independent computation, and changing any one digit makes it invalid.
func TestMakeCedulaProperty(t *testing.T) {
	seen := map[string]bool{}
	serials := []int{0, 1, 9, 123456, 999999, 1000000, 5999999, 6000000, -1, -6000001, 1 << 40}
	for s := 7; s < 6_000_000; s += 99_991 {
		serials = append(serials, s)
	}
	for _, p := range append([]int{0, 25, 29, 31, 99, -5}, codes()...) {
		for _, s := range serials {
			c := MakeCedula(p, s)
			if err := ValidateCedula(c); err != nil {
				t.Fatalf("MakeCedula(%d, %d) = %s: %v", p, s, c, err)
			}
			if c != MakeCedula(p, s) {
				t.Fatalf("MakeCedula(%d, %d) not deterministic", p, s)
			}
			if int(c[9]-'0') != refCedulaCheck(c) {
				t.Fatalf("%s: check digit disagrees with the reference", c)
			}
			if _, ok := ProvinceName(p); ok && c[:2] != fmt.Sprintf("%02d", p) {
				t.Fatalf("MakeCedula(%d, …) = %s: wrong province", p, c)
			}
			seen[c] = true
			for i := 0; i < 10; i++ {
				b := []byte(c)
				b[i] = '0' + (b[i]-'0'+3)%10
				if ValidateCedula(string(b)) == nil {
					t.Fatalf("%s (from %s, digit %d changed) validates", b, c, i+1)
				}
			}
		}
	}
	if len(seen) < 1000 {
		t.Fatalf("only %d distinct cédulas generated", len(seen))
	}
}

func codes() []int {
	var out []int
	for _, p := range Provinces {
		out = append(out, p.Code)
	}
	return out
}

func TestValidateRUC(t *testing.T) {
	tests := []struct {
		in, cedula string
		rule       CedulaRule
		message    string
	}{
		{"1714307103001", "1714307103", "", ""},
		{"1714307103-002", "1714307103", "", ""},
		{"1714307103000", "", CedulaRuleRUC, "establishment number is 000"},
		{"1714307104001", "", CedulaRuleCheckDigit, "check digit is 4, expected 3"},
		{"171430710300", "", CedulaRuleRUC, "has 12 digits; a RUC has 13"},
		{"171430710300X", "", CedulaRuleRUC, "character 13 is 'X'"},
		{"1790011674001", "", CedulaRuleNatural, "9 marks a company's RUC"},
	}
	for _, tt := range tests {
		ced, err := ValidateRUC(tt.in)
		if tt.rule == "" {
			if err != nil || ced != tt.cedula {
				t.Errorf("ValidateRUC(%q) = %q, %v, want %q", tt.in, ced, err, tt.cedula)
			}
			continue
		}
		var ce *CedulaError
		if !errors.As(err, &ce) || ce.Rule != tt.rule || !strings.Contains(err.Error(), tt.message) {
			t.Errorf("ValidateRUC(%q) = %v, want rule %q with %q", tt.in, err, tt.rule, tt.message)
		}
		if cases.ErrorCode(err) != cases.EINVALID {
			t.Errorf("ValidateRUC(%q): code %q", tt.in, cases.ErrorCode(err))
		}
	}
}
