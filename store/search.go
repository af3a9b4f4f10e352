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
)

var _ cases.SearchService = (*Store)(nil)

// Search tuning, stated once.
const (
	// maxCandidates bounds the first stage: how many records the re-rank sees.
	maxCandidates = 400
	// planTarget is the expected size of the first intersection the plan
	// aims for, given the parts' frequencies.
	planTarget = 150
	// enoughCandidates stops relaxing the full-text query once reached.
	enoughCandidates = 60
	// showFloor is the lowest name score shown as a possible match: below the
	// engine's threshold, so near misses are visible, ranked after matches.
	showFloor = names.DefaultThreshold - 0.13
	// minFrequencySample is how many subjects the store needs before its own
	// name-part frequencies replace the built-in table.
	minFrequencySample = 1000
	// typoPrefix is how many letters a part keeps when the search relaxes to
	// prefixes, to reach parts mistyped after them.
	typoPrefix = 4
)

// Scores given to document look-ups; a name score is scaled under them, so a
// person found through both a name and a document ranks first.
const (
	scoreDocOnly    = 0.92
	scoreDocAndName = 0.95 // plus up to 0.05 from the name score
	scoreNameScale  = 0.90
)

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
	docs_  map[string]int // index key → subjects whose keys hold it
	total  int            // subjects
	loaded bool
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
	f.docs_, f.total, f.loaded = map[string]int{}, 0, true
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
		f.docs_[k]++
	}
}

