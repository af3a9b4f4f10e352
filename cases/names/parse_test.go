package names

import (
	"strings"
	"testing"

	"github.com/enlace-desk/enlace/cases"
)

// render shows a reading compactly: "G:jose G:adolfo | S:macias S:villamar".
func render(r Reading) string {
	var g, s []string
	for _, p := range r.Given {
		g = append(g, partString(p))
	}
	for _, p := range r.Surnames {
		s = append(s, partString(p))
	}
	out := strings.Join(g, " ") + " | " + strings.Join(s, " ")
	if r.Suffix != "" {
		out += " +" + r.Suffix
	}
	return out
}

func partString(p Part) string {
	s := p.Text
	if p.Particle != "" {
		s = p.Particle + "_" + s
	}
	if p.Initial {
		s += "."
	}
	if p.Abbrev {
		s += "*"
	}
	if p.Compound {
		s += "+"
	}
	return s
}

func TestParseBestReading(t *testing.T) {
	for in, want := range map[string]string{
		"José Adolfo Macías Villamar":     "jose adolfo | macias villamar",
		"MACÍAS VILLAMAR JOSÉ ADOLFO":     "jose adolfo | macias villamar",
		"Macías Villamar, José Adolfo":    "jose adolfo | macias villamar",
		"macias villamar, jose":           "jose | macias villamar",
		"Rosa de la Cruz Tenorio":         "rosa | de la_cruz tenorio",
		"Rosa Delacruz Tenorio":           "rosa | de la_cruz tenorio",
		"María de los Ángeles Pérez Loor": "maria de los_angeles | perez loor",
		"Mariajosé Zambrano":              "maria+ jose+ | zambrano",
		"Fco. Hdez. Glez.":                "francisco* | hernandez* gonzalez*",
		"J. A. Macías":                    "j. a. | macias",
		"Robert Smith Jr.":                "robert | smith +jr",
		"William Henry Gates III":         "william henry | gates +iii",
		"Luis Delgado":                    "luis | delgado",
		"Quishpe":                         " | quishpe",
		"Pérez y Gómez, Ana":              "ana | perez y_gomez",
		"Ma. Guadalupe Rdz. Mtz.":         "maria* guadalupe | rodriguez* martinez*",
		"ZAMBRANO LOOR JUAN CARLOS":       "juan carlos | zambrano loor",
		"Juan Carlos Zambrano":            "juan carlos | zambrano",
		"Ayoví Mina Segundo":              "segundo | ayovi mina",
	} {
		rs := Parse(in)
		if len(rs) == 0 {
			t.Errorf("Parse(%q): no reading", in)
			continue
		}
		if got := render(rs[0]); got != want {
			t.Errorf("Parse(%q) best reading = %q, want %q (all: %d)", in, got, want, len(rs))
		}
	}
}

func TestParseKeepsAlternatives(t *testing.T) {
	// Three unknown words: which are surnames is a guess; both orders stay.
	rs := Parse("Xyzal Qwerto Plimbo")
	orders := map[string]bool{}
	for _, r := range rs {
		orders[r.Order] = true
	}
	if !orders["everyday"] || !orders["civil"] {
		t.Errorf("Parse kept readings %v; want both everyday and civil", orders)
	}
	if rs := Parse("  ,.;  "); len(rs) != 0 {
		t.Errorf("Parse of punctuation gave %d readings", len(rs))
	}
}

func TestFromName(t *testing.T) {
	r := FromName(cases.Name{Given: []string{"María de los Ángeles"}, Paternal: "de la Cruz", Maternal: "Quiñónez"})
	if got, want := render(r), "maria de los_angeles | de la_cruz quinonez"; got != want {
		t.Errorf("FromName = %q, want %q", got, want)
	}
	if r.Order != "fields" {
		t.Errorf("FromName order %q", r.Order)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"MACÍAS VILLAMAR JOSÉ ADOLFO", "Macías Villamar, José Adolfo", "J. A. Macías",
		"Rosa Delacruz", "Fco. Hdez.", "de la", "Jr.", "y y y y", "a,b,c,d", "Mariajosé", "delos",
		strings.Repeat("Ana ", 20), "\xff,\xfe.", "ǅ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rs := Parse(s)
		if len(rs) > 4 {
			t.Fatalf("Parse(%q): %d readings", s, len(rs))
		}
		for _, r := range rs {
			n := len(r.Given) + len(r.Surnames)
			if n == 0 || n > maxParts {
				t.Fatalf("Parse(%q): reading with %d parts", s, n)
			}
			for _, p := range append(append([]Part{}, r.Given...), r.Surnames...) {
				if p.Text == "" {
					t.Fatalf("Parse(%q): empty part %+v", s, p)
				}
				checkFolded(t, s, p.Text)
				checkFolded(t, s, p.Particle)
				if strings.Contains(p.Text, " ") {
					t.Fatalf("Parse(%q): part %q has a space", s, p.Text)
				}
			}
		}
		// Folding the input first gives the same parts (but may lose dots
		// and commas, so only the part texts are compared).
		p := PrepareText(s, nil)
		q := PrepareText(Fold(s), nil)
		if len(p.parts) > 0 && len(q.parts) == 0 {
			t.Fatalf("Parse(%q) has parts but its folded form has none", s)
		}
	})
}

// TestThreeUnknownWordsReadAsOneGivenTwoSurnames: when the tables cannot
// place a middle word, three words read as a given name and two surnames,
// so that an alias "Luis Recalde Camacho" carries Camacho as its maternal
// surname and a search for "Luis Camacho" ranks it below the records whose
// paternal surname is Camacho.
func TestThreeUnknownWordsReadAsOneGivenTwoSurnames(t *testing.T) {
	parts := PrepareText("Luis Recalde Camacho", nil).Parts()
	if len(parts) != 3 || parts[0].Role != Given || parts[1].Role != Surname || parts[2].Role != Surname {
		t.Fatalf("Luis Recalde Camacho read as %+v", parts)
	}
	q := PrepareText("Luis Camacho", nil)
	alias := Score(q, PrepareText("Luis Recalde Camacho", nil)).Score
	own := Score(q, Prepare(cases.Name{Given: []string{"Luis"}, Paternal: "Camacho", Maternal: "Achig"}, nil)).Score
	if alias >= own {
		t.Errorf("Camacho as the maternal surname %.3f, as the paternal %.3f: want the paternal higher", alias, own)
	}
}
