package names

import (
	_ "embed"
	"strconv"
	"strings"
)

// Knowledge of real names: how common a name is among real people, which
// sex a given name implies, which spellings are variants of one name and
// which English and Spanish given names are one name. The scorer uses it to
// tell two different real names (Mario, Marco; Mora, Moya) from a variant
// or a typing error of one (Cevallos, Ceballos; Zambarno, Zambrano).
//
// Sources (see each file's header): data/given-us.txt (US Social Security
// Administration baby-name files, public domain), data/surnames-us.txt (US
// Census Bureau 2010 surnames, public domain), data/names-ec.txt (Ecuador:
// hand-compiled estimates, not counts), data/variants.txt and
// data/equivalents.txt (hand-compiled).

//go:embed data/given-us.txt
var givenUSText string

//go:embed data/surnames-us.txt
var surnamesUSText string

//go:embed data/names-ec.txt
var namesECText string

//go:embed data/variants.txt
var variantsText string

//go:embed data/equivalents.txt
var equivalentsText string

// realName is what the tables say of one folded word.
type realName struct {
	female, male float64 // people per million carrying it as a given name, by sex
	surname      float64 // people per million carrying it as a surname
}

// RealName is one entry of a country's tables of real names: a folded
// word and how many people per million carry it as a woman's given name,
// a man's given name or a surname.
type RealName struct {
	Name                  string
	Female, Male, Surname float64
}

// RealNames lists one country's entries ("EC": data/names-ec.txt,
// hand-compiled estimates; "US": data/given-us.txt, SSA, and
// data/surnames-us.txt, Census 2010), in the files' order. Each call
// returns a fresh slice. The demo generator draws its names from it.
func RealNames(country string) []RealName {
	return append([]RealName(nil), byCountry[country]...)
}

var byCountry = map[string][]RealName{}

var (
	realNames = map[string]realName{}
	variantOf = map[string]uint16{} // folded form → its variant group (from 1)
	equivOf   = map[string][]uint16{}
)

// commonPerMillion is how common (people per million, in the US or in
// Ecuador, as a given name or a surname) a name must be to count as a
// common real name: two different common names are two names, never a
// typing error of one. Tuned on testdata/hand-tune.csv.
const commonPerMillion = 20

// isCommon reports whether a folded word is a common real name in either
// role.
func isCommon(w string) bool {
	r, ok := realNames[w]
	return ok && (r.female+r.male >= commonPerMillion || r.surname >= commonPerMillion)
}

// variants reports whether two folded words are listed as spellings of one
// name.
func variants(x, y string) bool {
	a, ok := variantOf[x]
	return ok && a == variantOf[y]
}

// Sex implied by a given name.
type impliedSex int8

const (
	sexUnknown impliedSex = iota
	sexFemale
	sexMale
)

func (s impliedSex) opposite() impliedSex {
	switch s {
	case sexFemale:
		return sexMale
	case sexMale:
		return sexFemale
	}
	return sexUnknown
}

// sexOf is the sex a folded given name implies, when at least nine in ten
// of its bearers in the tables are of that sex.
func sexOf(w string) impliedSex {
	r, ok := realNames[w]
	if !ok || r.female+r.male < 1 {
		return sexUnknown
	}
	switch {
	case r.female >= 9*r.male:
		return sexFemale
	case r.male >= 9*r.female:
		return sexMale
	}
	return sexUnknown
}