// reset drops the counts after a bulk load; they are read again on next use.
func (f *frequencies) reset() {
	f.mu.Lock()
	f.docs_, f.total, f.loaded = nil, 0, false
	f.mu.Unlock()
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

type hit struct {
	rowid      int64
	id         string
	name       cases.Name
	aliases    []string
	dob        cases.PartialDate
	nameScore  float64
	nameAlias  string       // the alias that scored best, if any
	nameResult names.Result // explained only for the hits shown
	byName     bool
	byDocument bool
	docWhy     []string
	score      float64
}

func (s *SearchService) search(ctx context.Context, tx *sql.Tx, q cases.SubjectQuery) (*cases.SearchResult, error) {
	res := &cases.SearchResult{}
	rec := iddoc.Classify(q.Text, s.clock.Now())
	hits := map[int64]*hit{}
	nameText := ""
	dob := q.DOB
	switch rec.Kind {
	case iddoc.KindName:
		nameText, res.ReadAs = strings.TrimSpace(q.Text), "name"
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
	for _, d := range rec.Documents() {
		if err := s.findDocument(ctx, tx, d, hits); err != nil {
			return nil, err
		}
	}
	if err := s.loadHits(ctx, tx, hits, q); err != nil {
		return nil, err
	}
	if nameText != "" {
		query := names.PrepareText(nameText, &s.freq)
		for _, h := range hits {
			s.scoreName(query, h)
		}
		// Widen the candidates tier by tier; stop once a tier has brought a
		// name that matches, or enough candidates, or the cap.
		found := 0
		seen := map[int64]bool{}
		for r := range hits {
			seen[r] = true
		}
		for _, tier := range s.namePlan(nameText) {
			fresh := map[int64]*hit{}
			for _, expr := range tier {
				n, err := s.ftsInto(ctx, tx, expr, maxCandidates-found, seen, fresh)
				if err != nil {
					return nil, err
				}
				found += n
			}
			if err := s.loadHits(ctx, tx, fresh, q); err != nil {
				return nil, err
			}
			matched := false
			for r, h := range fresh {
				s.scoreName(query, h)
				hits[r] = h
				matched = matched || h.nameScore >= names.DefaultThreshold
			}
			if found >= maxCandidates {
				res.Notices = append(res.Notices, fmt.Sprintf("More than %d records share these name parts; add a surname, a date of birth or a filter to narrow the search.", maxCandidates))
				break
			}
			if matched || found >= enoughCandidates {
				break
			}
		}
		res.Candidates = found
	}
	out := make([]*hit, 0, len(hits))
	for _, h := range hits {
		switch {
		case h.byDocument && h.byName && h.nameScore >= names.DefaultThreshold:
			h.score = scoreDocAndName + 0.05*h.nameScore
		case h.byDocument:
			h.score = scoreDocOnly
		case h.byName:
			h.score = scoreNameScale * h.nameScore
		default:
			continue
		}
		if !dob.IsZero() {
			adj, why, keep := dobEvidence(dob, h.dob, q.DOBToleranceYears)
			if !keep && nameText == "" && !h.byDocument {
				continue
			}
			h.score = min(1, max(0, h.score+adj))
			if why != "" {
				h.docWhy = append(h.docWhy, why)
			}
		}
		out = append(out, h)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].score != out[j].score {
			return out[i].score > out[j].score
		}
		return out[i].id < out[j].id
	})
	if len(out) > q.Limit {
		out = out[:q.Limit]
	}
	ids := make([]string, len(out))
	for i, h := range out {
		ids[i] = h.id
	}
	subs, err := s.subjectsIn(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	for _, h := range out {
		row, ok := subs[h.id]
		if !ok {
			continue
		}
		reasons := append([]string{}, h.docWhy...)
		if h.nameAlias != "" {
			reasons = append(reasons, "alias "+h.nameAlias)
		}
		if h.byName {
			reasons = append(reasons, h.nameResult.Explanation()...)
		}
		res.Hits = append(res.Hits, cases.SubjectHit{Subject: row.subject, Fingerprints: row.prints, Score: h.score,
			ByName: h.byName, ByDocument: h.byDocument, Reasons: reasons})
	}
	return res, nil
}

// findDocument adds every subject holding document d.
func (s *SearchService) findDocument(ctx context.Context, tx *sql.Tx, d cases.Document, hits map[int64]*hit) error {
	number := NormalizeDocumentNumber(d.Number)
	rows, err := tx.QueryContext(ctx, `SELECT s.rowid, s.id, d.kind, d.country FROM subject_documents d JOIN subjects s ON s.id = d.subject_id WHERE d.number = ?`, number)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var rowid int64
		var id, kind, country string
		if err := rows.Scan(&rowid, &id, &kind, &country); err != nil {
			return err
		}
		if d.Kind != cases.DocOther && cases.DocumentKind(kind) != d.Kind && !(d.Kind == cases.DocPassport && kind == string(cases.DocOther)) {
			continue
		}
		h := hits[rowid]
		if h == nil {
			h = &hit{rowid: rowid, id: id}
			hits[rowid] = h
		}
		h.byDocument = true
		h.docWhy = append(h.docWhy, fmt.Sprintf("%s %s (%s) on file", cases.DocumentKind(kind).Label(), number, country))
	}
	return rows.Err()
}

