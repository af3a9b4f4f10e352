package cases

import (
	"context"
	"slices"
	"strings"
	"time"
)

// The agreement's exchange (hit/no-hit, PCSC and Prüm style): an agency's
// in-scope subjects reach the partner as references that carry no personal
// data; the partner's fingerprint searches run against them; personal data
// comes only through a follow-up request the owner answers, as a disclosure
// addressed to the requesting agency.

// ReferenceMark separates the owner agency from the subject's ID in a
// reference number: "EC-PN-R-0193…". The owner is written in the number, so
// every checker (the hub included) can tell who may disclose it.
const ReferenceMark = "-R-"

// ReferenceNumber is the reference under which owner shares its subject.
func ReferenceNumber(owner, subjectID string) string { return owner + ReferenceMark + subjectID }

// ParseReference splits a reference number into its owner agency and the
// owner's subject ID.
func ParseReference(number string) (owner, subjectID string, err error) {
	i := strings.Index(number, ReferenceMark)
	if i < 0 || !agencyCode(number[:i]) || len(number)-i-len(ReferenceMark) < 1 || len(number) > 160 {
		return "", "", Errorf(EINVALID, "%q is not a reference number (AGENCY-R-ID, as a fingerprint hit shows it)", clipRule(number))
	}
	return number[:i], number[i+len(ReferenceMark):], nil
}

// IsReferenceNumber reports whether s reads as a reference number.
func IsReferenceNumber(s string) bool {
	_, _, err := ParseReference(s)
	return err == nil
}

// Reference is how an in-scope subject reaches the partner: the reference
// number, the owner, the category and the fingerprint templates, nothing that
// identifies the person. It is the payload of EventReferencePublished; a
// reference with Withdrawn set is no longer shared (the subject left the
// agreement's scope) and carries no prints.
type Reference struct {
	Number       string
	OwnerAgency  string
	Category     Category
	Fingerprints []Fingerprint
	Withdrawn    bool
	Published    time.Time
}

// FollowUpRequest asks the owner of a reference for its core data: the
// payload of EventFollowUpRequested, addressed to the owner agency.
type FollowUpRequest struct {
	ID               string
	Reference        string
	RequestingAgency string
	CaseID           string // the requester's case the hit belongs to
	Purpose          Purpose
	PurposeText      string
	Reason           string
}

// FollowUpDecline is the owner's refusal of a request: the payload of
// EventFollowUpDeclined, addressed to the requester.
type FollowUpDecline struct {
	RequestID        string
	Reference        string
	RequestingAgency string
	Reason           string
}

// CoreData is what a disclosure carries: only the fields it names are set.
type CoreData struct {
	Name          *Name        `json:",omitempty"`
	Aliases       []Alias      `json:",omitempty"`
	DOB           *PartialDate `json:",omitempty"`
	Sex           Sex          `json:",omitempty"`
	Nationalities []string     `json:",omitempty"`
	Documents     []Document   `json:",omitempty"`
	Gang          string       `json:",omitempty"`
	LegalStatus   string       `json:",omitempty"`
}

// Present lists the fields that are set.
func (d *CoreData) Present() []CoreField {
	var out []CoreField
	add := func(ok bool, f CoreField) {
		if ok {
			out = append(out, f)
		}
	}
	add(d.Name != nil, FieldName)
	add(len(d.Aliases) > 0, FieldAliases)
	add(d.DOB != nil, FieldDOB)
	add(d.Sex != "", FieldSex)
	add(len(d.Nationalities) > 0, FieldNationalities)
	add(len(d.Documents) > 0, FieldDocuments)
	add(d.Gang != "", FieldGang)
	add(d.LegalStatus != "", FieldLegalStatus)
	return out
}