func init() {
	// US given names: "name female male" per million.
	eachLine(givenUSText, func(f []string) {
		if len(f) != 3 {
			panic("names: data/given-us.txt: want 3 fields: " + strings.Join(f, " "))
		}
		w := foldWord(f[0])
		r := realNames[w]
		female, male := number("data/given-us.txt", f[1]), number("data/given-us.txt", f[2])
		r.female, r.male = max(r.female, female), max(r.male, male)
		realNames[w] = r
		byCountry["US"] = append(byCountry["US"], RealName{Name: w, Female: female, Male: male})
	})
	// US surnames: pairs "name per100k" on each line.
	eachLine(surnamesUSText, func(f []string) {
		if len(f)%2 != 0 {
			panic("names: data/surnames-us.txt: want pairs of name and share: " + strings.Join(f, " "))
		}
		for i := 0; i < len(f); i += 2 {
			w := foldWord(f[i])
			r := realNames[w]
			share := 10 * number("data/surnames-us.txt", f[i+1])
			r.surname = max(r.surname, share)
			realNames[w] = r
			byCountry["US"] = append(byCountry["US"], RealName{Name: w, Surname: share})
		}
	})
	eachLine(namesECText, func(f []string) {
		switch {
		case len(f) == 4 && f[0] == "g" && (f[2] == "F" || f[2] == "M"):
			w := Fold(f[1])
			r := realNames[w]
			e := RealName{Name: w}
			if f[2] == "F" {
				e.Female = number("data/names-ec.txt", f[3])
				r.female = max(r.female, e.Female)
			} else {
				e.Male = number("data/names-ec.txt", f[3])
				r.male = max(r.male, e.Male)
			}
			realNames[w] = r
			byCountry["EC"] = append(byCountry["EC"], e)
		case len(f) == 3 && f[0] == "s":
			w := Fold(f[1])
			r := realNames[w]
			e := RealName{Name: w, Surname: number("data/names-ec.txt", f[2])}
			r.surname = max(r.surname, e.Surname)
			realNames[w] = r
			byCountry["EC"] = append(byCountry["EC"], e)
		default:
			panic("names: data/names-ec.txt: want \"g name F|M share\" or \"s name share\": " + strings.Join(f, " "))
		}
	})
	group := uint16(0)
	eachLine(variantsText, func(f []string) {
		group++
		for _, w := range strings.Split(strings.Join(f, " "), ",") {
			w = Fold(w)
			if w == "" {
				continue
			}
			if _, dup := variantOf[w]; dup {
				panic("names: data/variants.txt: " + w + " is in two groups")
			}
			variantOf[w] = group
		}
	})
	eachLine(equivalentsText, func(f []string) {
		line := strings.Join(f, " ")
		en, es, ok := strings.Cut(line, ":")
		if !ok {
			panic("names: data/equivalents.txt: line without a colon: " + line)
		}
		e := Fold(en)
		for _, s := range strings.Split(es, ",") {
			s = Fold(s)
			if s == "" || s == e {
				continue
			}
			idE, idS := nameID(e), nameID(s)
			if !containsID(equivOf[e], idS) {
				equivOf[e] = append(equivOf[e], idS)
			}
			if !containsID(equivOf[s], idE) {
				equivOf[s] = append(equivOf[s], idE)
			}
		}
	})
}

// foldWord folds a data file's word, skipping the work when it is folded
// already (most are).
func foldWord(w string) string {
	if isFoldedWord(w) {
		return w
	}
	return Fold(w)
}

// eachLine calls fn with the fields of each line of a data file that is
// neither blank nor a comment.
func eachLine(text string, fn func(fields []string)) {
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		fn(strings.Fields(line))
	}
}

func number(file, s string) float64 {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 {
		panic("names: " + file + ": bad number " + strconv.Quote(s))
	}
	return v
}

// diminutiveOf returns the known given names a Spanish diminutive stands for
// (Rosita → Rosa, Carlitos → Carlos, Juanito → Juan, Carmencita → Carmen).
func diminutiveOf(w string) []string {
	var stem string
	var sex impliedSex
	for _, suf := range [...]string{"cito", "cita", "itos", "itas", "ito", "ita", "illo", "illa"} {
		if s, ok := strings.CutSuffix(w, suf); ok && len(s) >= 2 {
			stem, sex = s, sexMale
			if suf[len(suf)-1] == 'a' || strings.HasSuffix(suf, "as") {
				sex = sexFemale
			}
			break
		}
	}
	if stem == "" {
		return nil
	}
	var out []string
	for _, end := range [...]string{"", "o", "a", "os", "as", "e"} {
		c := stem + end
		// Rosita is Rosa, not Rosendo: the suffix keeps the sex.
		if c != w && (isKnownGiven(c) || sexOf(c) != sexUnknown) && isCommon(c) && sexOf(c) != sex.opposite() {
			out = append(out, c)
		}
	}
	return out
}

// contraction reports whether w is a contraction of two given names written
// as one (Juanpa for Juan Pablo, Marijo for María José): the first name or
// its first three letters or more, then the start of the second (two
// letters or more, not all of it).
func contraction(w, first, second string) bool {
	if len(w) < 4 || len(first) < 3 || len(second) < 3 {
		return false
	}
	for i := 3; i <= len(first) && i < len(w); i++ {
		if w[:i] != first[:i] {
			break
		}
		rest := w[i:]
		if len(rest) >= 2 && len(rest) < len(second) && strings.HasPrefix(second, rest) {
			return true
		}
	}
	return false
}
