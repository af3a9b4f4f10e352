package names

import (
	"fmt"
	"math"
	"math/bits"
	"strings"

	"github.com/enlace-desk/enlace/cases"
)

// DefaultThreshold is the score at or above which two names are taken to
// belong to the same person. It is the one cut-off for name matching: the
// store's search and the evaluation both use it. It stands in the middle of
// the gap, on the tuning halves of both labelled sets, between the highest
// non-match (0.687 hand-made, 0.633 generated) and the lowest match (0.732
// hand-made, 0.776 generated).
const DefaultThreshold = 0.71

// Tuning constants of the scorer (tuned on testdata/pairs-tune.csv only).
const (
	minPairSim   = 0.5  // parts less alike than this are never paired
	crossRole    = 0.8  // a given name paired with a surname keeps this share
	conflictCost = 2.0  // weight multiplier of a same-role part that disagrees
	crossCost    = 1.5  // ... of a disagreeing part in the other role
	genderCost   = 3.0  // ... of a given name against its other-sex form
	missingCost  = 0.25 // ... of a part the other name simply lacks
	// missingCap: a part the other name lacks weighs at most as much as a
	// common name, however rare it is: a query that leaves out a maternal
	// surname says nothing of it, rare or common.
	missingCap   = 3.0
	evidenceUnit = 3.0  // matched weight at which confidence reaches 1-1/e
	suffixClash  = 0.7  // Jr. against Sr.: the score keeps this share
	otherReading = 0.95 // a less plausible reading keeps this share
	// secondOnly: a lone surname usually stands for the paternal one; when it
	// pairs with the other name's maternal surname while the paternal goes
	// unpaired, the score keeps this share.
	secondOnly = 0.96
	initialW   = 1.0 // weight of an initial
	// swappedCost: the two surnames paired in the other order (Paredes
	// Salinas, Salinas Paredes) are another person's parents; the score
	// keeps this share.
	swappedCost = 0.5
	// reversedCost: compound given names in the other order (Jorge Luis,
	// Luis Jorge) name another person; reversedSexCost when the first given
	// names imply different sexes (María José, a woman; José María, a man).
	reversedCost    = 0.6
	reversedSexCost = 0.4
)

// Prepared is a name parsed and weighed once, ready to be scored against
// many others. It is immutable and safe for concurrent use.
type Prepared struct {
	parts    []prepPart
	readings []roles
	suffix   string
}

type prepPart struct {
	Part
	code                 string     // Phonetic(Text)
	letters, codeLetters uint32     // which letters a-z occur in Text and in code
	names                []uint16   // the given names this part may stand for (itself, or a nickname's targets)
	equiv                []uint16   // its English or Spanish equivalents
	wg, ws               float64    // weight as a given name, as a surname
	common               bool       // a common real name (see isCommon)
	sex                  impliedSex // the sex it implies as a given name
	contracted           bool       // one of the two names of a contraction (Juanpa: Juan, Pablo)
}

// Prepare parses a structured name (roles from the fields) for scoring.
// fr may be nil for the built-in frequencies.
func Prepare(n cases.Name, fr Frequencies) *Prepared {
	r := FromName(n)
	parts := append(append([]Part{}, r.Given...), r.Surnames...)
	if len(parts) > maxParts {
		parts = parts[:maxParts]
	}
	var mask uint16
	for i, p := range parts {
		if p.Role == Surname {
			mask |= 1 << i
		}
	}
	return prepare(parts, []roles{{surname: mask, order: "fields"}}, r.Suffix, fr)
}

// PrepareText parses a free-text name or query (see [Parse]) for scoring.
// fr may be nil for the built-in frequencies.
func PrepareText(s string, fr Frequencies) *Prepared {
	if fr == nil {
		fr = defaultTable
	}
	parts, rs, suffix := analyse(s, fr)
	return prepare(parts, rs, suffix, fr)
}

