package cases

import (
	"sort"
	"testing"
	"time"
)

func TestIDsAreTimeOrderedAndUnique(t *testing.T) {
	clock := NewManualClock(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC))
	g := NewIDs(clock)
	var ids []string
	seen := map[string]bool{}
	for i := 0; i < 5000; i++ {
		if i%1000 == 0 {
			clock.Advance(time.Millisecond)
		}
		id := g.New()
		if seen[id] {
			t.Fatalf("duplicate ID %s", id)
		}
		seen[id] = true
		ids = append(ids, id)
	}
	if !sort.StringsAreSorted(ids) {
		t.Error("IDs from one generator must sort in creation order, even within a millisecond")
	}
	for _, id := range ids[:3] {
		if id[14] != '7' || (id[19] != '8' && id[19] != '9' && id[19] != 'a' && id[19] != 'b') {
			t.Errorf("%s is not a UUIDv7", id)
		}
	}
	if at, ok := IDTime(ids[0]); !ok || !at.Equal(time.Date(2026, 11, 27, 12, 0, 0, 1e6, time.UTC)) {
		t.Errorf("IDTime = %v %v", at, ok)
	}
	// A clock that goes back does not break the order.
	clock.Advance(-time.Hour)
	if next := g.New(); next <= ids[len(ids)-1] {
		t.Errorf("ID after the clock went back sorts before the last one")
	}
}

func TestHLCOrdersAcrossDesks(t *testing.T) {
	clockA := NewManualClock(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC))
	clockB := NewManualClock(time.Date(2026, 11, 27, 11, 59, 0, 0, time.UTC)) // a minute slow
	a, b := NewHLClock(clockA, HLC{}), NewHLClock(clockB, HLC{})
	ha := a.Now()
	b.Observe(ha)
	hb := b.Now()
	if !ha.Less(hb) {
		t.Errorf("an event after observing %s must order after it, got %s", ha, hb)
	}
	if ha.String() >= hb.String() {
		t.Error("text form must sort like the timestamps")
	}
	p, err := ParseHLC(hb.String())
	if err != nil || p != hb {
		t.Errorf("round trip %v %v", p, err)
	}
	if _, err := ParseHLC("garbage"); ErrorCode(err) != EINVALID {
		t.Errorf("bad HLC: %v", err)
	}
}

func TestCaseNumbers(t *testing.T) {
	id := CaseNumber("EC-PN", 2026, 7, 123)
	if id != "EC-PN-2026-070123" {
		t.Fatalf("got %s", id)
	}
	ag, y, d, s, err := ParseCaseNumber(id)
	if err != nil || ag != "EC-PN" || y != 2026 || d != 7 || s != 123 {
		t.Errorf("parse: %s %d %d %d %v", ag, y, d, s, err)
	}
	if long := CaseNumber("US-CBP", 2026, 12, 10000); long != "US-CBP-2026-1210000" {
		t.Errorf("sequence past 9999: %s", long)
	}
	for _, bad := range []string{"", "EC-PN", "EC-PN-2026-12", "EC-PN-20x6-070001"} {
		if _, _, _, _, err := ParseCaseNumber(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestPartialDates(t *testing.T) {
	for _, s := range []string{"", "1984", "1984-03", "1984-03-07"} {
		d, err := ParsePartialDate(s)
		if err != nil || d.String() != s {
			t.Errorf("%q: %v %v", s, d, err)
		}
	}
	for _, s := range []string{"84", "1984-13", "1984-02-30", "1984/03/07", "abcd"} {
		if _, err := ParsePartialDate(s); ErrorCode(err) != EINVALID {
			t.Errorf("%q accepted", s)
		}
	}
}

func TestNamesForms(t *testing.T) {
	n := Name{Given: []string{"José", "Adolfo"}, Paternal: "Macías", Maternal: "Villamar"}
	if n.Display() != "José Adolfo Macías Villamar" || n.Civil() != "MACÍAS VILLAMAR JOSÉ ADOLFO" {
		t.Errorf("%q / %q", n.Display(), n.Civil())
	}
}
