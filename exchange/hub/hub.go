package hub

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/exchange"
)

// Hub is the exchange server: it accepts pushes from desks, stores each event
// once, and delivers events to the desks of the agencies that may see them.
// Every request must come over TLS with a desk certificate issued by the CA of
// an agency the hub knows; that agency is the desk's identity.
type Hub struct {
	store    HubStore
	tls      *tls.Config
	agencies []AgencyConfig
	codes    []string
	pools    map[string]*x509.CertPool // agency code -> its CA
	officers map[string]OfficerConfig
	dir      exchange.Directory
	log      *slog.Logger
	srv      *http.Server
	idCache  sync.Map // sha256 of a leaf certificate -> DeskIdentity

	pushMu  sync.Mutex
	pushing map[string]bool // desks with a push in progress
	rateMu  sync.Mutex
	buckets map[string]*bucket // desk -> its request allowance
	clock   cases.Clock
}

// NewHub builds a hub from its configuration: it loads the certificates and
// opens the store (cfg.Store, or the one cfg.StoreSpec names).
func NewHub(cfg HubConfig) (*Hub, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
	if err != nil {
		return nil, cases.Wrap(cases.EINVALID, err, "cannot load the hub certificate %s", cfg.TLSCert)
	}
	if cfg.Clock == nil {
		cfg.Clock = cases.SystemClock{}
	}
	h := &Hub{clock: cfg.Clock, agencies: cfg.Agencies, pools: map[string]*x509.CertPool{}, officers: map[string]OfficerConfig{},
		log: slog.Default()}
	all := x509.NewCertPool()
	for _, a := range cfg.Agencies {
		pool, certs, err := exchange.LoadCAPool(a.CAFile)
		if err != nil {
			return nil, cases.Wrap(cases.EINVALID, err, "agency %s", a.Code)
		}
		for _, c := range certs {
			all.AddCert(c)
		}
		h.pools[a.Code] = pool
		h.codes = append(h.codes, a.Code)
		h.dir.Agencies = append(h.dir.Agencies, cases.Agency{Code: a.Code, Name: a.Name, Country: a.Country})
	}
	for _, o := range cfg.Officers {
		h.officers[o.ID] = o
		h.dir.Officers = append(h.dir.Officers, exchange.DirectoryOfficer{ID: o.ID, Name: o.Name, Agency: o.Agency, Roles: o.Roles, PublicKey: o.PublicKey})
	}
	h.tls = &tls.Config{
		Certificates: []tls.Certificate{cert},
		ClientCAs:    all,
		ClientAuth:   tls.RequireAndVerifyClientCert,
		MinVersion:   tls.VersionTLS13,
		// Every connection proves its certificate afresh: no resumption.
		SessionTicketsDisabled: true,
		// Refuse at the handshake a certificate that no single agency vouches for.
		VerifyConnection: func(cs tls.ConnectionState) error {
			_, err := h.identify(cs.PeerCertificates)
			return err
		},
	}
	h.store = cfg.Store
	if h.store == nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		h.store, err = OpenHubStore(ctx, cfg.StoreSpec(), h.codes)
		cancel()
		if err != nil {
			return nil, err
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/push", h.handlePush)
	mux.HandleFunc("GET /v1/pull", h.handlePull)
	mux.HandleFunc("GET /v1/directory", h.handleDirectory)
	mux.HandleFunc("GET /v1/whoami", h.handleWhoAmI)
	h.srv = &http.Server{
		Handler:           mux,
		TLSConfig:         h.tls,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(slog.Default().Handler(), slog.LevelDebug),
	}
	return h, nil
}

// Store returns the hub's store.
func (h *Hub) Store() HubStore { return h.store }

// SetLogger replaces the hub's logger (slog.Default by default).
func (h *Hub) SetLogger(l *slog.Logger) { h.log = l }

// Serve accepts TLS connections on l (a plain TCP listener: the hub adds TLS)
// until Shutdown. It returns http.ErrServerClosed after Shutdown.
func (h *Hub) Serve(l net.Listener) error {
	return h.srv.Serve(tls.NewListener(l, h.tls))
}

// Shutdown stops accepting, waits for requests in flight (until ctx ends) and
// closes the store.
func (h *Hub) Shutdown(ctx context.Context) error {
	err := h.srv.Shutdown(ctx)
	if cerr := h.store.Close(); err == nil {
		err = cerr
	}
	return err
}

// identify returns the agency and desk a client certificate chain belongs to.
// The agency is the one whose CA verifies the chain, and the certificate's
// subject Organization must name that same agency.
func (h *Hub) identify(chain []*x509.Certificate) (DeskIdentity, error) {
	if len(chain) == 0 {
		return DeskIdentity{}, errors.New("no client certificate")
	}
	leaf := chain[0]
	sum := sha256.Sum256(leaf.Raw)
	if id, ok := h.idCache.Load(sum); ok {
		return id.(DeskIdentity), nil
	}
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	var found []string
	for _, code := range h.codes {
		_, err := leaf.Verify(x509.VerifyOptions{Roots: h.pools[code], Intermediates: inter,
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
		if err == nil {
			found = append(found, code)
		}
	}
	if len(found) != 1 {
		return DeskIdentity{}, errors.New("the desk certificate is not issued by exactly one agency known to the exchange")
	}
	if !slices.Contains(leaf.Subject.Organization, found[0]) {
		return DeskIdentity{}, errors.New("the desk certificate, issued by " + found[0] + "'s CA, does not name " + found[0] + " as its organisation")
	}
	id := DeskIdentity{Agency: found[0], Desk: leaf.Subject.CommonName}
	h.idCache.Store(sum, id)
	return id, nil
}

func (h *Hub) caller(w http.ResponseWriter, r *http.Request) (DeskIdentity, bool) {
	if r.TLS == nil {
		writeError(w, http.StatusUnauthorized, cases.EFORBIDDEN, "the exchange only talks TLS with a desk certificate")
		return DeskIdentity{}, false
	}
	id, err := h.identify(r.TLS.PeerCertificates)
	if err != nil {
		writeError(w, http.StatusForbidden, cases.EFORBIDDEN, err.Error())
		return DeskIdentity{}, false
	}
	if !h.allow(id.Desk) {
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusTooManyRequests, cases.ECONFLICT, "desk "+id.Desk+" sends more than "+strconv.Itoa(DeskRequestsPerSecond)+" requests a second: slow down")
		return DeskIdentity{}, false
	}
	return id, true
}

// DeskRequestsPerSecond is how many requests a second one desk may make,
// sustained, with bursts of twice as many: far above what a sync client
// needs (one pull per 1,000 events), low enough that a desk gone wrong
// cannot keep the hub busy for the others.
const DeskRequestsPerSecond = 100

// allow takes one request from desk's token bucket.
func (h *Hub) allow(desk string) bool {
	now := h.clock.Now()
	h.rateMu.Lock()
	defer h.rateMu.Unlock()
	if h.buckets == nil {
		h.buckets = map[string]*bucket{}
	}
	b := h.buckets[desk]
	if b == nil {
		b = &bucket{tokens: 2 * DeskRequestsPerSecond, at: now}
		h.buckets[desk] = b
	}
	b.tokens = min(2*DeskRequestsPerSecond, b.tokens+now.Sub(b.at).Seconds()*DeskRequestsPerSecond)
	b.at = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// bucket is one desk's request allowance.
type bucket struct {
	tokens float64
	at     time.Time
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	var b exchange.ErrorBody
	b.Error.Code, b.Error.Message = code, msg
	writeJSON(w, status, b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (h *Hub) handleWhoAmI(w http.ResponseWriter, r *http.Request) {
	id, ok := h.caller(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, exchange.WhoAmI{Protocol: exchange.ProtocolVersion, Agency: id.Agency, Desk: id.Desk})
}

func (h *Hub) handleDirectory(w http.ResponseWriter, r *http.Request) {
	if _, ok := h.caller(w, r); !ok {
		return
	}
	writeJSON(w, http.StatusOK, h.dir)
}

func (h *Hub) handlePush(w http.ResponseWriter, r *http.Request) {
	id, ok := h.caller(w, r)
	if !ok {
		return
	}
	// One push at a time per desk, and a bounded number in all: a desk that
	// floods the hub waits its turn or is told to come back.
	release, ok := h.admitPush(id)
	if !ok {
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusTooManyRequests, cases.ECONFLICT, "desk "+id.Desk+" already has a push in progress, or the hub is at its limit of concurrent pushes: send again in a moment")
		return
	}
	defer release()
	evs, errs, err := exchange.DecodePush(http.MaxBytesReader(w, r.Body, exchange.MaxPushBytes))
	if err != nil {
		var tl *exchange.TooLargeError
		if errors.As(err, &tl) {
			writeError(w, http.StatusRequestEntityTooLarge, cases.EINVALID, tl.Error())
			return
		}
		writeError(w, http.StatusBadRequest, cases.EINVALID, cases.ErrorMessage(err))
		return
	}
	stored, err := h.admitAndStore(r.Context(), id, evs, errs)
	if err != nil {
		h.log.Error("push failed", "desk", id.Desk, "agency", id.Agency, "err", err)
		writeError(w, http.StatusServiceUnavailable, cases.ESTORAGE, "the hub could not store the batch; send it again later")
		return
	}
	resp := exchange.PushResponse{Acks: make([]exchange.Ack, len(evs))}
	j := 0
	for i := range evs {
		if errs[i] != nil {
			resp.Acks[i] = exchange.Ack{ID: exchange.Clip(evs[i].ID)}
			reject(&resp.Acks[i], errs[i])
			continue
		}
		resp.Acks[i] = stored[j]
		j++
	}
	for _, a := range resp.Acks {
		if a.Status == exchange.AckRejected {
			h.log.Warn("event rejected", "desk", id.Desk, "agency", id.Agency, "event", a.ID, "err", a.Error)
		}
	}
	writeJSON(w, http.StatusOK, resp)
}

// MaxConcurrentPushes bounds the pushes the hub decodes and stores at once,
// over all desks; each desk has one at a time.
const MaxConcurrentPushes = 8

// admitPush takes a push slot for desk id, without waiting: ok is false when
// the desk already has a push in progress or every slot is taken.
func (h *Hub) admitPush(id DeskIdentity) (release func(), ok bool) {
	h.pushMu.Lock()
	defer h.pushMu.Unlock()
	if h.pushing == nil {
		h.pushing = map[string]bool{}
	}
	if h.pushing[id.Desk] || len(h.pushing) >= MaxConcurrentPushes {
		return nil, false
	}
	h.pushing[id.Desk] = true
	return func() {
		h.pushMu.Lock()
		delete(h.pushing, id.Desk)
		h.pushMu.Unlock()
	}, true
}

// admitAndStore authorises and verifies the events (setting errs) and stores
// the good ones in one transaction of the hub's store: a push is stored
// whole or not at all, so a database that fails mid-push leaves nothing of
// it behind and the desk's resend stores it once. It returns the store's acks
// for the good events, in order. (Checking signatures in batches made them
// cheap enough that overlapping them with the store's write no longer paid:
// BenchmarkPush100k ran at 10.7-10.9k events/s either way, measured at load
// 5 when the chunks were dropped.)
func (h *Hub) admitAndStore(ctx context.Context, id DeskIdentity, evs []cases.Event, errs []error) ([]exchange.Ack, error) {
	h.authorise(id, evs, errs)
	good := make([]cases.Event, 0, len(evs))
	for i := range evs {
		if errs[i] == nil {
			good = append(good, evs[i])
		}
	}
	if len(good) == 0 {
		return nil, nil
	}
	return h.store.Accept(ctx, id, good)
}

// authorise checks, for each event not refused yet, that its author is a
// registered officer of the sending desk's agency, that the event says so,
// that the signature is the author's, and that it names only known agencies.
// Signatures are checked on all cores.
func (h *Hub) authorise(id DeskIdentity, evs []cases.Event, errs []error) {
	keys := make([]ed25519.PublicKey, len(evs))
	for i := range evs {
		if errs[i] != nil {
			continue
		}
		ev := &evs[i]
		o, ok := h.officers[ev.Author]
		switch {
		case !ok:
			errs[i] = &exchange.EventError{EventID: ev.ID, Field: "author", Code: cases.EFORBIDDEN, Message: "officer " + ev.Author + " is not registered with the exchange"}
		case o.Agency != id.Agency:
			errs[i] = &exchange.EventError{EventID: ev.ID, Field: "author", Code: cases.EFORBIDDEN, Message: "officer " + ev.Author + " belongs to " + o.Agency + ", but the event came from a desk of " + id.Agency}
		case ev.Agency != o.Agency:
			errs[i] = &exchange.EventError{EventID: ev.ID, Field: "agency", Code: cases.EFORBIDDEN, Message: "the event claims agency " + ev.Agency + " but its author belongs to " + o.Agency}
		case ev.Kind == cases.EventConflictResolved && !slices.Contains(o.Roles, cases.RoleSupervisor):
			errs[i] = &exchange.EventError{EventID: ev.ID, Field: "author", Code: cases.EFORBIDDEN, Message: "only a supervisor may resolve a conflict; " + ev.Author + " is not one"}
		default:
			// The rule book (cases.CheckEvent), as far as it needs no state:
			// roles, payloads, numbering, ownership written in the event,
			// the clock. The case's sharing is checked when it is admitted.
			if err := cases.CheckEvent(ev, cases.RuleContext{Author: h.officer(ev.Author), Officer: h.lookupOfficer, Now: h.clock.Now()}); err != nil {
				errs[i] = ruleError(ev, err)
				continue
			}
			for j, a := range ev.SharedWith {
				if !slices.Contains(h.codes, a) {
					errs[i] = exchange.FieldErr(ev.ID, "shared_with["+strconv.Itoa(j)+"]", "agency %q is not known to the exchange", a)
					break
				}
			}
			keys[i] = o.PublicKey
		}
	}
	exchange.VerifyAll(evs, keys, errs)
}

// officer is a registered officer as the rule book sees them; nil when not
// registered.
func (h *Hub) officer(id string) *cases.Officer {
	o, ok := h.officers[id]
	if !ok {
		return nil
	}
	return &cases.Officer{ID: o.ID, Name: o.Name, Agency: o.Agency, Roles: o.Roles}
}

func (h *Hub) lookupOfficer(id string) (*cases.Officer, bool) {
	o := h.officer(id)
	return o, o != nil
}

// ruleError turns a rule-book refusal into the hub's answer for the event.
func ruleError(ev *cases.Event, err error) error {
	var re *cases.RuleError
	if errors.As(err, &re) {
		return &exchange.EventError{EventID: ev.ID, Field: re.Field, Code: re.Code, Message: re.Reason}
	}
	return &exchange.EventError{EventID: ev.ID, Code: cases.ErrorCode(err), Message: cases.ErrorMessage(err)}
}

func (h *Hub) handlePull(w http.ResponseWriter, r *http.Request) {
	id, ok := h.caller(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	after, err := strconv.ParseInt(q.Get("after"), 10, 64)
	if q.Get("after") == "" {
		after, err = 0, nil
	}
	if err != nil || after < 0 {
		writeError(w, http.StatusBadRequest, cases.EINVALID, "after= must be a cursor (a number from 0)")
		return
	}
	limit := exchange.MaxPullEvents
	if s := q.Get("limit"); s != "" {
		if limit, err = strconv.Atoi(s); err != nil || limit < 1 || limit > exchange.MaxPullEvents {
			writeError(w, http.StatusBadRequest, cases.EINVALID, "limit= must be between 1 and "+strconv.Itoa(exchange.MaxPullEvents))
			return
		}
	}
	resp, err := h.store.Pull(r.Context(), id.Agency, after, limit)
	if err != nil {
		h.log.Error("pull failed", "desk", id.Desk, "agency", id.Agency, "err", err)
		writeError(w, http.StatusServiceUnavailable, cases.ESTORAGE, "the hub could not read its store; try again later")
		return
	}
	writeJSON(w, http.StatusOK, resp)
}
