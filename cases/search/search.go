// Package search holds the ranking rules of a subject search, on the
// domain side: the candidate plan over a full-text index of name keys
// (which query parts to intersect first and how to relax), how a candidate
// found by name, by document or both is scored, how a date of birth counts
// as evidence, which near misses are still shown (a record whose surnames
// match while a given name differs), and how records that score alike are
// ordered (Less). The SQL adapter (package
// store) only fetches: it runs the plan's key expressions against its
// index, loads the candidates and hands them back here.
//
// Package search is pure computation and depends only on package cases and
// cases/names.
package search

import (
	"fmt"
	"math/bits"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/cases/names"
)

// Search tuning, stated once.
const (
	// MaxCandidates bounds the first stage: how many records the re-rank sees.
	MaxCandidates = 400
	// planTarget is the expected size of the first intersection the plan
	// aims for, given the parts' frequencies.
	planTarget = 150
	// EnoughCandidates stops relaxing the plan once reached.
	EnoughCandidates = 60
	// ShowFloor is the lowest name score shown as a possible match: below
	// the engine's threshold, so near misses are visible, ranked after
	// matches.
	ShowFloor = names.DefaultThreshold - 0.13
	// typoPrefix is how many letters a part keeps when the plan relaxes to
	// prefixes.
	typoPrefix = 4
	// maxNear bounds the index keys taken for one mistyped word.
	maxNear = 24
)

// Scores given to document look-ups; a name score is scaled under them, so
// a person found through both a name and a document ranks first.
const (
	scoreDocOnly    = 0.92
	scoreDocAndName = 0.95 // plus up to 0.05 from the name score
	scoreNameScale  = 0.90
)

// Index is what the plan needs to know of the store's full-text index of
// name keys (names.IndexKeys).
type Index interface {
	// Docs is how many records hold the key.
	Docs(key string) int
	// Total is how many records there are.
	Total() int
	// Keys lists the index's folded keys (words of letters a-z) of length n.
	Keys(n int) []string
}

// Term is one query part: alternative index keys, any of which will do. A
// key ending in "*" stands for every key with that prefix.
type Term []string

// Conj is a conjunction: records that hold a key of every term.
type Conj []Term

// Tier is one step of the plan: its conjunctions run together.
type Tier []Conj

type group struct {
	term, prefixed Term
	docs           int
}

// Plan plans the first stage of a name search. Each query word becomes a
// term of alternative keys (the word, its sound key, the names a nickname
// stands for). A word the index does not hold (a typing error anywhere in
// it, first letters included) takes the index keys within a typing error
// of it instead, and its prefix. Intersecting the long lists of common
// parts is what costs time, so the plan starts from the rarest parts and
// lets the re-rank judge the rest; it relaxes step by step (the two rarest
// parts; the same with prefixes; other pairs; the rarest part alone when
// its list is short; last, the query's surnames alone). The caller runs
// the tiers in order until enough candidates are found.
func Plan(text string, ix Index) []Tier {
	var known, unknown []group
	// The parts of the query's most plausible reading: particles attached,
	// abbreviations expanded, compounds split, initials (J., JP) left to the
	// re-rank; at most eight parts.
	parts := names.PrepareText(text, nil).Parts()
	for _, p := range parts {
		w := p.Text
		if p.Initial || names.IsParticle(w) {
			continue
		}
		folded, phonetic := names.QueryKeys(w)
		alts := append(folded, phonetic...)
		if len(alts) == 0 {
			continue // a particle or an initial: the re-rank weighs it
		}
		g := group{term: alts}
		for _, a := range alts {
			g.docs += ix.Docs(a)
		}
		if g.docs == 0 && len(w) >= 3 {
			if near := nearKeys(w, ix); len(near) > 0 {
				g.term = append(append(Term{}, alts...), near...)
				for _, k := range near {
					g.docs += ix.Docs(k)
				}
			}
		}
		g.prefixed = g.term
		if len(w) > typoPrefix+1 {
			g.prefixed = append(append(Term{}, g.term...), w[:typoPrefix]+"*")
		}
		if g.docs == 0 {
			unknown = append(unknown, g)
		} else {
			known = append(known, g)
		}
	}
	sort.SliceStable(known, func(i, j int) bool { return known[i].docs < known[j].docs })
	var tiers []Tier
	total := float64(max(ix.Total(), 1))
	switch {
	case len(known) >= 2:
		first := Conj{known[0].term, known[1].term}
		est := float64(known[0].docs) * float64(known[1].docs) / total
		for i := 2; i < len(known) && est > planTarget; i++ {
			first = append(first, known[i].term)
			est *= float64(known[i].docs) / total
		}
		tiers = append(tiers, Tier{first})
		if len(first) > 2 {
			tiers = append(tiers, Tier{{known[0].term, known[1].term}})
		}
		t := Tier{{known[0].prefixed, known[1].prefixed}}
		for _, u := range unknown {
			t = append(t, Conj{known[0].term, u.prefixed})
		}
		tiers = append(tiers, t)
		if len(known) >= 3 {
			tiers = append(tiers, Tier{{known[0].term, known[2].term}, {known[1].term, known[2].term}})
		}
		if known[0].docs <= MaxCandidates {
			tiers = append(tiers, Tier{{known[0].term}})
		}
	case len(known) == 1:
		var t Tier
		for _, u := range unknown {
			t = append(t, Conj{known[0].term, u.prefixed})
		}
		tiers = append(tiers, append(t, Conj{known[0].term}))
	default:
		for _, u := range unknown {
			tiers = append(tiers, Tier{{u.prefixed}})
		}
	}
	// Last, the query's surnames alone: records that share them are shown,
	// lower, when nothing closer is found, so that "no match" means that
	// nothing shares the name.
	if surnames := surnameConj(parts); len(surnames) > 0 {
		tiers = append(tiers, Tier{surnames})
	}
	return tiers
}

