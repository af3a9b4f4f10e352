package cases

import (
	"fmt"
	"slices"
	"strings"
)

// Status is where a case stands. The one state machine below says how it moves.
type Status string

const (
	StatusNew       Status = "new"
	StatusInReview  Status = "in_review"
	StatusEscalated Status = "escalated"
	StatusDecided   Status = "decided"
	StatusClosed    Status = "closed"
	StatusReopened  Status = "reopened"
)

// Statuses lists every status in workflow order.
var Statuses = []Status{StatusNew, StatusInReview, StatusEscalated, StatusDecided, StatusClosed, StatusReopened}

// Label is the status as an officer reads it.
func (s Status) Label() string {
	switch s {
	case StatusNew:
		return "New"
	case StatusInReview:
		return "In review"
	case StatusEscalated:
		return "Escalated"
	case StatusDecided:
		return "Decided"
	case StatusClosed:
		return "Closed"
	case StatusReopened:
		return "Reopened"
	}
	return string(s)
}

// Open reports whether work on the case is still pending.
func (s Status) Open() bool { return s != StatusClosed }

// Transition is one allowed move of the state machine.
type Transition struct {
	From, To Status
	Roles    []Role // who may make it
	// ByDecision marks a move made by recording a decision, never by a bare
	// status change: the decision is what justifies it.
	ByDecision bool
	Verb       string // what the officer does: "start review", "close"
}

// transitions is the one state machine for cases. Nothing else in Enlace
// decides whether a case may move.
var transitions = []Transition{
	{StatusNew, StatusInReview, []Role{RoleOfficer, RoleSupervisor}, false, "start review"},
	{StatusNew, StatusEscalated, []Role{RoleOfficer, RoleSupervisor}, false, "escalate"},
	{StatusInReview, StatusEscalated, []Role{RoleOfficer, RoleSupervisor}, false, "escalate"},
	{StatusInReview, StatusDecided, []Role{RoleOfficer, RoleSupervisor}, true, "record a decision"},
	{StatusEscalated, StatusInReview, []Role{RoleSupervisor}, false, "return to review"},
	{StatusEscalated, StatusDecided, []Role{RoleSupervisor}, true, "record a decision"},
	{StatusDecided, StatusClosed, []Role{RoleSupervisor}, false, "sign off and close"},
	{StatusDecided, StatusInReview, []Role{RoleSupervisor}, false, "send back for review"},
	{StatusClosed, StatusReopened, []Role{RoleSupervisor}, false, "reopen"},
	{StatusReopened, StatusInReview, []Role{RoleOfficer, RoleSupervisor}, false, "start review"},
	{StatusReopened, StatusEscalated, []Role{RoleOfficer, RoleSupervisor}, false, "escalate"},
}

// Transitions returns the whole state machine, for documentation and tests.
func Transitions() []Transition { return slices.Clone(transitions) }

// AllowedTransitions returns the moves an officer holding roles may make from
// status from, excluding those made by recording a decision unless
// includeDecision is set.
func AllowedTransitions(from Status, roles []Role, includeDecision bool) []Transition {
	var out []Transition
	for _, t := range transitions {
		if t.From != from || (t.ByDecision && !includeDecision) {
			continue
		}
		if anyRole(roles, t.Roles) {
			out = append(out, t)
		}
	}
	return out
}

func anyRole(have, want []Role) bool {
	for _, r := range have {
		if slices.Contains(want, r) {
			return true
		}
	}
	return false
}

// TransitionError says why a case cannot move, in words an officer understands.
type TransitionError struct {
	From, To Status
	// RoleOnly is set when the move exists but the officer's role may not make it.
	RoleOnly bool
	Need     []Role       // the roles that may make the move, when RoleOnly
	Allowed  []Transition // what the officer may do instead
	Decision bool         // the move must be made by recording a decision
}

func (e *TransitionError) Error() string {
	var b strings.Builder
	switch {
	case e.From == e.To:
		fmt.Fprintf(&b, "The case is already %s.", e.From.Label())
	case e.Decision:
		fmt.Fprintf(&b, "A case moves to %s only when a decision is recorded, with its justification.", e.To.Label())
	case e.RoleOnly:
		fmt.Fprintf(&b, "Only %s can move a case from %s to %s.", roleWords(e.Need), e.From.Label(), e.To.Label())
	default:
		fmt.Fprintf(&b, "A case that is %s cannot move to %s.", e.From.Label(), e.To.Label())
	}
	if len(e.Allowed) > 0 {
		moves := make([]string, len(e.Allowed))
		for i, t := range e.Allowed {
			moves[i] = fmt.Sprintf("%s (%s)", t.To.Label(), t.Verb)
		}
		fmt.Fprintf(&b, " From %s you can go to %s.", e.From.Label(), strings.Join(moves, " or "))
	} else if !e.RoleOnly {
		fmt.Fprintf(&b, " From %s there is nothing you can move it to.", e.From.Label())
	}
	return b.String()
}

// roleWords names roles with their articles: "an officer or a supervisor".
func roleWords(rs []Role) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		article := "a "
		if strings.ContainsRune("aeiou", rune(r[0])) {
			article = "an "
		}
		s[i] = article + string(r)
	}
	return strings.Join(s, " or ")
}

// CheckTransition returns nil if an officer holding roles may move a case from
// from to to. byDecision says whether the move comes with a recorded decision.
// Otherwise it returns a *TransitionError.
func CheckTransition(from, to Status, roles []Role, byDecision bool) error {
	allowed := AllowedTransitions(from, roles, false)
	for _, t := range transitions {
		if t.From != from || t.To != to {
			continue
		}
		if !anyRole(roles, t.Roles) {
			return &TransitionError{From: from, To: to, RoleOnly: true, Need: t.Roles, Allowed: allowed}
		}
		if t.ByDecision && !byDecision {
			return &TransitionError{From: from, To: to, Decision: true, Allowed: allowed}
		}
		if !t.ByDecision && byDecision {
			break
		}
		return nil
	}
	return &TransitionError{From: from, To: to, Allowed: allowed}
}
