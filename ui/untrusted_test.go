package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/enlace-desk/enlace/cases"
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

// hostileExchange answers every read with a partner's text that carries
// terminal controls.
type hostileExchange struct{ cases.ExchangeService }

const hostileReason = "urgent \x1b]52;c;ZXZpbA==\x07\x1b[2J"

func (hostileExchange) FollowUps(context.Context, bool, bool) ([]cases.FollowUp, error) {
	return []cases.FollowUp{{ID: "f1", Reason: hostileReason, DeclineReason: hostileReason}}, nil
}

// TestPartnerRequestTextIsScrubbed: a follow-up request's reasons, written
// at the partner's desk, reach the requests screen with their controls as
// symbols.
func TestPartnerRequestTextIsScrubbed(t *testing.T) {
	list, err := untrustedExchange{hostileExchange{}}.FollowUps(context.Background(), true, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{list[0].Reason, list[0].DeclineReason} {
		if strings.ContainsAny(s, "\x1b\x07") || !strings.Contains(s, "urgent ␛]52;") {
			t.Errorf("reason drawn as %q", s)
		}
	}
}
