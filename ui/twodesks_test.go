package ui

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/store"
)

// relayAll plays the hub between two real desk stores: everything one has not
// sent is numbered and handed to the other (both directions), as a sync round.
func relayAll(t *testing.T, seq *int64, desks ...*store.Store) {
	t.Helper()
	ctx := context.Background()
	for _, from := range desks {
		evs, err := from.Unsent(ctx, 10000)
		if err != nil {
			t.Fatal(err)
		}
		var acks []store.SyncAck
		var out []store.SyncEvent
		for _, ev := range evs {
			*seq++
			acks = append(acks, store.SyncAck{EventID: ev.ID, Seq: *seq})
			out = append(out, store.SyncEvent{Seq: *seq, Event: ev})
		}
		if err := from.Acknowledge(ctx, acks); err != nil {
			t.Fatal(err)
		}
		for _, to := range desks {
			if to != from {
				// As the hub delivers: an event with no case only to the
				// agencies it is addressed to.
				var scoped []store.SyncEvent
				for _, d := range out {
					if d.Event.CaseID != "" || slices.Contains(d.Event.SharedWith, to.DeskAgency()) {
						scoped = append(scoped, d)
					}
				}
				if err := to.ApplyRemote(ctx, scoped, *seq); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

// TestPartnersLinkAndOverriddenEditShowOnTheOtherDesk: a subject linked on the
// EC desk appears in the case on the US desk, as the partner's subject and
// without its personal data (issue 10: a subject's data reaches the partner
// only in a disclosure), and of two priorities set at
// the same time on both desks, the one that lost is marked in the timeline,
// on the screen of the desk whose edit lost.
func TestPartnersLinkAndOverriddenEditShowOnTheOtherDesk(t *testing.T) {
	ctx := context.Background()
	ec := seedDesk(t)
	usSuper := cases.Officer{ID: "us.mbrown", Name: "Michelle Brown", Agency: "US-CBP", Roles: []cases.Role{cases.RoleSupervisor, cases.RoleOfficer}}
	us, err := store.Open(ctx, filepath.Join(t.TempDir(), "us.db"), store.Options{Clock: ec.clock, DeskNumber: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { us.Close() })
	for _, st := range []*store.Store{ec.store, us} {
		for _, a := range []cases.Agency{agencyEC, agencyUS} {
			if err := st.PutAgency(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		for _, o := range []cases.Officer{supervisor, officer, auditor, partner, usSuper} {
			if err := st.PutOfficer(ctx, o); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := ec.store.SetDeskAgency(ctx, "EC-PN"); err != nil {
		t.Fatal(err)
	}
	if err := us.SetDeskAgency(ctx, "US-CBP"); err != nil {
		t.Fatal(err)
	}
	var seq int64
	relayAll(t, &seq, ec.store, us)
	c, err := us.Case(ctx, caseHit)
	if err != nil {
		t.Fatalf("the shared case did not reach the US desk: %v", err)
	}
	// A new EC subject, linked on the EC desk; crossed priorities.
	ana := &cases.Subject{Name: cases.Name{Given: []string{"Ana", "Lucía"}, Paternal: "Quiñónez", Maternal: "Bravo"}, Category: cases.CategoryHighPriority}
	if err := ec.store.SaveSubject(ctx, supervisor, ana); err != nil {
		t.Fatal(err)
	}
	if _, err := ec.store.LinkSubject(ctx, supervisor, caseHit, ana.ID); err != nil {
		t.Fatal(err)
	}
	p1, p2 := cases.PriorityCritical, cases.PriorityLow
	if c.Priority == p1 || c.Priority == p2 {
		p1, p2 = cases.PriorityNormal, cases.PriorityCritical
	}
	if _, err := us.SetPriority(ctx, usSuper, caseHit, p1); err != nil {
		t.Fatal(err)
	}
	ec.clock.Advance(1)
	if _, err := ec.store.SetPriority(ctx, supervisor, caseHit, p2); err != nil {
		t.Fatal(err)
	}
	relayAll(t, &seq, ec.store, us)

	cfg := Config{Store: us, Officer: usSuper, Agency: agencyUS, Clock: ec.clock, Theme: ThemeDark}
	s := start(t, cfg, 120, 40)
	s.waitFor(caseHit)
	s.press("/")
	s.typeText(caseHit[len(caseHit)-6:])
	s.press("enter")
	s.waitFor("Cases 1 of")
	s.press("enter")
	s.waitFor("Timeline (")
	if text := s.waitFor("Linked the partner's subject " + shortID(ana.ID)); strings.Contains(text, "Quiñónez") {
		t.Errorf("the US desk shows the EC subject's name:\n%s", text)
	}
	s.waitFor("overridden: a concurrent edit on another desk won")
	s.waitFor("Priority set to " + p2.Label())
}
