package main

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/enlace-desk/enlace/afis"
	"github.com/enlace-desk/enlace/assets/demo"
	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/exchange"
	exhub "github.com/enlace-desk/enlace/exchange/hub"
	"github.com/enlace-desk/enlace/exchange/officerkey"
	"github.com/enlace-desk/enlace/store"
	"github.com/enlace-desk/enlace/ui"
	"github.com/spf13/cobra"
)

func init() { register("demo", newDemoCmd) }

// The demo's layout inside its data directory: one folder per desk (its store
// and sync settings) and the exchange's development PKI and hub store.
const (
	demoExchangeDir = "exchange"
	demoHubListen   = "127.0.0.1:8443"
	// demoSyncInterval is how often the demo's desks sync when nothing
	// asks them to: changes on either desk trigger a round at once.
	demoSyncInterval = 2 * time.Minute
)

// demoDesk is one desk of the demo: a folder, an agency, a desk number.
type demoDesk struct {
	name   string
	agency string
	number int
}

var demoDesks = []demoDesk{{"ec-pn-desk-1", "EC-PN", 1}, {"us-cbp-desk-1", "US-CBP", 2}}

func deskOf(agency string) (own, partner demoDesk) {
	if agency == demoDesks[0].agency {
		return demoDesks[0], demoDesks[1]
	}
	return demoDesks[1], demoDesks[0]
}

type demoFlags struct {
	sessionFlags
	subjects, ncases, prints, encounters int
	seed                                 int64
	noUI, offline                        bool
	subjectsSet                          bool // --subjects or --cases was given
}

