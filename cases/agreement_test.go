package cases

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestDefaultAgreement(t *testing.T) {
	a := DefaultAgreement()
	if a.FollowUpDeadlineHours != 48 || a.MaxCandidates != 20 || a.LogRetentionDays != 730 {
		t.Fatalf("default agreement: %+v", a)
	}
	for _, c := range []Category{CategoryTerrorist, CategoryGangMember, CategoryHighPriority} {
		if !a.InScope(c) {
			t.Errorf("%s is not in scope", c)
		}
	}
	if a.InScope(CategoryOther) || !a.Spontaneous(CategoryTerrorist) || a.Spontaneous(CategoryGangMember) {
		t.Errorf("scope: %+v", a)
	}
	if p := a.Partners("EC-PN"); len(p) != 1 || p[0] != "US-CBP" {
		t.Errorf("partners of EC-PN: %v", p)
	}
}

func TestMalformedAgreementIsRefused(t *testing.T) {
	good := map[string]any{}
	json.Unmarshal(defaultAgreement, &good)
	with := func(field string, v any) []byte {
		m := map[string]any{}
		for k, x := range good {
			m[k] = x
		}
		if v == nil {
			delete(m, field)
		} else {
			m[field] = v
		}
		b, _ := json.Marshal(m)
		return b
	}
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"not JSON", []byte("categories: all"), "not a valid policy"},
		{"unknown field", with("share_everything", true), "unknown field"},
		{"trailing data", append(with("name", "x"), []byte(" {}")...), "after its JSON"},
		{"one party", with("parties", []string{"EC-PN"}), "parties"},
		{"unknown category", with("categories_in_scope", []string{"jaywalker"}), `"jaywalker" is not a category`},
		{"nothing in scope", with("categories_in_scope", []string{}), "categories_in_scope"},
		{"unknown purpose", with("purposes", []string{"curiosity"}), `"curiosity" is not a purpose`},
		{"photo as core data", with("core_fields", []string{"name", "photo"}), `"photo" is not a field`},
		{"no deadline", with("follow_up_deadline_hours", 0), "follow_up_deadline_hours"},
		{"deadline missing", with("follow_up_deadline_hours", nil), "follow_up_deadline_hours"},
		{"too many candidates", with("max_candidates", 1000), "max_candidates"},
		{"no retention", with("log_retention_days", -1), "log_retention_days"},
		{"spontaneous out of scope", with("spontaneous_categories", []string{"other"}), "spontaneous_categories"},
	} {
		_, err := ParseAgreement(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) || ErrorCode(err) != EINVALID {
			t.Errorf("%s: got %v, want an error saying %q", tc.name, err, tc.want)
		}
	}
	a, err := ParseAgreement(with("core_fields", []string{"name", "dob"}))
	if err != nil || !a.Core(FieldName) || a.Core(FieldDocuments) {
		t.Fatalf("a narrower policy: %+v, %v", a, err)
	}
}

func TestReferenceNumbers(t *testing.T) {
	n := ReferenceNumber("EC-PN", "0193aaaa-0000-7000-8000-000000000001")
	owner, id, err := ParseReference(n)
	if err != nil || owner != "EC-PN" || id != "0193aaaa-0000-7000-8000-000000000001" {
		t.Fatalf("%s: %s %s %v", n, owner, id, err)
	}
	for _, bad := range []string{"", "EC-PN", "EC-PN-R-", "-R-x", "ec-pn-R-x", "0193aaaa-0000"} {
		if _, _, err := ParseReference(bad); err == nil {
			t.Errorf("%q read as a reference", bad)
		}
	}
}

