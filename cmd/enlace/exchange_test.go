package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/exchange"
	"github.com/enlace-desk/enlace/exchange/officerkey"
	"github.com/enlace-desk/enlace/store"
)

// twoDemoDesks prepares both demo desks in one data dir with `demo --no-ui`,
// serves the hub from its hub.json on a free port, points both desks at it
// and syncs them twice. It returns the two desk folders, the data dir and a
// runner of enlace commands.
func twoDemoDesks(t *testing.T, size ...string) (ecDir, usDir, dir string, sh func(args ...string) string, fails func(want string, args ...string)) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "demo")
	sh, fails = shell(t)
	sh(append([]string{"demo", "--no-ui", "--data-dir", dir, "--as", "ec.mrodriguez"}, size...)...)
	sh(append([]string{"demo", "--no-ui", "--data-dir", dir, "--as", "us.jsmith"}, size...)...)
	ecDir, usDir = filepath.Join(dir, "ec-pn-desk-1"), filepath.Join(dir, "us-cbp-desk-1")
	url := serveDemoHub(t, dir)
	for _, d := range []string{ecDir, usDir} {
		s, _, err := loadSyncSettings(d)
		if err != nil {
			t.Fatal(err)
		}
		s.HubURL = url
		if err := writeSyncSettings(d, s); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{ecDir, usDir, ecDir, usDir} {
		sh("sync", "--data-dir", d)
	}
	return ecDir, usDir, dir, sh, fails
}

