package hub

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/exchange"
	"github.com/enlace-desk/enlace/exchange/officerkey"
)

func quietLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

func TestPushPullAcrossAgencies(t *testing.T) {
	e := newTestEnv(t)
	us, ec := e.desks["us-1"], e.desks["ec-1"]
	caseID := us.createCase(t, "EC-PN")
	n1 := us.note(t, caseID, "Subject crossed at San Ysidro on 3 March.")
	r := us.sync(t)
	if r.Pushed != 2 || r.Acked != 2 || r.Rejected != 0 {
		t.Fatalf("push round: %+v", r)
	}
	if st := us.client.Status(); !st.Connected || st.Pending != 0 || st.LastSuccess.IsZero() || len(st.Rounds) != 1 {
		t.Fatalf("status after a good round: %+v", st)
	}
	r = ec.sync(t)
	if r.Pulled != 2 || r.Applied != 2 || r.Refused != 0 {
		t.Fatalf("pull round: %+v", r)
	}
	got := ec.held(t)
	h, ok := got[n1.ID]
	if !ok || h.state != "remote" || h.seq == 0 {
		t.Fatalf("EC desk did not get the note: %+v", got)
	}
	if !bytes.Equal(h.ev.Payload, n1.Payload) || h.ev.HLC != n1.HLC || h.ev.Author != n1.Author || !bytes.Equal(h.ev.Signature, n1.Signature) {
		t.Fatalf("note arrived changed:\n got %+v\nwant %+v", h.ev, n1)
	}
	// The US desk pulls its own events back with their hub seq; applying them is a no-op.
	us.sync(t)
	for id, h := range us.held(t) {
		if h.state != "acked" || h.seq == 0 {
			t.Fatalf("own event %s: %+v", id, h)
		}
	}
	// A second round moves nothing.
	if r := ec.sync(t); r.Pulled != 0 || r.Pushed != 0 {
		t.Fatalf("idle round moved events: %+v", r)
	}
	who, err := ec.client.WhoAmI(context.Background())
	if err != nil || who.Agency != "EC-PN" || who.Desk != "ec-1" || who.Protocol != 1 {
		t.Fatalf("whoami: %+v %v", who, err)
	}
}

