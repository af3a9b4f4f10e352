package names

import (
	"regexp"
	"slices"
	"testing"

	"github.com/enlace-desk/enlace/cases"
)

var (
	foldedKey   = regexp.MustCompile(`^[a-z]{2,}$`)
	phoneticKey = regexp.MustCompile(`^` + PhoneticPrefix + `[a-z]{2,}$`)
)

func checkKeys(t *testing.T, what string, folded, phonetic []string) {
	t.Helper()
	seen := map[string]bool{}
	for _, k := range folded {
		if !foldedKey.MatchString(k) || seen[k] {
			t.Errorf("%s: folded key %q breaks the contract (or repeats)", what, k)
		}
		seen[k] = true
	}
	for _, k := range phonetic {
		if !phoneticKey.MatchString(k) || seen[k] {
			t.Errorf("%s: phonetic key %q breaks the contract (or repeats)", what, k)
		}
		seen[k] = true
	}
}

func TestIndexKeys(t *testing.T) {
	n := cases.Name{Given: []string{"José", "Adolfo"}, Paternal: "de la Cruz", Maternal: "Villamar"}
	folded, phonetic := IndexKeys(n, []string{"Fito", "J. A. Cruz"})
	checkKeys(t, "IndexKeys", folded, phonetic)
	for _, want := range []string{"jose", "adolfo", "cruz", "villamar", "fito", "rodolfo"} {
		if !slices.Contains(folded, want) {
			t.Errorf("folded keys %v lack %q", folded, want)
		}
	}
	for _, bad := range []string{"de", "la", "j", "a"} {
		if slices.Contains(folded, bad) {
			t.Errorf("folded keys %v hold particle or initial %q", folded, bad)
		}
	}
	if !slices.Contains(phonetic, PhoneticPrefix+Phonetic("villamar")) {
		t.Errorf("phonetic keys %v lack villamar's", phonetic)
	}
}

// A stored name is a candidate for a query when they share a key: check
// that every variation of the domain reference finds its record.
func TestQueryKeysFindTheRecord(t *testing.T) {
	rec := cases.Name{Given: []string{"José", "Adolfo"}, Paternal: "Macías", Maternal: "Villamar"}
	recDel := cases.Name{Given: []string{"Rosa"}, Paternal: "del Pezo", Maternal: "Quiñónez"}
	for _, c := range []struct {
		rec cases.Name
		q   string
	}{
		{rec, "MACIAS VILLAMAR JOSE ADOLFO"},
		{rec, "Fito"},
		{rec, "Pepe Viyamar"},
		{rec, "Billamar"},
		{rec, "Masías"},
		{recDel, "Delpezo"},
		{recDel, "Kiñones"},
	} {
		rf, rp := IndexKeys(c.rec, nil)
		qf, qp := QueryKeys(c.q)
		checkKeys(t, c.q, qf, qp)
		shared := false
		for _, k := range qf {
			shared = shared || slices.Contains(rf, k)
		}
		for _, k := range qp {
			shared = shared || slices.Contains(rp, k)
		}
		if !shared {
			t.Errorf("query %q shares no key with %v: %v %v / %v %v", c.q, c.rec, qf, qp, rf, rp)
		}
	}
}
