package match

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/enlace-desk/enlace/biometric"
)

// Report is the accuracy of the matcher on one FVC-style folder.
type Report struct {
	Dir            string
	Fingers        int
	Templates      int
	GenuinePairs   int
	ImpostorPairs  int
	EER            float64 // equal error rate, 0–1
	FMR100         float64 // lowest FNMR with FMR ≤ 1%
	FMR1000        float64 // lowest FNMR with FMR ≤ 0.1%
	ZeroFMR        float64 // lowest FNMR with no false match
	EERThreshold   float64
	GenuineScores  []float64
	ImpostorScores []float64
	Elapsed        time.Duration
}

// fvcSample is one template of an FVC folder.
type fvcSample struct {
	finger, impression int
	form               *Form
}

// loadTemplate reads one template file (its first view).
var loadTemplate = func(path string) (*biometric.Template, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	rec, err := biometric.ReadTemplate(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(rec.Views) == 0 {
		return nil, fmt.Errorf("%s: the record holds no finger view", path)
	}
	return &rec.Views[0], nil
}

// LoadFVC reads the templates of an FVC-style folder: files named
// <finger>_<impression>.iso. It returns them keyed by finger, ordered by
// impression.
func LoadFVC(dir string) (map[int][]*biometric.Template, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*_*.iso"))
	if err != nil {
		return nil, err
	}
	type item struct {
		finger, imp int
		t           *biometric.Template
	}
	var items []item
	for _, name := range names {
		var fg, imp int
		if _, err := fmt.Sscanf(filepath.Base(name), "%d_%d.iso", &fg, &imp); err != nil {
			continue
		}
		t, err := loadTemplate(name)
		if err != nil {
			return nil, err
		}
		items = append(items, item{fg, imp, t})
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("%s: no <finger>_<impression>.iso templates", dir)
	}
	sort.Slice(items, func(i, j int) bool {
		if items[i].finger != items[j].finger {
			return items[i].finger < items[j].finger
		}
		return items[i].imp < items[j].imp
	})
	out := map[int][]*biometric.Template{}
	for _, it := range items {
		out[it.finger] = append(out[it.finger], it.t)
	}
	return out, nil
}

// EvaluateFVC runs the FVC all-pairs protocol on a folder: genuine pairs are
// all unordered pairs of impressions of one finger, impostor pairs every
// impression of one finger against every impression of another (unordered
// finger pairs). Comparisons run on all cores.
func EvaluateFVC(dir string) (Report, error) {
	start := time.Now()
	byFinger, err := LoadFVC(dir)
	if err != nil {
		return Report{}, err
	}
	var samples []fvcSample
	fingers := make([]int, 0, len(byFinger))
	for fg := range byFinger {
		fingers = append(fingers, fg)
	}
	sort.Ints(fingers)
	for _, fg := range fingers {
		for i, t := range byFinger[fg] {
			samples = append(samples, fvcSample{fg, i + 1, Prepare(t)})
		}
	}
	type job struct{ i, j int }
	var gen, imp []job
	for i := range samples {
		for j := i + 1; j < len(samples); j++ {
			if samples[i].finger == samples[j].finger {
				gen = append(gen, job{i, j})
			} else {
				imp = append(imp, job{i, j})
			}
		}
	}
	rep := Report{Dir: dir, Fingers: len(fingers), Templates: len(samples),
		GenuinePairs: len(gen), ImpostorPairs: len(imp)}
	rep.GenuineScores = make([]float64, len(gen))
	rep.ImpostorScores = make([]float64, len(imp))
	// Each worker takes whole probes so that one Matcher serves many pairs.
	var wg sync.WaitGroup
	next := make(chan int)
	workers := runtime.GOMAXPROCS(0)
	genAt := map[[2]int]int{}
	impAt := map[[2]int]int{}
	for k, jb := range gen {
		genAt[[2]int{jb.i, jb.j}] = k
	}
	for k, jb := range imp {
		impAt[[2]int{jb.i, jb.j}] = k
	}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				m := NewMatcher(samples[i].form)
				for j := i + 1; j < len(samples); j++ {
					s := m.Compare(samples[j].form)
					if samples[i].finger == samples[j].finger {
						rep.GenuineScores[genAt[[2]int{i, j}]] = s
					} else {
						rep.ImpostorScores[impAt[[2]int{i, j}]] = s
					}
				}
			}
		}()
	}
	for i := range samples {
		next <- i
	}
	close(next)
	wg.Wait()
	rep.EER, rep.EERThreshold = EER(rep.GenuineScores, rep.ImpostorScores)
	rep.FMR100 = FNMRAtFMR(rep.GenuineScores, rep.ImpostorScores, 0.01)
	rep.FMR1000 = FNMRAtFMR(rep.GenuineScores, rep.ImpostorScores, 0.001)
	rep.ZeroFMR = FNMRAtFMR(rep.GenuineScores, rep.ImpostorScores, 0)
	rep.Elapsed = time.Since(start)
	return rep, nil
}

// rates returns FMR and FNMR when scores ≥ t are accepted.
func rates(gen, imp []float64, t float64) (fmr, fnmr float64) {
	fa, fr := 0, 0
	for _, s := range imp {
		if s >= t {
			fa++
		}
	}
	for _, s := range gen {
		if s < t {
			fr++
		}
	}
	return float64(fa) / float64(max(len(imp), 1)), float64(fr) / float64(max(len(gen), 1))
}

// thresholds are the candidate decision thresholds: every distinct score and
// one above the highest.
func thresholds(gen, imp []float64) []float64 {
	all := append(append([]float64{}, gen...), imp...)
	sort.Float64s(all)
	out := all[:0]
	for i, s := range all {
		if i == 0 || s != all[i-1] {
			out = append(out, s)
		}
	}
	if len(out) > 0 {
		out = append(out, out[len(out)-1]+1)
	}
	return out
}

// EER returns the equal error rate of genuine and impostor scores and the
// threshold where it is reached: the mean of FMR and FNMR at the threshold
// where they are closest.
func EER(gen, imp []float64) (eer, threshold float64) {
	best := 2.0
	for _, t := range thresholds(gen, imp) {
		fmr, fnmr := rates(gen, imp, t)
		d := fmr - fnmr
		if d < 0 {
			d = -d
		}
		if d < best {
			best, eer, threshold = d, (fmr+fnmr)/2, t
		}
	}
	return eer, threshold
}

// FNMRAtFMR returns the lowest false non-match rate among thresholds whose
// false match rate is at most target.
func FNMRAtFMR(gen, imp []float64, target float64) float64 {
	best := 1.0
	for _, t := range thresholds(gen, imp) {
		fmr, fnmr := rates(gen, imp, t)
		if fmr <= target && fnmr < best {
			best = fnmr
		}
	}
	return best
}
