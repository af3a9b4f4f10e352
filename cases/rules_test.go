package cases

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

var (
	ruleNow = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	ecOff   = Officer{ID: "ec.o", Agency: "EC-PN", Roles: []Role{RoleOfficer}}
	ecSup   = Officer{ID: "ec.s", Agency: "EC-PN", Roles: []Role{RoleSupervisor, RoleOfficer}}
	usOff   = Officer{ID: "us.o", Agency: "US-CBP", Roles: []Role{RoleOfficer}}
	usAud   = Officer{ID: "us.a", Agency: "US-CBP", Roles: []Role{RoleAuditor}}
)

func ruleEvent(author Officer, kind EventKind, caseID string, payload any) *Event {
	b, _ := json.Marshal(payload)
	return &Event{ID: "e1", Author: author.ID, Agency: author.Agency, HLC: HLC{WallMS: ruleNow.UnixMilli()}, Kind: kind, CaseID: caseID, Payload: b}
}

func TestRuleBook(t *testing.T) {
	dir := map[string]*Officer{ecOff.ID: &ecOff, ecSup.ID: &ecSup, usOff.ID: &usOff, usAud.ID: &usAud}
	lookup := func(id string) (*Officer, bool) { o, ok := dir[id]; return o, ok }
	ecCase := &Case{ID: "EC-PN-2026-010001", OwnerAgency: "EC-PN", SharedWith: []string{"US-CBP"}}
	private := &Case{ID: "EC-PN-2026-010002", OwnerAgency: "EC-PN"}
	title := "t"
	tests := []struct {
		name   string
		author Officer
		ev     *Event
		rc     RuleContext
		want   string // "" = allowed
	}{
		{"owner creates a case", ecOff, ruleEvent(ecOff, EventCaseCreated, "EC-PN-2026-010003", CaseCreated{Case{ID: "EC-PN-2026-010003", Title: "x", OwnerAgency: "EC-PN"}}), RuleContext{}, ""},
		{"case number of another agency", usOff, ruleEvent(usOff, EventCaseCreated, "EC-PN-2026-010003", CaseCreated{Case{ID: "EC-PN-2026-010003", Title: "x", OwnerAgency: "US-CBP"}}), RuleContext{}, "numbering"},
		{"auditor opens a case", usAud, ruleEvent(usAud, EventCaseCreated, "US-CBP-2026-010003", CaseCreated{Case{ID: "US-CBP-2026-010003", Title: "x", OwnerAgency: "US-CBP"}}), RuleContext{}, "auditor"},
		{"partner writes a note on a shared case", usOff, ruleEvent(usOff, EventAnnotationAdded, ecCase.ID, Annotation{ID: "a", CaseID: ecCase.ID, Kind: AnnNote, Author: usOff.ID, Text: "hi"}), RuleContext{Case: ecCase}, ""},
		{"partner writes on a private case", usOff, ruleEvent(usOff, EventAnnotationAdded, private.ID, Annotation{ID: "a", CaseID: private.ID, Kind: AnnNote, Author: usOff.ID, Text: "hi"}), RuleContext{Case: private}, "not shared"},
		{"note signed by someone else", usOff, ruleEvent(usOff, EventAnnotationAdded, ecCase.ID, Annotation{ID: "a", CaseID: ecCase.ID, Kind: AnnNote, Author: ecOff.ID, Text: "hi"}), RuleContext{Case: ecCase}, "signed it"},
		{"officer assigns", ecOff, ruleEvent(ecOff, EventAnnotationAdded, ecCase.ID, Annotation{ID: "a", CaseID: ecCase.ID, Kind: AnnAssign, Author: ecOff.ID, Assignee: ecOff.ID}), RuleContext{Case: ecCase}, "supervisor"},
		{"supervisor assigns a partner officer", ecSup, ruleEvent(ecSup, EventAnnotationAdded, ecCase.ID, Annotation{ID: "a", CaseID: ecCase.ID, Kind: AnnAssign, Author: ecSup.ID, Assignee: usOff.ID}), RuleContext{Case: ecCase}, "its own officers"},
		{"officer closes", ecOff, ruleEvent(ecOff, EventAnnotationAdded, ecCase.ID, Annotation{ID: "a", CaseID: ecCase.ID, Kind: AnnStatus, Author: ecOff.ID, FromStatus: StatusDecided, ToStatus: StatusClosed}), RuleContext{Case: ecCase}, "supervisor"},
		{"officer shares", ecOff, ruleEvent(ecOff, EventCaseUpdated, ecCase.ID, CaseUpdated{CaseID: ecCase.ID, SharedWith: []string{}}), RuleContext{Case: ecCase}, "supervisor"},
		{"partner supervisor shares", usOff, ruleEvent(Officer{ID: "us.s", Agency: "US-CBP", Roles: []Role{RoleSupervisor}}, EventCaseUpdated, ecCase.ID, CaseUpdated{CaseID: ecCase.ID, SharedWith: []string{}}), RuleContext{Case: ecCase}, "owning agency"},
		{"title from the future", ecOff, func() *Event {
			e := ruleEvent(ecOff, EventCaseUpdated, ecCase.ID, CaseUpdated{CaseID: ecCase.ID, Title: &title})
			e.HLC = HLC{WallMS: 0x7fffffffffffffff, Logical: 0xffffffff}
			return e
		}(), RuleContext{Case: ecCase, Now: ruleNow}, "ahead"},
		{"partner rewrites a subject", usOff, ruleEvent(usOff, EventSubjectUpserted, "", Subject{ID: "s1", Name: Name{Paternal: "X"}, OwnerAgency: "US-CBP", Category: CategoryOther}), RuleContext{RecordOwner: "EC-PN"}, "belongs to EC-PN"},
		{"subject of another owner", usOff, ruleEvent(usOff, EventSubjectUpserted, "", Subject{ID: "s1", Name: Name{Paternal: "X"}, OwnerAgency: "EC-PN", Category: CategoryOther}), RuleContext{}, "owned by EC-PN"},
		{"payload not a subject", usOff, &Event{ID: "e", Author: usOff.ID, Agency: "US-CBP", Kind: EventSubjectUpserted, Payload: []byte(`"not a subject"`)}, RuleContext{}, "not a valid"},
		{"unknown field", usOff, &Event{ID: "e", Author: usOff.ID, Agency: "US-CBP", Kind: EventSubjectUpserted, Payload: []byte(`{"ID":"s","Evil":1}`)}, RuleContext{}, "unknown field"},
		{"seed.loaded travels", ecOff, ruleEvent(ecOff, EventSeedLoaded, "", SeedLoaded{}), RuleContext{}, "stay on the desk"},
		{"unknown kind", ecOff, ruleEvent(ecOff, "case.deleted", "EC-PN-2026-010001", struct{}{}), RuleContext{}, "event kind"},
		{"agency differs from the author's", ecOff, func() *Event {
			e := ruleEvent(ecOff, EventSubjectUpserted, "", struct{}{})
			e.Agency = "US-CBP"
			return e
		}(), RuleContext{}, "belongs to EC-PN"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rc := tc.rc
			if a, ok := lookup(tc.ev.Author); ok {
				rc.Author = a
			} else if tc.ev.Author == "us.s" {
				rc.Author = &Officer{ID: "us.s", Agency: "US-CBP", Roles: []Role{RoleSupervisor}}
			}
			rc.Officer = lookup
			err := CheckEvent(tc.ev, rc)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("got %v, want a refusal saying %q", err, tc.want)
			case err != nil && ErrorCode(err) != EFORBIDDEN && ErrorCode(err) != EINVALID:
				t.Errorf("code %s", ErrorCode(err))
			}
		})
	}
}