func newDemoCmd() *cobra.Command {
	var f demoFlags
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the demo: your desk, an in-process exchange hub and a simulated partner desk",
		Long: `Run the demo: your desk, an in-process exchange hub and a simulated partner
desk. The first run generates the demo data behind the open workstation; the
next runs reuse it (quitting during generation resumes it next time).`,
		Example: `  enlace demo                                  # as ec.mrodriguez, EC-PN officer
  enlace demo --as us.mbrown                   # the US supervisor, on the US desk
  enlace demo --as ec.auditoria --offline      # the EC auditor, without hub and partner desk
  enlace demo --data-dir /tmp/big --subjects 1000000 --cases 100000 --no-ui`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f.subjectsSet = cmd.Flags().Changed("subjects") || cmd.Flags().Changed("cases")
			return runDemo(cmd.Context(), f, cmd.ErrOrStderr())
		},
	}
	f.register(cmd, filepath.Join(defaultDataDir(), "demo"))
	fs := cmd.Flags()
	fs.IntVar(&f.subjects, "subjects", demo.DefaultSubjects, "number of subjects to generate in a new demo store")
	fs.IntVar(&f.ncases, "cases", demo.DefaultCases, "number of cases to generate in a new demo store")
	fs.IntVar(&f.prints, "prints", demo.DefaultPrints, "number of subjects given ten-print templates")
	fs.IntVar(&f.encounters, "encounters", demo.DefaultEncounters, "number of encounters with probe prints to identify")
	fs.Int64Var(&f.seed, "seed", demo.DefaultSeed, "seed of the generated data")
	fs.BoolVar(&f.noUI, "no-ui", false, "create the demo store and exit without opening the workstation")
	fs.BoolVar(&f.offline, "offline", false, "run without the exchange hub and the partner desk")
	cmd.RegisterFlagCompletionFunc("as", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		var ids []string
		for _, o := range demo.Officers() {
			ids = append(ids, o.ID+"\t"+o.Agency+", "+o.RoleLabel())
		}
		return ids, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

func runDemo(ctx context.Context, f demoFlags, stderr io.Writer) error {
	if err := f.check(); err != nil {
		return err
	}
	if f.subjects < 0 || f.ncases < 0 {
		return usageError("--subjects and --cases cannot be negative")
	}
	if f.as == "" {
		f.as = demo.DefaultOfficer
	}
	var me *cases.Officer
	var known []string
	for _, o := range demo.Officers() {
		known = append(known, fmt.Sprintf("%s (%s, %s)", o.ID, o.Agency, o.RoleLabel()))
		if o.ID == f.as {
			me = &o
		}
	}
	if me == nil {
		return usageError("there is no officer %q in the demo; demo officers: %s", f.as, strings.Join(known, ", "))
	}
	own, partner := deskOf(me.Agency)
	if err := os.MkdirAll(f.dataDir, 0o700); err != nil {
		return fmt.Errorf("cannot create %s: %w", f.dataDir, err)
	}
	// The desks' keys exist offline too: officers prove who they are with
	// them whether or not the hub runs.
	if err := ensureDemoPKI(f.dataDir); err != nil {
		return err
	}
	ownDir := filepath.Join(f.dataDir, own.name)
	st, settings, fresh, err := openDemoDesk(ctx, ownDir, own.number)
	if err != nil {
		return err
	}
	defer st.Close()
	keys, err := deskKeys(settings, st)
	if err != nil {
		return err
	}
	opts := demo.Options{Agency: me.Agency, Seed: f.seed, Subjects: f.subjects, Cases: f.ncases, Prints: f.prints, Encounters: f.encounters}
	if !fresh && f.subjectsSet {
		h, err := st.Health(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "reusing the demo store in %s (%d subjects, %d cases); give a new --data-dir to generate another size\n", ownDir, h.Subjects, h.Cases)
	}
	if err := demo.WriteDirectory(ctx, st, me.Agency); err != nil {
		return err
	}
	if fresh {
		// The generator writes as the agency's demo officers: it opens their
		// keys with the demo passphrase.
		if err := unlockDemoOfficers(keys, me.Agency); err != nil {
			return err
		}
	}
	if f.noUI {
		// Prepare this officer's desk (and the demo hub's configuration), and
		// send nothing: the desk's records reach the hub on the first sync.
		if fresh {
			if err := populate(ctx, st, opts, stderr, ownDir); err != nil {
				return err
			}
		}
		fmt.Fprintf(stderr, "%s's desk is ready in %s (desk of %s; nothing sent yet: run `enlace sync --data-dir %s`)\n", me.ID, ownDir, me.Agency, ownDir)
		if !f.offline {
			fmt.Fprintf(stderr, "the demo hub's configuration is %s (run it with `enlace-exchange serve --config %s`)\n",
				filepath.Join(f.dataDir, demoExchangeDir, "hub.json"), filepath.Join(f.dataDir, demoExchangeDir, "hub.json"))
		}
		return nil
	}

	// The workstation opens at once; the demo data, the hub and the partner
	// desk come up behind it. Open views reload as data arrives.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var bgErr error
	var bgMu sync.Mutex
	// fail keeps a background failure; one that comes once the officer has
	// quit is the work being stopped, not a failure.
	fail := func(err error) {
		if err != nil && ctx.Err() == nil {
			bgMu.Lock()
			bgErr = errors.Join(bgErr, err)
			bgMu.Unlock()
		}
	}
	changes := newChangeNotice()
	var client *exchange.Client
	var exchangeErr error
	var clientMu sync.Mutex
	ready := make(chan struct{})
	prints := afis.New(st)
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(ready)
		if fresh {
			fail(populateDesk(ctx, st, ownDir, opts))
			// The generator is done acting as the agency's officers: their
			// keys close again, but for the officer at the desk.
			for _, o := range demo.Officers() {
				if o.Agency == me.Agency && o.ID != me.ID {
					keys.Lock(o.ID)
				}
			}
			changes.notify() // the queue shows the cases
		}
		prints.Warm(ctx) // the gallery builds while the officer reads the queue
	}()
	exchangeUp := make(chan struct{}) // the partner desk's data is there too, or there is none
	if !f.offline {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(exchangeUp)
			c, err := runDemoExchange(ctx, f, st, settings, partner, opts, ready, &wg, changes)
			fail(err)
			clientMu.Lock()
			client, exchangeErr = c, err
			clientMu.Unlock()
			changes.notify() // the status bar shows the exchange up, or why not
		}()
	} else {
		close(exchangeUp)
	}
	// Once the gallery and the demo data are done, the memory the start-up
	// needed goes back at once.
	go func() {
		<-ready
		<-exchangeUp
		releaseAfterWarm(ctx, prints)
	}()
	syncFn := func() cases.SyncState {
		if f.offline {
			return cases.SyncState{}
		}
		clientMu.Lock()
		c, cerr := client, exchangeErr
		clientMu.Unlock()
		if cerr != nil {
			return cases.SyncState{Configured: true, LastError: "the demo exchange could not start: " + cerr.Error()}
		}
		if c == nil {
			last, _ := st.LastSynced(ctx) // an earlier run's, if any
			select {
			case <-ready:
				return cases.SyncState{Configured: true, HubURL: "starting…", LastSync: last, LastError: "the exchange is starting"}
			default:
				return cases.SyncState{Configured: true, HubURL: "starting…", LastSync: last, LastError: "the exchange starts once the demo data is generated"}
			}
		}
		return syncState(ctx, st, c)
	}
	agency, err := findAgency(ctx, st, me.Agency)
	if err != nil {
		return err
	}
	send := func() {
		clientMu.Lock()
		c := client
		clientMu.Unlock()
		if c != nil {
			c.Trigger()
		}
	}
	// The demo logs its officer in itself, with the demo passphrase, through
	// the same gate (lockout, login log), and opens on the queue: the demo's
	// two commands and a first look need no typing, and "q" quits at once.
	// The idle lock asks for the passphrase like any desk's; the login screen
	// itself is what `enlace --data-dir DEMO/ec-pn-desk-1` opens with.
	gate := &cases.Gate{Keys: keys, Log: st, Clock: st.Clock(), Via: "enlace demo"}
	if err := gate.Login(ctx, *me, []byte(demoPassphrase)); err != nil {
		return err
	}
	err = ui.Run(ctx, ui.Config{Store: sendingStore{st, send}, Officer: *me, Agency: agency, Clock: st.Clock(), Theme: f.theme, Sync: syncFn, Changed: st.ChangedSince,
		Changes: changes, Identify: prints, Exchange: st, QueryLog: st, ProgramOptions: uiProgramOptions,
		Login: ui.LoginConfig{Auth: gate, LoggedIn: true}})
	cancel()
	wg.Wait()
	return errors.Join(err, bgErr)
}

