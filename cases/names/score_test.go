package names

import (
	"math"
	"strings"
	"testing"

	"github.com/enlace-desk/enlace/cases"
)

func scoreText(a, b string) Result {
	return Score(PrepareText(a, nil), PrepareText(b, nil))
}

func TestScoreMatches(t *testing.T) {
	for _, p := range [][2]string{
		{"José Adolfo Macías Villamar", "MACÍAS VILLAMAR JOSÉ ADOLFO"},
		{"José Adolfo Macías Villamar", "Macías Villamar, José Adolfo"},
		{"José Adolfo Macías Villamar", "Jose Adolfo Macias Villamar"},
		{"José Adolfo Macías Villamar", "Fito Macías"},
		{"José Adolfo Macías Villamar", "Jose Adolfo Macias Vilamar"},
		{"José Adolfo Macías Villamar", "J. Adolfo Macías Villamar"},
		{"José Adolfo Macías Villamar", "José Adolfo Macías"},
		{"Juan Carlos Zambrano Loor", "Juan Carlos Sambrano Lor"},
		{"María José Cedeño Vera", "Mariajosé Cedeño Vera"},
		{"Rosa de la Cruz Tenorio", "Rosa Delacruz Tenorio"},
		{"Rosa de la Cruz Tenorio", "CRUZ TENORIO ROSA"},
		{"Francisco Hernández González", "Fco. Hdez. Glez."},
		{"Francisco Javier Chicaiza", "Pancho Chicaiza"},
		{"Segundo Guamán Quishpe", "Segundo Huamán Quizhpe"},
		{"Ximena Mejía Benítez", "Jimena Mexía Venítez"},
		{"Cecilia Yépez Villacís", "Sesilia Llépez Villacis"},
		{"Humberto Orellana Cevallos", "Umberto Horellana Ceballos"},
		{"Robert James Smith", "Bob Smith"},
		{"Guadalupe Rosario Ayoví Mina", "Lupe Ayoví Mina"},
		{"Jorge Luis Quiñónez Corozo", "Jorge Luis Quinones Corozo"},
	} {
		if r := scoreText(p[0], p[1]); !r.Match() {
			t.Errorf("%q / %q: score %.3f, want a match\n  %s", p[0], p[1], r.Score, strings.Join(r.Explanation(), "\n  "))
		}
	}
}

func TestScoreHardNonMatches(t *testing.T) {
	for _, p := range [][2]string{
		{"José Luis Vera Mina", "Carlos Andrés Vera Mina"},           // siblings
		{"Juan Carlos Zambrano Loor", "Juan Carlos Zambrano Cedeño"}, // another maternal surname
		{"Juan Carlos Zambrano Loor", "ZAMBRANO CEDEÑO JUAN CARLOS"},
		{"Francisco Vera Mina", "Francisca Vera Mina"}, // male and female forms
		{"Mario Andrés Loor Cedeño", "María Andrea Loor Cedeño"},
		{"Gabriel Zambrano Vera", "Gabriela Zambrano Vera"},
		{"María José García López", "María Fernanda García Pérez"}, // common names
		{"José García", "Luis García"},
		{"Robert Smith", "William Smith"},
		{"José Adolfo Macías Villamar", "Pedro Quishpe Chicaiza"},
		{"Robert Smith Jr.", "Robert Smith Sr."},
		// Issue 14: different real names close in spelling, swapped
		// surnames, compound given names reversed across sexes.
		{"Mario Vera Loor", "Marco Vera Loor"},
		{"Marcela Vera Cedeño", "Marcia Vera Cedeño"},
		{"Luis Mora Castillo", "Luis Moya Castillo"},
		{"Ana Lara Pérez", "Ana Lora Pérez"},
		{"Jorge Cárdenas Ortiz", "Jorge Cardona Ortiz"},
		{"Patricia Salinas Mejía", "Patricia Salas Mejía"},
		{"Jorge Luis Paredes Salinas", "Jorge Luis Salinas Paredes"},
		{"Rosa Guamán Lema", "Rosa Lema Guamán"},
		{"María Jesús Paredes Salinas", "Jesús María Paredes Salinas"},
		{"Juanpa Andrade Salinas", "Juan Carlos Andrade Salinas"},
		{"JP Andrade", "Luis Alberto Andrade Salinas"},
	} {
		if r := scoreText(p[0], p[1]); r.Match() {
			t.Errorf("%q / %q: score %.3f, want no match\n  %s", p[0], p[1], r.Score, strings.Join(r.Explanation(), "\n  "))
		}
	}
}

