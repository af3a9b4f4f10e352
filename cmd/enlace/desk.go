package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/enlace-desk/enlace/afis"
	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/exchange"
	"github.com/enlace-desk/enlace/exchange/officerkey"
	"github.com/enlace-desk/enlace/store"
)

// syncFileName is a desk's sync settings inside its data directory.
const syncFileName = "sync.json"

// syncSettings tell a desk where its hub is and which files prove who it is
// (written by `enlace demo`, or by hand for a real desk).
type syncSettings struct {
	HubURL    string   `json:"hub_url"`            // "https://127.0.0.1:8443"
	HubURLs   []string `json:"hub_urls,omitempty"` // more hubs on the same store, tried in turn when hub_url fails
	CertFile  string   `json:"cert_file"`          // the desk's TLS certificate (PEM)
	KeyFile   string   `json:"key_file"`           // its private key
	HubCAFile string   `json:"hub_ca_file"`        // the CA that issued the hub's certificate
	KeyDir    string   `json:"key_dir"`            // the officers' ed25519 signing keys, one <officer>.key each, encrypted
	// AgreementFile, if set, is the data-sharing policy in force on the desk
	// instead of the embedded one (relative paths are relative to the
	// desk's folder).
	AgreementFile string `json:"agreement_file,omitempty"`

	keys *officerkey.Keyring // over KeyDir, set by openDeskStore: the store's Signer
}

// loadSyncSettings reads DIR/sync.json; ok is false when the desk has none.
func loadSyncSettings(dir string) (s syncSettings, ok bool, err error) {
	b, err := os.ReadFile(filepath.Join(dir, syncFileName))
	if os.IsNotExist(err) {
		return s, false, nil
	}
	if err != nil {
		return s, false, fmt.Errorf("cannot read %s: %w", filepath.Join(dir, syncFileName), err)
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, false, fmt.Errorf("%s is not valid JSON: %w", filepath.Join(dir, syncFileName), err)
	}
	for name, v := range map[string]string{"hub_url": s.HubURL, "cert_file": s.CertFile, "key_file": s.KeyFile, "hub_ca_file": s.HubCAFile, "key_dir": s.KeyDir} {
		if v == "" {
			return s, false, fmt.Errorf("%s: %s is missing", filepath.Join(dir, syncFileName), name)
		}
	}
	return s, true, nil
}

func writeSyncSettings(dir string, s syncSettings) error {
	b, _ := json.MarshalIndent(s, "", "  ")
	return os.WriteFile(filepath.Join(dir, syncFileName), append(b, '\n'), 0o600)
}

// openDeskStore opens a desk's store, signing its events when the desk has
// sync settings.
func openDeskStore(ctx context.Context, dir string, desk int) (*store.Store, *syncSettings, error) {
	settings, ok, err := loadSyncSettings(dir)
	if err != nil {
		return nil, nil, err
	}
	opts := store.Options{DeskNumber: desk}
	if ok {
		// Every key is locked until its officer logs in (logIn, the
		// workstation's login): an officer who has not cannot sign.
		settings.keys = officerkey.NewKeyring(settings.KeyDir)
		opts.Signer = settings.keys
		if opts.Agreement, err = loadAgreement(dir, settings.AgreementFile); err != nil {
			return nil, nil, err
		}
	}
	st, err := store.Open(ctx, filepath.Join(dir, dataFileName), opts)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		return st, nil, nil
	}
	return st, &settings, nil
}

// loadAgreement reads the policy file a desk's settings name; "" is the
// embedded default. A file that does not read as a policy is refused.
func loadAgreement(dir, file string) (*cases.Agreement, error) {
	if file == "" {
		return cases.DefaultAgreement(), nil
	}
	if !filepath.IsAbs(file) {
		file = filepath.Join(dir, file)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("the agreement file named in %s: %w", filepath.Join(dir, syncFileName), err)
	}
	a, err := cases.ParseAgreement(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %s; the desk will not open under a policy it cannot read", file, cases.ErrorMessage(err))
	}
	return a, nil
}

// newSyncClient makes the sync client of a desk store.
func newSyncClient(st *store.Store, s *syncSettings, tune func(*exchange.ClientConfig)) (*exchange.Client, error) {
	tlsCfg, err := exchange.DeskTLSConfig(s.HubCAFile, s.CertFile, s.KeyFile)
	if err != nil {
		return nil, err
	}
	cfg := exchange.ClientConfig{HubURL: s.HubURL, HubURLs: s.HubURLs, TLS: tlsCfg, Log: deskLog{st}, Clock: st.Clock()}
	if tune != nil {
		tune(&cfg)
	}
	// The store keeps when the desk last synced, for the next start's
	// status bar; at most once a minute, the finest step it shows. Rounds
	// do not overlap (OnRound runs inside the round).
	var noted time.Time
	onRound := cfg.OnRound
	cfg.OnRound = func(r exchange.Round) {
		if now := st.Clock().Now(); r.OK() && now.Sub(noted) >= time.Minute {
			if st.NoteSynced(context.Background(), now) == nil {
				noted = now
			}
		}
		if onRound != nil {
			onRound(r)
		}
	}
	return exchange.NewClient(cfg)
}

// deskLog adapts the store to the sync client (exchange.DeskLog).
type deskLog struct{ st *store.Store }

func (d deskLog) Unsent(ctx context.Context, limit int) ([]cases.Event, error) {
	return d.st.Unsent(ctx, limit)
}

func (d deskLog) Pending(ctx context.Context) (int, error) { return d.st.Pending(ctx) }