// generatingMark is the file a demo desk holds while its data is being
// generated. The generator is not incremental, so a desk found with the
// mark was cut short (the officer quit) and is generated again from the
// start, with the same seed, the same data.
const generatingMark = "generating.demo"

// openDemoDesk opens a demo desk's store, starting it again when its
// generation was cut short; fresh says it needs its data generated.
func openDemoDesk(ctx context.Context, dir string, number int) (st *store.Store, settings *syncSettings, fresh bool, err error) {
	if _, err := os.Stat(filepath.Join(dir, generatingMark)); err == nil {
		for _, name := range []string{dataFileName, dataFileName + "-wal", dataFileName + "-shm"} {
			if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
				return nil, nil, false, fmt.Errorf("cannot start again the demo data cut short in %s: %w", dir, err)
			}
		}
	}
	if st, settings, err = openDeskStore(ctx, dir, number); err != nil {
		return nil, nil, false, err
	}
	if fresh, err = st.IsEmpty(ctx); err != nil {
		st.Close()
		return nil, nil, false, err
	}
	return st, settings, fresh, nil
}

// populateDesk generates a demo desk's data, marked as under way until it
// is complete.
func populateDesk(ctx context.Context, st *store.Store, dir string, opts demo.Options) error {
	mark := filepath.Join(dir, generatingMark)
	if err := os.WriteFile(mark, []byte("demo data generation under way; removed when complete\n"), 0o600); err != nil {
		return err
	}
	if err := demo.Populate(ctx, st, opts); err != nil {
		return err // the mark stays: the next start generates the desk again
	}
	return os.Remove(mark)
}

