package search

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/cases/names"
)

// memIndex is an in-memory index of the keys of a few names, built with
// the same names.IndexKeys the store uses.
type memIndex struct {
	docs  map[string]int
	total int
}

func newMemIndex(ns ...cases.Name) *memIndex {
	ix := &memIndex{docs: map[string]int{}}
	for _, n := range ns {
		f, p := names.IndexKeys(n, nil)
		for _, k := range append(f, p...) {
			ix.docs[k]++
		}
		ix.total++
	}
	return ix
}

func (m *memIndex) Docs(k string) int { return m.docs[k] }
func (m *memIndex) Total() int        { return m.total }
func (m *memIndex) Keys(n int) []string {
	var out []string
	for k := range m.docs {
		if len(k) == n && !strings.HasPrefix(k, names.PhoneticPrefix) {
			out = append(out, k)
		}
	}
	return out
}

var (
	fito  = cases.Name{Given: []string{"José", "Adolfo"}, Paternal: "Macías", Maternal: "Villamar"}
	jesus = cases.Name{Given: []string{"Jesús"}, Paternal: "Vargas", Maternal: "López"}
)

// planReaches reports whether some conjunction of the plan holds a key of
// the record's in every term: the record would be a candidate.
func planReaches(tiers []Tier, n cases.Name) bool {
	f, p := names.IndexKeys(n, nil)
	has := map[string]bool{}
	for _, k := range append(f, p...) {
		has[k] = true
	}
	holds := func(t Term) bool {
		for _, k := range t {
			if pre, ok := strings.CutSuffix(k, "*"); ok {
				for h := range has {
					if strings.HasPrefix(h, pre) {
						return true
					}
				}
			} else if has[k] {
				return true
			}
		}
		return false
	}
	for _, tier := range tiers {
		for _, conj := range tier {
			all := true
			for _, t := range conj {
				all = all && holds(t)
			}
			if all {
				return true
			}
		}
	}
	return false
}

func TestPlanReachesTyposAnywhere(t *testing.T) {
	ix := newMemIndex(fito, jesus,
		cases.Name{Given: []string{"Carlos"}, Paternal: "Macías", Maternal: "Cedeño"},
		cases.Name{Given: []string{"Rosa"}, Paternal: "Villacís", Maternal: "Vera"})
	for _, q := range []string{"José Adolfo Macías Villamar", "Nacías Villamar", "Macías Cillamar", "Xosé Adolfo Nacías Villamar", "Vilamar", "Jsoé Macías", "jose vargas lopez", "Pedro Vargas"} {
		want := fito
		if strings.Contains(strings.ToLower(q), "vargas") {
			want = jesus
		}
		if tiers := Plan(q, ix); !planReaches(tiers, want) {
			t.Errorf("%q: the plan %v never reaches %s", q, tiers, want.Display())
		}
	}
}

func TestPlanLeavesInitialsToTheReRank(t *testing.T) {
	jp := cases.Name{Given: []string{"Juan", "Pablo"}, Paternal: "Andrade", Maternal: "Salinas"}
	ix := newMemIndex(fito, jp)
	tiers := Plan("JP Andrade", ix)
	if !planReaches(tiers, jp) {
		t.Errorf("the plan %v never reaches %s", tiers, jp.Display())
	}
	for _, tier := range tiers {
		for _, conj := range tier {
			for _, term := range conj {
				for _, k := range term {
					if strings.HasPrefix(k, "jp") {
						t.Errorf("initials searched as a key: %v", tiers)
					}
				}
			}
		}
	}
}

func TestNearKeys(t *testing.T) {
	ix := newMemIndex(fito, jesus)
	near := nearKeys("nacias", ix)
	if len(near) == 0 || near[0] != "macias" {
		t.Errorf("nearKeys(nacias) = %v, want macias first", near)
	}
	if near := nearKeys("zzzzzz", ix); len(near) != 0 {
		t.Errorf("nearKeys(zzzzzz) = %v, want none", near)
	}
}

