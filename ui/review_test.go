package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/enlace-desk/enlace/afis"
	"github.com/enlace-desk/enlace/biometric/synth"
	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/internal/shareddata"
	"github.com/enlace-desk/enlace/store"
)

// The fingerprint desk the review tests run: a gallery of galleryN
// synthetic ten-prints, an encounter captured from the mate's fingers with
// the identity he claimed (an alias given name, no maternal surname, day
// and month swapped) and a case for it, and a second encounter, of a
// stranger, with no case.
const (
	galleryN     = 24
	mateIndex    = 5 // the gallery subject the encounter is of (born 1975-06-08)
	caseEncMate  = "EC-PN-2026-010001"
	placeMate    = "Huaquillas border crossing"
	placeStrange = "Rumichaca bridge"
)

var (
	givenNames = []string{"José", "Luis", "Carlos", "María", "Ana", "Jorge", "Pedro", "Rosa", "Diana", "Juan", "Elena", "Víctor"}
	surnames   = []string{"Macías", "Pérez", "Loor", "Vera", "Zambrano", "Cedeño", "Mendoza", "Intriago", "Bravo", "Moreira", "Alcívar", "Quiñónez", "Castro"}
)

func gallerySubject(i int) *cases.Subject {
	sex := cases.SexMale
	if i%3 == 0 {
		sex = cases.SexFemale
	}
	return &cases.Subject{
		Name: cases.Name{Given: []string{givenNames[i%len(givenNames)], givenNames[(i+5)%len(givenNames)]},
			Paternal: surnames[i%len(surnames)], Maternal: surnames[(i+4)%len(surnames)]},
		DOB:           cases.PartialDate{Year: 1970 + i, Month: 1 + i%12, Day: 3 + i%25},
		Sex:           sex,
		Nationalities: []string{"ECU"},
		Documents:     []cases.Document{{Kind: cases.DocPassport, Number: fmt.Sprintf("A%07d", 1000+i), Country: "ECU"}},
		Category:      cases.CategoryHighPriority,
	}
}

func seedGalleryFile(path string) (err error) {
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
	for _, a := range []cases.Agency{agencyEC, agencyUS} {
		if err := st.PutAgency(ctx, a); err != nil {
			return err
		}
	}
	for _, o := range []cases.Officer{supervisor, officer, auditor, partner} {
		if err := st.PutOfficer(ctx, o); err != nil {
			return err
		}
	}
	var mate *cases.Subject
	for i := range galleryN {
		clock.Advance(time.Minute)
		sub := gallerySubject(i)
		for _, f := range synth.TenPrint(uint64(1000 + i)) {
			fp, err := afis.Encode(f.Template())
			if err != nil {
				return err
			}
			sub.Fingerprints = append(sub.Fingerprints, fp)
		}
		if err := st.SaveSubject(ctx, supervisor, sub); err != nil {
			return err
		}
		if i == mateIndex {
			mate = sub
		}
	}
	capture := func(seed uint64, positions ...int) ([]cases.Fingerprint, error) {
		prints := synth.TenPrint(seed)
		rng := synth.NewRand(seed * 7)
		var out []cases.Fingerprint
		for _, p := range positions {
			fp, err := afis.Encode(prints[p-1].Impression(rng, synth.ImpressionOptions{}))
			if err != nil {
				return nil, err
			}
			out = append(out, fp)
		}
		return out, nil
	}
	clock.Advance(time.Hour)
	fps, err := capture(1000+mateIndex, 1, 2, 6, 7)
	if err != nil {
		return err
	}
	claimed := mate.Biographics()
	claimed.Name = cases.Name{Given: []string{"Lucho", mate.Name.Given[1]}, Paternal: mate.Name.Paternal}
	claimed.DOB = cases.PartialDate{Year: mate.DOB.Year, Month: mate.DOB.Day, Day: mate.DOB.Month}
	enc := &cases.Encounter{ID: "0195a000-0000-7000-8000-00000000e001", Place: placeMate, Claimed: claimed, Fingerprints: fps}
	if err := st.CreateEncounter(ctx, officer, enc); err != nil {
		return err
	}
	clock.Advance(time.Hour)
	if _, err := st.CreateCase(ctx, supervisor, cases.NewCase{Title: "Fingerprint search from encounter at " + placeMate,
		Priority: cases.PriorityNormal, EncounterID: enc.ID}); err != nil {
		return err
	}
	clock.Advance(time.Hour)
	fps, err = capture(99, 2, 7)
	if err != nil {
		return err
	}
	stranger := &cases.Encounter{ID: "0195a000-0000-7000-8000-00000000e002", Place: placeStrange, Fingerprints: fps,
		Claimed: cases.Biographics{Name: cases.Name{Given: []string{"Pablo"}, Paternal: "Ortiz"}}}
	return st.CreateEncounter(ctx, officer, stranger)
}