// populate generates a desk's demo data in the foreground, with a progress
// bar. Stopped (ctrl+c), it says so and succeeds: the next start generates
// the data again.
func populate(ctx context.Context, st *store.Store, opts demo.Options, stderr io.Writer, dir string) error {
	start := time.Now()
	bar := newProgress(stderr, opts.Subjects, opts.Cases)
	opts.Progress = bar.update
	err := populateDesk(ctx, st, dir, opts)
	bar.done()
	if err != nil && ctx.Err() != nil {
		fmt.Fprintf(stderr, "stopped generating the demo data in %s; the next start generates it again\n", dir)
		return nil
	}
	if err != nil {
		return fmt.Errorf("generating the demo data in %s: %w", dir, err)
	}
	h, err := st.Health(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "demo store ready in %s: %d subjects and %d cases of %s, of the exchange's %d subjects and %d cases (%.1fs)\n",
		dir, h.Subjects, h.Cases, opts.Agency, opts.Subjects, opts.Cases, time.Since(start).Seconds())
	return nil
}

// unlockDemoOfficers opens the signing keys of the agency's demo officers
// with the demo passphrase, two at a time.
func unlockDemoOfficers(keys *officerkey.Keyring, agency string) error {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	slots := make(chan struct{}, 2)
	for _, o := range demo.Officers() {
		if o.Agency != agency {
			continue
		}
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() { <-slots; wg.Done() }()
			if err := keys.Unlock(o.ID, []byte(demoPassphrase)); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// ensureDemoPKI creates the exchange's development PKI and each desk's sync
// settings the first time, the officers' keys sealed with the demo
// passphrase. A demo made before keys were encrypted has its keys encrypted
// with the demo passphrase now.
func ensureDemoPKI(dir string) error {
	exDir := filepath.Join(dir, demoExchangeDir)
	if _, err := os.Stat(filepath.Join(exDir, "hub.json")); err == nil {
		return encryptDemoKeys(dir)
	}
	var desks []exhub.DevDesk
	for _, d := range demoDesks {
		desks = append(desks, exhub.DevDesk{Name: d.name, Agency: d.agency})
	}
	pki, err := exhub.InitDevPKI(exDir, exhub.DevPKIOptions{Agencies: demo.Agencies(), Officers: demo.Officers(), Desks: desks, Listen: demoHubListen,
		Passphrase: []byte(demoPassphrase), KeyParams: demoKeyParams})
	if err != nil {
		return fmt.Errorf("creating the demo exchange in %s: %w", exDir, err)
	}
	for _, d := range demoDesks {
		files := pki.Desks[d.name]
		deskDir := filepath.Join(dir, d.name)
		if err := os.MkdirAll(deskDir, 0o700); err != nil {
			return err
		}
		if err := writeSyncSettings(deskDir, syncSettings{HubURL: "https://" + demoHubListen, CertFile: files.CertFile,
			KeyFile: files.KeyFile, HubCAFile: files.HubCAFile, KeyDir: files.KeyDir}); err != nil {
			return err
		}
	}
	return nil
}

// encryptDemoKeys encrypts, with the demo passphrase, the demo officers' keys
// that an older Enlace left unencrypted in the demo's desks.
func encryptDemoKeys(dir string) error {
	for _, d := range demoDesks {
		s, ok, err := loadSyncSettings(filepath.Join(dir, d.name))
		if err != nil || !ok {
			continue // the desk is made by ensureDemoPKI's caller's next steps, or by hand
		}
		for _, o := range demo.Officers() {
			if o.Agency == d.agency && officerkey.IsPlain(s.KeyDir, o.ID) {
				if err := officerkey.SetPassphrase(s.KeyDir, o.ID, nil, []byte(demoPassphrase), demoKeyParams); err != nil {
					return fmt.Errorf("encrypting the demo key of %s: %w", o.ID, err)
				}
			}
		}
	}
	return nil
}

// runDemoExchange starts the in-process hub and the partner desk, waits for
// both desks to hold their own demo data and starts both desks' sync loops.
// It returns the officer's sync client.
func runDemoExchange(ctx context.Context, f demoFlags, st *store.Store, settings *syncSettings, partner demoDesk, opts demo.Options, ready <-chan struct{}, wg *sync.WaitGroup, changes changeNotice) (*exchange.Client, error) {
	if settings == nil {
		return nil, fmt.Errorf("the demo desk has no %s", syncFileName)
	}
	cfg, err := exhub.LoadHubConfig(filepath.Join(f.dataDir, demoExchangeDir, "hub.json"))
	if err != nil {
		return nil, err
	}
	hub, err := exhub.NewHub(cfg)
	if err != nil {
		return nil, err
	}
	hub.SetLogger(discardLogger())
	l, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		// Another demo (or a hub) holds the port: take any free loopback port.
		if l, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			return nil, fmt.Errorf("the demo hub cannot listen on loopback: %w", err)
		}
	}
	hubURL := "https://" + l.Addr().String()
	wg.Add(1)
	go func() {
		defer wg.Done()
		hub.Serve(l)
	}()
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		hub.Shutdown(sctx)
	}()

	pdir := filepath.Join(f.dataDir, partner.name)
	pst, psettings, empty, err := openDemoDesk(ctx, pdir, partner.number)
	if err != nil {
		return nil, err
	}
	// The simulated partner's officers act on their own desk: it opens
	// their keys with the demo passphrase.
	if psettings == nil {
		pst.Close()
		return nil, fmt.Errorf("the partner desk has no %s", syncFileName)
	}
	if err := unlockDemoOfficers(psettings.keys, partner.agency); err != nil {
		pst.Close()
		return nil, err
	}
	// The partner's store closes once the demo stops and all that uses it
	// (this generation, its sync loop, its officers) has returned.
	var users sync.WaitGroup
	users.Add(1)
	defer users.Done()
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-ctx.Done()
		users.Wait()
		pst.Close()
	}()
	// The partner desk generates only its own agency's records; what it
	// shares reaches this desk through the hub, and what this desk shares
	// reaches it the same way.
	popts := opts
	popts.Agency, popts.Progress = partner.agency, nil
	if empty {
		if err := populateDesk(ctx, pst, pdir, popts); err != nil {
			if ctx.Err() != nil {
				return nil, nil // the officer quit: the next start generates it again
			}
			return nil, fmt.Errorf("generating the partner desk's demo data: %w", err)
		}
	} else if err := demo.WriteDirectory(ctx, pst, partner.agency); err != nil {
		return nil, err
	}
	select {
	case <-ready:
	case <-ctx.Done():
		return nil, nil
	}
	// Each desk pushes its officers' work at once (simulatePartner triggers
	// the partner's, the workstation's store the officer's) and then has
	// the other desk pull it; between those, both desks sync every
	// demoSyncInterval.
	var own *exchange.Client
	received := newChangeNotice() // the partner desk received events: maybe requests
	tune := func(c *exchange.ClientConfig) { c.HubURL, c.Interval = hubURL, demoSyncInterval }
	other, err := newSyncClient(pst, psettings, func(c *exchange.ClientConfig) {
		tune(c)
		c.OnRound = func(r exchange.Round) {
			if r.Acked > 0 && own != nil {
				own.Trigger()
			}
			if r.Applied > 0 {
				received.notify()
			}
		}
	})
	if err != nil {
		return nil, err
	}
	own, err = newSyncClient(st, settings, func(c *exchange.ClientConfig) {
		tune(c)
		c.OnRound = func(r exchange.Round) {
			changes.notify()
			if r.Acked > 0 {
				other.Trigger()
			}
		}
	})
	if err != nil {
		return nil, err
	}
	for _, c := range []*exchange.Client{own, other} {
		c := c
		wg.Add(1)
		users.Add(1)
		go func() {
			defer wg.Done()
			defer users.Done()
			c.Run(ctx)
			c.Close()
		}()
	}
	wg.Add(2)
	users.Add(2)
	go func() {
		defer wg.Done()
		defer users.Done()
		simulatePartner(ctx, pst, partner.agency, other)
	}()
	go func() {
		defer wg.Done()
		defer users.Done()
		answerRequests(ctx, pst, partner.agency, other, partnerAnswerDelay, received)
	}()
	return own, nil
}