// CoreDataOf copies the named fields of a subject.
func CoreDataOf(s *Subject, fields []CoreField) CoreData {
	var d CoreData
	for _, f := range fields {
		switch f {
		case FieldName:
			n := s.Name
			d.Name = &n
		case FieldAliases:
			d.Aliases = slices.Clone(s.Aliases)
		case FieldDOB:
			if !s.DOB.IsZero() {
				dob := s.DOB
				d.DOB = &dob
			}
		case FieldSex:
			d.Sex = s.Sex
		case FieldNationalities:
			d.Nationalities = slices.Clone(s.Nationalities)
		case FieldDocuments:
			d.Documents = slices.Clone(s.Documents)
		case FieldGang:
			d.Gang = s.Gang
		case FieldLegalStatus:
			d.LegalStatus = s.LegalStatus
		}
	}
	return d
}

// Disclosure is core data of one subject disclosed by its owner to one
// agency: the payload of EventDisclosureMade, signed by the approving officer
// and addressed to To. RequestID is empty for a spontaneous disclosure.
type Disclosure struct {
	ID        string
	RequestID string
	Reference string
	To        string
	Category  Category
	Fields    []CoreField
	Data      CoreData
}

// FollowUp status.
const (
	FollowUpPending  = "pending"
	FollowUpApproved = "approved"
	FollowUpDeclined = "declined"
)

// FollowUp is a core-data request as either side's queue shows it.
type FollowUp struct {
	ID               string
	Reference        string
	OwnerAgency      string
	RequestingAgency string
	RequestedBy      string
	CaseID           string
	Purpose          Purpose
	PurposeText      string
	Reason           string
	Made             time.Time // when the requesting officer made it
	Received         time.Time // when the hub received it; zero until known
	Due              time.Time // Received plus the agreement's deadline
	Status           string
	Answered         time.Time
	AnsweredBy       string
	DeclineReason    string
	DisclosureID     string
	Incoming         bool // addressed to this desk's agency
}

// Overdue reports whether the request is unanswered past its deadline.
func (f FollowUp) Overdue(now time.Time) bool {
	return f.Status == FollowUpPending && !f.Due.IsZero() && now.After(f.Due)
}

// Late reports whether it was answered after its deadline.
func (f FollowUp) Late() bool {
	return f.Status != FollowUpPending && !f.Due.IsZero() && f.Answered.After(f.Due)
}

// DisclosureRecord is one disclosure as the audit lists it, on either side.
type DisclosureRecord struct {
	Disclosure
	OwnerAgency string
	DisclosedBy string
	At          time.Time
	Outgoing    bool // made by this desk's agency
}

// SubjectView is what a desk may see of a subject or a reference: its own
// subject in full, or a partner's reference with whatever was disclosed.
type SubjectView struct {
	Subject     *Subject   // this agency's own subject; nil for a partner reference
	Reference   *Reference // the partner's reference
	Disclosures []DisclosureRecord
}

// ExchangeService is the agreement's exchange on a desk: partner
// references, follow-up requests and disclosures. Every action is made as
// the given officer, recorded as a signed event and logged.
type ExchangeService interface {
	Agreement() *Agreement
	PartnerReference(ctx context.Context, number string) (*Reference, error)
	RequestCoreData(ctx context.Context, actor Officer, reference, caseID string, purpose Purpose, purposeText, reason string) (*FollowUp, error)
	FollowUps(ctx context.Context, incoming, outgoing bool) ([]FollowUp, error)
	FollowUp(ctx context.Context, id string) (*FollowUp, error)
	ApproveFollowUp(ctx context.Context, actor Officer, id string, fields []CoreField) (*DisclosureRecord, error)
	DeclineFollowUp(ctx context.Context, actor Officer, id, reason string) (*FollowUp, error)
	DiscloseSpontaneously(ctx context.Context, actor Officer, subjectID, to string, fields []CoreField) (*DisclosureRecord, error)
	Disclosures(ctx context.Context) ([]DisclosureRecord, error)
	ViewReference(ctx context.Context, actor Officer, idOrReference string, purpose Purpose, purposeText string) (*SubjectView, error)
	// CaseReferences returns the partner's subjects a case names that this
	// desk knows only by reference.
	CaseReferences(ctx context.Context, caseID string) ([]Reference, error)
}