func prepare(parts []Part, rs []roles, suffix string, fr Frequencies) *Prepared {
	if fr == nil {
		fr = defaultTable
	}
	p := &Prepared{parts: make([]prepPart, len(parts)), readings: rs, suffix: suffix}
	for i, part := range parts {
		pp := prepPart{Part: part, code: Phonetic(part.Text)}
		pp.letters, pp.codeLetters = letterSet(pp.Text), letterSet(pp.code)
		if part.Initial {
			pp.wg, pp.ws = initialW, initialW
		} else {
			pp.wg = weightFor(freq(fr, part.Text, false))
			pp.ws = weightFor(freq(fr, part.Text, true))
			if id, ok := nameIDs[part.Text]; ok {
				pp.names = []uint16{id}
			}
			pp.common, pp.sex = isCommon(part.Text), sexOf(part.Text)
			for _, d := range diminutiveOf(part.Text) {
				if id := nameID(d); !containsID(pp.names, id) {
					pp.names = append(pp.names, id)
				}
			}
			pp.equiv = equivOf[part.Text]
			if targets := nicknameOf[part.Text]; targets != nil {
				pp.names = append(pp.names, targets...)
				if fr.Frequency(part.Text, false) == 0 {
					// A nickname is as common as its most common reading.
					w := math.Inf(1)
					for _, t := range targets {
						w = math.Min(w, weightFor(freq(fr, idName[t], false)))
					}
					pp.wg = w
				}
			}
		}
		p.parts[i] = pp
	}
	return p
}

// Letters is the set of letters a-z in s, one bit each: each letter one
// word has and another lacks takes an edit between them.
func Letters(s string) uint32 { return letterSet(s) }

// letterSet is the set of letters a-z in s, one bit each.
func letterSet(s string) uint32 {
	var m uint32
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'a' && c <= 'z' {
			m |= 1 << (c - 'a')
		}
	}
	return m
}

// editsAtLeast is a cheap lower bound on the edit distance between two
// strings with letter sets x and y: each letter of one that the other lacks
// takes at least one edit.
func editsAtLeast(x, y uint32) int {
	return max(bits.OnesCount32(x&^y), bits.OnesCount32(y&^x))
}

// freq is a part's frequency in a role, falling back on the other role: a
// name common in either role is common.
func freq(fr Frequencies, text string, surname bool) float64 {
	if f := fr.Frequency(text, surname); f > 0 {
		return f
	}
	return fr.Frequency(text, !surname)
}

// Parts returns the parts of the most plausible reading, in written order.
func (p *Prepared) Parts() []Part {
	out := make([]Part, len(p.parts))
	for i, pp := range p.parts {
		out[i] = pp.Part
		out[i].Role = roleOf(p.readings[0].surname, i)
	}
	return out
}

func roleOf(mask uint16, i int) Role {
	if mask&(1<<i) != 0 {
		return Surname
	}
	return Given
}

// How tells how two parts were found alike.
type How uint8

const (
	HowNone       How = iota
	HowExact          // same letters: "vera" = "vera"
	HowFolded         // same after folding accents and case: "Macías" = "MACIAS"
	HowAbbrev         // an abbreviation's expansion: "Fco." = "Francisco"
	HowInitial        // an initial against a name or initial: "J." ~ "José"
	HowNickname       // a nickname of the name: "Fito" ~ "Adolfo"
	HowPhonetic       // same Spanish sound key: "Vilamar" ~ "Villamar"
	HowTypo           // one or two keystrokes apart: "Zambarno" ~ "Zambrano"
	HowEquivalent     // English and Spanish forms of one name: "Peter" ~ "Pedro"
	HowVariant        // a known variant spelling: "Stephen" ~ "Steven"
	HowDistinct       // two different common names, however close: "Mario" ≠ "Marco"
	howGender     How = 1 << 7
)

func (h How) String() string {
	switch h &^ howGender {
	case HowExact:
		return "exact"
	case HowFolded:
		return "exact after folding"
	case HowAbbrev:
		return "abbreviation"
	case HowInitial:
		return "initial"
	case HowNickname:
		return "nickname"
	case HowPhonetic:
		return "phonetic"
	case HowTypo:
		return "typing error"
	case HowEquivalent:
		return "English and Spanish forms of one name"
	case HowVariant:
		return "variant spelling"
	case HowDistinct:
		return "two different names"
	}
	return "unpaired"
}

