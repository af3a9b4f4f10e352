// Package afis is the desk's fingerprint work over the local store: it brings
// interchange files (ANSI/NIST-ITL transactions, ISO/IEC 19794-2 and ANSI
// INCITS 378 templates) in as encounters or subjects, keeps the in-memory 1:N
// gallery current with the store's subjects, runs identifications with their
// query-log entry, and exports a subject's prints as an ANSI/NIST-ITL
// transaction.
//
// It wires package biometric (formats, matching) to package store; it
// implements cases.IdentificationService for the UI and the CLI.
package afis

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/enlace-desk/enlace/biometric"
	"github.com/enlace-desk/enlace/biometric/match"
	"github.com/enlace-desk/enlace/cases"
)

var _ cases.IdentificationService = (*Desk)(nil)

// StoredFormat is the format fingerprints are kept in: every template that
// arrives is converted to ISO/IEC 19794-2:2005, one view per finger.
const StoredFormat = string(biometric.FormatISO19794_2005)

// MaxFileSize bounds a file an import reads.
const MaxFileSize = biometric.MaxTransactionSize

// DefaultCandidates is how many candidates an identification returns.
const DefaultCandidates = 20

// Desk is the fingerprint side of one workstation.
type Desk struct {
	st    cases.PrintStore
	clock cases.Clock

	// mu serialises gallery builds and catching up; a search holds it only
	// to take the gallery, never while it runs.
	mu      sync.Mutex
	gallery *match.Gallery

	// pmu guards what the store has told since: the store's listener takes
	// only pmu, so it never waits for a build.
	pmu     sync.Mutex
	stale   bool            // the gallery must be read again from the store
	pending map[string]bool // subjects saved since the gallery was read

	// buildHook, when set (tests), runs in the middle of a gallery build.
	buildHook func()

	// warm: a long-lived desk (the workstation) that keeps the gallery's
	// index built in the background; set by Warm.
	warm atomic.Bool
}

// New returns the fingerprint desk over st. The gallery is built on the first
// identification and kept current from then on.
func New(st cases.PrintStore) *Desk {
	d := &Desk{st: st, clock: st.Clock(), stale: true, pending: map[string]bool{}}
	st.WatchSubjects(d.subjectChanged)
	return d
}

func (d *Desk) subjectChanged(id string) {
	d.pmu.Lock()
	defer d.pmu.Unlock()
	if id == "" {
		d.stale = true // a bulk load: read everything again
		return
	}
	d.pending[id] = true
}

// Gallery returns the 1:N gallery, current with the store: it includes every
// change committed before the call. The store's listener only marks what
// changed; the gallery catches up here, subject by subject, and a full
// build reads the store without holding up its writer.
func (d *Desk) Gallery(ctx context.Context) (*match.Gallery, error) {
	if err := d.st.FlushWatchers(ctx); err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.pmu.Lock()
	rebuild := d.stale || d.gallery == nil
	pending := d.pending
	d.stale, d.pending = false, map[string]bool{}
	d.pmu.Unlock()
	if rebuild {
		// Changes told during the build are caught up by the next call.
		g, err := d.build(ctx)
		if err != nil {
			d.pmu.Lock()
			d.stale = true
			d.pmu.Unlock()
			return nil, err
		}
		d.gallery = g
		if d.warm.Load() {
			// A gallery large enough to be searched through its index
			// gets it in the background; searches meanwhile run
			// exhaustively and say so.
			go g.WarmIndex()
		}
		return g, nil
	}
	for id := range pending {
		prints, err := d.galleryPrints(ctx, id)
		if err != nil {
			d.pmu.Lock()
			for id := range pending {
				d.pending[id] = true
			}
			d.pmu.Unlock()
			return nil, err
		}
		d.gallery.Remove(id)
		if fingers := decodeAll(prints); len(fingers) > 0 {
			d.gallery.Add(id, fingers)
		}
		delete(pending, id)
	}
	return d.gallery, nil
}