var (
	galleryOnce sync.Once
	galleryDir  string
	galleryErr  error
)

// fingerprintDesk is a private copy of the gallery desk with the
// identification service over it.
type fingerprintDesk struct {
	*desk
	afis *afis.Desk
	mate string // the mate's subject ID
}

func seedFingerprintDesk(t testing.TB) *fingerprintDesk {
	t.Helper()
	galleryOnce.Do(func() {
		if galleryDir, galleryErr = os.MkdirTemp("", "enlace-ui-gallery-"); galleryErr == nil {
			galleryErr = seedGalleryFile(filepath.Join(galleryDir, "desk.db"))
		}
	})
	if galleryErr != nil {
		t.Fatalf("seeding the gallery: %v", galleryErr)
	}
	path := filepath.Join(t.TempDir(), "desk.db")
	data, err := os.ReadFile(filepath.Join(galleryDir, "desk.db"))
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
	d := &fingerprintDesk{desk: &desk{store: st, clock: clock}, afis: afis.New(st)}
	want := gallerySubject(mateIndex).Name.Display()
	res, err := st.SearchSubjects(context.Background(), supervisor, cases.SubjectQuery{Text: want, Purpose: cases.PurposeBorder})
	if err != nil || len(res.Hits) == 0 {
		t.Fatalf("the mate is not in the gallery: %v", err)
	}
	d.mate = res.Hits[0].Subject.ID
	return d
}

func (d *fingerprintDesk) config(who cases.Officer, theme string) Config {
	c := d.desk.config(who, theme)
	c.Identify = d.afis
	return c
}

// fingerprintLog is the query log's fingerprint searches, newest first.
func fingerprintLog(t *testing.T, d *fingerprintDesk) []cases.QueryLogEntry {
	var out []cases.QueryLogEntry
	for _, e := range queryLog(t, d.desk) {
		if e.Kind == "fingerprint" {
			out = append(out, e)
		}
	}
	return out
}

// selectRow moves the selection down until the selected row holds text.
func (s *session) selectRow(text string) {
	s.t.Helper()
	for range 50 {
		for _, l := range strings.Split(s.text(), "\n") {
			if strings.Contains(l, "▸") && strings.Contains(l, text) {
				return
			}
		}
		s.press("down")
		time.Sleep(20 * time.Millisecond)
	}
	s.t.Fatalf("no row holds %q:\n%s", text, s.text())
}

// plotHalves splits the review's plot rows at the separator: the probe's
// and the candidate's cells.
func plotHalves(t *testing.T, frame string) (left, right string) {
	t.Helper()
	lines := strings.Split(frame, "\n")
	in := false
	for _, l := range lines {
		switch {
		case strings.Contains(l, "Probe ") && strings.Contains(l, "Candidate ") && strings.Contains(l, "│"):
			in = true
			continue
		case strings.Contains(l, "⠁ ending"):
			in = false
		}
		if !in {
			continue
		}
		l, r, ok := strings.Cut(l, "│")
		if !ok {
			t.Fatalf("plot row without a separator: %q", l)
		}
		left += l + "\n"
		right += r + "\n"
	}
	if left == "" {
		t.Fatalf("no plot on screen:\n%s", frame)
	}
	return left, right
}

