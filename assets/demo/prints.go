package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/enlace-desk/enlace/afis"
	"github.com/enlace-desk/enlace/biometric/synth"
	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/store"
)

// DefaultPrints and DefaultEncounters size the demo's fingerprint work.
const (
	DefaultPrints     = 5000
	DefaultEncounters = 40
	// matedShare of the encounters are impressions of a subject on file.
	matedShare = 0.7
)

// fingerSeed is the seed of subject i's ten master fingers.
func fingerSeed(seed int64, i int) uint64 { return uint64(seed)*1_000_003 + uint64(i) }

// tenPrint makes subject i's ten-print templates, as they are stored.
func tenPrint(seed int64, i int) ([]cases.Fingerprint, error) {
	fingers := synth.TenPrint(fingerSeed(seed, i))
	rng := synth.NewRand(fingerSeed(seed, i) ^ 0x5eed)
	out := make([]cases.Fingerprint, 0, len(fingers))
	for _, f := range fingers {
		// The enrolled print is itself a capture: a rolled impression.
		t := f.Impression(rng, synth.ImpressionOptions{SensorWidth: synth.FingerWidth, SensorHeight: synth.FingerHeight})
		t.FingerPosition = f.Position
		fp, err := afis.Encode(t)
		if err != nil {
			return nil, fmt.Errorf("demo prints of subject %d: %w", i, err)
		}
		out = append(out, fp)
	}
	return out, nil
}

// encounters writes encounters whose probes are impressions of printed
// subjects (mated) or of strangers, each with a New case to identify it.
// printed are the subjects this desk holds with prints, index their place in
// the generated stream (which picks their fingers). On an agency's desk the
// encounters are that agency's own, drawn from a stream of the agency's, so
// the two desks never make the same record. partner are the stream indexes
// of the partner's in-scope printed subjects: most encounters are an
// impression of one of them (two in three), a traveller this desk can identify only
// through the partner's references.
func (g *generator) encounters(ctx context.Context, st *store.Store, printed []string, index []int, partner []int, author cases.Officer) error {
	seed := &store.Seed{Seed: g.opts.Seed, Author: author, EncounterSharing: map[string][]string{}}
	streamSeed := uint64(g.opts.Seed)
	if g.opts.Agency != "" {
		streamSeed ^= agencyStream(g.opts.Agency)
		g.ids = cases.NewSeededIDs(cases.NewManualClock(g.opts.Now.Add(-30*24*time.Hour)), rngReader{rand.New(rand.NewPCG(streamSeed, 11))})
	}
	rng := rand.New(rand.NewPCG(streamSeed, 99))
	officers := []string{"us.jsmith", "us.rgarcia", "ec.mrodriguez", "ec.jcedeno"}
	if g.opts.Agency != "" {
		officers = nil
		for _, o := range g.officer[g.opts.Agency] {
			if !o.Has(cases.RoleSupervisor) {
				officers = append(officers, o.ID)
			}
		}
	}
	for i := 0; i < g.opts.Encounters; i++ {
		mated := len(printed) > 0 && rng.Float64() < matedShare
		var fingers []synth.Finger
		var claimed cases.Biographics
		if len(partner) > 0 && i%3 != 2 {
			// A traveller on the partner's file, under a name of their own.
			fingers = synth.TenPrint(fingerSeed(g.opts.Seed, partner[rng.IntN(len(partner))]))
			stranger := g.subject()
			claimed = stranger.Biographics()
			claimed.Documents = nil
		} else if mated {
			j := rng.IntN(len(printed))
			fingers = synth.TenPrint(fingerSeed(g.opts.Seed, index[j]))
			sub, err := st.Subject(ctx, printed[j])
			if err != nil {
				return err
			}
			claimed = sub.Biographics()
			claimed.Documents = nil
			switch rng.IntN(3) {
			case 0: // travels under an alias: another given name and maternal surname
				claimed.Name.Given = []string{g.givenName(claimed.Sex == cases.SexFemale)}
				claimed.Name.Maternal = g.surname()
			case 1: // no maternal surname on a foreign passport
				claimed.Name.Maternal = ""
			}
			if rng.IntN(2) == 0 && claimed.DOB.Day != 0 {
				claimed.DOB.Day, claimed.DOB.Month = claimed.DOB.Month, claimed.DOB.Day // day and month swapped
				if claimed.DOB.Month > 12 {
					claimed.DOB.Month, claimed.DOB.Day = claimed.DOB.Day, claimed.DOB.Month
				}
			}
		} else {
			fingers = synth.TenPrint(fingerSeed(g.opts.Seed, 10_000_000+int(streamSeed%1000)*1000+i))
			stranger := g.subject()
			claimed = stranger.Biographics()
			claimed.Documents = nil
		}
		capture := synth.NewRand(uint64(g.opts.Seed) + uint64(i)*7919)
		var prints []cases.Fingerprint
		for _, pos := range [][]int{{2}, {2, 7}, {1, 6}, {2, 3, 7, 8}}[i%4] {
			t := fingers[pos-1].Impression(capture, synth.ImpressionOptions{})
			t.FingerPosition = pos
			fp, err := afis.Encode(t)
			if err != nil {
				return err
			}
			prints = append(prints, fp)
		}
		officer := g.uniform(officers)
		agency := "US-CBP"
		if officer[:2] == "ec" {
			agency = "EC-PN"
		}
		at := g.opts.Now.Add(-time.Duration(1+rng.IntN(20*24)) * time.Hour)
		port := g.uniform(ports)
		enc := cases.Encounter{ID: g.ids.New(), At: at, Place: port, OfficerID: officer, Agency: agency, Claimed: claimed,
			Notes: "Traveller stopped at secondary inspection; prints captured on a live-scan device.", Fingerprints: prints}
		seed.Encounters = append(seed.Encounters, enc)
		partner := map[string]string{"EC-PN": "US-CBP", "US-CBP": "EC-PN"}[agency]
		seed.EncounterSharing[enc.ID] = []string{partner}
		desk := 15
		if agency == "EC-PN" {
			desk = 16
		}
		key := fmt.Sprintf("%s-%d-%d", agency, at.Year(), desk)
		g.seq[key]++
		seed.Cases = append(seed.Cases, cases.Case{
			ID: cases.CaseNumber(agency, at.Year(), desk, g.seq[key]), Title: "Fingerprint search from encounter at " + port,
			Status: cases.StatusNew, Priority: cases.PriorityHigh, OwnerAgency: agency, SharedWith: []string{partner},
			Created: at, Updated: at, Due: at.Add(48 * time.Hour), EncounterID: enc.ID,
		})
	}
	return st.Load(ctx, seed)
}

// agencyStream gives each agency's desk its own stream of generated records.
func agencyStream(agency string) uint64 {
	h := uint64(1469598103934665603)
	for i := 0; i < len(agency); i++ {
		h = (h ^ uint64(agency[i])) * 1099511628211
	}
	return h
}
