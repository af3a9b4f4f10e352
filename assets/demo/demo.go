// Package demo generates Enlace's demo data from a fixed seed: the two
// agencies, their officers and supervisors, thousands of subjects with
// realistic Ecuadorian and US names (two surnames, accents, aliases and
// monikers, valid cédulas, passports, A-numbers, partial dates of birth), and
// cases in every status with believable annotation histories.
//
// The same seed and options always give the same data. Each demo desk
// generates only its own agency's records (Options.Agency): its subjects in
// bulk, and what it shares with the partner (cases, their annotations, the
// subjects they name, encounters) as its own signed events, which reach the
// partner's desk through the exchange. No record is made on two desks.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/cases/iddoc"
	"github.com/enlace-desk/enlace/store"
)

// DefaultSeed is the demo's fixed seed.
const DefaultSeed = 20250731 // the day the US–Ecuador agreement was signed

// Default sizes of the demo.
const (
	DefaultSubjects = 5000
	DefaultCases    = 400
)

// DefaultOfficer is who the demo logs in as: the Ecuadorian liaison officer
// placed at US Customs and Border Protection.
const DefaultOfficer = "ec.mrodriguez"

// Agencies returns the two agencies of the exchange.
func Agencies() []cases.Agency {
	return []cases.Agency{
		{Code: "EC-PN", Name: "Policía Nacional del Ecuador", Country: "ECU"},
		{Code: "US-CBP", Name: "U.S. Customs and Border Protection", Country: "USA"},
	}
}

// Officers returns the demo officers, supervisors and auditors of both agencies.
func Officers() []cases.Officer {
	o, s, a := cases.RoleOfficer, cases.RoleSupervisor, cases.RoleAuditor
	return []cases.Officer{
		{ID: "ec.mrodriguez", Name: "María Rodríguez Vera", Agency: "EC-PN", Roles: []cases.Role{o}},
		{ID: "ec.jcedeno", Name: "Jorge Cedeño Loor", Agency: "EC-PN", Roles: []cases.Role{o}},
		{ID: "ec.pquishpe", Name: "Paúl Quishpe Guamán", Agency: "EC-PN", Roles: []cases.Role{o}},
		{ID: "ec.lzambrano", Name: "Lucía Zambrano Mendoza", Agency: "EC-PN", Roles: []cases.Role{s, o}},
		{ID: "ec.auditoria", Name: "Rosa Chicaiza Mina", Agency: "EC-PN", Roles: []cases.Role{a}},
		{ID: "us.jsmith", Name: "Jane Smith", Agency: "US-CBP", Roles: []cases.Role{o}},
		{ID: "us.rgarcia", Name: "Robert García", Agency: "US-CBP", Roles: []cases.Role{o}},
		{ID: "us.kwilliams", Name: "Kevin Williams", Agency: "US-CBP", Roles: []cases.Role{o}},
		{ID: "us.mbrown", Name: "Michelle Brown", Agency: "US-CBP", Roles: []cases.Role{s, o}},
		{ID: "us.audit", Name: "Thomas Clark", Agency: "US-CBP", Roles: []cases.Role{a}},
	}
}

// Options size and pin the generated data.
type Options struct {
	// Agency is the desk's agency: only its records are generated. Empty
	// generates both agencies' records on one desk, as a single store for
	// tests and benchmarks.
	Agency   string
	Seed     int64
	Subjects int
	Cases    int
	Now      time.Time // case histories end before this moment
	// Prints is how many subjects (the first ones) get ten-print templates;
	// Encounters how many encounters with probe prints are generated, each
	// with a case to identify it: most are mated (impressions of a printed
	// subject), the rest strangers. Negative means none.
	Prints     int
	Encounters int
	// NoShowcase leaves out the names the README and the tools' help search
	// for (the Macías Villamar family, Jesús Vargas López...), which the
	// first Ecuadorian subjects otherwise carry: for tests that plant their
	// own.
	NoShowcase bool
	// Progress, if set, is called after each batch with subjects and cases written.
	Progress func(subjectsDone, casesDone int)
}

const batchSize = 20000

