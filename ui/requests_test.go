package ui

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/enlace-desk/enlace/afis"
	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/store"
)

// relayTo plays the hub between two desks: it numbers what from has not sent,
// stamps it received now, delivers to to what the hub would (a case's events
// when the case is shared with to's agency, any other event when it names
// that agency), and gives from its own events back.
func relayTo(t *testing.T, from, to *store.Store, seq *int64, agency string, now time.Time) {
	t.Helper()
	ctx := context.Background()
	evs, err := from.Unsent(ctx, 5000)
	if err != nil {
		t.Fatal(err)
	}
	var acks []store.SyncAck
	var out, own []store.SyncEvent
	for _, ev := range evs {
		*seq++
		acks = append(acks, store.SyncAck{EventID: ev.ID, Seq: *seq})
		d := store.SyncEvent{Seq: *seq, Received: now, Event: ev}
		own = append(own, d)
		to := slices.Contains(ev.SharedWith, agency)
		if ev.CaseID != "" {
			c, err := from.Case(ctx, ev.CaseID)
			to = err == nil && slices.Contains(c.SharedWith, agency)
		}
		if to {
			out = append(out, d)
		}
	}
	if err := from.Acknowledge(ctx, acks); err != nil {
		t.Fatal(err)
	}
	if err := to.ApplyRemote(ctx, out, *seq); err != nil {
		t.Fatal(err)
	}
	if err := from.ApplyRemote(ctx, own, *seq); err != nil {
		t.Fatal(err)
	}
}

// exchangeDesks are an EC-PN desk (the fingerprint desk, its gallery
// subjects published as references) and a US-CBP desk that has received
// them through relayTo, each desk's clock at seedNow.
type exchangeDesks struct {
	ec      *fingerprintDesk
	us      *store.Store
	usClock *cases.ManualClock
	usSuper cases.Officer
	seq     int64 // the played hub's last sequence number
}

func newExchangeDesks(t *testing.T) *exchangeDesks {
	t.Helper()
	ctx := context.Background()
	ec := seedFingerprintDesk(t)
	if err := ec.store.SetDeskAgency(ctx, "EC-PN"); err != nil {
		t.Fatal(err)
	}
	usClock := cases.NewManualClock(seedNow)
	us, err := store.Open(ctx, filepath.Join(t.TempDir(), "us.db"), store.Options{Clock: usClock, DeskNumber: 3})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { us.Close() })
	for _, a := range []cases.Agency{agencyEC, agencyUS} {
		us.PutAgency(ctx, a)
	}
	usSuper := cases.Officer{ID: "us.mbrown", Name: "Mark Brown", Agency: "US-CBP", Roles: []cases.Role{cases.RoleSupervisor, cases.RoleOfficer}}
	for _, o := range []cases.Officer{supervisor, officer, auditor, partner, usSuper} {
		us.PutOfficer(ctx, o)
		ec.store.PutOfficer(ctx, o)
	}
	if err := us.SetDeskAgency(ctx, "US-CBP"); err != nil {
		t.Fatal(err)
	}
	d := &exchangeDesks{ec: ec, us: us, usClock: usClock, usSuper: usSuper}
	relayTo(t, ec.store, us, &d.seq, "US-CBP", seedNow)
	return d
}

// usConfig is the US desk's workstation, for its officer (partner).
func (d *exchangeDesks) usConfig() Config {
	return Config{Store: d.us, Officer: partner, Agency: agencyUS, Clock: d.usClock, Theme: ThemeDark, Identify: afis.New(d.us), Exchange: d.us}
}

