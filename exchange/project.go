package exchange

import (
	"encoding/json"

	"github.com/enlace-desk/enlace/cases"
)

// StatusMove is one event that bears on a case's status: the domain's type
// (cases.StatusMove), which every desk and the hub project the same way.
type StatusMove = cases.StatusMove

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
// conflict flag from the moves the hub has sequenced: the one rule,
// cases.ProjectStatus (docs/sync.md, "Projecting status").
func ProjectStatus(initial cases.Status, version int, moves []StatusMove) (status cases.Status, v int, conflict bool) {
	return cases.ProjectStatus(initial, version, moves)
}
