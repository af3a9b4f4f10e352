package store_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/store"
	_ "modernc.org/sqlite"
)

var (
	ctx        = context.Background()
	epoch      = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	usOfficer  = cases.Officer{ID: "us.jsmith", Name: "Jane Smith", Agency: "US-CBP", Roles: []cases.Role{cases.RoleOfficer}}
	usSuper    = cases.Officer{ID: "us.mbrown", Name: "Mark Brown", Agency: "US-CBP", Roles: []cases.Role{cases.RoleSupervisor, cases.RoleOfficer}}
	ecOfficer  = cases.Officer{ID: "ec.mrodriguez", Name: "María Rodríguez", Agency: "EC-PN", Roles: []cases.Role{cases.RoleOfficer}}
	usAuditor  = cases.Officer{ID: "us.audit", Name: "Ann Audit", Agency: "US-CBP", Roles: []cases.Role{cases.RoleAuditor}}
	allOfficer = []cases.Officer{usOfficer, usSuper, ecOfficer, usAuditor}
)

func open(t *testing.T, path string, clock cases.Clock) *store.Store {
	t.Helper()
	st, err := store.Open(ctx, path, store.Options{Clock: clock, DeskNumber: 7})
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func seeded(t *testing.T) (*store.Store, *cases.ManualClock, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "enlace.db")
	clock := cases.NewManualClock(epoch)
	st := open(t, path, clock)
	for _, a := range []cases.Agency{{Code: "US-CBP", Name: "U.S. Customs and Border Protection", Country: "USA"}, {Code: "EC-PN", Name: "Policía Nacional del Ecuador", Country: "ECU"}} {
		if err := st.PutAgency(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	for _, o := range allOfficer {
		if err := st.PutOfficer(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	return st, clock, path
}

func countEvents(t *testing.T, path string) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM events`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCaseLifecycleWritesEventsAndPersists(t *testing.T) {
	st, clock, path := seeded(t)
	c, err := st.CreateCase(ctx, usOfficer, cases.NewCase{Title: "Hit on encounter at JFK", SharedWith: []string{"EC-PN"}, Priority: cases.PriorityHigh, SubjectIDs: []string{"s1"}})
	if err != nil {
		t.Fatal(err)
	}
	if c.ID != "US-CBP-2026-070001" {
		t.Errorf("case number = %s, want US-CBP-2026-070001", c.ID)
	}
	clock.Advance(time.Minute)
	if _, err := st.AddNote(ctx, usOfficer, c.ID, "Probe quality is poor on the left thumb.", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ChangeStatus(ctx, usOfficer, c.ID, cases.StatusInReview, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Assign(ctx, usSuper, c.ID, ecOfficer.ID); err == nil {
		t.Fatal("a US supervisor assigned an EC officer; each agency assigns its own")
	}
	if _, err := st.Assign(ctx, usSuper, c.ID, usOfficer.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SetPriority(ctx, usSuper, c.ID, cases.PriorityCritical); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RecordDecision(ctx, ecOfficer, c.ID, cases.Decision{Conclusion: cases.Exclusion, CandidateID: "s1", Justification: "Different core pattern"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Case(ctx, c.ID); got.Status != cases.StatusInReview {
		t.Errorf("an exclusion of one candidate moved the case to %s", got.Status)
	}
	if _, err := st.RecordDecision(ctx, usOfficer, c.ID, cases.Decision{Conclusion: cases.NoIdentification, Justification: "No candidate agrees"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Verify(ctx, usOfficer, c.ID, cases.Decision{Conclusion: cases.NoIdentification, Justification: "mine"}); err == nil {
		t.Error("the examiner verified their own conclusion")
	}
	if _, err := st.Verify(ctx, usSuper, c.ID, cases.Decision{Conclusion: cases.NoIdentification, Justification: "None agrees, verified blind"}); err != nil {
		t.Fatal(err)
	}
	if got := countEvents(t, path); got != 8 {
		t.Errorf("event log holds %d events, want 8 (one per change)", got)
	}
	st.Close()

	st2 := open(t, path, clock)
	got, err := st2.Case(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != cases.StatusDecided || got.Examination != cases.ExamVerified || got.Assignee != usOfficer.ID || got.Assignees["US-CBP"] != usOfficer.ID || got.Priority != cases.PriorityCritical || got.Version != 2 {
		t.Errorf("after reopen: status %s assignee %s priority %s version %d", got.Status, got.Assignee, got.Priority, got.Version)
	}
	anns, err := st2.Annotations(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	kinds := []cases.AnnotationKind{}
	for _, a := range anns {
		kinds = append(kinds, a.Kind)
	}
	want := []cases.AnnotationKind{cases.AnnNote, cases.AnnStatus, cases.AnnAssign, cases.AnnPriority, cases.AnnDecision, cases.AnnDecision, cases.AnnVerification}
	if len(kinds) != len(want) {
		t.Fatalf("timeline kinds %v, want %v", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Fatalf("timeline kinds %v, want %v", kinds, want)
		}
	}
	if anns[4].Decision == nil || anns[4].Decision.Conclusion != cases.Exclusion {
		t.Errorf("decision not kept: %+v", anns[4])
	}
}

func TestRulesRejectWithoutWriting(t *testing.T) {
	st, _, path := seeded(t)
	c, err := st.CreateCase(ctx, usOfficer, cases.NewCase{Title: "Case"})
	if err != nil {
		t.Fatal(err)
	}
	before := countEvents(t, path)
	checks := []struct {
		name string
		err  error
		code string
		msg  string
	}{
		{"empty note", func() error { _, err := st.AddNote(ctx, usOfficer, c.ID, "  \n ", ""); return err }(), cases.EINVALID, "empty"},
		{"illegal transition", func() error { _, err := st.ChangeStatus(ctx, usOfficer, c.ID, cases.StatusClosed, ""); return err }(), cases.EINVALID, "cannot move to Closed"},
		{"officer assigns", func() error { _, err := st.Assign(ctx, usOfficer, c.ID, usOfficer.ID); return err }(), cases.EFORBIDDEN, "supervisor"},
		{"auditor notes", func() error { _, err := st.AddNote(ctx, usAuditor, c.ID, "x", ""); return err }(), cases.EFORBIDDEN, "auditor"},
		{"not shared", func() error { _, err := st.AddNote(ctx, ecOfficer, c.ID, "x", ""); return err }(), cases.EFORBIDDEN, "not shared"},
		{"unknown case", func() error { _, err := st.AddNote(ctx, usOfficer, "US-CBP-2026-079999", "x", ""); return err }(), cases.ENOTFOUND, "no case"},
		{"decision without justification", func() error {
			_, err := st.RecordDecision(ctx, usOfficer, c.ID, cases.Decision{Conclusion: cases.Identification, CandidateID: "s"})
			return err
		}(), cases.EINVALID, "justification"},
		{"a candidate the case does not have", func() error {
			_, err := st.RecordDecision(ctx, usOfficer, c.ID, cases.Decision{Conclusion: cases.Identification, CandidateID: "s", Justification: "12 points"})
			return err
		}(), cases.EINVALID, "not a subject of case"},
		{"closing the examination of a New case", func() error {
			_, err := st.RecordDecision(ctx, usOfficer, c.ID, cases.Decision{Conclusion: cases.NoIdentification, Justification: "none of them"})
			return err
		}(), cases.EINVALID, "start its review"},
	}
	for _, ch := range checks {
		if ch.err == nil {
			t.Errorf("%s: no error", ch.name)
			continue
		}
		if got := cases.ErrorCode(ch.err); got != ch.code {
			t.Errorf("%s: code %q, want %q (%v)", ch.name, got, ch.code, ch.err)
		}
		if !strings.Contains(cases.ErrorMessage(ch.err), ch.msg) {
			t.Errorf("%s: message %q lacks %q", ch.name, cases.ErrorMessage(ch.err), ch.msg)
		}
	}
	if after := countEvents(t, path); after != before {
		t.Errorf("rejected changes wrote %d events", after-before)
	}
}

func TestNoteEditSupersedes(t *testing.T) {
	st, _, _ := seeded(t)
	c, _ := st.CreateCase(ctx, usOfficer, cases.NewCase{Title: "Case"})
	first, err := st.AddNote(ctx, usOfficer, c.ID, "Subject used alias Fito", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddNote(ctx, usOfficer, c.ID, "Subject used alias Fito (confirmed by EC-PN)", first.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddNote(ctx, usSuper, c.ID, "not mine", first.ID); cases.ErrorCode(err) != cases.EFORBIDDEN {
		t.Errorf("editing another officer's note: %v", err)
	}
	anns, _ := st.Annotations(ctx, c.ID)
	if len(anns) != 2 || anns[0].Text != "Subject used alias Fito" || anns[1].Supersedes != first.ID {
		t.Errorf("edit must append a superseding note, got %+v", anns)
	}
}

func TestEventLogIsAppendOnly(t *testing.T) {
	st2 := open(t, filepath.Join(t.TempDir(), "y.db"), nil)
	_ = st2.PutAgency(ctx, cases.Agency{Code: "US-CBP", Name: "CBP", Country: "USA"})
	_ = st2.PutOfficer(ctx, usOfficer)
	c, err := st2.CreateCase(ctx, usOfficer, cases.NewCase{Title: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st2.AddNote(ctx, usOfficer, c.ID, "n", ""); err != nil {
		t.Fatal(err)
	}
	db2, _ := sql.Open("sqlite", "file:"+st2.Path())
	defer db2.Close()
	for _, q := range []string{`UPDATE events SET kind = 'x'`, `DELETE FROM events`, `UPDATE annotations SET text = 'x'`, `DELETE FROM annotations`} {
		if _, err := db2.Exec(q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: want append-only refusal, got %v", q, err)
		}
	}
}

func TestOpenRefusesNewerAndForeignFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "newer.db")
	st := open(t, path, nil)
	st.Close()
	db, _ := sql.Open("sqlite", "file:"+path)
	if _, err := db.Exec(`PRAGMA user_version = 999`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err := store.Open(ctx, path, store.Options{})
	if err == nil || !strings.Contains(err.Error(), "newer version of Enlace") {
		t.Errorf("newer file: got %v", err)
	}

	junk := filepath.Join(dir, "junk.db")
	writeFile(t, junk, "this is a spreadsheet, not a database")
	if _, err := store.Open(ctx, junk, store.Options{}); err == nil || !strings.Contains(err.Error(), "not an Enlace data file") {
		t.Errorf("junk file: got %v", err)
	}

	other := filepath.Join(dir, "other.db")
	db, _ = sql.Open("sqlite", "file:"+other)
	db.Exec(`CREATE TABLE t(x)`)
	db.Close()
	if _, err := store.Open(ctx, other, store.Options{}); err == nil || !strings.Contains(err.Error(), "not an Enlace data file") {
		t.Errorf("foreign sqlite file: got %v", err)
	}
}

func TestFromEmptyFileToCurrentSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty.db")
	writeFile(t, path, "")
	st := open(t, path, nil)
	h, err := st.Health(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if h.SchemaVersion != store.SchemaVersion() || h.SchemaVersion < 1 {
		t.Errorf("schema %d, want %d", h.SchemaVersion, store.SchemaVersion())
	}
}

func TestDiskFullLosesNothing(t *testing.T) {
	st, _, path := seeded(t)
	c, err := st.CreateCase(ctx, usOfficer, cases.NewCase{Title: "Keep me"})
	if err != nil {
		t.Fatal(err)
	}
	// Cap the file at its current size: the next growth fails as a full disk would.
	if err := st.LimitPagesForTest(ctx); err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("x", cases.MaxNoteBytes-10)
	var full error
	for i := 0; i < 50 && full == nil; i++ {
		_, full = st.AddNote(ctx, usOfficer, c.ID, big, "")
	}
	if full == nil || !strings.Contains(full.Error(), "disk is full") || cases.ErrorCode(full) != cases.ESTORAGE {
		t.Fatalf("want a disk-full error, got %v", full)
	}
	st.Close()
	st2 := open(t, path, nil)
	got, err := st2.Case(ctx, c.ID)
	if err != nil || got.Title != "Keep me" {
		t.Fatalf("case lost after disk full: %v %v", got, err)
	}
	if _, err := st2.AddNote(ctx, usOfficer, c.ID, "after", ""); err != nil {
		t.Errorf("store unusable after disk full: %v", err)
	}
}

func TestCaseNumbersDifferAcrossDesks(t *testing.T) {
	dir := t.TempDir()
	a, err := store.Open(ctx, filepath.Join(dir, "a.db"), store.Options{DeskNumber: 1, Clock: cases.NewManualClock(epoch)})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := store.Open(ctx, filepath.Join(dir, "b.db"), store.Options{DeskNumber: 2, Clock: cases.NewManualClock(epoch)})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for _, s := range []*store.Store{a, b} {
		s.PutAgency(ctx, cases.Agency{Code: "US-CBP", Name: "CBP", Country: "USA"})
		s.PutOfficer(ctx, usOfficer)
	}
	ca, _ := a.CreateCase(ctx, usOfficer, cases.NewCase{Title: "x"})
	cb, _ := b.CreateCase(ctx, usOfficer, cases.NewCase{Title: "x"})
	if ca.ID == cb.ID {
		t.Errorf("two desks offline made the same case number %s", ca.ID)
	}
	if _, err := store.Open(ctx, filepath.Join(dir, "a.db"), store.Options{DeskNumber: 3}); err == nil {
		t.Error("reopening desk 1's file as desk 3 must be refused")
	}
}

func TestQueryLog(t *testing.T) {
	st, _, _ := seeded(t)
	if err := st.LogQuery(ctx, cases.QueryLogEntry{OfficerID: usOfficer.ID, Kind: "name", Query: "Fito Macías"}); cases.ErrorCode(err) != cases.EINVALID {
		t.Errorf("search without purpose: %v", err)
	}
	if err := st.LogQuery(ctx, cases.QueryLogEntry{OfficerID: usOfficer.ID, Kind: "name", Query: "Fito Macías", Purpose: cases.PurposeBorder, Results: 3}); err != nil {
		t.Fatal(err)
	}
	got, err := st.QueryLog(ctx, 10)
	if err != nil || len(got) != 1 || got[0].Query != "Fito Macías" || got[0].Results != 3 {
		t.Errorf("query log: %+v %v", got, err)
	}
	var ce *cases.Error
	if err := st.LogQuery(ctx, cases.QueryLogEntry{Purpose: cases.PurposeOther}); !errors.As(err, &ce) {
		t.Errorf("other without text: %v", err)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestCasesVisibleToAgency(t *testing.T) {
	st, _, _ := seeded(t)
	shared, _ := st.CreateCase(ctx, usOfficer, cases.NewCase{Title: "shared", SharedWith: []string{"EC-PN"}})
	private, _ := st.CreateCase(ctx, usOfficer, cases.NewCase{Title: "private"})
	ecCase, _ := st.CreateCase(ctx, ecOfficer, cases.NewCase{Title: "ec"})
	got, err := st.Cases(ctx, cases.CaseFilter{Agency: "EC-PN"})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, c := range got {
		ids[c.ID] = true
	}
	if !ids[shared.ID] || !ids[ecCase.ID] || ids[private.ID] || len(got) != 2 {
		t.Errorf("EC-PN sees %v; want %s and %s only", ids, shared.ID, ecCase.ID)
	}
}

// TestQueryLogKeptAsLongAsTheAgreementSays: entries older than the
// agreement's retention are gone when the store next opens; newer ones stay.
func TestQueryLogKeptAsLongAsTheAgreementSays(t *testing.T) {
	st, clock, path := seeded(t)
	for _, age := range []time.Duration{800 * 24 * time.Hour, 10 * 24 * time.Hour} {
		if err := st.LogQuery(ctx, cases.QueryLogEntry{OfficerID: usOfficer.ID, Agency: "US-CBP", At: clock.Now().Add(-age), Kind: "name",
			Query: "age " + age.String(), Purpose: cases.PurposeBorder}); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	st2 := open(t, path, clock)
	log, err := st2.QueryLog(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, e := range log {
		kept = append(kept, e.Query)
	}
	if strings.Join(kept, ",") != "age 240h0m0s" {
		t.Errorf("after reopening, the log holds %v; the agreement keeps 730 days", kept)
	}
}

// TestAgreementSaysWhichConclusionsAreVerified: under an agreement that asks
// verification of identifications only, "no identification" decides the
// case at once; an identification still waits for a second officer.
func TestAgreementSaysWhichConclusionsAreVerified(t *testing.T) {
	a := cases.DefaultAgreement()
	only := []cases.Conclusion{cases.Identification}
	a.VerificationRequired = &only
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "v.db"), store.Options{Clock: cases.NewManualClock(epoch), Agreement: a})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, ag := range []cases.Agency{{Code: "US-CBP", Name: "CBP", Country: "USA"}, {Code: "EC-PN", Name: "PN", Country: "ECU"}} {
		if err := st.PutAgency(ctx, ag); err != nil {
			t.Fatal(err)
		}
	}
	for _, o := range allOfficer {
		if err := st.PutOfficer(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	open := func() string {
		c, err := st.CreateCase(ctx, usOfficer, cases.NewCase{Title: "t", SubjectIDs: []string{"s1"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.ChangeStatus(ctx, usOfficer, c.ID, cases.StatusInReview, ""); err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	none, ident := open(), open()
	if _, err := st.Conclude(ctx, usOfficer, none, cases.Decision{Conclusion: cases.NoIdentification, Justification: "none agrees"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Conclude(ctx, usOfficer, ident, cases.Decision{Conclusion: cases.Identification, CandidateID: "s1", Justification: "12 points"}); err != nil {
		t.Fatal(err)
	}
	if c, _ := st.Case(ctx, none); c.Status != cases.StatusDecided || c.Examination != cases.ExamUnverified {
		t.Errorf("no identification under this agreement: %s, %s", c.Status, c.Examination)
	}
	if c, _ := st.Case(ctx, ident); c.Status != cases.StatusInReview || c.Examination != cases.ExamAwaitVerify {
		t.Errorf("an identification under this agreement: %s, %s", c.Status, c.Examination)
	}
	bad := []byte(`{"name":"x","parties":["EC-PN","US-CBP"],"categories_in_scope":["terrorist"],"purposes":["other"],"core_fields":["name"],` +
		`"follow_up_deadline_hours":48,"max_candidates":20,"log_retention_days":730,"spontaneous_categories":[],"verification_required":["exclusion"]}`)
	if _, err := cases.ParseAgreement(bad); err == nil || !strings.Contains(err.Error(), "verification_required") {
		t.Errorf("a policy that asks verification of an exclusion: %v", err)
	}
}

// TestCloseWaitsForReadsInFlight closes the store while another goroutine is
// half-way through reading the prints on file: Close returns only once that
// read is done, and then nothing holds or recreates the data file's WAL, so
// its folder can be removed whole. (Before, the read's connection closed
// after Close had returned, and a test's temporary folder was sometimes
// found not empty.)
func TestCloseWaitsForReadsInFlight(t *testing.T) {
	st, _, path := seeded(t)
	prints := []cases.Fingerprint{{Position: 2, Format: "iso19794-2:2005", Template: []byte{1, 2, 3}}}
	for _, name := range []string{"Loor", "Mina", "Ayoví"} {
		if err := st.SaveSubject(ctx, usOfficer, &cases.Subject{Name: cases.Name{Given: []string{"Ana"}, Paternal: name}, Category: cases.CategoryOther, Fingerprints: prints}); err != nil {
			t.Fatal(err)
		}
	}
	inRead, release := make(chan struct{}), make(chan struct{})
	readDone := make(chan error, 1)
	go func() {
		first := true
		readDone <- st.EachSubjectFingerprints(ctx, func(string, []cases.Fingerprint) error {
			if first {
				first = false
				close(inRead)
				<-release
			}
			return nil
		})
	}()
	<-inRead
	closed := make(chan error, 1)
	go func() { closed <- st.Close() }()
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) while a read was still running", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	if err := <-closed; err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := <-readDone; err != nil {
		t.Errorf("the read under way when Close was called: %v", err)
	}
	for _, f := range []string{path + "-wal", path + "-shm"} {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("%s is still there after Close", f)
		}
	}
	if _, err := st.Encounters(ctx); err == nil {
		t.Error("a read after Close was served")
	}
}
