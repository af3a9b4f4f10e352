package hub

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/exchange"
)

// HubStore is the hub's storage. The hub checks each event's shape, author
// and signature before it reaches the store; the store decides, inside one
// transaction per batch, whether each event is new, a duplicate or a replay,
// whether its agency may write to its case (Admit), and whom to deliver it to.
//
// Implementations must hand out sequence numbers in the transaction that makes
// the event visible, so that a reader never sees sequence n+1 before n: a pull
// then never skips an event that committed late. SQLite's single writer gives
// this for free (SQLiteHub); PGHub serialises the writers of the sequence by
// locking one counters row per batch. Both decide a batch with planBatch.
type HubStore interface {
	// Accept stores a batch of events sent by desk, oldest first, and
	// returns one Ack per event in the same order. An error means nothing of
	// the batch was stored; the desk will send it again.
	Accept(ctx context.Context, desk DeskIdentity, evs []cases.Event) ([]exchange.Ack, error)
	// Pull returns the events delivered to agency after position after, at
	// most limit (and about MaxPullBytes of payload), in delivery order.
	Pull(ctx context.Context, agency string, after int64, limit int) (exchange.PullResponse, error)
	// CaseState returns what the hub knows of a case; ok is false if nothing.
	CaseState(ctx context.Context, caseID string) (st CaseState, ok bool, err error)
	Close() error
}

// DeskIdentity is who sent a request, as the mutual-TLS certificate says.
type DeskIdentity struct {
	Agency string // the agency whose CA issued the certificate
	Desk   string // the certificate's common name
}

// CaseState is what the hub tracks of a case: who may see it and where its
// status stands.
type CaseState struct {
	ID         string
	Owner      string
	SharedWith []string
	Status     cases.Status
	Version    int  // accepted status moves and resolutions so far (plus the version it was created with)
	Conflict   bool // a status move crossed another; waiting for conflict.resolved
}

// Agencies returns the agencies that may see the case: owner first.
func (c *CaseState) Agencies() []string {
	return append([]string{c.Owner}, c.SharedWith...)
}

func (c *CaseState) visibleTo(agency string) bool {
	return agency == c.Owner || slices.Contains(c.SharedWith, agency)
}

// admission is the hub's verdict on one new case event.
type admission struct {
	next     CaseState
	conflict bool     // a status move marked in conflict
	added    []string // agencies that can see the case from now on and could not before
}

// Admit decides whether the hub accepts a new event of a case in state st
// (nil when the hub does not know the case) and what the case becomes. It is
// the one place that says who may write to a case and when a status move is
// in conflict; every HubStore calls it. known lists the hub's agencies.
func Admit(ev *cases.Event, st *CaseState, known []string) (next CaseState, conflict bool, added []string, err error) {
	a, err := admit(ev, st, known)
	return a.next, a.conflict, a.added, err
}

