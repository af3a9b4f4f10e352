package ui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// scrollPage is the one scrolling page: a block of lines drawn in advance
// for the current width, of which height lines show from offset. The case
// view and the subject view embed it, so both scroll, page, wheel and say
// where the officer is alike. Lines are set in Update and SetSize; View
// only cuts the window out.
type scrollPage struct {
	lines         []string // the page drawn for the current width
	offset        int      // first line shown
	width, height int
}

// setPage replaces the page's lines, keeping the offset within bounds (the
// officer keeps their place when the page is drawn again).
func (p *scrollPage) setPage(text string) {
	p.lines = strings.Split(text, "\n")
	p.scroll(0)
}

// scroll moves the page by d lines, within its bounds.
func (p *scrollPage) scroll(d int) {
	p.offset = max(min(p.offset+d, len(p.lines)-p.height), 0)
}

// show scrolls just enough for line i to be in view.
func (p *scrollPage) show(i int) {
	if i < p.offset {
		p.offset = i
	}
	if i >= p.offset+p.height-1 {
		p.offset = i - p.height + 2
	}
	p.scroll(0)
}

// pageKey handles the paging keys (page up and down, top, bottom) and
// reports whether msg was one of them.
func (p *scrollPage) pageKey(k *KeyMap, msg tea.KeyPressMsg) bool {
	switch {
	case key.Matches(msg, k.PageUp):
		p.scroll(-max(p.height-1, 1))
	case key.Matches(msg, k.PageDown):
		p.scroll(max(p.height-1, 1))
	case key.Matches(msg, k.Top):
		p.offset = 0
	case key.Matches(msg, k.Bottom):
		p.offset = len(p.lines)
		p.scroll(0)
	default:
		return false
	}
	return true
}

// wheel scrolls the page for the mouse wheel.
func (p *scrollPage) wheel(msg tea.MouseWheelMsg) {
	switch msg.Button {
	case tea.MouseWheelUp:
		p.scroll(-wheelStep)
	case tea.MouseWheelDown:
		p.scroll(wheelStep)
	}
}

// view draws the lines in view; when the page is longer than the screen,
// the last line says which lines show.
func (p *scrollPage) view(st *Styles) string {
	end := min(p.offset+p.height, len(p.lines))
	out := p.lines[min(p.offset, end):end]
	if len(p.lines) > p.height && p.height > 1 {
		out = slices.Clone(out)
		more := fmt.Sprintf(" ↕ %d–%d of %d lines ", p.offset+1, end, len(p.lines))
		out[len(out)-1] = pad(out[len(out)-1], max(p.width-len([]rune(more)), 0)) + st.Muted.Render(more)
	}
	return strings.Join(out, "\n")
}
