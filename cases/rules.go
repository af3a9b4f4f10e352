package cases

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The rule book: for every event kind, who may write it and what its payload
// must be. It is stated once, here, and enforced three times: by the desk
// that authors the event (the store records nothing that breaks it), by the
// hub before it stores the event, and by every receiving desk before it
// applies it (what breaks it is quarantined). docs/sync.md, "Threat model",
// says what each side checks.

// MaxClockSkew is how far ahead of the checker's clock an event may be
// stamped. Hub and desks refuse events stamped later, and a desk's clock never
// adopts a time beyond it.
const MaxClockSkew = 5 * time.Minute

// RuleContext is what the checker knows when it judges an event.
type RuleContext struct {
	// Author is the event's author as the checker's directory knows them;
	// nil when the directory does not know them.
	Author *Officer
	// Officer looks up another officer (an assignee); nil when the checker
	// cannot.
	Officer func(id string) (*Officer, bool)
	// Case is the case the event belongs to as the checker holds it (owner,
	// sharing); nil for a case.created or an event with no case, or a case the
	// checker does not hold.
	Case *Case
	// RecordOwner is the agency that owns the subject or encounter the event
	// writes, when the checker already holds it ("" when it is new to it).
	RecordOwner string
	// Agreement is the policy the checker holds; nil means
	// DefaultAgreement.
	Agreement *Agreement
	// Now is the checker's clock; events stamped more than MaxClockSkew
	// after it are refused. Zero skips the check.
	Now time.Time
}

// RuleError is an event that breaks the rule book: which event, which field,
// and why.
type RuleError struct {
	EventID string
	Field   string // "author", "payload.Case.ID", …; "" for the event as a whole
	Code    string // EFORBIDDEN or EINVALID
	Reason  string
}

func (e *RuleError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("event %s: %s", e.EventID, e.Reason)
	}
	return fmt.Sprintf("event %s: field %s: %s", e.EventID, e.Field, e.Reason)
}

// ruleErr is a domain error (its code, its message) whose cause is the
// RuleError, for callers that want the field.
func ruleErr(ev *Event, code, field, format string, args ...any) error {
	re := &RuleError{EventID: clipRule(ev.ID), Field: field, Code: code, Reason: fmt.Sprintf(format, args...)}
	return &Error{Code: code, Message: re.Error(), Err: re}
}

func forbid(ev *Event, field, format string, args ...any) error {
	return ruleErr(ev, EFORBIDDEN, field, format, args...)
}

func invalid(ev *Event, field, format string, args ...any) error {
	return ruleErr(ev, EINVALID, field, format, args...)
}

// caseKinds are the kinds that belong to a case.
var caseKinds = []EventKind{EventCaseCreated, EventCaseUpdated, EventAnnotationAdded, EventConflictResolved}