// surnameConj is the conjunction of the surnames of the query's most
// plausible reading (each with its keys).
func surnameConj(parts []names.Part) Conj {
	var conj Conj
	for _, p := range parts {
		if p.Role != names.Surname || p.Initial {
			continue
		}
		f, ph := names.QueryKeys(p.Text)
		if t := append(f, ph...); len(t) > 0 {
			conj = append(conj, t)
		}
	}
	return conj
}

// nearKeys lists the index's folded keys within a typing error of w (one
// edit, or two for words of seven letters or more), the closest and most
// common first.
func nearKeys(w string, ix Index) []string {
	maxD := 1
	if len(w) >= 7 {
		maxD = 2
	}
	type near struct {
		key  string
		d, n int
	}
	var found []near
	lw := names.Letters(w)
	for n := len(w) - maxD; n <= len(w)+maxD; n++ {
		if n < 2 {
			continue
		}
		for _, k := range ix.Keys(n) {
			// Each letter one word has and the other lacks takes an edit.
			lk := names.Letters(k)
			if bits.OnesCount32(lw&^lk) > maxD || bits.OnesCount32(lk&^lw) > maxD {
				continue
			}
			if d := names.Distance(w, k); d <= maxD {
				found = append(found, near{k, d, ix.Docs(k)})
			}
		}
	}
	sort.Slice(found, func(i, j int) bool {
		if found[i].d != found[j].d {
			return found[i].d < found[j].d
		}
		if found[i].n != found[j].n {
			return found[i].n > found[j].n
		}
		return found[i].key < found[j].key
	})
	out := make([]string, 0, min(len(found), maxNear))
	for _, f := range found[:min(len(found), maxNear)] {
		out = append(out, f.key)
	}
	return out
}

