package store_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/store"
)

// relayAt plays the hub: it numbers what from sends, stamps it received at
// the given time, and hands to to what the hub would deliver to it (an event
// with no case goes only to the agencies it names).
func relayAt(t *testing.T, from, to *store.Store, seq *int64, received time.Time) {
	t.Helper()
	evs, err := from.Unsent(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var acks []store.SyncAck
	var out, own []store.SyncEvent
	for _, ev := range evs {
		*seq++
		acks = append(acks, store.SyncAck{EventID: ev.ID, Seq: *seq})
		d := store.SyncEvent{Seq: *seq, Received: received, Event: ev}
		own = append(own, d)
		if ev.CaseID != "" || slices.Contains(ev.SharedWith, to.DeskAgency()) {
			out = append(out, d)
		}
	}
	if err := from.Acknowledge(ctx, acks); err != nil {
		t.Fatal(err)
	}
	if err := to.ApplyRemote(ctx, out, *seq); err != nil {
		t.Fatal(err)
	}
	// The sender gets its own events back, with the hub's receipt.
	if err := from.ApplyRemote(ctx, own, *seq); err != nil {
		t.Fatal(err)
	}
}

func exchangeDesks(t *testing.T) (us, ec *store.Store, ecClock, usClock *cases.ManualClock) {
	t.Helper()
	us, usClock, _ = seeded(t)
	ecClock = cases.NewManualClock(epoch)
	ec, err := store.Open(ctx, filepath.Join(t.TempDir(), "ec.db"), store.Options{DeskNumber: 2, Clock: ecClock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ec.Close() })
	for _, a := range []cases.Agency{{Code: "US-CBP", Name: "CBP", Country: "USA"}, {Code: "EC-PN", Name: "PN", Country: "ECU"}} {
		ec.PutAgency(ctx, a)
	}
	for _, o := range append(allOfficer, ecAuditor) {
		ec.PutOfficer(ctx, o)
		us.PutOfficer(ctx, o)
	}
	if err := us.SetDeskAgency(ctx, "US-CBP"); err != nil {
		t.Fatal(err)
	}
	if err := ec.SetDeskAgency(ctx, "EC-PN"); err != nil {
		t.Fatal(err)
	}
	return us, ec, ecClock, usClock
}

var ecAuditor = cases.Officer{ID: "ec.auditoria", Name: "Auditoría", Agency: "EC-PN", Roles: []cases.Role{cases.RoleAuditor}}

func TestFollowUpIsDueFromReceiptAndAnswerableLate(t *testing.T) {
	us, ec, ecClock, usClock := exchangeDesks(t)
	prints := []cases.Fingerprint{{Position: 2, Format: "iso19794-2:2005", Template: []byte{1, 2, 3}}}
	wanted := &cases.Subject{Name: cases.Name{Given: []string{"José"}, Paternal: "Macías", Maternal: "Villamar"}, OwnerAgency: "EC-PN",
		Category: cases.CategoryGangMember, Gang: "Los Choneros", Documents: []cases.Document{{Kind: cases.DocCedula, Number: "1714307103", Country: "ECU"}}, Fingerprints: prints}
	bystander := &cases.Subject{Name: cases.Name{Given: []string{"Ana"}, Paternal: "Loor"}, OwnerAgency: "EC-PN", Category: cases.CategoryOther, Fingerprints: prints}
	for _, s := range []*cases.Subject{wanted, bystander} {
		if err := ec.SaveSubject(ctx, ecOfficer, s); err != nil {
			t.Fatal(err)
		}
	}
	var seq int64
	relayAt(t, ec, us, &seq, epoch)
	ref := cases.ReferenceNumber("EC-PN", wanted.ID)
	got, err := us.PartnerReference(ctx, ref)
	if err != nil || got.Category != cases.CategoryGangMember || len(got.Fingerprints) != 1 {
		t.Fatalf("the reference on the US desk: %+v, %v", got, err)
	}
	if _, err := us.PartnerReference(ctx, cases.ReferenceNumber("EC-PN", bystander.ID)); cases.ErrorCode(err) != cases.ENOTFOUND {
		t.Fatalf("an out-of-scope subject reached the partner: %v", err)
	}
	if _, err := us.Subject(ctx, wanted.ID); cases.ErrorCode(err) != cases.ENOTFOUND {
		t.Fatalf("the subject itself reached the partner: %v", err)
	}

	c, err := us.CreateCase(ctx, usOfficer, cases.NewCase{Title: "hit at the border"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := us.RequestCoreData(ctx, usOfficer, "EC-PN-R-nobody", c.ID, cases.PurposeBorder, "", "hit"); cases.ErrorCode(err) != cases.ENOTFOUND {
		t.Errorf("request for a reference that does not exist: %v", err)
	}
	if _, err := us.RequestCoreData(ctx, usOfficer, ref, "US-CBP-2026-990001", cases.PurposeBorder, "", "hit"); cases.ErrorCode(err) != cases.ENOTFOUND {
		t.Errorf("request for a case that does not exist: %v", err)
	}
	f, err := us.RequestCoreData(ctx, usOfficer, ref, c.ID, cases.PurposeBorder, "", "prints hit at the border")
	if err != nil {
		t.Fatal(err)
	}
	if !f.Due.IsZero() {
		t.Fatalf("due before the hub received it: %v", f.Due)
	}
	received := epoch.Add(time.Hour)
	relayAt(t, us, ec, &seq, received)
	in, err := ec.FollowUps(ctx, true, false)
	if err != nil || len(in) != 1 || !in[0].Incoming || !in[0].Due.Equal(received.Add(48*time.Hour)) {
		t.Fatalf("EC's incoming requests: %+v, %v", in, err)
	}
	if out, _ := us.FollowUp(ctx, f.ID); !out.Due.Equal(received.Add(48 * time.Hour)) {
		t.Fatalf("the requester's copy is due %v", out.Due)
	}
	ecClock.Set(received.Add(49 * time.Hour))
	usClock.Set(received.Add(49 * time.Hour))
	if in, _ = ec.FollowUps(ctx, true, false); !in[0].Overdue(ecClock.Now()) {
		t.Fatal("a request unanswered past 48 hours is not overdue")
	}
	// Bad answers: an auditor, the requesting agency, a field outside core data.
	if _, err := ec.ApproveFollowUp(ctx, ecAuditor, f.ID, nil); cases.ErrorCode(err) != cases.EFORBIDDEN {
		t.Errorf("approval by an auditor: %v", err)
	}
	if _, err := us.ApproveFollowUp(ctx, usOfficer, f.ID, nil); cases.ErrorCode(err) != cases.EFORBIDDEN {
		t.Errorf("approval by the requesting agency: %v", err)
	}
	if _, err := ec.ApproveFollowUp(ctx, ecOfficer, f.ID, []cases.CoreField{cases.FieldName, cases.FieldGang}); cases.ErrorCode(err) != cases.EFORBIDDEN || !strings.Contains(err.Error(), "gang") {
		t.Errorf("disclosure of a field outside core data: %v", err)
	}
	if ds, _ := ec.Disclosures(ctx); len(ds) != 0 {
		t.Fatalf("refused answers disclosed: %+v", ds)
	}
	d, err := ec.ApproveFollowUp(ctx, ecOfficer, f.ID, []cases.CoreField{cases.FieldName, cases.FieldDocuments})
	if err != nil {
		t.Fatal(err)
	}
	if d.Data.Name == nil || d.Data.DOB != nil || d.Data.Gang != "" || len(d.Data.Documents) != 1 {
		t.Fatalf("disclosed: %+v", d.Data)
	}
	answered, _ := ec.FollowUp(ctx, f.ID)
	if answered.Status != cases.FollowUpApproved || !answered.Late() || answered.Overdue(ecClock.Now()) {
		t.Fatalf("answered late: %+v", answered)
	}
	relayAt(t, ec, us, &seq, received.Add(49*time.Hour))
	v, err := us.ViewReference(ctx, usOfficer, ref, cases.PurposeBorder, "")
	if err != nil || v.Subject != nil || len(v.Disclosures) != 1 || v.Disclosures[0].Data.Name.Display() != "José Macías Villamar" || v.Disclosures[0].DisclosedBy != ecOfficer.ID {
		t.Fatalf("the US view of %s: %+v, %v", ref, v, err)
	}
	if out, _ := us.FollowUp(ctx, f.ID); out.Status != cases.FollowUpApproved || !out.Late() || out.DisclosureID != d.ID {
		t.Fatalf("the requester's copy: %+v", out)
	}
	// Name and document searches never reach the partner's records, even
	// disclosed ones: they live with the reference, not among subjects.
	res, err := us.SearchSubjects(ctx, usOfficer, cases.SubjectQuery{Text: "1714307103", Purpose: cases.PurposeBorder})
	if err != nil || len(res.Hits) != 0 {
		t.Fatalf("document search on the US desk: %+v, %v", res, err)
	}

	// The subject leaves the scope: its reference is withdrawn, and a new
	// request is refused.
	wanted.Category, wanted.Gang = cases.CategoryOther, ""
	if err := ec.SaveSubject(ctx, ecOfficer, wanted); err != nil {
		t.Fatal(err)
	}
	relayAt(t, ec, us, &seq, received.Add(50*time.Hour))
	if r, err := us.PartnerReference(ctx, ref); err != nil || !r.Withdrawn || len(r.Fingerprints) != 0 {
		t.Fatalf("after withdrawal: %+v, %v", r, err)
	}
	c2, _ := us.CreateCase(ctx, usOfficer, cases.NewCase{Title: "another"})
	if _, err := us.RequestCoreData(ctx, usOfficer, ref, c2.ID, cases.PurposeBorder, "", "again"); err == nil || !strings.Contains(err.Error(), "no longer shared") {
		t.Fatalf("request for a withdrawn reference: %v", err)
	}
}

func TestSpontaneousDisclosureOnlyForTerrorismSuspects(t *testing.T) {
	us, ec, _, _ := exchangeDesks(t)
	prints := []cases.Fingerprint{{Position: 1, Format: "iso19794-2:2005", Template: []byte{1}}}
	terrorist := &cases.Subject{Name: cases.Name{Paternal: "Ayoví"}, OwnerAgency: "EC-PN", Category: cases.CategoryTerrorist, Fingerprints: prints}
	gang := &cases.Subject{Name: cases.Name{Paternal: "Mina"}, OwnerAgency: "EC-PN", Category: cases.CategoryGangMember, Fingerprints: prints}
	for _, s := range []*cases.Subject{terrorist, gang} {
		if err := ec.SaveSubject(ctx, ecOfficer, s); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ec.DiscloseSpontaneously(ctx, ecOfficer, gang.ID, "US-CBP", nil); cases.ErrorCode(err) != cases.EFORBIDDEN {
		t.Errorf("spontaneous disclosure of a gang member: %v", err)
	}
	if _, err := ec.DiscloseSpontaneously(ctx, ecOfficer, terrorist.ID, "MX-INM", nil); cases.ErrorCode(err) != cases.EINVALID {
		t.Errorf("disclosure to an agency outside the agreement: %v", err)
	}
	d, err := ec.DiscloseSpontaneously(ctx, ecOfficer, terrorist.ID, "US-CBP", nil)
	if err != nil || d.RequestID != "" || d.Data.Name == nil {
		t.Fatalf("spontaneous disclosure: %+v, %v", d, err)
	}
	var seq int64
	relayAt(t, ec, us, &seq, epoch)
	ds, err := us.Disclosures(ctx)
	if err != nil || len(ds) != 1 || ds[0].Outgoing || ds[0].Data.Name.Paternal != "Ayoví" {
		t.Fatalf("the US desk's disclosures: %+v, %v", ds, err)
	}
	log, _ := us.QueryLogOf(ctx, "US-CBP", 10)
	if len(log) == 0 || !strings.Contains(log[0].Query, "disclosure received from EC-PN") {
		t.Fatalf("the US desk's log: %+v", log)
	}
}
