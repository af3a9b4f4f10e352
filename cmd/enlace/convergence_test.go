package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/enlace-desk/enlace/assets/demo"
	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/exchange"
	"github.com/enlace-desk/enlace/exchange/hub"
	"github.com/enlace-desk/enlace/exchange/officerkey"
	"github.com/enlace-desk/enlace/store"
)

// The randomized convergence property, on the real thing: real store desks
// (SQLite files), a real hub over loopback mutual TLS, the real sync client.
// Per seed, three desks of two agencies make crossed edits of every field of
// a handful of cases, go offline for random stretches and restart; after the
// final sync every desk that may see a case projects it identically.
//
// ENLACE_SYNC_SEEDS=N runs N seeds (random ones, printed); ENLACE_SYNC_SEED=S
// replays seed S. A seed replays the same work: the desks' clocks are manual
// (each desk skewed by its own offset) and every choice comes from the seed.

// convSeedsDefault is how many seeds run by default: about a second each on
// two cores, some seven times that under the race detector (underRace), where
// fewer run to stay within about 20 s.
const convSeedsDefault, convSeedsRace = 10, 2

// underRace is set when the race detector is on (race_test.go).
var underRace bool

// convRounds is how many rounds of offline work and partial syncs a seed runs.
const convRounds = 24

var convDesks = []demoDesk{{"ec-pn-desk-1", "EC-PN", 1}, {"ec-pn-desk-2", "EC-PN", 3}, {"us-cbp-desk-1", "US-CBP", 2}, {"us-cbp-desk-2", "US-CBP", 4}}

func convergenceSeeds(t *testing.T) []uint64 {
	if s := os.Getenv("ENLACE_SYNC_SEED"); s != "" {
		seed, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("ENLACE_SYNC_SEED=%q is not a seed", s)
		}
		return []uint64{seed}
	}
	n := convSeedsDefault
	if underRace {
		n = convSeedsRace
	}
	if s := os.Getenv("ENLACE_SYNC_SEEDS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < 1 {
			t.Fatalf("ENLACE_SYNC_SEEDS=%q is not a number of seeds", s)
		}
	}
	pick := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 9))
	seeds := make([]uint64, n)
	for i := range seeds {
		seeds[i] = pick.Uint64() >> 12 // short enough to type
	}
	return seeds
}

func TestConvergenceOfRealDesks(t *testing.T) {
	for _, seed := range convergenceSeeds(t) {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			w := newConvWorld(t, seed)
			t.Cleanup(func() {
				if t.Failed() {
					from := max(0, len(w.trail)-80)
					t.Logf("last actions:\n  %s", strings.Join(w.trail[from:], "\n  "))
					t.Logf("replay: ENLACE_SYNC_SEED=%d go test ./cmd/enlace/ -run Convergence -v", seed)
				}
			})
			w.run(convRounds)
			w.check()
			t.Logf("seed %d: %v", seed, w.stats)
		})
	}
}

// skewedClock is a desk's clock: the shared manual time plus the desk's skew.
type skewedClock struct {
	base *cases.ManualClock
	skew time.Duration
}

func (c skewedClock) Now() time.Time { return c.base.Now().Add(c.skew) }

type convDesk struct {
	demoDesk
	files hub.DeskFiles
	clock skewedClock
	st    *store.Store
	sync  *exchange.Client
	// offline counts the rounds the desk still skips.
	offline int
	// batch and page are the desk's push batch and pull page sizes: small,
	// so that a case's history (a case shared again brings it all) spans
	// pages and batches.
	batch, page int
}

type convWorld struct {
	t      *testing.T
	ctx    context.Context
	rng    *rand.Rand
	clock  *cases.ManualClock
	dir    string // the desks' folders
	hub    *hub.Hub
	hubURL string
	desks  []*convDesk
	// subjects made by each agency, in the order they were made.
	subjects map[string][]string
	// everShared holds, per case, every agency its owner ever named in its
	// sharing: the only agencies other than the owner that may hold it.
	everShared map[string]map[string]bool
	// hot is the case most of a round's edits go to, so that they cross.
	hot   string
	trail []string
	stats map[string]int
}

