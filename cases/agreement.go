package cases

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The agreement as data: which subjects are in scope, for which purposes an
// agency may search, which fields make up the core data a follow-up request
// discloses, the follow-up deadline, how many candidates a search may return
// and how long logs are kept. The default is the US–Ecuador agreement,
// embedded; a desk may name another file in its configuration
// (ParseAgreement reads it, strictly).

//go:embed agreement.json
var defaultAgreement []byte

// CoreField is one field of a subject's core data, the part of a record a
// disclosure may carry.
type CoreField string

const (
	FieldName          CoreField = "name"
	FieldAliases       CoreField = "aliases"
	FieldDOB           CoreField = "dob"
	FieldSex           CoreField = "sex"
	FieldNationalities CoreField = "nationalities"
	FieldDocuments     CoreField = "documents"
	FieldGang          CoreField = "gang"
	FieldLegalStatus   CoreField = "legal_status"
)

// CoreFields lists every field a policy may name as core data.
var CoreFields = []CoreField{FieldName, FieldAliases, FieldDOB, FieldSex, FieldNationalities, FieldDocuments, FieldGang, FieldLegalStatus}

// Agreement is the data-sharing policy in force on a desk.
type Agreement struct {
	Name string `json:"name"`
	// Parties are the agencies that exchange references under it.
	Parties []string `json:"parties"`
	// Categories are the subject categories in scope: only their subjects
	// reach the partner, as references.
	Categories []Category `json:"categories_in_scope"`
	// Purposes are the purposes a search or a follow-up request may state.
	Purposes []Purpose `json:"purposes"`
	// CoreFields are the fields an approval discloses unless the owner
	// chooses fewer; no disclosure carries any other.
	CoreFields []CoreField `json:"core_fields"`
	// FollowUpDeadlineHours is how long the owner has to answer a follow-up
	// request, from the moment the hub received it.
	FollowUpDeadlineHours int `json:"follow_up_deadline_hours"`
	// MaxCandidates is the most candidates a fingerprint search returns.
	MaxCandidates int `json:"max_candidates"`
	// LogRetentionDays is how long query-log entries are kept.
	LogRetentionDays int `json:"log_retention_days"`
	// SpontaneousCategories are the categories whose core data an owner may
	// disclose without a request.
	SpontaneousCategories []Category `json:"spontaneous_categories"`
	// VerificationRequired lists the closing conclusions of a fingerprint
	// examination that a second officer must verify before they decide a
	// case (identification, no_identification). Absent: both.
	VerificationRequired *[]Conclusion `json:"verification_required,omitempty"`
}

// Verification is the policy's verification rule.
func (a *Agreement) Verification() VerificationPolicy {
	if a == nil || a.VerificationRequired == nil {
		return DefaultVerification
	}
	var p VerificationPolicy
	for _, c := range *a.VerificationRequired {
		switch c {
		case Identification:
			p.Identification = true
		case NoIdentification:
			p.NoIdentification = true
		}
	}
	return p
}

// DefaultAgreement returns the embedded policy: the US–Ecuador agreement.
func DefaultAgreement() *Agreement {
	a, err := ParseAgreement(defaultAgreement)
	if err != nil {
		panic("cases: the embedded agreement is broken: " + err.Error())
	}
	return a
}

