package names

import (
	"math"
	"strings"

	"github.com/enlace-desk/enlace/cases"
)

// Role is what a name part is: a given name or a surname.
type Role uint8

const (
	Given   Role = 1
	Surname Role = 2
)

func (r Role) String() string {
	switch r {
	case Given:
		return "given"
	case Surname:
		return "surname"
	}
	return "unknown"
}

// Part is one word of a name after normalisation.
type Part struct {
	Text     string // folded, expanded: "francisco", "cruz", "j" for an initial
	Written  string // as written: "Fco.", "Cruz", "J."
	Particle string // folded particles before it: "de la"; weak, not compared
	Role     Role
	Initial  bool // a single letter standing for a name
	Abbrev   bool // Text is the expansion of an abbreviation in Written
	Compound bool // split from a compound written together: "Mariajosé"
}

// Reading is one interpretation of a written name: which parts are given
// names and which surnames.
type Reading struct {
	Given    []Part
	Surnames []Part // paternal first
	Suffix   string // "jr", "iii", ...; kept aside, not compared
	Order    string // how the roles were decided: "fields", "comma", "everyday", "civil", "single"
}

// MaxParts bounds the parts compared per name; words beyond it are ignored.
const MaxParts = maxParts

const maxParts = 8

// unit is a word with its particles, before roles are assigned; a compound
// written together becomes two parts of one unit.
type unit struct {
	parts []Part
	comma bool // a comma follows this unit
}

// units turns tokens into units: suffixes set aside, abbreviations expanded,
// initials marked, particles attached to the word after them, "Delacruz"
// and "Mariajosé" split.
func units(toks []token, allCaps, joinedInitials bool) (us []unit, suffix string) {
	var pend []string // particles waiting for their word
	var pendRaw []string
	commaAt := -1 // the token a comma follows: surnames up to it ("Andrade Salinas, JP")
	for i, t := range toks {
		if t.comma && commaAt < 0 && i < len(toks)-1 {
			commaAt = i
		}
	}
	for i, t := range toks {
		if i > 0 && suffixes[t.text] && (i == len(toks)-1 || t.comma || toks[i-1].comma) {
			suffix = t.text
			if t.comma && len(us) > 0 {
				us[len(us)-1].comma = true
			}
			continue
		}
		// Initials written together ("JP Andrade"), but never where a
		// surname stands: the last word of a name in everyday order ("Kevin
		// Ng"), the words before a comma ("Ng, JP").
		surnameSlot := commaAt >= 0 && i <= commaAt || commaAt < 0 && i == len(toks)-1
		if joinedInitials && !surnameSlot && initialsTogether(t, allCaps) {
			u := unit{comma: t.comma}
			for k := 0; k < len(t.text); k++ {
				l := t.text[k : k+1]
				u.parts = append(u.parts, Part{Text: l, Written: strings.ToUpper(l) + ".", Initial: true})
			}
			if len(pend) > 0 {
				u.parts[0].Particle = strings.Join(pend, " ")
				pend, pendRaw = pend[:0], pendRaw[:0]
			}
			us = append(us, u)
			continue
		}
		if particles[t.text] && i < len(toks)-1 && !t.comma && !t.dot {
			pend = append(pend, t.text)
			pendRaw = append(pendRaw, t.raw)
			continue
		}
		p := Part{Text: t.text, Written: t.raw}
		if len(pend) > 0 {
			p.Particle = strings.Join(pend, " ")
			p.Written = strings.Join(pendRaw, " ") + " " + t.raw
			pend, pendRaw = pend[:0], pendRaw[:0]
		}
		var u unit
		u.comma = t.comma
		switch {
		case abbreviations[t.text] != "":
			p.Text = abbreviations[t.text]
			p.Abbrev = true
			u.parts = []Part{p}
		case len(t.text) == 1:
			p.Initial = true
			u.parts = []Part{p}
		default:
			u.parts = splitWord(p)
		}
		us = append(us, u)
	}
	return us, suffix
}