func newConvWorld(t *testing.T, seed uint64) *convWorld {
	ctx := context.Background()
	dir := t.TempDir()
	var desks []hub.DevDesk
	for _, d := range convDesks {
		desks = append(desks, hub.DevDesk{Name: d.name, Agency: d.agency})
	}
	pki, err := hub.InitDevPKI(filepath.Join(dir, "exchange"), hub.DevPKIOptions{Agencies: demo.Agencies(), Officers: demo.Officers(), Desks: desks,
		Passphrase: []byte(demoPassphrase), KeyParams: demoKeyParams})
	if err != nil {
		t.Fatal(err)
	}
	hub, url := serveHub(t, pki.ConfigPath)
	w := &convWorld{t: t, ctx: ctx, rng: rand.New(rand.NewPCG(seed, 0x656e6c616365)),
		clock: cases.NewManualClock(time.Now()), dir: dir, hub: hub, hubURL: url,
		subjects: map[string][]string{}, everShared: map[string]map[string]bool{}, stats: map[string]int{}}
	for _, dd := range convDesks {
		// Desks disagree on the time by up to a minute either way: later
		// edits may carry earlier stamps. The hub and the desks refuse events
		// stamped more than cases.MaxClockSkew ahead of their clocks (the
		// hub's is the real one): the skew and the manual time's lead over
		// it (see run) stay well inside that.
		skew := time.Duration(w.rng.IntN(120_001)-60_000) * time.Millisecond
		d := &convDesk{demoDesk: dd, files: pki.Desks[dd.name], clock: skewedClock{w.clock, skew},
			batch: 1 + w.rng.IntN(8), page: 1 + w.rng.IntN(10)}
		w.open(d)
		if err := demo.WriteDirectory(ctx, d.st, d.agency); err != nil {
			t.Fatal(err)
		}
		w.desks = append(w.desks, d)
	}
	t.Cleanup(func() {
		for _, d := range w.desks {
			if d.st != nil {
				d.sync.Close()
				d.st.Close()
			}
		}
	})
	return w
}

// open opens a desk's store from its file, signing as its officers, and its
// sync client, as openDeskStore and newSyncClient do for a real desk.
func (w *convWorld) open(d *convDesk) {
	keys := officerkey.NewKeyring(d.files.KeyDir)
	if err := unlockDemoOfficers(keys, d.agency); err != nil {
		w.t.Fatal(err)
	}
	st, err := store.Open(w.ctx, filepath.Join(w.dir, d.name, dataFileName), store.Options{Clock: d.clock, DeskNumber: d.number,
		Signer: keys})
	if err != nil {
		w.t.Fatalf("open desk %s: %v", d.name, err)
	}
	c, err := newSyncClient(st, &syncSettings{HubURL: w.hubURL, CertFile: d.files.CertFile, KeyFile: d.files.KeyFile,
		HubCAFile: d.files.HubCAFile, KeyDir: d.files.KeyDir}, func(c *exchange.ClientConfig) {
		c.BatchSize, c.PullLimit = d.batch, d.page
	})
	if err != nil {
		w.t.Fatal(err)
	}
	d.st, d.sync = st, c
}

// restart closes a desk's sync client and store and opens them again from
// the same file.
func (w *convWorld) restart(d *convDesk) {
	d.sync.Close()
	if err := d.st.Close(); err != nil {
		w.t.Fatalf("close desk %s: %v", d.name, err)
	}
	path := d.st.Path()
	w.open(d)
	if d.st.Path() != path || d.st.DeskAgency() != d.agency {
		w.t.Fatalf("desk %s reopened as %s of %q", d.name, d.st.Path(), d.st.DeskAgency())
	}
	w.logf("%s restarted", d.name)
}

func (w *convWorld) logf(format string, args ...any) {
	w.trail = append(w.trail, fmt.Sprintf(format, args...))
}

// syncDesk runs one sync round. The hub may refuse events (an edit made on a
// case whose sharing was withdrawn meanwhile); a round that fails, or an event
// the desk cannot verify, is a failure.
func (w *convWorld) syncDesk(d *convDesk) exchange.Round {
	r := d.sync.RunOnce(w.ctx)
	if !r.OK() || r.Refused > 0 {
		w.t.Fatalf("sync of %s: %+v", d.name, r)
	}
	w.logf("%s synced: pushed %d, rejected %d, pulled %d", d.name, r.Pushed, r.Rejected, r.Pulled)
	return r
}

func (w *convWorld) partner(agency string) string {
	if agency == "EC-PN" {
		return "US-CBP"
	}
	return "EC-PN"
}