// DefaultOfficerOf is who a demo desk of agency logs in as unless told: its
// first officer (DefaultOfficer at EC-PN, us.jsmith at US-CBP).
func DefaultOfficerOf(agency string) string { return deskOfficer(agency).ID }

// WriteDirectory writes the demo's agencies and officers. With an agency it
// makes the store that agency's desk, with the agency's first officer as the
// default; without one, the store's default officer is DefaultOfficer.
func WriteDirectory(ctx context.Context, st *store.Store, agency ...string) error {
	for _, a := range Agencies() {
		if err := st.PutAgency(ctx, a); err != nil {
			return err
		}
	}
	for _, o := range Officers() {
		if err := st.PutOfficer(ctx, o); err != nil {
			return err
		}
	}
	if len(agency) > 0 && agency[0] != "" {
		if err := st.SetDeskAgency(ctx, agency[0]); err != nil {
			return err
		}
		return st.SetDefaultOfficer(ctx, DefaultOfficerOf(agency[0]))
	}
	return st.SetDefaultOfficer(ctx, DefaultOfficer)
}

// Populate writes the directory and the generated data into an empty store.
//
// Both agencies' desks draw the same stream of subjects and cases from the
// seed and keep their own agency's, so every record is made once, by its
// owner's desk, with the same ID whichever desk draws it.
func Populate(ctx context.Context, st *store.Store, opts Options) error {
	if opts.Seed == 0 {
		opts.Seed = DefaultSeed
	}
	if opts.Now.IsZero() {
		opts.Now = st.Clock().Now()
	}
	if err := WriteDirectory(ctx, st, opts.Agency); err != nil {
		return err
	}
	g := newGenerator(opts)
	author := Officers()[0]
	if opts.Agency != "" {
		author = deskOfficer(opts.Agency)
	}
	mine := func(agency string) bool { return opts.Agency == "" || agency == opts.Agency }
	var subjectIDs []string                 // every subject of the stream, in order
	byAgency := map[string][]string{}       // the stream's subjects by owner
	category := map[string]cases.Category{} // the stream's subjects' categories
	kept := map[string]cases.Subject{}      // this desk's subjects, on an agency's desk
	for done := 0; done < opts.Subjects; {
		if err := ctx.Err(); err != nil {
			return err
		}
		n := min(batchSize, opts.Subjects-done)
		subs := make([]cases.Subject, 0, n)
		for i := 0; i < n; i++ {
			sub := g.subject()
			subjectIDs = append(subjectIDs, sub.ID)
			byAgency[sub.OwnerAgency] = append(byAgency[sub.OwnerAgency], sub.ID)
			if len(subjectIDs) <= opts.Prints {
				category[sub.ID] = sub.Category
			}
			if mine(sub.OwnerAgency) {
				subs = append(subs, sub)
				if opts.Agency != "" {
					kept[sub.ID] = sub
				}
			}
		}
		if err := st.Load(ctx, &store.Seed{Seed: opts.Seed, Author: author, Subjects: subs}); err != nil {
			return err
		}
		done += n
		if opts.Progress != nil {
			opts.Progress(done, 0)
		}
	}
	// Each encounter comes with its case: they count among opts.Cases, and
	// make at most a tenth of them.
	g.opts.Encounters = max(0, min(opts.Encounters, opts.Cases/10))
	opts.Cases -= g.opts.Encounters
	if opts.Agency != "" {
		// Each agency's desk makes half of the exchange's encounters.
		g.opts.Encounters = (g.opts.Encounters + 1) / 2
	}
	for done := 0; done < opts.Cases; {
		if err := ctx.Err(); err != nil {
			return err
		}
		n := min(batchSize/4, opts.Cases-done)
		seed := &store.Seed{Seed: opts.Seed, Author: author}
		for i := 0; i < n; i++ {
			c, anns := g.caseWithHistory(byAgency, subjectIDs)
			if !mine(c.OwnerAgency) {
				continue
			}
			seed.Cases = append(seed.Cases, c)
			seed.Annotations = append(seed.Annotations, anns...)
		}
		if err := st.Load(ctx, seed); err != nil {
			return err
		}
		done += n
		if opts.Progress != nil {
			opts.Progress(opts.Subjects, done)
		}
	}
	// Ten-prints come last: they take longest to make, and the queue and the
	// name search work without them. Subject i of the stream has the fingers
	// of index i, whichever desk holds it. On an agency's desk each printed
	// subject in the agreement's scope reaches the partner as a reference
	// (number, category, prints); its personal data stays here.
	pol := st.Agreement()
	var printed []int
	for i := range subjectIDs[:min(len(subjectIDs), max(0, opts.Prints))] {
		if _, ok := kept[subjectIDs[i]]; ok || opts.Agency == "" {
			printed = append(printed, i)
		}
	}
	for done := 0; done < len(printed); {
		if err := ctx.Err(); err != nil {
			return err
		}
		n := min(printBatch, len(printed)-done)
		seed := &store.Seed{Seed: opts.Seed, Author: author, Prints: map[string][]cases.Fingerprint{}}
		for _, i := range printed[done : done+n] {
			prints, err := tenPrint(opts.Seed, i)
			if err != nil {
				return err
			}
			id := subjectIDs[i]
			seed.Prints[id] = prints
			if sub, ok := kept[id]; ok && pol.InScope(sub.Category) {
				seed.References = append(seed.References, store.SharedReference{
					Reference: cases.Reference{Number: cases.ReferenceNumber(sub.OwnerAgency, id), OwnerAgency: sub.OwnerAgency, Category: sub.Category, Fingerprints: prints, Published: sub.Updated},
					With:      pol.Partners(sub.OwnerAgency)})
			}
		}
		if err := st.Load(ctx, seed); err != nil {
			return err
		}
		done += n
	}
	if g.opts.Encounters > 0 {
		var ids []string
		var index []int
		for _, i := range printed {
			ids, index = append(ids, subjectIDs[i]), append(index, i)
		}
		// The partner's in-scope printed subjects, which this desk knows only
		// as references: half of its encounters are travellers on file there.
		var partner []int
		if opts.Agency != "" {
			for i, id := range subjectIDs[:min(len(subjectIDs), max(0, opts.Prints))] {
				if _, own := kept[id]; !own && pol.InScope(category[id]) {
					partner = append(partner, i)
				}
			}
		}
		if err := g.encounters(ctx, st, ids, index, partner, author); err != nil {
			return err
		}
	}
	return nil
}

