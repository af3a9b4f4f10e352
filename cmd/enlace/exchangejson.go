package main

import (
	"time"

	"github.com/enlace-desk/enlace/cases"
)

// The --json outputs of the agreement's exchange (see jsonout.go for the
// rules: snake_case, written from these view types only).

type agreementJSON struct {
	Name                  string   `json:"name"`
	Parties               []string `json:"parties"`
	CategoriesInScope     []string `json:"categories_in_scope"`
	Purposes              []string `json:"purposes"`
	CoreFields            []string `json:"core_fields"`
	FollowUpDeadlineHours int      `json:"follow_up_deadline_hours"`
	MaxCandidates         int      `json:"max_candidates"`
	LogRetentionDays      int      `json:"log_retention_days"`
	SpontaneousCategories []string `json:"spontaneous_categories"`
	VerificationRequired  []string `json:"verification_required"`
}

func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

func agreementOut(a *cases.Agreement) agreementJSON {
	return agreementJSON{Name: a.Name, Parties: nonNilStrings(a.Parties), CategoriesInScope: strs(a.Categories), Purposes: strs(a.Purposes),
		CoreFields: strs(a.CoreFields), FollowUpDeadlineHours: a.FollowUpDeadlineHours, MaxCandidates: a.MaxCandidates,
		LogRetentionDays: a.LogRetentionDays, SpontaneousCategories: strs(a.SpontaneousCategories), VerificationRequired: verificationList(a)}
}

// verificationList is the closing conclusions the agreement has verified.
func verificationList(a *cases.Agreement) []string {
	v := a.Verification()
	out := []string{}
	if v.Identification {
		out = append(out, string(cases.Identification))
	}
	if v.NoIdentification {
		out = append(out, string(cases.NoIdentification))
	}
	return out
}

type followUpJSON struct {
	ID               string `json:"id"`
	Direction        string `json:"direction"` // "incoming" or "outgoing"
	Reference        string `json:"reference"`
	OwnerAgency      string `json:"owner_agency"`
	RequestingAgency string `json:"requesting_agency"`
	RequestedBy      string `json:"requested_by"`
	CaseID           string `json:"case_id"`
	Purpose          string `json:"purpose"`
	PurposeText      string `json:"purpose_text"`
	Reason           string `json:"reason"`
	Made             string `json:"made"`
	Received         string `json:"received"` // when the hub received it; "" until the hub confirms
	Due              string `json:"due"`
	Overdue          bool   `json:"overdue"`
	Status           string `json:"status"` // pending, approved, declined
	Answered         string `json:"answered"`
	AnsweredBy       string `json:"answered_by"`
	Late             bool   `json:"late"`
	DeclineReason    string `json:"decline_reason"`
	DisclosureID     string `json:"disclosure_id"`
}

func followUpOut(f cases.FollowUp, now time.Time) followUpJSON {
	dir := "outgoing"
	if f.Incoming {
		dir = "incoming"
	}
	return followUpJSON{ID: f.ID, Direction: dir, Reference: f.Reference, OwnerAgency: f.OwnerAgency, RequestingAgency: f.RequestingAgency,
		RequestedBy: f.RequestedBy, CaseID: f.CaseID, Purpose: string(f.Purpose), PurposeText: f.PurposeText, Reason: f.Reason,
		Made: jsonTime(f.Made), Received: jsonTime(f.Received), Due: jsonTime(f.Due), Overdue: f.Overdue(now), Status: f.Status,
		Answered: jsonTime(f.Answered), AnsweredBy: f.AnsweredBy, Late: f.Late(), DeclineReason: f.DeclineReason, DisclosureID: f.DisclosureID}
}

type disclosureJSON struct {
	ID          string       `json:"id"`
	Direction   string       `json:"direction"`  // "outgoing" (this agency disclosed) or "incoming"
	RequestID   string       `json:"request_id"` // "" for a spontaneous disclosure
	Reference   string       `json:"reference"`
	OwnerAgency string       `json:"owner_agency"`
	To          string       `json:"to"`
	Category    string       `json:"category"`
	Fields      []string     `json:"fields"`
	DisclosedBy string       `json:"disclosed_by"`
	At          string       `json:"at"`
	Data        coreDataJSON `json:"data"`
}

type coreDataJSON struct {
	Name          string         `json:"name,omitempty"`
	Given         []string       `json:"given,omitempty"`
	Paternal      string         `json:"paternal,omitempty"`
	Maternal      string         `json:"maternal,omitempty"`
	Aliases       []aliasJSON    `json:"aliases,omitempty"`
	DOB           string         `json:"dob,omitempty"`
	Sex           string         `json:"sex,omitempty"`
	Nationalities []string       `json:"nationalities,omitempty"`
	Documents     []documentJSON `json:"documents,omitempty"`
	Gang          string         `json:"gang,omitempty"`
	LegalStatus   string         `json:"legal_status,omitempty"`
}

func disclosureOut(d cases.DisclosureRecord) disclosureJSON {
	dir := "incoming"
	if d.Outgoing {
		dir = "outgoing"
	}
	out := disclosureJSON{ID: d.ID, Direction: dir, RequestID: d.RequestID, Reference: d.Reference, OwnerAgency: d.OwnerAgency, To: d.To,
		Category: string(d.Category), Fields: strs(d.Fields), DisclosedBy: d.DisclosedBy, At: jsonTime(d.At)}
	c := &d.Data
	if c.Name != nil {
		out.Data.Name, out.Data.Given, out.Data.Paternal, out.Data.Maternal = c.Name.Display(), c.Name.Given, c.Name.Paternal, c.Name.Maternal
	}
	for _, a := range c.Aliases {
		out.Data.Aliases = append(out.Data.Aliases, aliasJSON{Name: a.Name, Moniker: a.Moniker})
	}
	if c.DOB != nil {
		out.Data.DOB = c.DOB.String()
	}
	out.Data.Sex, out.Data.Nationalities, out.Data.Gang, out.Data.LegalStatus = string(c.Sex), c.Nationalities, c.Gang, c.LegalStatus
	for _, doc := range c.Documents {
		out.Data.Documents = append(out.Data.Documents, documentJSON{Kind: string(doc.Kind), Number: doc.Number, Country: doc.Country})
	}
	return out
}

func disclosuresOut(ds []cases.DisclosureRecord) []disclosureJSON {
	out := []disclosureJSON{}
	for _, d := range ds {
		out = append(out, disclosureOut(d))
	}
	return out
}

// referenceViewJSON is what `subject show REFERENCE --json` prints for a
// partner's reference: the reference, and what its owner disclosed to this
// agency (nothing else).
type referenceViewJSON struct {
	Reference   string           `json:"reference"`
	OwnerAgency string           `json:"owner_agency"`
	Category    string           `json:"category"`
	Withdrawn   bool             `json:"withdrawn"`
	Fingers     []int            `json:"fingers"`
	Disclosed   bool             `json:"disclosed"`
	Disclosures []disclosureJSON `json:"disclosures"`
}

func referenceViewOut(v *cases.SubjectView) referenceViewJSON {
	r := v.Reference
	out := referenceViewJSON{Reference: r.Number, OwnerAgency: r.OwnerAgency, Category: string(r.Category), Withdrawn: r.Withdrawn,
		Fingers: []int{}, Disclosed: len(v.Disclosures) > 0, Disclosures: disclosuresOut(v.Disclosures)}
	for _, f := range r.Fingerprints {
		out.Fingers = append(out.Fingers, f.Position)
	}
	return out
}