// labelsIn is the pair labels drawn in a plot.
func labelsIn(plot string) []rune {
	var out []rune
	for _, r := range plot {
		if strings.ContainsRune(pairLabels, r) && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	slices.Sort(out)
	return out
}

func TestEncountersIdentifyReviewDecide(t *testing.T) {
	d := seedFingerprintDesk(t)
	ctx := context.Background()
	mateName := gallerySubject(mateIndex).Name.Display()
	s := start(t, d.config(officer, ThemeDark), 120, 40)
	s.waitFor("Cases 1 of 1")
	text := s.waitFor("e encounters")

	s.press("e")
	text = s.waitFor("Encounters (2)")
	for _, want := range []string{"Huaquillas", placeStrange, "Jorge Vera", caseEncMate} {
		if !strings.Contains(text, want) {
			t.Errorf("encounters list lacks %q:\n%s", want, text)
		}
	}
	s.selectRow("Huaquillas")
	s.press("enter")
	s.waitFor("Why are you searching?")
	s.press("enter")
	text = s.waitFor("against 24 subjects, logged")
	var first string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, "▸") {
			first = l
		}
	}
	if !strings.Contains(first, mateName) || !strings.Contains(first, "RED") || !strings.Contains(first, "   1  ") {
		t.Fatalf("rank 1 is not the mate in red: %q\n%s", first, text)
	}
	if !strings.Contains(text, "decisions go on "+caseEncMate) {
		t.Errorf("the encounter's case is not named:\n%s", text)
	}
	log := fingerprintLog(t, d)
	if len(log) != 1 || log[0].Kind != "fingerprint" || log[0].Purpose != cases.PurposeBorder {
		t.Fatalf("query log after the search: %+v", log)
	}

	// The review, side by side.
	s.press("enter")
	text = s.waitFor("Probe ")
	for _, want := range []string{"#1 of", mateName, "RED", "Finger 1 right thumb", "Probe (claimed)", "Candidate (record)",
		"≈ 1975-08-06", "d/m swapped", "⠁ ending", "Min P/C"} {
		if !strings.Contains(text, want) {
			t.Errorf("review lacks %q:\n%s", want, text)
		}
	}
	left, right := plotHalves(t, text)
	ll, rl := labelsIn(left), labelsIn(right)
	if len(ll) < 5 || !slices.Contains(ll, '1') || !slices.Contains(rl, '1') {
		t.Errorf("pair labels: probe %q, candidate %q\n%s", string(ll), string(rl), text)
	}
	common := 0
	for _, r := range ll {
		if slices.Contains(rl, r) {
			common++
		}
	}
	if common < len(ll)*3/4 {
		t.Errorf("the plots label different pairs: probe %q, candidate %q", string(ll), string(rl))
	}

	// Fingers and candidates step.
	s.press("right")
	s.waitFor("Finger 2 right index")
	s.press("left")
	s.waitFor("Finger 1 right thumb")
	s.press("]")
	text = s.waitFor("#2 of")
	if strings.Contains(strings.Split(text, "\n")[1], mateName) {
		t.Errorf("the second candidate is the mate too:\n%s", text)
	}
	s.press("[")
	s.waitFor("#1 of")

	// A decision on the encounter's case, for the candidate shown.
	s.press("d")
	form := s.waitFor("Record a conclusion on " + caseEncMate)
	// Nothing is preselected for a red candidate: the examiner chooses.
	if strings.Contains(form, "[Identification]") || strings.Contains(form, "[Exclusion]") || strings.Contains(form, "[Inconclusive]") {
		t.Errorf("a conclusion is preselected for a red candidate:\n%s", form)
	}
	s.press("ctrl+s")
	s.waitFor("Choose a conclusion first")
	s.press("right") // Identification
	s.press("tab", "tab")
	s.typeText("Four fingers agree; 1 and 2 are the same person.")
	s.press("ctrl+s")
	s.waitFor("Decision recorded on " + caseEncMate)
	s.waitFor("Probe ") // the review stays open
	anns, err := d.store.Annotations(ctx, caseEncMate)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, a := range anns {
		if a.Kind == cases.AnnDecision && a.Decision != nil && a.Decision.CandidateID == d.mate &&
			a.Decision.Conclusion == cases.Identification && strings.Contains(a.Decision.Justification, "Four fingers agree") {
			found = true
		}
	}
	if !found {
		t.Errorf("no identification of the mate recorded on %s: %+v", caseEncMate, anns)
	}
}