// deskOfficer is the demo officer a desk of agency writes its generated
// records as: the agency's first officer.
func deskOfficer(agency string) cases.Officer {
	for _, o := range Officers() {
		if o.Agency == agency && o.Has(cases.RoleOfficer) {
			return o
		}
	}
	return Officers()[0]
}

// printBatch is how many subjects' ten-prints one transaction adds.
const printBatch = 1000

type generator struct {
	opts    Options
	rng     *rand.Rand
	ids     *cases.IDs
	names   map[string]string // subject ID → display name, for case titles
	seq     map[string]int    // desk-year → last case sequence
	serial  int
	officer map[string][]cases.Officer // agency → officers who work cases
	super   map[string]cases.Officer   // agency → supervisor
	shown   int                        // showcase names given so far
}

// rngReader feeds the ID generator from the seeded source.
type rngReader struct{ r *rand.Rand }

func (r rngReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r.r.Uint32())
	}
	return len(p), nil
}

func newGenerator(opts Options) *generator {
	rng := rand.New(rand.NewPCG(uint64(opts.Seed), 0x656e6c616365))
	g := &generator{
		opts: opts, rng: rng,
		ids:     cases.NewSeededIDs(cases.NewManualClock(opts.Now.Add(-90*24*time.Hour)), rngReader{rand.New(rand.NewPCG(uint64(opts.Seed), 7))}),
		names:   map[string]string{},
		seq:     map[string]int{},
		officer: map[string][]cases.Officer{},
		super:   map[string]cases.Officer{},
	}
	for _, o := range Officers() {
		switch {
		case o.Has(cases.RoleSupervisor):
			g.super[o.Agency] = o
			g.officer[o.Agency] = append(g.officer[o.Agency], o)
		case o.Has(cases.RoleOfficer):
			g.officer[o.Agency] = append(g.officer[o.Agency], o)
		}
	}
	return g
}

