package cases

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

type memLoginLog struct{ records []LoginRecord }

func (m *memLoginLog) RecordLogin(_ context.Context, r LoginRecord) error {
	m.records = append(m.records, r)
	return nil
}

func (m *memLoginLog) LoginsSince(_ context.Context, id string, since time.Time) ([]LoginRecord, error) {
	var out []LoginRecord
	for _, r := range m.records {
		if r.OfficerID == id && !r.At.Before(since) {
			out = append(out, r)
		}
	}
	return out, nil
}

type fakeKeys struct {
	pass   string
	opened map[string]bool
}

func (k *fakeKeys) Unlock(id string, p []byte) error {
	if string(p) != k.pass {
		return &Error{Code: EFORBIDDEN, Message: "wrong passphrase", Err: ErrWrongPassphrase}
	}
	k.opened[id] = true
	return nil
}

func (k *fakeKeys) Lock(id string) { delete(k.opened, id) }

func (m *memLoginLog) kinds() string {
	var s []string
	for _, r := range m.records {
		s = append(s, string(r.Kind))
	}
	return strings.Join(s, " ")
}

func TestGateLocksOutAfterFiveFailuresInFifteenMinutes(t *testing.T) {
	ctx := context.Background()
	clock := NewManualClock(time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC))
	log := &memLoginLog{}
	keys := &fakeKeys{pass: "right passphrase", opened: map[string]bool{}}
	g := &Gate{Keys: keys, Log: log, Clock: clock, Via: "test"}
	o := Officer{ID: "ec.mrodriguez", Agency: "EC-PN"}

	// Four failures spread over more than 15 minutes do not lock anyone out.
	for i := 0; i < 4; i++ {
		err := g.Login(ctx, o, []byte("guess"))
		if !errors.Is(err, ErrWrongPassphrase) || ErrorCode(err) != EFORBIDDEN {
			t.Fatalf("failure %d: %v", i+1, err)
		}
		clock.Advance(5 * time.Minute)
	}
	if err := g.Login(ctx, o, []byte("guess")); !strings.Contains(fmtErr(err), "1 try left") {
		t.Fatalf("a fifth failure outside the window locked out: %v", err)
	}
	// A success resets the count.
	if err := g.Login(ctx, o, []byte("right passphrase")); err != nil || !keys.opened[o.ID] {
		t.Fatalf("right passphrase: %v", err)
	}
	for i := 1; i <= 4; i++ {
		err := g.Login(ctx, o, []byte("guess"))
		if want := []string{"", "4 tries", "3 tries", "2 tries", "1 try"}[i]; !strings.Contains(fmtErr(err), want+" left") {
			t.Fatalf("failure %d: %v, want %q left", i, err, want)
		}
		clock.Advance(time.Minute)
	}
	err := g.Login(ctx, o, []byte("guess"))
	var lo *LockedOutError
	if !errors.As(err, &lo) || ErrorCode(err) != EFORBIDDEN || !strings.Contains(err.Error(), "locked out") || !strings.Contains(err.Error(), "in 15 minutes") {
		t.Fatalf("fifth failure: %v", err)
	}
	// Locked out: even the right passphrase is refused, untried.
	keys.Lock(o.ID)
	clock.Advance(14 * time.Minute)
	if err := g.Login(ctx, o, []byte("right passphrase")); !errors.As(err, &lo) || keys.opened[o.ID] || !strings.Contains(err.Error(), "in 1 minute") {
		t.Fatalf("during the lockout: %v", err)
	}
	clock.Advance(time.Minute)
	if err := g.Login(ctx, o, []byte("right passphrase")); err != nil {
		t.Fatalf("after the lockout: %v", err)
	}
	if err := g.Lock(ctx, o, "idle 30 minutes"); err != nil || keys.opened[o.ID] {
		t.Fatalf("lock: %v", err)
	}
	want := "login_failed login_failed login_failed login_failed login_failed login " +
		"login_failed login_failed login_failed login_failed login_failed lockout login_refused login session_lock"
	if got := log.kinds(); got != want {
		t.Errorf("login log:\n%s\nwant\n%s", got, want)
	}
	for _, r := range log.records {
		if r.OfficerID != o.ID || r.Agency != "EC-PN" || r.Via != "test" || r.At.IsZero() {
			t.Errorf("record %+v", r)
		}
	}
}

func TestGateRecordsAKeyThatCannotBeTriedWithoutCountingIt(t *testing.T) {
	ctx := context.Background()
	log := &memLoginLog{}
	g := &Gate{Keys: brokenKeys{}, Log: log, Clock: NewManualClock(time.Unix(0, 0))}
	o := Officer{ID: "ec.jcedeno", Agency: "EC-PN"}
	for i := 0; i < 7; i++ {
		if err := g.Login(ctx, o, []byte("x")); err == nil || !strings.Contains(err.Error(), "damaged") {
			t.Fatal(err)
		}
	}
	if strings.Contains(log.kinds(), "lockout") || !strings.HasPrefix(log.kinds(), "login_error") {
		t.Errorf("log: %s", log.kinds())
	}
}

type brokenKeys struct{}

func (brokenKeys) Unlock(string, []byte) error { return Errorf(EINVALID, "damaged officer key file") }
func (brokenKeys) Lock(string)                 {}

func fmtErr(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}
