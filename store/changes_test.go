package store_test

import (
	"slices"
	"testing"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/store"
)

// TestChangedSinceNamesWhatTheExchangeChanged: the workstation reads again
// only what ChangedSince names, so it must name every case an exchange
// round changed, and nothing for the officer's own changes or for the desk's
// own events echoed back with the verdicts their push already received.
func TestChangedSinceNamesWhatTheExchangeChanged(t *testing.T) {
	us, ec := twoDesks(t)
	shared, _ := us.CreateCase(ctx, usOfficer, cases.NewCase{Title: "shared", SharedWith: []string{"EC-PN"}})
	other, _ := us.CreateCase(ctx, usOfficer, cases.NewCase{Title: "also shared", SharedWith: []string{"EC-PN"}})
	if got := us.ChangedSince(0); got.Generation != 0 || !got.Empty() {
		t.Fatalf("the officer's own changes moved the generation: %+v", got)
	}

	var seq int64
	relay(t, us, ec, &seq, nil) // US's acks carry no conflict: nothing moves there
	if got := us.ChangedSince(0); got.Generation != 0 {
		t.Errorf("plain acknowledgements moved the US desk's generation: %+v", got)
	}
	got := ec.ChangedSince(0)
	if want := sortedIDs(shared.ID, other.ID); got.Generation != 1 || got.All || !slices.Equal(got.Cases, want) {
		t.Fatalf("EC desk after the first round: %+v, want generation 1 naming %v", got, want)
	}
	if again := ec.ChangedSince(got.Generation); again.Generation != got.Generation || !again.Empty() {
		t.Errorf("nothing changed since generation %d, yet: %+v", got.Generation, again)
	}

	// A note on one case names that case only.
	gen := got.Generation
	if _, err := us.AddNote(ctx, usOfficer, other.ID, "one more", ""); err != nil {
		t.Fatal(err)
	}
	relay(t, us, ec, &seq, nil)
	if got := ec.ChangedSince(gen); got.Generation != gen+1 || !slices.Equal(got.Cases, []string{other.ID}) {
		t.Errorf("after a note on %s: %+v", other.ID, got)
	}
	if got := ec.ChangedSince(0); !slices.Equal(got.Cases, sortedIDs(shared.ID, other.ID)) {
		t.Errorf("changes since 0, merged: %+v", got)
	}

	// US's own events come back in its pull with the verdicts it already
	// has: nothing changed.
	evs, err := us.Events(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var echo []store.SyncEvent
	for i, ev := range evs {
		echo = append(echo, store.SyncEvent{Seq: int64(i + 1), Event: ev})
	}
	if err := us.ApplyRemote(ctx, echo, seq); err != nil {
		t.Fatal(err)
	}
	if got := us.ChangedSince(0); got.Generation != 0 {
		t.Errorf("the desk's own events echoed back moved its generation: %+v", got)
	}

	// A conflict verdict moves a status back behind the officer's back.
	if _, err := us.ChangeStatus(ctx, usOfficer, shared.ID, cases.StatusInReview, ""); err != nil {
		t.Fatal(err)
	}
	unsent, _ := us.Unsent(ctx, 10)
	relay(t, us, ec, &seq, map[string]bool{unsent[0].ID: true})
	if got := us.ChangedSince(0); got.Generation != 1 || !slices.Equal(got.Cases, []string{shared.ID}) {
		t.Errorf("after a conflict verdict on %s: %+v", shared.ID, got)
	}
}

// TestChangedSinceTooFarBehindReadsAll: a reader further behind than the
// store keeps track of is told to read everything.
func TestChangedSinceTooFarBehindReadsAll(t *testing.T) {
	us, ec := twoDesks(t)
	c, _ := us.CreateCase(ctx, usOfficer, cases.NewCase{Title: "busy", SharedWith: []string{"EC-PN"}})
	var seq int64
	relay(t, us, ec, &seq, nil)
	for i := 0; i < 70; i++ {
		if _, err := us.AddNote(ctx, usOfficer, c.ID, "again", ""); err != nil {
			t.Fatal(err)
		}
		relay(t, us, ec, &seq, nil)
	}
	if got := ec.ChangedSince(0); !got.All || got.Generation != 71 {
		t.Errorf("71 generations behind: %+v, want All at generation 71", got)
	}
	if got := ec.ChangedSince(70); got.All || !slices.Equal(got.Cases, []string{c.ID}) {
		t.Errorf("one generation behind: %+v", got)
	}
}

func sortedIDs(ids ...string) []string {
	slices.Sort(ids)
	return ids
}