func (g *generator) uniform(list []string) string {
	return list[g.rng.IntN(len(list))]
}
func (g *generator) chance(p float64) bool { return g.rng.Float64() < p }

// draw draws a name from a distribution of real names.
func (g *generator) draw(w *weighted) string { return w.pick(g.rng.Float64()) }

// givenName draws a Hispanic given name of a woman or a man.
func (g *generator) givenName(female bool) string {
	if female {
		return g.draw(&book().hispanicFemale)
	}
	return g.draw(&book().hispanicMale)
}

// surname draws a Hispanic surname.
func (g *generator) surname() string { return g.draw(&book().hispanicSurname) }

func (g *generator) subject() cases.Subject {
	var s cases.Subject
	s.ID = g.ids.New()
	female := g.chance(0.22)
	s.Sex = cases.SexMale
	if female {
		s.Sex = cases.SexFemale
	}
	kind := g.rng.IntN(100)
	switch {
	case kind < 80: // Ecuadorian, held by EC-PN
		s.OwnerAgency, s.Nationalities = "EC-PN", []string{"ECU"}
		s.Name = g.hispanicName(female)
		g.serial++
		s.Documents = append(s.Documents, cases.Document{Kind: cases.DocCedula, Number: iddoc.MakeCedula(g.province(), g.serial), Country: "ECU"})
		if g.chance(0.55) {
			s.Documents = append(s.Documents, cases.Document{Kind: cases.DocPassport, Number: fmt.Sprintf("%c%07d", 'A'+rune(g.rng.IntN(3)), g.rng.IntN(10_000_000)), Country: "ECU"})
		}
	case kind < 94: // Latin American, held by US-CBP
		s.OwnerAgency = "US-CBP"
		country := []string{"MEX", "SLV", "HND", "GTM", "COL", "VEN", "ECU"}[g.rng.IntN(7)]
		s.Nationalities = []string{country}
		s.Name = g.hispanicName(female)
		if g.chance(0.7) {
			s.Documents = append(s.Documents, cases.Document{Kind: cases.DocANumber, Number: fmt.Sprintf("A%09d", 10_000_000+g.rng.IntN(250_000_000)), Country: "USA"})
		}
		if g.chance(0.5) {
			s.Documents = append(s.Documents, cases.Document{Kind: cases.DocPassport, Number: fmt.Sprintf("%c%08d", 'G'+rune(g.rng.IntN(4)), g.rng.IntN(100_000_000)), Country: country})
		}
	default: // US citizen or resident, held by US-CBP
		s.OwnerAgency, s.Nationalities = "US-CBP", []string{"USA"}
		given := &book().usMale
		if female {
			given = &book().usFemale
		}
		s.Name = cases.Name{Given: []string{g.draw(given)}, Paternal: g.draw(&book().usSurname)}
		if g.chance(0.4) {
			if second := g.draw(given); second != s.Name.Given[0] {
				s.Name.Given = append(s.Name.Given, second)
			}
		}
		s.Documents = append(s.Documents, cases.Document{Kind: cases.DocPassport, Number: fmt.Sprintf("%09d", 100_000_000+g.rng.IntN(900_000_000)), Country: "USA"})
	}
	s.DOB = g.dob()
	g.aliases(&s)
	if s.OwnerAgency == "EC-PN" && !g.opts.NoShowcase && g.shown < len(showcase) {
		// The first Ecuadorian subjects carry the names the README and
		// the tools' help search for.
		sc := showcase[g.shown]
		g.shown++
		s.Name, s.Sex, s.Aliases = sc.name, sc.sex, sc.aliases
	}
	switch r := g.rng.IntN(100); {
	case r < 45:
		s.Category = cases.CategoryGangMember
		if s.OwnerAgency == "EC-PN" {
			s.Gang = g.uniform(ecGangs)
		} else {
			s.Gang = g.uniform(usGangs)
		}
	case r < 85:
		s.Category = cases.CategoryHighPriority
	case r < 88:
		s.Category = cases.CategoryTerrorist
	default:
		s.Category = cases.CategoryOther
	}
	switch r := g.rng.IntN(100); {
	case r < 25:
		s.LegalStatus = "Arrest warrant, " + []string{"drug trafficking", "homicide", "extortion", "kidnapping", "illicit association", "arms trafficking"}[g.rng.IntN(6)]
	case r < 32:
		s.LegalStatus = "Extradition request pending"
	case r < 40:
		s.LegalStatus = "Deported " + fmt.Sprint(2015+g.rng.IntN(11))
	}
	created := g.opts.Now.Add(-time.Duration(30+g.rng.IntN(2000)) * 24 * time.Hour)
	s.Created, s.Updated = created, created
	g.names[s.ID] = s.Name.Display()
	return s
}

