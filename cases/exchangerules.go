package cases

import (
	"slices"
	"strings"
)

// checkExchange is the rule book for the agreement's exchange
// (reference.published, followup.requested, followup.declined,
// disclosure.made). Every rule is judged from the event alone: the owner of
// a reference is written in its number, so the hub refuses a disclosure by
// an agency that does not own the subject without holding any state.
func checkExchange(ev *Event, rc RuleContext, worker bool) error {
	pol := rc.Agreement
	if pol == nil {
		pol = DefaultAgreement()
	}
	a := rc.Author
	if ev.CaseID != "" {
		return invalid(ev, "case_id", "a %s event belongs to no case", ev.Kind)
	}
	if !worker {
		return forbid(ev, "author", "%s is an auditor: auditors read the exchange's logs, they do not publish, request or disclose", a.ID)
	}
	addressedTo := func(agency string) error {
		if len(ev.SharedWith) != 1 || ev.SharedWith[0] != agency {
			return invalid(ev, "shared_with", "a %s event is addressed to exactly one agency, %s; it names %q", ev.Kind, clipRule(agency), clipRule(strings.Join(ev.SharedWith, ",")))
		}
		if agency == ev.Agency {
			return invalid(ev, "shared_with", "a %s event goes to the partner, not to %s itself", ev.Kind, ev.Agency)
		}
		return nil
	}
	owns := func(field, number string) error {
		owner, _, err := ParseReference(number)
		if err != nil {
			return invalid(ev, field, "%s", ErrorMessage(err))
		}
		if owner != ev.Agency {
			return forbid(ev, field, "reference %s belongs to %s: only the agency that owns a subject discloses it or answers for it, not %s", clipRule(number), owner, ev.Agency)
		}
		return nil
	}
	switch ev.Kind {
	case EventReferencePublished:
		var r Reference
		if err := strict(ev, &r); err != nil {
			return err
		}
		if err := owns("payload.Number", r.Number); err != nil {
			return err
		}
		if r.OwnerAgency != ev.Agency {
			return forbid(ev, "payload.OwnerAgency", "a desk of %s cannot publish a reference owned by %s", ev.Agency, clipRule(r.OwnerAgency))
		}
		for _, to := range ev.SharedWith {
			if to == ev.Agency {
				return invalid(ev, "shared_with", "a reference goes to the partner, not to %s itself", ev.Agency)
			}
		}
		if r.Withdrawn {
			if len(r.Fingerprints) > 0 {
				return invalid(ev, "payload.Fingerprints", "a withdrawn reference carries no prints")
			}
			return nil
		}
		if !pol.InScope(r.Category) {
			return forbid(ev, "payload.Category", "category %q is outside the agreement's scope (%s): such subjects are never shared", clipRule(string(r.Category)), joinAny(pol.Categories))
		}
		if len(r.Fingerprints) == 0 {
			return invalid(ev, "payload.Fingerprints", "a reference carries the subject's fingerprint templates")
		}
		for _, f := range r.Fingerprints {
			if f.Position < 1 || f.Position > 10 {
				return invalid(ev, "payload.Fingerprints", "finger position %d is not between 1 and 10", f.Position)
			}
		}
		return nil
	case EventFollowUpRequested:
		var r FollowUpRequest
		if err := strict(ev, &r); err != nil {
			return err
		}
		owner, _, err := ParseReference(r.Reference)
		if err != nil {
			return invalid(ev, "payload.Reference", "%s", ErrorMessage(err))
		}
		if err := addressedTo(owner); err != nil {
			return err
		}
		if r.ID == "" {
			return invalid(ev, "payload.ID", "a request needs its ID")
		}
		if r.RequestingAgency != ev.Agency {
			return forbid(ev, "payload.RequestingAgency", "a desk of %s cannot ask in the name of %s", ev.Agency, clipRule(r.RequestingAgency))
		}
		if strings.TrimSpace(r.CaseID) == "" {
			return invalid(ev, "payload.CaseID", "a request names the case the hit belongs to")
		}
		if err := ValidatePurpose(r.Purpose, r.PurposeText); err != nil {
			return invalid(ev, "payload.Purpose", "%s", ErrorMessage(err))
		}
		if !pol.Allows(r.Purpose) {
			return forbid(ev, "payload.Purpose", "purpose %q is not allowed by the agreement", r.Purpose)
		}
		if strings.TrimSpace(r.Reason) == "" {
			return invalid(ev, "payload.Reason", "a request says why the data is needed")
		}
		return nil
	case EventFollowUpDeclined:
		var d FollowUpDecline
		if err := strict(ev, &d); err != nil {
			return err
		}
		if err := owns("payload.Reference", d.Reference); err != nil {
			return err
		}
		if err := addressedTo(d.RequestingAgency); err != nil {
			return err
		}
		if d.RequestID == "" {
			return invalid(ev, "payload.RequestID", "a decline names the request it answers")
		}
		if strings.TrimSpace(d.Reason) == "" {
			return invalid(ev, "payload.Reason", "a decline gives its reason")
		}
		return nil
	case EventDisclosureMade:
		var d Disclosure
		if err := strict(ev, &d); err != nil {
			return err
		}
		if err := owns("payload.Reference", d.Reference); err != nil {
			return err
		}
		if err := addressedTo(d.To); err != nil {
			return err
		}
		if d.ID == "" {
			return invalid(ev, "payload.ID", "a disclosure needs its ID")
		}
		if err := pol.CheckFields(d.Fields); err != nil {
			return ruleErr(ev, ErrorCode(err), "payload.Fields", "%s", ErrorMessage(err))
		}
		for _, f := range d.Data.Present() {
			if !slices.Contains(d.Fields, f) {
				return forbid(ev, "payload.Data", "the disclosure carries %q, which it does not name among its fields", f)
			}
		}
		if d.RequestID == "" && !pol.Spontaneous(d.Category) {
			return forbid(ev, "payload.RequestID", "core data of a %q subject is disclosed only in answer to a request; the agreement allows spontaneous disclosure for %s", clipRule(string(d.Category)), joinAny(pol.SpontaneousCategories))
		}
		return nil
	}
	return invalid(ev, "kind", "%q is not an event kind", clipRule(string(ev.Kind)))
}
