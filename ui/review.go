package ui

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/enlace-desk/enlace/biometric"
	"github.com/enlace-desk/enlace/cases"
)

// pairLabels names paired minutiae: pair k gets pairLabels[k] on both plots.
const pairLabels = "123456789abcdefghijklmnopqrstuvwxyz"

// maxPairLabels is the most pairs labelled on a plot (1–9, a–k): the others
// are highlighted without a label, so the plot stays readable.
const maxPairLabels = 20

// reviewScreen is the side-by-side review of one candidate: for the current
// finger, the probe's and the candidate's minutiae plotted with their
// directions and the paired minutiae labelled alike on both sides; the
// per-finger scores; and both records' biographic fields with the
// differences marked. ]/[ step through candidates, ←/→ through fingers.
type reviewScreen struct {
	size
	app    *app
	list   *candidatesScreen // the list's cursor is the candidate shown
	finger int               // index in the candidate's Fingers
}

func newReview(a *app, list *candidatesScreen) *reviewScreen {
	return &reviewScreen{app: a, list: list}
}

func (r *reviewScreen) candidate() *cases.Candidate {
	c := r.list.candidates()
	if i := r.list.cursor(); i < len(c) {
		return &c[i]
	}
	return nil
}

func (r *reviewScreen) Title() string {
	if c := r.candidate(); c != nil {
		return fmt.Sprintf("Candidate %d", c.Rank)
	}
	return "Review"
}

func (r *reviewScreen) Capturing() bool { return false }
func (r *reviewScreen) Init() tea.Cmd   { return nil }

func (r *reviewScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case caseOpenedMsg:
		return r.list.id.opened(r.app, msg)
	case tea.KeyPressMsg:
		return r.key(msg)
	}
	return nil
}

func (r *reviewScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	k := r.app.keys
	c := r.candidate()
	switch {
	case key.Matches(msg, k.Back):
		return pop(r)
	case c == nil:
	case key.Matches(msg, k.NextCandidate):
		r.step(1)
	case key.Matches(msg, k.PrevCandidate):
		r.step(-1)
	case key.Matches(msg, k.NextFinger):
		if n := len(c.Fingers); n > 0 {
			r.finger = (r.finger + 1) % n
		}
	case key.Matches(msg, k.PrevFinger):
		if n := len(c.Fingers); n > 0 {
			r.finger = (r.finger - 1 + n) % n
		}
	case key.Matches(msg, k.Decide):
		return r.list.id.decide(r.app, r, c.SubjectID)
	}
	return nil
}

// step moves to another candidate, keeping the finger position when the
// new candidate has it.
func (r *reviewScreen) step(d int) {
	old := r.candidate()
	pos := 0
	if r.finger < len(old.Fingers) {
		pos = old.Fingers[r.finger].Position
	}
	r.list.move(d)
	r.finger = 0
	for i, f := range r.candidate().Fingers {
		if f.Position == pos {
			r.finger = i
		}
	}
}

// Explain gives the score scales and the plots' marks in the full help.
func (r *reviewScreen) Explain() []string {
	return append(scoreScales[:2:2], "Plots: the same label (1–9, a–k) on both prints marks minutiae the matcher paired; ⠑ shows a minutia's direction.")
}

func (r *reviewScreen) Help() ([]key.Binding, [][]key.Binding) {
	k := r.app.keys
	return []key.Binding{k.NextFinger, k.NextCandidate, k.Decide, k.PrevFinger, k.PrevCandidate, k.Back},
		[][]key.Binding{{k.NextFinger, k.PrevFinger}, {k.NextCandidate, k.PrevCandidate}, {k.Decide, k.Back}}
}

