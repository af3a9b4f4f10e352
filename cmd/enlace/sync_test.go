package main

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/enlace-desk/enlace/assets/demo"
	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/exchange"
	"github.com/enlace-desk/enlace/exchange/hub"
	"github.com/enlace-desk/enlace/store"
)

// realDesks sets up the demo's exchange in a temporary folder: the dev PKI,
// a hub on a loopback port with real mutual TLS, and both desks' real stores
// and sync clients.
func realDesks(t *testing.T) (ec, us *store.Store, ecSync, usSync *exchange.Client) {
	t.Helper()
	dir, url := startDemoHub(t)
	open := func(d demoDesk) (*store.Store, *exchange.Client) {
		st, settings := openTestDesk(t, dir, d)
		if err := unlockDemoOfficers(settings.keys, d.agency); err != nil {
			t.Fatal(err)
		}
		c, err := newSyncClient(st, settings, func(c *exchange.ClientConfig) { c.HubURL = url })
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.Close)
		return st, c
	}
	ec, ecSync = open(demoDesks[0])
	us, usSync = open(demoDesks[1])
	return ec, us, ecSync, usSync
}

// openTestDesk opens desk d of the demo in dir, with the demo's directory,
// until the test ends.
func openTestDesk(t *testing.T, dir string, d demoDesk) (*store.Store, *syncSettings) {
	t.Helper()
	ctx := context.Background()
	st, settings, err := openDeskStore(ctx, filepath.Join(dir, d.name), d.number)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := demo.WriteDirectory(ctx, st, d.agency); err != nil {
		t.Fatal(err)
	}
	return st, settings
}

// startDemoHub makes the demo's PKI in a temporary folder and serves its hub
// on a loopback port with real mutual TLS; it returns the folder and the URL.
func startDemoHub(t *testing.T) (dir, url string) {
	t.Helper()
	dir = t.TempDir()
	if err := ensureDemoPKI(dir); err != nil {
		t.Fatal(err)
	}
	return dir, serveDemoHub(t, dir)
}

// serveDemoHub serves the hub of the demo in dir (its exchange/hub.json) on a
// free loopback port with real mutual TLS until the test ends; it returns the
// hub's URL.
func serveDemoHub(t *testing.T, dir string) string {
	t.Helper()
	_, url := serveHub(t, filepath.Join(dir, demoExchangeDir, "hub.json"))
	return url
}

