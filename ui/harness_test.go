package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/enlace-desk/enlace/biometric"
	"github.com/enlace-desk/enlace/biometric/synth"
	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/store"
)

// The desk the end-to-end tests run: a real store in a temporary file,
// seeded through its public methods, with a clock stopped at a fixed moment
// so every age, due mark and timestamp on screen is the same on every run.
var (
	agencyEC = cases.Agency{Code: "EC-PN", Name: "Policía Nacional del Ecuador", Country: "ECU"}
	agencyUS = cases.Agency{Code: "US-CBP", Name: "U.S. Customs and Border Protection", Country: "USA"}

	supervisor = cases.Officer{ID: "ec.mrodriguez", Name: "María Rodríguez", Agency: "EC-PN",
		Roles: []cases.Role{cases.RoleSupervisor, cases.RoleOfficer}}
	officer = cases.Officer{ID: "ec.jvera", Name: "Jorge Vera", Agency: "EC-PN",
		Roles: []cases.Role{cases.RoleOfficer}}
	auditor = cases.Officer{ID: "ec.asalazar", Name: "Ana Salazar", Agency: "EC-PN",
		Roles: []cases.Role{cases.RoleAuditor}}
	partner = cases.Officer{ID: "us.jsmith", Name: "John Smith", Agency: "US-CBP",
		Roles: []cases.Role{cases.RoleOfficer}}

	seedStart = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	seedNow   = time.Date(2026, 3, 16, 10, 0, 0, 0, time.UTC)
)

// The seeded cases, by number.
const (
	caseHit       = "EC-PN-2026-010001" // New, High, overdue, two subjects, Jorge Vera
	caseAlias     = "EC-PN-2026-010002" // New, Normal, unassigned
	caseGang      = "EC-PN-2026-010003" // New, Critical, María Rodríguez
	caseExtradite = "EC-PN-2026-010004" // In review, Low, Jorge Vera, one subject
	caseDeportee  = "EC-PN-2026-010005" // Escalated, Normal
	caseMerge     = "EC-PN-2026-010006" // Closed after a decision
)

type desk struct {
	store *store.Store
	clock *cases.ManualClock
}

// synthFingers makes ISO/IEC 19794-2 templates of the given fingers of a
// synthetic ten-print (package synth, deterministic from the seed).
func synthFingers(seed uint64, positions ...int) ([]cases.Fingerprint, error) {
	prints := synth.TenPrint(seed)
	var out []cases.Fingerprint
	for _, p := range positions {
		t := prints[p-1].Template()
		rec := &biometric.Record{Format: biometric.FormatISO19794_2005, Width: t.Width, Height: t.Height,
			XRes: synth.Resolution, YRes: synth.Resolution, Views: []biometric.Template{t}}
		b, err := biometric.WriteISO19794(rec)
		if err != nil {
			return nil, err
		}
		out = append(out, cases.Fingerprint{Position: p, Format: string(biometric.FormatISO19794_2005), Template: b})
	}
	return out, nil
}

