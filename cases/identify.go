package cases

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Band is the traffic-light answer of a fingerprint search, as the FBI's RISC
// service gives it.
type Band string

const (
	BandRed    Band = "red"    // highly probable
	BandYellow Band = "yellow" // possible
	BandGreen  Band = "green"  // none
)

// Label is the band as an officer reads it.
func (b Band) Label() string {
	switch b {
	case BandRed:
		return "Red: highly probable"
	case BandYellow:
		return "Yellow: possible"
	case BandGreen:
		return "Green: no match"
	}
	return string(b)
}

// MinutiaKind is what a plotted minutia is.
type MinutiaKind string

const (
	MinutiaEnding      MinutiaKind = "ending"
	MinutiaBifurcation MinutiaKind = "bifurcation"
	MinutiaOther       MinutiaKind = "other"
)

// Minutia is one minutia for display: position in pixels (origin top-left),
// direction in degrees counter-clockwise from the x axis.
type Minutia struct {
	X, Y  int
	Angle float64
	Kind  MinutiaKind
}

// Print is one finger's minutiae for display.
type Print struct {
	Position      int
	Width, Height int // image size in pixels, 0 if unknown
	Minutiae      []Minutia
}

// FingerComparison is one probe finger against one candidate finger.
type FingerComparison struct {
	Position  int     // the candidate finger's position
	Score     float64 // 1:1 similarity
	FMR       float64 // estimated false match rate of this comparison
	FMRFloor  float64 // the lowest rate the calibration data supports here (see FormatFMR)
	Probe     Print
	Candidate Print
	Pairs     [][2]int // paired minutiae: indexes into Probe and Candidate minutiae
}

// Candidate is one subject a fingerprint search returns: a subject of the
// desk's own agency, or a HIT on a partner's reference (Reference set,
// SubjectID the reference number), which carries no personal data.
type Candidate struct {
	Rank      int
	SubjectID string
	// Reference is the partner's reference number when the candidate is a
	// partner's reference; OwnerAgency and Category come with it.
	Reference   string
	OwnerAgency string
	Category    Category
	Score       float64 // fused evidence (−log10 of the fused false match rate)
	FMR         float64 // estimated false match rate of the fused comparison
	// FMRFloor is the lowest fused rate the calibration data supports, with
	// the fingers of a non-mate taken as independent (see FormatFMR).
	FMRFloor float64
	Band     Band
	Fingers  []FingerComparison
}

// FormatFMR writes a false match rate for an officer. A rate below floor,
// the lowest the calibration data supports, is an extrapolation: it reads
// "< 1 in N (beyond the calibration data)" instead of a figure.
func FormatFMR(fmr, floor float64) string {
	if floor <= 0 || fmr >= floor {
		return ShortFMR(fmr, floor)
	}
	// N = 1/floor rounded down to three significant digits, so that the
	// statement stays true.
	n := math.Floor(1 / floor)
	if p := math.Pow(10, math.Floor(math.Log10(n))-2); p > 1 {
		n = math.Floor(n/p) * p
	}
	digits := strconv.FormatFloat(n, 'f', 0, 64)
	var b strings.Builder
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return "< 1 in " + b.String() + " (beyond the calibration data)"
}

// ShortFMR is a false match rate for a table cell: below floor it reads
// "<" and the floor rounded up to two digits ("<1.1e-3"), never a figure
// the calibration data does not support.
func ShortFMR(fmr, floor float64) string {
	switch {
	case floor > 0 && fmr < floor:
		e := math.Floor(math.Log10(floor))
		m := math.Ceil(floor/math.Pow(10, e)*10) / 10
		return fmt.Sprintf("<%.1fe%d", m, int(e))
	case fmr <= 0:
		return "0"
	case fmr >= 0.001:
		return strconv.FormatFloat(fmr, 'f', 3, 64)
	}
	return strings.Replace(strconv.FormatFloat(fmr, 'e', 0, 64), "e-0", "e-", 1)
}

// Hit reports whether the candidate is a hit: banded red or yellow. A search
// whose candidates are all green is a no-hit.
func (c Candidate) Hit() bool { return c.Band == BandRed || c.Band == BandYellow }

// How a fingerprint search went through the gallery
// (IdentificationResult.Mode).
const (
	SearchExhaustive = "exhaustive"
	SearchIndexed    = "indexed"
)

// IdentificationResult is a 1:N fingerprint search's answer.
type IdentificationResult struct {
	EncounterID string
	Candidates  []Candidate
	Gallery     int // subjects searched
	Fingers     int // probe fingers used
	// Mode is how the gallery was searched: SearchExhaustive (every
	// subject compared) or SearchIndexed (the subjects the index ranked
	// highest).
	Mode string
	// ModeNote says why a search ran exhaustively on a gallery large
	// enough for the index (a probe finger too poor for it); else empty.
	ModeNote string
	// Penetration is the share of the gallery the matcher compared: 1 for
	// an exhaustive search.
	Penetration float64
	Took        time.Duration
	LogID       string
}

