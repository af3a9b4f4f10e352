package store_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/enlace-desk/enlace/assets/demo"
	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/cases/names"
	"github.com/enlace-desk/enlace/store"
)

// benchStore opens the store named by ENLACE_BENCH_STORE, generating it there
// first (ENLACE_BENCH_SUBJECTS subjects, the demo's seed) when the file does
// not exist, so that a 1,000,000-subject store is made once (about four
// minutes) and reused by later runs; without ENLACE_BENCH_STORE it generates
// ENLACE_BENCH_SUBJECTS subjects (default 20,000) in a temporary directory.
func benchStore(b *testing.B) *store.Store {
	b.Helper()
	subjects := 20000
	if n := os.Getenv("ENLACE_BENCH_SUBJECTS"); n != "" {
		v, err := strconv.Atoi(n)
		if err != nil || v < 1 {
			b.Fatalf("ENLACE_BENCH_SUBJECTS=%q: want a number of subjects", n)
		}
		subjects = v
	}
	path := os.Getenv("ENLACE_BENCH_STORE")
	if path == "" {
		return populated(b, filepath.Join(b.TempDir(), "bench.db"), subjects)
	}
	if _, err := os.Stat(path); os.IsNotExist(err) {
		// Generate beside it and rename when complete, so that an
		// interrupted run leaves no half-made store under the name.
		part := path + ".partial"
		os.Remove(part)
		populated(b, part, subjects).Close()
		if err := os.Rename(part, path); err != nil {
			b.Fatal(err)
		}
	}
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

// populated makes a store of the demo's subjects at path.
func populated(b *testing.B, path string, subjects int) *store.Store {
	b.Helper()
	st, err := store.Open(ctx, path, store.Options{Clock: cases.NewManualClock(epoch)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if err := demo.Populate(ctx, st, demo.Options{Subjects: subjects, Now: epoch}); err != nil {
		b.Fatal(err)
	}
	return st
}

// Query forms of the name benchmark: how officers write a name.
const (
	formDisplay    = iota // in full, given names first
	formCivil             // surnames first, as the civil registry writes it
	formNoMaternal        // given names and the paternal surname only
	formNoAccents         // in full, accents dropped
	formSwap              // in full, two adjacent letters swapped
	nForms
)

var formNames = [nForms]string{"display", "civil", "no-maternal", "no-accents", "swap"}

// nameSample is a name query and the subject it was written from.
type nameSample struct {
	query string
	id    string // the source subject
	form  int
	name  cases.Name // the source's name
}

// sampleQueries draws subjects from the store and writes their names the
// ways officers do: in full, surnames first, without the maternal surname,
// without accents, with a typing error.
func sampleQueries(b *testing.B, st *store.Store, n int) (nameQueries, docQueries []string) {
	samples, docQueries := sampleNames(b, st, n)
	for _, s := range samples {
		nameQueries = append(nameQueries, s.query)
	}
	return nameQueries, docQueries
}

// sampleNames draws n subjects and writes a name query for each, the forms
// taking turns.
func sampleNames(b *testing.B, st *store.Store, n int) (samples []nameSample, docQueries []string) {
	b.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	h, _ := st.Health(ctx)
	for len(samples) < n {
		offset := rng.IntN(max(1, h.Subjects))
		res, err := st.SubjectAtForBench(ctx, offset)
		if err != nil {
			b.Fatal(err)
		}
		name := res.Name
		var q string
		form := len(samples) % nForms
		switch form {
		case formDisplay:
			q = name.Display()
		case formCivil:
			q = name.Civil()
		case formNoMaternal:
			q = strings.Join(append(append([]string{}, name.Given...), name.Paternal), " ")
		case formNoAccents:
			q = strings.NewReplacer("á", "a", "é", "e", "í", "i", "ó", "o", "ú", "u", "ñ", "n").Replace(name.Display())
		case formSwap:
			d := []rune(name.Display())
			i := 1 + rng.IntN(len(d)-2)
			d[i], d[i+1] = d[i+1], d[i]
			q = string(d)
		}
		samples = append(samples, nameSample{query: q, id: res.ID, form: form, name: name})
		for _, d := range res.Documents {
			docQueries = append(docQueries, d.Number)
		}
	}
	return samples, docQueries
}

// statedKey is a name reduced to the parts a query of the form states,
// each folded (case, accents and punctuation dropped): given names in
// order and the paternal surname, and the maternal surname unless the form
// leaves it out or the name has none. A typing error is not a part the officer meant to state:
// the swapped form states the source's parts.
func statedKey(n cases.Name, form int) string {
	parts := []string{names.Fold(strings.Join(n.Given, " ")), names.Fold(n.Paternal)}
	if form != formNoMaternal && n.Maternal != "" {
		parts = append(parts, names.Fold(n.Maternal))
	}
	return strings.Join(parts, "|")
}

// namesakes counts, for each sample, the other subjects of the store whose
// name carries exactly the parts the sample's query states (statedKey). It
// reads every subject's name and owes nothing to the search or the scorer.
func namesakes(b *testing.B, st *store.Store, samples []nameSample) []int {
	b.Helper()
	want := map[string]int{} // stated key → subjects holding it
	for _, s := range samples {
		want[statedKey(s.name, s.form)] = 0
	}
	err := st.EachSubjectNameForBench(ctx, func(_ string, n cases.Name) {
		full, short := statedKey(n, formDisplay), statedKey(n, formNoMaternal)
		if _, ok := want[full]; ok {
			want[full]++
		}
		if _, ok := want[short]; ok && short != full {
			want[short]++
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	out := make([]int, len(samples))
	for i, s := range samples {
		out[i] = want[statedKey(s.name, s.form)] - 1 // not the source itself
	}
	return out
}

// ambiguousAt is how many namesakes (records carrying exactly the name parts
// the query states) make a query ambiguous: with five besides the source,
// the first five places can be filled by records the query cannot tell
// from it, whatever the ranking.
const ambiguousAt = 5

// benchNames runs the name samples and reports, beside the latency:
//   - in-top5: how often the subject a query was written from is among the
//     first five results (strict: among records that score alike, which
//     search.Less orders by what is on file, it may fall beyond the fifth
//     place);
//   - in-top5-or-tied: how often it is there or ties with the fifth
//     result's score, which is what the ranking can do;
//   - ambiguous: the share of queries whose source has ambiguousAt or more
//     namesakes in the parts the query states (folded given names in
//     order, paternal surname, and the maternal one unless the query leaves
//     it out), counted over the store's names without the search or its
//     scores: no ranking can place such a source in the first five for
//     sure, because the query does not distinguish it;
//   - in-top5-unambiguous: in-top5 over the other queries.
//
// With ENLACE_BENCH_MISSES=1 it writes to standard error every query whose source is not in the
// first five: its form, the source's rank and score against the fifth's,
// its namesakes, and the first five results.
func benchNames(b *testing.B, st *store.Store, samples []nameSample) {
	queries := make([]string, len(samples))
	want := make([]string, len(samples))
	for i, s := range samples {
		queries[i], want[i] = s.query, s.id
	}
	same := namesakes(b, st, samples)
	if os.Getenv("ENLACE_BENCH_MISSES") != "" && b.N >= len(samples) {
		logMisses(b, st, samples, same)
	}
	officer := demo.Officers()[0]
	candidates, found, tied, ambiguous, clear, clearFound := 0, 0, 0, 0, 0, 0
	timedSearches(b, st, queries, func(i int, res *cases.SearchResult) {
		candidates += res.Candidates
		k := i % len(samples)
		in5, tie := placed(res, want[k])
		if !in5 && !tie && len(res.Hits) == cases.DefaultSearchLimit {
			// Beyond the results shown: ask again for every candidate
			// (untimed) to see whether it ties with the fifth.
			b.StopTimer()
			all, err := st.SearchSubjects(ctx, officer, cases.SubjectQuery{Text: queries[k], Purpose: cases.PurposeBorder, Limit: 1000})
			if err != nil {
				b.Fatal(err)
			}
			_, tie = placed(all, want[k])
			b.StartTimer()
		}
		if in5 {
			found++
		}
		if in5 || tie {
			tied++
		}
		if same[k] >= ambiguousAt {
			ambiguous++
		} else {
			clear++
			if in5 {
				clearFound++
			}
		}
	})
	b.ReportMetric(float64(candidates)/float64(b.N), "candidates/op")
	b.ReportMetric(float64(found)/float64(b.N), "in-top5")
	b.ReportMetric(float64(tied)/float64(b.N), "in-top5-or-tied")
	b.ReportMetric(float64(ambiguous)/float64(b.N), "ambiguous")
	if clear > 0 {
		b.ReportMetric(float64(clearFound)/float64(clear), "in-top5-unambiguous")
	}
}

// logMisses writes to standard error every sample whose source is not among the first five.
func logMisses(b *testing.B, st *store.Store, samples []nameSample, same []int) {
	b.Helper()
	officer := demo.Officers()[0]
	for i, s := range samples {
		res, err := st.SearchSubjects(ctx, officer, cases.SubjectQuery{Text: s.query, Purpose: cases.PurposeBorder, Limit: 1000})
		if err != nil {
			b.Fatal(err)
		}
		rank, score := -1, 0.0
		for k, h := range res.Hits {
			if h.Subject.ID == s.id {
				rank, score = k, h.Score
				break
			}
		}
		if rank >= 0 && rank < 5 {
			continue
		}
		fifth := 0.0
		if len(res.Hits) >= 5 {
			fifth = res.Hits[4].Score
		}
		var top []string
		for _, h := range res.Hits[:min(5, len(res.Hits))] {
			top = append(top, fmt.Sprintf("%s %.4f", h.Subject.Name.Display(), h.Score))
			if os.Getenv("ENLACE_BENCH_MISSES") == "why" {
				top[len(top)-1] += fmt.Sprintf(" %q", h.Reasons)
			}
		}
		fmt.Fprintf(os.Stderr, "miss %d [%s] %q source %q rank %d score %.4f fifth %.4f namesakes %d candidates %d; top: %s\n",
			i, formNames[s.form], s.query, s.name.Display(), rank+1, score, fifth, same[i], res.Candidates, strings.Join(top, "; "))
	}
}

// benchSearch runs the queries and reports the candidates each brought.
func benchSearch(b *testing.B, st *store.Store, queries []string) {
	candidates := 0
	timedSearches(b, st, queries, func(_ int, res *cases.SearchResult) {
		candidates += res.Candidates
	})
	b.ReportMetric(float64(candidates)/float64(b.N), "candidates/op")
}

// timedSearches runs b.N searches over the queries, hands each result to
// check (untimed work may stop the timer) and reports the latency's median
// and 95th percentile.
func timedSearches(b *testing.B, st *store.Store, queries []string, check func(i int, res *cases.SearchResult)) {
	officer := demo.Officers()[0]
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		res, err := st.SearchSubjects(ctx, officer, cases.SubjectQuery{Text: queries[i%len(queries)], Purpose: cases.PurposeBorder})
		if err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
		check(i, res)
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
}

// placed reports whether the subject is among the first five results, and
// whether it ties with the fifth.
func placed(res *cases.SearchResult, id string) (in5, tied bool) {
	for k, h := range res.Hits {
		if h.Subject.ID == id {
			return k < 5, k >= 5 && h.Score >= res.Hits[4].Score
		}
	}
	return false, false
}

// BenchmarkSearchName searches 200 subjects drawn from the store by their
// names written the five ways of sampleNames, and reports the measures of
// benchNames.
func BenchmarkSearchName(b *testing.B) {
	st := benchStore(b)
	samples, _ := sampleNames(b, st, 200)
	benchNames(b, st, samples)
}

// BenchmarkSearchWrongGivenName searches subjects by both surnames and a
// given name they do not have (Eustaquio, a real name the demo never
// gives), and reports how often the subject is among the results shown
// (shown) and among the first five or tied with the fifth.
func BenchmarkSearchWrongGivenName(b *testing.B) {
	st := benchStore(b)
	rng := rand.New(rand.NewPCG(3, 4))
	h, _ := st.Health(ctx)
	var queries, want []string
	for len(queries) < 200 {
		sub, err := st.SubjectAtForBench(ctx, rng.IntN(max(1, h.Subjects)))
		if err != nil {
			b.Fatal(err)
		}
		if sub.Name.Maternal == "" {
			continue
		}
		queries = append(queries, "Eustaquio "+sub.Name.Paternal+" "+sub.Name.Maternal)
		want = append(want, sub.ID)
	}
	shown, top := 0, 0
	timedSearches(b, st, queries, func(i int, res *cases.SearchResult) {
		for k, h := range res.Hits {
			if h.Subject.ID == want[i%len(want)] {
				shown++
				if k < 5 || h.Score >= res.Hits[4].Score {
					top++
				}
			}
		}
	})
	b.ReportMetric(float64(shown)/float64(b.N), "shown")
	b.ReportMetric(float64(top)/float64(b.N), "in-top5-or-tied")
}

func BenchmarkSearchDocument(b *testing.B) {
	st := benchStore(b)
	_, docs := sampleQueries(b, st, 200)
	benchSearch(b, st, docs)
}

// BenchmarkOpenForQueue opens the store and loads what the workstation's first
// screen needs: its health and every case summary visible to the agency.
func BenchmarkOpenForQueue(b *testing.B) {
	path := os.Getenv("ENLACE_BENCH_STORE")
	if path == "" {
		st := benchStore(b)
		path = st.Path()
	}
	for i := 0; i < b.N; i++ {
		st, err := store.Open(ctx, path, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := st.Health(ctx); err != nil {
			b.Fatal(err)
		}
		list, err := st.Cases(ctx, cases.CaseFilter{Agency: "EC-PN"})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(list)), "cases")
		st.Close()
	}
}

// BenchmarkSearchFirst opens the store afresh for each operation and times
// its first name search (the vocabulary of the name index is read on first
// use), with and without WarmSearch started a second before, as the
// workstation does when it opens on the queue. It needs ENLACE_BENCH_STORE
// (opening a temporary store of each size is not what it measures).
func BenchmarkSearchFirst(b *testing.B) {
	path := os.Getenv("ENLACE_BENCH_STORE")
	if path == "" {
		b.Skip("set ENLACE_BENCH_STORE to a store made by BenchmarkSearchName")
	}
	queries := []string{"José Zambrano Vera", "Luis Camacho", "Kevin Cedeño Pincay", "Ana Quishpe"}
	for _, warm := range []bool{false, true} {
		b.Run(fmt.Sprintf("warm=%v", warm), func(b *testing.B) {
			var total time.Duration
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				st, err := store.Open(ctx, path, store.Options{})
				if err != nil {
					b.Fatal(err)
				}
				if warm {
					st.WarmSearch()
					time.Sleep(time.Second)
				}
				b.StartTimer()
				start := time.Now()
				if _, err := st.SearchSubjects(ctx, demo.Officers()[0], cases.SubjectQuery{Text: queries[i%len(queries)], Purpose: cases.PurposeBorder}); err != nil {
					b.Fatal(err)
				}
				total += time.Since(start)
				b.StopTimer()
				st.Close()
			}
			b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "first-ms")
		})
	}
}
