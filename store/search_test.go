package store_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/enlace-desk/enlace/assets/demo"
	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/cases/iddoc"
	"github.com/enlace-desk/enlace/cases/names"
	"github.com/enlace-desk/enlace/store"
)

// fito is the person a search must not miss.
var fito = cases.Subject{
	Name:          cases.Name{Given: []string{"José", "Adolfo"}, Paternal: "Macías", Maternal: "Villamar"},
	Aliases:       []cases.Alias{{Name: "Fito", Moniker: true}},
	DOB:           cases.PartialDate{Year: 1979, Month: 3, Day: 11},
	Sex:           cases.SexMale,
	Nationalities: []string{"ECU"},
	Documents: []cases.Document{
		{Kind: cases.DocCedula, Number: "1714307103", Country: "ECU"},
		{Kind: cases.DocPassport, Number: "A1234567", Country: "ECU"},
	},
	Category:    cases.CategoryGangMember,
	Gang:        "Los Choneros",
	OwnerAgency: "EC-PN",
}

// searchStore is a demo store of a few thousand subjects plus Fito, his
// brother, and a namesake with another maternal surname.
func searchStore(t *testing.T) *store.Store {
	t.Helper()
	st, _, _ := seeded(t)
	if err := demo.Populate(ctx, st, demo.Options{Subjects: 3000, Cases: 0, Now: epoch, NoShowcase: true}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []cases.Subject{
		fito,
		{Name: cases.Name{Given: []string{"Carlos", "Andrés"}, Paternal: "Macías", Maternal: "Villamar"}, Sex: cases.SexMale, Category: cases.CategoryGangMember, OwnerAgency: "EC-PN", DOB: cases.PartialDate{Year: 1982}},
		{Name: cases.Name{Given: []string{"José", "Adolfo"}, Paternal: "Macías", Maternal: "Cedeño"}, Sex: cases.SexMale, Category: cases.CategoryOther, OwnerAgency: "EC-PN", DOB: cases.PartialDate{Year: 1990, Month: 6, Day: 2}},
		{Name: cases.Name{Given: []string{"María", "José"}, Paternal: "Macías", Maternal: "Villamar"}, Sex: cases.SexFemale, Category: cases.CategoryOther, OwnerAgency: "EC-PN",
			Documents: []cases.Document{{Kind: cases.DocANumber, Number: "A011223344", Country: "USA"}}},
	} {
		s := s
		if err := st.SaveSubject(ctx, ecOfficer, &s); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

func search(t *testing.T, st *store.Store, q cases.SubjectQuery) *cases.SearchResult {
	t.Helper()
	if q.Purpose == "" {
		q.Purpose = cases.PurposeBorder
	}
	res, err := st.SearchSubjects(ctx, ecOfficer, q)
	if err != nil {
		t.Fatalf("search %q: %v", q.Text, err)
	}
	return res
}

// topOrTied reports whether the person is the first result or scores as
// high as it: the demo gives other Adolfos of the Macías family the moniker
// Fito, so "Fito Macías" names several people equally well.
func topOrTied(res *cases.SearchResult, name string) bool {
	for _, h := range res.Hits {
		if h.Score < res.Hits[0].Score {
			return false
		}
		if h.Subject.Name.Display() == name {
			return true
		}
	}
	return false
}

func top(res *cases.SearchResult) string {
	if len(res.Hits) == 0 {
		return ""
	}
	return res.Hits[0].Subject.Name.Display()
}

func TestSearchFindsFitoEveryWayHeIsWritten(t *testing.T) {
	st := searchStore(t)
	for _, q := range []string{
		"Fito Macías",
		"fito macias",
		"José Adolfo Macías Villamar",
		"MACIAS VILLAMAR JOSE ADOLFO",
		"Macías Villamar, José Adolfo",
		"J. Adolfo Macias Vilamar",
		"Jose Adolfo Maçias Villamar",
		"Jose Adolfo Masias Biyamar",
		"Adolfo Macas Villamar",
	} {
		res := search(t, st, cases.SubjectQuery{Text: q})
		if !topOrTied(res, "José Adolfo Macías Villamar") {
			var got []string
			for _, h := range res.Hits[:min(3, len(res.Hits))] {
				got = append(got, h.Subject.Name.Display())
			}
			t.Errorf("%q: top results %v", q, got)
			continue
		}
		if len(res.Hits[0].Reasons) == 0 {
			t.Errorf("%q: the result does not say why it matched", q)
		}
	}
}

func TestSearchRanksSiblingsAndNamesakesBelow(t *testing.T) {
	st := searchStore(t)
	res := search(t, st, cases.SubjectQuery{Text: "José Adolfo Macías Villamar"})
	rank := map[string]int{}
	for i, h := range res.Hits {
		rank[h.Subject.Name.Display()] = i + 1
	}
	if rank["José Adolfo Macías Villamar"] != 1 {
		t.Fatalf("ranks: %v", rank)
	}
	for _, other := range []string{"Carlos Andrés Macías Villamar", "José Adolfo Macías Cedeño"} {
		if r, ok := rank[other]; ok && r == 1 {
			t.Errorf("%s ranks first", other)
		}
	}
	for _, h := range res.Hits[1:] {
		if h.Score >= res.Hits[0].Score {
			t.Errorf("%s scores %.3f, as high as the person searched", h.Subject.Name.Display(), h.Score)
		}
	}
}

func TestSearchByDocuments(t *testing.T) {
	st := searchStore(t)
	res := search(t, st, cases.SubjectQuery{Text: "171430710-3"})
	if top(res) != "José Adolfo Macías Villamar" || !res.Hits[0].ByDocument || res.ReadAs != "cedula" {
		t.Errorf("cédula: %q read as %s", top(res), res.ReadAs)
	}
	res = search(t, st, cases.SubjectQuery{Text: "1714307104"})
	if len(res.Hits) != 0 || len(res.Notices) == 0 || !strings.Contains(res.Notices[0], "check digit") {
		t.Errorf("malformed cédula: hits %d notices %v", len(res.Hits), res.Notices)
	}
	res = search(t, st, cases.SubjectQuery{Text: "a-11223344"})
	if top(res) != "María José Macías Villamar" {
		t.Errorf("A-number: %q", top(res))
	}
	res = search(t, st, cases.SubjectQuery{Text: "a1234567"})
	if top(res) != "José Adolfo Macías Villamar" {
		t.Errorf("passport: %q", top(res))
	}
}

func TestSearchByMRZRanksDocumentAndNameFirst(t *testing.T) {
	st := searchStore(t)
	mrz, err := iddoc.FormatTD3(&iddoc.MRZ{DocumentType: "P", IssuingState: "ECU", Surnames: "MACIAS VILLAMAR", GivenNames: "JOSE ADOLFO",
		DocumentNumber: "A1234567", Nationality: "ECU", BirthDate: fito.DOB, Sex: cases.SexMale, ExpiryDate: cases.PartialDate{Year: 2030, Month: 1, Day: 1}})
	if err != nil {
		t.Fatal(err)
	}
	res := search(t, st, cases.SubjectQuery{Text: mrz})
	if top(res) != "José Adolfo Macías Villamar" || !res.Hits[0].ByDocument || !res.Hits[0].ByName {
		t.Fatalf("MRZ: top %q read as %s notices %v", top(res), res.ReadAs, res.Notices)
	}
	if len(res.Hits) > 1 && res.Hits[1].Score >= res.Hits[0].Score {
		t.Errorf("the person found by both name and document must rank first")
	}
	broken := strings.Replace(mrz, "A1234567", "A1234568", 1)
	res = search(t, st, cases.SubjectQuery{Text: broken})
	if len(res.Notices) == 0 || !strings.Contains(strings.ToLower(res.Notices[0]), "document number") {
		t.Errorf("MRZ with a bad check digit must say which: %v", res.Notices)
	}
}

func TestSearchFiltersAndDateEvidence(t *testing.T) {
	st := searchStore(t)
	res := search(t, st, cases.SubjectQuery{Text: "Macías Villamar", Sex: cases.SexFemale})
	for _, h := range res.Hits {
		if h.Subject.Sex != cases.SexFemale {
			t.Errorf("sex filter let through %s", h.Subject.Name.Display())
		}
	}
	res = search(t, st, cases.SubjectQuery{Text: "Jose Adolfo Macias", DOB: cases.PartialDate{Year: 1979, Month: 11, Day: 3}})
	if top(res) != "José Adolfo Macías Villamar" || !strings.Contains(strings.Join(res.Hits[0].Reasons, ";"), "swapped") {
		t.Errorf("swapped day and month: %q %v", top(res), res.Hits[0].Reasons)
	}
	res = search(t, st, cases.SubjectQuery{Text: "Jose Adolfo Macias", DOB: cases.PartialDate{Year: 1990}})
	if top(res) != "José Adolfo Macías Cedeño" {
		t.Errorf("year of birth as evidence: %q", top(res))
	}
}

func TestEverySearchIsLoggedWithItsPurpose(t *testing.T) {
	st := searchStore(t)
	if _, err := st.SearchSubjects(ctx, ecOfficer, cases.SubjectQuery{Text: "Fito"}); cases.ErrorCode(err) != cases.EINVALID {
		t.Errorf("search without purpose: %v", err)
	}
	if _, err := st.SearchSubjects(ctx, usAuditor, cases.SubjectQuery{Text: "Fito", Purpose: cases.PurposeBorder}); cases.ErrorCode(err) != cases.EFORBIDDEN {
		t.Errorf("auditor search: %v", err)
	}
	res := search(t, st, cases.SubjectQuery{Text: "Fito Macías", Purpose: cases.PurposeOther, PurposeText: "Interpol notice follow-up"})
	log, err := st.QueryLog(ctx, 10)
	if err != nil || len(log) != 1 {
		t.Fatalf("query log: %v %v", log, err)
	}
	e := log[0]
	if e.ID != res.LogID || e.Query != "Fito Macías" || e.Purpose != cases.PurposeOther || e.PurposeText != "Interpol notice follow-up" || e.Results != len(res.Hits) || e.OfficerID != ecOfficer.ID {
		t.Errorf("log entry %+v", e)
	}
}

func TestOlderFileIsMigratedAndSearchable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v1.db")
	if err := store.CreateAtVersionForTest(ctx, path, 1); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO agencies VALUES('EC-PN', 'Policía Nacional', 'ECU')`,
		`INSERT INTO subjects VALUES('s1', 'José Adolfo', 'Macías', 'Villamar', '1979', 'M', 'ECU', 'gang_member', '', '', 'EC-PN', 1, 1)`,
		`INSERT INTO subject_aliases VALUES('s1', 0, 'Fito', 1)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	st := open(t, path, nil)
	h, _ := st.Health(ctx)
	if h.SchemaVersion != store.SchemaVersion() {
		t.Fatalf("schema %d after open, want %d", h.SchemaVersion, store.SchemaVersion())
	}
	st.PutOfficer(ctx, ecOfficer)
	res := search(t, st, cases.SubjectQuery{Text: "Fito Macias"})
	if top(res) != "José Adolfo Macías Villamar" {
		t.Errorf("subject from the old file not found after migration: %+v", res)
	}
}

func TestViewingASubjectIsLogged(t *testing.T) {
	st := searchStore(t)
	res := search(t, st, cases.SubjectQuery{Text: "Fito Macías"})
	id := res.Hits[0].Subject.ID
	if _, err := st.ViewSubject(ctx, ecOfficer, id, "", ""); cases.ErrorCode(err) != cases.EINVALID {
		t.Errorf("a view without purpose: %v", err)
	}
	sub, err := st.ViewSubject(ctx, ecOfficer, id, cases.PurposeBorder, "")
	if err != nil || sub.ID != id {
		t.Fatalf("view: %v", err)
	}
	log, _ := st.QueryLog(ctx, 1)
	if len(log) != 1 || log[0].Kind != "view" || !strings.Contains(log[0].Query, id) || log[0].Purpose != cases.PurposeBorder {
		t.Errorf("view log entry: %+v", log)
	}
}

// Issue 14: a wrong given name with both surnames still shows the record,
// lower, saying what differs; a typing error in the first letters of a part
// still reaches it.
func TestSearchWrongGivenNameStillShowsTheRecord(t *testing.T) {
	st := searchStore(t)
	jesus := cases.Subject{Name: cases.Name{Given: []string{"Jesús"}, Paternal: "Vargas", Maternal: "López"}, Sex: cases.SexMale, Category: cases.CategoryOther, OwnerAgency: "EC-PN"}
	if err := st.SaveSubject(ctx, ecOfficer, &jesus); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ query, want, differs string }{
		{"jose vargas lopez", "Jesús Vargas López", "≠ Jesús"},
		{"Pedro Macías Villamar", "José Adolfo Macías Villamar", "the surnames match but a given name differs"},
	} {
		res := search(t, st, cases.SubjectQuery{Text: c.query})
		var hit *cases.SubjectHit
		for i := range res.Hits {
			if res.Hits[i].Subject.Name.Display() == c.want {
				hit = &res.Hits[i]
			}
		}
		if hit == nil {
			t.Errorf("%q: %s not shown (%d hits)", c.query, c.want, len(res.Hits))
			continue
		}
		if why := strings.Join(hit.Reasons, "\n"); !strings.Contains(why, c.differs) {
			t.Errorf("%q: %s shown without saying what differs:\n%s", c.query, c.want, why)
		}
		if hit.Score >= 0.9*names.DefaultThreshold {
			t.Errorf("%q: %s scores %.3f, as high as a match", c.query, c.want, hit.Score)
		}
	}
}

func TestSearchReachesTyposInFirstLetters(t *testing.T) {
	st := searchStore(t)
	for _, q := range []string{"José Adolfo Nacías Villamar", "Jsoé Adolfo Macías Villamar", "Adolfo Macías Biyamar", "Xosé Adolfo Macías Cillamar"} {
		res := search(t, st, cases.SubjectQuery{Text: q})
		if top(res) != "José Adolfo Macías Villamar" {
			t.Errorf("%q: top result %q", q, top(res))
		}
	}
}

// Bad input gets a clear answer, never a panic, and is logged like any
// search.
func TestSearchBadInputIsAnsweredAndLogged(t *testing.T) {
	st := searchStore(t)
	for _, c := range []struct{ query, notice string }{
		{"de la", "only particles"},
		{"., ; -- !", "no Latin letters"},
		{"\xff\xfe\xfd", "no Latin letters"},
		{"Иван Петров", "no Latin letters"},
		{strings.Repeat("Macías ", 1500), ""},
	} {
		res := search(t, st, cases.SubjectQuery{Text: c.query})
		if res.LogID == "" {
			t.Errorf("%.20q: not logged", c.query)
		}
		if c.notice != "" && !strings.Contains(strings.Join(res.Notices, "\n"), c.notice) {
			t.Errorf("%.20q: notices %q, want one saying %q", c.query, res.Notices, c.notice)
		}
	}
	log, err := st.QueryLog(ctx, 10)
	if err != nil || len(log) != 5 {
		t.Errorf("query log: %d entries, %v", len(log), err)
	}
}

// FuzzSearchSubjects: whatever an officer types (broken UTF-8, another
// script, punctuation, particles, very long lines), the search answers
// without an error and logs the query.
func FuzzSearchSubjects(f *testing.F) {
	st, err := store.Open(ctx, filepath.Join(f.TempDir(), "enlace.db"), store.Options{Clock: cases.NewManualClock(epoch), DeskNumber: 7})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	for _, a := range []cases.Agency{{Code: "US-CBP", Name: "U.S. Customs and Border Protection", Country: "USA"}, {Code: "EC-PN", Name: "Policía Nacional del Ecuador", Country: "ECU"}} {
		if err := st.PutAgency(ctx, a); err != nil {
			f.Fatal(err)
		}
	}
	if err := st.PutOfficer(ctx, ecOfficer); err != nil {
		f.Fatal(err)
	}
	if err := demo.Populate(ctx, st, demo.Options{Subjects: 300, Now: epoch}); err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"José Adolfo Macías Villamar", "de la", "\xff\xfe", "Иван Петров", strings.Repeat("Macías ", 300), "J. P.", `"AND" OR * NEAR(`, "1714307103", "P<ECUMACIAS<VILLAMAR<<JOSE"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		res, err := st.SearchSubjects(ctx, ecOfficer, cases.SubjectQuery{Text: text, Purpose: cases.PurposeBorder})
		if strings.TrimSpace(text) == "" {
			if cases.ErrorCode(err) != cases.EINVALID {
				t.Fatalf("blank query %q: %v", text, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		if res.LogID == "" {
			t.Fatalf("%q: not logged", text)
		}
	})
}

// "No subject matches" means that nothing shares the name: a query with one
// surname and another given name shows the records of that surname, weak,
// when nothing closer exists, and hides them when something closer does.
func TestSearchOneSurnameShowsWeakResultsOnlyAlone(t *testing.T) {
	st := searchStore(t)
	// Civil order, one given name nobody has. (This read "Pedro Villamar
	// Macías", the family's surnames in the other order, and passed only
	// because the old demo population happened to hold a Villamar Macías.)
	res := search(t, st, cases.SubjectQuery{Text: "Macías Villamar Pedro"})
	if len(res.Hits) == 0 {
		t.Fatal("nothing shown for two surnames the Macías Villamar family shares")
	}
	res = search(t, st, cases.SubjectQuery{Text: "Eustaquio Macías"})
	if len(res.Hits) == 0 {
		t.Fatal(`"Eustaquio Macías": nothing shown although records carry the surname Macías`)
	}
	for _, h := range res.Hits {
		carries := h.Subject.Name.Paternal == "Macías"
		for _, a := range h.Subject.Aliases {
			carries = carries || strings.Contains(a.Name, "Macías")
		}
		if !carries {
			t.Errorf("%s (aliases %v) shown for the surname Macías", h.Subject.Name.Display(), h.Subject.Aliases)
		}
		if !strings.Contains(strings.Join(h.Reasons, "\n"), "the surname matches but the given names differ") {
			t.Errorf("%s shown without saying what differs: %q", h.Subject.Name.Display(), h.Reasons)
		}
	}
	res = search(t, st, cases.SubjectQuery{Text: "Adolfo Macías"})
	for _, h := range res.Hits {
		if strings.Contains(strings.Join(h.Reasons, "\n"), "the surname matches but the given names differ") {
			t.Errorf("weak result %s shown beside closer ones", h.Subject.Name.Display())
		}
	}
	if res = search(t, st, cases.SubjectQuery{Text: "Eustaquio Zzyzxqw"}); len(res.Hits) != 0 {
		t.Errorf("a name nobody shares: %d results", len(res.Hits))
	}
}

// TestWarmSearchThenClose: closing right after WarmSearch waits for the
// load, and a store made again under the same name answers.
func TestWarmSearchThenClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "enlace.db")
	for i := 0; i < 3; i++ {
		st, err := store.Open(ctx, path, store.Options{Clock: cases.NewManualClock(epoch)})
		if err != nil {
			t.Fatal(err)
		}
		if err := demo.Populate(ctx, st, demo.Options{Subjects: 500, Now: epoch}); err != nil {
			t.Fatal(err)
		}
		st.WarmSearch()
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{path, path + "-wal", path + "-shm"} {
			os.Remove(name)
		}
	}
	st, err := store.Open(ctx, path, store.Options{Clock: cases.NewManualClock(epoch)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Health(ctx); err != nil {
		t.Fatal(err)
	}
}