// TestScoreIssue14Matches: variants of one name, English and Spanish
// equivalents, diminutives, contractions and initials written together.
func TestScoreIssue14Matches(t *testing.T) {
	for _, c := range []struct{ a, b, how string }{
		{"Luis Cevallos Mera", "Luis Ceballos Mera", ""},
		{"Ana Jiménez Paz", "Ana Giménez Paz", ""},
		{"Stephen Green", "Steven Green", "variant spelling"},
		{"Peter Vera", "Pedro Vera", "English and Spanish forms of one name"},
		{"Henry Zambrano Loor", "Enrique Zambrano Loor", "English and Spanish forms of one name"},
		{"Rosita Vera Mina", "Rosa Elena Vera Mina", "nickname"},
		{"Carlitos Loor Mera", "Carlos Loor Mera", "nickname"},
		{"Juanpa Andrade Salinas", "Juan Pablo Andrade Salinas", "Juanpa ~ Pablo: nickname"},
		{"Chema Paredes", "José María Paredes", "Chema ~ José: nickname"},
		{"JP Andrade", "Juan Pablo Andrade Salinas", "P. ~ Pablo: initial"},
		{"J. P. Andrade S.", "Juan Pablo Andrade Salinas", ""},
		{"Jorge Luis Paredes Salinas", "PAREDES SALINAS JORGE LUIS", ""},
		{"Zambrano Sanchez", "Carlos Zambarno Sánchez", ""},
	} {
		r := scoreText(c.a, c.b)
		if !r.Match() {
			t.Errorf("%q / %q: score %.3f, want a match\n  %s", c.a, c.b, r.Score, strings.Join(r.Explanation(), "\n  "))
		}
		if c.how != "" && !strings.Contains(strings.Join(r.Explanation(), "\n"), c.how) {
			t.Errorf("%q / %q: explanation lacks %q:\n  %s", c.a, c.b, c.how, strings.Join(r.Explanation(), "\n  "))
		}
	}
}

func TestExplanationSaysWhatDiffers(t *testing.T) {
	for _, c := range [][3]string{
		{"Jorge Luis Paredes Salinas", "Jorge Luis Salinas Paredes", "surnames in the other order"},
		{"María José Vera Loor", "José María Vera Loor", "the first names imply different sexes"},
		{"Mario Vera Loor", "Marco Vera Loor", "two different common names"},
	} {
		if e := strings.Join(scoreText(c[0], c[1]).Explanation(), "\n"); !strings.Contains(e, c[2]) {
			t.Errorf("%q / %q: explanation lacks %q:\n%s", c[0], c[1], c[2], e)
		}
	}
}

func TestInitialsTogether(t *testing.T) {
	for _, c := range []struct {
		text string
		want int // initials
	}{{"JP Andrade", 2}, {"MJ Vera Loor", 2}, {"LA Mendoza Ruiz", 2}, {"JR Smith", 2}, {"de la Cruz", 0}, {"DE LA CRUZ LUIS", 0}, {"Ana Vera", 0}, {"Ed Smith", 0}, {"Kevin Ng", 0}, {"Ng, JP", 2}} {
		n := 0
		for _, p := range PrepareText(c.text, nil).Parts() {
			if p.Initial {
				n++
			}
		}
		if n != c.want {
			t.Errorf("%q: %d initials, want %d", c.text, n, c.want)
		}
	}
}