// compare tells how alike two parts are, ignoring roles. The howGender bit
// marks male and female forms of a name (Francisco, Francisca), which the
// aligner refuses to pair when either is read as a given name.
func compare(x, y *prepPart) (float64, How) {
	if x.Initial || y.Initial {
		if x.Text[0] != y.Text[0] {
			return 0, HowNone
		}
		if x.Initial && y.Initial {
			return 1, HowInitial
		}
		return 0.7, HowInitial
	}
	if x.Text == y.Text {
		switch {
		case x.contracted || y.contracted:
			return 0.85, HowNickname
		case x.Abbrev || y.Abbrev:
			return 0.95, HowAbbrev
		case x.Written != y.Written && !(x.Compound || y.Compound):
			return 1, HowFolded
		}
		return 1, HowExact
	}
	var g How
	if x.sex != sexUnknown && y.sex != sexUnknown && x.sex != y.sex {
		g = howGender
	}
	if sharesID(x.names, y.names) {
		return 0.85, HowNickname | g
	}
	if sharesID(x.names, y.equiv) || sharesID(x.equiv, y.names) {
		return 0.85, HowEquivalent | g
	}
	if variants(x.Text, y.Text) || undoubled(x.Text) == undoubled(y.Text) {
		return 0.9, HowVariant | g
	}
	if genderForms(x.Text, y.Text) {
		g = howGender
	}
	if x.code == y.code && x.code != "" {
		return 0.9, HowPhonetic | g
	}
	if x.common && y.common {
		// Two different names that real people commonly carry (Mario and
		// Marco, Mora and Moya) are two names, however close their letters.
		return 0, HowDistinct | g
	}
	lx, ly := len(x.Text), len(y.Text)
	L := max(lx, ly)
	if d := lx - ly; d > 2 || d < -2 || L < 4 {
		return 0, g
	}
	if editsAtLeast(x.letters, y.letters) <= 2 {
		switch d := osa(x.Text, y.Text); {
		case d == 1 && L >= 6:
			return 0.88, HowTypo | g
		case d == 1:
			return 0.85, HowTypo | g
		case d == 2 && L >= 7:
			return 0.75, HowTypo | g
		}
	}
	if min(len(x.code), len(y.code)) >= 4 && editsAtLeast(x.codeLetters, y.codeLetters) <= 1 && osa(x.code, y.code) == 1 {
		return 0.8, HowTypo | g
	}
	return 0, g
}

// undoubled is w with doubled letters written once: "allison" → "alison".
func undoubled(w string) string {
	for i := 1; i < len(w); i++ {
		if w[i] == w[i-1] {
			b := []byte(w[:i])
			for j := i + 1; j < len(w); j++ {
				if w[j] != b[len(b)-1] {
					b = append(b, w[j])
				}
			}
			return string(b)
		}
	}
	return w
}

func sharesID(a, b []uint16) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

// genderForms reports male and female forms of one name: Francisco and
// Francisca, Gabriel and Gabriela, José and Josefa, Víctor and Victoria.
func genderForms(x, y string) bool {
	if len(x) > len(y) {
		x, y = y, x
	}
	if len(x) < 3 {
		return false
	}
	if len(x) == len(y) {
		a, b := x[len(x)-1], y[len(y)-1]
		return x[:len(x)-1] == y[:len(y)-1] && (a == 'a' && b == 'o' || a == 'o' && b == 'a')
	}
	rest, ok := strings.CutPrefix(y, x)
	if ok {
		return rest == "a" || rest == "fa" || rest == "ia" || rest == "ina"
	}
	if x[len(x)-1] == 'o' {
		rest, ok = strings.CutPrefix(y, x[:len(x)-1])
		return ok && (rest == "ina" || rest == "ita")
	}
	return false
}

// osa is the optimal-string-alignment (restricted Damerau-Levenshtein)
// distance between two short ASCII strings; longer strings are cut to 32
// bytes.
func osa(a, b string) int {
	const n = 32
	if len(a) > n {
		a = a[:n]
	}
	if len(b) > n {
		b = b[:n]
	}
	var rows [3][n + 1]int
	r0, r1, r2 := &rows[0], &rows[1], &rows[2] // rows i-2, i-1, i
	for j := 0; j <= len(b); j++ {
		r1[j] = j
	}
	for i := 1; i <= len(a); i++ {
		r2[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(r1[j]+1, r2[j-1]+1, r1[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, r0[j-2]+1)
			}
			r2[j] = v
		}
		r0, r1, r2 = r1, r2, r0
	}
	return r1[len(b)]
}

// pairing is one pair of aligned parts.
type pairing struct {
	i, j int8
	sim  float64
	how  How
}

// Result is the outcome of comparing two names.
type Result struct {
	Score float64 // 0 (nothing alike) to 1 (the same name)

	a, b     *Prepared
	ra, rb   int // the readings that aligned best
	pairs    [maxParts]pairing
	npairs   int
	conflict [2 * maxParts]int8 // unpaired parts (a's as i, b's as -1-j) that disagree with a part of the other name
	nconf    int
	order    orderFlags
}

// orderFlags records parts paired in the other order.
type orderFlags struct {
	swapped  bool // surnames
	reversed bool // given names
	sexes    bool // ... whose first names imply different sexes
}

// Match reports whether the score reaches DefaultThreshold.
func (r Result) Match() bool { return r.Score >= DefaultThreshold }

