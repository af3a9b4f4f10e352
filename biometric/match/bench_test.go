package match

import (
	"context"
	"fmt"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/enlace-desk/enlace/biometric"
	"github.com/enlace-desk/enlace/biometric/synth"
	"github.com/enlace-desk/enlace/internal/shareddata"
)

func fvcForms(b *testing.B) []*Form {
	byF, err := LoadFVC(shareddata.Path(b, "fvc2002", "DB1_B"))
	if err != nil {
		b.Fatal(err)
	}
	var forms []*Form
	for f := 101; f <= 110; f++ {
		for _, t := range byF[f] {
			forms = append(forms, Prepare(t))
		}
	}
	return forms
}

// fvcAll reads the templates of FVC2002 DB1–DB4 B.
func fvcAll(b *testing.B) []*biometric.Template {
	var all []*biometric.Template
	for _, db := range []string{"DB1_B", "DB2_B", "DB3_B", "DB4_B"} {
		byF, err := LoadFVC(shareddata.Path(b, "fvc2002", db))
		if err != nil {
			b.Fatal(err)
		}
		for _, ts := range byF {
			all = append(all, ts...)
		}
	}
	return all
}

// cpuTime is the CPU time the process has used, all threads.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCompare is one 1:1 comparison, a probe against many candidates.
func BenchmarkCompare(b *testing.B) {
	forms := fvcForms(b)
	ms := make([]*Matcher, len(forms))
	for i := range forms {
		ms[i] = NewMatcher(forms[i])
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		ms[(i/len(forms))%len(ms)].Compare(forms[i%len(forms)])
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// BenchmarkSearch searches a gallery of the FVC2002 DB1–DB4 templates
// repeated to N single-finger subjects.
func BenchmarkSearch(b *testing.B) {
	all := fvcAll(b)
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			g := NewGallery()
			for i := 0; i < n; i++ {
				g.Add(fmt.Sprint(i), []Finger{{Position: 0, Template: all[i%len(all)]}})
			}
			st := g.Stats()
			b.ResetTimer()
			cpu0 := cpuTime()
			for i := 0; i < b.N; i++ {
				g.Search(context.Background(), []Finger{{Template: all[(i*37)%len(all)]}}, 10)
			}
			cpu := cpuTime() - cpu0
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "templates/s")
			// CPU time is less sensitive to other load on the machine than
			// wall time: templates per CPU-second is what one core does.
			b.ReportMetric(float64(n)*float64(b.N)/cpu.Seconds(), "templates/cpu-s")
			b.ReportMetric(float64(st.Bytes)/float64(st.Fingers), "B/template")
		})
	}
}

// BenchmarkScreen is the first stage of a 1:N search on one core: one
// probe screened against the FVC2002 DB1–DB4 templates.
func BenchmarkScreen(b *testing.B) {
	all := fvcAll(b)
	ps := make([]*packed, len(all))
	for i, t := range all {
		ps[i] = pack(t)
	}
	ms := make([]*Matcher, 8)
	for i := range ms {
		ms[i] = NewMatcher(Prepare(all[(i*37)%len(all)]))
	}
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		ms[(i/len(ps))%len(ms)].screen(ps[i%len(ps)])
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// BenchmarkEnroll is the cost of enrolling one finger: packing it, and
// filing its edges in an index.
func BenchmarkEnroll(b *testing.B) {
	all := fvcAll(b)
	b.Run("pack", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			pack(all[i%len(all)])
		}
	})
	b.Run("index", func(b *testing.B) {
		subs := make([]*subject, len(all))
		for i, t := range all {
			subs[i] = &subject{fingers: []enrolledFinger{{p: pack(t)}}}
		}
		x := newFingerIndex()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			s := subs[i%len(subs)]
			s.slots = nil
			x.add(s)
		}
	})
}

// BenchmarkIndexVote is the index's vote of one probe finger against a
// synthetic gallery of 20,000 single-finger subjects, all of the probe's
// position (the first stage of an indexed search; the screen and the full
// comparison of the shortlist follow).
func BenchmarkIndexVote(b *testing.B) {
	g, probes, _ := synthIdentification(20000, 10, synth.ImpressionOptions{})
	g.BuildIndex()
	forms := make([]*Form, len(probes))
	for i, p := range probes {
		forms[i] = Prepare(p[0].Template)
	}
	g.mu.RLock()
	defer g.mu.RUnlock()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		g.index.vote(forms[i%len(forms)], 2, runtime.GOMAXPROCS(0))
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// BenchmarkIndexWork reports what one vote of BenchmarkIndexVote's gallery
// reads, per search and per enrolled finger: the buckets looked up, the
// entries read in them, and the entries that agree with a probe pair (the
// chance agreements the vote counts, nearly all of them). It walks the
// index as voteBlock does, counting instead of voting.
func BenchmarkIndexWork(b *testing.B) {
	g, probes, _ := synthIdentification(20000, 10, synth.ImpressionOptions{})
	g.BuildIndex()
	g.mu.RLock()
	defer g.mu.RUnlock()
	x := g.index
	var lookups, read, agree int
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		looks, ranges := probeLooks(Prepare(probes[i%len(probes)][0].Template))
		for _, bl := range x.blocks {
			for _, ls := range looks {
				for _, l := range ls {
					lookups++
					for _, e := range bl.bucket(bl.bucketOf(l.key)) {
						read++
						if e&ixKeyMask == l.bits && agrees(e, &ranges[l.pair]) && (l.twin < 0 || !agrees(e, &ranges[l.twin])) {
							agree++
						}
					}
				}
			}
		}
	}
	n, fingers := float64(b.N), float64(len(x.slots))
	b.ReportMetric(float64(lookups)/n, "lookups/search")
	b.ReportMetric(float64(read)/n/fingers, "read/finger")
	b.ReportMetric(float64(agree)/n/fingers, "agree/finger")
}