// splitWord splits a surname written with its particles ("delacruz") and a
// compound given name written together ("mariajose"); otherwise it returns
// the part as it is.
func splitWord(p Part) []Part {
	w := p.Text
	if p.Particle == "" {
		for _, pre := range [...]struct{ joined, particle string }{
			{"delos", "de los"}, {"delas", "de las"}, {"dela", "de la"}, {"del", "del"},
		} {
			rest, ok := strings.CutPrefix(w, pre.joined)
			if !ok || len(rest) < 3 {
				continue
			}
			// "dela…" is nearly always a particle; "del…" only before a known
			// surname (Delgado is not "del Gado").
			if pre.joined != "del" || defaultTable.surname[rest] > 0 {
				p.Particle, p.Text = pre.particle, rest
				return []Part{p}
			}
			break
		}
	}
	if len(w) >= 6 && !isKnownGiven(w) && defaultTable.surname[w] == 0 {
		for i := 3; i <= len(w)-3; i++ {
			if isKnownGiven(w[:i]) && isKnownGiven(w[i:]) {
				a, b := p, p
				a.Text, b.Text = w[:i], w[i:]
				b.Particle = ""
				a.Compound, b.Compound = true, true
				return []Part{a, b}
			}
		}
	}
	return []Part{p}
}

// givenness is the evidence that a unit is a given name rather than a
// surname: log odds from the frequency table, clamped.
func givenness(u unit, fr Frequencies) float64 {
	var s float64
	for _, p := range u.parts {
		switch {
		case p.Initial:
			s += 1
		case (nicknameOf[p.Text] != nil || compoundOf[p.Text] != nil) && fr.Frequency(p.Text, false) == 0:
			s += 2
		default:
			g, sn := roleShares(p.Text, fr)
			s += math.Max(-5, math.Min(5, math.Log((g+1e-4)/(sn+1e-4))))
		}
	}
	return s
}

// roleShares is how common a folded word is as a given name and as a
// surname. The frequencies decide when they tell the roles apart; when they
// do not (a store's own counts of index keys, which carry no roles, or a word
// they do not know) the tables of real names do: whether "Zambrano" is a
// surname is a fact about names, not about one store.
func roleShares(w string, fr Frequencies) (given, surname float64) {
	given, surname = fr.Frequency(w, false), fr.Frequency(w, true)
	if given != surname {
		return given, surname
	}
	if r, ok := realNames[w]; ok && r.female+r.male+r.surname > 0 {
		return (r.female + r.male) / 1e6, r.surname / 1e6
	}
	return given, surname
}

// Parse reads a name written as free text ("José Adolfo Macías Villamar",
// "MACÍAS VILLAMAR JOSÉ ADOLFO", "Macías Villamar, José Adolfo", "J. Macías",
// "Quishpe") and returns its plausible readings, best first (at most four).
// Which words are surnames is inferred from a comma, from capitals (civil
// registry order), from the built-in name frequencies and from the usual
// orders; when several readings are plausible all are kept and the scorer
// takes the one that aligns best. An empty or wordless text gives no readings.
func Parse(s string) []Reading {
	parts, rs, suffix := analyse(s, defaultTable)
	out := make([]Reading, len(rs))
	for k, rr := range rs {
		r := Reading{Suffix: suffix, Order: rr.order}
		for i, p := range parts {
			if rr.surname&(1<<i) != 0 {
				p.Role = Surname
				r.Surnames = append(r.Surnames, p)
			} else {
				p.Role = Given
				r.Given = append(r.Given, p)
			}
		}
		out[k] = r
	}
	return out
}

// roles is one reading of a free-text name: bit i set means part i is a
// surname.
type roles struct {
	surname uint16
	order   string
	plaus   float64 // plausibility; the best reading has the highest
}