func TestUnknownCAIsRefused(t *testing.T) {
	e := newTestEnv(t)
	// A complete PKI of someone else: same agency names, different CAs.
	other, err := testPKI(t.TempDir(), DevPKIOptions{Desks: []DevDesk{{Name: "intruder", Agency: "US-CBP"}}})
	if err != nil {
		t.Fatal(err)
	}
	cert, err := tls.LoadX509KeyPair(other.Desks["intruder"].CertFile, other.Desks["intruder"].KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	good, _ := e.pki.Desks["us-1"].TLSConfig()
	bad := good.Clone()
	bad.Certificates = []tls.Certificate{cert}
	c := rawClient(bad)
	_, err = c.Get(e.url() + "/v1/whoami")
	if err == nil {
		t.Fatal("a desk certificate from an unknown CA was accepted")
	}
	// No certificate at all.
	none := good.Clone()
	none.Certificates = nil
	if _, err := rawClient(none).Get(e.url() + "/v1/pull"); err == nil {
		t.Fatal("a client without a certificate was accepted")
	}
	// The sync client reports it as a failed round, not a crash.
	cl, err := exchange.NewClient(exchange.ClientConfig{HubURL: e.url(), TLS: bad, Log: e.desks["us-1"].log})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if r := cl.RunOnce(context.Background()); r.OK() || cl.Status().Connected {
		t.Fatalf("round with a foreign certificate succeeded: %+v", r)
	}
}

func TestCertificateMustNameItsAgency(t *testing.T) {
	e := newTestEnv(t)
	// EC-PN's own CA issues a certificate claiming to be US-CBP: refused.
	caCert := readCert(t, filepath.Join(e.dir, "agencies", "EC-PN", "ca.pem"))
	caKey := readKey(t, filepath.Join(e.dir, "agencies", "EC-PN", "ca.key"))
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: serial(), Subject: pkix.Name{CommonName: "sneaky", Organization: []string{"US-CBP"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, key.Public(), caKey)
	if err != nil {
		t.Fatal(err)
	}
	good, _ := e.pki.Desks["ec-1"].TLSConfig()
	bad := good.Clone()
	bad.Certificates = []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}
	if resp, err := rawClient(bad).Get(e.url() + "/v1/whoami"); err == nil {
		resp.Body.Close()
		t.Fatalf("a certificate naming another agency was accepted: %s", resp.Status)
	}
}

func readCert(t *testing.T, path string) *x509.Certificate {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := pem.Decode(data)
	c, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func readKey(t *testing.T, path string) any {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := pem.Decode(data)
	k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func pushAck(t *testing.T, c *http.Client, url string, ev cases.Event) exchange.Ack {
	t.Helper()
	status, pr, eb := rawPush(t, c, url, pushBody(t, ev))
	if status != http.StatusOK || len(pr.Acks) != 1 {
		t.Fatalf("push answered %d %+v %+v", status, pr, eb)
	}
	return pr.Acks[0]
}

func TestOfficerOfAnotherAgencyIsRefused(t *testing.T) {
	e := newTestEnv(t)
	us, ec := e.desks["us-1"], e.desks["ec-1"]
	caseID := us.createCase(t, "EC-PN")
	us.sync(t)
	usTLS, _ := us.files.TLSConfig()
	c := rawClient(usTLS)

	// An EC-PN officer's genuinely signed event, sent through a US-CBP desk.
	a := cases.Annotation{ID: ec.ids.New(), CaseID: caseID, Kind: cases.AnnNote, Text: "hello"}
	ev := ec.event(t, ec.officer, cases.EventAnnotationAdded, caseID, nil, a)
	ack := pushAck(t, c, e.url(), ev)
	if ack.Status != exchange.AckRejected || ack.Code != cases.EFORBIDDEN || !strings.Contains(ack.Error, "belongs to EC-PN") || !strings.Contains(ack.Error, ev.ID) {
		t.Fatalf("foreign officer's event: %+v", ack)
	}
	// A US officer's event that claims to be EC-PN's.
	ev2 := us.event(t, us.officer, cases.EventAnnotationAdded, caseID, nil, a)
	ev2.Agency = "EC-PN"
	exchange.SignEvent(&ev2, us.keys)
	ack = pushAck(t, c, e.url(), ev2)
	if ack.Status != exchange.AckRejected || !strings.Contains(ack.Error, "field agency") {
		t.Fatalf("event claiming another agency: %+v", ack)
	}
	// An officer the hub does not know.
	ev3 := us.event(t, us.officer, cases.EventAnnotationAdded, caseID, nil, a)
	ev3.Author = "us.nobody"
	ack = pushAck(t, c, e.url(), ev3)
	if ack.Status != exchange.AckRejected || !strings.Contains(ack.Error, "not registered") {
		t.Fatalf("unknown officer: %+v", ack)
	}
	// A plain officer may not resolve conflicts.
	r := cases.ConflictResolution{CaseID: caseID, Status: cases.StatusNew}
	ev4 := us.event(t, us.officer, cases.EventConflictResolved, caseID, nil, r)
	ack = pushAck(t, c, e.url(), ev4)
	if ack.Status != exchange.AckRejected || !strings.Contains(ack.Error, "supervisor") {
		t.Fatalf("officer resolving a conflict: %+v", ack)
	}
	if n := len(e.hubEvents(t)); n != 1 {
		t.Fatalf("hub holds %d events, want only the case.created", n)
	}
}

func TestForgedOrAlteredSignatureIsRefused(t *testing.T) {
	e := newTestEnv(t)
	us, ec := e.desks["us-1"], e.desks["ec-1"]
	caseID := us.createCase(t, "EC-PN")
	us.sync(t)
	usTLS, _ := us.files.TLSConfig()
	c := rawClient(usTLS)

	altered := us.event(t, us.officer, cases.EventAnnotationAdded, caseID, nil, cases.Annotation{CaseID: caseID, Kind: cases.AnnNote, Text: "original"})
	altered.Payload = bytes.Replace(altered.Payload, []byte("original"), []byte("tampered"), 1)
	ack := pushAck(t, c, e.url(), altered)
	if ack.Status != exchange.AckRejected || !strings.Contains(ack.Error, "field signature") || !strings.Contains(ack.Error, altered.ID) {
		t.Fatalf("altered event: %+v", ack)
	}
	// Signed by the supervisor's key but claiming the officer as author.
	forged := us.event(t, us.officer, cases.EventAnnotationAdded, caseID, nil, cases.Annotation{CaseID: caseID, Kind: cases.AnnNote, Text: "x"})
	key, _ := us.keys.Key(us.supervisor.ID)
	forged.Signature, _ = (&fixedSigner{key}).Sign("", forged.SigningBytes())
	ack = pushAck(t, c, e.url(), forged)
	if ack.Status != exchange.AckRejected || !strings.Contains(ack.Error, "forged or altered") {
		t.Fatalf("forged event: %+v", ack)
	}
	// Bits flipped in the signature.
	flipped := us.event(t, us.officer, cases.EventAnnotationAdded, caseID, nil, cases.Annotation{CaseID: caseID, Kind: cases.AnnNote, Text: "y"})
	flipped.Signature[10] ^= 0x40
	ack = pushAck(t, c, e.url(), flipped)
	if ack.Status != exchange.AckRejected || ack.Code != cases.EFORBIDDEN {
		t.Fatalf("flipped signature: %+v", ack)
	}
	// None of them reached the hub or the partner.
	ec.sync(t)
	for _, ev := range []cases.Event{altered, forged, flipped} {
		if _, ok := e.hubEvents(t)[ev.ID]; ok {
			t.Fatalf("hub stored refused event %s", ev.ID)
		}
		if _, ok := ec.held(t)[ev.ID]; ok {
			t.Fatalf("partner received refused event %s", ev.ID)
		}
	}
}

type fixedSigner struct{ key ed25519.PrivateKey }

func (s *fixedSigner) Sign(_ string, msg []byte) ([]byte, error) {
	return ed25519.Sign(s.key, msg), nil
}

func TestReplayIsIdempotent(t *testing.T) {
	e := newTestEnv(t)
	us, ec := e.desks["us-1"], e.desks["ec-1"]
	caseID := us.createCase(t, "EC-PN")
	n := us.note(t, caseID, "first")
	us.sync(t)
	seq := e.hubEvents(t)[n.ID].seq
	usTLS, _ := us.files.TLSConfig()
	c := rawClient(usTLS)
	for i := 0; i < 3; i++ {
		ack := pushAck(t, c, e.url(), n)
		if ack.Status != exchange.AckDuplicate || ack.Seq != seq {
			t.Fatalf("replay %d: %+v, want duplicate of seq %d", i, ack, seq)
		}
	}
	// The same event twice in one batch.
	n2 := us.event(t, us.officer, cases.EventAnnotationAdded, caseID, nil, cases.Annotation{CaseID: caseID, Kind: cases.AnnNote, Text: "twice"})
	status, pr, eb := rawPush(t, c, e.url(), pushBody(t, n2, n2))
	if status != 200 || pr.Acks[0].Status != exchange.AckStored || pr.Acks[1].Status != exchange.AckDuplicate || pr.Acks[0].Seq != pr.Acks[1].Seq {
		t.Fatalf("same event twice in a batch: %d %+v %+v", status, pr, eb)
	}
	// A different, validly signed event reusing the ID: a replay attack.
	other := us.event(t, us.officer, cases.EventAnnotationAdded, caseID, nil, cases.Annotation{CaseID: caseID, Kind: cases.AnnNote, Text: "second"})
	other.ID = n.ID
	exchange.SignEvent(&other, us.keys)
	ack := pushAck(t, c, e.url(), other)
	if ack.Status != exchange.AckRejected || !strings.Contains(ack.Error, "replay") {
		t.Fatalf("ID reuse: %+v", ack)
	}
	ec.sync(t)
	h := ec.held(t)[n.ID]
	if !bytes.Equal(h.ev.Payload, n.Payload) {
		t.Fatalf("partner holds %s, want the original", h.ev.Payload)
	}
	if got := len(e.hubEvents(t)); got != 3 {
		t.Fatalf("hub holds %d events, want 3", got)
	}
}

func TestCaseNotSharedNeverReachesPartner(t *testing.T) {
	e := newTestEnv(t)
	us, us2, ec := e.desks["us-1"], e.desks["us-2"], e.desks["ec-1"]
	private := us.createCase(t)
	secret := us.note(t, private, "internal only")
	shared := us.createCase(t, "EC-PN")
	us.note(t, shared, "for both")
	subj := us.emit(t, us.event(t, us.officer, cases.EventSubjectUpserted, "", nil, cases.Subject{ID: "s1", Name: cases.Name{Paternal: "Uno"}, OwnerAgency: "US-CBP", Category: cases.CategoryOther}))
	// What reaches the partner of a subject is its reference, never the subject.
	subjShared := us.emit(t, us.event(t, us.officer, cases.EventReferencePublished, "", []string{"EC-PN"}, cases.Reference{Number: cases.ReferenceNumber("US-CBP", "s2"),
		OwnerAgency: "US-CBP", Category: cases.CategoryGangMember, Fingerprints: []cases.Fingerprint{{Position: 2, Format: "iso19794-2:2005", Template: []byte{1}}}}))
	us.sync(t)
	ec.sync(t)
	us2.sync(t)
	held := ec.held(t)
	for _, h := range held {
		if h.ev.CaseID == private || h.ev.ID == subj.ID {
			t.Fatalf("EC-PN desk received %s event %s of an unshared record", h.ev.Kind, h.ev.ID)
		}
	}
	if _, ok := held[subjShared.ID]; !ok {
		t.Fatal("EC-PN desk did not receive the reference shared with it")
	}
	if len(held) != 3 || len(us2.held(t)) != 6 {
		t.Fatalf("EC-PN holds %d events (want 3), second US desk %d (want 6)", len(held), len(us2.held(t)))
	}
	// EC-PN cannot write to the case it cannot see.
	ecTLS, _ := ec.files.TLSConfig()
	ev := ec.event(t, ec.officer, cases.EventAnnotationAdded, private, nil, cases.Annotation{CaseID: private, Kind: cases.AnnNote, Text: "peek"})
	ack := pushAck(t, rawClient(ecTLS), e.url(), ev)
	if ack.Status != exchange.AckRejected || ack.Code != cases.EFORBIDDEN || !strings.Contains(ack.Error, "not shared with EC-PN") {
		t.Fatalf("write to an unshared case: %+v", ack)
	}
	// Nor change the sharing of a case it does not own, even as a supervisor.
	ev = ec.event(t, ec.supervisor, cases.EventCaseUpdated, shared, nil, cases.CaseUpdated{CaseID: shared, SharedWith: []string{}})
	ack = pushAck(t, rawClient(ecTLS), e.url(), ev)
	if ack.Status != exchange.AckRejected || !strings.Contains(ack.Error, "only the owning agency") {
		t.Fatalf("partner changing the sharing: %+v", ack)
	}
	// Once shared, the partner receives the case's whole history.
	us.share(t, private, "EC-PN")
	us.sync(t)
	ec.sync(t)
	held = ec.held(t)
	if _, ok := held[secret.ID]; !ok {
		t.Fatal("after sharing, the partner did not receive the case's earlier note")
	}
	// Unshared again: later notes stay home.
	us.share(t, private)
	later := us.note(t, private, "after unsharing")
	us.sync(t)
	ec.sync(t)
	if _, ok := ec.held(t)[later.ID]; ok {
		t.Fatal("a note written after unsharing reached the partner")
	}
}

func TestStatusConflictAndResolution(t *testing.T) {
	e := newTestEnv(t)
	us, us2, ec := e.desks["us-1"], e.desks["us-2"], e.desks["ec-1"]
	caseID := us.createCase(t, "EC-PN")
	us.sync(t)
	ec.sync(t)
	us2.sync(t)
	// Both desks move the case from version 0 while apart.
	m1 := us2.moveStatus(t, caseID, cases.StatusInReview)
	m2 := ec.moveStatus(t, caseID, cases.StatusInReview)
	m3 := ec.moveStatus(t, caseID, cases.StatusEscalated) // made on top of m2, tentatively version 1
	if v := ec.view(t, caseID); v.status != cases.StatusEscalated || v.version != 2 {
		t.Fatalf("tentative view: %+v", v)
	}
	us2.sync(t)
	r := ec.sync(t)
	if r.Acked != 2 {
		t.Fatalf("ec round: %+v", r)
	}
	hub := e.hubEvents(t)
	if hub[m1.ID].conflict || !hub[m2.ID].conflict || !hub[m3.ID].conflict {
		t.Fatalf("hub verdicts: m1 %v m2 %v m3 %v", hub[m1.ID].conflict, hub[m2.ID].conflict, hub[m3.ID].conflict)
	}
	st, ok, err := e.hub.Store().CaseState(context.Background(), caseID)
	if err != nil || !ok || !st.Conflict || st.Status != cases.StatusInReview || st.Version != 1 {
		t.Fatalf("hub case state: %+v %v %v", st, ok, err)
	}
	for _, d := range []*testDesk{us, us2, ec} {
		d.sync(t)
		v := d.view(t, caseID)
		if v.status != st.Status || v.version != st.Version || v.conflict != st.Conflict {
			t.Fatalf("desk %s sees %+v, hub %+v", d.name, v, st)
		}
	}
	// Further moves while in conflict are in conflict too.
	m4 := us.moveStatus(t, caseID, cases.StatusEscalated)
	us.sync(t)
	if !e.hubEvents(t)[m4.ID].conflict {
		t.Fatal("a move on a case in conflict was accepted")
	}
	// A supervisor resolves.
	ec.resolve(t, caseID, cases.StatusEscalated)
	ec.sync(t)
	st, _, _ = e.hub.Store().CaseState(context.Background(), caseID)
	if st.Conflict || st.Status != cases.StatusEscalated || st.Version != 2 {
		t.Fatalf("after resolution: %+v", st)
	}
	for _, d := range []*testDesk{us, us2, ec} {
		d.sync(t)
		if v := d.view(t, caseID); v.status != st.Status || v.version != st.Version || v.conflict {
			t.Fatalf("desk %s sees %+v after resolution, hub %+v", d.name, v, st)
		}
	}
	// A move on the new version is accepted again.
	m5 := us.moveStatus(t, caseID, cases.StatusInReview)
	us.sync(t)
	if e.hubEvents(t)[m5.ID].conflict {
		t.Fatal("a move on the current version was marked in conflict")
	}
}

func TestUnknownCaseAndBadPayloadAreRejectedAndNotResent(t *testing.T) {
	e := newTestEnv(t)
	us := e.desks["us-1"]
	ghost := us.note(t, "US-CBP-2026-019999", "no such case")
	bad := us.emit(t, us.event(t, us.officer, cases.EventCaseCreated, "US-CBP-2026-010001", nil,
		cases.CaseCreated{Case: cases.Case{ID: "US-CBP-2026-010001", OwnerAgency: "EC-PN"}}))
	r := us.sync(t)
	if r.Rejected != 2 || len(r.Errors) != 2 {
		t.Fatalf("round: %+v", r)
	}
	h := us.held(t)
	if h[ghost.ID].state != "rejected" || !strings.Contains(h[ghost.ID].reason, "unknown at the hub") {
		t.Fatalf("ghost: %+v", h[ghost.ID])
	}
	if h[bad.ID].state != "rejected" || !strings.Contains(h[bad.ID].reason, "OwnerAgency") {
		t.Fatalf("bad owner: %+v", h[bad.ID])
	}
	if r := us.sync(t); r.Pushed != 0 {
		t.Fatalf("rejected events were sent again: %+v", r)
	}
}

func TestHostileRequestsAreRefusedClearly(t *testing.T) {
	e := newTestEnv(t)
	us := e.desks["us-1"]
	usTLS, _ := us.files.TLSConfig()
	c := rawClient(usTLS)
	caseID := us.createCase(t)
	us.sync(t)
	good := us.event(t, us.officer, cases.EventAnnotationAdded, caseID, nil, cases.Annotation{CaseID: caseID, Kind: cases.AnnNote, Text: "ok"})
	w := exchange.ToWire(&good)
	enc := func(v any) []byte { b, _ := json.Marshal(v); return b }

	tests := []struct {
		name   string
		body   []byte
		status int
		want   string
	}{
		{"not json", []byte("{\"events\": [ nope"), 400, "malformed JSON at byte"},
		{"empty", nil, 400, "empty"},
		{"unknown field", []byte(`{"events":[],"extra":1}`), 400, "unknown field"},
		{"trailing data", []byte(`{"events":[]} {}`), 400, "after the JSON object"},
		{"wrong type", []byte(`{"events":[{"id":5}]}`), 400, "events[0]: field id has the wrong type"},
		{"bad base64", []byte(`{"events":[{"id":"x","payload":"!!!"}]}`), 400, "illegal base64"},
		{"too many events", enc(exchange.PushRequest{Events: make([]exchange.WireEvent, exchange.MaxPushEvents+1)}), 400, "the limit is 1000"},
		{"too big", bytes.Repeat([]byte(" "), exchange.MaxPushBytes+10), 413, "over the limit"},
	}
	for _, tc := range tests {
		status, _, eb := rawPush(t, c, e.url(), tc.body)
		if status != tc.status || !strings.Contains(eb.Error.Message, tc.want) {
			t.Errorf("%s: got %d %q, want %d containing %q", tc.name, status, eb.Error.Message, tc.status, tc.want)
		}
	}
	fields := []struct {
		name  string
		edit  func(w *exchange.WireEvent)
		field string
	}{
		{"bad id", func(w *exchange.WireEvent) { w.ID = "1234" }, "field id"},
		{"long author", func(w *exchange.WireEvent) { w.Author = strings.Repeat("a", 65) }, "field author"},
		{"author path", func(w *exchange.WireEvent) { w.Author = "../../etc" }, "field author"},
		{"bad hlc", func(w *exchange.WireEvent) { w.HLC = "yesterday" }, "field hlc"},
		{"seed kind", func(w *exchange.WireEvent) { w.Kind = "seed.loaded" }, "stay on the desk"},
		{"unknown kind", func(w *exchange.WireEvent) { w.Kind = "case.deleted" }, "field kind"},
		{"no case", func(w *exchange.WireEvent) { w.CaseID = "" }, "field case_id"},
		{"agency", func(w *exchange.WireEvent) { w.Agency = "us cbp" }, "field agency"},
		{"shared twice", func(w *exchange.WireEvent) { w.SharedWith = []string{"EC-PN", "EC-PN"} }, "field shared_with[1]"},
		{"shared unknown", func(w *exchange.WireEvent) { w.SharedWith = []string{"XX-YY"} }, "field shared_with[0]"},
		{"payload not json", func(w *exchange.WireEvent) { w.Payload = []byte("{") }, "field payload"},
		{"payload huge", func(w *exchange.WireEvent) { w.Payload = bytes.Repeat([]byte("1"), exchange.MaxPayloadBytes+1) }, "field payload"},
		{"short signature", func(w *exchange.WireEvent) { w.Signature = w.Signature[:10] }, "field signature"},
		{"device control", func(w *exchange.WireEvent) { w.Device = "a\x00b" }, "field device"},
	}
	for _, tc := range fields {
		bw := w
		bw.SharedWith = slices.Clone(w.SharedWith)
		tc.edit(&bw)
		status, pr, eb := rawPush(t, c, e.url(), enc(exchange.PushRequest{Events: []exchange.WireEvent{bw}}))
		if status != 200 || len(pr.Acks) != 1 || pr.Acks[0].Status != exchange.AckRejected || !strings.Contains(pr.Acks[0].Error, tc.field) {
			t.Errorf("%s: got %d %+v %+v, want a rejection naming %q", tc.name, status, pr, eb, tc.field)
		}
	}
	// Pull parameters.
	for _, q := range []string{"after=-1", "after=x", "limit=0", "limit=100000"} {
		resp, err := c.Get(e.url() + "/v1/pull?" + q)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 400 {
			t.Errorf("pull?%s: %d", q, resp.StatusCode)
		}
	}
	// The hub still works, and the good event still goes through.
	ack := pushAck(t, c, e.url(), good)
	if ack.Status != exchange.AckStored {
		t.Fatalf("good event after the hostile ones: %+v", ack)
	}
}

func TestRunBacksOffWhileHubIsDownAndCatchesUp(t *testing.T) {
	e := newTestEnv(t)
	us := e.desks["us-1"]
	e.stopHub()
	caseID := us.createCase(t, "EC-PN")
	for i := 0; i < 5; i++ {
		us.note(t, caseID, "offline note")
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- us.client.Run(ctx) }()
	waitFor(t, "failed rounds", func() bool { st := us.client.Status(); return st.Failures >= 3 })
	st := us.client.Status()
	if st.Connected || st.Pending != 6 || st.LastError == "" || st.NextAttempt.IsZero() {
		t.Fatalf("status while the hub is down: %+v", st)
	}
	e.startHub()
	waitFor(t, "catch-up", func() bool { st := us.client.Status(); return st.Connected && st.Pending == 0 })
	cancel()
	if err := <-done; err != context.Canceled {
		t.Fatalf("Run returned %v", err)
	}
	if n := len(e.hubEvents(t)); n != 6 {
		t.Fatalf("hub holds %d events, want 6", n)
	}
	if st := us.client.Status(); len(st.Rounds) == 0 || len(st.Rounds) > 20 {
		t.Fatalf("history: %d rounds", len(st.Rounds))
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestOfficerKeys(t *testing.T) {
	dir := t.TempDir()
	k1, err := officerkey.LoadOrCreate(dir, "ec.mrodriguez", testPassphrase, testKeyParams)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := officerkey.LoadOrCreate(dir, "ec.mrodriguez", testPassphrase, testKeyParams)
	if err != nil || !k1.Equal(k2) {
		t.Fatalf("second load gave another key: %v", err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "ec.mrodriguez.key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	for _, bad := range []string{"", "../x", ".hidden", "a/b", strings.Repeat("x", 65)} {
		if _, err := officerkey.LoadOrCreate(dir, bad, testPassphrase, testKeyParams); err == nil {
			t.Errorf("officer ID %q accepted", bad)
		}
	}
	ring := officerkey.NewKeyring(dir)
	if err := ring.Unlock("someone.else", testPassphrase); err == nil || cases.ErrorCode(err) != cases.ENOTFOUND {
		t.Fatalf("unlocking without a key file: %v", err)
	}
	if _, err := ring.Sign("ec.mrodriguez", []byte("x")); err == nil || cases.ErrorCode(err) != cases.EFORBIDDEN {
		t.Fatalf("signing with a locked key: %v", err)
	}
	if err := ring.Unlock("ec.mrodriguez", []byte("not the passphrase")); !errors.Is(err, cases.ErrWrongPassphrase) {
		t.Fatalf("unlocking with a wrong passphrase: %v", err)
	}
	if err := ring.Unlock("ec.mrodriguez", testPassphrase); err != nil {
		t.Fatal(err)
	}
	ev := cases.Event{ID: "0190a5b4-0000-7000-8000-000000000001", Author: "ec.mrodriguez", Device: "d", HLC: cases.HLC{WallMS: 1},
		Kind: cases.EventSubjectUpserted, Agency: "EC-PN", Payload: []byte(`{}`)}
	if err := exchange.SignEvent(&ev, ring); err != nil {
		t.Fatal(err)
	}
	pub := k1.Public().(ed25519.PublicKey)
	if err := exchange.VerifyEvent(&ev, pub); err != nil {
		t.Fatal(err)
	}
	ev.SharedWith = []string{"US-CBP"}
	if err := exchange.VerifyEvent(&ev, pub); err == nil {
		t.Fatal("a changed event still verifies")
	}
}

func TestHubConfigRoundTrip(t *testing.T) {
	dir := t.TempDir()
	pki, err := testPKI(dir, DevPKIOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadHubConfig(pki.ConfigPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Agencies) != 2 || len(cfg.Officers) != 4 || !filepath.IsAbs(cfg.Database) || cfg.Listen != "127.0.0.1:8443" {
		t.Fatalf("config: %+v", cfg)
	}
	// Running init again keeps the officers' keys.
	if _, err := testPKI(dir, DevPKIOptions{}); err != nil {
		t.Fatal(err)
	}
	cfg2, _ := LoadHubConfig(pki.ConfigPath)
	for i := range cfg.Officers {
		if !bytes.Equal(cfg.Officers[i].PublicKey, cfg2.Officers[i].PublicKey) {
			t.Fatalf("officer %s got a new key on re-init", cfg.Officers[i].ID)
		}
	}
	os.WriteFile(filepath.Join(dir, "bad.json"), []byte(`{"agencies":[{"code":"us"}]}`), 0o644)
	if _, err := LoadHubConfig(filepath.Join(dir, "bad.json")); err == nil || !strings.Contains(err.Error(), "agencies[0].code") {
		t.Fatalf("bad config: %v", err)
	}
}

func TestProjectStatusIsOrderIndependent(t *testing.T) {
	moves := []exchange.StatusMove{
		{Seq: 7, To: cases.StatusEscalated, Conflict: true},
		{Seq: 3, To: cases.StatusInReview},
		{Seq: 9, To: cases.StatusDecided, Resolution: true},
		{Seq: 12, To: cases.StatusClosed},
	}
	s, v, c := exchange.ProjectStatus(cases.StatusNew, 0, moves)
	rev := slices.Clone(moves)
	slices.Reverse(rev)
	s2, v2, c2 := exchange.ProjectStatus(cases.StatusNew, 0, rev)
	if s != cases.StatusClosed || v != 3 || c || s != s2 || v != v2 || c != c2 {
		t.Fatalf("got %s %d %v and %s %d %v", s, v, c, s2, v2, c2)
	}
	if s, v, c := exchange.ProjectStatus(cases.StatusNew, 0, moves[:2]); s != cases.StatusInReview || v != 1 || !c {
		t.Fatalf("in conflict: %s %d %v", s, v, c)
	}
}
