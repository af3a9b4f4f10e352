package cases

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// An officer proves who they are with the passphrase that unlocks their
// signing key; --as or a preset officer ID alone proves nothing. The rules of
// a login (how many failures lock an officer out, for how long, when an idle
// session locks) are stated once here, in LoginPolicy, and Gate applies them
// for the workstation and the tools alike.

// ErrWrongPassphrase is wrapped by the error of a passphrase that does not
// open the officer's key.
var ErrWrongPassphrase = errors.New("wrong passphrase")

// LoginKind is what happened at a login or a session lock.
type LoginKind string

const (
	LoginSucceeded LoginKind = "login"         // the passphrase opened the key
	LoginFailed    LoginKind = "login_failed"  // a wrong passphrase
	LoginRefused   LoginKind = "login_refused" // an attempt while locked out; the passphrase was not tried
	LoginLockedOut LoginKind = "lockout"       // too many failures: the officer is locked out
	SessionLocked  LoginKind = "session_lock"  // an idle session locked its screen and its key
	LoginError     LoginKind = "login_error"   // the key could not be tried (missing, damaged, unencrypted)
	// PassphraseChanged: the officer set or changed their key's passphrase.
	PassphraseChanged LoginKind = "passphrase_changed"
)

// LoginRecord is one entry of the login log: logins, failures, lockouts and
// locks, for auditors.
type LoginRecord struct {
	ID        string
	OfficerID string
	Agency    string
	At        time.Time
	Kind      LoginKind
	Via       string // "workstation", or the tool ("enlace search")
	Detail    string
}

// LoginLog is where logins are recorded and read back (the desk's store).
type LoginLog interface {
	RecordLogin(ctx context.Context, r LoginRecord) error
	// LoginsSince returns the officer's records at or after since, oldest first.
	LoginsSince(ctx context.Context, officerID string, since time.Time) ([]LoginRecord, error)
}

// LoginLogReader reads the login log for auditors.
type LoginLogReader interface {
	// LoginLogOf returns the records of one agency's officers (every agency's
	// when agency is ""), newest first, up to limit.
	LoginLogOf(ctx context.Context, agency string, limit int) ([]LoginRecord, error)
}

// KeyUnlocker opens and closes officers' signing keys for this session (the
// desk's keyring).
type KeyUnlocker interface {
	// Unlock opens the officer's key with the passphrase; a wrong one gives an
	// error wrapping ErrWrongPassphrase.
	Unlock(officerID string, passphrase []byte) error
	// Lock forgets the officer's opened key.
	Lock(officerID string)
}

// LoginPolicy is how logins and sessions are bounded.
type LoginPolicy struct {
	MaxFailures int           // failures within Window that lock the officer out
	Window      time.Duration // how far back failures count
	Lockout     time.Duration // how long a lockout lasts
	Idle        time.Duration // a session without a key press for this long locks
}

// DefaultLoginPolicy: five failures in 15 minutes lock the officer out for 15
// minutes; a session locks after 30 minutes without a key press.
var DefaultLoginPolicy = LoginPolicy{MaxFailures: 5, Window: 15 * time.Minute, Lockout: 15 * time.Minute, Idle: 30 * time.Minute}

// History is how far back LockedUntil and Failures need the records.
func (p LoginPolicy) History() time.Duration { return max(p.Window, p.Lockout) }

// LockedUntil returns when the officer's lockout ends, or the zero time when
// the officer is not locked out at now. records are the officer's, oldest
// first, covering at least History() before now.
func (p LoginPolicy) LockedUntil(records []LoginRecord, now time.Time) time.Time {
	var until time.Time
	for _, r := range records {
		if r.Kind == LoginLockedOut {
			if end := r.At.Add(p.Lockout); end.After(until) {
				until = end
			}
		}
	}
	if now.Before(until) {
		return until
	}
	return time.Time{}
}

// Failures counts the failed logins that count towards a lockout at now:
// those within Window, after the last successful login and after the last
// lockout began.
func (p LoginPolicy) Failures(records []LoginRecord, now time.Time) int {
	n := 0
	for _, r := range records {
		switch {
		case r.At.Before(now.Add(-p.Window)):
		case r.Kind == LoginSucceeded || r.Kind == LoginLockedOut:
			n = 0
		case r.Kind == LoginFailed:
			n++
		}
	}
	return n
}

// LockedOutError says an officer may not log in until a time.
type LockedOutError struct {
	OfficerID string
	Until     time.Time
	Now       time.Time
	Failures  int
}

func (e *LockedOutError) Error() string {
	wait := e.Until.Sub(e.Now).Round(time.Minute)
	if wait < time.Minute {
		wait = time.Minute
	}
	return fmt.Sprintf("officer %s is locked out after %d failed logins until %s UTC (in %s); try again then",
		e.OfficerID, e.Failures, e.Until.UTC().Format("15:04"), fmtMinutes(wait))
}

