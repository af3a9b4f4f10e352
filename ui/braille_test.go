package ui

import (
	"strings"
	"testing"

	"github.com/enlace-desk/enlace/cases"
)

func TestCanvasDots(t *testing.T) {
	c := newCanvas(2, 1)
	for _, p := range [][2]int{{0, 0}, {1, 3}, {2, 1}, {3, 2}, {9, 9}, {-1, 0}} {
		c.set(p[0], p[1], inkEnding)
	}
	// Cell 0: dots (0,0)=1 and (1,3)=0x80; cell 1: (0,1)=2 and (1,2)=0x20.
	if got, want := strings.Join(c.lines(nil), "\n"), "\u2881\u2822"; got != want {
		t.Errorf("dots: got %q, want %q", got, want)
	}
	if got := strings.Join(newCanvas(3, 2).lines(nil), "|"); got != "   |   " {
		t.Errorf("an empty canvas is %q, want spaces", got)
	}
}

func TestCanvasTicksAndLines(t *testing.T) {
	// A tick along +x (0°) from (0,1): three dots to the right on row 1.
	c := newCanvas(2, 1)
	c.tick(0, 1, 0, 3, inkTick)
	if got, want := c.lines(nil)[0], "\u2812\u2812"; got != want {
		t.Errorf("0° tick: got %q, want %q", got, want)
	}
	// 90° is up the print: y decreases on the canvas.
	c = newCanvas(1, 1)
	c.tick(0, 3, 90, 3, inkTick)
	if got, want := c.lines(nil)[0], "\u2847"; got != want {
		t.Errorf("90° tick: got %q, want %q", got, want)
	}
	// A diagonal line through two cells.
	c = newCanvas(2, 1)
	c.line(0, 0, 3, 3, inkTick)
	if got, want := c.lines(nil)[0], "\u2811\u2884"; got != want {
		t.Errorf("diagonal: got %q, want %q", got, want)
	}
}

func TestCanvasLabels(t *testing.T) {
	c := newCanvas(3, 1)
	c.set(0, 0, inkEnding)
	if !c.label(1, 2, '7', inkPaired) {
		t.Fatal("the label was refused on a free cell")
	}
	if c.label(0, 3, '8', inkPaired) {
		t.Error("a second label replaced the first")
	}
	if c.label(6, 0, '9', inkPaired) {
		t.Error("a label off the canvas was accepted")
	}
	if got, want := c.lines(nil)[0], "7  "; got != want {
		t.Errorf("label: got %q, want %q", got, want)
	}
	// Styles apply by ink, in runs.
	st := NewStyles(true)
	styled := c.lines(st.inkStyle)[0]
	if !strings.Contains(styled, "\x1b[") || !strings.HasSuffix(styled, "  ") {
		t.Errorf("styled label %q", styled)
	}
}

func TestPlotPrintScalesAndLabelsPairs(t *testing.T) {
	p := cases.Print{Width: 100, Height: 100, Minutiae: []cases.Minutia{
		{X: 0, Y: 0, Angle: 0, Kind: cases.MinutiaEnding},
		{X: 100, Y: 100, Angle: 180, Kind: cases.MinutiaBifurcation},
		{X: 50, Y: 50, Angle: 90, Kind: cases.MinutiaEnding},
	}}
	c := plotPrint(p, []labelled{{2, '1'}, {0, 0}}, 10, 5)
	got := strings.Join(c.lines(nil), "\n")
	want := strings.Join([]string{
		"⠉⠁        ",
		"    ⢀     ",
		"    1     ",
		"          ",
		"        ⠤⣤",
	}, "\n")
	if got != want {
		t.Errorf("plot:\n%s\nwant:\n%s", got, want)
	}
	// Unknown size: the minutiae's bounding box is used.
	p.Width, p.Height = 0, 0
	if c := plotPrint(p, nil, 10, 5); strings.TrimSpace(strings.Join(c.lines(nil), "")) == "" {
		t.Error("a print of unknown size plotted nothing")
	}
	if c := plotPrint(cases.Print{}, nil, 4, 2); strings.TrimSpace(strings.Join(c.lines(nil), "")) != "" {
		t.Error("an empty print drew something")
	}
}
