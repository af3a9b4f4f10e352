package afis_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/enlace-desk/enlace/afis"
	"github.com/enlace-desk/enlace/assets/demo"
	"github.com/enlace-desk/enlace/biometric"
	"github.com/enlace-desk/enlace/biometric/match"
	"github.com/enlace-desk/enlace/biometric/synth"
	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/internal/shareddata"
	"github.com/enlace-desk/enlace/store"
)

var (
	ctx     = context.Background()
	epoch   = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	officer = demo.Officers()[0]
)

func demoDesk(t *testing.T, prints int) (*store.Store, *afis.Desk) {
	t.Helper()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "enlace.db"), store.Options{Clock: cases.NewManualClock(epoch)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := demo.Populate(ctx, st, demo.Options{Subjects: 400, Prints: prints, Now: epoch}); err != nil {
		t.Fatal(err)
	}
	return st, afis.New(st)
}

// enrol saves a subject with synthetic ten-prints and returns it with its fingers.
func enrol(t *testing.T, st *store.Store, seed uint64, name string) (*cases.Subject, []synth.Finger) {
	t.Helper()
	sub, fingers := printedSubject(t, seed, name)
	if err := st.SaveSubject(ctx, officer, sub); err != nil {
		t.Fatal(err)
	}
	return sub, fingers
}

// printedSubject makes a subject with synthetic ten-prints, not yet saved.
func printedSubject(t *testing.T, seed uint64, name string) (*cases.Subject, []synth.Finger) {
	t.Helper()
	fingers := synth.TenPrint(seed)
	sub := &cases.Subject{Name: cases.Name{Given: []string{name}, Paternal: "Prueba"}, Category: cases.CategoryOther}
	for _, f := range fingers {
		tpl := f.Template()
		tpl.FingerPosition = f.Position
		fp, err := afis.Encode(tpl)
		if err != nil {
			t.Fatal(err)
		}
		sub.Fingerprints = append(sub.Fingerprints, fp)
	}
	return sub, fingers
}

func encounter(t *testing.T, st *store.Store, fingers []synth.Finger, seed uint64, positions ...int) string {
	t.Helper()
	rng := synth.NewRand(seed)
	enc := &cases.Encounter{Place: "JFK"}
	for _, p := range positions {
		tpl := fingers[p-1].Impression(rng, synth.ImpressionOptions{})
		tpl.FingerPosition = p
		fp, err := afis.Encode(tpl)
		if err != nil {
			t.Fatal(err)
		}
		enc.Fingerprints = append(enc.Fingerprints, fp)
	}
	if err := st.CreateEncounter(ctx, officer, enc); err != nil {
		t.Fatal(err)
	}
	return enc.ID
}

