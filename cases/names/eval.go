package names

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Counts are the outcomes of a set of labelled pairs at a threshold.
type Counts struct {
	Pairs          int
	TruePositives  int // same person, scored as a match
	FalsePositives int // different people, scored as a match
	FalseNegatives int // same person, scored below the threshold
	TrueNegatives  int
}

// Precision is TP / (TP + FP); 1 when nothing was called a match.
func (c Counts) Precision() float64 {
	if c.TruePositives+c.FalsePositives == 0 {
		return 1
	}
	return float64(c.TruePositives) / float64(c.TruePositives+c.FalsePositives)
}

// Recall is TP / (TP + FN); 1 when there were no true matches.
func (c Counts) Recall() float64 {
	if c.TruePositives+c.FalseNegatives == 0 {
		return 1
	}
	return float64(c.TruePositives) / float64(c.TruePositives+c.FalseNegatives)
}

// F1 is the harmonic mean of precision and recall.
func (c Counts) F1() float64 {
	p, r := c.Precision(), c.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// Accuracy is the share of pairs decided right.
func (c Counts) Accuracy() float64 {
	if c.Pairs == 0 {
		return 0
	}
	return float64(c.TruePositives+c.TrueNegatives) / float64(c.Pairs)
}

func (c *Counts) add(match, predicted bool) {
	c.Pairs++
	switch {
	case match && predicted:
		c.TruePositives++
	case match:
		c.FalseNegatives++
	case predicted:
		c.FalsePositives++
	default:
		c.TrueNegatives++
	}
}

// Outcome is one scored labelled pair.
type Outcome struct {
	Line     int // line in the file, from 1 (the header)
	A, B     string
	Match    bool // the label
	Category string
	Score    float64
}

// Wrong reports whether the scorer decided the pair wrongly at the threshold.
func (o Outcome) Wrong(threshold float64) bool { return (o.Score >= threshold) != o.Match }

// Report is the evaluation of the scorer on labelled pairs.
type Report struct {
	Threshold  float64
	All        Counts
	Categories map[string]Counts // by the optional fourth column; "" when absent
	Outcomes   []Outcome         // in file order
}

// Evaluate reads labelled pairs as CSV, "name1,name2,is_match[,category]"
// with a header line (is_match is 1/0, true/false or yes/no), scores each
// pair with the default frequencies and counts the decisions at
// DefaultThreshold. Errors name the line.
func Evaluate(r io.Reader) (Report, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	rep := Report{Threshold: DefaultThreshold, Categories: map[string]Counts{}}
	header := true
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Report{}, fmt.Errorf("labelled pairs: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if header {
			header = false
			if len(rec) < 3 {
				return Report{}, fmt.Errorf("labelled pairs: line %d: the header needs at least 3 columns (name1,name2,is_match)", line)
			}
			continue
		}
		if len(rec) < 3 || len(rec) > 4 {
			return Report{}, fmt.Errorf("labelled pairs: line %d: want 3 or 4 fields, got %d", line, len(rec))
		}
		var match bool
		switch strings.ToLower(strings.TrimSpace(rec[2])) {
		case "1", "true", "yes", "y":
			match = true
		case "0", "false", "no", "n":
		default:
			return Report{}, fmt.Errorf("labelled pairs: line %d: is_match %q is not 1 or 0", line, rec[2])
		}
		cat := ""
		if len(rec) == 4 {
			cat = strings.TrimSpace(rec[3])
		}
		s := Score(PrepareText(rec[0], nil), PrepareText(rec[1], nil)).Score
		pred := s >= rep.Threshold
		rep.All.add(match, pred)
		c := rep.Categories[cat]
		c.add(match, pred)
		rep.Categories[cat] = c
		rep.Outcomes = append(rep.Outcomes, Outcome{Line: line, A: rec[0], B: rec[1], Match: match, Category: cat, Score: s})
	}
	if rep.All.Pairs == 0 {
		return Report{}, errors.New("labelled pairs: no pairs after the header")
	}
	return rep, nil
}

// Write prints the report: overall precision, recall and F1, the same per
// category, and a last line "F1=0.xxx".
func (rep Report) Write(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "threshold %.2f, %d pairs\n", rep.Threshold, rep.All.Pairs)
	row := func(name string, c Counts) {
		fmt.Fprintf(&b, "%-20s %4d pairs  precision %.3f  recall %.3f  F1 %.3f  (TP %d FP %d FN %d TN %d)\n",
			name, c.Pairs, c.Precision(), c.Recall(), c.F1(), c.TruePositives, c.FalsePositives, c.FalseNegatives, c.TrueNegatives)
	}
	row("all", rep.All)
	cats := make([]string, 0, len(rep.Categories))
	for k := range rep.Categories {
		cats = append(cats, k)
	}
	sort.Strings(cats)
	if len(cats) > 1 || len(cats) == 1 && cats[0] != "" {
		b.WriteString("by category:\n")
		for _, k := range cats {
			name := k
			if name == "" {
				name = "(none)"
			}
			row(name, rep.Categories[k])
		}
	}
	fmt.Fprintf(&b, "F1=%.3f\n", rep.All.F1())
	_, err := io.WriteString(w, b.String())
	return err
}