// seedFile writes the seeded desk to path. It runs once per test binary;
// each test gets its own copy of the file (seedDesk).
func seedFile(path string) (err error) {
	ctx := context.Background()
	clock := cases.NewManualClock(seedStart)
	st, err := store.Open(ctx, path, store.Options{Clock: clock, DeskNumber: 1})
	if err != nil {
		return err
	}
	defer func() {
		if cerr := st.Close(); err == nil {
			err = cerr
		}
	}()
	fail := error(nil)
	must := func(e error) {
		if e != nil && fail == nil {
			fail = e
		}
	}
	must(st.PutAgency(ctx, agencyEC))
	must(st.PutAgency(ctx, agencyUS))
	for _, o := range []cases.Officer{supervisor, officer, auditor, partner} {
		must(st.PutOfficer(ctx, o))
	}
	fingers, err := synthFingers(7, 2, 7)
	if err != nil {
		return err
	}
	jose := &cases.Subject{
		Name:          cases.Name{Given: []string{"José", "Adolfo"}, Paternal: "Macías", Maternal: "Villamar"},
		Aliases:       []cases.Alias{{Name: "Fito", Moniker: true}},
		DOB:           cases.PartialDate{Year: 1979, Month: 8, Day: 15},
		Sex:           cases.SexMale,
		Nationalities: []string{"ECU"},
		Documents:     []cases.Document{{Kind: cases.DocCedula, Number: "1714307103", Country: "ECU"}},
		Category:      cases.CategoryGangMember,
		Gang:          "Los Choneros",
		LegalStatus:   "arrest warrant",
		Fingerprints:  fingers,
	}
	carlos := &cases.Subject{
		Name:      cases.Name{Given: []string{"Carlos", "Andrés"}, Paternal: "Pérez", Maternal: "Loor"},
		DOB:       cases.PartialDate{Year: 1988},
		Sex:       cases.SexMale,
		Documents: []cases.Document{{Kind: cases.DocPassport, Number: "A1234567", Country: "ECU"}},
		Category:  cases.CategoryHighPriority,
	}
	must(st.SaveSubject(ctx, supervisor, jose))
	must(st.SaveSubject(ctx, supervisor, carlos))

	create := func(nc cases.NewCase) {
		clock.Advance(29 * time.Hour)
		_, err := st.CreateCase(ctx, supervisor, nc)
		must(err)
	}
	day := func(d int) time.Time { return time.Date(2026, 3, d, 17, 0, 0, 0, time.UTC) }
	create(cases.NewCase{Title: "Fingerprint hit at the Huaquillas border crossing", Priority: cases.PriorityHigh,
		SharedWith: []string{"US-CBP"}, Due: day(10), SubjectIDs: []string{jose.ID, carlos.ID}, Assignee: officer.ID})
	create(cases.NewCase{Title: "Passport alias check requested by US-CBP", Priority: cases.PriorityNormal,
		SharedWith: []string{"US-CBP"}, Due: day(25)})
	create(cases.NewCase{Title: "Gang affiliation review: Los Choneros cell in Guayaquil", Priority: cases.PriorityCritical,
		Assignee: supervisor.ID, SubjectIDs: []string{jose.ID}})
	create(cases.NewCase{Title: "Extradition request follow-up", Priority: cases.PriorityLow,
		Assignee: officer.ID, SubjectIDs: []string{carlos.ID}, Due: day(30)})
	create(cases.NewCase{Title: "Deportee identity confirmation, flight 2231", Priority: cases.PriorityNormal})
	create(cases.NewCase{Title: "Duplicate record merge: Pérez Loor", Priority: cases.PriorityLow,
		SubjectIDs: []string{carlos.ID}})

	clock.Advance(24 * time.Hour)
	_, err = st.AddNote(ctx, officer, caseHit, "Left thumb and right index match the ISO templates from the crossing. Asked US-CBP for the original capture.", "")
	must(err)
	clock.Advance(time.Hour)
	_, err = st.ChangeStatus(ctx, officer, caseExtradite, cases.StatusInReview, "")
	must(err)
	_, err = st.ChangeStatus(ctx, officer, caseDeportee, cases.StatusEscalated, "flight manifest disagrees with the cédula")
	must(err)
	_, err = st.ChangeStatus(ctx, supervisor, caseMerge, cases.StatusInReview, "")
	must(err)
	clock.Advance(time.Hour)
	_, err = st.RecordDecision(ctx, supervisor, caseMerge, cases.Decision{Conclusion: cases.Identification,
		CandidateID: carlos.ID, Justification: "Same ten-print and the same passport number."})
	must(err)
	// A second officer verifies it blind: the case is then Decided.
	_, err = st.Verify(ctx, officer, caseMerge, cases.Decision{Conclusion: cases.Identification,
		CandidateID: carlos.ID, Justification: "Same ten-print; verified."})
	must(err)
	_, err = st.ChangeStatus(ctx, supervisor, caseMerge, cases.StatusClosed, "merged")
	must(err)

	return fail
}

var (
	seedOnce sync.Once
	seedDir  string
	seedErr  error
)