func TestReviewFromCaseAndNewCaseForEncounter(t *testing.T) {
	d := seedFingerprintDesk(t)
	ctx := context.Background()
	s := start(t, d.config(officer, ThemeDark), 100, 30)
	s.waitFor("Cases 1 of 1")

	// From the case: v, the purpose, the candidates.
	s.press("enter")
	text := s.waitFor("Timeline (")
	if !strings.Contains(text, "v searches and reviews its prints") || !strings.Contains(text, "v review prints") {
		t.Errorf("the case view does not offer the review:\n%s", text)
	}
	s.press("v")
	s.waitFor("Why are you searching?")
	s.press("down", "enter")
	s.waitFor("■ RED")
	s.press("esc")
	s.waitFor("Timeline (")
	s.press("esc")
	s.waitFor("Cases 1 of 1")

	// The stranger's encounter has no case: deciding offers to open one,
	// and the purpose is not asked again.
	s.press("e")
	s.waitFor("Encounters (2)")
	s.selectRow(placeStrange)
	s.press("enter")
	text = s.waitFor("no case yet")
	if strings.Contains(text, "Why are you searching?") {
		t.Errorf("the purpose was asked again:\n%s", text)
	}
	s.press("d")
	s.waitFor("This encounter has no case")
	s.press("enter")
	text = s.waitFor("Record a conclusion on EC-PN-2026-010002")
	if !strings.Contains(text, "[Exclusion]") {
		t.Errorf("a green candidate's form should preselect Exclusion:\n%s", text)
	}
	s.press("tab", "tab")
	s.typeText("Different pattern types on both fingers.")
	s.press("ctrl+s")
	s.waitFor("Decision recorded on EC-PN-2026-010002")
	c, err := d.store.Case(ctx, "EC-PN-2026-010002")
	if err != nil {
		t.Fatal(err)
	}
	if c.EncounterID != "0195a000-0000-7000-8000-00000000e002" || len(c.SubjectIDs) != 1 {
		t.Errorf("the new case: encounter %q, subjects %v", c.EncounterID, c.SubjectIDs)
	}
	anns, _ := d.store.Annotations(ctx, c.ID)
	if !slices.ContainsFunc(anns, func(a cases.Annotation) bool {
		return a.Decision != nil && a.Decision.Conclusion == cases.Exclusion && a.Decision.CandidateID == c.SubjectIDs[0]
	}) {
		t.Errorf("no exclusion recorded on the new case: %+v", anns)
	}
	if log := fingerprintLog(t, d); len(log) != 2 || log[0].Purpose != cases.PurposeInvestigation {
		t.Errorf("query log: %+v", log)
	}
}

func TestImportEncounterAndRefusal(t *testing.T) {
	d := seedFingerprintDesk(t)
	ctx := context.Background()
	s := start(t, d.config(officer, ThemeDark), 120, 40)
	s.waitFor("Cases 1 of 1")
	s.press("e")
	s.waitFor("Encounters (2)")

	// A truncated template: the file and the offset named, nothing stored.
	fp, err := afis.Encode(synth.TenPrint(5)[0].Template())
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "cut.iso")
	if err := os.WriteFile(bad, fp.Template[:len(fp.Template)-7], 0o600); err != nil {
		t.Fatal(err)
	}
	s.press("i")
	s.waitFor("Import fingerprint files")
	s.typeText(bad)
	s.press("enter")
	text := s.waitFor("Nothing was stored.")
	if !strings.Contains(text, "cut.iso") || !strings.Contains(text, "at byte 8") {
		t.Errorf("the refusal does not name the file and offset:\n%s", text)
	}
	if list, _ := d.afis.Encounters(ctx); len(list) != 2 {
		t.Errorf("a refused import stored something: %d encounters", len(list))
	}

	// A real ANSI/NIST-ITL transaction.
	path := shareddata.Path(t, "ansinist", "type9.an2k")
	for range len(bad) {
		s.press("backspace")
	}
	s.typeText(path)
	s.press("enter")
	text = s.waitFor("into encounter")
	if !strings.Contains(text, "type9.an2k") || !strings.Contains(text, "ANSI/NIST-ITL") || !strings.Contains(text, "sha256 ") {
		t.Errorf("the import result lacks the file:\n%s", text)
	}
	s.press("esc")
	text = s.waitFor("Encounters (3)")
	var sel string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, "▸") {
			sel = l
		}
	}
	if !strings.Contains(sel, "type9.an2k") {
		t.Errorf("the imported encounter is not selected: %q", sel)
	}
}

func TestEncounterFeaturesHiddenWithoutService(t *testing.T) {
	d := seedFingerprintDesk(t)
	s := start(t, d.desk.config(officer, ThemeDark), 120, 40)
	text := s.waitFor("Cases 1 of 1")
	s.press("e")
	time.Sleep(50 * time.Millisecond)
	text = s.text()
	if strings.Contains(text, "encounters") || strings.Contains(text, "Encounters (") {
		t.Errorf("encounters offered without an identification service:\n%s", text)
	}
	s.press("enter")
	text = s.waitFor("Timeline (")
	if strings.Contains(text, "review prints") || strings.Contains(text, "v searches") {
		t.Errorf("the review is offered without an identification service:\n%s", text)
	}
}