// partnerAnswerDelay is how long the simulated partner takes to answer a
// core-data request, from the moment the hub received it.
const partnerAnswerDelay = 20 * time.Second

// declineReasons are what the simulated partner says when it declines.
var declineReasons = []string{
	"The subject's file is under judicial seal; ask again through the prosecutor's office.",
	"The stated purpose does not match the record's restrictions; please resubmit with a case reference from a court.",
	"The record is being corrected after a mistaken identification; we will disclose once it is reviewed.",
}

// answerRequests has the simulated partner's supervisor work its incoming
// core-data requests (answerDue) when one falls due, and sync at once when
// it answered some. It sleeps until the earliest pending request is due, or
// until the partner desk receives events (received): nothing is polled.
func answerRequests(ctx context.Context, st *store.Store, agency string, c *exchange.Client, delay time.Duration, received <-chan struct{}) {
	wait := time.Duration(0) // look once at the start
	for {
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-received:
			timer.Stop()
		case <-timer.C:
		}
		if n, _ := answerDue(ctx, st, agency, delay); n > 0 {
			c.Trigger()
		}
		wait = nextAnswer(ctx, st, delay)
	}
}

// nextAnswer is how long until the earliest pending incoming request falls
// due; an hour when none is pending (a received request wakes the loop).
func nextAnswer(ctx context.Context, st *store.Store, delay time.Duration) time.Duration {
	wait := time.Hour
	list, err := st.FollowUps(ctx, true, false)
	if err != nil {
		return 10 * time.Second // the store is busy or closing: look again soon
	}
	now := st.Clock().Now()
	for _, f := range list {
		if f.Status == cases.FollowUpPending && !f.Received.IsZero() {
			wait = min(wait, max(f.Received.Add(delay).Sub(now), 0)+10*time.Millisecond)
		}
	}
	return wait
}