func TestSurnameFieldIsNeverInitials(t *testing.T) {
	for _, p := range Prepare(cases.Name{Given: []string{"Kevin"}, Paternal: "Ng"}, nil).Parts() {
		if p.Initial {
			t.Errorf("the surname Ng read as initials: %+v", p)
		}
	}
}

func TestScoreRange(t *testing.T) {
	if s := scoreText("José Adolfo Macías Villamar", "José Adolfo Macías Villamar").Score; s < 0.95 || s > 1 {
		t.Errorf("identical names score %.3f", s)
	}
	if s := scoreText("", "José").Score; s != 0 {
		t.Errorf("empty name scores %.3f", s)
	}
	if s := scoreText("Quishpe", "Ayoví").Score; s != 0 {
		t.Errorf("unrelated surnames score %.3f", s)
	}
}

func TestScoreRarePartsWeighMore(t *testing.T) {
	// Sharing a rare surname is stronger evidence than sharing a common one.
	common := scoreText("José Zambrano", "José Luis Zambrano Cedeño").Score
	rare := scoreText("José Llumiquinga", "José Luis Llumiquinga Cedeño").Score
	if rare <= common {
		t.Errorf("rare surname %.3f should score above common surname %.3f", rare, common)
	}
}

type fixedFrequencies map[string]float64

func (f fixedFrequencies) Frequency(part string, surname bool) float64 { return f[part] }

func TestScoreUsesSuppliedFrequencies(t *testing.T) {
	a := cases.Name{Given: []string{"Ana"}, Paternal: "Pincay", Maternal: "Loor"}
	b := cases.Name{Given: []string{"Ana"}, Paternal: "Pincay", Maternal: "Mina"}
	// In a store where Pincay is everyone's surname and Ana everyone's name,
	// the disagreeing maternal surnames dominate.
	dense := fixedFrequencies{"ana": 0.5, "pincay": 0.5, "loor": 0.0005, "mina": 0.0005}
	sparse := fixedFrequencies{"ana": 0.0005, "pincay": 0.0005, "loor": 0.5, "mina": 0.5}
	sd := Score(Prepare(a, dense), Prepare(b, dense)).Score
	ss := Score(Prepare(a, sparse), Prepare(b, sparse)).Score
	if sd >= ss {
		t.Errorf("frequencies ignored: dense %.3f, sparse %.3f", sd, ss)
	}
}

func TestPrepareStructuredName(t *testing.T) {
	n := cases.Name{Given: []string{"José", "Adolfo"}, Paternal: "Macías", Maternal: "Villamar"}
	p := Prepare(n, nil)
	for _, q := range []string{"MACÍAS VILLAMAR JOSÉ ADOLFO", "Fito Macías", "Jose Adolfo Macias"} {
		if r := Score(p, PrepareText(q, nil)); !r.Match() {
			t.Errorf("%v / %q: %.3f\n  %s", n, q, r.Score, strings.Join(r.Explanation(), "\n  "))
		}
	}
	parts := p.Parts()
	if len(parts) != 4 || parts[0].Role != Given || parts[3].Role != Surname || parts[3].Text != "villamar" {
		t.Errorf("Parts() = %+v", parts)
	}
	sib := Prepare(cases.Name{Given: []string{"Carlos"}, Paternal: "Macías", Maternal: "Villamar"}, nil)
	if r := Score(p, sib); r.Match() {
		t.Errorf("sibling matched: %.3f", r.Score)
	}
}