// SharedSurnames is how many surnames the first name shares with the
// second when every surname of the first pairs, in order, with a surname of
// the second (a lone surname with the second's first, paternal one),
// whatever the given names say; 0 when some surname of the first does not
// pair. A search shows such a record even when a given name differs.
func (r Result) SharedSurnames() int {
	if r.a == nil || r.b == nil || r.order.swapped {
		return 0
	}
	// Under any plausible reading of the first name (the alignment may have
	// preferred one that makes a surname of a mistyped given name), the
	// second read as the alignment read it.
	best, mb := 0, r.b.readings[r.rb].surname
	for _, ra := range r.a.readings {
		best = max(best, r.sharedSurnames(ra.surname, mb))
	}
	return best
}

// OnlySurnamesSwapped reports whether the two names agree but for the order
// of their surnames (Jorge Luis Paredes Salinas, Jorge Luis Salinas
// Paredes): the score would reach the threshold without the swap. Most
// likely another person (another father and mother), but a search shows
// such a record, low, in case the surnames were written the wrong way
// round: it shares every part of the name.
func (r Result) OnlySurnamesSwapped() bool {
	if r.a == nil || r.b == nil || !r.order.swapped || r.order.reversed || r.Score/swappedCost < DefaultThreshold {
		return false
	}
	mb := r.b.readings[r.rb].surname
	for _, ra := range r.a.readings {
		if r.sharedSurnames(ra.surname, mb) >= 2 {
			return true
		}
	}
	return false
}

// SurnamesAgree reports whether two surnames or more are shared (see
// SharedSurnames).
func (r Result) SurnamesAgree() bool { return r.SharedSurnames() >= 2 }

func (r Result) sharedSurnames(ma, mb uint16) int {
	paired := 0
	var seen uint16
	rb := roleRanks(len(r.b.parts), mb)
	firstOfB := false
	for x := 0; x < r.npairs; x++ {
		p := r.pairs[x]
		if roleOf(ma, int(p.i)) == Surname && roleOf(mb, int(p.j)) == Surname && p.sim >= 0.75 && !r.a.parts[p.i].Initial && !r.b.parts[p.j].Initial {
			paired++
			seen |= 1 << p.i
			firstOfB = firstOfB || rb[p.j] == 0
		}
	}
	if ma&^seen != 0 || paired == 1 && !firstOfB {
		return 0
	}
	return paired
}

// Distance is the optimal-string-alignment distance (insertions, deletions,
// substitutions and swaps of two adjacent letters) between two folded
// words; words longer than 32 letters are cut.
func Distance(a, b string) int { return osa(a, b) }

// Score compares two prepared names. It aligns their parts whatever the
// order (given names with given names and surnames with surnames preferred,
// across roles at a cost), under every plausible reading of each, and
// weighs each part by its rarity: score = matched weight / (paired weight +
// disagreeing parts + a small share of parts the other name lacks), scaled
// down when the matched parts are so common that they prove little.
// Score(a, b) equals Score(b, a): it scores both ways round and keeps the
// lower, told from a's side.
func Score(a, b *Prepared) Result {
	ab, ba := score(a, b), score(b, a)
	if ba.Score < ab.Score {
		return ba.mirrored()
	}
	return ab
}

// mirrored is r told from the other name's side: Score(b, a)'s result as
// Score(a, b) reports it.
func (r Result) mirrored() Result {
	m := r
	m.a, m.b, m.ra, m.rb = r.b, r.a, r.rb, r.ra
	for x := 0; x < r.npairs; x++ {
		m.pairs[x].i, m.pairs[x].j = r.pairs[x].j, r.pairs[x].i
	}
	// Keep the pairs in the order of the first name's parts, as score does.
	for x := 1; x < m.npairs; x++ {
		for y := x; y > 0 && m.pairs[y].i < m.pairs[y-1].i; y-- {
			m.pairs[y], m.pairs[y-1] = m.pairs[y-1], m.pairs[y]
		}
	}
	// Conflicts come in twos: a's part i, then b's part j written -1-j.
	for x := 0; x+1 < r.nconf; x += 2 {
		m.conflict[x], m.conflict[x+1] = -1-r.conflict[x+1], -1-r.conflict[x]
	}
	return m
}

