package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/cases/iddoc"
	"github.com/enlace-desk/enlace/cases/names"
	"github.com/enlace-desk/enlace/cases/search"
)

var _ cases.SearchService = (*Store)(nil)

// minFrequencySample is how many subjects the store needs before its own
// name-part frequencies replace the built-in table.
const minFrequencySample = 1000

// indexSubject writes a subject's search keys under its rowid.
func indexSubject(ctx context.Context, tx *sql.Tx, rowid int64, n cases.Name, aliases []string) ([]string, error) {
	folded, phonetic := names.IndexKeys(n, aliases)
	keys := append(folded, phonetic...)
	_, err := tx.ExecContext(ctx, `INSERT INTO subject_index(rowid, keys) VALUES(?, ?)`, rowid, strings.Join(keys, " "))
	return keys, err
}

func aliasNames(as []cases.Alias) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Name
	}
	return out
}

// reindexSubjects computes every subject's search keys (migration 2).
func reindexSubjects(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT s.rowid, s.given, s.paternal, s.maternal,
		coalesce((SELECT json_group_array(name) FROM subject_aliases a WHERE a.subject_id = s.id), '[]') FROM subjects s`)
	if err != nil {
		return err
	}
	type entry struct {
		rowid   int64
		name    cases.Name
		aliases []string
	}
	var all []entry
	for rows.Next() {
		var e entry
		var given, aliases string
		if err := rows.Scan(&e.rowid, &given, &e.name.Paternal, &e.name.Maternal, &aliases); err != nil {
			rows.Close()
			return err
		}
		e.name.Given = strings.Fields(given)
		if err := json.Unmarshal([]byte(aliases), &e.aliases); err != nil {
			rows.Close()
			return err
		}
		all = append(all, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, e := range all {
		if _, err := indexSubject(ctx, tx, e.rowid, e.name, e.aliases); err != nil {
			return err
		}
	}
	return nil
}

// frequencies implements names.Frequencies from the store's own index: the
// share of subjects whose keys hold a name part. Counts are read once per
// part and cached; they drift slowly, so the cache is only cleared when the
// number of subjects has grown by a tenth.
type frequencies struct {
	s      *DB
	mu     sync.RWMutex
	docs_  map[string]int   // index key → subjects whose keys hold it
	byLen  map[int][]string // folded keys (not phonetic) by length
	total  int              // subjects
	loaded bool
	// warming is the background load WarmSearch started: Close waits for
	// it, so that no reader outlives the store (a demo desk cut short is
	// removed and made again under the same name, in the same process).
	warming sync.WaitGroup
}

// Docs implements search.Index.
func (f *frequencies) Docs(key string) int {
	n, _ := f.count(key)
	return n
}

// Total implements search.Index.
func (f *frequencies) Total() int {
	_, total := f.count("")
	return total
}

// Keys implements search.Index: the folded keys of length n.
func (f *frequencies) Keys(n int) []string {
	f.count("") // load
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.byLen[n]
}

func (f *frequencies) addKey(term string) {
	if !strings.HasPrefix(term, names.PhoneticPrefix) {
		f.byLen[len(term)] = append(f.byLen[len(term)], term)
	}
}

// Frequency implements names.Frequencies.
func (f *frequencies) Frequency(part string, surname bool) float64 {
	docs, total := f.count(part)
	if total < minFrequencySample {
		return names.DefaultFrequencies().Frequency(part, surname)
	}
	return float64(docs) / float64(total)
}

// count returns how many subjects' index keys hold key, and how many
// subjects there are. The index's vocabulary is read once, on first use.
func (f *frequencies) count(key string) (int, int) {
	f.mu.RLock()
	if f.loaded {
		n, total := f.docs_[key], f.total
		f.mu.RUnlock()
		return n, total
	}
	f.mu.RUnlock()
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.loaded {
		f.load()
	}
	return f.docs_[key], f.total
}

func (f *frequencies) load() {
	f.docs_, f.byLen, f.total, f.loaded = map[string]int{}, map[int][]string{}, 0, true
	if err := f.s.r.QueryRow(`SELECT count(*) FROM subjects`).Scan(&f.total); err != nil {
		return
	}
	rows, err := f.s.r.Query(`SELECT term, doc FROM subject_index_vocab`)
	if err != nil {
		return
	}
	defer rows.Close()
	for rows.Next() {
		var term string
		var n int
		if rows.Scan(&term, &n) == nil {
			f.docs_[term] = n
			f.addKey(term)
		}
	}
}

// added counts a new subject's keys (after its transaction commits, at worst
// a little early: frequencies are weights, not facts).
func (f *frequencies) added(keys []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.loaded {
		return
	}
	f.total++
	for _, k := range keys {
		if f.docs_[k] == 0 {
			f.addKey(k)
		}
		f.docs_[k]++
	}
}

// reset drops the counts after a bulk load; they are read again on next use.
func (f *frequencies) reset() {
	f.mu.Lock()
	f.docs_, f.byLen, f.total, f.loaded = nil, nil, 0, false
	f.mu.Unlock()
}

// WarmSearch reads the name index's vocabulary (the frequencies and the
// keys a mistyped word is matched against) on a goroutine of its own, so
// that the officer's first name search does not wait for it: about half a
// second on a 1,000,000-subject store. A search that starts before it is
// done waits for it, as it would have anyway.
func (s *SearchService) WarmSearch() {
	s.freq.warming.Add(1)
	go func() {
		defer s.freq.warming.Done()
		s.freq.count("")
	}()
}

// SearchSubjects runs a subject search: documents by exact number, names by
// full-text candidates re-ranked with the name scorer, the date of birth as
// evidence, the rest as filters. The search and its query-log entry are one
// transaction: no search without its trace.
func (s *SearchService) SearchSubjects(ctx context.Context, actor cases.Officer, q cases.SubjectQuery) (*cases.SearchResult, error) {
	if !actor.Has(cases.RoleOfficer) && !actor.Has(cases.RoleSupervisor) {
		return nil, cases.Errorf(cases.EFORBIDDEN, "only authorised officers may search subjects; %s is an auditor", actor.Name)
	}
	if err := cases.ValidatePurpose(q.Purpose, q.PurposeText); err != nil {
		return nil, err
	}
	if strings.TrimSpace(q.Text) == "" {
		return nil, cases.Errorf(cases.EINVALID, "type a name, a document number or an MRZ to search")
	}
	if q.Limit <= 0 {
		q.Limit = cases.DefaultSearchLimit
	}
	var res *cases.SearchResult
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		res, err = s.search(ctx, tx, q)
		if err != nil {
			return err
		}
		entry := cases.QueryLogEntry{OfficerID: actor.ID, Agency: actor.Agency, Kind: res.ReadAs, Query: queryText(q),
			Purpose: q.Purpose, PurposeText: q.PurposeText, Results: len(res.Hits)}
		if err := s.logQuery(ctx, tx, &entry); err != nil {
			return err
		}
		res.LogID = entry.ID
		return nil
	})
	if err != nil {
		return nil, storageErr(err, "search failed")
	}
	return res, nil
}

// queryText renders the query for the log: the text and every filter.
func queryText(q cases.SubjectQuery) string {
	parts := []string{strings.TrimSpace(q.Text)}
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	add("dob", q.DOB.String())
	if q.DOBToleranceYears > 0 {
		add("dob±", strconv.Itoa(q.DOBToleranceYears))
	}
	add("sex", string(q.Sex))
	add("nationality", q.Nationality)
	add("category", string(q.Category))
	add("agency", q.OwnerAgency)
	add("gang", q.Gang)
	return strings.Join(parts, " ")
}

// candidate is one record the first stage brought.
type candidate struct {
	search.Candidate
	rowid   int64
	subject cases.Subject // without fingerprint templates
	prints  int
}

func (s *SearchService) search(ctx context.Context, tx *sql.Tx, q cases.SubjectQuery) (*cases.SearchResult, error) {
	res := &cases.SearchResult{}
	rec := iddoc.Classify(q.Text, s.clock.Now())
	nameText := ""
	dob := q.DOB
	switch rec.Kind {
	case iddoc.KindName:
		nameText, res.ReadAs = strings.TrimSpace(q.Text), "name"
		res.Notices = append(res.Notices, search.Notices(nameText)...)
	case iddoc.KindMRZ:
		res.ReadAs = "MRZ"
		if rec.MRZ != nil {
			res.ReadAs = fmt.Sprintf("MRZ (%s)", rec.MRZ.Format)
			nameText = rec.MRZ.Name().Display()
			if dob.IsZero() {
				dob = rec.MRZ.DOB()
			}
		}
	default:
		res.ReadAs = string(rec.Kind)
	}
	if rec.Err != nil {
		res.Notices = append(res.Notices, cases.ErrorMessage(rec.Err))
	}
	docs := map[int64][]string{}
	for _, d := range rec.Documents() {
		if err := s.findDocument(ctx, tx, d, docs); err != nil {
			return nil, err
		}
	}
	seen := map[int64]bool{}
	for r := range docs {
		seen[r] = true
	}
	hits, err := s.loadCandidates(ctx, tx, seen, q)
	if err != nil {
		return nil, err
	}
	for r, why := range docs {
		if c := hits[r]; c != nil {
			c.ByDocument, c.DocWhy = true, why
		}
	}
	if nameText != "" {
		query := names.PrepareText(nameText, &s.freq)
		for _, c := range hits {
			c.ScoreName(query, &s.freq)
		}
		// Widen the candidates tier by tier; stop once a tier has brought a
		// record that settles the search (search.Candidate.Settles), or
		// enough candidates, or the cap.
		found := 0
		for _, tier := range search.Plan(nameText, &s.freq) {
			fresh := map[int64]bool{}
			for _, conj := range tier {
				n, err := s.ftsInto(ctx, tx, ftsExpr(conj), search.MaxCandidates-found, seen, fresh)
				if err != nil {
					return nil, err
				}
				found += n
			}
			loaded, err := s.loadCandidates(ctx, tx, fresh, q)
			if err != nil {
				return nil, err
			}
			matched := false
			for r, c := range loaded {
				c.ScoreName(query, &s.freq)
				hits[r] = c
				matched = matched || c.Settles()
			}
			if found >= search.MaxCandidates {
				res.Notices = append(res.Notices, fmt.Sprintf("More than %d records share these name parts; add a surname, a date of birth or a filter to narrow the search.", search.MaxCandidates))
				break
			}
			if matched || found >= search.EnoughCandidates {
				break
			}
		}
		res.Candidates = found
	}
	rq := search.Query{DOB: dob, DOBToleranceYears: q.DOBToleranceYears, ByName: nameText != ""}
	type shown struct {
		c *candidate
		r search.Ranked
	}
	out := make([]shown, 0, len(hits))
	for _, c := range hits {
		if r, ok := search.Rank(&c.Candidate, rq); ok {
			out = append(out, shown{c, r})
		}
	}
	out = search.Trim(out, func(s shown) search.Ranked { return s.r })
	sort.Slice(out, func(i, j int) bool { return search.Less(out[i].r, out[j].r) })
	if len(out) > q.Limit {
		out = out[:q.Limit]
	}
	for _, h := range out {
		res.Hits = append(res.Hits, cases.SubjectHit{Subject: h.c.subject, Fingerprints: h.c.prints, Score: h.r.Score,
			ByName: h.r.ByName, ByDocument: h.r.ByDocument, Reasons: h.r.Reasons})
	}
	return res, nil
}

// findDocument notes every subject holding document d, with why.
func (s *SearchService) findDocument(ctx context.Context, tx *sql.Tx, d cases.Document, docs map[int64][]string) error {
	number := NormalizeDocumentNumber(d.Number)
	rows, err := tx.QueryContext(ctx, `SELECT s.rowid, d.kind, d.country FROM subject_documents d JOIN subjects s ON s.id = d.subject_id WHERE d.number = ?`, number)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var rowid int64
		var kind, country string
		if err := rows.Scan(&rowid, &kind, &country); err != nil {
			return err
		}
		if d.Kind != cases.DocOther && cases.DocumentKind(kind) != d.Kind && !(d.Kind == cases.DocPassport && kind == string(cases.DocOther)) {
			continue
		}
		docs[rowid] = append(docs[rowid], fmt.Sprintf("%s %s (%s) on file", cases.DocumentKind(kind).Label(), number, country))
	}
	return rows.Err()
}

// ftsExpr renders a conjunction of the plan as an FTS5 query: AND of
// parenthesised ORs of quoted keys, a trailing * for a prefix. Keys are
// lower-case letters and digits only (names.IndexKeys), so quoting is safe.
func ftsExpr(conj search.Conj) string {
	groups := make([]string, len(conj))
	for i, term := range conj {
		q := make([]string, len(term))
		for k, a := range term {
			if p, ok := strings.CutSuffix(a, "*"); ok {
				q[k] = `"` + p + `"*`
			} else {
				q[k] = `"` + a + `"`
			}
		}
		groups[i] = "(" + strings.Join(q, " OR ") + ")"
	}
	return strings.Join(groups, " AND ")
}

func (s *SearchService) ftsInto(ctx context.Context, tx *sql.Tx, expr string, limit int, seen, fresh map[int64]bool) (int, error) {
	if limit <= 0 {
		return 0, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT rowid FROM subject_index WHERE subject_index MATCH ? LIMIT ?`, expr, limit)
	if err != nil {
		return 0, fmt.Errorf("full-text query %s: %w", expr, err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var rowid int64
		if err := rows.Scan(&rowid); err != nil {
			return n, err
		}
		if !seen[rowid] {
			seen[rowid] = true
			fresh[rowid] = true
			n++
		}
	}
	return n, rows.Err()
}