// randomTail is the random end of a record's short ID (shortID), which
// differs on every run: the goldens hold it as "…····".
var randomTail = regexp.MustCompile(`…[0-9a-f]{4}`)

// recordID is a whole record ID (a UUID), random on every seeding.
var recordID = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// stableIDs hides the random record IDs of a frame for its golden file.
func stableIDs(frame string) string {
	return recordID.ReplaceAllString(frame, "········-····-····-····-············")
}

func TestGoldenFingerprintReview(t *testing.T) {
	for _, tc := range []struct {
		theme string
		w, h  int
	}{{ThemeDark, 120, 40}, {ThemeLight, 120, 40}, {ThemeDark, 80, 24}, {ThemeLight, 80, 24}} {
		t.Run(fmt.Sprintf("%s_%dx%d", tc.theme, tc.w, tc.h), func(t *testing.T) {
			d := seedFingerprintDesk(t)
			s := start(t, d.config(officer, tc.theme), tc.w, tc.h)
			s.waitFor("Cases 1 of 1")
			s.press("enter")
			s.waitFor("Timeline (")
			s.press("v")
			s.waitFor("Why are you searching?")
			s.press("enter")
			s.waitFor("■ RED")
			s.tm.Send(tea.WindowSizeMsg{Width: tc.w, Height: tc.h})
			f := s.frame()
			checkFrame(t, f, tc.w, tc.h)
			t.Run("candidates", func(t *testing.T) { golden.RequireEqual(t, randomTail.ReplaceAllString(f, "…····")) })
			s.press("enter")
			s.waitFor("Probe ")
			f = s.frame()
			checkFrame(t, f, tc.w, tc.h)
			t.Run("review", func(t *testing.T) { golden.RequireEqual(t, randomTail.ReplaceAllString(f, "…····")) })
		})
	}
}

// TestImportAsksTheFingerOfATemplateWithoutOne imports an FVC2002 template,
// whose file gives no finger position, as a new subject: the dialog asks
// which finger it is from a list of the ten (no free text), esc goes back to
// the files, and the finger chosen is the subject's.
func TestImportAsksTheFingerOfATemplateWithoutOne(t *testing.T) {
	iso := shareddata.Path(t, "fvc2002", "DB1_B", "101_1.iso")
	for _, tc := range []struct {
		theme string
		w, h  int
	}{{ThemeDark, 80, 24}, {ThemeLight, 120, 40}} {
		t.Run(fmt.Sprintf("%s_%dx%d", tc.theme, tc.w, tc.h), func(t *testing.T) {
			d := seedFingerprintDesk(t)
			ctx := context.Background()
			s := start(t, d.config(officer, tc.theme), tc.w, tc.h)
			s.waitFor("Cases 1 of 1")
			s.press("e")
			s.waitFor("Encounters (2)")
			s.press("i")
			s.waitFor("Import fingerprint files")
			s.typeText(iso)
			s.press("ctrl+t", "enter")
			s.waitFor("Which finger is it?")
			f := s.frame()
			checkFrame(t, f, tc.w, tc.h)
			golden.RequireEqual(t, f)

			// esc: back to the files, nothing stored; enter asks again.
			s.press("esc")
			s.waitGone("Which finger is it?")
			s.press("enter")
			s.waitFor("Which finger is it?")
			// ↓ from the right thumb, → to the other hand, ← back, a digit.
			s.press("down")
			s.waitFor("▸  2 right index")
			s.press("right")
			s.waitFor("▸  7 left index")
			s.press("left", "0")
			s.waitFor("▸ 10 left little")
			s.press("2")
			s.waitFor("▸  2 right index")
			s.press("enter")
			text := s.waitFor("into subject")
			if !strings.Contains(text, "recorded as finger 2") {
				t.Errorf("the result does not say the finger was named:\n%s", text)
			}
			var id string
			for _, l := range strings.Split(text, "\n") {
				if _, after, ok := strings.Cut(l, "into subject "); ok {
					id = strings.Fields(after)[0]
				}
			}
			sub, err := d.store.Subject(ctx, id)
			if err != nil {
				t.Fatalf("subject %q: %v\n%s", id, err, text)
			}
			if len(sub.Fingerprints) != 1 || sub.Fingerprints[0].Position != 2 {
				t.Errorf("the subject's prints: %+v", sub.Fingerprints)
			}
		})
	}
}