// namePlan plans the first stage: full-text queries over folded and
// phonetic keys. Each query part becomes a group of alternative keys (the
// part, its phonetic key, the names a nickname stands for). Intersecting the
// long lists of common parts is what costs time in FTS5, so the plan starts
// from the rarest parts (their document counts come from the vocabulary) and
// lets the re-rank judge the rest. Parts with no known key (a typing error)
// take part only through their prefix. The plan relaxes step by step (the
// two rarest parts; the same with prefixes; other pairs of rare parts; the
// rarest part alone when its list is short); search runs it until enough
// candidates are found.
func (s *SearchService) namePlan(text string) [][]string {
	type group struct {
		expr, prefixed string
		docs           int
	}
	var known, unknown []group
	for _, w := range strings.Fields(names.Fold(text)) {
		folded, phonetic := names.QueryKeys(w)
		alts := append(folded, phonetic...)
		if len(alts) == 0 {
			continue // a particle or an initial: the re-rank weighs it
		}
		g := group{expr: orGroup(alts)}
		for _, a := range alts {
			n, _ := s.freq.count(a)
			g.docs += n
		}
		withPrefix := alts
		if len(w) > typoPrefix+1 {
			withPrefix = append(append([]string{}, alts...), w[:typoPrefix]+"*")
		}
		g.prefixed = orGroup(withPrefix)
		if g.docs == 0 {
			unknown = append(unknown, g)
		} else {
			known = append(known, g)
		}
	}
	sort.SliceStable(known, func(i, j int) bool { return known[i].docs < known[j].docs })
	var tiers [][]string
	and := func(gs ...string) string { return strings.Join(gs, " AND ") }
	switch {
	case len(known) >= 2:
		// Intersect the rarest parts, adding the next rarest while the
		// expected intersection is still large.
		_, total := s.freq.count("")
		first := []string{known[0].expr, known[1].expr}
		est := float64(known[0].docs) * float64(known[1].docs) / float64(max(total, 1))
		for i := 2; i < len(known) && est > planTarget; i++ {
			first = append(first, known[i].expr)
			est *= float64(known[i].docs) / float64(max(total, 1))
		}
		tiers = append(tiers, []string{and(first...)})
		if len(first) > 2 {
			tiers = append(tiers, []string{and(known[0].expr, known[1].expr)})
		}
		t := []string{and(known[0].prefixed, known[1].prefixed)}
		for _, u := range unknown {
			t = append(t, and(known[0].expr, u.prefixed))
		}
		tiers = append(tiers, t)
		if len(known) >= 3 {
			tiers = append(tiers, []string{and(known[0].expr, known[2].expr), and(known[1].expr, known[2].expr)})
		}
		if known[0].docs <= maxCandidates {
			tiers = append(tiers, []string{known[0].expr})
		}
	case len(known) == 1:
		t := []string{known[0].expr}
		for _, u := range unknown {
			t = append([]string{and(known[0].expr, u.prefixed)}, t...)
		}
		tiers = append(tiers, t)
	default:
		for _, u := range unknown {
			tiers = append(tiers, []string{u.prefixed})
		}
	}
	return tiers
}

func orGroup(alts []string) string {
	q := make([]string, len(alts))
	for i, a := range alts {
		if strings.HasSuffix(a, "*") {
			q[i] = `"` + strings.TrimSuffix(a, "*") + `"*`
		} else {
			q[i] = `"` + a + `"`
		}
	}
	return "(" + strings.Join(q, " OR ") + ")"
}

func (s *SearchService) ftsInto(ctx context.Context, tx *sql.Tx, expr string, limit int, seen map[int64]bool, fresh map[int64]*hit) (int, error) {
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
			fresh[rowid] = &hit{rowid: rowid}
			n++
		}
	}
	return n, rows.Err()
}

