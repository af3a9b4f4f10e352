package cases

import (
	"errors"
	"strings"
	"testing"
)

var (
	officer    = []Role{RoleOfficer}
	supervisor = []Role{RoleSupervisor, RoleOfficer}
	auditor    = []Role{RoleAuditor}
)

func TestCheckTransitionTable(t *testing.T) {
	tests := []struct {
		from, to   Status
		roles      []Role
		byDecision bool
		ok         bool
		msg        string // part of the officer's message when refused
	}{
		{StatusNew, StatusInReview, officer, false, true, ""},
		{StatusNew, StatusEscalated, officer, false, true, ""},
		{StatusNew, StatusDecided, officer, true, false, "cannot move to Decided"},
		{StatusNew, StatusClosed, supervisor, false, false, "A case that is New cannot move to Closed"},
		{StatusInReview, StatusEscalated, officer, false, true, ""},
		{StatusInReview, StatusDecided, officer, true, true, ""},
		{StatusInReview, StatusDecided, officer, false, false, "only when a decision is recorded"},
		{StatusInReview, StatusInReview, officer, false, false, "already In review"},
		{StatusEscalated, StatusInReview, supervisor, false, true, ""},
		{StatusEscalated, StatusInReview, officer, false, false, "Only a supervisor"},
		{StatusEscalated, StatusDecided, supervisor, true, true, ""},
		{StatusEscalated, StatusDecided, officer, true, false, "Only a supervisor"},
		{StatusDecided, StatusClosed, supervisor, false, true, ""},
		{StatusDecided, StatusClosed, officer, false, false, "Only a supervisor can move a case from Decided to Closed"},
		{StatusDecided, StatusInReview, supervisor, false, true, ""},
		{StatusClosed, StatusReopened, supervisor, false, true, ""},
		{StatusClosed, StatusReopened, officer, false, false, "Only a supervisor"},
		{StatusClosed, StatusInReview, supervisor, false, false, "cannot move to In review"},
		{StatusReopened, StatusInReview, officer, false, true, ""},
		{StatusReopened, StatusEscalated, officer, false, true, ""},
		{StatusNew, StatusInReview, auditor, false, false, "Only an officer or a supervisor"},
		{StatusInReview, StatusEscalated, auditor, false, false, "Only a"},
	}
	for _, tt := range tests {
		err := CheckTransition(tt.from, tt.to, tt.roles, tt.byDecision)
		if tt.ok {
			if err != nil {
				t.Errorf("%s→%s as %v: unexpected refusal: %v", tt.from, tt.to, tt.roles, err)
			}
			continue
		}
		var te *TransitionError
		if !errors.As(err, &te) {
			t.Errorf("%s→%s as %v: want *TransitionError, got %v", tt.from, tt.to, tt.roles, err)
			continue
		}
		if !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s→%s as %v: message %q lacks %q", tt.from, tt.to, tt.roles, err.Error(), tt.msg)
		}
	}
}

func TestTransitionErrorSaysWhatIsAllowed(t *testing.T) {
	err := CheckTransition(StatusNew, StatusClosed, officer, false)
	want := "A case that is New cannot move to Closed. From New you can go to In review (start review) or Escalated (escalate)."
	if err.Error() != want {
		t.Errorf("got  %q\nwant %q", err.Error(), want)
	}
	if ErrorCode(err) != EINVALID {
		t.Errorf("code %q", ErrorCode(err))
	}
	if ErrorCode(CheckTransition(StatusDecided, StatusClosed, officer, false)) != EFORBIDDEN {
		t.Error("a role refusal must carry EFORBIDDEN")
	}
}

func TestEveryStatusIsReachableAndClosedOnlyBySupervisors(t *testing.T) {
	reached := map[Status]bool{StatusNew: true}
	for changed := true; changed; {
		changed = false
		for _, tr := range Transitions() {
			if reached[tr.From] && !reached[tr.To] {
				reached[tr.To], changed = true, true
			}
		}
	}
	for _, s := range Statuses {
		if !reached[s] {
			t.Errorf("status %s cannot be reached from New", s)
		}
	}
	for _, tr := range Transitions() {
		if tr.To == StatusClosed || tr.From == StatusClosed {
			for _, r := range tr.Roles {
				if r != RoleSupervisor {
					t.Errorf("%s→%s allowed to %s: closing and reopening are sign-offs", tr.From, tr.To, r)
				}
			}
		}
	}
}

func TestAllowedTransitionsHidesDecisionMoves(t *testing.T) {
	got := AllowedTransitions(StatusInReview, officer, false)
	for _, tr := range got {
		if tr.ByDecision {
			t.Errorf("decision move %s→%s offered as a bare status change", tr.From, tr.To)
		}
	}
	if len(AllowedTransitions(StatusInReview, officer, true)) != len(got)+1 {
		t.Error("includeDecision must add the move to Decided")
	}
	if len(AllowedTransitions(StatusInReview, auditor, true)) != 0 {
		t.Error("auditors move nothing")
	}
}
