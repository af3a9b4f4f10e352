package store_test

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/store"
)

// twoDesks returns a US desk and an EC desk with the same directory.
func twoDesks(t *testing.T) (*store.Store, *store.Store) {
	t.Helper()
	us, _, _ := seeded(t)
	ec, err := store.Open(ctx, filepath.Join(t.TempDir(), "ec.db"), store.Options{DeskNumber: 2, Clock: cases.NewManualClock(epoch)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ec.Close() })
	for _, a := range []cases.Agency{{Code: "US-CBP", Name: "CBP", Country: "USA"}, {Code: "EC-PN", Name: "PN", Country: "ECU"}} {
		ec.PutAgency(ctx, a)
	}
	for _, o := range allOfficer {
		ec.PutOfficer(ctx, o)
	}
	return us, ec
}

// relay plays the hub for these unit tests: it numbers what one desk sends
// and hands it to the other (conflict verdicts are given by the test).
func relay(t *testing.T, from, to *store.Store, seq *int64, conflict map[string]bool) {
	t.Helper()
	evs, err := from.Unsent(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var acks []store.SyncAck
	var out []store.SyncEvent
	for _, ev := range evs {
		*seq++
		acks = append(acks, store.SyncAck{EventID: ev.ID, Seq: *seq, Conflict: conflict[ev.ID]})
		out = append(out, store.SyncEvent{Seq: *seq, Conflict: conflict[ev.ID], Event: ev})
	}
	if err := from.Acknowledge(ctx, acks); err != nil {
		t.Fatal(err)
	}
	if err := to.ApplyRemote(ctx, out, *seq); err != nil {
		t.Fatal(err)
	}
}

func TestRemoteEventsApplyOnceAndCursorMoves(t *testing.T) {
	us, ec := twoDesks(t)
	c, _ := us.CreateCase(ctx, usOfficer, cases.NewCase{Title: "shared", SharedWith: []string{"EC-PN"}})
	us.AddNote(ctx, usOfficer, c.ID, "from the US desk", "")
	var seq int64
	relay(t, us, ec, &seq, nil)
	if n, _ := us.Pending(ctx); n != 0 {
		t.Errorf("%d events still pending after acknowledgement", n)
	}
	anns, err := ec.Annotations(ctx, c.ID)
	if err != nil || len(anns) != 1 || anns[0].Text != "from the US desk" {
		t.Fatalf("EC desk timeline: %v %v", anns, err)
	}
	if cur, _ := ec.SyncCursor(ctx); cur != seq {
		t.Errorf("cursor %d, want %d", cur, seq)
	}
	// The same page again (a lost reply, a retry) applies nothing twice.
	evs, _ := ec.Events(ctx, 0, 100)
	var again []store.SyncEvent
	for i, ev := range evs {
		again = append(again, store.SyncEvent{Seq: int64(i + 1), Event: ev})
	}
	if err := ec.ApplyRemote(ctx, again, seq); err != nil {
		t.Fatal(err)
	}
	if anns, _ := ec.Annotations(ctx, c.ID); len(anns) != 1 {
		t.Errorf("re-delivery duplicated the note: %d annotations", len(anns))
	}
	// Remote events never go back out.
	if n, _ := ec.Pending(ctx); n != 0 {
		t.Errorf("the EC desk would re-send %d remote events", n)
	}
}

func TestEventsForAnUnknownCaseWaitForIt(t *testing.T) {
	us, ec := twoDesks(t)
	c, _ := us.CreateCase(ctx, usOfficer, cases.NewCase{Title: "late", SharedWith: []string{"EC-PN"}})
	us.AddNote(ctx, usOfficer, c.ID, "note before the case arrives", "")
	us.ChangeStatus(ctx, usOfficer, c.ID, cases.StatusInReview, "")
	evs, _ := us.Unsent(ctx, 100)
	// Deliver the annotations in one page and the creation in the next.
	if err := ec.ApplyRemote(ctx, []store.SyncEvent{{Seq: 2, Event: evs[1]}, {Seq: 3, Event: evs[2]}}, 3); err != nil {
		t.Fatal(err)
	}
	if _, err := ec.Case(ctx, c.ID); cases.ErrorCode(err) != cases.ENOTFOUND {
		t.Fatalf("case should not exist yet: %v", err)
	}
	if err := ec.ApplyRemote(ctx, []store.SyncEvent{{Seq: 1, Event: evs[0]}}, 3); err != nil {
		t.Fatal(err)
	}
	got, err := ec.Case(ctx, c.ID)
	if err != nil || got.Status != cases.StatusInReview {
		t.Fatalf("after the creation arrived: %+v %v", got, err)
	}
	if anns, _ := ec.Annotations(ctx, c.ID); len(anns) != 2 {
		t.Errorf("parked annotations not applied: %d", len(anns))
	}
}

func TestCrossedStatusChangesConflictAndResolve(t *testing.T) {
	us, ec := twoDesks(t)
	usSupervisor := usSuper
	c, _ := us.CreateCase(ctx, usOfficer, cases.NewCase{Title: "crossed", SharedWith: []string{"EC-PN"}})
	us.ChangeStatus(ctx, usOfficer, c.ID, cases.StatusInReview, "")
	var seq int64
	relay(t, us, ec, &seq, nil)

	// Offline, both desks move the case from In review.
	mine, err := us.ChangeStatus(ctx, usOfficer, c.ID, cases.StatusEscalated, "")
	if err != nil {
		t.Fatal(err)
	}
	// A status move of EC's crosses US's escalation.
	if _, err := ec.ChangeStatus(ctx, ecOfficer, c.ID, cases.StatusDecided, "decided elsewhere"); err == nil {
		t.Fatal("Decided is reached by an examination, not a bare status change")
	}
	if _, err := ec.ChangeStatus(ctx, ecOfficer, c.ID, cases.StatusEscalated, "partner escalates too"); err != nil {
		t.Fatal(err)
	}
	// The hub takes EC's first; US's move, based on the same version, is in conflict.
	relay(t, ec, us, &seq, nil)
	evs, _ := us.Unsent(ctx, 10)
	relay(t, us, ec, &seq, map[string]bool{evs[0].ID: true})
	_ = mine
	for name, st := range map[string]*store.Store{"US": us, "EC": ec} {
		got, _ := st.Case(ctx, c.ID)
		if got.Status != cases.StatusEscalated || !got.Conflict {
			t.Errorf("%s desk: status %s conflict %v, want Escalated (EC's, first at the hub) in conflict", name, got.Status, got.Conflict)
		}
	}
	if _, err := us.ChangeStatus(ctx, usOfficer, c.ID, cases.StatusClosed, ""); cases.ErrorCode(err) != cases.ECONFLICT {
		t.Errorf("moving a case in conflict: %v", err)
	}
	if err := us.ResolveConflict(ctx, usOfficer, c.ID, cases.StatusEscalated, "x"); cases.ErrorCode(err) != cases.EFORBIDDEN {
		t.Errorf("officer resolving: %v", err)
	}
	if err := us.ResolveConflict(ctx, usSupervisor, c.ID, cases.StatusEscalated, "The exclusion needs a second examiner."); err != nil {
		t.Fatal(err)
	}
	relay(t, us, ec, &seq, nil)
	for name, st := range map[string]*store.Store{"US": us, "EC": ec} {
		got, _ := st.Case(ctx, c.ID)
		if got.Status != cases.StatusEscalated || got.Conflict {
			t.Errorf("%s desk after resolution: status %s conflict %v", name, got.Status, got.Conflict)
		}
	}
}

// TestRefusedAnnotationLeavesTheTimeline: a note the hub refused (here, the
// case was no longer shared with the desk's agency when it arrived) changes
// nothing anywhere, so it leaves its own desk's timeline too: otherwise that
// desk would show a note no other desk holds once the case is shared again.
func TestRefusedAnnotationLeavesTheTimeline(t *testing.T) {
	us, ec := twoDesks(t)
	c, _ := us.CreateCase(ctx, usOfficer, cases.NewCase{Title: "shared", SharedWith: []string{"EC-PN"}})
	var seq int64
	relay(t, us, ec, &seq, nil)
	refused, err := ec.AddNote(ctx, ecOfficer, c.ID, "written offline, after the sharing was withdrawn", "")
	if err != nil {
		t.Fatal(err)
	}
	kept, err := ec.AddNote(ctx, ecOfficer, c.ID, "written once shared again", "")
	if err != nil {
		t.Fatal(err)
	}
	if anns, _ := ec.Annotations(ctx, c.ID); len(anns) != 2 {
		t.Fatalf("before the hub answered: %d annotations, want both notes", len(anns))
	}
	evs, _ := ec.Unsent(ctx, 10)
	if len(evs) != 2 {
		t.Fatalf("%d events to send", len(evs))
	}
	if err := ec.Acknowledge(ctx, []store.SyncAck{
		{EventID: evs[0].ID, Rejected: true, Code: cases.EFORBIDDEN, Error: "case " + c.ID + " is not shared with EC-PN"},
		{EventID: evs[1].ID, Seq: seq + 1},
	}); err != nil {
		t.Fatal(err)
	}
	anns, err := ec.Annotations(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(anns) != 1 || anns[0].ID != kept.ID {
		t.Fatalf("timeline after the hub refused note %s: %+v; want only note %s", refused.ID, anns, kept.ID)
	}
	if rej, _ := ec.Rejections(ctx, 10); len(rej) != 1 || rej[0].EventID != evs[0].ID {
		t.Errorf("the refusal is not listed: %+v", rej)
	}
}

// TestWriteSequencedBeforeAWithdrawalApplies: the hub accepted the partner's
// note while the case was still shared with it, and the owner's withdrawal
// after it. The owner's desk, already holding its withdrawal, judges the note
// by the sharing as the hub had it then, and applies it, as every desk that
// pulled the note earlier did; a write sequenced after the withdrawal is
// still quarantined.
func TestWriteSequencedBeforeAWithdrawalApplies(t *testing.T) {
	us, ec := twoDesks(t)
	c, err := us.CreateCase(ctx, usOfficer, cases.NewCase{Title: "shared, then withdrawn", SharedWith: []string{"EC-PN"}})
	if err != nil {
		t.Fatal(err)
	}
	var seq int64
	relay(t, us, ec, &seq, nil)
	note, err := ec.AddNote(ctx, ecOfficer, c.ID, "sent before the withdrawal reached the hub", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := us.UpdateCase(ctx, usSuper, cases.CaseUpdated{CaseID: c.ID, SharedWith: []string{}}); err != nil {
		t.Fatal(err)
	}
	// The hub sequences the note (2), then the withdrawal (3).
	noteEv, _ := ec.Unsent(ctx, 10)
	withdrawal, _ := us.Unsent(ctx, 10)
	if len(noteEv) != 1 || len(withdrawal) != 1 {
		t.Fatalf("unsent: EC %d, US %d", len(noteEv), len(withdrawal))
	}
	if err := ec.Acknowledge(ctx, []store.SyncAck{{EventID: noteEv[0].ID, Seq: 2}}); err != nil {
		t.Fatal(err)
	}
	if err := us.Acknowledge(ctx, []store.SyncAck{{EventID: withdrawal[0].ID, Seq: 3}}); err != nil {
		t.Fatal(err)
	}
	if err := us.ApplyRemote(ctx, []store.SyncEvent{{Seq: 2, Event: noteEv[0]}}, 2); err != nil {
		t.Fatal(err)
	}
	if q, _ := us.Quarantined(ctx, 10); len(q) != 0 {
		t.Fatalf("the owner's desk quarantined a note the hub accepted while the case was shared: %s", q[0].Reason)
	}
	anns, _ := us.Annotations(ctx, c.ID)
	if !slices.ContainsFunc(anns, func(a cases.Annotation) bool { return a.ID == note.ID }) {
		t.Fatalf("the partner's note is not in the owner's timeline: %+v", anns)
	}

	late, err := ec.AddNote(ctx, ecOfficer, c.ID, "after the withdrawal", "")
	if err != nil {
		t.Fatal(err)
	}
	lateEv, _ := ec.Unsent(ctx, 10)
	if err := us.ApplyRemote(ctx, []store.SyncEvent{{Seq: 4, Event: lateEv[0]}}, 4); err != nil {
		t.Fatal(err)
	}
	if q, _ := us.Quarantined(ctx, 10); len(q) != 1 || q[0].EventID != lateEv[0].ID {
		t.Fatalf("a write sequenced after the withdrawal (note %s) was not quarantined: %+v", late.ID, q)
	}
}

// TestOutboxHoldsWhatTheHubHasNotAnswered: the outbox (what Unsent, Pending
// and Health read) is always the local events without an answer from the
// hub, through local changes, acknowledgements, refusals and the desk's own
// events coming back in a pull.
func TestOutboxHoldsWhatTheHubHasNotAnswered(t *testing.T) {
	us, ec := twoDesks(t)
	check := func(st *store.Store, want int, when string) {
		t.Helper()
		scan, err := st.UnsentByScanForTest(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pending, err := st.Pending(ctx)
		if err != nil {
			t.Fatal(err)
		}
		evs, err := st.Unsent(ctx, 1000)
		if err != nil {
			t.Fatal(err)
		}
		h, err := st.Health(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n, err := st.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if scan != want || pending != want || len(evs) != want || h.PendingEvents != want || n.Pending != want {
			t.Errorf("%s: %d unsent by the log, %d pending, %d unsent, %d in health, %d counted; want %d", when, scan, pending, len(evs), h.PendingEvents, n.Pending, want)
		}
	}
	before, _ := us.Pending(ctx)
	c, _ := us.CreateCase(ctx, usOfficer, cases.NewCase{Title: "shared", SharedWith: []string{"EC-PN"}})
	check(us, before+1, "a case made")
	var seq int64
	relay(t, us, ec, &seq, nil)
	check(us, 0, "after the hub stored everything")
	check(ec, 0, "the partner, after a pull")

	ec.AddNote(ctx, ecOfficer, c.ID, "one", "")
	ec.AddNote(ctx, ecOfficer, c.ID, "two", "")
	ec.AddNote(ctx, ecOfficer, c.ID, "three", "")
	check(ec, 3, "three notes")
	evs, _ := ec.Unsent(ctx, 10)
	if len(evs) != 3 {
		t.Fatalf("%d events unsent, want the three notes", len(evs))
	}
	if err := ec.Acknowledge(ctx, []store.SyncAck{{EventID: evs[0].ID, Rejected: true, Code: cases.EFORBIDDEN, Error: "no"}}); err != nil {
		t.Fatal(err)
	}
	check(ec, 2, "one refused")
	if n, _ := ec.Counts(ctx); n.Rejected != 1 {
		t.Errorf("%d refused counted, want 1", n.Rejected)
	}
	// The second comes back in a pull before its acknowledgement.
	seq++
	if err := ec.ApplyRemote(ctx, []store.SyncEvent{{Seq: seq, Event: evs[1]}}, seq); err != nil {
		t.Fatal(err)
	}
	check(ec, 1, "one pulled back")
	if err := ec.Acknowledge(ctx, []store.SyncAck{{EventID: evs[1].ID, Seq: seq}, {EventID: evs[2].ID, Seq: seq + 1}}); err != nil {
		t.Fatal(err)
	}
	check(ec, 0, "all answered")
}
