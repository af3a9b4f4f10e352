package ui

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/cases/names"
)

// listNav is the one list component of the workstation: the queue, the
// encounters, the candidates, the search results, the follow-up requests
// and the query log all move through it (TestEveryListMovesAlike drives
// each of them the same way). It owns the cursor and the first item shown; keys, the wheel
// and clicks move them, and the cursor is followed as the list or the space
// for it changes. It holds no items: a screen keeps its own and asks
// visible which to draw. Everything happens in Update and SetSize, never in
// View, so paging never depends on the last frame drawn.
type listNav struct {
	cursor, offset int
	n              int // items in the list
	rows           int // items that fit
	top            int // body lines above the first item, for clicks
	itemLines      int // lines one item takes; 0 means 1
}

// setLen says how many items the list holds now; the cursor stays within.
func (l *listNav) setLen(n int) {
	l.n = max(n, 0)
	l.cursor = max(min(l.cursor, l.n-1), 0)
	l.follow()
}

// setSize places the list: top lines above it, room lines for its items.
func (l *listNav) setSize(top, room int) {
	l.top = top
	l.rows = max(room/max(l.itemLines, 1), 1)
	l.follow()
}

// selectIndex puts the cursor on item i.
func (l *listNav) selectIndex(i int) {
	l.cursor = max(min(i, l.n-1), 0)
	l.follow()
}

// reset puts the cursor and the view back on the first item.
func (l *listNav) reset() {
	l.cursor, l.offset = 0, 0
}

// move moves the cursor by d items.
func (l *listNav) move(d int) { l.selectIndex(l.cursor + d) }

// follow scrolls so that the cursor is shown and no room is left empty at
// the end.
func (l *listNav) follow() {
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if l.cursor >= l.offset+l.rows {
		l.offset = l.cursor - l.rows + 1
	}
	l.offset = max(min(l.offset, l.n-l.rows), 0)
}

// visible is the range of items to draw, [from, to).
func (l *listNav) visible() (from, to int) {
	return l.offset, min(l.offset+l.rows, l.n)
}

// selected is the cursor's item, or -1 in an empty list.
func (l *listNav) selected() int {
	if l.n == 0 {
		return -1
	}
	return l.cursor
}

// update handles the list's keys (↑/↓, page up/down, top, bottom; only the
// arrows and page keys while typing in a field), the wheel and clicks. It
// reports whether msg moved the list, and whether it opens the selected
// item (a click on the item already selected).
func (l *listNav) update(k *KeyMap, msg tea.Msg, typing bool) (handled, open bool) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		s := msg.String()
		switch {
		case s == "up" || !typing && key.Matches(msg, k.Up):
			l.move(-1)
		case s == "down" || !typing && key.Matches(msg, k.Down):
			l.move(1)
		case s == "pgup" || !typing && key.Matches(msg, k.PageUp):
			l.move(-l.rows)
		case s == "pgdown" || !typing && key.Matches(msg, k.PageDown):
			l.move(l.rows)
		case !typing && key.Matches(msg, k.Top):
			l.selectIndex(0)
		case !typing && key.Matches(msg, k.Bottom):
			l.selectIndex(l.n - 1)
		default:
			return false, false
		}
		return true, false
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			l.move(-wheelStep)
		case tea.MouseWheelDown:
			l.move(wheelStep)
		default:
			return false, false
		}
		return true, false
	case tea.MouseClickMsg:
		if msg.Button != tea.MouseLeft || msg.Y < l.top {
			return false, false
		}
		i := l.offset + (msg.Y-l.top)/max(l.itemLines, 1)
		if i >= l.n || i >= l.offset+l.rows {
			return false, false
		}
		if i == l.cursor {
			return true, true
		}
		l.selectIndex(i)
		return true, false
	}
	return false, false
}

// listPlaceholder is what a list shows instead of its items: a loading
// line, the error that stopped it loading, or why it is empty. ok is false
// when the list has items to draw.
func listPlaceholder(st *Styles, loaded bool, err error, n int, loading, empty string) (line string, ok bool) {
	switch {
	case !loaded:
		return st.Muted.Render("  " + loading), true
	case err != nil:
		return st.Danger.Render("  " + cases.ErrorMessage(err)), true
	case n == 0:
		return st.Muted.Render("  " + empty), true
	}
	return "", false
}

// foldFilter is the text filter of every list: accents, case and
// punctuation folded as the name engine folds them, so "/quinonez" finds
// "Quiñónez" and "/110001" finds "EC-PN-2026-110001".
func foldFilter(s string) string { return names.Fold(s) }

// typeFilter handles a key while a list's "/" filter takes text: enter
// keeps the filter, esc clears it, the arrows and page keys move the list,
// anything else edits the text. set receives the text after each edit.
func typeFilter(k *KeyMap, nav *listNav, in *textinput.Model, typing *bool, msg tea.KeyPressMsg, set func(string)) tea.Cmd {
	switch {
	case key.Matches(msg, k.FindClear):
		*typing = false
		in.Blur()
		in.SetValue("")
		set("")
		return nil
	case key.Matches(msg, k.FindKeep):
		*typing = false
		in.Blur()
		return nil
	}
	if moved, _ := nav.update(k, msg, true); moved {
		return nil
	}
	var cmd tea.Cmd
	*in, cmd = in.Update(msg)
	set(in.Value())
	return cmd
}
