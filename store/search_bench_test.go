package store_test

import (
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
	"github.com/enlace-desk/enlace/store"
)

// benchStore opens the store named by ENLACE_BENCH_STORE (for instance one made
// with `enlace demo --no-ui --subjects 1000000`), or generates one of
// ENLACE_BENCH_SUBJECTS subjects (1000000 takes about two minutes), or a
// small one of 20,000.
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
	if path := os.Getenv("ENLACE_BENCH_STORE"); path != "" {
		st, err := store.Open(ctx, path, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		return st
	}
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"), store.Options{Clock: cases.NewManualClock(epoch)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if err := demo.Populate(ctx, st, demo.Options{Subjects: subjects, Now: epoch}); err != nil {
		b.Fatal(err)
	}
	return st
}

// sampleQueries draws subjects from the store and writes their names the
// ways officers do: in full, surnames first, without the maternal surname,
// without accents, with a typing error.
func sampleQueries(b *testing.B, st *store.Store, n int) (nameQueries, docQueries []string) {
	nameQueries, docQueries, _ = sampleQueriesWithIDs(b, st, n)
	return nameQueries, docQueries
}

// sampleQueriesWithIDs also returns, for each name query, the subject it was
// written from.
func sampleQueriesWithIDs(b *testing.B, st *store.Store, n int) (nameQueries, docQueries, want []string) {
	b.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	h, _ := st.Health(ctx)
	for len(nameQueries) < n {
		offset := rng.IntN(max(1, h.Subjects))
		res, err := st.SubjectAtForBench(ctx, offset)
		if err != nil {
			b.Fatal(err)
		}
		name := res.Name
		var q string
		switch len(nameQueries) % 5 {
		case 0:
			q = name.Display()
		case 1:
			q = name.Civil()
		case 2:
			q = strings.Join(append(append([]string{}, name.Given...), name.Paternal), " ")
		case 3:
			q = strings.NewReplacer("á", "a", "é", "e", "í", "i", "ó", "o", "ú", "u", "ñ", "n").Replace(name.Display())
		case 4:
			d := []rune(name.Display())
			i := 1 + rng.IntN(len(d)-2)
			d[i], d[i+1] = d[i+1], d[i]
			q = string(d)
		}
		nameQueries = append(nameQueries, q)
		want = append(want, res.ID)
		for _, d := range res.Documents {
			docQueries = append(docQueries, d.Number)
		}
	}
	return nameQueries, docQueries, want
}

func benchSearch(b *testing.B, st *store.Store, queries []string) {
	benchSearchFor(b, st, queries, nil)
}

// benchSearchFor also reports how often the subject a query was written from
// is among the first five results (in-top5), and how often it is there or
// ties with the fifth result's score (in-top5-or-tied): among records that
// score alike (namesakes, or records that differ only in a part the query
// left out) the order is by ID, so the first figure counts luck among ties
// and the second what the ranking can do.
func benchSearchFor(b *testing.B, st *store.Store, queries, want []string) {
	officer := demo.Officers()[0]
	candidates, found, tied := 0, 0, 0
	timedSearches(b, st, queries, func(i int, res *cases.SearchResult) {
		candidates += res.Candidates
		if want == nil {
			return
		}
		in5, tie := placed(res, want[i%len(want)])
		if !in5 && !tie && len(res.Hits) == cases.DefaultSearchLimit {
			// Beyond the results shown: ask again for every candidate
			// (untimed) to see whether it ties with the fifth.
			b.StopTimer()
			all, err := st.SearchSubjects(ctx, officer, cases.SubjectQuery{Text: queries[i%len(queries)], Purpose: cases.PurposeBorder, Limit: 1000})
			if err != nil {
				b.Fatal(err)
			}
			_, tie = placed(all, want[i%len(want)])
			b.StartTimer()
		}
		if in5 {
			found++
		}
		if in5 || tie {
			tied++
		}
	})
	b.ReportMetric(float64(candidates)/float64(b.N), "candidates/op")
	if want != nil {
		b.ReportMetric(float64(found)/float64(b.N), "in-top5")
		b.ReportMetric(float64(tied)/float64(b.N), "in-top5-or-tied")
	}
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

func BenchmarkSearchName(b *testing.B) {
	st := benchStore(b)
	names, _, want := sampleQueriesWithIDs(b, st, 200)
	benchSearchFor(b, st, names, want)
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