// staff returns the officers and supervisors of an agency, and its supervisor.
func staff(agency string) (all []cases.Officer, supervisor cases.Officer) {
	for _, o := range demo.Officers() {
		if o.Agency != agency || o.Has(cases.RoleAuditor) {
			continue
		}
		all = append(all, o)
		if o.Has(cases.RoleSupervisor) {
			supervisor = o
		}
	}
	return all, supervisor
}

// done records an action's outcome. The rules may refuse it (a move the
// state machine forbids, a case in conflict, a case no longer shared): that
// is fine; the store failing is not.
func (w *convWorld) done(d *convDesk, who cases.Officer, op, caseID string, err error) bool {
	switch code := cases.ErrorCode(err); code {
	case "":
		w.stats[op]++
		w.logf("%s %s: %s %s", d.name, who.ID, op, caseID)
		return true
	case cases.EINVALID, cases.EFORBIDDEN, cases.ECONFLICT, cases.ENOTFOUND:
		w.stats["refused"]++
		w.logf("%s %s: %s %s refused: %v", d.name, who.ID, op, caseID, err)
		return false
	default:
		w.t.Fatalf("%s %s: %s %s: %v", d.name, who.ID, op, caseID, err)
		return false
	}
}

func (w *convWorld) run(rounds int) {
	for _, d := range w.desks {
		w.createCase(d)
	}
	for r := 0; r < rounds; r++ {
		w.logf("-- round %d", r)
		w.pickHot()
		for k := 3 + w.rng.IntN(10); k > 0; k-- {
			// At most half a second a change: a seed's few hundred changes
			// lead the real clock by a couple of minutes at most.
			w.clock.Advance(time.Duration(1+w.rng.IntN(500)) * time.Millisecond)
			w.act(w.desks[w.rng.IntN(len(w.desks))])
		}
		for _, d := range w.desks {
			if w.rng.IntN(8) == 0 {
				w.restart(d)
			}
		}
		// Online desks sync (most rounds), in random order; a desk may go
		// offline for a few rounds, working on what it holds.
		order := slices.Clone(w.desks)
		w.rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, d := range order {
			switch {
			case d.offline > 0:
				d.offline--
			case w.rng.IntN(5) == 0:
				d.offline = 1 + w.rng.IntN(4)
				w.logf("%s goes offline for %d rounds", d.name, d.offline)
			case w.rng.IntN(5) > 0:
				w.syncDesk(d)
			}
		}
	}
	// The final sync: everyone online until nothing moves any more.
	for pass := 0; ; pass++ {
		if pass == 10 {
			w.t.Fatalf("the desks still exchange events after %d sync passes", pass)
		}
		quiet := true
		for _, d := range w.desks {
			if r := w.syncDesk(d); r.Pushed > 0 || r.Pulled > 0 {
				quiet = false
			}
		}
		if quiet {
			break
		}
	}
}

// pickHot picks the round's hot case among those a random desk holds.
func (w *convWorld) pickHot() {
	d := w.desks[w.rng.IntN(len(w.desks))]
	list, err := d.st.Cases(w.ctx, cases.CaseFilter{})
	if err != nil {
		w.t.Fatal(err)
	}
	if len(list) > 0 {
		w.hot = list[w.rng.IntN(len(list))].ID
	}
}

