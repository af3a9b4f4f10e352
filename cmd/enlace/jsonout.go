package main

import (
	"encoding/json"
	"io"
	"time"

	"github.com/enlace-desk/enlace/cases"
)

// The --json outputs of the tools. Their field names are snake_case and
// stable: scripts depend on them (README, "JSON output"). They are written
// from these types only, never from the domain types directly, so a renamed
// Go field never changes what a script reads.

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// jsonTime is RFC 3339 in UTC, or "" for no time.
func jsonTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

type caseSummaryJSON struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Status   string `json:"status"`
	Priority string `json:"priority"`
	Assignee string `json:"assignee"` // this desk's agency's
	Created  string `json:"created"`
	Updated  string `json:"updated"`
	Due      string `json:"due"`
	Overdue  bool   `json:"overdue"`
	Conflict bool   `json:"conflict"`
}

func caseSummaryOut(c cases.CaseSummary, now time.Time) caseSummaryJSON {
	return caseSummaryJSON{ID: c.ID, Title: c.Title, Status: string(c.Status), Priority: priorityCode(c.Priority), Assignee: c.Assignee,
		Created: jsonTime(c.Created), Updated: jsonTime(c.Updated), Due: jsonTime(c.Due), Overdue: c.Overdue(now), Conflict: c.Conflict}
}

type caseJSON struct {
	ID          string            `json:"id"`
	Title       string            `json:"title"`
	Status      string            `json:"status"`
	Version     int               `json:"version"`
	Conflict    bool              `json:"conflict"`
	Priority    string            `json:"priority"`
	OwnerAgency string            `json:"owner_agency"`
	SharedWith  []string          `json:"shared_with"`
	Assignees   map[string]string `json:"assignees"` // agency code → officer ID
	Created     string            `json:"created"`
	Updated     string            `json:"updated"`
	Due         string            `json:"due"`
	SubjectIDs  []string          `json:"subject_ids"`
	// SubjectReferences are the partner references of linked subjects this
	// desk knows only by reference.
	SubjectReferences []string         `json:"subject_references"`
	EncounterID       string           `json:"encounter_id"`
	Examination       examinationJSON  `json:"examination"`
	Digest            string           `json:"digest"`
	Timeline          []annotationJSON `json:"timeline"`
}

// examinationJSON says where a case's examination stands and who did what.
type examinationJSON struct {
	State       string `json:"state"` // "", awaiting_verification, awaiting_supervisor, verified, resolved, concluded
	Conclusion  string `json:"conclusion,omitempty"`
	CandidateID string `json:"candidate_id,omitempty"`
	ConcludedBy string `json:"concluded_by,omitempty"`
	VerifiedBy  string `json:"verified_by,omitempty"`
	ResolvedBy  string `json:"resolved_by,omitempty"`
}

func examinationOut(ex cases.Examination) examinationJSON {
	out := examinationJSON{State: string(ex.State)}
	if ex.Closing != nil {
		out.ConcludedBy = ex.Closing.Author
	}
	if ex.Verification != nil {
		out.VerifiedBy = ex.Verification.Author
	}
	if ex.Resolution != nil {
		out.ResolvedBy = ex.Resolution.Author
	}
	if ex.Outcome != nil {
		out.Conclusion, out.CandidateID = string(ex.Outcome.Conclusion), ex.Outcome.CandidateID
	}
	return out
}

type annotationJSON struct {
	ID         string        `json:"id"`
	Kind       string        `json:"kind"`
	Author     string        `json:"author"`
	At         string        `json:"at"`
	Text       string        `json:"text,omitempty"`
	Supersedes string        `json:"supersedes,omitempty"`
	FromStatus string        `json:"from_status,omitempty"`
	ToStatus   string        `json:"to_status,omitempty"`
	Assignee   *string       `json:"assignee,omitempty"`
	Priority   string        `json:"priority,omitempty"`
	SubjectID  string        `json:"subject_id,omitempty"`
	Decision   *decisionJSON `json:"decision,omitempty"`
	Replaces   string        `json:"replaces,omitempty"`
	Concerns   string        `json:"concerns,omitempty"`
	Overridden bool          `json:"overridden"`
}

type decisionJSON struct {
	Conclusion    string  `json:"conclusion"`
	CandidateID   string  `json:"candidate_id"`
	Justification string  `json:"justification"`
	SearchID      string  `json:"search_id,omitempty"`
	Fingers       []int   `json:"fingers,omitempty"`
	Score         float64 `json:"score,omitempty"`
	Band          string  `json:"band,omitempty"`
}