// FuzzCheckEvent: the rule book never panics, whatever a partner sends.
func FuzzCheckEvent(f *testing.F) {
	f.Add("subject.upserted", "", []byte(`{"ID":"s","Name":{"Paternal":"X"},"OwnerAgency":"US-CBP","Category":"other"}`), int64(0))
	f.Add("annotation.added", "EC-PN-2026-010001", []byte(`{"ID":"a","CaseID":"EC-PN-2026-010001","Kind":"status","Author":"us.o","FromStatus":"new","ToStatus":"closed"}`), int64(1))
	f.Add("case.created", "US-CBP-2026-010001", []byte(`{"Case":{"ID":"US-CBP-2026-010001","Title":"x","OwnerAgency":"US-CBP","Assignee":"nobody"}}`), int64(2))
	f.Add("case.updated", "x", []byte(`{"CaseID":"x","Due":"not a date","SharedWith":["US-CBP"]}`), int64(3))
	f.Fuzz(func(t *testing.T, kind, caseID string, payload []byte, hlc int64) {
		ev := &Event{ID: "e", Author: usOff.ID, Agency: "US-CBP", HLC: HLC{WallMS: hlc}, Kind: EventKind(kind), CaseID: caseID, Payload: payload}
		CheckEvent(ev, RuleContext{Author: &usOff, Case: &Case{ID: caseID, OwnerAgency: "EC-PN", SharedWith: []string{"US-CBP"}}, Now: ruleNow,
			Officer: func(id string) (*Officer, bool) { return &ecOff, id == ecOff.ID }})
	})
}