func (d deskLog) Acknowledge(ctx context.Context, acks []exchange.Ack) error {
	out := make([]store.SyncAck, len(acks))
	for i, a := range acks {
		out[i] = store.SyncAck{EventID: a.ID, Seq: a.Seq, Conflict: a.Conflict, Rejected: a.Status == exchange.AckRejected, Code: a.Code, Error: a.Error}
	}
	return d.st.Acknowledge(ctx, out)
}

func (d deskLog) Cursor(ctx context.Context) (int64, error) { return d.st.SyncCursor(ctx) }

func (d deskLog) Apply(ctx context.Context, evs []exchange.Delivered, next int64) error {
	out := make([]store.SyncEvent, len(evs))
	for i, e := range evs {
		out[i] = store.SyncEvent{Seq: e.Seq, Conflict: e.Conflict, Received: e.Received, Event: e.Event}
	}
	return d.st.ApplyRemote(ctx, out, next)
}

// syncState reports a desk's sync for the status bar and the sync screen.
func syncState(ctx context.Context, st *store.Store, c *exchange.Client) cases.SyncState {
	if c == nil {
		return cases.SyncState{}
	}
	s := c.Status()
	out := cases.SyncState{Configured: true, HubURL: s.Hub, Connected: s.Connected, LastSync: s.LastSuccess, LastError: s.LastError}
	if out.LastSync.IsZero() {
		// No round of this run has completed yet: the last one of an
		// earlier run, if any.
		out.LastSync, _ = st.LastSynced(ctx)
	}
	n, err := st.Counts(ctx)
	if err != nil && out.LastError == "" {
		out.LastError = cases.ErrorMessage(err)
	}
	out.Pending, out.Conflicts, out.Rejected, out.Quarantined = n.Pending, n.Conflicts, n.Rejected, n.Quarantined
	if n.Quarantined > 0 {
		out.Quarantine, _ = st.Quarantined(ctx, 20)
	}
	for i := len(s.Rounds) - 1; i >= 0; i-- {
		r := s.Rounds[i]
		out.Rounds = append(out.Rounds, cases.SyncRound{Started: r.Started, Duration: r.Duration, Pushed: r.Acked, Rejected: r.Rejected, Pulled: r.Applied, Err: r.Err})
	}
	return out
}

// changeNotice tells the workstation that something changed behind it (a
// sync round ended, demo data arrived) without blocking the one who says
// so: a notice waiting to be read stands for any number of changes.
type changeNotice chan struct{}

func newChangeNotice() changeNotice { return make(changeNotice, 1) }

// notify sends a notice unless one is already waiting.
func (c changeNotice) notify() {
	select {
	case c <- struct{}{}:
	default:
	}
}

// discardLogger silences the in-process hub's request log, which would
// scribble over the workstation's screen.
func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// sendingStore is the store as the workstation sees it: after each change
// the officer makes, the sync loop is asked for a round, so the change
// leaves at once instead of at the next interval.
type sendingStore struct {
	cases.Store
	send func() // exchange.Client.Trigger
}

func (s sendingStore) CreateCase(ctx context.Context, actor cases.Officer, nc cases.NewCase) (*cases.Case, error) {
	c, err := s.Store.CreateCase(ctx, actor, nc)
	s.send()
	return c, err
}

func (s sendingStore) AddNote(ctx context.Context, actor cases.Officer, caseID, text, supersedes string) (*cases.Annotation, error) {
	a, err := s.Store.AddNote(ctx, actor, caseID, text, supersedes)
	s.send()
	return a, err
}

func (s sendingStore) ChangeStatus(ctx context.Context, actor cases.Officer, caseID string, to cases.Status, reason string) (*cases.Annotation, error) {
	a, err := s.Store.ChangeStatus(ctx, actor, caseID, to, reason)
	s.send()
	return a, err
}

func (s sendingStore) Assign(ctx context.Context, actor cases.Officer, caseID, assignee string) (*cases.Annotation, error) {
	a, err := s.Store.Assign(ctx, actor, caseID, assignee)
	s.send()
	return a, err
}

func (s sendingStore) SetPriority(ctx context.Context, actor cases.Officer, caseID string, p cases.Priority) (*cases.Annotation, error) {
	a, err := s.Store.SetPriority(ctx, actor, caseID, p)
	s.send()
	return a, err
}

func (s sendingStore) RecordDecision(ctx context.Context, actor cases.Officer, caseID string, d cases.Decision) (*cases.Annotation, error) {
	a, err := s.Store.RecordDecision(ctx, actor, caseID, d)
	s.send()
	return a, err
}

func (s sendingStore) SaveSubject(ctx context.Context, actor cases.Officer, sub *cases.Subject) error {
	err := s.Store.SaveSubject(ctx, actor, sub)
	s.send()
	return err
}

func (s sendingStore) UpdateCase(ctx context.Context, actor cases.Officer, u cases.CaseUpdated) error {
	err := s.Store.UpdateCase(ctx, actor, u)
	s.send()
	return err
}

func (s sendingStore) ResolveConflict(ctx context.Context, actor cases.Officer, caseID string, status cases.Status, reason string) error {
	err := s.Store.ResolveConflict(ctx, actor, caseID, status, reason)
	s.send()
	return err
}

// releaseAfterWarm builds the fingerprint gallery (ahead of the first
// search) and then hands the memory its building and the start-up left free
// back to the system at once (debug.FreeOSMemory: one collection). Without
// it the runtime's background scavenger returns it a little at a time, a
// madvise call per chunk, for minutes and again after later collections:
// 1,746 calls in 75 s on an idle online demo five minutes after its start,
// none with it (counted with strace -f -c -e trace=madvise).
func releaseAfterWarm(ctx context.Context, prints *afis.Desk) {
	if _, err := prints.Gallery(ctx); err != nil || ctx.Err() != nil {
		return
	}
	debug.FreeOSMemory()
}