// act makes one random change on desk d, as one of its agency's officers.
func (w *convWorld) act(d *convDesk) {
	ctx, rng := w.ctx, w.rng
	all, sup := staff(d.agency)
	who := all[rng.IntN(len(all))]
	list, err := d.st.Cases(ctx, cases.CaseFilter{})
	if err != nil {
		w.t.Fatal(err)
	}
	n := rng.IntN(100)
	if len(list) == 0 || n < 2 {
		w.createCase(d)
		return
	}
	if n < 9 {
		w.saveSubject(d)
		return
	}
	pick := list[rng.IntN(len(list))].ID
	if rng.IntN(2) == 0 && slices.ContainsFunc(list, func(c cases.CaseSummary) bool { return c.ID == w.hot }) {
		pick = w.hot
	}
	if n >= 92 { // a supervisor resolves a conflict, if the desk sees one
		for _, c := range list {
			if c.Conflict {
				pick = c.ID
			}
		}
	}
	c, err := d.st.Case(ctx, pick)
	if err != nil {
		w.t.Fatal(err)
	}
	switch {
	case n < 20:
		text := fmt.Sprintf("note %d by %s", rng.IntN(1000), who.ID)
		var supersedes string
		if rng.IntN(4) == 0 { // an edit of one of the officer's notes
			anns, _ := d.st.Annotations(ctx, c.ID)
			for _, a := range anns {
				if a.Kind == cases.AnnNote && a.Author == who.ID {
					supersedes = a.ID
				}
			}
		}
		_, err := d.st.AddNote(ctx, who, c.ID, text, supersedes)
		w.done(d, who, "note", c.ID, err)
	case n < 36:
		if c.Conflict && who.Has(cases.RoleSupervisor) {
			w.resolve(d, who, c)
			return
		}
		moves := cases.AllowedTransitions(c.Status, who.Roles, false)
		if len(moves) == 0 {
			return
		}
		to := moves[rng.IntN(len(moves))].To
		_, err := d.st.ChangeStatus(ctx, who, c.ID, to, "moving to "+string(to))
		w.done(d, who, "status", c.ID, err)
	case n < 41:
		dec := cases.Decision{Conclusion: cases.Conclusions[rng.IntN(len(cases.Conclusions))], CandidateID: "candidate-" + strconv.Itoa(rng.IntN(9)),
			Justification: "compared the prints"}
		_, err := d.st.RecordDecision(ctx, who, c.ID, dec)
		w.done(d, who, "decision", c.ID, err)
	case n < 55:
		mine, _ := staff(d.agency)
		if rng.IntN(10) == 0 {
			// Each agency assigns its own officers: the partner's never.
			theirs, _ := staff(w.partner(d.agency))
			_, err := d.st.Assign(ctx, sup, c.ID, theirs[rng.IntN(len(theirs))].ID)
			if code := cases.ErrorCode(err); code != cases.EFORBIDDEN {
				w.t.Fatalf("%s: %s assigned case %s to an officer of %s: %v (%s)", d.name, sup.ID, c.ID, w.partner(d.agency), err, code)
			}
			return
		}
		assignee := ""
		if rng.IntN(5) > 0 {
			assignee = mine[rng.IntN(len(mine))].ID
		}
		_, err := d.st.Assign(ctx, sup, c.ID, assignee)
		w.done(d, sup, "assign", c.ID, err)
	case n < 65:
		_, err := d.st.SetPriority(ctx, sup, c.ID, cases.Priorities[rng.IntN(len(cases.Priorities))])
		w.done(d, sup, "priority", c.ID, err)
	case n < 73:
		u := cases.CaseUpdated{CaseID: c.ID}
		if rng.IntN(3) > 0 {
			title := fmt.Sprintf("Case %d, retitled by %s", rng.IntN(1000), who.ID)
			u.Title = &title
		}
		if u.Title == nil || rng.IntN(2) == 0 {
			due := ""
			if rng.IntN(4) > 0 {
				due = w.clock.Now().Add(time.Duration(1+rng.IntN(30)) * 24 * time.Hour).Truncate(time.Second).Format(time.RFC3339)
			}
			u.Due = &due
		}
		w.done(d, who, "update", c.ID, d.st.UpdateCase(ctx, who, u))
	case n < 80:
		// Only the owner's supervisor changes the sharing; others are refused.
		shared := []string{}
		if len(c.SharedWith) == 0 {
			shared = []string{w.partner(c.OwnerAgency)}
		}
		err := d.st.UpdateCase(ctx, sup, cases.CaseUpdated{CaseID: c.ID, SharedWith: shared})
		if c.OwnerAgency != d.agency && cases.ErrorCode(err) != cases.EFORBIDDEN {
			w.t.Fatalf("%s: %s changed the sharing of case %s, owned by %s: %v", d.name, sup.ID, c.ID, c.OwnerAgency, err)
		}
		if w.done(d, sup, "share", c.ID, err) {
			w.shared(c.ID, shared)
		}
	case n < 92:
		w.link(d, who, c)
	default:
		if c.Conflict {
			w.resolve(d, sup, c)
			return
		}
		// Not in conflict: the store refuses, and says so.
		err := d.st.ResolveConflict(ctx, sup, c.ID, cases.StatusEscalated, "nothing to resolve")
		if cases.ErrorCode(err) != cases.EINVALID {
			w.t.Fatalf("%s: resolving case %s, not in conflict: %v", d.name, c.ID, err)
		}
	}
}

