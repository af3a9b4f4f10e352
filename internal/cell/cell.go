// Package cell makes any text safe for one cell of a table printed on a
// terminal, by the tools (enlace audit queries) and by the workstation's
// lists alike. It depends on nothing of the module.
package cell

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Text returns s for one line of a table: a newline (an MRZ's line break)
// shows as ⏎, every other control character as its Unicode control picture
// (a tab as ␉, an escape as ␛), DEL as ␡ and a C1 control as �, so that a
// value can neither break a table's rows nor drive the terminal.
func Text(s string) string {
	if strings.IndexFunc(s, isControl) < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
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

// MaxShort is the most characters of one value Short keeps.
const MaxShort = 300

// Short is Text cut to MaxShort characters, with a marker saying how many
// were left out: a 100,000-character query does not flood the screen.
func Short(s string) string {
	if utf8.RuneCountInString(s) <= MaxShort {
		return Text(s)
	}
	n, cut := 0, len(s)
	for i := range s {
		if n == MaxShort {
			cut = i
			break
		}
		n++
	}
	return Text(s[:cut]) + fmt.Sprintf("… (%d more characters)", utf8.RuneCountInString(s[cut:]))
}