// score compares a with b one way round: the alignment's search keeps the
// first of equally good pairings it meets, so score(a, b) and score(b, a)
// can tell a different story of the same names; Score takes the more
// cautious of the two.
func score(a, b *Prepared) Result {
	a, b = expandContraction(a, b), expandContraction(b, a)
	res := Result{a: a, b: b}
	n, m := len(a.parts), len(b.parts)
	if n == 0 || m == 0 {
		return res
	}
	var sims [maxParts][maxParts]float64
	var hows [maxParts][maxParts]How
	for i := range a.parts {
		for j := range b.parts {
			sims[i][j], hows[i][j] = compare(&a.parts[i], &b.parts[j])
		}
	}
	best := -1.0
	var sc alignScratch
	for ia, ra := range a.readings {
		for ib, rb := range b.readings {
			var cand Result
			s := align(a, b, ra.surname, rb.surname, &sims, &hows, &sc, &cand)
			if ia > 0 {
				s *= otherReading
			}
			if ib > 0 {
				s *= otherReading
			}
			if s < best-scoreTie {
				continue
			}
			cand.a, cand.b, cand.ra, cand.rb = a, b, ia, ib
			cand.Score = s * orderPenalty(a, b, &cand)
			// Readings that align equally well are told apart by the
			// order penalty, the lower first (a swap is never hidden by
			// an equal reading without one), so that Score(a, b) and
			// Score(b, a) choose alike whichever loop runs outside.
			if s > best+scoreTie || cand.Score < res.Score {
				best, res = max(best, s), cand
			}
		}
	}
	return res
}

// scoreTie is how close two readings' alignments must be to count as equal.
const scoreTie = 1e-9

// alignScratch is the dynamic programme's working memory, zeroed once per
// Score call rather than once per reading pair.
type alignScratch struct {
	dp, next [1 << maxParts]float64
	choice   [maxParts][1 << maxParts]int8
}

// align finds the best assignment of a's parts to b's under one reading of
// each and scores it; it fills the pairs and conflicts of out.
func align(a, b *Prepared, ma, mb uint16, sims *[maxParts][maxParts]float64, hows *[maxParts][maxParts]How, sc *alignScratch, out *Result) float64 {
	n, m := len(a.parts), len(b.parts)
	var wa, wb [maxParts]float64
	for i := range a.parts {
		wa[i] = weightIn(&a.parts[i], roleOf(ma, i))
	}
	for j := range b.parts {
		wb[j] = weightIn(&b.parts[j], roleOf(mb, j))
	}
	var gain [maxParts][maxParts]float64
	for i := 0; i < n; i++ {
		for j := 0; j < m; j++ {
			s, h := sims[i][j], hows[i][j]
			sameRole := roleOf(ma, i) == roleOf(mb, j)
			if s < minPairSim || h&howGender != 0 && (roleOf(ma, i) == Given || roleOf(mb, j) == Given) {
				gain[i][j] = -1
				continue
			}
			if !sameRole {
				s *= crossRole
				if a.parts[i].Initial || b.parts[j].Initial {
					s *= crossRole // an initial stands for a name of its own role
				}
			}
			gain[i][j] = s * (wa[i] + wb[j])
		}
	}
	// Exact assignment by dynamic programming over the subsets of b's parts.
	const none = -1e18
	full := 1 << m
	dp, next, choice := &sc.dp, &sc.next, &sc.choice
	for k := 0; k < full; k++ {
		dp[k] = none
	}
	dp[0] = 0
	for i := 0; i < n; i++ {
		for k := 0; k < full; k++ {
			next[k] = dp[k]
			choice[i][k] = -1
		}
		for k := 0; k < full; k++ {
			if dp[k] == none {
				continue
			}
			for j := 0; j < m; j++ {
				if k&(1<<j) != 0 || gain[i][j] < 0 {
					continue
				}
				nk := k | 1<<j
				if v := dp[k] + gain[i][j]; v > next[nk] {
					next[nk] = v
					choice[i][nk] = int8(j)
				}
			}
		}
		dp, next = next, dp
	}
	bestK := 0
	for k := 1; k < full; k++ {
		if dp[k] > dp[bestK] {
			bestK = k
		}
	}
	var pairedA, pairedB uint16
	matched, paired, evidence := 0.0, 0.0, 0.0
	k := bestK
	out.npairs = 0
	for i := n - 1; i >= 0; i-- {
		j := choice[i][k]
		if j < 0 {
			continue
		}
		k &^= 1 << j
		pairedA |= 1 << i
		pairedB |= 1 << j
		g := gain[i][j]
		matched += g
		paired += wa[i] + wb[j]
		evidence += g / 2
		out.pairs[out.npairs] = pairing{i: int8(i), j: j, sim: g / (wa[i] + wb[j]), how: hows[i][j]}
		out.npairs++
	}
	// Unpaired parts: against an unpaired part of the other name in the same
	// role they disagree (another maternal surname, another given name);
	// otherwise the other name simply lacks them.
	var conflict, cross, missing float64
	out.nconf = 0
	var leftA, leftB []int8
	var bufA, bufB [maxParts]int8
	for _, role := range [...]Role{Given, Surname} {
		ua := unpaired(bufA[:0], n, pairedA, ma, role, &wa)
		ub := unpaired(bufB[:0], m, pairedB, mb, role, &wb)
		c := min(len(ua), len(ub))
		for x := 0; x < c; x++ {
			cost := 1.0
			if role == Given && hows[ua[x]][ub[x]]&howGender != 0 {
				cost = genderCost / conflictCost
			}
			w := wa[ua[x]] + wb[ub[x]]
			if a.parts[ua[x]].Initial != b.parts[ub[x]].Initial {
				// An initial that disagrees with a name stands for another
				// name: it weighs as much as the name.
				w = 2 * max(wa[ua[x]], wb[ub[x]])
			}
			conflict += cost * w
			out.conflict[out.nconf] = ua[x]
			out.conflict[out.nconf+1] = -1 - ub[x]
			out.nconf += 2
		}
		leftA = append(leftA, ua[c:]...)
		leftB = append(leftB, ub[c:]...)
	}
	c := min(len(leftA), len(leftB))
	for x := 0; x < c; x++ {
		cross += wa[leftA[x]] + wb[leftB[x]]
	}
	for _, i := range leftA[c:] {
		missing += min(wa[i], missingCap)
	}
	for _, j := range leftB[c:] {
		missing += min(wb[j], missingCap)
	}
	den := paired + conflictCost*conflict + crossCost*cross + missingCost*missing
	if den <= 0 {
		return 0
	}
	s := matched / den * (1 - math.Exp(-evidence/evidenceUnit))
	if a.suffix != "" && b.suffix != "" && a.suffix != b.suffix {
		s *= suffixClash
	}
	if loneSurnameIsSecond(n, ma, pairedA, m, mb, pairedB) || loneSurnameIsSecond(m, mb, pairedB, n, ma, pairedA) {
		s *= secondOnly
	}
	return math.Max(0, math.Min(1, s))
}

