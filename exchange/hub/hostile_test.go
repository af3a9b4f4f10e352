package hub

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/exchange"
)

// TestHubEnforcesTheRuleBook replays, through a real hub over loopback mutual
// TLS with valid desk certificates and officer keys, what the hostile-partner
// issue found the hub stored: each is rejected with its reason, and the next
// honest event is stored.
func TestHubEnforcesTheRuleBook(t *testing.T) {
	e := newTestEnv(t)
	us, ec := e.desks["us-1"], e.desks["ec-1"]
	private := ec.createCase(t)
	// An EC subject and an EC encounter the hub holds.
	ec.emit(t, ec.event(t, ec.officer, cases.EventSubjectUpserted, "", nil,
		cases.Subject{ID: "ec-held", Name: cases.Name{Paternal: "Macías"}, OwnerAgency: "EC-PN", Category: cases.CategoryGangMember}))
	ec.emit(t, ec.event(t, ec.officer, cases.EventEncounterCreated, "", nil, cases.Encounter{ID: "enc-held", Agency: "EC-PN", OfficerID: ec.officer.ID}))
	ec.sync(t)
	usTLS, _ := us.files.TLSConfig()
	c := rawClient(usTLS)

	far := us.event(t, us.officer, cases.EventSubjectUpserted, "", nil, cases.Subject{ID: "s9", Name: cases.Name{Paternal: "X"}, OwnerAgency: "US-CBP", Category: cases.CategoryOther})
	far.HLC = cases.HLC{WallMS: 0x7fffffffffffffff, Logical: 0xffffffff}
	if err := exchange.SignEvent(&far, us.keys); err != nil {
		t.Fatal(err)
	}
	poison := us.event(t, us.officer, cases.EventSubjectUpserted, "", nil, "not a subject")
	squat := us.event(t, us.officer, cases.EventCaseCreated, "EC-PN-2026-020001", nil,
		cases.CaseCreated{Case: cases.Case{ID: "EC-PN-2026-020001", Title: "squat", OwnerAgency: "US-CBP", Status: cases.StatusNew}})
	rewrite := us.event(t, us.officer, cases.EventSubjectUpserted, "", []string{"EC-PN"},
		cases.Subject{ID: "ec-subject", Name: cases.Name{Paternal: "Otro"}, OwnerAgency: "EC-PN", Category: cases.CategoryOther})
	claim := us.event(t, us.officer, cases.EventSubjectUpserted, "", nil,
		cases.Subject{ID: "ec-held", Name: cases.Name{Paternal: "Nadie"}, OwnerAgency: "US-CBP", Category: cases.CategoryOther})
	reEncounter := us.event(t, us.officer, cases.EventEncounterCreated, "", nil, cases.Encounter{ID: "enc-held", Agency: "US-CBP", OfficerID: us.officer.ID})
	own := us.createCase(t)
	us.sync(t)
	officerShares := us.event(t, us.officer, cases.EventCaseUpdated, own, nil, cases.CaseUpdated{CaseID: own, SharedWith: []string{"EC-PN"}})
	notShared := us.event(t, us.supervisor, cases.EventAnnotationAdded, private, nil, cases.Annotation{CaseID: private, Kind: cases.AnnNote, Text: "peek"})
	attacks := []struct {
		name string
		ev   cases.Event
		want string
	}{
		{"clock poisoning", far, "ahead of the receiver's clock"},
		{"a payload that is not a subject", poison, "not a valid subject.upserted payload"},
		{"a case number of the partner's numbering", squat, "numbering"},
		{"a partner rewrites an EC subject", rewrite, "cannot write a subject owned by EC-PN"},
		{"a partner claims an EC subject's ID as its own", claim, "subject ec-held belongs to EC-PN"},
		{"a partner records an encounter ID the hub holds", reEncounter, "encounter enc-held belongs to EC-PN"},
		{"an officer shares a case", officerShares, "supervisor"},
		{"a note on a case not shared", notShared, "not shared with US-CBP"},
	}
	for _, a := range attacks {
		ack := pushAck(t, c, e.url(), a.ev)
		if ack.Status != exchange.AckRejected || !strings.Contains(ack.Error, a.want) {
			t.Errorf("%s: %+v, want a rejection saying %q", a.name, ack, a.want)
		}
	}
	good := us.note(t, own, "honest work")
	if r := us.sync(t); r.Rejected != 0 {
		t.Errorf("honest round after the attacks: %+v", r)
	}
	if h := e.hubEvents(t)[good.ID]; h.seq == 0 {
		t.Errorf("the honest note after the attacks was not stored")
	}
	for _, a := range attacks {
		if h, ok := e.hubEvents(t)[a.ev.ID]; ok && h.seq != 0 {
			t.Errorf("%s: the hub stored it", a.name)
		}
	}
}

// TestOneDeskCannotKeepTheHubBusy: a desk that floods the hub with requests
// is told to slow down (429) once past its allowance; another desk is
// served meanwhile. The loop is bounded.
func TestOneDeskCannotKeepTheHubBusy(t *testing.T) {
	e := newTestEnv(t)
	// The hub's own clock stands still: the allowance does not refill, so
	// the test does not depend on how fast this machine is.
	e.stopHub()
	e.cfg.Clock = cases.NewManualClock(time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC))
	e.startHub()
	usTLS, _ := e.desks["us-1"].files.TLSConfig()
	ecTLS, _ := e.desks["ec-1"].files.TLSConfig()
	us, ec := rawClient(usTLS), rawClient(ecTLS)
	tooMany := 0
	for i := 0; i < 3*2*DeskRequestsPerSecond && tooMany == 0; i++ {
		resp, err := us.Get(e.url() + "/v1/whoami")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusTooManyRequests {
			tooMany++
			if resp.Header.Get("Retry-After") == "" {
				t.Error("a 429 without Retry-After")
			}
		}
	}
	if tooMany == 0 {
		t.Fatalf("%d requests in a row were all served", 3*2*DeskRequestsPerSecond)
	}
	resp, err := ec.Get(e.url() + "/v1/whoami")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("another desk was refused while one flooded: %d", resp.StatusCode)
	}
}