// loadCandidates is the search's one subject loader: it reads the subjects
// with the given rowids (without fingerprint templates, with how many
// fingers are on file) and drops those the query's filters exclude.
func (s *SearchService) loadCandidates(ctx context.Context, tx *sql.Tx, rowids map[int64]bool, q cases.SubjectQuery) (map[int64]*candidate, error) {
	out := make(map[int64]*candidate, len(rowids))
	if len(rowids) == 0 {
		return out, nil
	}
	list := make([]int64, 0, len(rowids))
	for r := range rowids {
		list = append(list, r)
	}
	ids, _ := json.Marshal(list)
	where := []string{"s.rowid IN (SELECT value FROM json_each(?))"}
	args := []any{string(ids)}
	if q.Sex != "" {
		where, args = append(where, "s.sex = ?"), append(args, string(q.Sex))
	}
	if q.Category != "" {
		where, args = append(where, "s.category = ?"), append(args, string(q.Category))
	}
	if q.OwnerAgency != "" {
		where, args = append(where, "s.owner_agency = ?"), append(args, q.OwnerAgency)
	}
	if q.Nationality != "" {
		where, args = append(where, "instr(','||s.nationalities||',', ?) > 0"), append(args, ","+strings.ToUpper(q.Nationality)+",")
	}
	if q.Gang != "" {
		where, args = append(where, "instr(lower(s.gang), ?) > 0"), append(args, strings.ToLower(q.Gang))
	}
	rows, err := tx.QueryContext(ctx, `SELECT s.rowid, s.id, s.given, s.paternal, s.maternal, s.dob, s.sex, s.nationalities, s.category, s.gang, s.legal_status, s.owner_agency, s.created, s.updated,
		coalesce((SELECT json_group_array(json_array(name, moniker)) FROM subject_aliases a WHERE a.subject_id = s.id), '[]'),
		coalesce((SELECT json_group_array(json_array(kind, number, country)) FROM subject_documents d WHERE d.subject_id = s.id), '[]'),
		(SELECT count(*) FROM subject_fingerprints f WHERE f.subject_id = s.id)
		FROM subjects s WHERE `+strings.Join(where, " AND "), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		c := &candidate{}
		sub := &c.subject
		var given, dob, sex, nat, cat, aliases, docs string
		var created, updated int64
		if err := rows.Scan(&c.rowid, &sub.ID, &given, &sub.Name.Paternal, &sub.Name.Maternal, &dob, &sex, &nat, &cat, &sub.Gang, &sub.LegalStatus, &sub.OwnerAgency, &created, &updated, &aliases, &docs, &c.prints); err != nil {
			return nil, err
		}
		sub.Name.Given = strings.Fields(given)
		sub.DOB, _ = cases.ParsePartialDate(dob)
		sub.Sex, sub.Category, sub.Nationalities = cases.Sex(sex), cases.Category(cat), splitList(nat)
		sub.Created, sub.Updated = fromMS(created), fromMS(updated)
		var as [][]any
		if err := json.Unmarshal([]byte(aliases), &as); err != nil {
			return nil, err
		}
		for _, a := range as {
			name, _ := a[0].(string)
			m, _ := a[1].(float64)
			sub.Aliases = append(sub.Aliases, cases.Alias{Name: name, Moniker: m != 0})
			c.Aliases = append(c.Aliases, name)
		}
		var ds [][]string
		if err := json.Unmarshal([]byte(docs), &ds); err != nil {
			return nil, err
		}
		for _, d := range ds {
			sub.Documents = append(sub.Documents, cases.Document{Kind: cases.DocumentKind(d[0]), Number: d[1], Country: d[2]})
		}
		c.Name, c.DOB = sub.Name, sub.DOB
		c.ID, c.Fingerprints, c.Documents, c.Updated = sub.ID, c.prints, len(sub.Documents), sub.Updated
		out[c.rowid] = c
	}
	return out, rows.Err()
}