// View draws the candidate's header, the two plots, the legend and the
// tables, fitting height: the plots take what the rest leaves.
func (r *reviewScreen) View() string {
	width, height := r.width, r.height
	st := r.app.styles
	c := r.candidate()
	if c == nil {
		return st.Muted.Render(" No candidate to review.")
	}
	id := r.list.id
	r.finger = max(min(r.finger, len(c.Fingers)-1), 0)

	var out []string
	// The candidate.
	head := fmt.Sprintf(" #%d of %d  ", c.Rank, len(r.list.candidates()))
	out = append(out, truncate(st.Section.Render(head)+st.Author.Render(id.candidateName(*c))+"  "+
		st.Muted.Render(shortID(c.SubjectID))+"  "+st.bandStyle(c.Band).Render(bandText(c.Band))+
		st.Text.Render(fmt.Sprintf("  FMR %s · score %.1f · %s compared", cases.FormatFMR(c.FMR, c.FMRFloor), c.Score, count(len(c.Fingers), "finger", "fingers"))), width))

	var f *cases.FingerComparison
	if len(c.Fingers) > 0 {
		f = &c.Fingers[r.finger]
	}
	// The finger.
	if f == nil {
		out = append(out, st.Muted.Render(" No finger was compared."))
	} else {
		strip := make([]string, len(c.Fingers))
		for i, g := range c.Fingers {
			if i == r.finger {
				strip[i] = st.ChoiceActive.Render(fmt.Sprintf("[%d]", g.Position))
			} else {
				strip[i] = st.Muted.Render(fmt.Sprintf(" %d ", g.Position))
			}
		}
		line := " " + st.Label.Render("Finger ") + st.FieldActive.Render(fmt.Sprintf("%d %s", f.Position, biometric.FingerName(f.Position))) +
			st.Text.Render(fmt.Sprintf("  score %.1f · FMR %s · %s", f.Score, cases.FormatFMR(f.FMR, f.FMRFloor), count(len(f.Pairs), "pair", "pairs"))) +
			"  " + strings.Join(strip, "")
		out = append(out, truncate(line, width))
	}

	// The tables under the plots: side by side when there is room,
	// otherwise the biographics alone (the finger line carries the scores).
	bio := r.biographics(id, c)
	wide := width >= 110
	var bottom []string
	if wide {
		left := r.fingerTable(c)
		lw := 0
		for _, l := range left {
			lw = max(lw, lipgloss.Width(l))
		}
		lw += 2
		right := r.bioTable(bio, width-lw)
		for i := range max(len(left), len(right)) {
			var l, rr string
			if i < len(left) {
				l = left[i]
			}
			if i < len(right) {
				rr = right[i]
			}
			bottom = append(bottom, pad(l, lw)+rr)
		}
	} else {
		bottom = r.bioTable(bio, width)
	}

	// The plots take the rest: titles, canvas rows, legend.
	plotRows := max(height-len(out)-len(bottom)-2, 3)
	half := (width - 1) / 2
	if f != nil {
		out = append(out, r.plots(id, f, half, width-half-1, plotRows)...)
	}
	out = append(out, r.legend(width))
	out = append(out, bottom...)
	return strings.Join(out, "\n")
}

// plots draws the probe and the candidate print side by side: a title line
// and rows of braille.
func (r *reviewScreen) plots(id *identification, f *cases.FingerComparison, lw, rw, rows int) []string {
	st := r.app.styles
	n := min(len(f.Pairs), len(pairLabels))
	probeLabels := make([]labelled, 0, len(f.Pairs))
	candLabels := make([]labelled, 0, len(f.Pairs))
	// Label the top pairs; the rest are highlighted without a label, so
	// a small plot is not buried in characters.
	maxLabels := min(n, maxPairLabels, max((lw-2)*rows/40, 9))
	for k, p := range f.Pairs {
		var l rune
		if k < maxLabels {
			l = rune(pairLabels[k])
		}
		probeLabels = append(probeLabels, labelled{p[0], l})
		candLabels = append(candLabels, labelled{p[1], l})
	}
	left := plotPrint(f.Probe, probeLabels, lw-2, rows)
	right := plotPrint(f.Candidate, candLabels, rw-2, rows)
	src := "encounter"
	if id.enc != nil && id.enc.SourceFile != "" {
		src = id.enc.SourceFile
	}
	out := []string{
		pad(" "+st.Label.Render("Probe ")+st.Text.Render(fmt.Sprintf("%s · %s", src, count(len(f.Probe.Minutiae), "minutia", "minutiae"))), lw) +
			st.PlotFrame.Render("│") +
			pad(" "+st.Label.Render("Candidate ")+st.Text.Render(fmt.Sprintf("%s · %s", shortID(r.candidate().SubjectID), count(len(f.Candidate.Minutiae), "minutia", "minutiae"))), rw),
	}
	ll, rl := left.lines(st.inkStyle), right.lines(st.inkStyle)
	for i := range rows {
		out = append(out, " "+pad(ll[i], lw-1)+st.PlotFrame.Render("│")+" "+pad(rl[i], rw-1))
	}
	return out
}

// legend says what the plots' marks mean, in characters as well as colours.
func (r *reviewScreen) legend(width int) string {
	st := r.app.styles
	return truncate(" "+st.PlotEnding.Render("⠁ ending")+"  "+st.PlotBifurcation.Render("⠛ bifurcation")+"  "+
		st.PlotTick.Render("⠑ direction")+"  "+st.PlotPaired.Render("1–9 a–k")+st.Muted.Render(" paired: the same label on both prints"), width)
}

