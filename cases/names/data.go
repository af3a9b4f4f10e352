package names

import (
	_ "embed"
	"math"
	"strconv"
	"strings"
)

//go:embed data/nicknames.txt
var nicknamesText string

//go:embed data/frequencies.txt
var frequenciesText string

// nameIDs numbers every folded given name that a nickname stands for; a
// part's readings are sets of these IDs.
var (
	nameIDs    = map[string]uint16{}
	nicknameOf = map[string][]uint16{}    // folded nickname → the names it may stand for
	compoundOf = map[string][][2]uint16{} // folded nickname → the compound given names it stands for
	idName     []string
)

// Frequencies tells how common a name part is: the share (0 to 1) of records
// that carry the folded part as a surname (surname true) or as a given name.
// Zero means unknown, which the scorer treats as rare. The store implements
// it from its own data; [DefaultFrequencies] is the built-in table.
type Frequencies interface {
	Frequency(foldedPart string, surname bool) float64
}

// table is a Frequencies backed by maps.
type table struct {
	given, surname map[string]float64
}

func (t *table) Frequency(part string, surname bool) float64 {
	if surname {
		return t.surname[part]
	}
	return t.given[part]
}

var defaultTable = &table{given: map[string]float64{}, surname: map[string]float64{}}

// DefaultFrequencies returns the built-in table of common Ecuadorian,
// Latin-American and US given names and surnames (data/frequencies.txt),
// rough public estimates used when the caller supplies none.
func DefaultFrequencies() Frequencies { return defaultTable }

func init() {
	for _, line := range strings.Split(nicknamesText, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		nick, targets, ok := strings.Cut(line, ":")
		if !ok {
			panic("names: data/nicknames.txt: line without a colon: " + line)
		}
		n := Fold(nick)
		for _, t := range strings.Split(targets, ",") {
			ws := strings.Fields(Fold(t))
			if len(ws) == 2 {
				// A compound given name (Chema: José María) pairs with both
				// of its names at once, never with one alone.
				compoundOf[n] = append(compoundOf[n], [2]uint16{nameID(ws[0]), nameID(ws[1])})
				continue
			}
			for _, w := range ws {
				id := nameID(w)
				if !containsID(nicknameOf[n], id) {
					nicknameOf[n] = append(nicknameOf[n], id)
				}
			}
		}
	}
	for _, line := range strings.Split(frequenciesText, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 {
			panic("names: data/frequencies.txt: want 3 fields: " + line)
		}
		pct, err := strconv.ParseFloat(f[2], 64)
		if err != nil || pct <= 0 || pct > 100 {
			panic("names: data/frequencies.txt: bad share: " + line)
		}
		switch f[0] {
		case "g":
			defaultTable.given[Fold(f[1])] = pct / 100
		case "s":
			defaultTable.surname[Fold(f[1])] = pct / 100
		default:
			panic("names: data/frequencies.txt: role must be g or s: " + line)
		}
	}
	for g := range defaultTable.given {
		nameID(g)
	}
	for abbr, full := range abbreviations {
		if abbreviations[full] != "" {
			panic("names: abbreviation expands to another abbreviation: " + abbr)
		}
	}
}

func nameID(folded string) uint16 {
	if id, ok := nameIDs[folded]; ok {
		return id
	}
	id := uint16(len(idName))
	nameIDs[folded] = id
	idName = append(idName, folded)
	return id
}

func containsID(ids []uint16, id uint16) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// isKnownGiven reports whether a folded word is a given name the package
// knows (from the frequency table or as a nickname's target).
func isKnownGiven(w string) bool {
	_, ok := nameIDs[w]
	return ok
}

// abbreviations expands written short forms (folded, without the dot).
var abbreviations = map[string]string{
	"fco": "francisco", "fran": "francisco", "franco": "",
	"ma": "maria", "mria": "maria", "mar": "", "m": "",
	"hdez": "hernandez", "hdz": "hernandez", "hndz": "hernandez", "hernz": "hernandez",
	"glez": "gonzalez", "gzlez": "gonzalez", "gonz": "gonzalez", "gzz": "gonzalez",
	"jse": "jose", "jos": "jose",
	"rdz": "rodriguez", "rguez": "rodriguez", "rodz": "rodriguez", "rdguez": "rodriguez", "rdgz": "rodriguez",
	"mtz": "martinez", "mtnez": "martinez", "mtez": "martinez", "mrtz": "martinez", "mart": "martinez",
	"fdez": "fernandez", "fdz": "fernandez", "fndz": "fernandez",
	"gmez": "gomez", "gmz": "gomez", "gom": "gomez",
	"gpe": "guadalupe", "jsus": "jesus", "jess": "",
	"sanchz": "sanchez", "schez": "sanchez", "snchez": "sanchez", "sanz": "",
	"ptrcia": "patricia", "alej": "alejandro", "fdo": "fernando", "fer": "",
	"gmo": "guillermo", "gllmo": "guillermo", "ant": "antonio", "anto": "antonio",
	"mig": "miguel", "migl": "miguel", "lrdes": "lourdes", "ignac": "ignacio",
	"crlos": "carlos", "jrge": "jorge", "ed": "", "edo": "eduardo", "ricdo": "ricardo",
	"ramz": "ramirez", "rmrez": "ramirez", "lpz": "lopez", "prez": "perez", "pz": "perez",
	"vzquez": "vasquez", "vqz": "vasquez", "jmnez": "jimenez", "jmz": "jimenez",
	"wm": "william", "wm.": "", "wml": "william", "chas": "charles", "jas": "james", "thos": "thomas",
	"jno": "john", "jos.": "", "geo": "george", "robt": "robert", "benj": "benjamin", "saml": "samuel",
	"jr": "", "sr": "",
}

func init() {
	for k, v := range abbreviations {
		if v == "" {
			delete(abbreviations, k) // entries listed only to document that they are left alone
		}
	}
}

// particles are the weak words that belong to the surname (or given name)
// that follows them: "de la Cruz", "del Pezo", "María de los Ángeles".
var particles = map[string]bool{
	"de": true, "del": true, "la": true, "las": true, "los": true, "y": true, "e": true,
	"da": true, "das": true, "do": true, "dos": true, "di": true, "du": true,
	"van": true, "von": true, "der": true, "den": true, "le": true, "lo": true,
}

// IsParticle reports whether a folded word is a particle ("de", "la",
// "del", "van", ...), which belongs to the name part after it and is never
// searched on its own.
func IsParticle(w string) bool { return particles[w] }

// suffixes are generational suffixes, kept aside from the name parts.
var suffixes = map[string]bool{"jr": true, "sr": true, "junior": true, "ii": true, "iii": true, "iv": true}

// weightFor is the IDF-like weight of a part with frequency f (0 = unknown).
func weightFor(f float64) float64 {
	const floor = 2e-4 // unknown parts count as this rare
	if f < floor {
		f = floor
	}
	w := math.Log(1 / f)
	if w < 1 {
		w = 1
	}
	return w
}