// analyse splits free text into parts (in written order, at most maxParts)
// and its plausible readings, best first.
func analyse(s string, fr Frequencies) (parts []Part, rs []roles, suffix string) {
	toks, caps := tokenize(s)
	us, suffix := units(toks, caps, true)
	// Bound the work: keep at most maxParts parts.
	total := 0
	for i, u := range us {
		if total+len(u.parts) > maxParts {
			us = us[:i]
			break
		}
		total += len(u.parts)
	}
	if len(us) == 0 {
		return nil, nil, suffix
	}
	first := make([]int, len(us)) // index of each unit's first part
	for i, u := range us {
		first[i] = len(parts)
		parts = append(parts, u.parts...)
	}
	mask := func(surnameAt func(i int) bool) uint16 {
		var m uint16
		for i, u := range us {
			if surnameAt(i) {
				for j := range u.parts {
					m |= 1 << (first[i] + j)
				}
			}
		}
		return m
	}
	n := len(us)
	for i, u := range us[:n-1] {
		if u.comma {
			c := i + 1
			return parts, []roles{{mask(func(j int) bool { return j < c }), "comma", 0}}, suffix
		}
	}
	g := make([]float64, n)
	for i, u := range us {
		g[i] = givenness(u, fr)
	}
	var cands []roles
	if n == 1 {
		cands = append(cands,
			roles{mask(func(int) bool { return true }), "single", -g[0] + 0.5},
			roles{mask(func(int) bool { return false }), "single", g[0]})
	} else {
		for ns := 1; ns <= 2 && ns < n; ns++ {
			var every, civil float64
			for i := range us {
				if i >= n-ns {
					every -= g[i]
				} else {
					every += g[i]
				}
				if i < ns {
					civil -= g[i]
				} else {
					civil += g[i]
				}
			}
			if caps {
				civil += 1.5
			} else {
				every += 1.5
			}
			if ns == 2 && n >= 4 {
				every += 1
				civil += 1
			}
			if ns == 2 && n == 3 {
				// Three words the tables cannot place (Luis Recalde
				// Camacho): one given name and two surnames is the more
				// usual Hispanic name; a tie-break only, any evidence wins.
				every += 0.1
				civil += 0.1
			}
			k := ns
			cands = append(cands,
				roles{mask(func(i int) bool { return i >= n-k }), "everyday", every},
				roles{mask(func(i int) bool { return i < k }), "civil", civil})
		}
	}
	// Best first; keep those within reach of the best.
	for i := 1; i < len(cands); i++ {
		for j := i; j > 0 && cands[j].plaus > cands[j-1].plaus; j-- {
			cands[j], cands[j-1] = cands[j-1], cands[j]
		}
	}
	rs = cands[:1]
	for _, c := range cands[1:] {
		if c.plaus >= cands[0].plaus-readingMargin && len(rs) < 4 {
			rs = append(rs, c)
		}
	}
	return parts, rs, suffix
}

// readingMargin is how far below the best reading's plausibility another
// reading may fall and still be tried.
const readingMargin = 2.5

// FromName reads a structured name: roles come from the fields. Each field
// may hold several words ("José Adolfo", "de la Cruz").
func FromName(n cases.Name) Reading {
	r := Reading{Order: "fields"}
	add := func(s string, role Role) {
		toks, caps := tokenize(s)
		us, suffix := units(toks, caps, role == Given) // a surname field is never initials ("Ng")
		if suffix != "" {
			r.Suffix = suffix
		}
		for _, u := range us {
			for _, p := range u.parts {
				p.Role = role
				if role == Given {
					r.Given = append(r.Given, p)
				} else {
					r.Surnames = append(r.Surnames, p)
				}
			}
		}
	}
	for _, g := range n.Given {
		add(g, Given)
	}
	add(n.Paternal, Surname)
	add(n.Maternal, Surname)
	return r
}

// initialsTogether reports whether a word is initials written together
// ("JP Andrade", "MJ Vera"): two or three letters that are no name or
// abbreviation the package knows, either without a vowel or written in
// capitals within a name that is not all capitals.
func initialsTogether(t token, allCaps bool) bool {
	if len(t.text) < 2 || len(t.text) > 3 || abbreviations[t.text] != "" || isKnownGiven(t.text) || isCommon(t.text) || suffixes[t.text] && len(t.text) > 2 {
		return false
	}
	if _, ok := nicknameOf[t.text]; ok {
		return false
	}
	vowel := strings.ContainsAny(t.text, "aeiouy")
	if !vowel {
		return true
	}
	if allCaps {
		return false
	}
	raw := strings.TrimSuffix(t.raw, ".")
	return raw == strings.ToUpper(raw) && len(raw) == len(t.text)
}