// usDeskWithRequests is a US-CBP desk that has asked EC-PN for the core
// data of n of its references, on one case: the follow-up requests
// screen's rows.
func usDeskWithRequests(t *testing.T, n int) Config {
	t.Helper()
	ctx := context.Background()
	d := newExchangeDesks(t)
	c, err := d.us.CreateCase(ctx, d.usSuper, cases.NewCase{Title: "Fingerprint search at Miami", Priority: cases.PriorityHigh})
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	if err := d.us.EachReferenceFingerprints(ctx, func(number string, _ []cases.Fingerprint) error {
		refs = append(refs, number)
		return nil
	}); err != nil || len(refs) < n {
		t.Fatalf("%d references on the US desk, want %d: %v", len(refs), n, err)
	}
	for _, ref := range refs[:n] {
		if _, err := d.us.RequestCoreData(ctx, partner, ref, c.ID, cases.PurposeBorder, "", "prints of a traveller hit this reference"); err != nil {
			t.Fatal(err)
		}
	}
	return d.usConfig()
}

// TestCoreDataRequestThroughBothWorkstations drives the agreement's exchange
// through the workstation on both desks: on the US desk a fingerprint search
// of a US encounter hits an EC-PN reference (no name shown), the officer
// asks for its core data with a reason; on the EC desk the supervisor finds
// the request in the requests queue, due 48 hours after the hub received it,
// and approves it; back on the US desk the request shows disclosed.
func TestCoreDataRequestThroughBothWorkstations(t *testing.T) {
	ctx := context.Background()
	d := newExchangeDesks(t) // EC-PN's desk: the gallery subjects, published as references
	ec, us, usClock, usSuper := d.ec, d.us, d.usClock, d.usSuper
	seq := &d.seq
	mate, err := ec.store.Subject(ctx, ec.mate)
	if err != nil {
		t.Fatal(err)
	}

	// A traveller at a US port whose prints are the EC subject's.
	enc, err := ec.store.Encounter(ctx, "0195a000-0000-7000-8000-00000000e001")
	if err != nil {
		t.Fatal(err)
	}
	usEnc := &cases.Encounter{Place: "Miami International Airport", Fingerprints: enc.Fingerprints,
		Claimed: cases.Biographics{Name: cases.Name{Given: []string{"Pablo"}, Paternal: "Ortiz"}}}
	if err := us.CreateEncounter(ctx, partner, usEnc); err != nil {
		t.Fatal(err)
	}
	usCase, err := us.CreateCase(ctx, usSuper, cases.NewCase{Title: "Fingerprint search at Miami", Priority: cases.PriorityHigh, EncounterID: usEnc.ID})
	if err != nil {
		t.Fatal(err)
	}

	// The US desk: search, HIT, request.
	usCfg := d.usConfig()
	s := start(t, usCfg, 130, 40)
	s.waitFor("Cases 1 of 1")
	s.press("e")
	s.waitFor("Encounters (1)")
	s.press("enter")
	s.waitFor("Why are you searching?")
	s.press("enter")
	text := s.waitFor("HIT · EC-PN reference")
	if strings.Contains(text, mate.Name.Paternal) || strings.Contains(text, mate.Documents[0].Number) {
		t.Fatalf("the hit shows the partner's personal data:\n%s", text)
	}
	s.selectRow("HIT · EC-PN reference")
	s.press("c")
	s.waitFor("Ask EC-PN for the core data of")
	s.typeText("prints of a traveller at secondary inspection")
	s.press("enter")
	s.waitFor("sent to EC-PN; it is due 48 hours after the hub receives it")
	out, err := us.FollowUps(ctx, false, true)
	if err != nil || len(out) != 1 || out[0].CaseID != usCase.ID || out[0].Reason != "prints of a traveller at secondary inspection" {
		t.Fatalf("the US desk's request: %+v, %v", out, err)
	}
	received := seedNow.Add(10 * time.Minute)
	ec.clock.Set(received.Add(time.Hour))
	usClock.Set(received.Add(time.Hour))
	relayTo(t, us, ec.store, seq, "EC-PN", received)

	// The EC desk: an auditor sees the queue but cannot answer.
	aud := start(t, Config{Store: ec.store, Officer: auditor, Agency: agencyEC, Clock: ec.clock, Theme: ThemeDark, Exchange: ec.store}, 130, 40)
	aud.waitFor("Cases 1 of 1")
	aud.press("F")
	aud.waitFor("Follow-up requests (1)")
	aud.press("a")
	aud.waitFor("is an auditor")
	if ds, _ := ec.store.Disclosures(ctx); len(ds) != 0 {
		t.Fatalf("an auditor's key press disclosed: %+v", ds)
	}

	// The supervisor: the queue, the deadline, the approval.
	e := start(t, Config{Store: ec.store, Officer: supervisor, Agency: agencyEC, Clock: ec.clock, Theme: ThemeDark, Identify: ec.afis, Exchange: ec.store}, 130, 40)
	e.waitFor("Cases 1 of 1")
	e.press("F")
	text = e.waitFor("Follow-up requests (1)")
	for _, want := range []string{"to us", "John Smith", stamp(received.Add(48 * time.Hour)), "pending", "prints of a traveller"} {
		if !strings.Contains(text, want) {
			t.Errorf("the EC queue lacks %q:\n%s", want, text)
		}
	}
	e.press("a")
	e.waitFor("Disclosed name, dob, sex, nationalities, documents of EC-PN-R-")
	e.waitFor("disclosed by María Rodríguez")
	relayTo(t, ec.store, us, seq, "US-CBP", received.Add(time.Hour))

	// Back on the US desk: the answer.
	u := start(t, usCfg, 150, 60)
	u.waitFor("Cases 1 of 1")
	u.press("F")
	text = u.waitFor("disclosed by María Rodríguez")
	if !strings.Contains(text, "ours") || !strings.Contains(text, "approved") {
		t.Errorf("the US queue:\n%s", text)
	}
	// The review of the hit now shows the disclosed record beside the claim.
	u.press("esc")
	u.waitGone("Follow-up requests")
	u.press("e")
	u.waitFor("Encounters (1)")
	u.press("enter")
	u.waitFor("Why are you searching?")
	u.press("enter")
	u.waitFor("HIT · EC-PN reference")
	u.selectRow("HIT · EC-PN reference")
	u.press("enter")
	text = u.waitFor("by EC-PN on ")
	for _, want := range []string{mate.Name.Display(), "request " + shortID(out[0].ID), mate.Documents[0].Number} {
		if !strings.Contains(text, want) {
			t.Errorf("the review of the hit lacks %q:\n%s", want, text)
		}
	}
	v, err := us.ViewReference(ctx, partner, cases.ReferenceNumber("EC-PN", mate.ID), cases.PurposeBorder, "")
	if err != nil || len(v.Disclosures) != 1 || v.Disclosures[0].Data.Name.Display() != mate.Name.Display() {
		t.Fatalf("what the US desk may see: %+v, %v", v, err)
	}
}