// Notices explains a query that cannot be searched as a name (nothing but
// particles, initials or punctuation, or no Latin letters at all) and what
// was done with a query that can only in part: bytes that are not UTF-8
// text, more words than a name is compared on. It returns nil for a
// searchable name written plainly.
func Notices(text string) []string {
	folded := names.Fold(text)
	if folded == "" {
		if strings.TrimSpace(text) != "" {
			return []string{"The query holds no Latin letters or digits to search: names are searched as written in the Latin alphabet (transliterate a name written in another script)."}
		}
		return nil
	}
	var out []string
	if !utf8.ValidString(text) {
		out = append(out, "The query holds bytes that are not text (invalid UTF-8): they were read as spaces between words; check how the name was copied.")
	}
	searchable, words := false, 0
	for _, w := range strings.Fields(folded) {
		if !names.IsParticle(w) {
			words++
		}
		if !names.IsParticle(w) && len(w) >= 2 {
			searchable = true
		}
	}
	if !searchable {
		return append(out, fmt.Sprintf("Nothing to search in %q: it holds only particles, initials or punctuation; add a surname or a given name.", clip(strings.TrimSpace(text), 60)))
	}
	if words > names.MaxParts {
		out = append(out, fmt.Sprintf("The query holds %d words: a name is compared on its first %d parts, the rest were left out.", words, names.MaxParts))
	}
	return out
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// Candidate is a record the first stage brought, with its evidence.
type Candidate struct {
	Name       cases.Name
	Aliases    []string
	DOB        cases.PartialDate
	ByDocument bool
	DocWhy     []string // which document matched

	// What the record holds besides its name: used only to order records
	// that score alike (see Less).
	ID           string
	Fingerprints int // fingers on file
	Documents    int // identity documents on file
	Updated      time.Time

	name      names.Result
	nameAlias string // the alias that scored best, if any
	named     bool   // the name was scored
}

// ScoreName compares the query with a candidate's name and each alias (a
// moniker standing for the given names) and keeps the best.
func (c *Candidate) ScoreName(query *names.Prepared, fr names.Frequencies) {
	own := names.Score(query, names.Prepare(c.Name, fr))
	best := own
	c.nameAlias = ""
	for _, a := range c.Aliases {
		alias := names.PrepareText(a, fr)
		if !strings.Contains(strings.TrimSpace(a), " ") {
			alias = names.Prepare(cases.Name{Given: []string{a}, Paternal: c.Name.Paternal, Maternal: c.Name.Maternal}, fr)
		}
		if r := names.Score(query, alias); r.Score > best.Score {
			best, c.nameAlias = r, a
		}
	}
	if best.Score < ShowFloor && c.nameAlias != "" && own.SharedSurnames() > best.SharedSurnames() {
		// A near miss is judged on the record's own name: its surnames
		// match the query's better than the alias that scored higher.
		best, c.nameAlias = own, ""
	}
	c.name, c.named = best, true
}

// NameScore is the candidate's name score (0 when not scored).
func (c *Candidate) NameScore() float64 { return c.name.Score }

// Settles reports whether the candidate ends the widening of the plan: its
// name reaches the threshold, or it carries every surname of the query (two
// or more) and only a given name differs. Widening further would look for
// mistyped surnames, which such a record makes unlikely.
func (c *Candidate) Settles() bool { return c.named && (c.name.Match() || c.name.SurnamesAgree()) }

// Query is what ranking needs of the search.
type Query struct {
	DOB               cases.PartialDate
	DOBToleranceYears int
	ByName            bool // the query was read as a name (or an MRZ's name)
}

// Ranked is a candidate's place in the results.
type Ranked struct {
	Score      float64
	ByName     bool
	ByDocument bool
	Reasons    []string
	// Weak marks a record that only shares the query's one surname: shown
	// only when nothing else is (see Trim).
	Weak bool

	tie tieOrder
}

// tieOrder is what orders records that score alike.
type tieOrder struct {
	alias      bool // the name matched through an alias, not the record's own name
	verifiable int  // kinds of evidence the officer can check at once
	updated    time.Time
	id         string
}

// Less orders results: the higher score first; among records that score
// alike (namesakes, or records that differ only in a part the query left
// out), which the query cannot tell apart:
//  1. a record whose own name matched before one that matched through an
//     alias (the name typed is that record's name; the other only used it);
//  2. the record that can be confirmed or excluded at once: with more kinds
//     of evidence on file (fingerprints to compare, an identity document to
//     check, a full date of birth to ask about);
//  3. the record changed most recently (an encounter, an update: a person
//     currently of interest);
//  4. last, by ID, so that the order is stable.
//
// None of these depends on which record the officer is looking for, so
// none can favour one over its namesakes but by what is on file.
func Less(a, b Ranked) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	x, y := a.tie, b.tie
	if x.alias != y.alias {
		return !x.alias
	}
	if x.verifiable != y.verifiable {
		return x.verifiable > y.verifiable
	}
	if !x.updated.Equal(y.updated) {
		return x.updated.After(y.updated)
	}
	return x.id < y.id
}