// hispanicName draws a Hispanic name: one or two given names and two
// surnames, each drawn on its own with the shares of the tables of real
// names (realnames.go).
func (g *generator) hispanicName(female bool) cases.Name {
	n := cases.Name{Given: []string{g.givenName(female)}, Paternal: g.surname(), Maternal: g.surname()}
	for n.Maternal == n.Paternal {
		n.Maternal = g.surname()
	}
	if g.chance(0.75) {
		second := g.givenName(female)
		if second != n.Given[0] {
			n.Given = append(n.Given, second)
		}
	}
	if g.chance(0.04) {
		n.Maternal = "" // maternal surname unknown
	}
	return n
}

func (g *generator) province() int {
	total := 0
	for _, p := range provinceWeights {
		total += p.weight
	}
	r := g.rng.IntN(total)
	for _, p := range provinceWeights {
		if r < p.weight {
			return p.code
		}
		r -= p.weight
	}
	return 9
}

func (g *generator) dob() cases.PartialDate {
	y := 1958 + g.rng.IntN(48)
	switch r := g.rng.IntN(100); {
	case r < 8:
		return cases.PartialDate{Year: y}
	case r < 13:
		return cases.PartialDate{Year: y, Month: 1 + g.rng.IntN(12)}
	}
	m := 1 + g.rng.IntN(12)
	d := 1 + g.rng.IntN(time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day())
	return cases.PartialDate{Year: y, Month: m, Day: d}
}

func (g *generator) aliases(s *cases.Subject) {
	if nick, ok := nicknames[s.Name.Given[0]]; ok && g.chance(0.45) {
		s.Aliases = append(s.Aliases, cases.Alias{Name: g.uniform(nick), Moniker: true})
	} else if len(s.Name.Given) > 1 {
		if nick, ok := nicknames[s.Name.Given[1]]; ok && g.chance(0.3) {
			s.Aliases = append(s.Aliases, cases.Alias{Name: g.uniform(nick), Moniker: true})
		}
	}
	if s.Category == cases.CategoryGangMember && g.chance(0.5) {
		s.Aliases = append(s.Aliases, cases.Alias{Name: g.uniform(streetNames), Moniker: true})
	}
	if g.chance(0.12) && s.Name.Maternal != "" {
		// A false identity used before: another maternal surname and given name.
		alt := cases.Name{Given: []string{g.givenName(s.Sex == cases.SexFemale)}, Paternal: s.Name.Paternal, Maternal: g.surname()}
		s.Aliases = append(s.Aliases, cases.Alias{Name: alt.Display()})
	}
}

// target statuses and how often each appears in the demo queue.
var statusMix = []struct {
	status cases.Status
	weight int
}{
	{cases.StatusNew, 22}, {cases.StatusInReview, 30}, {cases.StatusEscalated, 8},
	{cases.StatusDecided, 14}, {cases.StatusClosed, 20}, {cases.StatusReopened, 6},
}

// paths from New to each status, through the state machine.
var paths = map[cases.Status][]cases.Status{
	cases.StatusNew:       nil,
	cases.StatusInReview:  {cases.StatusInReview},
	cases.StatusEscalated: {cases.StatusInReview, cases.StatusEscalated},
	cases.StatusDecided:   {cases.StatusInReview, cases.StatusDecided},
	cases.StatusClosed:    {cases.StatusInReview, cases.StatusDecided, cases.StatusClosed},
	cases.StatusReopened:  {cases.StatusInReview, cases.StatusDecided, cases.StatusClosed, cases.StatusReopened},
}

