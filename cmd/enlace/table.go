package main

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// maxCell is the most characters of one value a tool prints.
const maxCell = 300

// cell makes a value safe for one cell of a printed table: a newline shows
// as ⏎ and every other control character as its Unicode control picture
// (a tab as ␉, an escape as ␛), so a value with an MRZ's line break or a
// terminal escape can neither break the table's rows nor drive the terminal.
//
// A value longer than maxCell characters is cut, with a marker saying how
// much was left out: a 100,000-character query does not flood the screen.
func cell(s string) string {
	if strings.IndexFunc(s, isControl) < 0 && len(s) <= maxCell {
		return s
	}
	var b strings.Builder
	n := 0
	for i, r := range s {
		if n == maxCell {
			fmt.Fprintf(&b, "… (%d more characters)", utf8.RuneCountInString(s[i:]))
			break
		}
		n++
		switch {
		case r == '\n':
			b.WriteRune('⏎')
		case r < 0x20:
			b.WriteRune(0x2400 + r)
		case r == 0x7f:
			b.WriteRune('␡')
		case r >= 0x80 && r < 0xa0:
			b.WriteRune('�')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isControl(r rune) bool { return r < 0x20 || r >= 0x7f && r < 0xa0 }