func TestNotices(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"de la", "only particles"},
		{"... ,,,", "no Latin letters"},
		{"Иван Петров", "no Latin letters"},
		{"\xff\xfe", "no Latin letters"},
		{"Mac\xffías Villamar", "not text (invalid UTF-8)"},
		{strings.Repeat("Zambrano ", 1250), "holds 1250 words"},
		{"María de los Ángeles de la Cruz del Pezo", ""},
		{"José de la Cruz", ""},
		{"", ""},
	} {
		got := strings.Join(Notices(c.text), "\n")
		if c.want == "" && got != "" || !strings.Contains(got, c.want) {
			t.Errorf("Notices(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}

func rank(t *testing.T, query string, c Candidate, q Query) (Ranked, bool) {
	t.Helper()
	c.ScoreName(names.PrepareText(query, nil), nil)
	return Rank(&c, q)
}

func TestRank(t *testing.T) {
	q := Query{ByName: true}
	full, ok := rank(t, "José Adolfo Macías Villamar", Candidate{Name: fito}, q)
	if !ok || !full.ByName || full.Score < scoreNameScale*names.DefaultThreshold {
		t.Fatalf("the person searched: %+v %v", full, ok)
	}
	partial, ok := rank(t, "Pedro Macías Villamar", Candidate{Name: fito}, q)
	if !ok || partial.Score >= full.Score || !strings.Contains(strings.Join(partial.Reasons, "\n"), "a given name differs") {
		t.Errorf("another given name, both surnames: %+v %v", partial, ok)
	}
	if r, ok := rank(t, "Pedro Quishpe Lema", Candidate{Name: fito}, q); ok {
		t.Errorf("nothing shared, shown: %+v", r)
	}
	weak, ok := rank(t, "Pedro Macías", Candidate{Name: fito}, q)
	if !ok || !weak.Weak || weak.Score >= partial.Score {
		t.Errorf("one surname and another given name: %+v %v, want a weak result below %.3f", weak, ok, partial.Score)
	}
	// An alias that scores higher but shares fewer surnames does not hide
	// the record's own near miss.
	jorge := Candidate{Name: cases.Name{Given: []string{"Jorge", "Rodolfo"}, Paternal: "Vargas", Maternal: "Villacís"}, Aliases: []string{"José Vargas Toapanta"}}
	if r, ok := rank(t, "Jsoé Vargas Villacís", jorge, q); !ok || r.Weak || !strings.Contains(strings.Join(r.Reasons, "\n"), "the surnames match") {
		t.Errorf("near miss behind an alias: %+v %v", r, ok)
	}
	if r, ok := rank(t, "Pedro Villamar", Candidate{Name: fito}, q); ok {
		t.Errorf("the lone surname against the maternal one, shown: %+v", r)
	}
	if got := Trim([]Ranked{weak, partial}, func(r Ranked) Ranked { return r }); len(got) != 1 || got[0].Weak {
		t.Errorf("Trim kept %+v, want the stronger result only", got)
	}
	if got := Trim([]Ranked{weak}, func(r Ranked) Ranked { return r }); len(got) != 1 {
		t.Errorf("Trim dropped the only result: %+v", got)
	}
	doc, ok := Rank(&Candidate{Name: fito, ByDocument: true, DocWhy: []string{"cédula on file"}}, Query{})
	if !ok || doc.Score != scoreDocOnly || !doc.ByDocument {
		t.Errorf("document only: %+v %v", doc, ok)
	}
	both, _ := rank(t, "José Adolfo Macías Villamar", Candidate{Name: fito, ByDocument: true}, q)
	if both.Score <= doc.Score {
		t.Errorf("document and name %.3f not above document alone %.3f", both.Score, doc.Score)
	}
	born := cases.PartialDate{Year: 1979, Month: 3, Day: 11}
	same, _ := rank(t, "José Adolfo Macías Villamar", Candidate{Name: fito, DOB: born}, Query{ByName: true, DOB: born})
	other, _ := rank(t, "José Adolfo Macías Villamar", Candidate{Name: fito, DOB: cases.PartialDate{Year: 1990}}, Query{ByName: true, DOB: born})
	if !(same.Score > full.Score && other.Score < full.Score) {
		t.Errorf("date of birth: same %.3f, none %.3f, other %.3f", same.Score, full.Score, other.Score)
	}
}

func TestDOBEvidence(t *testing.T) {
	want := cases.PartialDate{Year: 1979, Month: 3, Day: 11}
	for _, c := range []struct {
		have cases.PartialDate
		tol  int
		adj  float64
		keep bool
	}{
		{cases.PartialDate{}, 0, 0, true},
		{want, 0, 0.05, true},
		{cases.PartialDate{Year: 1979}, 0, 0.03, true},
		{cases.PartialDate{Year: 1979, Month: 11, Day: 3}, 0, 0.03, true},
		{cases.PartialDate{Year: 1981}, 2, 0.01, true},
		{cases.PartialDate{Year: 1990}, 2, -0.15, false},
	} {
		adj, _, keep := DOBEvidence(want, c.have, c.tol)
		if adj != c.adj || keep != c.keep {
			t.Errorf("%v against %v: %.2f %v, want %.2f %v", want, c.have, adj, keep, c.adj, c.keep)
		}
	}
}

// FuzzPlan: any query text, however long, broken or foreign, gives a plan
// of well-formed keys and notices, without panicking.
func FuzzPlan(f *testing.F) {
	ix := newMemIndex(fito, jesus)
	for _, s := range []string{"José Adolfo Macías Villamar", "de la", "\xff\xfe", "Иван Петров", strings.Repeat("Macías ", 200), "J. P.", "O'Brien-Smith, Jr."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, tier := range Plan(s, ix) {
			for _, conj := range tier {
				for _, term := range conj {
					if len(term) == 0 {
						t.Fatalf("%q: empty term", s)
					}
					for _, k := range term {
						k = strings.TrimSuffix(k, "*")
						if k == "" || !utf8.ValidString(k) || strings.ContainsAny(k, "\" ()*") {
							t.Fatalf("%q: bad key %q", s, k)
						}
					}
				}
			}
		}
		for _, n := range Notices(s) {
			if !utf8.ValidString(n) {
				t.Fatalf("%q: notice is not valid UTF-8: %q", s, n)
			}
		}
	})
}

// BenchmarkNearKeys looks up a mistyped word in a vocabulary of 200,000
// made-up name keys (far more than the demo's), as Plan does for a word the
// index lacks.
func BenchmarkNearKeys(b *testing.B) {
	ix := &memIndex{docs: map[string]int{}, total: 1000000}
	rng := uint64(1)
	const alphabet = "aaaeeeiioouurrnnllssttccddmmbvgjhyzqpf"
	for len(ix.docs) < 200000 {
		n := 4 + int(rng%8)
		w := make([]byte, n)
		for i := range w {
			rng = rng*6364136223846793005 + 1442695040888963407
			w[i] = alphabet[(rng>>33)%uint64(len(alphabet))]
		}
		ix.docs[string(w)] = 1 + int(rng%500)
	}
	for _, w := range []string{"macias", "villamar", "zambrano", "quishpe"} {
		ix.docs[w] = 1000
	}
	byLen := map[int][]string{}
	for k := range ix.docs {
		byLen[len(k)] = append(byLen[len(k)], k)
	}
	keys := &lenIndex{memIndex: ix, byLen: byLen}
	b.ResetTimer()
	found := 0
	for i := 0; i < b.N; i++ {
		found += len(nearKeys([]string{"nacias", "villamra", "zambarno", "qiishpe"}[i%4], keys))
	}
	b.ReportMetric(float64(found)/float64(b.N), "keys/op")
}

// lenIndex serves Keys from a prepared map, as the store does.
type lenIndex struct {
	*memIndex
	byLen map[int][]string
}

func (l *lenIndex) Keys(n int) []string { return l.byLen[n] }

// TestLessOrdersNamesakesByWhatIsOnFile: records that score alike are
// ordered by the record's own name before an alias, then by evidence the
// officer can check, then by recent activity, never by chance.
func TestLessOrdersNamesakesByWhatIsOnFile(t *testing.T) {
	q := names.PrepareText("Jesús Vargas López", nil)
	day := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC) }
	rank := func(c Candidate) Ranked {
		c.ScoreName(q, nil)
		r, ok := Rank(&c, Query{ByName: true})
		if !ok {
			t.Fatalf("%+v not shown", c)
		}
		return r
	}
	bare := rank(Candidate{Name: jesus, ID: "a", Updated: day(1)})
	printed := rank(Candidate{Name: jesus, ID: "b", Updated: day(1), Fingerprints: 10, Documents: 1})
	recent := rank(Candidate{Name: jesus, ID: "c", Updated: day(20)})
	alias := rank(Candidate{Name: cases.Name{Given: []string{"Pedro"}, Paternal: "Vargas", Maternal: "Mina"}, Aliases: []string{"Jesús Vargas López"},
		ID: "0", Updated: day(28), Fingerprints: 10, Documents: 2})
	if bare.Score != printed.Score || bare.Score != recent.Score || bare.Score != alias.Score {
		t.Fatalf("namesakes score apart: %.4f %.4f %.4f %.4f", bare.Score, printed.Score, recent.Score, alias.Score)
	}
	for _, c := range []struct {
		what        string
		first, next Ranked
	}{
		{"evidence on file", printed, recent},
		{"recent activity", recent, bare},
		{"own name before alias", bare, alias},
	} {
		if !Less(c.first, c.next) || Less(c.next, c.first) {
			t.Errorf("%s: not ordered first", c.what)
		}
	}
	higher := bare
	higher.Score += 0.01
	if !Less(higher, printed) {
		t.Error("a higher score is not first")
	}
}