// lockedOut wraps a lockout as a domain error (code forbidden).
func lockedOut(e *LockedOutError) error {
	return &Error{Code: EFORBIDDEN, Message: e.Error(), Err: e}
}

func fmtMinutes(d time.Duration) string {
	m := int(d / time.Minute)
	if m == 1 {
		return "1 minute"
	}
	return fmt.Sprintf("%d minutes", m)
}

// Gate logs officers in: it refuses an officer who is locked out, tries the
// passphrase on the officer's key, records every attempt in the login log and
// locks the officer out after too many failures. The workstation and the tools
// use the same Gate, so the same lockout applies to both.
type Gate struct {
	Keys   KeyUnlocker
	Log    LoginLog
	Clock  Clock
	Policy LoginPolicy // zero: DefaultLoginPolicy
	Via    string      // recorded with each entry: "workstation", "enlace search", …
}

func (g *Gate) policy() LoginPolicy {
	if g.Policy.MaxFailures == 0 {
		return DefaultLoginPolicy
	}
	return g.Policy
}

func (g *Gate) record(ctx context.Context, o Officer, kind LoginKind, detail string) error {
	return g.Log.RecordLogin(ctx, LoginRecord{OfficerID: o.ID, Agency: o.Agency, At: g.Clock.Now(), Kind: kind, Via: g.Via, Detail: detail})
}

// Login opens the officer's key with the passphrase. It returns a
// *LockedOutError while the officer is locked out (and when this failure
// locks them out), an error wrapping ErrWrongPassphrase that says how many
// tries are left for a wrong passphrase, and the key's own error when the key
// cannot be tried.
func (g *Gate) Login(ctx context.Context, o Officer, passphrase []byte) error {
	p := g.policy()
	history, err := g.refuseLockedOut(ctx, o)
	if err != nil {
		return err
	}
	uerr := g.Keys.Unlock(o.ID, passphrase)
	if uerr == nil {
		return g.record(ctx, o, LoginSucceeded, "")
	}
	if !errors.Is(uerr, ErrWrongPassphrase) {
		if err := g.record(ctx, o, LoginError, ErrorMessage(uerr)); err != nil {
			return errors.Join(uerr, err)
		}
		return uerr
	}
	if err := g.record(ctx, o, LoginFailed, "wrong passphrase"); err != nil {
		return err
	}
	now := g.Clock.Now()
	failures := p.Failures(append(history, LoginRecord{At: now, Kind: LoginFailed}), now)
	if failures >= p.MaxFailures {
		if err := g.record(ctx, o, LoginLockedOut, fmt.Sprintf("%d failed logins within %d minutes", failures, int(p.Window/time.Minute))); err != nil {
			return err
		}
		return lockedOut(&LockedOutError{OfficerID: o.ID, Until: now.Add(p.Lockout), Now: now, Failures: failures})
	}
	left := p.MaxFailures - failures
	tries := "tries"
	if left == 1 {
		tries = "try"
	}
	return &Error{Code: EFORBIDDEN, Err: ErrWrongPassphrase,
		Message: fmt.Sprintf("wrong passphrase for %s (%d %s left before a %d-minute lockout)", o.ID, left, tries, int(p.Lockout/time.Minute))}
}

// LockedOut returns the lockout error, and records the refused attempt, when
// the officer is locked out now: a tool asks before it asks for the
// passphrase.
func (g *Gate) LockedOut(ctx context.Context, o Officer) error {
	_, err := g.refuseLockedOut(ctx, o)
	return err
}

// refuseLockedOut reads the officer's recent records and refuses (recording
// it) an officer who is locked out.
func (g *Gate) refuseLockedOut(ctx context.Context, o Officer) ([]LoginRecord, error) {
	p := g.policy()
	now := g.Clock.Now()
	history, err := g.Log.LoginsSince(ctx, o.ID, now.Add(-p.History()))
	if err != nil {
		return nil, err
	}
	if until := p.LockedUntil(history, now); !until.IsZero() {
		if err := g.record(ctx, o, LoginRefused, "locked out"); err != nil {
			return nil, err
		}
		return nil, lockedOut(&LockedOutError{OfficerID: o.ID, Until: until, Now: now, Failures: p.MaxFailures})
	}
	return history, nil
}

// Lock forgets the officer's key and records why (an idle session, a lock
// asked for).
func (g *Gate) Lock(ctx context.Context, o Officer, reason string) error {
	g.Keys.Lock(o.ID)
	return g.record(ctx, o, SessionLocked, reason)
}

// Authenticator logs officers in and locks their sessions: what the
// workstation's login and lock screens use (Gate implements it).
type Authenticator interface {
	Login(ctx context.Context, o Officer, passphrase []byte) error
	Lock(ctx context.Context, o Officer, reason string) error
}

var _ Authenticator = (*Gate)(nil)
