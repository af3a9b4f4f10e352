package afis_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/enlace-desk/enlace/afis"
	"github.com/enlace-desk/enlace/assets/demo"
	"github.com/enlace-desk/enlace/biometric/synth"
	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/store"
)

// TestIdentifyRefusesWhatCannotBeSearched: a probe finger with too few
// minutiae or of another resolution, and a gallery with no prints, give a
// clear refusal, never a search of the rest.
func TestIdentifyRefusesWhatCannotBeSearched(t *testing.T) {
	st, desk := demoDesk(t, 50)
	_, fingers := enrol(t, st, 31, "Refusal")
	rng := synth.NewRand(5)
	bad := func(edit func(tpl *cases.Fingerprint)) string {
		enc := &cases.Encounter{Place: "JFK"}
		for _, p := range []int{2, 7} {
			tpl := fingers[p-1].Impression(rng, synth.ImpressionOptions{})
			tpl.FingerPosition = p
			if p == 7 {
				tpl.Minutiae = tpl.Minutiae[:5]
			}
			fp, err := afis.Encode(tpl)
			if err != nil {
				t.Fatal(err)
			}
			enc.Fingerprints = append(enc.Fingerprints, fp)
		}
		if edit != nil {
			edit(&enc.Fingerprints[1])
		}
		if err := st.CreateEncounter(ctx, officer, enc); err != nil {
			t.Fatal(err)
		}
		return enc.ID
	}
	id := bad(nil)
	_, err := desk.Identify(ctx, officer, id, cases.PurposeBorder, "", 5)
	if cases.ErrorCode(err) != cases.EINVALID || !strings.Contains(err.Error(), "finger 7 of encounter "+id+" cannot be searched: the template holds 5 minutiae; a search needs at least 8") {
		t.Errorf("probe with 5 minutiae: %v", err)
	}

	// A 1,000 ppi template: its record says 394 px/cm.
	id = bad(func(fp *cases.Fingerprint) {
		tpl, err := afis.Decode(*fp)
		if err != nil {
			t.Fatal(err)
		}
		tpl.Minutiae = fingers[6].Template().Minutiae
		tpl.XRes, tpl.YRes = 394, 394
		if *fp, err = afis.Encode(*tpl); err != nil {
			t.Fatal(err)
		}
	})
	_, err = desk.Identify(ctx, officer, id, cases.PurposeBorder, "", 5)
	if cases.ErrorCode(err) != cases.EINVALID || !strings.Contains(err.Error(), "394 px/cm (about 1001 ppi); the matcher compares 500 ppi") {
		t.Errorf("probe at 1,000 ppi: %v", err)
	}

	// No subject has prints.
	empty, err := store.Open(ctx, filepath.Join(t.TempDir(), "empty.db"), store.Options{Clock: cases.NewManualClock(epoch)})
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	if err := demo.Populate(ctx, empty, demo.Options{Subjects: 20, Prints: 0, Now: epoch}); err != nil {
		t.Fatal(err)
	}
	encID := encounter(t, empty, fingers, 3, 2)
	_, err = afis.New(empty).Identify(ctx, officer, encID, cases.PurposeBorder, "", 5)
	if cases.ErrorCode(err) != cases.EINVALID || !strings.Contains(err.Error(), "holds no fingerprints: nothing was searched") {
		t.Errorf("empty gallery: %v", err)
	}
}