// TestRankShowsSwappedSurnamesLow: a record that carries every part of the
// name, the surnames in the other order, is most likely another person but
// is shown, low and saying so, so that "No subject matches" still means
// that nothing shares the name; one whose given names differ as well is not.
func TestRankShowsSwappedSurnamesLow(t *testing.T) {
	paredes := cases.Name{Given: []string{"Jorge", "Luis"}, Paternal: "Paredes", Maternal: "Salinas"}
	r, ok := rank(t, "Jorge Luis Salinas Paredes", Candidate{Name: paredes}, Query{ByName: true})
	if !ok {
		t.Fatal("the record with the surnames in the other order is not shown")
	}
	if !strings.Contains(strings.Join(r.Reasons, "\n"), "surnames are in the other order") || r.Score >= names.DefaultThreshold*scoreNameScale {
		t.Errorf("shown at %.3f with %q", r.Score, r.Reasons)
	}
	exact, _ := rank(t, "Jorge Luis Paredes Salinas", Candidate{Name: paredes}, Query{ByName: true})
	if exact.Score <= r.Score {
		t.Errorf("the name in order %.3f, swapped %.3f", exact.Score, r.Score)
	}
	other := cases.Name{Given: []string{"Pedro"}, Paternal: "Paredes", Maternal: "Salinas"}
	if r, ok := rank(t, "Jorge Luis Salinas Paredes", Candidate{Name: other}, Query{ByName: true}); ok {
		t.Errorf("another given name and the surnames swapped shown: %.3f %q", r.Score, r.Reasons)
	}
}