func TestExplanation(t *testing.T) {
	for _, c := range []struct{ a, b, want string }{
		{"José Macías", "JOSE MACIAS", "Macías = MACIAS: exact after folding"},
		{"Adolfo Macías", "Fito Macías", "Adolfo ~ Fito: nickname"},
		{"Adolfo Villamar", "Adolfo Viyamar", "Villamar ~ Viyamar: phonetic"},
		{"Adolfo Villamar", "Adolfo Vilamar", "Villamar ~ Vilamar: variant spelling"},
		{"José Macías", "J. Macías", "José ~ J.: initial"},
		{"Francisco Vera", "Fco. Vera", "Francisco ~ Fco.: abbreviation"},
		{"María José Vera", "Mariajosé Vera", "written together"},
		{"Rosa de la Cruz", "Rosa Cruz", `particle "de la" against ""`},
		{"Francisco Vera Mina", "Francisca Vera Mina", "Francisco ≠ Francisca: male and female forms"},
		{"Juan Zambrano Loor", "Juan Zambrano Cedeño", "Loor ≠ Cedeño: surnames disagree"},
		{"Juan Zambrano Loor", "Juan Zambrano", "Loor: only in the first name"},
		{"Robert Smith Jr.", "Robert Smith Sr.", "suffix jr against sr"},
	} {
		lines := scoreText(c.a, c.b).Explanation()
		if !strings.Contains(strings.Join(lines, "\n"), c.want) {
			t.Errorf("%q / %q: explanation lacks %q:\n  %s", c.a, c.b, c.want, strings.Join(lines, "\n  "))
		}
	}
}

func TestScoreSymmetric(t *testing.T) {
	pairs := [][2]string{
		{"José Adolfo Macías Villamar", "MACÍAS VILLAMAR, FITO"},
		{"Juan Carlos Zambrano Loor", "Juancarlos Sambrano"},
		{"J. A. Pérez", "José Antonio Pérez Gómez"},
		{"Ana María de la Cruz", "Anamaría Delacruz Ayoví"},
	}
	for _, p := range pairs {
		ab, ba := scoreText(p[0], p[1]).Score, scoreText(p[1], p[0]).Score
		if math.Abs(ab-ba) > 1e-9 {
			t.Errorf("%q / %q: %.6f one way, %.6f the other", p[0], p[1], ab, ba)
		}
	}
}

func TestNicknameTable(t *testing.T) {
	if len(nicknameOf) < 150 {
		t.Errorf("nickname table has %d entries, want 150 or more", len(nicknameOf))
	}
	for nick, want := range map[string][]string{
		"fito": {"adolfo", "rodolfo"}, "beto": {"alberto", "roberto", "humberto", "norberto"},
		"pepe": {"jose"}, "bob": {"robert"}, "toño": {"antonio"},
	} {
		got := map[string]bool{}
		for _, id := range nicknameOf[Fold(nick)] {
			got[idName[id]] = true
		}
		for _, w := range want {
			if !got[w] {
				t.Errorf("nickname %s does not stand for %s (has %v)", nick, w, got)
			}
		}
	}
}

func TestCompoundNickname(t *testing.T) {
	got := compoundOf["chema"]
	if len(got) != 1 || idName[got[0][0]] != "jose" || idName[got[0][1]] != "maria" {
		t.Errorf("chema stands for %v, want the compound jose maria", got)
	}
	if len(nicknameOf["chema"]) != 0 {
		t.Errorf("chema pairs with a single name: %v", nicknameOf["chema"])
	}
}

func TestOSA(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{{"zambrano", "zambarno", 1}, {"loor", "lor", 1}, {"vera", "vera", 0}, {"", "abc", 3}, {"ca", "abc", 3}, {"macias", "maicas", 1}, {"macias", "maisac", 3}} {
		if d := osa(c.a, c.b); d != c.d {
			t.Errorf("osa(%q, %q) = %d, want %d", c.a, c.b, d, c.d)
		}
	}
}

func FuzzScore(f *testing.F) {
	f.Add("José Adolfo Macías Villamar", "MACÍAS VILLAMAR, FITO")
	f.Add("Juan Carlos Zambrano Loor", "Juan Carlos Zambrano Cedeño")
	f.Add("J. A. Pérez Jr.", "Perez Sr, Jose Antonio")
	f.Add("", "Ana")
	f.Add("de la de la", "y y")
	f.Add("Mariajosé Delacruz", "María José de la Cruz")
	f.Add(strings.Repeat("Ana ", 12), strings.Repeat("Luis ", 12))
	f.Fuzz(func(t *testing.T, a, b string) {
		pa, pb := PrepareText(a, nil), PrepareText(b, nil)
		ab, ba := Score(pa, pb), Score(pb, pa)
		if math.IsNaN(ab.Score) || ab.Score < 0 || ab.Score > 1 {
			t.Fatalf("Score(%q, %q) = %v", a, b, ab.Score)
		}
		if math.Abs(ab.Score-ba.Score) > 0.05 {
			t.Fatalf("Score(%q, %q) = %.4f but reversed %.4f", a, b, ab.Score, ba.Score)
		}
		_ = ab.Explanation()
		_, _ = QueryKeys(a)
	})
}

