package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestExaminationWithBlindVerificationFromTheShell is the examination issue's
// shell session on a demo desk: A concludes an identification on a case's
// encounter; A cannot verify it; B verifies with the same conclusion and the
// case is Decided with the subject linked and both officers named. On another
// case B disagrees; the case waits for a supervisor, whose resolution decides.
func TestExaminationWithBlindVerificationFromTheShell(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	sh, fails := shell(t)
	sh("demo", "--no-ui", "--offline", "--data-dir", dir, "--subjects", "150", "--cases", "40", "--prints", "150", "--encounters", "4")
	desk := filepath.Join(dir, "ec-pn-desk-1")
	D := []string{"--data-dir", desk}
	var encs []encounterJSON
	if err := json.Unmarshal([]byte(sh(append([]string{"encounters", "list", "--json"}, D...)...)), &encs); err != nil {
		t.Fatal(err)
	}
	if len(encs) < 2 {
		t.Fatalf("the demo desk has %d encounters; the test needs two", len(encs))
	}
	show := func(id string) caseJSON {
		t.Helper()
		var c caseJSON
		if err := json.Unmarshal([]byte(sh(append([]string{"case", "show", id, "--json"}, D...)...)), &c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	prepare := func(e encounterJSON) (caseID string, top candidateJSON) {
		t.Helper()
		caseID = e.CaseIDs[0]
		sh(append([]string{"case", "status", caseID, "in_review"}, D...)...)
		var res identifyJSON
		if err := json.Unmarshal([]byte(sh(append([]string{"identify", e.ID, "--purpose", "border", "--json"}, D...)...)), &res); err != nil {
			t.Fatal(err)
		}
		if len(res.Candidates) == 0 {
			t.Fatalf("the search of encounter %s returned no candidate", e.ID)
		}
		return caseID, res.Candidates[0]
	}

	// Case one: A concludes, A cannot verify, B verifies: Decided, linked.
	one, cand := prepare(encs[0])
	A, B := []string{"--as", "ec.mrodriguez"}, []string{"--as", "ec.jcedeno"}
	fails("not among the", append(append([]string{"case", "conclude", one, "--candidate", "01a00000-0000-7000-8000-000000000000", "--conclusion", "identification", "--reason", "x"}, D...), A...)...)
	fails("auditor", append(append([]string{"case", "conclude", one, "--candidate", cand.SubjectID, "--conclusion", "identification", "--reason", "x"}, D...), "--as", "ec.auditoria")...)
	sh(append(append([]string{"case", "conclude", one, "--candidate", cand.SubjectID, "--conclusion", "identification", "--reason", "12 points on the right index"}, D...), A...)...)
	if c := show(one); c.Status != "in_review" || c.Examination.State != "awaiting_verification" {
		t.Fatalf("after the examiner's conclusion: status %s, examination %+v", c.Status, c.Examination)
	}
	fails("a second officer verifies", append(append([]string{"case", "verify", one, "--candidate", cand.SubjectID, "--conclusion", "identification", "--reason", "mine"}, D...), A...)...)
	fails("only a supervisor", append(append([]string{"case", "resolve", one, "--conclusion", "no-identification", "--reason", "no"}, D...), B...)...)
	sh(append(append([]string{"case", "verify", one, "--candidate", cand.SubjectID, "--conclusion", "identification", "--reason", "same 12 points, blind"}, D...), B...)...)
	c := show(one)
	if c.Status != "decided" || c.Examination.State != "verified" || c.Examination.ConcludedBy != "ec.mrodriguez" || c.Examination.VerifiedBy != "ec.jcedeno" {
		t.Errorf("after verification: status %s, examination %+v", c.Status, c.Examination)
	}
	if !strings.Contains(strings.Join(c.SubjectIDs, ","), cand.SubjectID) {
		t.Errorf("the identified subject %s is not linked: %v", cand.SubjectID, c.SubjectIDs)
	}

	// Case two: B disagrees; the case waits for a supervisor, who decides.
	two, cand2 := prepare(encs[1])
	sh(append(append([]string{"case", "conclude", two, "--candidate", cand2.SubjectID, "--conclusion", "identification", "--reason", "looks the same"}, D...), A...)...)
	sh(append(append([]string{"case", "verify", two, "--conclusion", "no-identification", "--reason", "ridge counts differ"}, D...), B...)...)
	if c := show(two); c.Status != "in_review" || c.Examination.State != "awaiting_supervisor" {
		t.Fatalf("after a disagreement: status %s, examination %+v", c.Status, c.Examination)
	}
	sh(append(append([]string{"case", "resolve", two, "--conclusion", "no-identification", "--reason", "the verifier is right: counts differ on two fingers"}, D...), "--as", "ec.lzambrano")...)
	c = show(two)
	if c.Status != "decided" || c.Examination.State != "resolved" || c.Examination.ResolvedBy != "ec.lzambrano" || c.Examination.Conclusion != "no_identification" {
		t.Errorf("after the resolution: status %s, examination %+v", c.Status, c.Examination)
	}
	// A supervisor overturns case one's verified identification: the
	// subject it linked is unlinked.
	sh(append(append([]string{"case", "resolve", one, "--conclusion", "no-identification", "--reason", "a second capture shows another pattern"}, D...), "--as", "ec.lzambrano")...)
	if c := show(one); strings.Contains(strings.Join(c.SubjectIDs, ","), cand.SubjectID) || c.Examination.State != "resolved" {
		t.Errorf("after the overturn: subjects %v, examination %+v", c.SubjectIDs, c.Examination)
	}
	text := sh(append([]string{"case", "show", two}, D...)...)
	for _, want := range []string{"Verification: No identification among the candidates", "Resolution: No identification among the candidates", "examination Resolved by a supervisor"} {
		if !strings.Contains(text, want) {
			t.Errorf("case show lacks %q:\n%s", want, text)
		}
	}
}