// loadHits reads the names, aliases and dates of birth of the candidates and
// drops those the filters exclude.
func (s *SearchService) loadHits(ctx context.Context, tx *sql.Tx, hits map[int64]*hit, q cases.SubjectQuery) error {
	if len(hits) == 0 {
		return nil
	}
	rowids := make([]int64, 0, len(hits))
	for r := range hits {
		rowids = append(rowids, r)
	}
	list, _ := json.Marshal(rowids)
	where := []string{"s.rowid IN (SELECT value FROM json_each(?))"}
	args := []any{string(list)}
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
	rows, err := tx.QueryContext(ctx, `SELECT s.rowid, s.id, s.given, s.paternal, s.maternal, s.dob,
		coalesce((SELECT json_group_array(name) FROM subject_aliases a WHERE a.subject_id = s.id), '[]')
		FROM subjects s WHERE `+strings.Join(where, " AND "), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	kept := map[int64]bool{}
	for rows.Next() {
		var rowid int64
		var id, given, paternal, maternal, dob, aliases string
		if err := rows.Scan(&rowid, &id, &given, &paternal, &maternal, &dob, &aliases); err != nil {
			return err
		}
		h := hits[rowid]
		h.id = id
		h.name = cases.Name{Given: strings.Fields(given), Paternal: paternal, Maternal: maternal}
		h.dob, _ = cases.ParsePartialDate(dob)
		if err := json.Unmarshal([]byte(aliases), &h.aliases); err != nil {
			return err
		}
		kept[rowid] = true
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for r := range hits {
		if !kept[r] {
			delete(hits, r)
		}
	}
	return nil
}

// dobEvidence compares a searched date of birth with a record's: the score
// adjustment, the reason, and whether the record is compatible at all.
func dobEvidence(want, have cases.PartialDate, tolYears int) (float64, string, bool) {
	if have.IsZero() {
		return 0, "", true
	}
	diff := want.Year - have.Year
	if diff < 0 {
		diff = -diff
	}
	switch {
	case want == have:
		return 0.05, "born " + have.String() + ": same date of birth", true
	case want.Year == have.Year && (want.Month == 0 || have.Month == 0):
		return 0.03, "born " + have.String() + ": same year of birth", true
	case want.Year == have.Year && want.Month == have.Month && (want.Day == 0 || have.Day == 0):
		return 0.04, "born " + have.String() + ": same month of birth", true
	case want.Year == have.Year && want.Month == have.Day && want.Day == have.Month:
		return 0.03, "born " + have.String() + ": day and month swapped", true
	case want.Year == have.Year:
		return 0.01, "born " + have.String() + ": same year, other day", true
	case diff <= tolYears:
		return 0.01, fmt.Sprintf("born %s: within %d years", have.String(), tolYears), true
	}
	return -0.15, "born " + have.String() + ": another date of birth", false
}

// scoreName re-ranks one candidate against the query: its name, and each
// alias (a moniker standing for the given names).
func (s *SearchService) scoreName(query *names.Prepared, h *hit) {
	best := names.Score(query, names.Prepare(h.name, &s.freq))
	h.nameAlias = ""
	for _, a := range h.aliases {
		alias := names.PrepareText(a, &s.freq)
		if !strings.Contains(strings.TrimSpace(a), " ") {
			alias = names.Prepare(cases.Name{Given: []string{a}, Paternal: h.name.Paternal, Maternal: h.name.Maternal}, &s.freq)
		}
		if r := names.Score(query, alias); r.Score > best.Score {
			best, h.nameAlias = r, a
		}
	}
	h.nameScore, h.nameResult = best.Score, best
	h.byName = best.Score >= showFloor
}

type subjectRow struct {
	subject cases.Subject
	prints  int
}

// subjectsIn loads whole subjects (without fingerprints) by ID within tx.
func (s *SearchService) subjectsIn(ctx context.Context, tx *sql.Tx, ids []string) (map[string]subjectRow, error) {
	out := make(map[string]subjectRow, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	list, _ := json.Marshal(ids)
	rows, err := tx.QueryContext(ctx, `SELECT s.id, s.given, s.paternal, s.maternal, s.dob, s.sex, s.nationalities, s.category, s.gang, s.legal_status, s.owner_agency, s.created, s.updated,
		coalesce((SELECT json_group_array(json_array(name, moniker)) FROM subject_aliases a WHERE a.subject_id = s.id), '[]'),
		coalesce((SELECT json_group_array(json_array(kind, number, country)) FROM subject_documents d WHERE d.subject_id = s.id), '[]'),
		(SELECT count(*) FROM subject_fingerprints f WHERE f.subject_id = s.id)
		FROM subjects s WHERE s.id IN (SELECT value FROM json_each(?))`, string(list))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var sub cases.Subject
		var given, dob, sex, nat, cat, aliases, docs string
		var created, updated int64
		var prints int
		if err := rows.Scan(&sub.ID, &given, &sub.Name.Paternal, &sub.Name.Maternal, &dob, &sex, &nat, &cat, &sub.Gang, &sub.LegalStatus, &sub.OwnerAgency, &created, &updated, &aliases, &docs, &prints); err != nil {
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
		}
		var ds [][]string
		if err := json.Unmarshal([]byte(docs), &ds); err != nil {
			return nil, err
		}
		for _, d := range ds {
			sub.Documents = append(sub.Documents, cases.Document{Kind: cases.DocumentKind(d[0]), Number: d[1], Country: d[2]})
		}
		out[sub.ID] = subjectRow{sub, prints}
	}
	return out, rows.Err()
}