var titleTemplates = []string{
	"Fingerprint hit at %[2]s: %[1]s",
	"Identity check requested by partner: %[1]s",
	"Extradition follow-up: %[1]s",
	"Encounter review, %[2]s: %[1]s",
	"Alias verification: %[1]s",
	"Watchlist match to confirm: %[1]s",
	"Core data request (48 h): %[1]s",
}

var noteTemplates = []string{
	"Requested the partner's core data on the candidate; waiting for the answer.",
	"Probe quality is poor on the left thumb; asked the port for a second capture.",
	"Biographics agree except the maternal surname, which the subject gave differently at the border.",
	"Subject travelled on a passport issued last year; checking it against the registry.",
	"Candidate list reviewed: the top two candidates share a surname and are probably brothers.",
	"Called the liaison desk in Quito; they confirm an active warrant.",
	"Subject states he has never been to Ecuador; prints say otherwise, pending verification.",
	"Second examiner assigned for blind verification.",
	"Partner agency asks for the encounter photographs; sent through the exchange.",
	"Alias used at the encounter matches a moniker on file.",
}

var justifications = map[cases.Conclusion][]string{
	cases.Identification:   {"Twelve corresponding minutiae on the right index, no unexplained differences; biographics agree.", "Ten-print comparison: eight fingers in agreement, verified blind by a second examiner."},
	cases.Exclusion:        {"Different pattern class on both thumbs; excluded.", "Core-delta ridge counts disagree on every finger compared; not the same person."},
	cases.Inconclusive:     {"Probe too partial for a conclusion; requested new captures.", "Only four corresponding minutiae on a low-quality impression; inconclusive."},
	cases.NoIdentification: {"None of the candidates agrees with the probe on the fingers compared.", "Every candidate excluded on pattern class or ridge counts."},
}