// orderPenalty finds the parts of the best alignment paired in the other
// order under any plausible reading of each name (so that a reading that
// turns a surname into a given name cannot hide a swap), records it in r
// and returns the share of the score kept.
func orderPenalty(a, b *Prepared, r *Result) float64 {
	for _, ra := range a.readings {
		for _, rb := range b.readings {
			f := pairOrder(a, b, ra.surname, rb.surname, r)
			r.order.swapped = r.order.swapped || f.swapped
			r.order.reversed = r.order.reversed || f.reversed
			r.order.sexes = r.order.sexes || f.sexes
		}
	}
	k := 1.0
	if r.order.swapped {
		k *= swappedCost
	}
	if r.order.reversed {
		if r.order.sexes {
			k *= reversedSexCost
		} else {
			k *= reversedCost
		}
	}
	return k
}

// pairOrder finds parts paired in the other order: two surnames, or two
// given names, of one name paired with the other's in reverse, under the
// readings ma and mb. Score checks both the readings the alignment used and
// each name's most plausible one, so that a less plausible reading cannot
// hide a swap.
func pairOrder(a, b *Prepared, ma, mb uint16, r *Result) orderFlags {
	var f orderFlags
	if r.npairs < 2 {
		return f
	}
	ra, rb := roleRanks(len(a.parts), ma), roleRanks(len(b.parts), mb)
	// Initials are left out: two initials of one letter pair either way.
	initial := func(p pairing) bool { return a.parts[p.i].Initial || b.parts[p.j].Initial }
	for x := 0; x < r.npairs; x++ {
		p := r.pairs[x]
		role := roleOf(ma, int(p.i))
		if roleOf(mb, int(p.j)) != role || initial(p) {
			continue
		}
		for y := x + 1; y < r.npairs; y++ {
			q := r.pairs[y]
			if roleOf(ma, int(q.i)) != role || roleOf(mb, int(q.j)) != role || initial(q) {
				continue
			}
			if (ra[p.i] < ra[q.i]) != (rb[p.j] < rb[q.j]) {
				if uncrossEqually(a, b, p, q) {
					continue // the same words, say: the order is no evidence
				}
				if role == Surname {
					f.swapped = true
				} else {
					f.reversed = true
				}
			}
		}
	}
	if f.reversed {
		sa, sb := firstGivenSex(a, ma), firstGivenSex(b, mb)
		f.sexes = sa != sexUnknown && sb != sexUnknown && sa != sb
	}
	return f
}