// fingerTable lists every finger compared: position and name, score, FMR,
// pairs and the minutiae on each side; the current finger is marked.
func (r *reviewScreen) fingerTable(c *cases.Candidate) []string {
	st := r.app.styles
	out := []string{st.ColumnHeader.Render(fmt.Sprintf("   %-16s %6s  %-7s %5s  %s", "Finger", "Score", "FMR", "Pairs", "Min P/C"))}
	for i, f := range c.Fingers {
		row := fmt.Sprintf("%-16s %6.1f  %-7s %5d  %d/%d", fmt.Sprintf("%d %s", f.Position, biometric.FingerName(f.Position)),
			f.Score, cases.ShortFMR(f.FMR, f.FMRFloor), len(f.Pairs), len(f.Probe.Minutiae), len(f.Candidate.Minutiae))
		if i == r.finger {
			out = append(out, st.Selected.Render(" ▸ "+row))
		} else {
			out = append(out, "   "+st.Text.Render(row))
		}
	}
	return out
}

// verdict is how a biographic field compares between probe and candidate.
type verdict int

const (
	unknownField verdict = iota // missing on one side
	sameField
	partialField
	differentField
)

// bioRow is one biographic field on both sides.
type bioRow struct {
	field       string
	probe, cand string
	verdict     verdict
	note        string // what partly agrees: "day and month swapped"
}

// biographics compares the encounter's claimed identity with the
// candidate's record.
func (r *reviewScreen) biographics(id *identification, c *cases.Candidate) []bioRow {
	var p, q cases.Biographics
	if id.enc != nil {
		p = id.enc.Claimed
	}
	if s := id.subjects[c.SubjectID]; s != nil {
		q = s.Biographics()
	}
	var disclosed []bioRow
	if c.Reference != "" {
		// A partner's reference shows only what its owner disclosed.
		disclosed = []bioRow{{field: "Disclosed", cand: "nothing: c asks " + c.OwnerAgency + " for core data"}}
		if d := id.disclosed[c.Reference]; d != nil {
			q = disclosedBiographics(d.Data)
			under := "spontaneously"
			if d.RequestID != "" {
				under = "request " + shortID(d.RequestID)
			}
			disclosed = []bioRow{{field: "Disclosed", cand: "by " + d.OwnerAgency + " on " + stamp(d.At)}, {field: "Under", cand: under}}
		}
	}
	rows := []bioRow{
		compareName("Name", p.Name.Display(), q.Name.Display()),
		compareName("Civil form", p.Name.Civil(), q.Name.Civil()),
		compareDOB(p.DOB, q.DOB),
		compareSet("Sex", nonEmpty(string(p.Sex)), nonEmpty(string(q.Sex))),
		compareSet("Nationality", p.Nationalities, q.Nationalities),
		compareSet("Documents", documentTexts(p.Documents), documentTexts(q.Documents)),
	}
	rows = append(disclosed, rows...)
	return rows
}

// disclosedBiographics is core data as the comparison reads it.
func disclosedBiographics(d cases.CoreData) cases.Biographics {
	b := cases.Biographics{Sex: d.Sex, Nationalities: d.Nationalities, Documents: d.Documents}
	if d.Name != nil {
		b.Name = *d.Name
	}
	if d.DOB != nil {
		b.DOB = *d.DOB
	}
	return b
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// bioTable draws the comparison: field, a mark (= same, ≈ partly, ≠
// different) and both values, styled by the verdict.
func (r *reviewScreen) bioTable(rows []bioRow, width int) []string {
	st := r.app.styles
	labelW := 12
	colW := max((width-labelW-4)/2, 8)
	out := []string{st.ColumnHeader.Render(pad(" "+pad("", labelW)+"  "+pad("Probe (claimed)", colW)+" "+"Candidate (record)", width))}
	for _, row := range rows {
		mark, style := " ", st.Muted
		switch row.verdict {
		case sameField:
			mark, style = "=", st.Same
		case partialField:
			mark, style = "≈", st.Partial
		case differentField:
			mark, style = "≠", st.Differs
		}
		pv, cv := orDash(row.probe), orDash(row.cand)
		if row.note != "" {
			cv += " (" + row.note + ")"
		}
		line := " " + st.Label.Render(pad(row.field, labelW)) + style.Render(mark) + " " +
			style.Render(pad(truncate(pv, colW), colW)) + " " + style.Render(truncate(cv, colW))
		out = append(out, truncate(line, width))
	}
	return out
}

// fold lowers s and strips the Spanish accents, for comparing names.
func fold(s string) string {
	return accentFold.Replace(strings.ToLower(strings.TrimSpace(s)))
}

var accentFold = strings.NewReplacer("á", "a", "é", "e", "í", "i", "ó", "o", "ú", "u", "ü", "u", "ñ", "n",
	"Á", "a", "É", "e", "Í", "i", "Ó", "o", "Ú", "u", "Ü", "u", "Ñ", "n")

// compareName: equal (ignoring case and accents), partly (one's words are
// all in the other, or they share words), or different.
func compareName(field, a, b string) bioRow {
	row := bioRow{field: field, probe: a, cand: b}
	fa, fb := strings.Fields(fold(a)), strings.Fields(fold(b))
	switch {
	case len(fa) == 0 || len(fb) == 0:
		row.verdict = unknownField
	case slices.Equal(fa, fb):
		row.verdict = sameField
	default:
		shared := 0
		for _, w := range fa {
			if slices.Contains(fb, w) {
				shared++
			}
		}
		row.verdict = differentField
		if shared > 0 {
			row.verdict = partialField
		}
	}
	return row
}

// compareDOB: equal, partly (day and month swapped, or the same year), or
// different.
func compareDOB(a, b cases.PartialDate) bioRow {
	row := bioRow{field: "Born", probe: a.String(), cand: b.String()}
	switch {
	case a.IsZero() || b.IsZero():
		row.verdict = unknownField
	case a == b:
		row.verdict = sameField
	case a.Year == b.Year && a.Month == b.Day && a.Day == b.Month:
		row.verdict, row.note = partialField, "d/m swapped"
	case a.Year == b.Year:
		row.verdict, row.note = partialField, "same year"
	default:
		row.verdict = differentField
	}
	return row
}

// compareSet compares lists of values: equal, overlapping or disjoint.
func compareSet(field string, a, b []string) bioRow {
	row := bioRow{field: field, probe: strings.Join(a, ", "), cand: strings.Join(b, ", ")}
	switch {
	case len(a) == 0 || len(b) == 0:
		row.verdict = unknownField
	default:
		sa, sb := slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b))
		row.verdict = differentField
		if slices.Equal(sa, sb) {
			row.verdict = sameField
		} else if slices.ContainsFunc(sa, func(v string) bool { return slices.Contains(sb, v) }) {
			row.verdict = partialField
		}
	}
	return row
}