// caseWithHistory draws the next case of the stream: its owner, the owner's
// subjects it names (byAgency), and a history written by the owner's
// officers. all is every subject, for a draw that stays the same whatever
// the desk keeps.
func (g *generator) caseWithHistory(byAgency map[string][]string, all []string) (cases.Case, []cases.Annotation) {
	now := g.opts.Now
	owner := "EC-PN"
	if g.chance(0.45) {
		owner = "US-CBP"
	}
	partner := map[string]string{"EC-PN": "US-CBP", "US-CBP": "EC-PN"}[owner]
	created := now.Add(-time.Duration(2+g.rng.IntN(60*24)) * time.Hour)
	desk := 11 + g.rng.IntN(2)
	if owner == "US-CBP" {
		desk += 2
	}
	key := fmt.Sprintf("%s-%d-%d", owner, created.Year(), desk)
	g.seq[key]++
	c := cases.Case{
		ID:          cases.CaseNumber(owner, created.Year(), desk, g.seq[key]),
		Status:      cases.StatusNew,
		Priority:    []cases.Priority{cases.PriorityLow, cases.PriorityNormal, cases.PriorityNormal, cases.PriorityNormal, cases.PriorityHigh, cases.PriorityHigh, cases.PriorityCritical}[g.rng.IntN(7)],
		OwnerAgency: owner,
		Created:     created,
		Updated:     created,
	}
	if g.chance(0.85) {
		c.SharedWith = []string{partner}
	}
	var subjectName string
	if own := byAgency[owner]; len(own) > 0 && len(all) > 0 {
		n := 1 + g.rng.IntN(2)
		for i := 0; i < n; i++ {
			id := own[g.rng.IntN(len(own))]
			if len(c.SubjectIDs) == 0 || c.SubjectIDs[0] != id {
				c.SubjectIDs = append(c.SubjectIDs, id)
			}
		}
		subjectName = g.names[c.SubjectIDs[0]]
	}
	if subjectName == "" {
		subjectName = "unidentified traveller"
	}
	c.Title = fmt.Sprintf(g.uniform(titleTemplates), subjectName, strings.Split(g.uniform(ports), ",")[0])
	switch r := g.rng.IntN(100); {
	case r < 35:
		c.Due = created.Add(48 * time.Hour) // Prüm II core-data deadline
	case r < 75:
		c.Due = created.Add(time.Duration(5+g.rng.IntN(25)) * 24 * time.Hour)
	}

	target := cases.StatusNew
	r := g.rng.IntN(100)
	for _, m := range statusMix {
		if r < m.weight {
			target = m.status
			break
		}
		r -= m.weight
	}
	// Walk the history forward in time, never past now.
	span := now.Sub(created)
	steps := len(paths[target]) + 4
	at := created
	next := func() time.Time {
		at = at.Add(time.Duration(g.rng.Int64N(int64(span)/int64(steps+1) + 1)))
		if !at.Before(now) {
			at = now.Add(-time.Minute)
		}
		return at
	}
	var anns []cases.Annotation
	add := func(a cases.Annotation) {
		a.ID, a.CaseID, a.At = g.ids.New(), c.ID, next()
		anns = append(anns, a)
	}
	// The owner's desk writes the history: its own officers' work. The
	// partner's officers add theirs on their desk once the case reaches it.
	workers := g.officer[owner]
	super := g.super[owner]
	worker := workers[g.rng.IntN(len(workers))]
	version := 0
	if target != cases.StatusNew || g.chance(0.5) {
		add(cases.Annotation{Kind: cases.AnnAssign, Author: super.ID, Assignee: worker.ID})
		c.Assignee = worker.ID
	}
	if g.chance(0.6) {
		add(cases.Annotation{Kind: cases.AnnNote, Author: worker.ID, Text: g.uniform(noteTemplates)})
	}
	for _, to := range paths[target] {
		from := c.Status
		a := cases.Annotation{Kind: cases.AnnStatus, Author: worker.ID, FromStatus: from, ToStatus: to, BaseVersion: version}
		switch to {
		case cases.StatusDecided:
			// ACE-V: the examiner closes the examination, a second officer
			// of the agency verifies it blind, and the agreement decides.
			concl, cand := cases.NoIdentification, ""
			if len(c.SubjectIDs) > 0 && g.chance(0.7) {
				concl, cand = cases.Identification, c.SubjectIDs[0]
			}
			if len(c.SubjectIDs) > 1 {
				ex := cases.Decision{Conclusion: cases.Exclusion, CandidateID: c.SubjectIDs[1], Justification: g.uniform(justifications[cases.Exclusion])}
				add(cases.Annotation{Kind: cases.AnnDecision, Author: worker.ID, Decision: &ex, Text: ex.Justification})
			}
			d := cases.Decision{Conclusion: concl, CandidateID: cand, Justification: g.uniform(justifications[concl])}
			closing := cases.Annotation{Kind: cases.AnnDecision, Author: worker.ID, Decision: &d, Text: d.Justification}
			add(closing)
			closing = anns[len(anns)-1]
			verifier := super
			for _, o := range workers {
				if o.ID != worker.ID && !o.Has(cases.RoleSupervisor) {
					verifier = o
					break
				}
			}
			v := d
			v.Justification = "Verified blind: " + g.uniform(justifications[concl])
			a.Kind, a.Author, a.Decision, a.Text, a.Concerns = cases.AnnVerification, verifier.ID, &v, v.Justification, closing.ID
		case cases.StatusClosed, cases.StatusReopened:
			a.Author = super.ID
			if to == cases.StatusReopened {
				a.Text = "New encounter of the same subject reported by the partner."
			} else {
				a.Text = "Signed off."
			}
		case cases.StatusEscalated:
			a.Text = "Conflicting information between the two agencies' records; escalating."
		}
		add(a)
		c.Status = to
		version++
		if g.chance(0.4) {
			add(cases.Annotation{Kind: cases.AnnNote, Author: worker.ID, Text: g.uniform(noteTemplates)})
		}
	}
	initialPriority := c.Priority
	if g.chance(0.15) {
		p := cases.Priorities[g.rng.IntN(len(cases.Priorities))]
		if p != c.Priority {
			add(cases.Annotation{Kind: cases.AnnPriority, Author: super.ID, Priority: p})
			c.Priority = p
		}
	}
	// The case row starts as created; the annotations move it.
	start := c
	start.Status, start.Assignee, start.Version, start.Priority = cases.StatusNew, "", 0, initialPriority
	return start, anns
}