// seedDesk opens a private copy of the seeded desk, with a clock stopped at
// seedNow.
func seedDesk(t testing.TB) *desk {
	t.Helper()
	seedOnce.Do(func() {
		if seedDir, seedErr = os.MkdirTemp("", "enlace-ui-seed-"); seedErr == nil {
			seedErr = seedFile(filepath.Join(seedDir, "desk.db"))
		}
	})
	if seedErr != nil {
		t.Fatalf("seeding the desk: %v", seedErr)
	}
	path := filepath.Join(t.TempDir(), "desk.db")
	data, err := os.ReadFile(filepath.Join(seedDir, "desk.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	clock := cases.NewManualClock(seedNow)
	st, err := store.Open(context.Background(), path, store.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &desk{store: st, clock: clock}
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, dir := range []string{seedDir, galleryDir} {
		if dir != "" {
			os.RemoveAll(dir)
		}
	}
	os.Exit(code)
}

func (d *desk) config(who cases.Officer, theme string) Config {
	return Config{Store: d.store, Officer: who, Agency: agencyEC, Clock: d.clock, Theme: theme, QueryLog: d.store}
}

// harness wraps the root model so a test can ask the running program for
// the frame it would draw now. It is the only test-only code in the loop:
// every other message goes to the real Model unchanged.
type harness struct{ m *Model }

type snapshotMsg chan string

func (h harness) Init() tea.Cmd  { return h.m.Init() }
func (h harness) View() tea.View { return h.m.View() }
func (h harness) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if ch, ok := msg.(snapshotMsg); ok {
		ch <- h.m.Render()
		return h, nil
	}
	if ch, ok := msg.(topMsg); ok {
		ch <- h.m.top()
		return h, nil
	}
	_, cmd := h.m.Update(msg)
	return h, cmd
}

// session is one run of the workstation under teatest.
type session struct {
	t  *testing.T
	tm *teatest.TestModel
	m  *Model
}

func start(t *testing.T, cfg Config, w, h int) *session {
	t.Helper()
	m := New(cfg)
	tm := teatest.NewTestModel(t, harness{m},
		teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.TrueColor)))
	s := &session{t: t, tm: tm, m: m}
	// The program ends before the test's other cleanups (its store's
	// Close among them) run: they were registered first, so they run after.
	t.Cleanup(func() {
		tm.Quit()
		tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second), teatest.WithTimeoutFn(func(tb testing.TB) {
			tb.Log("the program had not ended 5 s after it was told to quit")
		}))
	})
	return s
}

// frame is the frame the program would draw now, with styling.
func (s *session) frame() string {
	ch := make(snapshotMsg, 1)
	s.tm.Send(ch)
	select {
	case f := <-ch:
		return f
	case <-time.After(5 * time.Second):
		s.t.Fatal("the program did not answer: is it still running?")
		return ""
	}
}

// text is the frame as plain text.
func (s *session) text() string { return ansi.Strip(s.frame()) }

// waitFor waits until the plain-text frame contains want, and returns it.
func (s *session) waitFor(want string) string {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	var last string
	for time.Now().Before(deadline) {
		last = s.text()
		if strings.Contains(last, want) {
			return last
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.t.Fatalf("the screen never showed %q; last frame:\n%s", want, last)
	return ""
}

// waitGone waits until the plain-text frame no longer contains text.
func (s *session) waitGone(text string) string {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	var last string
	for time.Now().Before(deadline) {
		last = s.text()
		if !strings.Contains(last, text) {
			return last
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.t.Fatalf("the screen kept showing %q; last frame:\n%s", text, last)
	return ""
}

func (s *session) press(keys ...string) {
	for _, k := range keys {
		s.tm.Send(keyPress(k))
	}
}

func (s *session) typeText(text string) { s.tm.Type(text) }

// keyPress builds the message a terminal sends for a key name such as
// "enter", "esc", "ctrl+s", "down" or "n".
func keyPress(name string) tea.KeyPressMsg {
	switch name {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "ctrl+s":
		return tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case "ctrl+u":
		return tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}
	case "ctrl+p":
		return tea.KeyPressMsg{Code: 'p', Mod: tea.ModCtrl}
	case "ctrl+f":
		return tea.KeyPressMsg{Code: 'f', Mod: tea.ModCtrl}
	case "ctrl+t":
		return tea.KeyPressMsg{Code: 't', Mod: tea.ModCtrl}
	case "R", "D", "L":
		// What a terminal sends for shift+r (shift+d, shift+l).
		r := rune(name[0])
		return tea.KeyPressMsg{Code: r + 'a' - 'A', ShiftedCode: r, Mod: tea.ModShift, Text: name}
	}
	r := []rune(name)
	if len(r) != 1 {
		panic("keyPress: unknown key " + name)
	}
	return tea.KeyPressMsg{Code: r[0], Text: name}
}

// top is the screen on top of the running program's stack.
type topMsg chan Screen

func (s *session) top() Screen {
	ch := make(topMsg, 1)
	s.tm.Send(ch)
	select {
	case t := <-ch:
		return t
	case <-time.After(5 * time.Second):
		s.t.Fatal("the program did not answer: is it still running?")
		return nil
	}
}

// ready waits until the queue and the status bar have loaded.
func (s *session) ready() {
	s.t.Helper()
	s.waitFor("Cases 6 of 6")
	s.waitFor("6 cases · 2 subjects")
}

// openCase finds a case with the "/" filter and opens it.
func (s *session) openCase(id string) string {
	s.t.Helper()
	s.ready()
	s.press("/")
	s.typeText(id[len(id)-6:])
	s.press("enter")
	s.waitFor("Cases 1 of 6")
	s.press("enter")
	return s.waitFor("Timeline (")
}
