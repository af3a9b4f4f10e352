package exchange

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/enlace-desk/enlace/cases"
)

// DeskLog is the desk's side of sync, implemented by the desk's local store.
// Each method is one transaction of the store.
type DeskLog interface {
	// Unsent returns up to limit local events the hub has not answered yet,
	// in the order the desk created them. Events the hub rejected and seed
	// events are never returned.
	Unsent(ctx context.Context, limit int) ([]cases.Event, error)
	// Pending counts the events Unsent would return, for the status bar.
	Pending(ctx context.Context) (int, error)
	// Acknowledge records the hub's answers to a push. AckStored and
	// AckDuplicate: the hub holds the event under Seq (with its Conflict
	// verdict); never send it again. AckRejected: the hub refused it for
	// good (Code, Error); never send it again and show the reason.
	Acknowledge(ctx context.Context, acks []Ack) error
	// Cursor returns the pull cursor: the Next of the last page applied, 0 at
	// first.
	Cursor(ctx context.Context) (int64, error)
	// Apply applies verified remote events and sets the cursor to next, in one
	// transaction. Events may arrive out of hub order (a case newly shared
	// with the desk's agency brings its history late) and may include the
	// desk's own events: an event whose ID the desk already holds is not
	// applied again, but its Seq and Conflict are recorded as for an Ack.
	Apply(ctx context.Context, evs []Delivered, next int64) error
}

// ClientConfig configures a desk's sync client. Zero fields take the
// defaults in brackets.
type ClientConfig struct {
	HubURL            string      // "https://127.0.0.1:8443"
	HubURLs           []string    // more hubs on the same store, tried in turn when one fails (after HubURL)
	TLS               *tls.Config // the desk's certificate and the hub's CA (DeskTLSConfig)
	Log               DeskLog
	BatchSize         int           // events per push [500]
	PullLimit         int           // events per pull page [1000]
	Interval          time.Duration // between rounds while all is well [10s]
	MinBackoff        time.Duration // first wait after a failed round [1s]
	MaxBackoff        time.Duration // longest wait after failures [2m]
	RequestTimeout    time.Duration // one HTTP request [60s]
	DisableKeepAlives bool          // a new connection per request
	History           int           // rounds kept for Status [20]
	Clock             cases.Clock   // [cases.SystemClock]
	// OnRound, when set, is called after each round with the round, once
	// Status reflects it (a workstation redraws its status bar then instead
	// of polling). It must not block.
	OnRound func(Round)
}

// Round reports one sync round.
type Round struct {
	Started  time.Time
	Duration time.Duration
	Pushed   int      // events sent to the hub
	Acked    int      // of those, stored by the hub now or before
	Resent   int      // of the acked, ones the hub already had (an earlier answer was lost)
	Rejected int      // of those, refused by the hub for good
	Pulled   int      // events received from the hub
	Applied  int      // of those, verified and handed to the store
	Refused  int      // of those, failing verification on this desk (not applied)
	Errors   []string // why each rejected or refused event was (at most 20)
	Err      string   // the failure that cut the round short, "" if it completed
}

// OK reports whether the round completed.
func (r Round) OK() bool { return r.Err == "" }

// Status is the sync client's state for the status bar and the sync screen.
type Status struct {
	Hub         string    // the hub the client talks to now
	Failovers   int       // times a request moved on to the next hub
	Connected   bool      // the last round reached the hub and completed
	LastAttempt time.Time // start of the last round
	LastSuccess time.Time // end of the last round that completed
	Pending     int       // local events waiting for the hub
	LastError   string
	Failures    int       // rounds failed in a row
	NextAttempt time.Time // when Run tries next (zero if it is not running)
	Rounds      []Round   // recent rounds, oldest first
}

// Client is a desk's sync client. RunOnce does one round; Run repeats rounds
// in the background with exponential backoff and jitter after failures, so a
// desk works offline and catches up when the hub is back.
//
// A client configured with several hubs (HubURL, then HubURLs; hub processes
// in front of one store) talks to one at a time and, when a request to it
// fails without an answer or is answered 502, 503 or 504, sends the same
// request to the next one, each hub once per request. Pushes are idempotent
// (the hub keeps an event once, by ID) and the pull cursor is the shared
// store's, so a hub that dies in the middle of a push loses nothing and
// duplicates nothing.
type Client struct {
	cfg    ClientConfig
	bases  []*url.URL
	cur    int // index in bases of the hub in use, under mu
	http   *http.Client
	wake   chan struct{}
	roundM sync.Mutex // one round at a time

	mu     sync.Mutex
	status Status
	dir    map[string]DirectoryOfficer
}

