package names

import (
	"bytes"
	"encoding/csv"
	"os"
	"strings"
	"testing"
)

// The pinned F1 floors: what the scorer achieved when it was last tuned
// (tuning set 1.000, held-out set 0.997, both at DefaultThreshold), less a
// small margin. The held-out pairs were written before tuning and not
// looked at while tuning.
const (
	pinnedTuneF1    = 0.98
	pinnedHoldoutF1 = 0.97
)

func evaluateFile(t *testing.T, name string) Report {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := Evaluate(f)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestEvaluateLabelledPairs(t *testing.T) {
	for _, c := range []struct {
		file  string
		floor float64
		min   int
	}{{"pairs-tune.csv", pinnedTuneF1, 150}, {"pairs-holdout.csv", pinnedHoldoutF1, 150}, {"pairs.csv", pinnedHoldoutF1, 300}} {
		rep := evaluateFile(t, c.file)
		if rep.All.Pairs < c.min {
			t.Errorf("%s: only %d pairs", c.file, rep.All.Pairs)
		}
		if f1 := rep.All.F1(); f1 < c.floor {
			var b strings.Builder
			for _, o := range rep.Outcomes {
				if o.Wrong(rep.Threshold) {
					b.WriteString("\n  ")
					b.WriteString(strings.Join([]string{o.Category, o.A, o.B}, " | "))
				}
			}
			t.Errorf("%s: F1 %.3f below the pinned %.3f; wrong:%s", c.file, f1, c.floor, b.String())
		}
		t.Logf("%s: %d pairs, precision %.3f recall %.3f F1 %.3f", c.file, rep.All.Pairs,
			rep.All.Precision(), rep.All.Recall(), rep.All.F1())
	}
}

// The hand-labelled set (issue 14): 666 pairs written pair by pair from
// real name lists, split into a tuning half and a held-out half. Floors:
// what the scorer reached (tuning 1.000, held-out 0.988 at DefaultThreshold
// 0.71), less a margin.
const (
	pinnedHandTuneF1    = 0.98
	pinnedHandHoldoutF1 = 0.96
)

// handCategories are the categories issue 14 asks the hand-made set to
// cover.
var handCategories = []string{"close_different", "spelling_variant", "swapped_surnames", "reversed_given",
	"en_es_equivalent", "nickname", "initials", "typo"}

func TestEvaluateHandLabelledPairs(t *testing.T) {
	total, nonMatches := 0, 0
	for _, c := range []struct {
		file  string
		floor float64
	}{{"hand-tune.csv", pinnedHandTuneF1}, {"hand-holdout.csv", pinnedHandHoldoutF1}} {
		rep := evaluateFile(t, c.file)
		total += rep.All.Pairs
		nonMatches += rep.All.FalsePositives + rep.All.TrueNegatives
		for _, cat := range handCategories {
			if rep.Categories[cat].Pairs < 15 {
				t.Errorf("%s: category %s has %d pairs, want 15 or more", c.file, cat, rep.Categories[cat].Pairs)
			}
		}
		if f1 := rep.All.F1(); f1 < c.floor {
			t.Errorf("%s: F1 %.3f below the pinned %.3f", c.file, f1, c.floor)
		}
		var out bytes.Buffer
		if err := rep.Write(&out); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s:\n%s", c.file, out.String())
	}
	if total < 600 || 3*nonMatches < total {
		t.Errorf("hand-labelled set: %d pairs, %d non-matches; want 600 or more, a third non-matches", total, nonMatches)
	}
}

func TestEvaluateCountsAndReport(t *testing.T) {
	in := "name1,name2,is_match,category\n" +
		"José Macías,JOSE MACIAS,1,accents\n" +
		"José Macías,Pedro Loor,0,different\n" +
		"Francisco Vera Mina,Francisca Vera Mina,0,gender\n" +
		"Quique Guerrero,Enrique Guerrero,true,nickname\n" +
		"Ana Loor,Rosa Vera,1,mislabelled\n"
	rep, err := Evaluate(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := Counts{Pairs: 5, TruePositives: 2, FalseNegatives: 1, TrueNegatives: 2}
	if rep.All != want {
		t.Errorf("counts %+v, want %+v", rep.All, want)
	}
	if p, r := rep.All.Precision(), rep.All.Recall(); p != 1 || math3(r) != 0.667 {
		t.Errorf("precision %.3f recall %.3f", p, r)
	}
	if c := rep.Categories["mislabelled"]; c.FalseNegatives != 1 || c.F1() != 0 {
		t.Errorf("category counts %+v", c)
	}
	if rep.Outcomes[4].Line != 6 || !rep.Outcomes[4].Wrong(rep.Threshold) {
		t.Errorf("outcome %+v", rep.Outcomes[4])
	}
	var out bytes.Buffer
	if err := rep.Write(&out); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if !strings.HasSuffix(s, "F1=0.800\n") || !strings.Contains(s, "mislabelled") || !strings.Contains(s, "by category:") {
		t.Errorf("report:\n%s", s)
	}
}

func math3(x float64) float64 { return float64(int(x*1000+0.5)) / 1000 }

func TestEvaluateErrors(t *testing.T) {
	for in, want := range map[string]string{
		"":                               "no pairs",
		"name1,name2,is_match\n":         "no pairs",
		"a,b\n":                          "line 1: the header",
		"h1,h2,h3\nA,B,maybe\n":          `line 2: is_match "maybe"`,
		"h1,h2,h3\nA,B,1\nA,B\n":         "line 3: want 3 or 4 fields, got 2",
		"h1,h2,h3\nA,B,1,c,extra\n":      "line 2: want 3 or 4 fields, got 5",
		"h1,h2,h3\n\"unterminated,B,1\n": "labelled pairs",
	} {
		_, err := Evaluate(strings.NewReader(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Evaluate(%q) error %v, want one containing %q", in, err, want)
		}
	}
}

// roleBlind is how a store weighs name parts: the share of records whose
// index keys hold a word, whatever its role (here the built-in table's
// larger share of the two).
type roleBlind struct{}

func (roleBlind) Frequency(w string, surname bool) float64 {
	return max(defaultTable.Frequency(w, false), defaultTable.Frequency(w, true))
}

// TestHandLabelledPairsUnderRoleBlindFrequencies: the store scores with its
// own counts, which do not say in which role a word occurs; the scorer must
// decide the hand-made pairs as well as with the built-in table. (Before the
// readings took roles from the tables of real names, the held-out F1 fell
// from 0.988 to 0.986 and the tuning half's from 1.000 to 0.988.)
func TestHandLabelledPairsUnderRoleBlindFrequencies(t *testing.T) {
	for _, name := range []string{"hand-tune.csv", "hand-holdout.csv"} {
		want := evaluateFile(t, name).All.F1()
		f, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(bytes.NewReader(f)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		var c Counts
		for _, r := range recs[1:] {
			s := Score(PrepareText(r[0], roleBlind{}), PrepareText(r[1], roleBlind{})).Score
			c.add(strings.TrimSpace(r[2]) == "1", s >= DefaultThreshold)
		}
		if got := c.F1(); got < want-0.001 {
			t.Errorf("%s: F1 %.3f with role-blind frequencies, %.3f with the built-in table", name, got, want)
		}
	}
}
