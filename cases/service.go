package cases

import (
	"context"
	"slices"
	"time"
)

// CaseSort is the column the queue is sorted by.
type CaseSort string

const (
	SortDue      CaseSort = "due"
	SortPriority CaseSort = "priority"
	SortUpdated  CaseSort = "updated"
	SortCreated  CaseSort = "created"
	SortID       CaseSort = "id"
	SortStatus   CaseSort = "status"
	SortAssignee CaseSort = "assignee"
	SortTitle    CaseSort = "title"
)

// CaseFilter selects cases for the queue. Zero values select everything.
type CaseFilter struct {
	// Agency limits the list to cases this agency owns or is shared with: an
	// officer sees only those.
	Agency     string
	Assignee   string   // officer ID; see Unassigned
	Unassigned bool     // only cases with no assignee
	Statuses   []Status // any of these
	OverdueAt  time.Time
	Text       string // substring of ID or title, case-insensitive
	// IDs limits the list to these cases (the queue reads again only the
	// cases that changed).
	IDs      []string
	OpenOnly bool
	// Examination selects the cases whose examination stands there
	// (awaiting verification, awaiting a supervisor…).
	Examination ExamState
}

// CaseSummary is one row of the queue: enough to list, not the whole case.
type CaseSummary struct {
	ID       string
	Title    string
	Status   Status
	Priority Priority
	Assignee string
	Created  time.Time
	Updated  time.Time
	Due      time.Time
	Conflict bool
	// Examination is where the case's examination stands (see ExamState).
	Examination ExamState
}

// Overdue reports whether the case is open and past due at now.
func (c CaseSummary) Overdue(now time.Time) bool {
	return c.Status.Open() && !c.Due.IsZero() && now.After(c.Due)
}

// NewCase is what an officer supplies to open a case.
type NewCase struct {
	Title       string
	Priority    Priority
	SharedWith  []string
	Due         time.Time
	SubjectIDs  []string
	EncounterID string
	Assignee    string
}

// CaseService is how the UI and the CLI read and change cases. Every change is
// made as the given officer and recorded as an annotation and an event.
type CaseService interface {
	// Cases lists case summaries matching f (the store's order is by ID).
	Cases(ctx context.Context, f CaseFilter) ([]CaseSummary, error)
	Case(ctx context.Context, id string) (*Case, error)
	// Annotations returns a case's timeline, oldest first.
	Annotations(ctx context.Context, caseID string) ([]Annotation, error)

	CreateCase(ctx context.Context, actor Officer, c NewCase) (*Case, error)
	AddNote(ctx context.Context, actor Officer, caseID, text, supersedes string) (*Annotation, error)
	ChangeStatus(ctx context.Context, actor Officer, caseID string, to Status, reason string) (*Annotation, error)
	Assign(ctx context.Context, actor Officer, caseID, assignee string) (*Annotation, error)
	SetPriority(ctx context.Context, actor Officer, caseID string, p Priority) (*Annotation, error)
	// UpdateCase changes a case's title, due date or sharing (only the
	// owning agency's supervisors change sharing).
	UpdateCase(ctx context.Context, actor Officer, u CaseUpdated) error
	RecordDecision(ctx context.Context, actor Officer, caseID string, d Decision) (*Annotation, error)
	// LinkSubject and UnlinkSubject add or withdraw a subject's link to a case.
	LinkSubject(ctx context.Context, actor Officer, caseID, subjectID string) (*Annotation, error)
	UnlinkSubject(ctx context.Context, actor Officer, caseID, subjectID string) (*Annotation, error)
}

// SubjectService is how the UI and the CLI read subjects.
type SubjectService interface {
	Subject(ctx context.Context, id string) (*Subject, error)
	// CaseSubjects returns the subjects involved in a case.
	CaseSubjects(ctx context.Context, caseID string) ([]Subject, error)
	// SubjectCases returns summaries of the cases a subject appears in.
	SubjectCases(ctx context.Context, subjectID string) ([]CaseSummary, error)
	SaveSubject(ctx context.Context, actor Officer, s *Subject) error
	// ViewSubject returns a subject for an officer to look at and logs the
	// view with its purpose, as every search is logged.
	ViewSubject(ctx context.Context, actor Officer, id string, purpose Purpose, purposeText string) (*Subject, error)
}

// DirectoryService knows the agencies and officers of the exchange.
type DirectoryService interface {
	Agencies(ctx context.Context) ([]Agency, error)
	Officers(ctx context.Context) ([]Officer, error)
	Officer(ctx context.Context, id string) (*Officer, error)
}

// Purpose is the lawful reason stated for a search.
type Purpose string

const (
	PurposeBorder        Purpose = "border_inspection"
	PurposeInvestigation Purpose = "criminal_investigation"
	PurposeExtradition   Purpose = "extradition"
	PurposeImmigration   Purpose = "immigration"
	PurposeOther         Purpose = "other"
)

// Purposes lists every purpose.
var Purposes = []Purpose{PurposeBorder, PurposeInvestigation, PurposeExtradition, PurposeImmigration, PurposeOther}

// Label is the purpose as an officer reads it.
func (p Purpose) Label() string {
	switch p {
	case PurposeBorder:
		return "Border inspection"
	case PurposeInvestigation:
		return "Criminal investigation"
	case PurposeExtradition:
		return "Extradition"
	case PurposeImmigration:
		return "Immigration"
	case PurposeOther:
		return "Other"
	}
	return string(p)
}