func TestIdentifyFindsTheMateAndLogsTheSearch(t *testing.T) {
	st, desk := demoDesk(t, 200)
	// The gallery is built now, before the subject arrives: it must be kept current.
	if _, err := desk.Gallery(ctx); err != nil {
		t.Fatal(err)
	}
	sub, fingers := enrol(t, st, 777, "Mate")
	encID := encounter(t, st, fingers, 1, 2, 7)
	if _, err := desk.Identify(ctx, officer, encID, "", "", 10); cases.ErrorCode(err) != cases.EINVALID {
		t.Errorf("identification without purpose: %v", err)
	}
	res, err := desk.Identify(ctx, officer, encID, cases.PurposeBorder, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Candidates) == 0 || res.Candidates[0].SubjectID != sub.ID {
		t.Fatalf("the mate is not rank 1: %+v", res.Candidates[:min(3, len(res.Candidates))])
	}
	top := res.Candidates[0]
	if top.Band != cases.BandRed || len(top.Fingers) == 0 || len(top.Fingers[0].Pairs) < 6 {
		t.Errorf("mate: band %s, %d fingers compared", top.Band, len(top.Fingers))
	}
	// The mate's rates are far below what 11,520 impostor comparisons can
	// measure: they say so instead of showing the fitted tail's figure.
	if got := cases.FormatFMR(top.FMR, top.FMRFloor); !strings.HasSuffix(got, "(beyond the calibration data)") || top.FMRFloor >= match.CalibrationFloor() {
		t.Errorf("fused FMR %g (floor %g) reads %q", top.FMR, top.FMRFloor, got)
	}
	f := top.Fingers[0]
	if got := cases.FormatFMR(f.FMR, f.FMRFloor); f.FMRFloor != match.CalibrationFloor() || got != "< 1 in 961 (beyond the calibration data)" {
		t.Errorf("finger FMR %g (floor %g) reads %q", f.FMR, f.FMRFloor, got)
	}
	for _, p := range f.Pairs {
		if p[0] >= len(f.Probe.Minutiae) || p[1] >= len(f.Candidate.Minutiae) {
			t.Fatalf("pair %v points outside the prints (%d, %d minutiae)", p, len(f.Probe.Minutiae), len(f.Candidate.Minutiae))
		}
	}
	if res.Gallery != 201 {
		t.Errorf("gallery holds %d subjects, want 201", res.Gallery)
	}
	// A gallery this small is searched exhaustively, and the result says so.
	if res.Mode != cases.SearchExhaustive || res.ModeNote != "" || res.Penetration != 1 {
		t.Errorf("mode %q (%q), penetration %v; want exhaustive, 1", res.Mode, res.ModeNote, res.Penetration)
	}
	log, _ := st.QueryLog(ctx, 1)
	if len(log) != 1 || log[0].Kind != "fingerprint" || log[0].Results != len(res.Candidates) || log[0].ID != res.LogID {
		t.Errorf("query log: %+v", log)
	}

	_, stranger := enrol(t, st, 999_999, "Unrelated")
	strangerFingers := synth.TenPrint(123_456)
	_ = stranger
	encID = encounter(t, st, strangerFingers, 2, 2, 7)
	res, err = desk.Identify(ctx, officer, encID, cases.PurposeBorder, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Candidates {
		if c.Band == cases.BandRed {
			t.Errorf("a stranger's prints gave a red candidate %s (FMR %.2g)", c.SubjectID, c.FMR)
		}
	}
}

func TestImportTransactionTemplatesAndRefusals(t *testing.T) {
	st, desk := demoDesk(t, 0)
	path := shareddata.Path(t, "ansinist", "type9.an2k")
	res, err := desk.Import(ctx, officer, []string{path}, cases.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	sum := sha256.Sum256(data)
	enc, err := st.Encounter(ctx, res.EncounterID)
	if err != nil {
		t.Fatal(err)
	}
	if enc.SourceFile != "type9.an2k" || enc.SourceSHA256 != hex.EncodeToString(sum[:]) || len(enc.Fingerprints) == 0 || len(enc.Fingerprints) != res.Fingers {
		t.Errorf("encounter: file %q sha %q, %d fingers (result says %d)", enc.SourceFile, enc.SourceSHA256, len(enc.Fingerprints), res.Fingers)
	}
	for _, f := range enc.Fingerprints {
		if _, err := afis.Decode(f); err != nil || f.Format != afis.StoredFormat {
			t.Errorf("stored finger %d (%s) does not read back: %v", f.Position, f.Format, err)
		}
	}

	before, _ := st.Encounters(ctx)
	_, err = desk.Import(ctx, officer, []string{shareddata.Path(t, "iso-invalid", "101_1_truncate_1_byte.iso")}, cases.ImportOptions{})
	if err == nil || !strings.Contains(err.Error(), "101_1_truncate_1_byte.iso") {
		t.Errorf("truncated template: %v", err)
	}
	after, _ := st.Encounters(ctx)
	if len(after) != len(before) {
		t.Error("a refused import stored an encounter")
	}

	res, err = desk.Import(ctx, officer, []string{shareddata.Path(t, "ansinist", "fmr.iso2005")}, cases.ImportOptions{AsSubject: true})
	if err != nil {
		t.Fatal(err)
	}
	sub, err := st.Subject(ctx, res.SubjectID)
	if err != nil || len(sub.Fingerprints) == 0 || sub.OwnerAgency != officer.Agency {
		t.Fatalf("imported subject: %+v %v", sub, err)
	}
}

func TestExportIsAReadableTransaction(t *testing.T) {
	st, desk := demoDesk(t, 0)
	sub, _ := enrol(t, st, 4242, "Export")
	b, err := desk.Export(ctx, officer, sub.ID, "US-CBP", cases.PurposeExtradition, "")
	if err != nil {
		t.Fatal(err)
	}
	tx, err := biometric.ReadTransaction(b)
	if err != nil {
		t.Fatalf("our export does not read back: %v", err)
	}
	mins, err := tx.Minutiae()
	if err != nil || len(mins) != 10 {
		t.Fatalf("export holds %d minutiae records, want 10 (%v)", len(mins), err)
	}
	again, err := biometric.WriteTransaction(tx)
	if err != nil || string(again) != string(b) {
		t.Error("the export does not round-trip byte for byte")
	}
	ds := tx.Descriptives()
	if len(ds) != 1 || !strings.HasPrefix(ds[0].Name, "PRUEBA,EXPORT") {
		t.Errorf("Type-2: %+v", ds)
	}
	// And back in, as a subject of the partner.
	path := filepath.Join(t.TempDir(), "export.an2k")
	os.WriteFile(path, b, 0o600)
	res, err := desk.Import(ctx, officer, []string{path}, cases.ImportOptions{AsSubject: true})
	if err != nil || res.Fingers != 10 {
		t.Fatalf("re-import: %+v %v", res, err)
	}
	back, _ := st.Subject(ctx, res.SubjectID)
	if back.Name.Paternal != "Prueba" || len(back.Name.Given) != 1 || back.Name.Given[0] != "Export" {
		t.Errorf("re-imported name %+v", back.Name)
	}
}

// TestImportFingerOfATemplateWithoutOne: a template whose file gives no
// finger position (FVC2002's) is refused as a subject with the files named
// (a *cases.FingerUnknownError); opts.Finger names it for one template, not
// for two; a finger named where every template has its own is not used.
func TestImportFingerOfATemplateWithoutOne(t *testing.T) {
	st, desk := demoDesk(t, 0)
	one := shareddata.Path(t, "fvc2002", "DB1_B", "101_1.iso")
	two := shareddata.Path(t, "fvc2002", "DB1_B", "102_1.iso")
	_, err := desk.Import(ctx, officer, []string{one}, cases.ImportOptions{AsSubject: true})
	var unknown *cases.FingerUnknownError
	if !errors.As(err, &unknown) || len(unknown.Files) != 1 || unknown.Files[0] != "101_1.iso" || cases.ErrorCode(err) != cases.EINVALID {
		t.Fatalf("as a subject without a finger: %v", err)
	}
	if _, err := desk.Import(ctx, officer, []string{one, two}, cases.ImportOptions{AsSubject: true, Finger: 3}); err == nil || !strings.Contains(err.Error(), "101_1.iso, 102_1.iso") {
		t.Errorf("one finger for two templates: %v", err)
	}
	if _, err := desk.Import(ctx, officer, []string{one}, cases.ImportOptions{Finger: 11}); err == nil || !strings.Contains(err.Error(), "1–10") {
		t.Errorf("finger 11: %v", err)
	}
	res, err := desk.Import(ctx, officer, []string{one}, cases.ImportOptions{AsSubject: true, Finger: 7})
	if err != nil {
		t.Fatal(err)
	}
	sub, err := st.Subject(ctx, res.SubjectID)
	if err != nil || len(sub.Fingerprints) != 1 || sub.Fingerprints[0].Position != 7 {
		t.Fatalf("the subject's finger: %+v %v", sub, err)
	}
	// An encounter takes the template as it is, or with the finger named.
	if res, err = desk.Import(ctx, officer, []string{one}, cases.ImportOptions{}); err != nil || res.Fingers != 1 {
		t.Fatalf("as an encounter: %+v %v", res, err)
	}
	known, _ := enrol(t, st, 4343, "Known")
	b, err := desk.Export(ctx, officer, known.ID, "US-CBP", cases.PurposeExtradition, "")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ten.an2k")
	os.WriteFile(path, b, 0o600)
	res, err = desk.Import(ctx, officer, []string{path}, cases.ImportOptions{Finger: 2})
	if err != nil || len(res.Warnings) == 0 || !strings.Contains(strings.Join(res.Warnings, "\n"), "is not used") {
		t.Errorf("a finger named for files that name theirs: %+v %v", res, err)
	}
}

// TestImportRefusesWhatIsNotAFile: a path that does not exist, a folder, a
// file over the size limit (sparse: nothing is read) and a file the officer
// may not read are refused in plain words naming the path, nothing stored.
func TestImportRefusesWhatIsNotAFile(t *testing.T) {
	st, desk := demoDesk(t, 0)
	dir := t.TempDir()
	big := filepath.Join(dir, "big file.iso")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(2 << 30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	want := map[string]string{
		filepath.Join(dir, "nope.iso"): "does not exist",
		dir:                            "is a folder, not a file",
		big:                            "is 2048 MiB, larger than",
	}
	if os.Geteuid() != 0 { // root reads anything
		locked := filepath.Join(dir, "locked.iso")
		os.WriteFile(locked, []byte("x"), 0o000)
		want[locked] = "permission denied"
	}
	before, _ := st.Encounters(ctx)
	for path, text := range want {
		_, err := desk.Import(ctx, officer, []string{path}, cases.ImportOptions{})
		if err == nil || !strings.Contains(err.Error(), text) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: %v, want %q", path, err, text)
		}
	}
	if after, _ := st.Encounters(ctx); len(after) != len(before) {
		t.Error("a refused import stored an encounter")
	}
}