func admit(ev *cases.Event, st *CaseState, known []string) (admission, error) {
	var out admission
	if ev.Kind == cases.EventCaseCreated {
		if st != nil {
			return out, exchange.EventErr(ev.ID, cases.ECONFLICT, "case %s already exists at the hub", exchange.Clip(ev.CaseID))
		}
		var p cases.CaseCreated
		if err := strictPayload(ev, &p); err != nil {
			return out, err
		}
		c := p.Case
		if c.ID != ev.CaseID {
			return out, exchange.FieldErr(ev.ID, "payload.Case.ID", "%q differs from the event's case_id %q", exchange.Clip(c.ID), exchange.Clip(ev.CaseID))
		}
		if c.OwnerAgency != ev.Agency {
			return out, &exchange.EventError{EventID: ev.ID, Field: "payload.Case.OwnerAgency", Code: cases.EFORBIDDEN,
				Message: "a desk of " + ev.Agency + " cannot create a case owned by " + exchange.Clip(c.OwnerAgency)}
		}
		shared, err := sharing(ev, "payload.Case.SharedWith", c.OwnerAgency, c.SharedWith, known)
		if err != nil {
			return out, err
		}
		status := c.Status
		if status == "" {
			status = cases.StatusNew
		}
		if !slices.Contains(cases.Statuses, status) {
			return out, exchange.FieldErr(ev.ID, "payload.Case.Status", "%q is not a status", exchange.Clip(string(status)))
		}
		out.next = CaseState{ID: c.ID, Owner: c.OwnerAgency, SharedWith: shared, Status: status, Version: c.Version}
		out.added = out.next.Agencies()
		return out, nil
	}
	if st == nil {
		return out, exchange.EventErr(ev.ID, cases.ENOTFOUND, "case %s is unknown at the hub: its case.created event must come first", exchange.Clip(ev.CaseID))
	}
	if !st.visibleTo(ev.Agency) {
		return out, exchange.EventErr(ev.ID, cases.EFORBIDDEN, "case %s is not shared with %s", exchange.Clip(ev.CaseID), ev.Agency)
	}
	out.next = *st
	out.next.SharedWith = slices.Clone(st.SharedWith)
	switch ev.Kind {
	case cases.EventCaseUpdated:
		var p cases.CaseUpdated
		if err := strictPayload(ev, &p); err != nil {
			return out, err
		}
		if p.CaseID != "" && p.CaseID != ev.CaseID {
			return out, exchange.FieldErr(ev.ID, "payload.CaseID", "%q differs from the event's case_id %q", exchange.Clip(p.CaseID), exchange.Clip(ev.CaseID))
		}
		if p.SharedWith != nil { // nil: sharing unchanged; []: shared with nobody
			if ev.Agency != st.Owner {
				return out, &exchange.EventError{EventID: ev.ID, Field: "payload.SharedWith", Code: cases.EFORBIDDEN,
					Message: "only the owning agency " + st.Owner + " may change whom case " + exchange.Clip(ev.CaseID) + " is shared with"}
			}
			shared, err := sharing(ev, "payload.SharedWith", st.Owner, p.SharedWith, known)
			if err != nil {
				return out, err
			}
			for _, a := range shared {
				if !slices.Contains(st.SharedWith, a) {
					out.added = append(out.added, a)
				}
			}
			out.next.SharedWith = shared
		}
	case cases.EventAnnotationAdded:
		var p cases.Annotation
		if err := strictPayload(ev, &p); err != nil {
			return out, err
		}
		if p.CaseID != "" && p.CaseID != ev.CaseID {
			return out, exchange.FieldErr(ev.ID, "payload.CaseID", "%q differs from the event's case_id %q", exchange.Clip(p.CaseID), exchange.Clip(ev.CaseID))
		}
		if p.ToStatus != "" {
			if !slices.Contains(cases.Statuses, p.ToStatus) {
				return out, exchange.FieldErr(ev.ID, "payload.ToStatus", "%q is not a status", exchange.Clip(string(p.ToStatus)))
			}
			if st.Conflict || p.BaseVersion != st.Version || (p.FromStatus != "" && p.FromStatus != st.Status) {
				out.conflict = true
				out.next.Conflict = true
			} else {
				out.next.Status = p.ToStatus
				out.next.Version++
			}
		}
	case cases.EventConflictResolved:
		var p cases.ConflictResolution
		if err := strictPayload(ev, &p); err != nil {
			return out, err
		}
		if p.CaseID != "" && p.CaseID != ev.CaseID {
			return out, exchange.FieldErr(ev.ID, "payload.CaseID", "%q differs from the event's case_id %q", exchange.Clip(p.CaseID), exchange.Clip(ev.CaseID))
		}
		if !slices.Contains(cases.Statuses, p.Status) {
			return out, exchange.FieldErr(ev.ID, "payload.Status", "%q is not a status", exchange.Clip(string(p.Status)))
		}
		out.next.Status = p.Status
		out.next.Version++
		out.next.Conflict = false
	}
	return out, nil
}

// sharing checks a case's list of partner agencies and returns it without the
// owner.
func sharing(ev *cases.Event, field, owner string, list, known []string) ([]string, error) {
	if len(list) > exchange.MaxSharedAgencies {
		return nil, exchange.FieldErr(ev.ID, field, "%d agencies; the limit is %d", len(list), exchange.MaxSharedAgencies)
	}
	out := []string{}
	for _, a := range list {
		if !slices.Contains(known, a) {
			return nil, exchange.FieldErr(ev.ID, field, "agency %q is not known to the exchange", exchange.Clip(a))
		}
		if a != owner && !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out, nil
}

func strictPayload(ev *cases.Event, v any) error {
	if err := json.Unmarshal(ev.Payload, v); err != nil {
		return exchange.FieldErr(ev.ID, "payload", "not a valid %s payload: %v", ev.Kind, err)
	}
	return nil
}

// recipients returns the agencies an event that belongs to no case goes to:
// its author's and those it names.
func recipients(ev *cases.Event, known []string) []string {
	out := []string{ev.Agency}
	for _, a := range ev.SharedWith {
		if slices.Contains(known, a) && !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}
