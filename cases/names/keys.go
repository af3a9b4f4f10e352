package names

import (
	"strings"

	"github.com/enlace-desk/enlace/cases"
)

// PhoneticPrefix starts every phonetic key, so that phonetic keys never
// collide with folded keys (which hold letters only).
const PhoneticPrefix = "9"

// IndexKeys returns the search keys of a stored name and its aliases for a
// full-text index; [QueryKeys] returns the keys of a query, and a stored
// name is a candidate for a query when they share a key.
//
// The contract, which the store relies on:
//   - folded keys are lower-case ASCII words of letters a-z, two letters or
//     more: each name part folded (see [Fold]) without its particles
//     ("de la Cruz" gives "cruz"), abbreviations expanded ("Fco." gives
//     "francisco"), compounds split ("Mariajosé" gives "maria", "jose"),
//     and every name a nickname may stand for ("Fito" gives "fito",
//     "adolfo", "rodolfo"). Initials give no key.
//   - phonetic keys are [PhoneticPrefix] followed by [Phonetic] of each of
//     those words ("9billamar"); they contain a digit, so no folded key
//     equals one. Only codes of two letters or more are kept.
//   - each list is free of duplicates, in first-seen order, and holds
//     tokens that SQLite FTS5's unicode61 tokenizer keeps whole.
func IndexKeys(n cases.Name, aliases []string) (folded, phonetic []string) {
	var k keySet
	p := Prepare(n, nil)
	k.addParts(p)
	for _, a := range aliases {
		k.addParts(PrepareText(a, nil))
	}
	return k.folded, k.phonetic
}

// QueryKeys returns the search keys of a free-text query ("Fito Macías",
// "MACIAS VILLAMAR J"), under the same contract as [IndexKeys].
func QueryKeys(q string) (folded, phonetic []string) {
	var k keySet
	k.addParts(PrepareText(q, nil))
	return k.folded, k.phonetic
}

type keySet struct {
	folded, phonetic []string
	seen             map[string]bool
}

func (k *keySet) add(word string) {
	if len(word) < 2 || !isFoldedWord(word) {
		return
	}
	if k.seen == nil {
		k.seen = map[string]bool{}
	}
	if !k.seen[word] {
		k.seen[word] = true
		k.folded = append(k.folded, word)
	}
	code := Phonetic(word)
	if len(code) < 2 {
		return
	}
	pk := PhoneticPrefix + code
	if !k.seen[pk] {
		k.seen[pk] = true
		k.phonetic = append(k.phonetic, pk)
	}
}

func (k *keySet) addParts(p *Prepared) {
	for _, pp := range p.parts {
		if pp.Initial {
			continue
		}
		k.add(pp.Text)
		for _, t := range nicknameOf[pp.Text] {
			k.add(idName[t])
		}
		for _, c := range compoundOf[pp.Text] {
			k.add(idName[c[0]])
			k.add(idName[c[1]])
		}
		// "Delpezo" left whole: also key the word after a leading "del",
		// "dela", "delos", "delas", so that it meets "del Pezo".
		for _, pre := range [...]string{"delos", "delas", "dela", "del"} {
			if rest, ok := strings.CutPrefix(pp.Text, pre); ok && len(rest) >= 3 {
				k.add(rest)
				break
			}
		}
	}
}