// CheckEvent judges one event against the rule book. It never panics on any
// input; a nil error means the event may be stored and applied.
func CheckEvent(ev *Event, rc RuleContext) error {
	if !rc.Now.IsZero() && ev.HLC.Time().After(rc.Now.Add(MaxClockSkew)) {
		return invalid(ev, "hlc", "stamped %s, more than %s ahead of the receiver's clock (%s)",
			ev.HLC.Time().Format(time.RFC3339), MaxClockSkew, rc.Now.UTC().Format(time.RFC3339))
	}
	if rc.Author == nil {
		return forbid(ev, "author", "officer %q is not in the directory", clipRule(ev.Author))
	}
	a := rc.Author
	if a.Agency != ev.Agency {
		return forbid(ev, "author", "officer %s belongs to %s, but the event says %s", a.ID, a.Agency, clipRule(ev.Agency))
	}
	worker := a.Has(RoleOfficer) || a.Has(RoleSupervisor)
	switch ev.Kind {
	case EventCaseCreated, EventCaseUpdated, EventAnnotationAdded, EventConflictResolved, EventSubjectUpserted, EventEncounterCreated, EventSeedLoaded:
	case EventReferencePublished, EventFollowUpRequested, EventFollowUpDeclined, EventDisclosureMade:
		return checkExchange(ev, rc, worker)
	default:
		return invalid(ev, "kind", "%q is not an event kind", clipRule(string(ev.Kind)))
	}
	if slices.Contains(caseKinds, ev.Kind) != (ev.CaseID != "") {
		if ev.CaseID == "" {
			return invalid(ev, "case_id", "a %s event needs its case", ev.Kind)
		}
		return invalid(ev, "case_id", "a %s event belongs to no case", ev.Kind)
	}
	if ev.Kind != EventCaseCreated && rc.Case != nil && !sees(rc.Case, ev.Agency) {
		return forbid(ev, "case_id", "case %s is not shared with %s", clipRule(ev.CaseID), ev.Agency)
	}
	switch ev.Kind {
	case EventCaseCreated:
		var p CaseCreated
		if err := strict(ev, &p); err != nil {
			return err
		}
		c := &p.Case
		if !worker {
			return forbid(ev, "author", "%s is an auditor: auditors do not open cases", a.ID)
		}
		if c.ID != ev.CaseID {
			return invalid(ev, "payload.Case.ID", "%q differs from the event's case_id %q", clipRule(c.ID), clipRule(ev.CaseID))
		}
		if c.OwnerAgency != ev.Agency {
			return forbid(ev, "payload.Case.OwnerAgency", "a desk of %s cannot create a case owned by %s", ev.Agency, clipRule(c.OwnerAgency))
		}
		agency, _, _, _, err := ParseCaseNumber(c.ID)
		if err != nil {
			return invalid(ev, "case_id", "%s", ErrorMessage(err))
		}
		if agency != ev.Agency {
			return forbid(ev, "case_id", "case number %s belongs to %s's numbering; a desk of %s numbers its cases %s-…", clipRule(c.ID), clipRule(agency), ev.Agency, ev.Agency)
		}
		if strings.TrimSpace(c.Title) == "" {
			return invalid(ev, "payload.Case.Title", "a case needs a title")
		}
		if c.Status != "" && !slices.Contains(Statuses, c.Status) {
			return invalid(ev, "payload.Case.Status", "%q is not a status", clipRule(string(c.Status)))
		}
		if c.Priority != 0 && !c.Priority.Valid() {
			return invalid(ev, "payload.Case.Priority", "priority %d does not exist", c.Priority)
		}
		if slices.Contains(c.SharedWith, ev.Agency) {
			return invalid(ev, "payload.Case.SharedWith", "a case is not shared with its own owner")
		}
		if c.Assignee != "" {
			if err := sameAgencyOfficer(ev, rc, "payload.Case.Assignee", c.Assignee); err != nil {
				return err
			}
		}
		return nil
	case EventCaseUpdated:
		var p CaseUpdated
		if err := strict(ev, &p); err != nil {
			return err
		}
		if !worker {
			return forbid(ev, "author", "%s is an auditor: auditors do not change cases", a.ID)
		}
		if p.CaseID != "" && p.CaseID != ev.CaseID {
			return invalid(ev, "payload.CaseID", "%q differs from the event's case_id %q", clipRule(p.CaseID), clipRule(ev.CaseID))
		}
		if p.Title != nil && strings.TrimSpace(*p.Title) == "" {
			return invalid(ev, "payload.Title", "a case needs a title")
		}
		if p.Due != nil && *p.Due != "" {
			if _, err := time.Parse(time.RFC3339, *p.Due); err != nil {
				return invalid(ev, "payload.Due", "%q is not an RFC 3339 date and time", clipRule(*p.Due))
			}
		}
		if p.SharedWith != nil {
			if !a.Has(RoleSupervisor) {
				return forbid(ev, "payload.SharedWith", "only a supervisor of the owning agency may change whom a case is shared with; %s is not a supervisor", a.ID)
			}
			if rc.Case != nil && ev.Agency != rc.Case.OwnerAgency {
				return forbid(ev, "payload.SharedWith", "only the owning agency %s may change whom case %s is shared with", rc.Case.OwnerAgency, clipRule(ev.CaseID))
			}
			if slices.Contains(p.SharedWith, ev.Agency) {
				return invalid(ev, "payload.SharedWith", "a case is not shared with its own owner")
			}
		}
		return nil
	case EventAnnotationAdded:
		var an Annotation
		if err := strict(ev, &an); err != nil {
			return err
		}
		if !worker {
			return forbid(ev, "author", "%s is an auditor: auditors read, they do not change cases", a.ID)
		}
		if an.CaseID != ev.CaseID {
			return invalid(ev, "payload.CaseID", "%q differs from the event's case_id %q", clipRule(an.CaseID), clipRule(ev.CaseID))
		}
		if an.Author != ev.Author {
			return forbid(ev, "payload.Author", "the annotation names %q as its author, but %s signed it", clipRule(an.Author), ev.Author)
		}
		if an.ID == "" {
			return invalid(ev, "payload.ID", "an annotation needs its ID")
		}
		if an.ToStatus != "" {
			if !slices.Contains(Statuses, an.ToStatus) || (an.FromStatus != "" && !slices.Contains(Statuses, an.FromStatus)) {
				return invalid(ev, "payload.ToStatus", "%q → %q is not a move between statuses", clipRule(string(an.FromStatus)), clipRule(string(an.ToStatus)))
			}
			if an.FromStatus != "" {
				byDecision := an.Kind == AnnDecision || an.Kind == AnnVerification || an.Kind == AnnResolution
				if err := CheckTransition(an.FromStatus, an.ToStatus, a.Roles, byDecision); err != nil {
					return forbid(ev, "payload.ToStatus", "%s", ErrorMessage(err))
				}
			}
		}
		switch an.Kind {
		case AnnNote:
			if err := ValidateNote(an.Text); err != nil {
				return invalid(ev, "payload.Text", "%s", ErrorMessage(err))
			}
		case AnnStatus:
			if an.ToStatus == "" {
				return invalid(ev, "payload.ToStatus", "a status annotation needs the status it moves to")
			}
		case AnnAssign:
			if !a.Has(RoleSupervisor) {
				return forbid(ev, "author", "only a supervisor assigns cases; %s is not one", a.ID)
			}
			if an.Assignee != "" {
				if err := sameAgencyOfficer(ev, rc, "payload.Assignee", an.Assignee); err != nil {
					return err
				}
			}
		case AnnPriority:
			if !a.Has(RoleSupervisor) {
				return forbid(ev, "author", "only a supervisor sets a case's priority; %s is not one", a.ID)
			}
			if !an.Priority.Valid() {
				return invalid(ev, "payload.Priority", "priority %d does not exist", an.Priority)
			}
		case AnnDecision:
			if an.Decision == nil {
				return invalid(ev, "payload.Decision", "a decision annotation needs its decision")
			}
			if err := an.Decision.Validate(); err != nil {
				return invalid(ev, "payload.Decision", "%s", ErrorMessage(err))
			}
		case AnnVerification, AnnResolution:
			if an.Decision == nil || !an.Decision.Conclusion.Closing() {
				return invalid(ev, "payload.Decision", "a %s records an identification or no identification", an.Kind)
			}
			if err := an.Decision.Validate(); err != nil {
				return invalid(ev, "payload.Decision", "%s", ErrorMessage(err))
			}
			if an.Concerns == "" {
				return invalid(ev, "payload.Concerns", "a %s names the conclusion it is about", an.Kind)
			}
			if an.Kind == AnnResolution {
				if !a.Has(RoleSupervisor) {
					return forbid(ev, "author", "only a supervisor resolves an examination; %s is not one", a.ID)
				}
				if strings.TrimSpace(an.Text) == "" {
					return invalid(ev, "payload.Text", "a resolution says why")
				}
			}
		case AnnLink, AnnUnlink:
			if strings.TrimSpace(an.SubjectID) == "" {
				return invalid(ev, "payload.SubjectID", "a %s annotation names its subject", an.Kind)
			}
		default:
			return invalid(ev, "payload.Kind", "%q is not an annotation kind", clipRule(string(an.Kind)))
		}
		return nil
	case EventConflictResolved:
		var r ConflictResolution
		if err := strict(ev, &r); err != nil {
			return err
		}
		if !a.Has(RoleSupervisor) {
			return forbid(ev, "author", "only a supervisor resolves a conflict; %s is not one", a.ID)
		}
		if r.CaseID != "" && r.CaseID != ev.CaseID {
			return invalid(ev, "payload.CaseID", "%q differs from the event's case_id %q", clipRule(r.CaseID), clipRule(ev.CaseID))
		}
		if !slices.Contains(Statuses, r.Status) {
			return invalid(ev, "payload.Status", "%q is not a status", clipRule(string(r.Status)))
		}
		if strings.TrimSpace(r.Reason) == "" {
			return invalid(ev, "payload.Reason", "a resolution says why")
		}
		return nil
	case EventSubjectUpserted:
		var s Subject
		if err := strict(ev, &s); err != nil {
			return err
		}
		if !worker {
			return forbid(ev, "author", "%s is an auditor: auditors do not write subjects", a.ID)
		}
		if s.ID == "" {
			return invalid(ev, "payload.ID", "a subject needs its ID")
		}
		if s.OwnerAgency != ev.Agency {
			return forbid(ev, "payload.OwnerAgency", "a desk of %s cannot write a subject owned by %s", ev.Agency, clipRule(s.OwnerAgency))
		}
		if len(ev.SharedWith) > 0 {
			return forbid(ev, "shared_with", "a subject's personal data never goes to another agency (%s) except inside a disclosure addressed to it; the partner receives the subject's reference", clipRule(strings.Join(ev.SharedWith, ",")))
		}
		if rc.RecordOwner != "" && rc.RecordOwner != ev.Agency {
			return forbid(ev, "payload.ID", "subject %s belongs to %s: %s may not rewrite it", clipRule(s.ID), rc.RecordOwner, ev.Agency)
		}
		if err := s.Validate(); err != nil {
			return invalid(ev, "payload", "%s", ErrorMessage(err))
		}
		return nil
	case EventEncounterCreated:
		var e Encounter
		if err := strict(ev, &e); err != nil {
			return err
		}
		if !worker {
			return forbid(ev, "author", "%s is an auditor: auditors do not record encounters", a.ID)
		}
		if e.ID == "" {
			return invalid(ev, "payload.ID", "an encounter needs its ID")
		}
		if e.Agency != ev.Agency {
			return forbid(ev, "payload.Agency", "a desk of %s cannot record an encounter of %s", ev.Agency, clipRule(e.Agency))
		}
		if rc.RecordOwner != "" {
			return forbid(ev, "payload.ID", "encounter %s already exists: an encounter is recorded once", clipRule(e.ID))
		}
		return nil
	case EventSeedLoaded:
		return forbid(ev, "kind", "seed.loaded events stay on the desk that loaded the data")
	}
	return invalid(ev, "kind", "%q is not an event kind", clipRule(string(ev.Kind)))
}