func (w *convWorld) shared(caseID string, agencies []string) {
	if w.everShared[caseID] == nil {
		w.everShared[caseID] = map[string]bool{}
	}
	for _, a := range agencies {
		w.everShared[caseID][a] = true
	}
}

func (w *convWorld) resolve(d *convDesk, who cases.Officer, c *cases.Case) {
	to := cases.Statuses[w.rng.IntN(len(cases.Statuses))]
	w.done(d, who, "resolve", c.ID, d.st.ResolveConflict(w.ctx, who, c.ID, to, "settled on "+string(to)))
}

func (w *convWorld) createCase(d *convDesk) {
	all, _ := staff(d.agency)
	who := all[w.rng.IntN(len(all))]
	nc := cases.NewCase{Title: fmt.Sprintf("Case opened by %s on %s", who.ID, d.name)}
	if w.rng.IntN(3) > 0 {
		nc.SharedWith = []string{w.partner(d.agency)}
	}
	if w.rng.IntN(2) == 0 {
		nc.Assignee = all[w.rng.IntN(len(all))].ID
	}
	if w.rng.IntN(2) == 0 {
		nc.Due = w.clock.Now().Add(72 * time.Hour).Truncate(time.Second)
	}
	if own := w.held(d, d.agency); len(own) > 0 && w.rng.IntN(2) == 0 {
		nc.SubjectIDs = []string{own[w.rng.IntN(len(own))]}
	}
	c, err := d.st.CreateCase(w.ctx, who, nc)
	if w.done(d, who, "create", "", err) {
		w.logf("  created %s shared with %v", c.ID, nc.SharedWith)
		w.shared(c.ID, nc.SharedWith)
	}
}

// held lists the subjects made by agency that desk d holds.
func (w *convWorld) held(d *convDesk, agency string) []string {
	var out []string
	for _, id := range w.subjects[agency] {
		if _, err := d.st.Subject(w.ctx, id); err == nil {
			out = append(out, id)
		}
	}
	return out
}

// saveSubject makes a new subject, or saves one of the agency's again: a
// subject is shared with the agencies of the cases it is linked to when it
// is saved.
func (w *convWorld) saveSubject(d *convDesk) {
	all, _ := staff(d.agency)
	who := all[w.rng.IntN(len(all))]
	sub := &cases.Subject{Name: cases.Name{Given: []string{"Sujeto"}, Paternal: fmt.Sprintf("Prueba%d", w.rng.IntN(1000))},
		Category: cases.CategoryOther}
	if own := w.held(d, d.agency); len(own) > 0 && w.rng.IntN(2) == 0 {
		old, err := d.st.Subject(w.ctx, own[w.rng.IntN(len(own))])
		if err != nil {
			w.t.Fatal(err)
		}
		sub = old
	}
	isNew := sub.ID == ""
	if w.done(d, who, "subject", sub.ID, d.st.SaveSubject(w.ctx, who, sub)) && isNew {
		w.subjects[d.agency] = append(w.subjects[d.agency], sub.ID)
	}
}

// link links a subject the desk holds to the case, or unlinks one.
func (w *convWorld) link(d *convDesk, who cases.Officer, c *cases.Case) {
	if len(c.SubjectIDs) > 0 && w.rng.IntN(2) == 0 {
		sid := c.SubjectIDs[w.rng.IntN(len(c.SubjectIDs))]
		_, err := d.st.UnlinkSubject(w.ctx, who, c.ID, sid)
		w.done(d, who, "unlink", c.ID+" "+sid, err)
		return
	}
	candidates := append(w.held(d, d.agency), w.held(d, w.partner(d.agency))...)
	if len(candidates) == 0 {
		return
	}
	sid := candidates[w.rng.IntN(len(candidates))]
	_, err := d.st.LinkSubject(w.ctx, who, c.ID, sid)
	w.done(d, who, "link", c.ID+" "+sid, err)
}

