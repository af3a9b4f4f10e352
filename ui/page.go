package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// scrollPage is a scrollable block of drawn lines; the case view and the subject
// view embed it, so both scroll, page and wheel alike.
type scrollPage struct {
	lines         []string // the page drawn for the current width
	offset        int      // first line shown
	width, height int
}

// scroll moves the page by d lines, within its bounds.
func (p *scrollPage) scroll(d int) {
	p.offset = max(min(p.offset+d, len(p.lines)-p.height), 0)
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

// followCursor returns the first row to show of a list of n rows, height at
// a time, so that the cursor stays in view and no space is left at the end.
func followCursor(cursor, offset, height, n int) int {
	if cursor < offset {
		offset = cursor
	}
	if cursor >= offset+height {
		offset = cursor - height + 1
	}
	return max(min(offset, n-height), 0)
}