// answerDue answers, as agency's supervisor, each pending incoming request
// that has waited delay since the hub received it: most are approved (the
// agreement's core data); about one in four is declined with a reason,
// decided by the request's ID (partnerDeclines) so a request always gets the
// same answer. It returns how many it answered.
func answerDue(ctx context.Context, st *store.Store, agency string, delay time.Duration) (int, error) {
	var supervisor cases.Officer
	for _, o := range demo.Officers() {
		if o.Agency == agency && o.Has(cases.RoleSupervisor) {
			supervisor = o
		}
	}
	list, err := st.FollowUps(ctx, true, false)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, f := range list {
		if f.Status != cases.FollowUpPending || f.Received.IsZero() || st.Clock().Now().Sub(f.Received) < delay {
			continue
		}
		if reason, decline := partnerDeclines(f.ID); decline {
			_, err = st.DeclineFollowUp(ctx, supervisor, f.ID, reason)
		} else {
			_, err = st.ApproveFollowUp(ctx, supervisor, f.ID, nil)
		}
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// partnerDeclines says whether the simulated partner declines a request, and
// why.
func partnerDeclines(requestID string) (string, bool) {
	h := fnv.New32a()
	h.Write([]byte(requestID))
	n := h.Sum32()
	return declineReasons[int(n/4)%len(declineReasons)], n%4 == 0
}

// partnerNotes are what the simulated partner officers write.
var partnerNotes = []string{
	"Checked against our national records: the cédula on file matches the encounter's biographics.",
	"Our examiner reviewed the candidate list; requesting the rolled prints for a full ten-print comparison.",
	"The subject has an open warrant here; extradition paperwork is being prepared.",
	"No record of the alias used at the border in our holdings.",
	"Core data sent through the exchange as agreed (48-hour deadline met).",
	"Second examiner verification pending on our side.",
	"Travel history obtained from migration control: two entries this year.",
}

// partnerPace is how long the simulated partner's officers wait between two
// writes on shared cases: 30 to 90 s. A partner desk's officers do not write
// twice a minute around the clock, and one write a minute on average still
// shows the officer the partner's work arriving while they watch the queue;
// each write costs the idle workstation 15 to 20 ms of CPU (the partner's
// write, both desks' rounds with the hub, the queue's reload), so the pace
// is most of what an idle online demo spends beyond drawing.
const (
	partnerPaceMin = 30 * time.Second
	partnerPaceMax = 90 * time.Second
)

// simulatePartner has the partner desk's officers annotate shared cases now
// and then (partnerPace), and sometimes move one on, so the officer sees
// sync at work.
func simulatePartner(ctx context.Context, st *store.Store, agency string, c *exchange.Client) {
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	var officers []cases.Officer
	for _, o := range demo.Officers() {
		if o.Agency == agency && o.Has(cases.RoleOfficer) && !o.Has(cases.RoleSupervisor) {
			officers = append(officers, o)
		}
	}
	wait := 6 * time.Second
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = partnerPaceMin + time.Duration(rng.Int64N(int64(partnerPaceMax-partnerPaceMin)))
		list, err := st.Cases(ctx, cases.CaseFilter{Agency: agency, OpenOnly: true})
		if err != nil || len(list) == 0 || len(officers) == 0 {
			continue
		}
		o := officers[rng.IntN(len(officers))]
		for try := 0; try < 20; try++ {
			cs, err := st.Case(ctx, list[rng.IntN(len(list))].ID)
			if err != nil || len(cs.SharedWith) == 0 {
				continue // not shared: the officer would not see it
			}
			if moves := cases.AllowedTransitions(cs.Status, o.Roles, false); len(moves) > 0 && rng.IntN(4) == 0 {
				if _, err := st.ChangeStatus(ctx, o, cs.ID, moves[rng.IntN(len(moves))].To, "Moved by the partner desk."); err == nil {
					break
				}
			}
			if _, err := st.AddNote(ctx, o, cs.ID, partnerNotes[rng.IntN(len(partnerNotes))], ""); err == nil {
				break
			}
		}
		c.Trigger()
	}
}

// progress draws a one-line progress bar on a terminal, and a line per
// quarter otherwise.
type progress struct {
	w           io.Writer
	tty         bool
	total       int
	lastQuarter int
	start       time.Time
}

func newProgress(w io.Writer, subjects, ncases int) *progress {
	p := &progress{w: w, total: subjects + ncases, start: time.Now()}
	if f, ok := w.(*os.File); ok {
		p.tty = term.IsTerminal(f.Fd())
	}
	return p
}

func (p *progress) update(subjects, ncases int) {
	if p.total == 0 {
		return
	}
	done := subjects + ncases
	frac := float64(done) / float64(p.total)
	if p.tty {
		const width = 30
		n := int(frac * width)
		fmt.Fprintf(p.w, "\rgenerating demo data [%s%s] %3.0f%%  %d subjects, %d cases", strings.Repeat("█", n), strings.Repeat("░", width-n), frac*100, subjects, ncases)
		return
	}
	if q := int(frac * 4); q > p.lastQuarter {
		p.lastQuarter = q
		fmt.Fprintf(p.w, "generating demo data: %3.0f%% (%d subjects, %d cases, %.0fs)\n", frac*100, subjects, ncases, time.Since(p.start).Seconds())
	}
}

func (p *progress) done() {
	if p.tty && p.total > 0 {
		fmt.Fprintln(p.w)
	}
}