func caseOut(c *cases.Case, anns []cases.Annotation, ex cases.Examination) caseJSON {
	out := caseJSON{ID: c.ID, Title: c.Title, Status: string(c.Status), Version: c.Version, Conflict: c.Conflict,
		Priority: priorityCode(c.Priority), OwnerAgency: c.OwnerAgency, SharedWith: nonNilStrings(c.SharedWith),
		Assignees: c.Assignees, Created: jsonTime(c.Created), Updated: jsonTime(c.Updated), Due: jsonTime(c.Due),
		SubjectIDs: nonNilStrings(c.SubjectIDs), SubjectReferences: []string{}, EncounterID: c.EncounterID, Examination: examinationOut(ex), Digest: cases.Digest(c), Timeline: []annotationJSON{}}
	if out.Assignees == nil {
		out.Assignees = map[string]string{}
	}
	for _, a := range anns {
		j := annotationJSON{ID: a.ID, Kind: string(a.Kind), Author: a.Author, At: jsonTime(a.At), Text: a.Text, Supersedes: a.Supersedes,
			FromStatus: string(a.FromStatus), ToStatus: string(a.ToStatus), SubjectID: a.SubjectID, Replaces: a.Replaces, Concerns: a.Concerns, Overridden: a.Overridden}
		switch a.Kind {
		case cases.AnnAssign:
			who := a.Assignee
			j.Assignee = &who
		case cases.AnnPriority:
			j.Priority = priorityCode(a.Priority)
		}
		if a.Decision != nil {
			d := a.Decision
			j.Decision = &decisionJSON{Conclusion: string(d.Conclusion), CandidateID: d.CandidateID, Justification: d.Justification,
				SearchID: d.SearchID, Fingers: d.Fingers, Score: d.Score, Band: string(d.Band)}
		}
		out.Timeline = append(out.Timeline, j)
	}
	return out
}

type subjectJSON struct {
	ID            string         `json:"id"`
	Name          string         `json:"name"`
	Given         []string       `json:"given_names"`
	Paternal      string         `json:"paternal_surname"`
	Maternal      string         `json:"maternal_surname"`
	Aliases       []aliasJSON    `json:"aliases"`
	DOB           string         `json:"date_of_birth"`
	Sex           string         `json:"sex"`
	Nationalities []string       `json:"nationalities"`
	Documents     []documentJSON `json:"documents"`
	Category      string         `json:"category"`
	Gang          string         `json:"gang"`
	LegalStatus   string         `json:"legal_status"`
	OwnerAgency   string         `json:"owner_agency"`
	Fingers       []int          `json:"fingers"` // positions on file
	Created       string         `json:"created"`
	Updated       string         `json:"updated"`
}

type aliasJSON struct {
	Name    string `json:"name"`
	Moniker bool   `json:"moniker"`
}

type documentJSON struct {
	Kind    string `json:"kind"`
	Number  string `json:"number"`
	Country string `json:"country"`
}

func subjectOut(s *cases.Subject) subjectJSON {
	out := subjectJSON{ID: s.ID, Name: s.Name.Display(), Given: nonNilStrings(s.Name.Given), Paternal: s.Name.Paternal, Maternal: s.Name.Maternal,
		Aliases: []aliasJSON{}, DOB: s.DOB.String(), Sex: string(s.Sex), Nationalities: nonNilStrings(s.Nationalities), Documents: []documentJSON{},
		Category: string(s.Category), Gang: s.Gang, LegalStatus: s.LegalStatus, OwnerAgency: s.OwnerAgency, Fingers: []int{},
		Created: jsonTime(s.Created), Updated: jsonTime(s.Updated)}
	for _, a := range s.Aliases {
		out.Aliases = append(out.Aliases, aliasJSON{Name: a.Name, Moniker: a.Moniker})
	}
	for _, d := range s.Documents {
		out.Documents = append(out.Documents, documentJSON{Kind: string(d.Kind), Number: d.Number, Country: d.Country})
	}
	for _, f := range s.Fingerprints {
		out.Fingers = append(out.Fingers, f.Position)
	}
	return out
}

type encounterJSON struct {
	ID         string   `json:"id"`
	At         string   `json:"at"`
	Place      string   `json:"place"`
	OfficerID  string   `json:"officer_id"`
	Fingers    int      `json:"fingers"`
	SourceFile string   `json:"source_file"`
	CaseIDs    []string `json:"case_ids"`
}

type searchJSON struct {
	ReadAs     string          `json:"read_as"`
	Notices    []string        `json:"notices"`
	Candidates int             `json:"candidates_considered"`
	LogID      string          `json:"log_id"`
	Hits       []searchHitJSON `json:"hits"`
}

type searchHitJSON struct {
	Subject      subjectJSON `json:"subject"`
	Fingerprints int         `json:"fingerprints"`
	Score        float64     `json:"score"`
	ByName       bool        `json:"by_name"`
	ByDocument   bool        `json:"by_document"`
	Reasons      []string    `json:"reasons"`
}

func searchOut(r *cases.SearchResult) searchJSON {
	out := searchJSON{ReadAs: r.ReadAs, Notices: nonNilStrings(r.Notices), Candidates: r.Candidates, LogID: r.LogID, Hits: []searchHitJSON{}}
	for i := range r.Hits {
		h := &r.Hits[i]
		out.Hits = append(out.Hits, searchHitJSON{Subject: subjectOut(&h.Subject), Fingerprints: h.Fingerprints, Score: h.Score,
			ByName: h.ByName, ByDocument: h.ByDocument, Reasons: nonNilStrings(h.Reasons)})
	}
	return out
}

