package ui

import (
	"math"
	"strings"

	"charm.land/lipgloss/v2"
)

// brailleBits is the bit of each dot of a braille cell, by [x][y]: a cell is
// 2 dots wide and 4 high (Unicode's 8-dot braille, from U+2800).
var brailleBits = [2][4]rune{
	{0x01, 0x02, 0x04, 0x40},
	{0x08, 0x10, 0x20, 0x80},
}

// ink is what a dot or a label is drawing; a cell takes the colour of the
// highest ink drawn in it.
type ink uint8

const (
	inkNone        ink = iota
	inkTick            // a minutia's direction
	inkEnding          // a ridge ending
	inkBifurcation     // a bifurcation
	inkPaired          // a minutia paired with the other print
)

// canvas is a braille drawing surface of cols × rows cells: 2·cols × 4·rows
// dots, origin top-left, y down. Labels replace a cell's dots with a
// character.
type canvas struct {
	cols, rows int
	dots       []rune // the braille bits of each cell
	inks       []ink  // the highest ink of each cell
	labels     []rune // a character drawn instead of the dots, or 0
}

func newCanvas(cols, rows int) *canvas {
	cols, rows = max(cols, 0), max(rows, 0)
	n := cols * rows
	return &canvas{cols: cols, rows: rows, dots: make([]rune, n), inks: make([]ink, n), labels: make([]rune, n)}
}

// dotsWide and dotsHigh are the canvas's size in dots.
func (c *canvas) dotsWide() int { return c.cols * 2 }
func (c *canvas) dotsHigh() int { return c.rows * 4 }

// set draws the dot at (x, y); dots off the canvas are ignored.
func (c *canvas) set(x, y int, k ink) {
	if x < 0 || y < 0 || x >= c.dotsWide() || y >= c.dotsHigh() {
		return
	}
	i := (y/4)*c.cols + x/2
	c.dots[i] |= brailleBits[x%2][y%4]
	c.inks[i] = max(c.inks[i], k)
}

// line draws the dots from (x0, y0) to (x1, y1), both ends included.
func (c *canvas) line(x0, y0, x1, y1 int, k ink) {
	dx, dy := abs(x1-x0), -abs(y1-y0)
	sx, sy := 1, 1
	if x0 > x1 {
		sx = -1
	}
	if y0 > y1 {
		sy = -1
	}
	e := dx + dy
	for {
		c.set(x0, y0, k)
		if x0 == x1 && y0 == y1 {
			return
		}
		e2 := 2 * e
		if e2 >= dy {
			e += dy
			x0 += sx
		}
		if e2 <= dx {
			e += dx
			y0 += sy
		}
	}
}

// tick draws a short stroke of n dots from (x, y) along angle (degrees
// counter-clockwise from +x, with y pointing down on the canvas), leaving
// the point itself alone.
func (c *canvas) tick(x, y int, angle float64, n int, k ink) {
	r := angle * math.Pi / 180
	ex := x + int(math.Round(float64(n)*math.Cos(r)))
	ey := y - int(math.Round(float64(n)*math.Sin(r)))
	c.line(x, y, ex, ey, k)
}

// label writes r in the cell holding dot (x, y), replacing its dots. It
// reports whether it did: a cell already labelled keeps its label.
func (c *canvas) label(x, y int, r rune, k ink) bool {
	if x < 0 || y < 0 || x >= c.dotsWide() || y >= c.dotsHigh() {
		return false
	}
	i := (y/4)*c.cols + x/2
	if c.labels[i] != 0 {
		return false
	}
	c.labels[i] = r
	c.inks[i] = max(c.inks[i], k)
	return true
}

// lines renders the canvas, one string per row of cells, each cell styled
// by its ink (style may be nil for plain text). An empty cell is a space.
func (c *canvas) lines(style func(ink) *lipgloss.Style) []string {
	out := make([]string, c.rows)
	for row := range c.rows {
		var b strings.Builder
		// Runs of cells of one ink are styled together.
		var run strings.Builder
		runInk := inkNone
		flush := func() {
			if run.Len() == 0 {
				return
			}
			if st := styleOf(style, runInk); st != nil {
				b.WriteString(st.Render(run.String()))
			} else {
				b.WriteString(run.String())
			}
			run.Reset()
		}
		for col := range c.cols {
			i := row*c.cols + col
			r, k := ' ', c.inks[i]
			switch {
			case c.labels[i] != 0:
				r = c.labels[i]
			case c.dots[i] != 0:
				r = 0x2800 + c.dots[i]
			default:
				k = inkNone
			}
			if k != runInk {
				flush()
				runInk = k
			}
			run.WriteRune(r)
		}
		flush()
		out[row] = b.String()
	}
	return out
}

func styleOf(style func(ink) *lipgloss.Style, k ink) *lipgloss.Style {
	if style == nil || k == inkNone {
		return nil
	}
	return style(k)
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