// NewClient returns a client for cfg.
func NewClient(cfg ClientConfig) (*Client, error) {
	var bases []*url.URL
	for _, raw := range append([]string{cfg.HubURL}, cfg.HubURLs...) {
		u, err := url.Parse(raw)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			return nil, cases.Errorf(cases.EINVALID, "hub address %q must be an https:// URL", raw)
		}
		bases = append(bases, u)
	}
	if cfg.TLS == nil || len(cfg.TLS.Certificates) == 0 {
		return nil, cases.Errorf(cases.EINVALID, "the sync client needs the desk's TLS certificate")
	}
	if cfg.Log == nil {
		return nil, cases.Errorf(cases.EINVALID, "the sync client needs the desk's log")
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if cfg.BatchSize <= 0 || cfg.BatchSize > MaxPushEvents {
		cfg.BatchSize = 500
	}
	if cfg.PullLimit <= 0 || cfg.PullLimit > MaxPullEvents {
		cfg.PullLimit = MaxPullEvents
	}
	if cfg.History <= 0 {
		cfg.History = 20
	}
	def(&cfg.Interval, 10*time.Second)
	def(&cfg.MinBackoff, time.Second)
	def(&cfg.MaxBackoff, 2*time.Minute)
	def(&cfg.RequestTimeout, time.Minute)
	if cfg.Clock == nil {
		cfg.Clock = cases.SystemClock{}
	}
	tr := &http.Transport{
		TLSClientConfig:       cfg.TLS.Clone(),
		MaxIdleConnsPerHost:   2,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   15 * time.Second,
		ResponseHeaderTimeout: cfg.RequestTimeout,
		DisableKeepAlives:     cfg.DisableKeepAlives,
	}
	c := &Client{cfg: cfg, bases: bases, http: &http.Client{Transport: tr, Timeout: cfg.RequestTimeout},
		wake: make(chan struct{}, 1)}
	c.status.Hub = cfg.HubURL
	return c, nil
}

// Close drops the client's idle connections.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// Status returns a snapshot of the client's state.
func (c *Client) Status() Status {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.status
	s.Rounds = append([]Round(nil), s.Rounds...)
	return s
}

// Trigger asks Run for a round now (after a local change), unless it is
// waiting out a failure.
func (c *Client) Trigger() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// HubError is an error answer from the hub.
type HubError struct {
	Status  int
	Code    string
	Message string
}

func (e *HubError) Error() string {
	return fmt.Sprintf("hub answered %d %s: %s", e.Status, e.Code, e.Message)
}

// do sends one request to the hub in use and, if it fails in a way another
// hub may not (no answer, or 502, 503, 504), to each other hub in turn.
func (c *Client) do(ctx context.Context, method, path string, body []byte, out any) error {
	var err error
	for range c.bases {
		c.mu.Lock()
		i := c.cur
		c.mu.Unlock()
		err = c.doOn(ctx, c.bases[i], method, path, body, out)
		if err == nil || !failsOver(err) || ctx.Err() != nil || len(c.bases) == 1 {
			return err
		}
		c.mu.Lock()
		if c.cur == i { // not moved on by another request meanwhile
			c.cur = (i + 1) % len(c.bases)
			c.status.Hub = c.bases[c.cur].String()
			c.status.Failovers++
		}
		c.mu.Unlock()
	}
	return err
}

// failsOver reports whether a request that failed with err may succeed on
// another hub: no answer at all, or the hub says it is unwell.
func failsOver(err error) bool {
	var he *HubError
	if errors.As(err, &he) {
		return he.Status == http.StatusBadGateway || he.Status == http.StatusServiceUnavailable || he.Status == http.StatusGatewayTimeout
	}
	return true
}

func (c *Client) doOn(ctx context.Context, base *url.URL, method, path string, body []byte, out any) error {
	u := base.JoinPath(path)
	if i := strings.IndexByte(path, '?'); i >= 0 {
		u = base.JoinPath(path[:i])
		u.RawQuery = path[i+1:]
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes+1))
	if err != nil {
		return fmt.Errorf("reading the hub's answer to %s: %w", path, err)
	}
	if len(data) > MaxResponseBytes {
		return fmt.Errorf("the hub's answer to %s is over %d bytes", path, MaxResponseBytes)
	}
	if resp.StatusCode != http.StatusOK {
		he := &HubError{Status: resp.StatusCode, Code: "http", Message: http.StatusText(resp.StatusCode)}
		var eb ErrorBody
		if json.Unmarshal(data, &eb) == nil && eb.Error.Message != "" {
			he.Code, he.Message = eb.Error.Code, eb.Error.Message
		}
		return he
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("the hub's answer to %s is not valid: %w", path, err)
	}
	return nil
}

// WhoAmI asks the hub how it sees this desk.
func (c *Client) WhoAmI(ctx context.Context) (WhoAmI, error) {
	var w WhoAmI
	err := c.do(ctx, http.MethodGet, "/v1/whoami", nil, &w)
	return w, err
}

