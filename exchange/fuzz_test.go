package exchange

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/enlace-desk/enlace/cases"
)

// FuzzDecodePush feeds arbitrary bytes to the hub's push decoder: it must
// never panic, every event it accepts must pass ValidateEvent, and an accepted
// event must survive another trip over the wire unchanged.
func FuzzDecodePush(f *testing.F) {
	ids := cases.NewIDs(cases.SystemClock{})
	payload, _ := json.Marshal(cases.Annotation{CaseID: "US-CBP-2026-010001", Kind: cases.AnnStatus,
		FromStatus: cases.StatusNew, ToStatus: cases.StatusInReview, Text: "Revisión iniciada", BaseVersion: 0})
	ev := cases.Event{ID: ids.New(), Author: "us.jcarter", Device: "us-cbp-desk-1", HLC: cases.HLC{WallMS: 1767225600000, Logical: 3},
		Kind: cases.EventAnnotationAdded, CaseID: "US-CBP-2026-010001", Agency: "US-CBP", SharedWith: []string{"EC-PN"},
		Payload: payload, Signature: bytes.Repeat([]byte{7}, 64)}
	sub := ev
	sub.ID, sub.Kind, sub.CaseID, sub.Payload = ids.New(), cases.EventSubjectUpserted, "", []byte(`{"ID":"s1","OwnerAgency":"US-CBP"}`)
	good, _ := json.Marshal(PushRequest{Events: []WireEvent{ToWire(&ev), ToWire(&sub)}})
	f.Add(good)
	f.Add([]byte(`{"events":[]}`))
	f.Add([]byte(`{"events":[{"id":"0190a5b4-0000-7000-8000-000000000001","hlc":"0000018c2f1a2b3c.00000001","payload":"e30=","signature":""}]}`))
	f.Add([]byte(`{"events":null}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"events":[{"shared_with":["EC-PN","EC-PN"],"kind":"seed.loaded"}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		evs, errs, err := DecodePushRequest(body)
		if err != nil {
			if evs != nil || errs != nil {
				t.Fatal("events returned with a whole-body error")
			}
			return
		}
		if len(evs) != len(errs) || len(evs) > MaxPushEvents {
			t.Fatalf("%d events, %d errors", len(evs), len(errs))
		}
		for i := range evs {
			if errs[i] != nil {
				if _, ok := errs[i].(*EventError); !ok {
					t.Fatalf("event %d: error %T is not an *EventError", i, errs[i])
				}
				continue
			}
			if err := ValidateEvent(&evs[i]); err != nil {
				t.Fatalf("accepted event fails validation: %v", err)
			}
			again, err := json.Marshal(PushRequest{Events: []WireEvent{ToWire(&evs[i])}})
			if err != nil {
				t.Fatal(err)
			}
			evs2, errs2, err := DecodePushRequest(again)
			if err != nil || errs2[0] != nil {
				t.Fatalf("re-encoded event refused: %v %v", err, errs2[0])
			}
			if !bytes.Equal(evs2[0].SigningBytes(), evs[i].SigningBytes()) || !bytes.Equal(evs2[0].Signature, evs[i].Signature) {
				t.Fatal("event changed over a second trip")
			}
		}
	})
}
