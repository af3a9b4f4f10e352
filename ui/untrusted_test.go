package ui

import (
	"context"
	"strings"
	"testing"
)

// TestEscapeSequencesInDataNeverReachTheTerminal: a note carrying a title
// change, a screen clear and a clipboard write is drawn with its controls as
// symbols; the frame sent to the terminal holds none of them.
func TestEscapeSequencesInDataNeverReachTheTerminal(t *testing.T) {
	d := seedDesk(t)
	hostile := "pwned \x1b]0;owned\x07\x1b[2J\x1b]52;c;ZXZpbA==\x07 end"
	if _, err := d.store.AddNote(context.Background(), supervisor, caseHit, hostile, ""); err != nil {
		t.Fatal(err)
	}
	s := start(t, d.config(supervisor, ThemeDark), 120, 40)
	s.openCase(caseHit)
	s.waitFor("pwned ␛]0;owned␇␛[2J")
	frame := s.frame()
	for _, bad := range []string{"\x1b]0;", "\x07", "\x1b[2J", "\x1b]52;"} {
		if strings.Contains(frame, bad) {
			t.Errorf("the frame sent to the terminal holds %q", bad)
		}
	}
}
