package names

import (
	"testing"
	"unicode/utf8"
)

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Macías Villamar":              "macias villamar",
		"MACÍAS VILLAMAR, JOSÉ ADOLFO": "macias villamar jose adolfo",
		"  Núñez   Quiñónez ":          "nunez quinonez",
		"O'Brien-Smith":                "obrien smith",
		"D’Alessandro":                 "dalessandro",
		"Fco. J. Pérez":                "fco j perez",
		"Müller Straße":                "muller strasse",
		"Jose\u0301 Mari\u0301a":       "jose maria", // decomposed accents
		"Ayoví; Mina (alias «Cholo»)":  "ayovi mina alias cholo",
		"Łukasz Œuvre Æther":           "lukasz oeuvre aether",
		"Иван Juan":                    "juan",
		"":                             "",
		"...,,,":                       "",
		"Louis XIV 2nd":                "louis xiv 2nd",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTokenize(t *testing.T) {
	toks, caps := tokenize("MACÍAS VILLAMAR, JOSÉ A.")
	if !caps {
		t.Error("all-capitals text not recognised")
	}
	want := []token{{"macias", "MACÍAS", false, false}, {"villamar", "VILLAMAR", false, true},
		{"jose", "JOSÉ", false, false}, {"a", "A.", true, false}}
	if len(toks) != len(want) {
		t.Fatalf("tokenize: got %+v", toks)
	}
	for i := range want {
		if toks[i] != want[i] {
			t.Errorf("token %d = %+v, want %+v", i, toks[i], want[i])
		}
	}
	if _, caps := tokenize("Macías Villamar"); caps {
		t.Error("mixed case taken for capitals")
	}
}

func checkFolded(t *testing.T, in, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("Fold(%q) = %q: not UTF-8", in, out)
	}
	for i := 0; i < len(out); i++ {
		c := out[i]
		ok := c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == ' ' && i > 0 && i < len(out)-1 && out[i-1] != ' '
		if !ok {
			t.Fatalf("Fold(%q) = %q: byte %d (%q) not lower-case ASCII words with single spaces", in, out, i, c)
		}
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"MACÍAS VILLAMAR JOSÉ ADOLFO", "Macías Villamar, José Adolfo", "O'Brien",
		"Quiñónez Ayoví", "\xff\xfe", "Jose\u0301", "ǅ ǈ ǋ", "ß", "İstanbul", "a\u0000b", "  x  "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Fold(s)
		checkFolded(t, s, out)
		if again := Fold(out); again != out {
			t.Fatalf("Fold not idempotent: %q → %q → %q", s, out, again)
		}
		toks, _ := tokenize(s)
		for _, tk := range toks {
			if tk.text == "" {
				t.Fatalf("tokenize(%q) gave an empty token", s)
			}
			checkFolded(t, tk.raw, tk.text)
		}
	})
}
