package exchange

import (
	"encoding/json"
	"slices"

	"github.com/enlace-desk/enlace/cases"
)

// StatusMove is one event that bears on a case's status, as a desk knows it
// after the hub has sequenced it.
type StatusMove struct {
	Seq        int64        // hub sequence number
	To         cases.Status // the status it moves to
	Conflict   bool         // the hub marked it in conflict: it does not move the status
	Resolution bool         // a conflict.resolved event
}

// StatusMoveOf returns the status move an event makes, if any: an
// annotation.added whose payload has a ToStatus (a status change or a
// decision that moves the case), or a conflict.resolved.
func StatusMoveOf(d Delivered) (StatusMove, bool) {
	switch d.Event.Kind {
	case cases.EventAnnotationAdded:
		var a cases.Annotation
		if json.Unmarshal(d.Event.Payload, &a) != nil || a.ToStatus == "" {
			return StatusMove{}, false
		}
		return StatusMove{Seq: d.Seq, To: a.ToStatus, Conflict: d.Conflict}, true
	case cases.EventConflictResolved:
		var r cases.ConflictResolution
		if json.Unmarshal(d.Event.Payload, &r) != nil {
			return StatusMove{}, false
		}
		return StatusMove{Seq: d.Seq, To: r.Status, Resolution: true}, true
	}
	return StatusMove{}, false
}

// ProjectStatus is how every desk computes a case's status, version and
// conflict flag from the moves the hub has sequenced, so that all desks agree
// with the hub and with each other whatever order the events arrived in.
// initial and version are the status and version of the case.created payload.
// Moves are taken in hub order (Seq): a move not in conflict sets the status
// and bumps the version; a move in conflict sets the conflict flag and nothing
// else; a resolution sets the status, bumps the version and clears the flag.
// A desk then applies its own moves the hub has not acknowledged yet on top,
// tentatively (docs/sync.md, "Projecting status").
func ProjectStatus(initial cases.Status, version int, moves []StatusMove) (status cases.Status, v int, conflict bool) {
	ms := slices.Clone(moves)
	slices.SortFunc(ms, func(a, b StatusMove) int {
		switch {
		case a.Seq < b.Seq:
			return -1
		case a.Seq > b.Seq:
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