// ParseAgreement reads a policy file: a JSON object with every field of
// Agreement, no unknown field, nothing after it. Each error names the field
// that is wrong.
func ParseAgreement(b []byte) (*Agreement, error) {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	var a Agreement
	if err := dec.Decode(&a); err != nil {
		return nil, Errorf(EINVALID, "the agreement is not a valid policy: %v", err)
	}
	if dec.More() {
		return nil, Errorf(EINVALID, "the agreement has data after its JSON object")
	}
	bad := func(field, format string, args ...any) error {
		return Errorf(EINVALID, "the agreement's %s: %s", field, fmt.Sprintf(format, args...))
	}
	if strings.TrimSpace(a.Name) == "" {
		return nil, bad("name", "it needs a name")
	}
	if len(a.Parties) < 2 {
		return nil, bad("parties", "an agreement has at least two parties")
	}
	for _, p := range a.Parties {
		if !agencyCode(p) {
			return nil, bad("parties", "%q is not an agency code", p)
		}
	}
	if len(a.Categories) == 0 {
		return nil, bad("categories_in_scope", "at least one category must be in scope")
	}
	for _, c := range a.Categories {
		if !slices.Contains(Categories, c) {
			return nil, bad("categories_in_scope", "%q is not a category (%s)", c, joinAny(Categories))
		}
	}
	if len(a.Purposes) == 0 {
		return nil, bad("purposes", "at least one purpose must be allowed")
	}
	for _, p := range a.Purposes {
		if !slices.Contains(Purposes, p) {
			return nil, bad("purposes", "%q is not a purpose (%s)", p, joinAny(Purposes))
		}
	}
	if len(a.CoreFields) == 0 {
		return nil, bad("core_fields", "core data needs at least one field")
	}
	for _, f := range a.CoreFields {
		if !slices.Contains(CoreFields, f) {
			return nil, bad("core_fields", "%q is not a field (%s)", f, joinAny(CoreFields))
		}
	}
	if a.FollowUpDeadlineHours < 1 || a.FollowUpDeadlineHours > 24*90 {
		return nil, bad("follow_up_deadline_hours", "%d is not between 1 and 2160", a.FollowUpDeadlineHours)
	}
	if a.MaxCandidates < 1 || a.MaxCandidates > 100 {
		return nil, bad("max_candidates", "%d is not between 1 and 100", a.MaxCandidates)
	}
	if a.LogRetentionDays < 1 {
		return nil, bad("log_retention_days", "%d is not a number of days", a.LogRetentionDays)
	}
	for _, c := range a.SpontaneousCategories {
		if !slices.Contains(a.Categories, c) {
			return nil, bad("spontaneous_categories", "%q is not among the categories in scope", c)
		}
	}
	if a.VerificationRequired != nil {
		for _, c := range *a.VerificationRequired {
			if !c.Closing() {
				return nil, bad("verification_required", "%q is not a conclusion that closes an examination (identification, no_identification)", c)
			}
		}
	}
	return &a, nil
}

func agencyCode(s string) bool {
	if len(s) < 2 || len(s) > 16 || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

func joinAny[T ~string](xs []T) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = string(x)
	}
	return strings.Join(s, ", ")
}

// InScope reports whether subjects of category c reach the partner.
func (a *Agreement) InScope(c Category) bool { return slices.Contains(a.Categories, c) }

// Allows reports whether p is a purpose the agreement allows.
func (a *Agreement) Allows(p Purpose) bool { return slices.Contains(a.Purposes, p) }

// Core reports whether f is part of core data.
func (a *Agreement) Core(f CoreField) bool { return slices.Contains(a.CoreFields, f) }

// Spontaneous reports whether core data of category c may be disclosed
// without a request.
func (a *Agreement) Spontaneous(c Category) bool { return slices.Contains(a.SpontaneousCategories, c) }

// Deadline is how long the owner has to answer a follow-up request.
func (a *Agreement) Deadline() time.Duration {
	return time.Duration(a.FollowUpDeadlineHours) * time.Hour
}

// Retention is how long query-log entries are kept.
func (a *Agreement) Retention() time.Duration {
	return time.Duration(a.LogRetentionDays) * 24 * time.Hour
}

// Partners are the parties other than agency.
func (a *Agreement) Partners(agency string) []string {
	var out []string
	for _, p := range a.Parties {
		if p != agency {
			out = append(out, p)
		}
	}
	return out
}

// CheckFields checks that every field of a disclosure is core data under
// the agreement (and that there is at least one).
func (a *Agreement) CheckFields(fields []CoreField) error {
	if len(fields) == 0 {
		return Errorf(EINVALID, "a disclosure names at least one field")
	}
	for _, f := range fields {
		if !a.Core(f) {
			return Errorf(EFORBIDDEN, "field %q is not core data under the agreement (core data: %s)", f, joinAny(a.CoreFields))
		}
	}
	return nil
}

// ParseCoreFields reads a comma-separated list of fields ("name,dob").
func ParseCoreFields(s string) ([]CoreField, error) {
	var out []CoreField
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		f := CoreField(p)
		if !slices.Contains(CoreFields, f) {
			return nil, Errorf(EINVALID, "%q is not a field (%s)", p, joinAny(CoreFields))
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out, nil
}
