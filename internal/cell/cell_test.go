package cell

import "testing"

func TestText(t *testing.T) {
	for in, want := range map[string]string{
		"P<ECUMACIAS<<JOSE\nAB1234567ECU": "P<ECUMACIAS<<JOSE⏎AB1234567ECU",
		"tab\there":                       "tab␉here",
		"esc\x1b[31mred":                  "esc␛[31mred",
		"Macías Quiñónez":                 "Macías Quiñónez",
		"del\x7f":                         "del␡",
		"c1\u0085":                        "c1�",
		"":                                "",
	} {
		if got := Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzText(f *testing.F) {
	f.Add("P<ECU\nA1")
	f.Fuzz(func(t *testing.T, s string) {
		for _, r := range Text(s) {
			if isControl(r) {
				t.Fatalf("Text(%q) kept control character %U", s, r)
			}
		}
	})
}