// TestCaseViewShowsThePartnersSubjectByReference: an EC-PN case shared with
// US-CBP names an EC-PN subject; on the US desk the case view lists it as
// EC-PN's reference (never the person), not "No subject is linked".
func TestCaseViewShowsThePartnersSubjectByReference(t *testing.T) {
	ctx := context.Background()
	d := newExchangeDesks(t)
	c, err := d.ec.store.CreateCase(ctx, supervisor, cases.NewCase{Title: "Shared identity check", Priority: cases.PriorityHigh, SharedWith: []string{"US-CBP"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.ec.store.LinkSubject(ctx, supervisor, c.ID, d.ec.mate); err != nil {
		t.Fatal(err)
	}
	mate, _ := d.ec.store.Subject(ctx, d.ec.mate)
	relayTo(t, d.ec.store, d.us, &d.seq, "US-CBP", seedNow)
	s := start(t, d.usConfig(), 120, 40)
	s.waitFor("Shared identity check")
	s.press("enter")
	text := s.waitFor("known here by reference only")
	if !strings.Contains(text, "Subjects (1)") || !strings.Contains(text, cases.ReferenceNumber("EC-PN", d.ec.mate)) || strings.Contains(text, "No subject is linked") {
		t.Errorf("the US desk's view of the case:\n%s", text)
	}
	if strings.Contains(text, mate.Name.Paternal) {
		t.Errorf("the US desk shows the EC subject's name:\n%s", text)
	}
}