// deskFileBytes reads a desk's database files as they are on disk.
func deskFileBytes(t *testing.T, deskDir string) []byte {
	t.Helper()
	var all []byte
	for _, suffix := range []string{"", "-wal", "-journal"} {
		b, err := os.ReadFile(filepath.Join(deskDir, dataFileName+suffix))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

// personalMarks are byte strings that would be in a desk's file if it held a
// subject's personal data: each document number, the name as a subjects row
// stores it (given, paternal, maternal side by side) and as an event payload
// writes it.
func personalMarks(s *cases.Subject) (docs [][]byte, names [][]byte) {
	for _, d := range s.Documents {
		docs = append(docs, []byte(store.NormalizeDocumentNumber(d.Number)), []byte(`"Number":"`+d.Number+`"`))
	}
	n := s.Name
	names = append(names, []byte(strings.Join(n.Given, " ")+n.Paternal+n.Maternal))
	pm, _ := json.Marshal(struct{ Paternal, Maternal string }{n.Paternal, n.Maternal})
	names = append(names, pm[1:len(pm)-1])
	return docs, names
}

// TestAgreementExchangeFromTheShell is the "Done when" session: after
// the two demo desks are prepared and synced, the US desk's files hold none
// of the EC-owned subjects' names or document numbers; `identify` of a US
// encounter that mates an EC subject returns a HIT with a reference and no
// personal data; `request core-data`, sync, and the EC desk lists the request
// due 48 h after the hub received it; `requests approve`, sync, and the US
// desk's `subject show REFERENCE --json` shows that subject's name and cédula,
// and only that subject's. A decline travels back with its reason, and both
// sides' audits list the disclosure.
func TestAgreementExchangeFromTheShell(t *testing.T) {
	ctx := context.Background()
	ecDir, usDir, _, sh, fails := twoDemoDesks(t, "--subjects", "300", "--cases", "100", "--prints", "300", "--encounters", "10")

	// What the EC desk holds, and what the US desk may legitimately hold of
	// its own (its subjects, the identities its encounters recorded).
	ecStore, err := store.Open(ctx, filepath.Join(ecDir, dataFileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ecSubjects := allSubjects(t, ecStore)
	ecStore.Close()
	usStore, err := store.Open(ctx, filepath.Join(usDir, dataFileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	usSubjects := allSubjects(t, usStore)
	encs, err := usStore.Encounters(ctx)
	if err != nil {
		t.Fatal(err)
	}
	own := map[string]bool{}
	for i := range usSubjects {
		_, names := personalMarks(&usSubjects[i])
		for _, n := range names {
			own[string(n)] = true
		}
	}
	var usEncounters []string
	for _, e := range encs {
		full, err := usStore.Encounter(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		s := cases.Subject{Name: full.Claimed.Name, Documents: full.Claimed.Documents}
		_, names := personalMarks(&s)
		for _, n := range names {
			own[string(n)] = true
		}
		if full.Agency == "US-CBP" {
			usEncounters = append(usEncounters, e.ID)
		}
	}
	usStore.Close()
	if len(ecSubjects) < 100 || len(usEncounters) == 0 {
		t.Fatalf("the demo made %d EC subjects and %d US encounters", len(ecSubjects), len(usEncounters))
	}
	leaks := func(file []byte, except string) []string {
		var out []string
		for i := range ecSubjects {
			s := &ecSubjects[i]
			if s.ID == except {
				continue
			}
			docs, names := personalMarks(s)
			for _, d := range docs {
				if bytes.Contains(file, d) {
					out = append(out, s.ID+" document "+string(d))
				}
			}
			for _, n := range names {
				if !own[string(n)] && bytes.Contains(file, n) {
					out = append(out, s.ID+" name "+string(n))
				}
			}
		}
		return out
	}
	// The marks are what a file holding the subjects shows: the EC desk's does.
	if l := leaks(deskFileBytes(t, ecDir), ""); len(l) < len(ecSubjects) {
		t.Fatalf("the EC desk's own file shows only %d marks of its %d subjects: the check would see nothing", len(l), len(ecSubjects))
	}
	if l := leaks(deskFileBytes(t, usDir), ""); len(l) > 0 {
		t.Fatalf("after sync the US desk's files hold EC-owned personal data: %v", l[:min(5, len(l))])
	}

	// A shared EC case names its subjects on the US desk by reference.
	var shared []caseSummaryJSON
	json.Unmarshal([]byte(sh("case", "list", "--shared", "--json", "--data-dir", usDir)), &shared)
	named := 0
	for _, sum := range shared {
		var c caseJSON
		if err := json.Unmarshal([]byte(sh("case", "show", sum.ID, "--json", "--data-dir", usDir)), &c); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(c.ID, "EC-PN-") {
			continue
		}
		for _, ref := range c.SubjectReferences {
			_, id, err := cases.ParseReference(ref)
			if err != nil || !slices.Contains(c.SubjectIDs, id) {
				t.Errorf("case %s: reference %s names no linked subject %v", c.ID, ref, c.SubjectIDs)
			}
			named++
		}
	}
	if named == 0 {
		t.Error("no shared EC case names a subject by reference on the US desk")
	}

	// Hit / no-hit: find a US encounter whose search hits an EC reference.
	var hit candidateJSON
	var encounter string
	for _, e := range usEncounters {
		out := sh("identify", e, "--purpose", "border_inspection", "--json", "--data-dir", usDir)
		var res identifyJSON
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("identify --json: %v\n%s", err, out)
		}
		for _, key := range []string{"given", "paternal", "maternal", "dob", "sex", "documents", "aliases", "nationalities", "gang", "photo", "claimed"} {
			if strings.Contains(out, `"`+key+`":`) {
				t.Fatalf("identify --json carries %q:\n%s", key, out)
			}
		}
		for _, c := range res.Candidates {
			if c.Reference != "" && (c.Name != "" || c.SubjectID != "") {
				t.Fatalf("a partner reference carries a name or a subject ID: %+v", c)
			}
		}
		if res.PartnerHit && res.Candidates[0].Reference != "" {
			hit, encounter = res.Candidates[0], e
			break
		}
	}
	if encounter == "" {
		t.Fatal("no US encounter hit an EC reference")
	}
	if hit.OwnerAgency != "EC-PN" || !strings.HasPrefix(hit.Reference, "EC-PN-R-") || hit.SubjectID != "" || hit.Band != "red" || len(hit.Fingers) == 0 {
		t.Fatalf("the hit: %+v", hit)
	}
	_, subjectID, _ := cases.ParseReference(hit.Reference)
	var mate *cases.Subject
	for i := range ecSubjects {
		if ecSubjects[i].ID == subjectID {
			mate = &ecSubjects[i]
		}
	}
	if mate == nil {
		t.Fatalf("reference %s names no EC subject", hit.Reference)
	}
	var cedula string
	for _, d := range mate.Documents {
		if d.Kind == cases.DocCedula {
			cedula = d.Number
		}
	}
	caseID := caseOfEncounter(t, usDir, encounter)

	// The examination names the partner's reference until data is disclosed:
	// a US examiner concludes on the hit, a second US officer verifies it.
	sh("case", "status", caseID, "in_review", "--data-dir", usDir)
	sh("case", "conclude", caseID, "--candidate", hit.Reference, "--conclusion", "identification", "--reason", "four fingers agree with the reference's prints", "--data-dir", usDir)
	sh("case", "verify", caseID, "--candidate", hit.Reference, "--conclusion", "identification", "--reason", "the same, blind", "--as", "us.rgarcia", "--data-dir", usDir)
	var examined caseJSON
	if err := json.Unmarshal([]byte(sh("case", "show", caseID, "--json", "--data-dir", usDir)), &examined); err != nil {
		t.Fatal(err)
	}
	if examined.Examination.State != "verified" || examined.Examination.CandidateID != hit.Reference || examined.Status != "decided" {
		t.Fatalf("an examination of a partner hit: status %s, %+v", examined.Status, examined.Examination)
	}

	// Bad requests: a reference that does not exist, no reason, an auditor.
	fails("there is no partner reference EC-PN-R-0000", "request", "core-data", "EC-PN-R-0000", "--case", caseID, "--purpose", "border_inspection", "--reason", "x", "--data-dir", usDir)
	fails("says why", "request", "core-data", hit.Reference, "--case", caseID, "--purpose", "border_inspection", "--data-dir", usDir)
	fails("auditor", "request", "core-data", hit.Reference, "--case", caseID, "--purpose", "border_inspection", "--reason", "x", "--as", "us.audit", "--data-dir", usDir)

	sh("request", "core-data", hit.Reference, "--case", caseID, "--purpose", "border_inspection",
		"--reason", "prints taken at secondary inspection hit this reference", "--data-dir", usDir)
	sh("sync", "--data-dir", usDir)
	sh("sync", "--data-dir", ecDir)
	var incoming []followUpJSON
	if err := json.Unmarshal([]byte(sh("requests", "list", "--incoming", "--json", "--data-dir", ecDir)), &incoming); err != nil {
		t.Fatal(err)
	}
	if len(incoming) != 1 || incoming[0].Reference != hit.Reference || incoming[0].CaseID != caseID || incoming[0].RequestedBy != "us.jsmith" || incoming[0].Status != "pending" {
		t.Fatalf("incoming requests on the EC desk: %+v", incoming)
	}
	req := incoming[0]
	received, err1 := time.Parse(time.RFC3339, req.Received)
	due, err2 := time.Parse(time.RFC3339, req.Due)
	if err1 != nil || err2 != nil || due.Sub(received) != 48*time.Hour || time.Since(received) > time.Minute || req.Overdue {
		t.Fatalf("request received %q due %q overdue %v", req.Received, req.Due, req.Overdue)
	}

	// Bad approvals: an auditor, the wrong agency, a field outside core data.
	fails("auditor", "requests", "approve", req.ID, "--as", "ec.auditoria", "--data-dir", ecDir)
	fails("only EC-PN answers it", "requests", "approve", req.ID, "--data-dir", usDir)
	fails(`"gang" is not core data`, "requests", "approve", req.ID, "--fields", "name,gang", "--data-dir", ecDir)
	if l := leaks(deskFileBytes(t, usDir), ""); len(l) > 0 {
		t.Fatalf("refused approvals disclosed: %v", l)
	}
	sh("requests", "approve", req.ID, "--as", "ec.lzambrano", "--data-dir", ecDir)
	fails("already approved", "requests", "approve", req.ID, "--data-dir", ecDir)
	sh("sync", "--data-dir", ecDir)
	sh("sync", "--data-dir", usDir)

	var view referenceViewJSON
	if err := json.Unmarshal([]byte(sh("subject", "show", hit.Reference, "--purpose", "border_inspection", "--json", "--data-dir", usDir)), &view); err != nil {
		t.Fatal(err)
	}
	if !view.Disclosed || len(view.Disclosures) != 1 {
		t.Fatalf("the US desk's view of %s: %+v", hit.Reference, view)
	}
	d := view.Disclosures[0]
	if d.Data.Name != mate.Name.Display() || d.RequestID != req.ID || d.DisclosedBy != "ec.lzambrano" || d.OwnerAgency != "EC-PN" || d.Direction != "incoming" {
		t.Fatalf("disclosure: %+v, want the name %q under request %s", d, mate.Name.Display(), req.ID)
	}
	var gotCedula string
	for _, doc := range d.Data.Documents {
		if doc.Kind == string(cases.DocCedula) {
			gotCedula = doc.Number
		}
	}
	if cedula == "" || gotCedula != cedula {
		t.Fatalf("disclosed cédula %q, want %q", gotCedula, cedula)
	}
	if text := sh("subject", "show", hit.Reference, "--purpose", "border_inspection", "--data-dir", usDir); !strings.Contains(text, "disclosed by EC-PN on ") || !strings.Contains(text, "under request "+req.ID) {
		t.Fatalf("subject show:\n%s", text)
	}
	// Only that subject's data reached the US desk.
	if !bytes.Contains(deskFileBytes(t, usDir), []byte(cedula)) {
		t.Fatalf("the disclosed cédula %s is not in the US desk's files", cedula)
	}
	if l := leaks(deskFileBytes(t, usDir), mate.ID); len(l) > 0 {
		t.Fatalf("the US desk holds EC personal data beyond the disclosure: %v", l[:min(5, len(l))])
	}
	var outgoing []followUpJSON
	json.Unmarshal([]byte(sh("requests", "list", "--outgoing", "--json", "--data-dir", usDir)), &outgoing)
	if len(outgoing) != 1 || outgoing[0].Status != "approved" || outgoing[0].Late || outgoing[0].DisclosureID != d.ID {
		t.Fatalf("the US desk's outgoing requests: %+v", outgoing)
	}
	for dir, who := range map[string]string{ecDir: "ec.auditoria", usDir: "us.audit"} {
		var ds []disclosureJSON
		if err := json.Unmarshal([]byte(sh("audit", "disclosures", "--json", "--as", who, "--data-dir", dir)), &ds); err != nil {
			t.Fatal(err)
		}
		if len(ds) != 1 || ds[0].ID != d.ID || ds[0].RequestID != req.ID || ds[0].To != "US-CBP" {
			t.Fatalf("%s's audit of disclosures: %+v", who, ds)
		}
		log := sh("audit", "queries", "--as", who, "--data-dir", dir)
		for _, want := range map[string][]string{
			ecDir: {"request " + req.ID + " received from US-CBP", "disclosed name,dob,sex,nationalities,documents of reference " + hit.Reference + " to US-CBP"},
			usDir: {"HIT on partner references " + hit.Reference, "core-data request " + req.ID, "disclosure received from EC-PN"},
		}[dir] {
			if !strings.Contains(log, want) {
				t.Errorf("%s's query log lacks %q:\n%s", who, want, log)
			}
		}
	}

	// A second request, declined with a reason that reaches the requester.
	other := otherPartnerReference(t, usDir, hit.Reference)
	sh("request", "core-data", other, "--case", caseID, "--purpose", "criminal_investigation", "--reason", "an associate", "--data-dir", usDir)
	sh("sync", "--data-dir", usDir)
	sh("sync", "--data-dir", ecDir)
	json.Unmarshal([]byte(sh("requests", "list", "--incoming", "--json", "--data-dir", ecDir)), &incoming)
	var second string
	for _, f := range incoming {
		if f.Reference == other {
			second = f.ID
		}
	}
	fails("gives its reason", "requests", "decline", second, "--data-dir", ecDir)
	sh("requests", "decline", second, "--reason", "the file is under judicial seal", "--data-dir", ecDir)
	sh("sync", "--data-dir", ecDir)
	sh("sync", "--data-dir", usDir)
	if out := sh("requests", "list", "--outgoing", "--data-dir", usDir); !strings.Contains(out, "declined: the file is under judicial seal") {
		t.Fatalf("the US desk's requests:\n%s", out)
	}
	if l := leaks(deskFileBytes(t, usDir), mate.ID); len(l) > 0 {
		t.Fatalf("a decline disclosed: %v", l)
	}

	// The demo's simulated partner answers what waits in its queue: most
	// approved, some declined with a reason.
	for _, ref := range otherPartnerReferences(t, usDir, 6, hit.Reference, other) {
		sh("request", "core-data", ref, "--case", caseID, "--purpose", "border_inspection", "--reason", "batch", "--data-dir", usDir)
	}
	sh("sync", "--data-dir", usDir)
	sh("sync", "--data-dir", ecDir)
	st, settings, err := openDeskStore(ctx, ecDir, 0) // signs as the desk's officers
	if err != nil {
		t.Fatal(err)
	}
	if err := unlockDemoOfficers(settings.keys, "EC-PN"); err != nil {
		t.Fatal(err)
	}
	// It sleeps until the first request falls due, not by polling.
	if wait := nextAnswer(ctx, st, time.Minute); wait <= 0 || wait > time.Minute+time.Second {
		t.Errorf("the partner would look again in %v, want within the minute the requests take to fall due", wait)
	}
	n, err := answerDue(ctx, st, "EC-PN", 0)
	if err != nil || n != 6 {
		st.Close()
		t.Fatalf("the simulated partner answered %d of 6: %v", n, err)
	}
	if wait := nextAnswer(ctx, st, time.Minute); wait != time.Hour {
		t.Errorf("with nothing pending the partner would look again in %v, want an hour (a request wakes it)", wait)
	}
	st.Close()
	sh("sync", "--data-dir", ecDir)
	sh("sync", "--data-dir", usDir)
	json.Unmarshal([]byte(sh("requests", "list", "--outgoing", "--json", "--data-dir", usDir)), &outgoing)
	for _, f := range outgoing {
		if f.Reason != "batch" {
			continue
		}
		reason, declined := partnerDeclines(f.ID)
		switch {
		case declined && (f.Status != "declined" || f.DeclineReason != reason):
			t.Errorf("request %s: %s %q, want declined %q", f.ID, f.Status, f.DeclineReason, reason)
		case !declined && (f.Status != "approved" || f.DisclosureID == "" || f.AnsweredBy != "ec.lzambrano"):
			t.Errorf("request %s: %+v, want approved by the partner's supervisor", f.ID, f)
		}
	}
}

// allSubjects reads every subject with prints a desk holds (the demo of
// these tests prints every subject).
func allSubjects(t *testing.T, st *store.Store) []cases.Subject {
	t.Helper()
	var ids []string
	err := st.EachSubjectFingerprints(context.Background(), func(id string, _ []cases.Fingerprint) error {
		ids = append(ids, id)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	subs, err := st.SubjectsByID(context.Background(), ids)
	if err != nil {
		t.Fatal(err)
	}
	if h, _ := st.Health(context.Background()); h.Subjects != len(subs) {
		t.Fatalf("the desk holds %d subjects, %d with prints: the test needs every subject printed", h.Subjects, len(subs))
	}
	return subs
}

// caseOfEncounter is the case the demo opened for an encounter.
func caseOfEncounter(t *testing.T, deskDir, encounter string) string {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(deskDir, dataFileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	list, err := st.Encounters(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range list {
		if e.ID == encounter && len(e.CaseIDs) > 0 {
			return e.CaseIDs[0]
		}
	}
	t.Fatalf("encounter %s has no case", encounter)
	return ""
}

// otherPartnerReference is a partner reference on a desk other than not.
func otherPartnerReference(t *testing.T, deskDir, not string) string {
	t.Helper()
	return otherPartnerReferences(t, deskDir, 1, not)[0]
}

// otherPartnerReferences are n partner references on a desk, none of not.
func otherPartnerReferences(t *testing.T, deskDir string, n int, not ...string) []string {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(deskDir, dataFileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var found []string
	st.EachReferenceFingerprints(context.Background(), func(ref string, _ []cases.Fingerprint) error {
		if len(found) < n && !slices.Contains(not, ref) {
			found = append(found, ref)
		}
		return nil
	})
	if len(found) < n {
		t.Fatalf("%d other partner references, want %d", len(found), n)
	}
	return found
}

// craftedLog is a desk log that sends hand-made events and keeps what the
// hub answers and delivers: a desk that does not play by the rules.
type craftedLog struct {
	unsent    []cases.Event
	acks      map[string]exchange.Ack
	delivered []exchange.Delivered
}

func (l *craftedLog) Unsent(context.Context, int) ([]cases.Event, error) {
	var out []cases.Event
	for _, ev := range l.unsent {
		if _, done := l.acks[ev.ID]; !done {
			out = append(out, ev)
		}
	}
	return out, nil
}
func (l *craftedLog) Pending(ctx context.Context) (int, error) {
	u, _ := l.Unsent(ctx, 0)
	return len(u), nil
}
func (l *craftedLog) Acknowledge(_ context.Context, acks []exchange.Ack) error {
	for _, a := range acks {
		l.acks[a.ID] = a
	}
	return nil
}
func (l *craftedLog) Cursor(context.Context) (int64, error) { return 0, nil }
func (l *craftedLog) Apply(_ context.Context, evs []exchange.Delivered, _ int64) error {
	l.delivered = append(l.delivered, evs...)
	return nil
}

// TestHubRefusesPersonalDataOutsideADisclosure drives the real hub (the
// demo's, from its hub.json) with events signed by registered officers: a
// subject's personal data addressed to the partner, a disclosure by an agency
// that does not own the subject, and an approval by an auditor are all
// refused, and the partner receives none of them. A proper disclosure by the
// owner goes through, to the agency it names only.
func TestHubRefusesPersonalDataOutsideADisclosure(t *testing.T) {
	ecDir, usDir, _, _, _ := twoDemoDesks(t, "--subjects", "60", "--cases", "20", "--prints", "60", "--encounters", "0")
	ids := cases.NewIDs(cases.SystemClock{})
	deskClient := func(dir, agency string) (*exchange.Client, *craftedLog, *officerkey.Keyring) {
		s, _, err := loadSyncSettings(dir)
		if err != nil {
			t.Fatal(err)
		}
		tlsCfg, err := exchange.DeskTLSConfig(s.HubCAFile, s.CertFile, s.KeyFile)
		if err != nil {
			t.Fatal(err)
		}
		log := &craftedLog{acks: map[string]exchange.Ack{}}
		c, err := exchange.NewClient(exchange.ClientConfig{HubURL: s.HubURL, TLS: tlsCfg, Log: log})
		if err != nil {
			t.Fatal(err)
		}
		keys := officerkey.NewKeyring(s.KeyDir)
		if err := unlockDemoOfficers(keys, agency); err != nil {
			t.Fatal(err)
		}
		return c, log, keys
	}
	event := func(keys *officerkey.Keyring, author, agency string, kind cases.EventKind, to []string, payload any) cases.Event {
		body, err := json.Marshal(payload)
		if err != nil {
			t.Fatal(err)
		}
		ev := cases.Event{ID: ids.New(), Author: author, Device: "crafted", HLC: cases.HLC{WallMS: time.Now().UnixMilli()}, Kind: kind,
			Agency: agency, SharedWith: to, Payload: body}
		if err := exchange.SignEvent(&ev, keys); err != nil {
			t.Fatal(err)
		}
		return ev
	}
	us, usLog, usKeys := deskClient(usDir, "US-CBP")
	ec, ecLog, ecKeys := deskClient(ecDir, "EC-PN")

	ecSubject := "0193aaaa-0000-7000-8000-000000000001"
	ecRef := cases.ReferenceNumber("EC-PN", ecSubject)
	name := cases.Name{Given: []string{"Zoila"}, Paternal: "Quintuña", Maternal: "Ximbo"}
	refused := map[string]cases.Event{
		// A subject's personal data addressed to the partner.
		"subject to partner": event(usKeys, "us.jsmith", "US-CBP", cases.EventSubjectUpserted, []string{"EC-PN"},
			cases.Subject{ID: "0193aaaa-0000-7000-8000-000000000002", Name: name, OwnerAgency: "US-CBP", Category: cases.CategoryGangMember}),
		// A disclosure of an EC-PN subject by US-CBP.
		"disclosure by non-owner": event(usKeys, "us.jsmith", "US-CBP", cases.EventDisclosureMade, []string{"EC-PN"},
			cases.Disclosure{ID: ids.New(), Reference: ecRef, To: "EC-PN", Category: cases.CategoryTerrorist, Fields: []cases.CoreField{cases.FieldName}, Data: cases.CoreData{Name: &name}}),
	}
	refusedEC := map[string]cases.Event{
		// An approval signed by an auditor.
		"approval by auditor": event(ecKeys, "ec.auditoria", "EC-PN", cases.EventDisclosureMade, []string{"US-CBP"},
			cases.Disclosure{ID: ids.New(), RequestID: ids.New(), Reference: ecRef, To: "US-CBP", Category: cases.CategoryGangMember, Fields: []cases.CoreField{cases.FieldName}, Data: cases.CoreData{Name: &name}}),
		// A disclosure carrying a field the agreement does not allow.
		"field outside core data": event(ecKeys, "ec.mrodriguez", "EC-PN", cases.EventDisclosureMade, []string{"US-CBP"},
			cases.Disclosure{ID: ids.New(), RequestID: ids.New(), Reference: ecRef, To: "US-CBP", Category: cases.CategoryGangMember, Fields: []cases.CoreField{cases.FieldName, cases.FieldGang}, Data: cases.CoreData{Name: &name, Gang: "Los Lobos"}}),
		// Data beyond the fields a disclosure names.
		"data beyond its fields": event(ecKeys, "ec.mrodriguez", "EC-PN", cases.EventDisclosureMade, []string{"US-CBP"},
			cases.Disclosure{ID: ids.New(), RequestID: ids.New(), Reference: ecRef, To: "US-CBP", Category: cases.CategoryGangMember, Fields: []cases.CoreField{cases.FieldDOB}, Data: cases.CoreData{Name: &name}}),
		// A spontaneous disclosure of a subject that is not a terrorism suspect.
		"spontaneous for a gang member": event(ecKeys, "ec.mrodriguez", "EC-PN", cases.EventDisclosureMade, []string{"US-CBP"},
			cases.Disclosure{ID: ids.New(), Reference: ecRef, To: "US-CBP", Category: cases.CategoryGangMember, Fields: []cases.CoreField{cases.FieldName}, Data: cases.CoreData{Name: &name}}),
	}
	allowed := event(ecKeys, "ec.mrodriguez", "EC-PN", cases.EventDisclosureMade, []string{"US-CBP"},
		cases.Disclosure{ID: ids.New(), Reference: ecRef, To: "US-CBP", Category: cases.CategoryTerrorist, Fields: []cases.CoreField{cases.FieldName}, Data: cases.CoreData{Name: &name}})
	for _, ev := range refused {
		usLog.unsent = append(usLog.unsent, ev)
	}
	for _, ev := range refusedEC {
		ecLog.unsent = append(ecLog.unsent, ev)
	}
	ecLog.unsent = append(ecLog.unsent, allowed)
	us.RunOnce(context.Background())
	ec.RunOnce(context.Background())
	for what, ev := range refused {
		if a := usLog.acks[ev.ID]; a.Status != exchange.AckRejected || a.Code != cases.EFORBIDDEN {
			t.Errorf("%s: the hub answered %+v", what, a)
		}
	}
	for what, ev := range refusedEC {
		if a := ecLog.acks[ev.ID]; a.Status != exchange.AckRejected {
			t.Errorf("%s: the hub answered %+v", what, a)
		}
	}
	if a := ecLog.acks[allowed.ID]; a.Status != exchange.AckStored {
		t.Fatalf("a spontaneous disclosure of a terrorism suspect by its owner: %+v", a)
	}
	// Pull again as each desk: nothing refused is delivered; the allowed
	// disclosure reaches US-CBP.
	us.RunOnce(context.Background())
	ec.RunOnce(context.Background())
	for _, d := range append(usLog.delivered, ecLog.delivered...) {
		for what, ev := range refused {
			if d.Event.ID == ev.ID {
				t.Errorf("the hub delivered the refused %s", what)
			}
		}
		for what, ev := range refusedEC {
			if d.Event.ID == ev.ID {
				t.Errorf("the hub delivered the refused %s", what)
			}
		}
		if bytes.Contains(d.Event.Payload, []byte("Quintuña")) && d.Event.ID != allowed.ID {
			t.Errorf("event %s (%s) carries the name", d.Event.ID, d.Event.Kind)
		}
	}
	got := false
	for _, d := range usLog.delivered {
		got = got || d.Event.ID == allowed.ID
	}
	if !got {
		t.Error("the owner's disclosure did not reach US-CBP")
	}
	for what, ev := range refused {
		if a := usLog.acks[ev.ID]; !strings.Contains(a.Error, map[string]string{"subject to partner": "inside a disclosure", "disclosure by non-owner": "belongs to EC-PN"}[what]) {
			t.Errorf("%s: refused with %q", what, a.Error)
		}
	}
	if a := ecLog.acks[refusedEC["approval by auditor"].ID]; a.Code != cases.EFORBIDDEN || !strings.Contains(a.Error, "auditor") {
		t.Errorf("approval by an auditor refused with %+v", a)
	}
}