// QueryLogEntry is the trace of one search (agreement Art. 15).
type QueryLogEntry struct {
	ID          string
	OfficerID   string
	Agency      string
	At          time.Time
	Kind        string // "name", "document", "fingerprint"
	Query       string
	Purpose     Purpose
	PurposeText string // free text, required for PurposeOther
	Results     int
}

// ValidatePurpose checks that a search states a lawful purpose.
func ValidatePurpose(p Purpose, text string) error {
	switch p {
	case PurposeBorder, PurposeInvestigation, PurposeExtradition, PurposeImmigration:
		return nil
	case PurposeOther:
		if len([]rune(text)) < 3 {
			return Errorf(EINVALID, "purpose \"other\" needs a description of the reason for the search")
		}
		return nil
	case "":
		return Errorf(EINVALID, "every search needs a stated purpose")
	}
	return Errorf(EINVALID, "%q is not a recognised search purpose", p)
}

// SyncState is what the status bar and the sync screen say about the
// exchange.
type SyncState struct {
	Configured bool
	HubURL     string
	Connected  bool
	LastSync   time.Time // last round that completed
	Pending    int       // local events not yet acknowledged by the hub
	Conflicts  int       // cases in conflict awaiting a supervisor
	Rejected   int       // local events the hub refused
	// Quarantined counts received events this desk would not apply (they
	// broke the rule book or could not be read); Quarantine lists the
	// latest, for a supervisor to inspect.
	Quarantined int
	Quarantine  []QuarantinedEvent
	LastError   string
	Rounds      []SyncRound // recent rounds, newest first
}

// SyncRound is one sync round as the sync screen lists it.
type SyncRound struct {
	Started  time.Time
	Duration time.Duration
	Pushed   int // events sent and acknowledged
	Rejected int // events the hub refused in this round
	Pulled   int // events received and applied
	Err      string
}

// ConflictService settles cases whose status changes crossed between desks.
type ConflictService interface {
	// ResolveConflict sets the status a case in conflict should have; only
	// supervisors may, and the reason is required. It is itself an event.
	ResolveConflict(ctx context.Context, actor Officer, caseID string, status Status, reason string) error
}

// Store is the whole local store as the UI sees it.
type Store interface {
	CaseService
	ExaminationService
	SubjectService
	DirectoryService
	SearchService
	ConflictService
	// Health describes the store for the status bar: path, schema version, size.
	Health(ctx context.Context) (StoreHealth, error)
}

// StoreHealth describes the local store.
type StoreHealth struct {
	Path          string
	SchemaVersion int
	Cases         int
	Subjects      int
	PendingEvents int
}

// SubjectQuery is one subject search as an officer states it.
type SubjectQuery struct {
	// Text is what the officer typed: a name in any order, an alias, a
	// document number (cédula, passport, A-number) or a pasted MRZ.
	Text string
	// DOB is evidence: an exact, partial (year, year and month) or swapped
	// day/month date raises a result; a contradicting one lowers it.
	DOB PartialDate
	// DOBToleranceYears widens a year-only comparison (±years).
	DOBToleranceYears int
	// Filters: zero values select everything.
	Sex         Sex
	Nationality string
	Category    Category
	OwnerAgency string
	Gang        string

	Limit int // results wanted; 0 means DefaultSearchLimit

	Purpose     Purpose
	PurposeText string
}

// DefaultSearchLimit is how many results a search returns unless told.
const DefaultSearchLimit = 50

// SubjectHit is one search result with why it matched.
type SubjectHit struct {
	Subject      Subject // without fingerprint templates
	Fingerprints int     // how many fingers are on file
	Score        float64 // 0–1; higher is a better match
	ByName       bool
	ByDocument   bool
	Reasons      []string // how the name parts paired, which document matched, DOB evidence
}

// SearchResult is what a subject search returns.
type SearchResult struct {
	Hits []SubjectHit
	// ReadAs says how the query line was understood: "name", "cédula
	// 1714307103", "MRZ (TD3 passport)", ...
	ReadAs string
	// Notices tell the officer about the query itself: a cédula that breaks a
	// rule (and which), an MRZ check digit that fails, too many candidates.
	Notices []string
	// Candidates is how many records the first stage considered.
	Candidates int
	LogID      string // the query-log entry written for this search
}

// SearchService finds subjects. Every search states a purpose and is logged.
type SearchService interface {
	SearchSubjects(ctx context.Context, actor Officer, q SubjectQuery) (*SearchResult, error)
}

// Changes says what changed in a store behind its reader's back (events
// received from the exchange, demo data loaded) since a generation the
// reader last saw, so that a screen reads again only the cases and subjects
// it shows that changed. Generation is where the reader now stands.
type Changes struct {
	Generation uint64
	// All says to read everything again: a bulk load, or more changes
	// than the store keeps track of since the reader's generation.
	All      bool
	Cases    []string // case IDs, sorted, each once
	Subjects []string // subject IDs and partner reference numbers, sorted, each once
	// Other says that something neither a case nor a subject changed:
	// encounters, core-data requests, disclosures.
	Other bool
}

// Empty reports whether nothing changed.
func (c Changes) Empty() bool {
	return !c.All && !c.Other && len(c.Cases) == 0 && len(c.Subjects) == 0
}

// HasCase reports whether case id changed (or everything did).
func (c Changes) HasCase(id string) bool {
	return c.All || slices.Contains(c.Cases, id)
}

// HasSubject reports whether subject (or reference) id changed (or
// everything did).
func (c Changes) HasSubject(id string) bool {
	return c.All || slices.Contains(c.Subjects, id)
}
