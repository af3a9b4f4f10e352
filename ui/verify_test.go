package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/enlace-desk/enlace/cases"
)

// TestBlindVerification: a second officer of the agency opens a case whose
// closing conclusion awaits verification; no screen shows the examiner's
// conclusion (the case view, the status dialog, the verification form)
// until the verifier's own is recorded; then the case is Decided and both
// conclusions show.
func TestBlindVerification(t *testing.T) {
	d := seedDesk(t)
	ctx := context.Background()
	const secret = "Twelve corresponding minutiae on the right index"
	subs, err := d.store.CaseSubjects(ctx, caseExtradite)
	if err != nil || len(subs) != 1 {
		t.Fatalf("case subjects: %v %v", subs, err)
	}
	carlos := subs[0]
	if _, err := d.store.RecordDecision(ctx, supervisor, caseExtradite, cases.Decision{Conclusion: cases.Identification, CandidateID: carlos.ID, Justification: secret}); err != nil {
		t.Fatal(err)
	}
	s := start(t, d.config(officer, ThemeDark), 100, 30)
	text := s.openCase(caseExtradite)
	for _, frame := range []string{text, s.waitFor("you verify it blind")} {
		if strings.Contains(frame, secret) || strings.Contains(frame, "Identification on") {
			t.Fatalf("the verifier's case view shows the first conclusion:\n%s", frame)
		}
	}
	s.waitFor("Hidden: it awaits verification")
	s.press("t")
	text = s.waitFor("verify the conclusion blind")
	if strings.Contains(text, secret) {
		t.Fatalf("the status dialog shows the first conclusion:\n%s", text)
	}
	s.press("down", "enter")
	text = s.waitFor("Verify blind on " + caseExtradite)
	if strings.Contains(text, secret) || strings.Contains(text, "[Identification]") {
		t.Fatalf("the verification form shows or preselects the first conclusion:\n%s", text)
	}
	s.press("right") // Identification
	s.press("tab", "tab")
	s.typeText("Same ridge detail on the right index; verified blind.")
	s.press("ctrl+s")
	s.waitFor("Verification recorded on " + caseExtradite)
	text = s.waitFor(secret) // now it shows
	if !strings.Contains(text, "Identification on Carlos Andrés Pérez Loor") {
		t.Errorf("the timeline does not name the candidate:\n%s", text)
	}
	s.waitFor("Identification, verified by Jorge Vera")
	c, err := d.store.Case(ctx, caseExtradite)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != cases.StatusDecided || c.Examination != cases.ExamVerified {
		t.Errorf("after the verification: status %s, examination %s", c.Status, c.Examination)
	}
}

// TestExaminerCannotVerifyAndSeesWhatIsMissing: the examiner's status dialog
// does not offer Decided and says what it waits for.
func TestExaminerCannotVerifyAndSeesWhatIsMissing(t *testing.T) {
	d := seedDesk(t)
	ctx := context.Background()
	subs, _ := d.store.CaseSubjects(ctx, caseExtradite)
	if _, err := d.store.RecordDecision(ctx, supervisor, caseExtradite, cases.Decision{Conclusion: cases.Identification, CandidateID: subs[0].ID, Justification: "12 points"}); err != nil {
		t.Fatal(err)
	}
	s := start(t, d.config(supervisor, ThemeDark), 100, 30)
	s.openCase(caseExtradite)
	s.press("t")
	text := s.waitFor("Not now:")
	if strings.Contains(text, "Decided    ") || !strings.Contains(text, "waits for a second officer") {
		t.Errorf("the examiner's status dialog:\n%s", text)
	}
}