// galleryPrints reads the prints the gallery holds under id: a subject's, or
// a partner reference's while it is shared.
func (d *Desk) galleryPrints(ctx context.Context, id string) ([]cases.Fingerprint, error) {
	if cases.IsReferenceNumber(id) {
		ref, err := d.st.PartnerReference(ctx, id)
		if cases.ErrorCode(err) == cases.ENOTFOUND {
			return nil, nil
		}
		if err != nil || ref.Withdrawn {
			return nil, err
		}
		return ref.Fingerprints, nil
	}
	sub, err := d.st.Subject(ctx, id)
	if err != nil {
		return nil, err
	}
	return sub.Fingerprints, nil
}

// build reads every subject's prints from the store into a new gallery.
func (d *Desk) build(ctx context.Context) (*match.Gallery, error) {
	// Decoding and preparing templates is the cost: spread it over the cores.
	g := match.NewGallery()
	type job struct {
		id     string
		prints []cases.Fingerprint
	}
	jobs := make(chan job, 256)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				if fingers := decodeAll(j.prints); len(fingers) > 0 {
					g.Add(j.id, fingers)
				}
			}
		}()
	}
	n := 0
	add := func(id string, prints []cases.Fingerprint) error {
		if n++; n == 100 && d.buildHook != nil {
			d.buildHook()
		}
		select {
		case jobs <- job{id, prints}:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	err := d.st.EachSubjectFingerprints(ctx, add)
	if err == nil {
		// The partner's references: hit/no-hit, no personal data.
		err = d.st.EachReferenceFingerprints(ctx, add)
	}
	close(jobs)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	return g, nil
}

// Warm builds the gallery ahead of the first identification, in the
// background (a search that starts meanwhile waits for it), and from then
// on keeps its index built when the gallery is large enough for one
// (match.IndexMinSubjects). A desk that is not warmed (a tool that runs one
// search) searches exhaustively: building the index would cost more than
// the search it serves.
func (d *Desk) Warm(ctx context.Context) {
	d.warm.Store(true)
	go d.Gallery(ctx)
}

// decodeAll turns stored fingerprints into matcher fingers, skipping any
// template that does not read (it cannot be searched, but stays on file).
func decodeAll(prints []cases.Fingerprint) []match.Finger {
	var out []match.Finger
	for _, f := range prints {
		t, err := Decode(f)
		if err != nil {
			continue
		}
		out = append(out, match.Finger{Position: f.Position, Template: t})
	}
	return out
}

// Decode reads a stored fingerprint's template.
func Decode(f cases.Fingerprint) (*biometric.Template, error) {
	rec, err := biometric.ReadTemplate(f.Template)
	if err != nil {
		return nil, err
	}
	if len(rec.Views) == 0 {
		return nil, fmt.Errorf("the %s template of finger %d holds no view", f.Format, f.Position)
	}
	t := rec.Views[0]
	if t.FingerPosition == 0 {
		t.FingerPosition = f.Position
	}
	return &t, nil
}

// Encode makes the stored form of one finger's template.
func Encode(t biometric.Template) (cases.Fingerprint, error) {
	if t.XRes == 0 {
		t.XRes, t.YRes = 197, 197 // 500 dpi
	}
	rec := &biometric.Record{Format: biometric.FormatISO19794_2005, Width: t.Width, Height: t.Height, XRes: t.XRes, YRes: t.YRes, Views: []biometric.Template{t}}
	b, err := biometric.WriteISO19794(rec)
	if err != nil {
		return cases.Fingerprint{}, err
	}
	return cases.Fingerprint{Position: t.FingerPosition, Format: StoredFormat, Template: b}, nil
}

// Encounters lists the desk's encounters.
func (d *Desk) Encounters(ctx context.Context) ([]cases.EncounterSummary, error) {
	return d.st.Encounters(ctx)
}

// Encounter returns one encounter.
func (d *Desk) Encounter(ctx context.Context, id string) (*cases.Encounter, error) {
	return d.st.Encounter(ctx, id)
}

// Identify searches an encounter's prints against the gallery and logs the
// search with its purpose and number of candidates.
func (d *Desk) Identify(ctx context.Context, actor cases.Officer, encounterID string, purpose cases.Purpose, purposeText string, topN int) (*cases.IdentificationResult, error) {
	if !actor.Has(cases.RoleOfficer) && !actor.Has(cases.RoleSupervisor) {
		return nil, cases.Errorf(cases.EFORBIDDEN, "only authorised officers may run fingerprint searches; %s is an auditor", actor.Name)
	}
	if err := cases.ValidatePurpose(purpose, purposeText); err != nil {
		return nil, err
	}
	if most := d.st.Agreement().MaxCandidates; topN <= 0 || topN > most {
		topN = most // the agreement bounds the candidates a search returns
	}
	enc, err := d.st.Encounter(ctx, encounterID)
	if err != nil {
		return nil, err
	}
	// Every probe finger must be searchable: none is dropped silently.
	var probe []match.Finger
	for _, f := range enc.Fingerprints {
		t, err := Decode(f)
		if err == nil {
			err = match.CheckProbe(t)
		}
		if err != nil {
			return nil, cases.Errorf(cases.EINVALID, "finger %d of encounter %s cannot be searched: %v", f.Position, encounterID, err)
		}
		probe = append(probe, match.Finger{Position: f.Position, Template: t})
	}
	if len(probe) == 0 {
		return nil, cases.Errorf(cases.EINVALID, "encounter %s has no fingerprint to search", encounterID)
	}
	g, err := d.Gallery(ctx)
	if err != nil {
		return nil, err
	}
	if g.Len() == 0 {
		return nil, cases.Errorf(cases.EINVALID, "no subject on file has fingerprints: %v", match.ErrEmptyGallery)
	}
	start := time.Now()
	// Above match.IndexMinSubjects the gallery is searched through its
	// index; the result says which mode ran, and why not the index when a
	// probe finger was too poor for it.
	rep := g.SearchWith(ctx, probe, match.SearchOptions{TopN: topN})
	found := rep.Candidates
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res := &cases.IdentificationResult{EncounterID: encounterID, Gallery: rep.Subjects, Fingers: len(probe), Took: time.Since(start),
		Mode: cases.SearchExhaustive, ModeNote: rep.Fallback, Penetration: rep.Penetration()}
	if rep.Mode == match.Indexed {
		res.Mode = cases.SearchIndexed
	}
	var partnerHits []string
	for i, c := range found {
		cand := cases.Candidate{Rank: i + 1, SubjectID: c.SubjectID, Score: c.Score, FMR: c.FMR, FMRFloor: c.Floor, Band: bandIn(c.FMR, res.Gallery)}
		var prints []cases.Fingerprint
		if cases.IsReferenceNumber(c.SubjectID) {
			ref, err := d.st.PartnerReference(ctx, c.SubjectID)
			if err != nil {
				return nil, err
			}
			cand.Reference, cand.OwnerAgency, cand.Category, prints = ref.Number, ref.OwnerAgency, ref.Category, ref.Fingerprints
			if cand.Hit() {
				partnerHits = append(partnerHits, ref.Number)
			}
		} else {
			sub, err := d.st.Subject(ctx, c.SubjectID)
			if err != nil {
				return nil, err
			}
			cand.OwnerAgency, cand.Category, prints = sub.OwnerAgency, sub.Category, sub.Fingerprints
		}
		byPos := map[int]*biometric.Template{}
		for _, f := range decodeAll(prints) {
			byPos[f.Position] = f.Template
		}
		for _, fs := range c.PerFinger {
			fc := cases.FingerComparison{Position: fs.Position, Score: fs.Score, FMR: fs.FMR, FMRFloor: fs.Floor}
			if t := byPos[fs.Position]; t != nil {
				fc.Candidate = toPrint(t)
			}
			for _, p := range probe {
				if p.Position == fs.Position || (p.Position == 0 && len(probe) == 1) {
					fc.Probe = toPrint(p.Template)
					break
				}
			}
			for _, p := range fs.Pairs {
				fc.Pairs = append(fc.Pairs, [2]int{p.Probe, p.Candidate})
			}
			cand.Fingers = append(cand.Fingers, fc)
		}
		res.Candidates = append(res.Candidates, cand)
	}
	// The log records hit or no-hit on the partner's references, and which.
	partner := "no hit on partner references"
	if len(partnerHits) > 0 {
		partner = "HIT on partner references " + strings.Join(partnerHits, ", ")
	}
	entry := cases.QueryLogEntry{OfficerID: actor.ID, Agency: actor.Agency, Kind: "fingerprint",
		Query: fmt.Sprintf("encounter %s (%d fingers); %s", encounterID, len(probe), partner), Purpose: purpose, PurposeText: purposeText, Results: len(res.Candidates)}
	// The candidate list is kept with the log entry: conclusions can only be
	// about candidates this search returned.
	var kept []cases.SearchCandidate
	for _, c := range res.Candidates {
		sc := cases.SearchCandidate{SubjectID: c.SubjectID, Score: c.Score, Band: c.Band}
		for _, f := range c.Fingers {
			sc.Fingers = append(sc.Fingers, f.Position)
		}
		kept = append(kept, sc)
	}
	id, err := d.st.LogIdentification(ctx, entry, encounterID, kept)
	if err != nil {
		return nil, err
	}
	res.LogID = id
	return res, nil
}

// bandIn bands a candidate by the chance that some subject of a gallery of
// this size who is not the person scores as well: the candidate's false
// match rate times the gallery size. A one-finger search of 5,000 subjects
// throws up candidates at FMR 1e-4 by chance alone; they are not "possible".
func bandIn(fmr float64, gallery int) cases.Band {
	return band(match.BandFor(min(1, fmr*float64(max(1, gallery)))))
}

func band(b match.Band) cases.Band {
	switch b {
	case match.Red:
		return cases.BandRed
	case match.Yellow:
		return cases.BandYellow
	}
	return cases.BandGreen
}

func toPrint(t *biometric.Template) cases.Print {
	p := cases.Print{Position: t.FingerPosition, Width: t.Width, Height: t.Height}
	for _, m := range t.Minutiae {
		kind := cases.MinutiaOther
		switch m.Type {
		case biometric.MinutiaEnding:
			kind = cases.MinutiaEnding
		case biometric.MinutiaBifurcation:
			kind = cases.MinutiaBifurcation
		}
		p.Minutiae = append(p.Minutiae, cases.Minutia{X: m.X, Y: m.Y, Angle: m.Angle, Kind: kind})
	}
	return p
}

// readFile reads a file for import, refusing one too large to be a transaction.
func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, cases.Errorf(cases.EINVALID, "%s does not exist: check the path", path)
	case errors.Is(err, fs.ErrPermission):
		return nil, cases.Errorf(cases.EINVALID, "%s cannot be read: permission denied (copy it somewhere you may read it)", path)
	case err != nil:
		return nil, cases.Errorf(cases.EINVALID, "cannot open %s: %v", path, err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil {
		switch {
		case st.IsDir():
			return nil, cases.Errorf(cases.EINVALID, "%s is a folder, not a file: name the files inside it", path)
		case st.Mode().IsRegular() && st.Size() > MaxFileSize:
			return nil, cases.Errorf(cases.EINVALID, "%s is %d MiB, larger than %d MiB, the most a transaction may be", path, st.Size()>>20, MaxFileSize>>20)
		}
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, cases.Errorf(cases.EINVALID, "cannot read %s: %v", path, err)
	}
	if len(b) > MaxFileSize {
		return nil, cases.Errorf(cases.EINVALID, "%s is larger than %d MiB, the most a transaction may be", path, MaxFileSize>>20)
	}
	return b, nil
}

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func base(path string) string { return filepath.Base(path) }

func join(ss []string) string { return strings.Join(ss, ", ") }
