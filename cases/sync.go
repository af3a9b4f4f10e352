package cases

import (
	"slices"
	"time"
)

// StatusMove is one event that bears on a case's status, as a desk knows it
// once the hub has sequenced it (Seq > 0) or while it is still the desk's own
// unacknowledged change (Seq == 0).
type StatusMove struct {
	// Seed marks a move of the history every desk started from (demo data
	// loaded on each desk): such moves come first, in Local order.
	Seed       bool
	Seq        int64  // hub sequence number; 0 while not yet acknowledged
	Local      int64  // the desk's own log position, to order unacknowledged moves
	To         Status // the status it moves to
	Conflict   bool   // the hub marked it in conflict: it does not move the status
	Resolution bool   // a conflict.resolved event
}

// ProjectStatus is how every desk computes a case's status, version and
// conflict flag, so that all desks agree with the hub and with each other
// whatever order events arrived in. initial and version come from the
// case.created payload. Moves the hub has sequenced are taken in hub order: a
// move not in conflict sets the status and bumps the version; a move in
// conflict sets the conflict flag and nothing else; a resolution sets the
// status, bumps the version and clears the flag. The desk's own moves the hub
// has not acknowledged yet are applied on top, tentatively, in the order the
// desk made them (docs/sync.md, "Projecting status"). Seed moves, the history
// every desk started from, come before all others.
func ProjectStatus(initial Status, version int, moves []StatusMove) (status Status, v int, conflict bool) {
	ms := slices.Clone(moves)
	slices.SortStableFunc(ms, func(a, b StatusMove) int {
		switch {
		case a.Seed != b.Seed:
			if a.Seed {
				return -1
			}
			return 1
		case a.Seed:
			return cmpInt(a.Local, b.Local)
		case (a.Seq == 0) != (b.Seq == 0):
			if a.Seq == 0 {
				return 1
			}
			return -1
		case a.Seq != b.Seq:
			if a.Seq < b.Seq {
				return -1
			}
			return 1
		case a.Local < b.Local:
			return -1
		case a.Local > b.Local:
			return 1
		}
		return 0
	})
	status, v = initial, version
	for _, m := range ms {
		switch {
		case m.Resolution:
			status, conflict = m.To, false
			v++
		case m.Conflict:
			conflict = true
		default:
			status = m.To
			v++
		}
	}
	return status, v, conflict
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// QuarantinedEvent is an event received from the exchange that the desk
// could not apply: it is kept aside with the reason, and sync goes on.
type QuarantinedEvent struct {
	EventID      string
	Seq          int64 // the hub's sequence number
	Author       string
	Agency       string
	Kind         EventKind
	CaseID       string
	Stamp        HLC
	Reason       string
	At           time.Time // when the desk received it
	PayloadBytes int
}