// uncrossEqually reports whether pairs p and q, which cross, would align as
// well uncrossed (the two words of one name alike, say "A0 A0"): which of
// two equal pairings the alignment kept is then chance, not order.
func uncrossEqually(a, b *Prepared, p, q pairing) bool {
	pp, _ := compare(&a.parts[p.i], &b.parts[p.j])
	qq, _ := compare(&a.parts[q.i], &b.parts[q.j])
	pq, _ := compare(&a.parts[p.i], &b.parts[q.j])
	qp, _ := compare(&a.parts[q.i], &b.parts[p.j])
	return pq+qp >= pp+qq-scoreTie
}

// roleRanks numbers each part within its role: the first given name 0, the
// second 1, ...; the first surname 0, the second 1.
func roleRanks(n int, mask uint16) (rank [maxParts]int8) {
	var g, s int8
	for i := 0; i < n; i++ {
		if roleOf(mask, i) == Surname {
			rank[i], s = s, s+1
		} else {
			rank[i], g = g, g+1
		}
	}
	return rank
}

// firstGivenSex is the sex implied by the first given name of a reading.
func firstGivenSex(p *Prepared, mask uint16) impliedSex {
	for i := range p.parts {
		if roleOf(mask, i) == Given && !p.parts[i].Initial {
			return p.parts[i].sex
		}
	}
	return sexUnknown
}

// loneSurnameIsSecond reports whether the one paired surname of the first
// name pairs with the second surname of the other, whose first is unpaired.
func loneSurnameIsSecond(n int, ma, pairedA uint16, m int, mb, pairedB uint16) bool {
	var sa, sb [2]int
	na, nb := surnames(n, ma, &sa), surnames(m, mb, &sb)
	return na == 1 && nb >= 2 && pairedA&(1<<sa[0]) != 0 && pairedB&(1<<sb[0]) == 0 && pairedB&(1<<sb[1]) != 0
}

// surnames counts the surname parts of a name and notes the first two.
func surnames(n int, mask uint16, idx *[2]int) int {
	count := 0
	for i := 0; i < n; i++ {
		if roleOf(mask, i) == Surname {
			if count < 2 {
				idx[count] = i
			}
			count++
		}
	}
	return count
}

// unpaired lists the unpaired parts of one role, heaviest first.
func unpaired(buf []int8, n int, paired, mask uint16, role Role, w *[maxParts]float64) []int8 {
	for i := 0; i < n; i++ {
		if paired&(1<<i) == 0 && roleOf(mask, i) == role {
			buf = append(buf, int8(i))
		}
	}
	for x := 1; x < len(buf); x++ {
		for y := x; y > 0 && w[buf[y]] > w[buf[y-1]]; y-- {
			buf[y], buf[y-1] = buf[y-1], buf[y]
		}
	}
	return buf
}

func weightIn(p *prepPart, r Role) float64 {
	if r == Surname {
		return p.ws
	}
	return p.wg
}

func orderLabel(order string) string {
	switch order {
	case "fields":
		return "its structured fields"
	case "comma":
		return "surnames-before-comma order"
	case "civil":
		return "civil-registry order (surnames first)"
	case "everyday":
		return "everyday order (given names first)"
	case "single":
		return "a single word"
	}
	return order
}