// refreshDirectory fetches the officers' public keys from the hub.
func (c *Client) refreshDirectory(ctx context.Context) error {
	var d Directory
	if err := c.do(ctx, http.MethodGet, "/v1/directory", nil, &d); err != nil {
		return err
	}
	m := make(map[string]DirectoryOfficer, len(d.Officers))
	for _, o := range d.Officers {
		m[o.ID] = o
	}
	c.mu.Lock()
	c.dir = m
	c.mu.Unlock()
	return nil
}

func (c *Client) officer(id string) (DirectoryOfficer, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	o, ok := c.dir[id]
	return o, ok
}

// Push sends the desk's unsent events in batches until none is left, and
// records the hub's acknowledgements in the log after each batch.
func (c *Client) Push(ctx context.Context) (Round, error) {
	var r Round
	err := c.push(ctx, &r)
	return r, err
}

func (c *Client) push(ctx context.Context, r *Round) error {
	batch := c.cfg.BatchSize
	lastFirst := ""
	for {
		evs, err := c.cfg.Log.Unsent(ctx, batch)
		if err != nil {
			return fmt.Errorf("reading unsent events: %w", err)
		}
		if len(evs) == 0 {
			return nil
		}
		if evs[0].ID == lastFirst {
			return fmt.Errorf("the desk log offered event %s again after the hub acknowledged it", lastFirst)
		}
		// Keep the request well under the hub's body limit.
		req := PushRequest{Events: make([]WireEvent, 0, len(evs))}
		size := 0
		for i := range evs {
			n := len(evs[i].Payload)*4/3 + 512
			if i > 0 && size+n > MaxPushBytes/4 {
				break
			}
			size += n
			req.Events = append(req.Events, ToWire(&evs[i]))
		}
		body, err := json.Marshal(req)
		if err != nil {
			return err
		}
		var resp PushResponse
		err = c.do(ctx, http.MethodPost, "/v1/push", body, &resp)
		var he *HubError
		if errors.As(err, &he) && he.Status == http.StatusRequestEntityTooLarge && len(req.Events) > 1 {
			batch = max(1, len(req.Events)/2)
			continue
		}
		if err != nil {
			return fmt.Errorf("push: %w", err)
		}
		if len(resp.Acks) != len(req.Events) {
			return fmt.Errorf("push: the hub answered %d acknowledgements for %d events", len(resp.Acks), len(req.Events))
		}
		for i, a := range resp.Acks {
			if a.ID != req.Events[i].ID {
				return fmt.Errorf("push: acknowledgement %d is for %q, not event %s", i, Clip(a.ID), req.Events[i].ID)
			}
			switch a.Status {
			case AckStored, AckDuplicate:
				r.Acked++
				if a.Status == AckDuplicate {
					r.Resent++
				}
			case AckRejected:
				r.Rejected++
				r.addError(a.Error)
			default:
				return fmt.Errorf("push: acknowledgement %d has unknown status %q", i, Clip(a.Status))
			}
		}
		r.Pushed += len(req.Events)
		if err := c.cfg.Log.Acknowledge(ctx, resp.Acks); err != nil {
			return fmt.Errorf("recording acknowledgements: %w", err)
		}
		lastFirst = evs[0].ID
	}
}

func (r *Round) addError(s string) {
	if len(r.Errors) < 20 {
		r.Errors = append(r.Errors, s)
	}
}

// Pull fetches the events after the desk's cursor, page by page until the hub
// has no more, verifies each against the directory's keys and hands the
// verified ones to the log with the new cursor.
func (c *Client) Pull(ctx context.Context) (Round, error) {
	var r Round
	err := c.pull(ctx, &r)
	return r, err
}

func (c *Client) pull(ctx context.Context, r *Round) error {
	cursor, err := c.cfg.Log.Cursor(ctx)
	if err != nil {
		return fmt.Errorf("reading the pull cursor: %w", err)
	}
	for {
		var resp PullResponse
		path := "/v1/pull?after=" + strconv.FormatInt(cursor, 10) + "&limit=" + strconv.Itoa(c.cfg.PullLimit)
		if err := c.do(ctx, http.MethodGet, path, nil, &resp); err != nil {
			return fmt.Errorf("pull: %w", err)
		}
		if resp.Next < cursor || (len(resp.Events) > 0 && resp.Next == cursor) {
			return fmt.Errorf("pull: the hub moved the cursor from %d to %d", cursor, resp.Next)
		}
		r.Pulled += len(resp.Events)
		good, err := c.verify(ctx, resp.Events, r)
		if err != nil {
			return err
		}
		if len(good) > 0 || resp.Next != cursor {
			if err := c.cfg.Log.Apply(ctx, good, resp.Next); err != nil {
				return fmt.Errorf("applying pulled events: %w", err)
			}
		}
		r.Applied += len(good)
		cursor = resp.Next
		if !resp.More {
			return nil
		}
	}
}

