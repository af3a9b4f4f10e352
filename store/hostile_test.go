package store_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/store"
)

// forged builds an event as a hostile partner desk would send it (the
// signature is the hub's business; the desk judges what the event says).
func forged(id string, author cases.Officer, kind cases.EventKind, caseID string, at time.Time, payload any) cases.Event {
	b, ok := payload.([]byte)
	if !ok {
		b, _ = json.Marshal(payload)
	}
	return cases.Event{ID: id, Author: author.ID, Device: "hostile", HLC: cases.HLC{WallMS: at.UnixMilli()}, Kind: kind,
		CaseID: caseID, Agency: author.Agency, Payload: b}
}

// TestHostilePartnerEventsAreQuarantinedAndSyncGoesOn replays, against a real
// desk store, what a compromised partner desk sent in the attacks of the
// hostile-partner issue: each is quarantined with its reason, nothing the desk
// holds changes, the cursor moves past it and the next honest event applies.
func TestHostilePartnerEventsAreQuarantinedAndSyncGoesOn(t *testing.T) {
	us, ec := twoDesks(t)
	owner := cases.Subject{ID: "01a05df3-0d6b-7000-8000-00000000e47b", Name: cases.Name{Given: []string{"Rodolfo"}, Paternal: "Macías", Maternal: "Yánez"},
		OwnerAgency: "EC-PN", Category: cases.CategoryGangMember,
		Documents: []cases.Document{{Kind: cases.DocCedula, Number: "1714307103", Country: "ECU"}}}
	if err := ec.SaveSubject(ctx, ecOfficer, &owner); err != nil {
		t.Fatal(err)
	}
	mine, err := ec.CreateCase(ctx, ecOfficer, cases.NewCase{Title: "EC case", SharedWith: []string{"US-CBP"}})
	if err != nil {
		t.Fatal(err)
	}
	now := ec.Clock().Now()
	rewrite := owner
	rewrite.Name, rewrite.Category, rewrite.Documents = cases.Name{Given: []string{"Nadie"}, Paternal: "Otro"}, cases.CategoryOther, nil
	rewriteAsUS := rewrite
	rewriteAsUS.OwnerAgency = "US-CBP"
	title := "title set from the future"
	attacks := []struct {
		name string
		ev   cases.Event
		why  string
	}{
		{"a partner rewrites an EC subject", forged("01a0ffff-0000-7000-8000-000000000001", usOfficer, cases.EventSubjectUpserted, "", now, rewrite), "cannot write a subject owned by EC-PN"},
		{"a partner claims an EC subject's ID", forged("01a0ffff-0000-7000-8000-000000000002", usOfficer, cases.EventSubjectUpserted, "", now, rewriteAsUS), "belongs to EC-PN"},
		{"a payload that is not a subject", forged("01a0ffff-0000-7000-8000-000000000003", usOfficer, cases.EventSubjectUpserted, "", now, []byte(`"not a subject"`)), "not a valid subject.upserted payload"},
		{"a case number of EC's numbering", forged("01a0ffff-0000-7000-8000-000000000004", usOfficer, cases.EventCaseCreated, mine.ID, now,
			cases.CaseCreated{Case: cases.Case{ID: mine.ID, Title: "squat", OwnerAgency: "US-CBP", Status: cases.StatusNew}}), "numbering"},
		{"an event stamped far ahead", forged("01a0ffff-0000-7000-8000-000000000005", usOfficer, cases.EventCaseUpdated, mine.ID, now.Add(24*time.Hour),
			cases.CaseUpdated{CaseID: mine.ID, Title: &title}), "ahead of"},
		{"an officer changes sharing", forged("01a0ffff-0000-7000-8000-000000000006", usOfficer, cases.EventCaseUpdated, mine.ID, now,
			cases.CaseUpdated{CaseID: mine.ID, SharedWith: []string{}}), "supervisor"},
		{"a supervisor of the partner changes sharing", forged("01a0ffff-0000-7000-8000-000000000007", usSuper, cases.EventCaseUpdated, mine.ID, now,
			cases.CaseUpdated{CaseID: mine.ID, SharedWith: []string{}}), "owning agency"},
		{"an auditor writes a note", forged("01a0ffff-0000-7000-8000-000000000008", usAuditor, cases.EventAnnotationAdded, mine.ID, now,
			cases.Annotation{ID: "a1", CaseID: mine.ID, Kind: cases.AnnNote, Author: usAuditor.ID, Text: "x"}), "auditor"},
		{"an author the directory does not know", forged("01a0ffff-0000-7000-8000-000000000009", cases.Officer{ID: "us.ghost", Agency: "US-CBP"}, cases.EventAnnotationAdded, mine.ID, now,
			cases.Annotation{ID: "a2", CaseID: mine.ID, Kind: cases.AnnNote, Author: "us.ghost", Text: "x"}), "not in the directory"},
	}
	var seq int64 = 100
	for _, a := range attacks {
		seq++
		if err := ec.ApplyRemote(ctx, []store.SyncEvent{{Seq: seq, Event: a.ev}}, seq); err != nil {
			t.Fatalf("%s: the page failed instead of the event being quarantined: %v", a.name, err)
		}
		if cur, _ := ec.SyncCursor(ctx); cur != seq {
			t.Errorf("%s: cursor %d, want %d", a.name, cur, seq)
		}
	}
	q, err := ec.Quarantined(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[string]string{}
	for _, e := range q {
		reasons[e.EventID] = e.Reason
	}
	for _, a := range attacks {
		if r, ok := reasons[a.ev.ID]; !ok || !strings.Contains(r, a.why) {
			t.Errorf("%s: quarantined %v with reason %q, want one saying %q", a.name, ok, r, a.why)
		}
	}
	got, err := ec.Subject(ctx, owner.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name.Display() != owner.Name.Display() || got.Category != owner.Category || len(got.Documents) != 1 {
		t.Errorf("the EC subject changed: %+v", got)
	}
	c, _ := ec.Case(ctx, mine.ID)
	if c.Title != "EC case" || len(c.SharedWith) != 1 || c.OwnerAgency != "EC-PN" {
		t.Errorf("the EC case changed: %+v", c)
	}
	// The desk's clock did not adopt the far-future stamp.
	note, err := ec.AddNote(ctx, ecOfficer, mine.ID, "after the attacks", "")
	if err != nil {
		t.Fatal(err)
	}
	evs, _ := ec.Unsent(ctx, 100)
	for _, ev := range evs {
		if ev.HLC.Time().After(now.Add(time.Hour)) {
			t.Errorf("the desk stamped its own event %s at %s after a poisoned clock", ev.ID, ev.HLC)
		}
	}
	_ = note
	// An honest event after them still applies.
	honest, err := us.CreateCase(ctx, usOfficer, cases.NewCase{Title: "honest", SharedWith: []string{"EC-PN"}})
	if err != nil {
		t.Fatal(err)
	}
	relay(t, us, ec, &seq, nil)
	if _, err := ec.Case(ctx, honest.ID); err != nil {
		t.Errorf("an honest event after the quarantined ones did not apply: %v", err)
	}
}

// TestAuthoringDeskRecordsNothingTheRulesForbid: the rule book holds on the
// desk that writes, too.
func TestAuthoringDeskRecordsNothingTheRulesForbid(t *testing.T) {
	_, ec := twoDesks(t)
	theirs := cases.Subject{ID: "01a05df3-0d6b-7000-8000-0000000000aa", Name: cases.Name{Given: []string{"Ana"}, Paternal: "Vera"},
		OwnerAgency: "US-CBP", Category: cases.CategoryOther}
	if err := ec.SaveSubject(ctx, ecOfficer, &theirs); err == nil {
		t.Error("an EC officer saved a subject owned by US-CBP")
	}
	if n, _ := ec.Pending(ctx); n != 0 {
		t.Errorf("%d events recorded", n)
	}
}