// Explanation says, one line per part, how the two names were aligned:
//
//	macias = macías: exact after folding (surname)
//	fito ~ adolfo: nickname (given)
//	loor ≠ cedeño: surnames disagree
//	villamar: only in the first name (missing in the second)
func (r Result) Explanation() []string {
	if r.a == nil || r.b == nil || len(r.a.parts) == 0 || len(r.b.parts) == 0 {
		return []string{"nothing to compare: a name is empty"}
	}
	ma, mb := r.a.readings[r.ra].surname, r.b.readings[r.rb].surname
	var out []string
	out = append(out, fmt.Sprintf("reading: first name in %s, second in %s",
		orderLabel(r.a.readings[r.ra].order), orderLabel(r.b.readings[r.rb].order)))
	pairedA, pairedB := uint16(0), uint16(0)
	for x := r.npairs - 1; x >= 0; x-- {
		p := r.pairs[x]
		pa, pb := &r.a.parts[p.i], &r.b.parts[p.j]
		pairedA |= 1 << p.i
		pairedB |= 1 << p.j
		ra, rb := roleOf(ma, int(p.i)), roleOf(mb, int(p.j))
		sign := "~"
		if p.how&^howGender == HowExact || p.how&^howGender == HowFolded {
			sign = "="
		}
		line := fmt.Sprintf("%s %s %s: %s", pa.Written, sign, pb.Written, p.how)
		if pa.Compound || pb.Compound {
			line += ", written together"
		}
		if pa.Particle != pb.Particle {
			line += fmt.Sprintf(" (particle %q against %q, weak)", pa.Particle, pb.Particle)
		}
		if ra == rb {
			line += fmt.Sprintf(" (%s, %.2f)", ra, p.sim)
		} else {
			line += fmt.Sprintf(" (%s against %s, %.2f)", ra, rb, p.sim)
		}
		out = append(out, line)
	}
	for x := 0; x+1 < r.nconf; x += 2 {
		i, j := r.conflict[x], -1-r.conflict[x+1]
		pa, pb := &r.a.parts[i], &r.b.parts[j]
		role := roleOf(ma, int(i))
		why := fmt.Sprintf("%s names disagree", role)
		if role == Surname {
			why = "surnames disagree"
		}
		_, how := compare(pa, pb)
		switch {
		case how&howGender != 0 && role == Given:
			why = "male and female forms of a name"
		case how&^howGender == HowDistinct:
			why += ": two different common names, not a misspelling"
		}
		out = append(out, fmt.Sprintf("%s ≠ %s: %s", pa.Written, pb.Written, why))
		pairedA |= 1 << i
		pairedB |= 1 << j
	}
	for i := range r.a.parts {
		if pairedA&(1<<i) == 0 {
			out = append(out, fmt.Sprintf("%s: only in the first name (%s; counts little)", r.a.parts[i].Written, roleOf(ma, i)))
		}
	}
	for j := range r.b.parts {
		if pairedB&(1<<j) == 0 {
			out = append(out, fmt.Sprintf("%s: only in the second name (%s; counts little)", r.b.parts[j].Written, roleOf(mb, j)))
		}
	}
	if r.a.suffix != "" && r.b.suffix != "" && r.a.suffix != r.b.suffix {
		out = append(out, fmt.Sprintf("suffix %s against %s: perhaps father and son", r.a.suffix, r.b.suffix))
	}
	if r.order.swapped {
		out = append(out, "surnames in the other order: another father and mother, most likely another person")
	}
	switch {
	case r.order.reversed && r.order.sexes:
		out = append(out, "given names in the other order, and the first names imply different sexes: most likely another person")
	case r.order.reversed:
		out = append(out, "given names in the other order: most likely another person")
	}
	return out
}

// expandContraction returns p with its first part that contracts two
// adjacent given names of other (Juanpa for Juan Pablo, Chema for José
// María, from the nickname table or formed from the first letters of each)
// replaced by those two names, marked as contracted; or p itself.
func expandContraction(p, other *Prepared) *Prepared {
	if len(p.parts) >= maxParts || len(other.parts) < 2 {
		return p
	}
	for i := range p.parts {
		c := &p.parts[i]
		if c.Initial || len(c.Text) < 4 || c.contracted || c.common && compoundOf[c.Text] == nil {
			continue
		}
		for j := 0; j+1 < len(other.parts); j++ {
			x, y := &other.parts[j], &other.parts[j+1]
			if x.Initial || y.Initial || x.sex == sexUnknown || y.sex == sexUnknown {
				continue
			}
			if !inCompound(c.Text, x.Text, y.Text) && !contraction(c.Text, x.Text, y.Text) {
				continue
			}
			q := &Prepared{readings: make([]roles, len(p.readings)), suffix: p.suffix}
			q.parts = make([]prepPart, 0, len(p.parts)+1)
			q.parts = append(q.parts, p.parts[:i]...)
			for _, o := range [...]*prepPart{x, y} {
				e := *o
				e.Written, e.Particle, e.Compound, e.contracted = c.Written, c.Particle, false, true
				e.wg, e.ws = c.wg, c.ws
				q.parts = append(q.parts, e)
			}
			q.parts = append(q.parts, p.parts[i+1:]...)
			for k, r := range p.readings {
				low := r.surname & (1<<(i+1) - 1)
				high := r.surname &^ (1<<(i+1) - 1)
				r.surname = low | high<<1
				if r.surname&(1<<i) != 0 {
					r.surname |= 1 << (i + 1)
				}
				q.readings[k] = r
			}
			return q
		}
	}
	return p
}

// inCompound reports whether the nickname table has nick for the compound
// given name first second.
func inCompound(nick, first, second string) bool {
	a, okA := nameIDs[first]
	b, okB := nameIDs[second]
	if !okA || !okB {
		return false
	}
	for _, c := range compoundOf[nick] {
		if c[0] == a && c[1] == b {
			return true
		}
	}
	return false
}
