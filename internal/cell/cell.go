// Package cell makes any text safe for one cell of a table printed on a
// terminal, by the tools (enlace audit queries) and by the workstation's
// lists alike. It depends on nothing of the module.
package cell

import "strings"

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