// labelled is a minutia (by index) to highlight as paired, with its label
// (0: highlighted without a label).
type labelled struct {
	index int
	label rune
}

// plotPrint draws a print's minutiae on a canvas of cols × rows cells:
// the print's image (or, when its size is unknown, its minutiae's bounding
// box) scaled to fit with its aspect kept, y down. Each minutia is a dot
// (an ending) or a 2×2 block (a bifurcation) with a short tick along its
// direction; paired minutiae are drawn in the paired ink and labelled, a
// label that would fall on a labelled cell moving to a free neighbour.
func plotPrint(p cases.Print, paired []labelled, cols, rows int) *canvas {
	c := newCanvas(cols, rows)
	if cols <= 0 || rows <= 0 {
		return c
	}
	x0, y0, w, h := 0, 0, p.Width, p.Height
	if w <= 0 || h <= 0 {
		if len(p.Minutiae) == 0 {
			return c
		}
		minX, minY, maxX, maxY := math.MaxInt, math.MaxInt, math.MinInt, math.MinInt
		for _, m := range p.Minutiae {
			minX, minY = min(minX, m.X), min(minY, m.Y)
			maxX, maxY = max(maxX, m.X), max(maxY, m.Y)
		}
		x0, y0, w, h = minX-8, minY-8, maxX-minX+16, maxY-minY+16
	}
	dw, dh := float64(c.dotsWide()-2), float64(c.dotsHigh()-2)
	s := min(dw/float64(w), dh/float64(h))
	ox, oy := (dw-float64(w)*s)/2, (dh-float64(h)*s)/2
	at := func(m cases.Minutia) (int, int) {
		return int(math.Round(ox + float64(m.X-x0)*s)), int(math.Round(oy + float64(m.Y-y0)*s))
	}
	tick := 2
	if c.dotsHigh() >= 48 {
		tick = 3
	}
	isPaired := make(map[int]bool, len(paired))
	for _, l := range paired {
		isPaired[l.index] = true
	}
	for i, m := range p.Minutiae {
		x, y := at(m)
		c.tick(x, y, m.Angle, tick, inkTick)
		k := inkEnding
		if m.Kind == cases.MinutiaBifurcation {
			k = inkBifurcation
		}
		if isPaired[i] {
			k = inkPaired
		}
		c.set(x, y, k)
		if m.Kind == cases.MinutiaBifurcation {
			c.set(x+1, y, k)
			c.set(x, y+1, k)
			c.set(x+1, y+1, k)
		}
	}
	for _, l := range paired {
		if l.label == 0 || l.index < 0 || l.index >= len(p.Minutiae) {
			continue
		}
		x, y := at(p.Minutiae[l.index])
		for _, d := range [][2]int{{0, 0}, {2, 0}, {-2, 0}, {0, 4}, {0, -4}, {2, 4}, {-2, -4}, {2, -4}, {-2, 4}} {
			if c.label(x+d[0], y+d[1], l.label, inkPaired) {
				break
			}
		}
	}
	return c
}