type queryLogJSON struct {
	ID          string `json:"id"`
	OfficerID   string `json:"officer_id"`
	Agency      string `json:"agency"`
	At          string `json:"at"`
	Kind        string `json:"kind"`
	Query       string `json:"query"`
	Purpose     string `json:"purpose"`
	PurposeText string `json:"purpose_text"`
	Results     int    `json:"results"`
}

func queryLogOut(entries []cases.QueryLogEntry) []queryLogJSON {
	out := []queryLogJSON{}
	for _, e := range entries {
		out = append(out, queryLogJSON{ID: e.ID, OfficerID: e.OfficerID, Agency: e.Agency, At: e.At.UTC().Format(time.RFC3339Nano), Kind: e.Kind,
			Query: e.Query, Purpose: string(e.Purpose), PurposeText: e.PurposeText, Results: e.Results})
	}
	return out
}

// priorityCode is a priority as the CLI reads and writes it.
func priorityCode(p cases.Priority) string {
	switch p {
	case cases.PriorityLow:
		return "low"
	case cases.PriorityNormal:
		return "normal"
	case cases.PriorityHigh:
		return "high"
	case cases.PriorityCritical:
		return "critical"
	}
	return ""
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

type identifyJSON struct {
	EncounterID string `json:"encounter_id"`
	Gallery     int    `json:"gallery"` // subjects searched
	Fingers     int    `json:"fingers"` // probe fingers used
	TookMS      int64  `json:"took_ms"`
	// Mode: "exhaustive" (every record compared) or "indexed" (the records
	// the index ranked highest); mode_note says why not indexed when the
	// index was due; penetration is the share of the records compared.
	Mode        string  `json:"mode"`
	ModeNote    string  `json:"mode_note"`
	Penetration float64 `json:"penetration"`
	LogID       string  `json:"log_id"` // the search's query-log entry (the search ID of conclusions)
	// PartnerHit: a red or yellow candidate among the partner's references.
	PartnerHit bool            `json:"partner_hit"`
	Candidates []candidateJSON `json:"candidates"`
}

// candidateJSON is one candidate: an own subject (subject_id, name), or a
// partner's reference (reference), which carries no personal data.
type candidateJSON struct {
	Rank        int               `json:"rank"`
	SubjectID   string            `json:"subject_id"`
	Name        string            `json:"name"`
	Reference   string            `json:"reference"`
	OwnerAgency string            `json:"owner_agency"`
	Category    string            `json:"category"`
	Hit         bool              `json:"hit"`
	Score       float64           `json:"score"`    // fused: −log10 of the fused false match rate
	FMR         *float64          `json:"fmr"`      // null below what the calibration data supports
	FMRText     string            `json:"fmr_text"` // "< 1 in N (beyond the calibration data)" there
	Band        string            `json:"band"`
	Fingers     []fingerScoreJSON `json:"fingers"`
}

type fingerScoreJSON struct {
	Position int      `json:"position"`
	Score    float64  `json:"score"` // the 1:1 similarity of this finger
	FMR      *float64 `json:"fmr"`   // null below what the calibration data supports
	FMRText  string   `json:"fmr_text"`
	Paired   int      `json:"paired_minutiae"`
}

// supportedFMR is the rate when the calibration data supports it, else nil.
func supportedFMR(fmr, floor float64) *float64 {
	if fmr < floor {
		return nil
	}
	return &fmr
}

func identifyOut(r *cases.IdentificationResult, names map[string]string) identifyJSON {
	out := identifyJSON{EncounterID: r.EncounterID, Gallery: r.Gallery, Fingers: r.Fingers, TookMS: r.Took.Milliseconds(), Mode: r.Mode, ModeNote: r.ModeNote, Penetration: r.Penetration, LogID: r.LogID, Candidates: []candidateJSON{}}
	for _, c := range r.Candidates {
		cj := candidateJSON{Rank: c.Rank, SubjectID: c.SubjectID, Name: names[c.SubjectID], OwnerAgency: c.OwnerAgency, Category: string(c.Category), Hit: c.Hit(),
			Score: c.Score, FMR: supportedFMR(c.FMR, c.FMRFloor), FMRText: cases.FormatFMR(c.FMR, c.FMRFloor), Band: string(c.Band), Fingers: []fingerScoreJSON{}}
		if c.Reference != "" {
			cj.SubjectID, cj.Name, cj.Reference = "", "", c.Reference
			out.PartnerHit = out.PartnerHit || c.Hit()
		}
		for _, f := range c.Fingers {
			cj.Fingers = append(cj.Fingers, fingerScoreJSON{Position: f.Position, Score: f.Score,
				FMR: supportedFMR(f.FMR, f.FMRFloor), FMRText: cases.FormatFMR(f.FMR, f.FMRFloor), Paired: len(f.Pairs)})
		}
		out.Candidates = append(out.Candidates, cj)
	}
	return out
}

// loginOut is one login-log entry in `audit logins --json`.
type loginOut struct {
	ID        string `json:"id"`
	OfficerID string `json:"officer_id"`
	Agency    string `json:"agency"`
	At        string `json:"at"`
	Kind      string `json:"kind"`
	Via       string `json:"via"`
	Detail    string `json:"detail"`
}