func TestExchangeRules(t *testing.T) {
	ref := ReferenceNumber("EC-PN", "s1")
	usRef := ReferenceNumber("US-CBP", "s9")
	prints := []Fingerprint{{Position: 2, Format: "iso19794-2:2005", Template: []byte{1}}}
	name := &Name{Paternal: "Vera"}
	to := func(e *Event, agencies ...string) *Event { e.SharedWith = agencies; return e }
	narrow := DefaultAgreement()
	narrow.CoreFields = []CoreField{FieldName}
	tests := []struct {
		name string
		ev   *Event
		rc   RuleContext
		want string
	}{
		{"owner publishes a reference", to(ruleEvent(ecOff, EventReferencePublished, "", Reference{Number: ref, OwnerAgency: "EC-PN", Category: CategoryGangMember, Fingerprints: prints}), "US-CBP"), RuleContext{}, ""},
		{"out-of-scope reference", to(ruleEvent(ecOff, EventReferencePublished, "", Reference{Number: ref, OwnerAgency: "EC-PN", Category: CategoryOther, Fingerprints: prints}), "US-CBP"), RuleContext{}, "outside the agreement's scope"},
		{"reference without prints", to(ruleEvent(ecOff, EventReferencePublished, "", Reference{Number: ref, OwnerAgency: "EC-PN", Category: CategoryTerrorist}), "US-CBP"), RuleContext{}, "fingerprint templates"},
		{"reference of another agency", to(ruleEvent(usOff, EventReferencePublished, "", Reference{Number: ref, OwnerAgency: "US-CBP", Category: CategoryTerrorist, Fingerprints: prints}), "EC-PN"), RuleContext{}, "belongs to EC-PN"},
		{"withdrawal", to(ruleEvent(ecOff, EventReferencePublished, "", Reference{Number: ref, OwnerAgency: "EC-PN", Category: CategoryOther, Withdrawn: true}), "US-CBP"), RuleContext{}, ""},
		{"reference with a name smuggled in", to(&Event{ID: "e", Author: ecOff.ID, Agency: "EC-PN", Kind: EventReferencePublished, Payload: []byte(`{"Number":"` + ref + `","OwnerAgency":"EC-PN","Category":"terrorist","Name":"Vera"}`)}, "US-CBP"), RuleContext{}, "unknown field"},
		{"subject addressed to the partner", to(ruleEvent(usOff, EventSubjectUpserted, "", Subject{ID: "s1", Name: Name{Paternal: "X"}, OwnerAgency: "US-CBP", Category: CategoryGangMember}), "EC-PN"), RuleContext{}, "inside a disclosure"},
		{"request", to(ruleEvent(usOff, EventFollowUpRequested, "", FollowUpRequest{ID: "r1", Reference: ref, RequestingAgency: "US-CBP", CaseID: "US-CBP-2026-010001", Purpose: PurposeBorder, Reason: "hit"}), "EC-PN"), RuleContext{}, ""},
		{"request to the wrong agency", to(ruleEvent(usOff, EventFollowUpRequested, "", FollowUpRequest{ID: "r1", Reference: ref, RequestingAgency: "US-CBP", CaseID: "c", Purpose: PurposeBorder, Reason: "hit"}), "US-CBP"), RuleContext{}, "exactly one agency, EC-PN"},
		{"request without a reason", to(ruleEvent(usOff, EventFollowUpRequested, "", FollowUpRequest{ID: "r1", Reference: ref, RequestingAgency: "US-CBP", CaseID: "c", Purpose: PurposeBorder}), "EC-PN"), RuleContext{}, "says why"},
		{"request by an auditor", to(ruleEvent(usAud, EventFollowUpRequested, "", FollowUpRequest{ID: "r1", Reference: ref, RequestingAgency: "US-CBP", CaseID: "c", Purpose: PurposeBorder, Reason: "x"}), "EC-PN"), RuleContext{}, "auditor"},
		{"approval", to(ruleEvent(ecOff, EventDisclosureMade, "", Disclosure{ID: "d", RequestID: "r1", Reference: ref, To: "US-CBP", Category: CategoryGangMember, Fields: []CoreField{FieldName}, Data: CoreData{Name: name}}), "US-CBP"), RuleContext{}, ""},
		{"approval by a non-owner", to(ruleEvent(ecOff, EventDisclosureMade, "", Disclosure{ID: "d", RequestID: "r1", Reference: usRef, To: "US-CBP", Category: CategoryGangMember, Fields: []CoreField{FieldName}, Data: CoreData{Name: name}}), "US-CBP"), RuleContext{}, "belongs to US-CBP"},
		{"approval outside core data", to(ruleEvent(ecOff, EventDisclosureMade, "", Disclosure{ID: "d", RequestID: "r1", Reference: ref, To: "US-CBP", Category: CategoryGangMember, Fields: []CoreField{FieldName, FieldDOB}, Data: CoreData{Name: name}}), "US-CBP"), RuleContext{Agreement: narrow}, `"dob" is not core data`},
		{"data beyond the fields", to(ruleEvent(ecOff, EventDisclosureMade, "", Disclosure{ID: "d", RequestID: "r1", Reference: ref, To: "US-CBP", Category: CategoryGangMember, Fields: []CoreField{FieldDOB}, Data: CoreData{Name: name}}), "US-CBP"), RuleContext{}, `carries "name"`},
		{"disclosure addressed elsewhere", to(ruleEvent(ecOff, EventDisclosureMade, "", Disclosure{ID: "d", RequestID: "r1", Reference: ref, To: "US-CBP", Category: CategoryGangMember, Fields: []CoreField{FieldName}, Data: CoreData{Name: name}}), "US-CBP", "MX-INM"), RuleContext{}, "exactly one agency"},
		{"spontaneous, terrorist", to(ruleEvent(ecOff, EventDisclosureMade, "", Disclosure{ID: "d", Reference: ref, To: "US-CBP", Category: CategoryTerrorist, Fields: []CoreField{FieldName}, Data: CoreData{Name: name}}), "US-CBP"), RuleContext{}, ""},
		{"spontaneous, gang member", to(ruleEvent(ecOff, EventDisclosureMade, "", Disclosure{ID: "d", Reference: ref, To: "US-CBP", Category: CategoryGangMember, Fields: []CoreField{FieldName}, Data: CoreData{Name: name}}), "US-CBP"), RuleContext{}, "only in answer to a request"},
		{"decline", to(ruleEvent(ecOff, EventFollowUpDeclined, "", FollowUpDecline{RequestID: "r1", Reference: ref, RequestingAgency: "US-CBP", Reason: "sealed"}), "US-CBP"), RuleContext{}, ""},
		{"decline without a reason", to(ruleEvent(ecOff, EventFollowUpDeclined, "", FollowUpDecline{RequestID: "r1", Reference: ref, RequestingAgency: "US-CBP"}), "US-CBP"), RuleContext{}, "gives its reason"},
		{"decline by the requester", to(ruleEvent(usOff, EventFollowUpDeclined, "", FollowUpDecline{RequestID: "r1", Reference: ref, RequestingAgency: "EC-PN", Reason: "x"}), "EC-PN"), RuleContext{}, "belongs to EC-PN"},
	}
	dir := map[string]*Officer{ecOff.ID: &ecOff, usOff.ID: &usOff, usAud.ID: &usAud}
	for _, tc := range tests {
		rc := tc.rc
		rc.Author = dir[tc.ev.Author]
		err := CheckEvent(tc.ev, rc)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: refused: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: got %v, want a refusal saying %q", tc.name, err, tc.want)
		}
	}
}