func sees(c *Case, agency string) bool {
	return c.OwnerAgency == agency || slices.Contains(c.SharedWith, agency)
}

func sameAgencyOfficer(ev *Event, rc RuleContext, field, id string) error {
	if rc.Officer == nil {
		return nil
	}
	o, ok := rc.Officer(id)
	if !ok {
		return invalid(ev, field, "officer %q is not in the directory", clipRule(id))
	}
	if o.Agency != ev.Agency {
		return forbid(ev, field, "%s is an officer of %s: each agency assigns its own officers", o.ID, o.Agency)
	}
	if !o.Has(RoleOfficer) && !o.Has(RoleSupervisor) {
		return invalid(ev, field, "%s is an auditor and cannot work cases", o.ID)
	}
	return nil
}

// strict decodes an event's payload into v: a JSON object of the kind's type,
// no unknown fields, nothing after it.
func strict(ev *Event, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(ev.Payload)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return invalid(ev, "payload", "not a valid %s payload: %s", ev.Kind, clipRule(err.Error()))
	}
	if dec.More() {
		return invalid(ev, "payload", "data after the %s payload", ev.Kind)
	}
	return nil
}

// clipRule keeps a value quoted in a reason short and free of control
// characters: reasons end up on screens.
func clipRule(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == 80 {
			b.WriteString("…")
			break
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			fmt.Fprintf(&b, "\\x%02x", r)
		} else {
			b.WriteRune(r)
		}
		n++
	}
	return b.String()
}