// verify checks delivered events: shape, author known to the hub's directory
// and of the agency the event claims, and signature. Events that fail are
// left out (and counted in r.Refused): a desk never applies what it cannot
// verify, whatever the hub says.
func (c *Client) verify(ctx context.Context, in []WireDelivered, r *Round) ([]Delivered, error) {
	out := make([]Delivered, len(in))
	errs := make([]error, len(in))
	keys := make([]ed25519.PublicKey, len(in))
	refreshed := false
	for i := range in {
		ev, err := FromWire(&in[i].Event)
		out[i] = Delivered{Seq: in[i].Seq, Conflict: in[i].Conflict, Event: ev}
		if in[i].Received > 0 {
			out[i].Received = time.UnixMilli(in[i].Received).UTC()
		}
		if err != nil {
			errs[i] = err
			continue
		}
		o, ok := c.officer(ev.Author)
		if !ok && !refreshed {
			refreshed = true
			if err := c.refreshDirectory(ctx); err != nil {
				return nil, fmt.Errorf("fetching the officers' keys: %w", err)
			}
			o, ok = c.officer(ev.Author)
		}
		switch {
		case !ok:
			errs[i] = &EventError{EventID: ev.ID, Field: "author", Code: cases.EFORBIDDEN, Message: "officer " + ev.Author + " is not in the exchange's directory"}
		case o.Agency != ev.Agency:
			errs[i] = &EventError{EventID: ev.ID, Field: "agency", Code: cases.EFORBIDDEN, Message: "the event claims agency " + ev.Agency + " but officer " + ev.Author + " belongs to " + o.Agency}
		default:
			keys[i] = o.PublicKey
		}
	}
	evs := make([]cases.Event, len(out))
	for i := range out {
		evs[i] = out[i].Event
	}
	VerifyAll(evs, keys, errs)
	good := out[:0]
	for i := range out {
		if errs[i] != nil {
			r.Refused++
			r.addError(errs[i].Error())
			continue
		}
		good = append(good, out[i])
	}
	return good, nil
}

// RunOnce does one sync round: push everything unsent, then pull everything
// new. The round is recorded in Status.
func (c *Client) RunOnce(ctx context.Context) Round {
	c.roundM.Lock()
	defer c.roundM.Unlock()
	r := Round{Started: c.cfg.Clock.Now()}
	start := time.Now()
	perr := c.push(ctx, &r)
	// Pull even when the push failed: the hub may still deliver.
	lerr := c.pull(ctx, &r)
	if err := errors.Join(perr, lerr); err != nil {
		r.Err = err.Error()
	}
	r.Duration = time.Since(start)
	pending, perr2 := c.cfg.Log.Pending(ctx)

	c.mu.Lock()
	s := &c.status
	s.LastAttempt = r.Started
	if perr2 == nil {
		s.Pending = pending
	}
	if r.OK() {
		s.Connected = true
		s.LastSuccess = c.cfg.Clock.Now()
		s.Failures = 0
	} else {
		s.Connected = false
		s.LastError = r.Err
		s.Failures++
	}
	s.Rounds = append(s.Rounds, r)
	if len(s.Rounds) > c.cfg.History {
		s.Rounds = s.Rounds[len(s.Rounds)-c.cfg.History:]
	}
	c.mu.Unlock()
	if c.cfg.OnRound != nil {
		c.cfg.OnRound(r)
	}
	return r
}

// backoff is the wait after n failed rounds in a row: MinBackoff doubled per
// failure up to MaxBackoff, then jittered to between half and all of it so
// that desks cut off together do not come back together.
func (c *Client) backoff(n int) time.Duration {
	d := c.cfg.MinBackoff
	for i := 1; i < n && d < c.cfg.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, c.cfg.MaxBackoff)
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// Run does rounds until ctx ends: every Interval while rounds succeed (or at
// once on Trigger), after a growing, jittered wait while they fail. It returns
// ctx's error.
func (c *Client) Run(ctx context.Context) error {
	defer func() {
		c.mu.Lock()
		c.status.NextAttempt = time.Time{}
		c.mu.Unlock()
	}()
	for {
		r := c.RunOnce(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		wait := c.cfg.Interval
		c.mu.Lock()
		failing := !r.OK()
		if failing {
			wait = c.backoff(c.status.Failures)
		}
		c.status.NextAttempt = c.cfg.Clock.Now().Add(wait)
		c.mu.Unlock()
		t := time.NewTimer(wait)
		var wake <-chan struct{}
		if !failing {
			wake = c.wake
		}
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		case <-wake:
			t.Stop()
		}
	}
}