// EncounterSummary is one row of the encounters list.
type EncounterSummary struct {
	ID         string
	At         time.Time
	Place      string
	OfficerID  string
	Fingers    int
	SourceFile string
	CaseIDs    []string
}

// IdentificationService runs fingerprint searches from encounters and brings
// interchange files into the desk.
type IdentificationService interface {
	Encounters(ctx context.Context) ([]EncounterSummary, error)
	Encounter(ctx context.Context, id string) (*Encounter, error)
	// Identify searches an encounter's prints against the gallery; like every
	// search it states a purpose and is logged.
	Identify(ctx context.Context, actor Officer, encounterID string, purpose Purpose, purposeText string, topN int) (*IdentificationResult, error)
	// Import reads ANSI/NIST-ITL transactions or minutiae templates into a
	// new encounter (or a new subject, opts.AsSubject). A subject's template
	// whose file does not say which finger it holds is refused with a
	// *FingerUnknownError unless opts.Finger names it.
	Import(ctx context.Context, actor Officer, paths []string, opts ImportOptions) (*ImportResult, error)
}

// ImportOptions say what an import makes of its files.
type ImportOptions struct {
	// AsSubject makes a new subject of the officer's agency instead of an
	// encounter.
	AsSubject bool
	// Finger is the finger position (1–10 as ANSI/NIST numbers them: 1 right
	// thumb … 5 right little, 6 left thumb … 10 left little) of the one
	// template whose file does not say (position 0, "unknown"); 0 leaves it
	// unknown, which an encounter accepts and a subject's record does not.
	Finger int
}

// FingerUnknownError is why an import as a subject was refused: templates
// whose files do not say which finger they hold (ImportOptions.Finger names
// it, for one template at a time). It comes wrapped in an *Error (EINVALID).
type FingerUnknownError struct {
	Files []string // the files' names, one per template without a position
}

func (e *FingerUnknownError) Error() string {
	if len(e.Files) == 1 {
		return e.Files[0] + " does not say which finger it holds"
	}
	return strings.Join(e.Files, ", ") + " do not say which fingers they hold"
}

// MaxFinger is the highest finger position of one finger (10, left little)
// in ANSI/NIST's numbering; the codes above it are plain and slap impressions.
const MaxFinger = 10

// ImportResult says what an import created.
type ImportResult struct {
	EncounterID string // set when imported as an encounter
	SubjectID   string // set when imported as a subject
	Fingers     int
	Files       []ImportedFile
	Warnings    []string
}

// ImportedFile is one file an import read.
type ImportedFile struct {
	Name   string
	SHA256 string
	Format string // "ANSI/NIST-ITL", "ISO/IEC 19794-2:2005", ...
}

// PrintStore is what the desk's fingerprint work (package afis) needs of the
// local store: subjects and their prints, encounters, a watch on saved
// subjects to keep the 1:N gallery current, and the query log.
type PrintStore interface {
	Clock() Clock
	Subject(ctx context.Context, id string) (*Subject, error)
	SaveSubject(ctx context.Context, actor Officer, s *Subject) error
	// EachSubjectFingerprints calls fn with every subject that has prints.
	EachSubjectFingerprints(ctx context.Context, fn func(subjectID string, prints []Fingerprint) error) error
	// EachReferenceFingerprints calls fn with every partner reference
	// shared with this desk that has prints; PartnerReference reads one.
	EachReferenceFingerprints(ctx context.Context, fn func(number string, prints []Fingerprint) error) error
	PartnerReference(ctx context.Context, number string) (*Reference, error)
	// Agreement is the policy in force (the most candidates a search returns).
	Agreement() *Agreement
	// WatchSubjects registers fn to be told of each subject saved ("" after a
	// bulk load), after the save commits and without the save waiting for it.
	WatchSubjects(fn func(subjectID string))
	// FlushWatchers waits until the listeners have been told of every save
	// committed before the call.
	FlushWatchers(ctx context.Context) error
	Encounters(ctx context.Context) ([]EncounterSummary, error)
	Encounter(ctx context.Context, id string) (*Encounter, error)
	CreateEncounter(ctx context.Context, actor Officer, e *Encounter) error
	LogQuery(ctx context.Context, e QueryLogEntry) error
	// LogIdentification writes a fingerprint search's log entry with its
	// candidate list and returns the entry's ID.
	LogIdentification(ctx context.Context, e QueryLogEntry, encounterID string, candidates []SearchCandidate) (string, error)
}