// check asserts the property after the final sync.
func (w *convWorld) check() {
	t, ctx := w.t, w.ctx
	hubCases := map[string]hub.CaseState{}
	held := map[*convDesk]map[string]bool{}
	for _, d := range w.desks {
		if n, err := d.st.Pending(ctx); err != nil || n != 0 {
			t.Fatalf("%s: %d events still to send after the final sync (%v)", d.name, n, err)
		}
		if q, err := d.st.Quarantined(ctx, 10); err != nil || len(q) > 0 {
			t.Fatalf("%s: events quarantined: %+v (%v)", d.name, q, err)
		}
		// The only refusals this workload may earn are edits of a case
		// whose sharing with the desk's agency was withdrawn meanwhile.
		rej, err := d.st.Rejections(ctx, 10000)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rej {
			if r.Code != cases.EFORBIDDEN || !strings.Contains(r.Error, "is not shared with "+d.agency) {
				t.Errorf("%s: the hub refused event %s: %s %s", d.name, r.EventID, r.Code, r.Error)
			}
		}
		w.stats["rejected@"+d.name] = len(rej)
		list, err := d.st.Cases(ctx, cases.CaseFilter{})
		if err != nil {
			t.Fatal(err)
		}
		held[d] = map[string]bool{}
		for _, c := range list {
			held[d][c.ID] = true
			if _, ok := hubCases[c.ID]; ok {
				continue
			}
			st, ok, err := w.hub.Store().CaseState(ctx, c.ID)
			if err != nil || !ok {
				t.Fatalf("%s holds case %s, which the hub does not know (%v)", d.name, c.ID, err)
			}
			hubCases[c.ID] = st
		}
	}
	ids := make([]string, 0, len(hubCases))
	for id := range hubCases {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var compared, stale int
	for _, id := range ids {
		hc := hubCases[id]
		var ref *convDesk
		var refCase *cases.Case
		var refTimeline string
		for _, d := range w.desks {
			if !slices.Contains(hc.Agencies(), d.agency) {
				// The agency may not see the case now. A desk keeps what it
				// received while the case was shared with it (withdrawal does
				// not reach back), so it may hold a stale copy: only a case once
				// shared with its agency, and it is not compared.
				if held[d][id] {
					if !w.everShared[id][d.agency] {
						t.Errorf("%s holds case %s, never shared with %s", d.name, id, d.agency)
					}
					stale++
				}
				continue
			}
			if !held[d][id] {
				t.Errorf("%s does not hold case %s, which %s may see (owner %s, shared with %v)", d.name, id, d.agency, hc.Owner, hc.SharedWith)
				continue
			}
			c, err := d.st.Case(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if c.Status != hc.Status || c.Version != hc.Version || c.Conflict != hc.Conflict || c.OwnerAgency != hc.Owner ||
				strings.Join(c.SharedWith, ",") != strings.Join(slices.Sorted(slices.Values(hc.SharedWith)), ",") {
				t.Errorf("%s: case %s is %s v%d conflict %v owner %s shared %v; the hub says %s v%d conflict %v owner %s shared %v",
					d.name, id, c.Status, c.Version, c.Conflict, c.OwnerAgency, c.SharedWith, hc.Status, hc.Version, hc.Conflict, hc.Owner, hc.SharedWith)
			}
			tl := w.timeline(d, id)
			if ref == nil {
				ref, refCase, refTimeline = d, c, tl
				continue
			}
			compared++
			if cases.Digest(c) != cases.Digest(refCase) {
				t.Errorf("case %s differs:\n  %-14s %s %+v\n  %-14s %s %+v", id, ref.name, cases.Digest(refCase)[:12], *refCase, d.name, cases.Digest(c)[:12], *c)
			}
			if tl != refTimeline {
				t.Errorf("case %s: the timelines differ (annotation ID, * = overridden):\n  %-14s %s\n  %-14s %s", id, ref.name, refTimeline, d.name, tl)
			}
		}
	}
	w.stats["cases"], w.stats["compared"], w.stats["stale"] = len(ids), compared, stale
	for _, hc := range hubCases {
		if hc.Conflict {
			w.stats["in-conflict"]++
		}
	}
	if compared == 0 {
		t.Fatalf("no case was seen by two desks: the seed exercised nothing")
	}
}

// timeline is a case's annotations on a desk, oldest first, with the
// overridden ones marked.
func (w *convWorld) timeline(d *convDesk, caseID string) string {
	anns, err := d.st.Annotations(w.ctx, caseID)
	if err != nil {
		w.t.Fatal(err)
	}
	parts := make([]string, len(anns))
	for i, a := range anns {
		parts[i] = a.ID
		if a.Overridden {
			parts[i] += "*"
		}
	}
	return strings.Join(parts, " ")
}