// serveHub serves the hub configured by the file at configPath on a free
// loopback port with real mutual TLS until the test ends; it returns the hub
// and its URL.
func serveHub(t *testing.T, configPath string) (*hub.Hub, string) {
	t.Helper()
	cfg, err := hub.LoadHubConfig(configPath)
	if err != nil {
		t.Fatal(err)
	}
	hub, err := hub.NewHub(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hub.SetLogger(discardLogger())
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go hub.Serve(l)
	t.Cleanup(func() { hub.Shutdown(context.Background()) })
	return hub, "https://" + l.Addr().String()
}

func round(t *testing.T, cs ...*exchange.Client) {
	t.Helper()
	for _, c := range cs {
		if r := c.RunOnce(context.Background()); !r.OK() || r.Rejected > 0 || r.Refused > 0 {
			t.Fatalf("sync round: %+v", r)
		}
	}
}

func officer(id string) cases.Officer {
	for _, o := range demo.Officers() {
		if o.ID == id {
			return o
		}
	}
	panic("no demo officer " + id)
}

func TestDesksSyncThroughARealHub(t *testing.T) {
	ctx := context.Background()
	ec, us, ecSync, usSync := realDesks(t)
	maria, jane, michelle := officer("ec.mrodriguez"), officer("us.jsmith"), officer("us.mbrown")

	shared, err := ec.CreateCase(ctx, maria, cases.NewCase{Title: "Shared with CBP", SharedWith: []string{"US-CBP"}})
	if err != nil {
		t.Fatal(err)
	}
	private, err := ec.CreateCase(ctx, maria, cases.NewCase{Title: "EC-PN only"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ec.AddNote(ctx, maria, private.ID, "internal", ""); err != nil {
		t.Fatal(err)
	}
	round(t, ecSync, usSync)
	if _, err := us.Case(ctx, shared.ID); err != nil {
		t.Fatalf("the shared case did not reach the US desk: %v", err)
	}
	if _, err := us.Case(ctx, private.ID); cases.ErrorCode(err) != cases.ENOTFOUND {
		t.Fatalf("a case not shared with US-CBP reached its desk: %v", err)
	}

	// The partner annotates; the note comes back, once.
	if _, err := us.AddNote(ctx, jane, shared.ID, "Checked against IDENT: no record.", ""); err != nil {
		t.Fatal(err)
	}
	round(t, usSync, ecSync, ecSync)
	anns, _ := ec.Annotations(ctx, shared.ID)
	if len(anns) != 1 || anns[0].Author != jane.ID {
		t.Fatalf("EC desk timeline: %+v", anns)
	}

	// Crossed status changes: the hub keeps both and marks the case in conflict.
	if _, err := ec.ChangeStatus(ctx, maria, shared.ID, cases.StatusInReview, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := us.ChangeStatus(ctx, jane, shared.ID, cases.StatusEscalated, "urgent"); err != nil {
		t.Fatal(err)
	}
	round(t, ecSync, usSync, ecSync)
	for name, st := range map[string]*store.Store{"EC": ec, "US": us} {
		c, _ := st.Case(ctx, shared.ID)
		if !c.Conflict || c.Status != cases.StatusInReview {
			t.Errorf("%s desk: status %s conflict %v; want In review (first at the hub) in conflict", name, c.Status, c.Conflict)
		}
	}
	if err := us.ResolveConflict(ctx, michelle, shared.ID, cases.StatusEscalated, "Both moves were right; escalating."); err != nil {
		t.Fatal(err)
	}
	round(t, usSync, ecSync)
	for name, st := range map[string]*store.Store{"EC": ec, "US": us} {
		c, _ := st.Case(ctx, shared.ID)
		if c.Conflict || c.Status != cases.StatusEscalated {
			t.Errorf("%s desk after resolution: status %s conflict %v", name, c.Status, c.Conflict)
		}
		if n, _ := st.Pending(ctx); n != 0 {
			t.Errorf("%s desk still has %d events to send", name, n)
		}
	}
}

// TestDemoDesksHoldOneIdentity: each demo desk generates only its own
// agency's records; after a sync the partner's shared cases and their
// encounters are on both desks with the same IDs, the subjects they name
// reach the partner only as references (in-scope subjects with prints), and
// nothing the owner did not share crossed: no subject of the partner.
func TestDemoDesksHoldOneIdentity(t *testing.T) {
	ctx := context.Background()
	ec, us, ecSync, usSync := realDesks(t)
	opts := demo.Options{Subjects: 300, Cases: 60, Prints: 300, Encounters: 4}
	for st, agency := range map[*store.Store]string{ec: "EC-PN", us: "US-CBP"} {
		o := opts
		o.Agency = agency
		if err := demo.Populate(ctx, st, o); err != nil {
			t.Fatal(err)
		}
	}
	round(t, ecSync, usSync, ecSync, usSync)
	for _, pair := range []struct {
		name          string
		owner, other  *store.Store
		agency, their string
	}{{"EC→US", ec, us, "EC-PN", "US-CBP"}, {"US→EC", us, ec, "US-CBP", "EC-PN"}} {
		own, err := pair.owner.Cases(ctx, cases.CaseFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var sharedCases, linked int
		for _, sum := range own {
			c, err := pair.owner.Case(ctx, sum.ID)
			if err != nil {
				t.Fatal(err)
			}
			if c.OwnerAgency != pair.agency {
				continue
			}
			got, err := pair.other.Case(ctx, c.ID)
			if len(c.SharedWith) == 0 {
				if err == nil {
					t.Errorf("%s: private case %s reached the partner", pair.name, c.ID)
				}
				continue
			}
			sharedCases++
			if err != nil {
				t.Fatalf("%s: shared case %s is not on the partner's desk: %v", pair.name, c.ID, err)
			}
			if got.Status != c.Status || got.Priority != c.Priority || got.Title != c.Title || got.Version != c.Version ||
				strings.Join(got.SubjectIDs, ",") != strings.Join(c.SubjectIDs, ",") || got.EncounterID != c.EncounterID ||
				got.Assignees[pair.agency] != c.Assignees[pair.agency] {
				t.Errorf("%s: case %s differs:\nowner   %+v\npartner %+v", pair.name, c.ID, c, got)
			}
			for _, sid := range c.SubjectIDs {
				if _, err := pair.other.Subject(ctx, sid); err == nil {
					t.Errorf("%s: subject %s of shared case %s reached the partner's desk", pair.name, sid, c.ID)
				}
				sub, err := pair.owner.Subject(ctx, sid)
				if err != nil {
					t.Fatal(err)
				}
				ref, err := pair.other.PartnerReference(ctx, cases.ReferenceNumber(pair.agency, sid))
				inScope := pair.owner.Agreement().InScope(sub.Category) && len(sub.Fingerprints) > 0
				switch {
				case inScope && err != nil:
					t.Errorf("%s: subject %s of shared case %s is in scope but its reference did not arrive: %v", pair.name, sid, c.ID, err)
				case !inScope && err == nil:
					t.Errorf("%s: subject %s (%s) is out of scope but its reference reached the partner", pair.name, sid, sub.Category)
				case inScope && (ref.Category != sub.Category || len(ref.Fingerprints) != len(sub.Fingerprints)):
					t.Errorf("%s: reference of %s: %+v", pair.name, sid, ref)
				case inScope:
					linked++
				}
			}
			if c.EncounterID != "" {
				if _, err := pair.other.Encounter(ctx, c.EncounterID); err != nil {
					t.Errorf("%s: encounter %s of case %s did not arrive: %v", pair.name, c.EncounterID, c.ID, err)
				}
			}
		}
		if sharedCases == 0 || linked == 0 {
			t.Fatalf("%s: the demo shared %d cases naming %d subjects; the test needs some", pair.name, sharedCases, linked)
		}
	}
	// Every subject a desk holds is its own agency's.
	for st, agency := range map[*store.Store]string{ec: "EC-PN", us: "US-CBP"} {
		h, _ := st.Health(ctx)
		mine, err := st.SubjectsOwnedBy(ctx, agency)
		if err != nil {
			t.Fatal(err)
		}
		if mine != h.Subjects {
			t.Errorf("%s desk holds %d subjects of which %d its own", agency, h.Subjects, mine)
		}
	}
}

// TestAStartingDeskSaysWhenItLastSynced: the status bar of a workstation
// that has not finished a round yet says when the desk last synced in an
// earlier run, not "never synced".
func TestAStartingDeskSaysWhenItLastSynced(t *testing.T) {
	ctx := context.Background()
	dir, url := startDemoHub(t)
	st, settings := openTestDesk(t, dir, demoDesks[0])
	client := func() *exchange.Client {
		c, err := newSyncClient(st, settings, func(c *exchange.ClientConfig) { c.HubURL = url })
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.Close)
		return c
	}
	first := client()
	if got := syncState(ctx, st, first); !got.LastSync.IsZero() {
		t.Fatalf("a desk that never synced says it last synced at %v", got.LastSync)
	}
	before := st.Clock().Now().Truncate(time.Millisecond)
	round(t, first)
	after := st.Clock().Now()

	// The next run: its client has done no round yet.
	got := syncState(ctx, st, client()).LastSync
	if got.Before(before) || got.After(after) {
		t.Errorf("a starting desk says it last synced at %v; the round ran from %v to %v", got, before, after)
	}
}