func (c *Candidate) tieOrder() tieOrder {
	t := tieOrder{alias: c.nameAlias != "", updated: c.Updated, id: c.ID}
	for _, has := range []bool{c.Fingerprints > 0, c.Documents > 0, c.DOB.Day != 0} {
		if has {
			t.verifiable++
		}
	}
	return t
}

// Trim drops the weak near misses (a shared surname, other given names)
// when anything stronger is shown: they are there so that "no match" means
// that nothing shares the name, not to crowd out better results.
func Trim[T any](items []T, rank func(T) Ranked) []T {
	strong := false
	for _, it := range items {
		strong = strong || !rank(it).Weak
	}
	if !strong {
		return items
	}
	out := items[:0]
	for _, it := range items {
		if !rank(it).Weak {
			out = append(out, it)
		}
	}
	return out
}

// Rank scores a candidate, and reports whether it is shown at all: a name
// at or above ShowFloor; a record whose surnames all match while a given
// name differs (lower, saying what differs; when the query has only one
// surname, a weak result that Trim keeps only when nothing else is shown);
// a record whose name matches but for the order of its surnames (low, as
// another person most likely is, saying so);
// a document on file; never a record that only a date of birth would keep.
func Rank(c *Candidate, q Query) (Ranked, bool) {
	var r Ranked
	byName := c.named && c.name.Score >= ShowFloor
	shared, swapped := 0, false
	if c.named && !byName {
		shared = c.name.SharedSurnames()
		swapped = shared == 0 && c.name.OnlySurnamesSwapped()
	}
	partial := shared > 0 || swapped
	r.Weak = shared == 1
	switch {
	case c.ByDocument && byName && c.name.Match():
		r.Score = scoreDocAndName + 0.05*c.name.Score
	case c.ByDocument:
		r.Score = scoreDocOnly
	case byName || partial:
		r.Score = scoreNameScale * c.name.Score
	default:
		return r, false
	}
	r.ByDocument, r.ByName = c.ByDocument, byName || partial
	r.tie = c.tieOrder()
	r.Reasons = append(r.Reasons, c.DocWhy...)
	if !q.DOB.IsZero() {
		adj, why, keep := DOBEvidence(q.DOB, c.DOB, q.DOBToleranceYears)
		if !keep && !q.ByName && !c.ByDocument {
			return r, false
		}
		r.Score = min(1, max(0, r.Score+adj))
		if why != "" {
			r.Reasons = append(r.Reasons, why)
		}
	}
	switch {
	case shared == 1:
		r.Reasons = append(r.Reasons, "the surname matches but the given names differ: shown because nothing closer was found")
	case swapped:
		r.Reasons = append(r.Reasons, "every part of the name matches but the surnames are in the other order: shown in case they were written the wrong way round")
	case partial:
		r.Reasons = append(r.Reasons, "the surnames match but a given name differs: shown in case the given name was taken down wrong")
	}
	if c.nameAlias != "" {
		r.Reasons = append(r.Reasons, "alias "+c.nameAlias)
	}
	if r.ByName {
		r.Reasons = append(r.Reasons, c.name.Explanation()...)
	}
	return r, true
}

// DOBEvidence compares a searched date of birth with a record's: the score
// adjustment, the reason, and whether the record is compatible at all.
func DOBEvidence(want, have cases.PartialDate, tolYears int) (float64, string, bool) {
	if have.IsZero() {
		return 0, "", true
	}
	diff := want.Year - have.Year
	if diff < 0 {
		diff = -diff
	}
	switch {
	case want == have:
		return 0.05, "born " + have.String() + ": same date of birth", true
	case want.Year == have.Year && (want.Month == 0 || have.Month == 0):
		return 0.03, "born " + have.String() + ": same year of birth", true
	case want.Year == have.Year && want.Month == have.Month && (want.Day == 0 || have.Day == 0):
		return 0.04, "born " + have.String() + ": same month of birth", true
	case want.Year == have.Year && want.Month == have.Day && want.Day == have.Month:
		return 0.03, "born " + have.String() + ": day and month swapped", true
	case want.Year == have.Year:
		return 0.01, "born " + have.String() + ": same year, other day", true
	case diff <= tolYears:
		return 0.01, fmt.Sprintf("born %s: within %d years", have.String(), tolYears), true
	}
	return -0.15, "born " + have.String() + ": another date of birth", false
}