var benchPairs = [][2]string{
	{"José Adolfo Macías Villamar", "MACÍAS VILLAMAR JOSÉ ADOLFO"},
	{"Juan Carlos Zambrano Loor", "Juan Carlos Zambrano Cedeño"},
	{"María José Cedeño Vera", "Mariajosé Cedeño"},
	{"Francisco Javier Chicaiza Quishpe", "Pancho Chicaiza"},
	{"José Luis Vera Mina", "Carlos Andrés Vera Mina"},
	{"Segundo Guamán Quishpe", "Segundo Huamán Quizhpe"},
	{"Robert James Smith", "Bob Smith"},
	{"Rosa de la Cruz Tenorio", "Rosa Delacruz Tenorio"},
}

func BenchmarkScore(b *testing.B) {
	var ps [][2]*Prepared
	for _, p := range benchPairs {
		ps = append(ps, [2]*Prepared{PrepareText(p[0], nil), PrepareText(p[1], nil)})
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		p := ps[i%len(ps)]
		_ = Score(p[0], p[1])
	}
}

func BenchmarkScoreStructured(b *testing.B) {
	n := Prepare(cases.Name{Given: []string{"José", "Adolfo"}, Paternal: "Macías", Maternal: "Villamar"}, nil)
	var cands []*Prepared
	for _, p := range benchPairs {
		cands = append(cands, Prepare(cases.Name{Given: strings.Fields(p[0])[:2], Paternal: strings.Fields(p[0])[2]}, nil))
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = Score(n, cands[i%len(cands)])
	}
}

func BenchmarkPrepare(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = PrepareText(benchPairs[i%len(benchPairs)][i/len(benchPairs)%2], nil)
	}
}

func TestLoneSurnameLeansPaternal(t *testing.T) {
	q := PrepareText("Fito Macías", nil)
	paternal := Score(q, Prepare(cases.Name{Given: []string{"Fito"}, Paternal: "Macías", Maternal: "Castillo"}, nil))
	maternal := Score(q, Prepare(cases.Name{Given: []string{"Fito"}, Paternal: "Castillo", Maternal: "Macías"}, nil))
	if paternal.Score <= maternal.Score {
		t.Errorf("a lone surname should lean to the paternal one: paternal %.3f, maternal %.3f", paternal.Score, maternal.Score)
	}
}

// TestRoleBlindFrequencies: a store's counts of index keys say how common a
// word is, not in which role. The reading of a typed name must still take
// Zambrano for a surname, so that a record's own name and an alias that
// spells it alike score the same for the same query.
func TestRoleBlindFrequencies(t *testing.T) {
	blind := fixedFrequencies{"jose": 0.07, "zambrano": 0.03, "jaramillo": 0.004, "rafael": 0.01}
	q := PrepareText("Jose Zambrano Jaramillo", blind)
	parts := q.Parts()
	if len(parts) != 3 || parts[0].Role != Given || parts[1].Role != Surname || parts[2].Role != Surname {
		t.Fatalf("reading of %q with role-blind frequencies: %+v", "Jose Zambrano Jaramillo", parts)
	}
	own := Score(q, Prepare(cases.Name{Given: []string{"José"}, Paternal: "Zambrano", Maternal: "Jaramillo"}, blind)).Score
	alias := Score(q, PrepareText("José Zambrano Jaramillo", blind)).Score
	if math.Abs(own-alias) > 1e-9 {
		t.Errorf("own name %.4f, alias written alike %.4f: want equal", own, alias)
	}
}
