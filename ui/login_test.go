package ui

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/enlace-desk/enlace/cases"
)

// testKeys stands for the desk's keyring: one passphrase opens every key.
type testKeys struct {
	mu     sync.Mutex
	pass   string
	opened map[string]bool
}

func (k *testKeys) Unlock(id string, p []byte) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if string(p) != k.pass {
		return &cases.Error{Code: cases.EFORBIDDEN, Message: "wrong passphrase", Err: cases.ErrWrongPassphrase}
	}
	k.opened[id] = true
	return nil
}

func (k *testKeys) Lock(id string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.opened, id)
}

func (k *testKeys) isOpen(id string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.opened[id]
}

const rightPassphrase = "correct horse battery"

// testCheckEvery: the tests move a ManualClock and want the lock soon after.
const testCheckEvery = 50 * time.Millisecond

// loginHarness lets a test ask the running Session for its frame.
type loginHarness struct{ s *Session }

func (h loginHarness) Init() tea.Cmd  { return h.s.Init() }
func (h loginHarness) View() tea.View { return h.s.View() }
func (h loginHarness) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if ch, ok := msg.(snapshotMsg); ok {
		ch <- h.s.Render()
		return h, nil
	}
	_, cmd := h.s.Update(msg)
	return h, cmd
}

type loginSession struct {
	*session
	keys *testKeys
	desk *desk
}

func startLogin(t *testing.T, w, h int) *loginSession {
	t.Helper()
	d := seedDesk(t)
	keys := &testKeys{pass: rightPassphrase, opened: map[string]bool{}}
	cfg := d.config(officer, ThemeDark)
	cfg.Login = LoginConfig{Auth: &cases.Gate{Keys: keys, Log: d.store, Clock: d.clock, Via: "workstation"}, CheckEvery: testCheckEvery}
	s := NewSession(context.Background(), cfg)
	tm := teatest.NewTestModel(t, loginHarness{s},
		teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.TrueColor)))
	t.Cleanup(func() { tm.Quit() })
	return &loginSession{session: &session{t: t, tm: tm}, keys: keys, desk: d}
}

func (l *loginSession) loginKinds() string {
	recs, err := l.desk.store.LoginLogOf(context.Background(), "", 100)
	if err != nil {
		l.t.Fatal(err)
	}
	var kinds []string
	for i := len(recs) - 1; i >= 0; i-- {
		kinds = append(kinds, string(recs[i].Kind))
	}
	return strings.Join(kinds, " ")
}

func TestLoginRefusesAWrongPassphraseAndShowsNothingBehindIt(t *testing.T) {
	l := startLogin(t, 100, 30)
	f := l.waitFor("Log in to Enlace")
	if !strings.Contains(f, "ec.jvera") || strings.Contains(f, caseHit) {
		t.Fatalf("login screen:\n%s", f)
	}
	// Keys do not reach the workstation behind the login.
	l.typeText("not it")
	f = l.waitFor("••••••")
	if strings.Contains(f, "not it") {
		t.Fatalf("the passphrase was echoed:\n%s", f)
	}
	l.press("enter")
	f = l.waitFor("wrong passphrase")
	if !strings.Contains(f, "4 tries left") || strings.Contains(f, caseHit) || l.keys.isOpen(officer.ID) {
		t.Fatalf("after a wrong passphrase:\n%s", f)
	}
	l.typeText(rightPassphrase)
	l.press("enter")
	l.waitFor("Cases 6 of 6")
	f = l.waitFor(caseHit)
	if !strings.Contains(f, "Jorge Vera") || !l.keys.isOpen(officer.ID) {
		t.Fatalf("after the login:\n%s", f)
	}
	if got := l.loginKinds(); got != "login_failed login" {
		t.Errorf("login log: %s", got)
	}
}

func TestFiveFailedLoginsLockTheOfficerOutForFifteenMinutes(t *testing.T) {
	l := startLogin(t, 80, 24)
	l.waitFor("Log in to Enlace")
	for i := 1; i <= 5; i++ {
		l.typeText("guess " + string(rune('0'+i)))
		l.press("enter")
		if i < 5 {
			l.waitFor([]string{"", "4 tries", "3 tries", "2 tries", "1 try"}[i] + " left")
		} else {
			l.waitFor("locked out")
		}
		l.desk.clock.Advance(time.Minute)
	}
	f := l.waitFor("locked out")
	if !strings.Contains(ansi.Strip(f), "minutes") {
		t.Fatalf("lockout:\n%s", f)
	}
	// The right passphrase is refused, untried, while locked out.
	l.desk.clock.Advance(10 * time.Minute)
	l.typeText(rightPassphrase)
	l.press("enter")
	f = l.waitFor("10:19 UTC (in 4 minutes)")
	if l.keys.isOpen(officer.ID) || strings.Contains(f, caseHit) {
		t.Fatalf("logged in while locked out:\n%s", f)
	}
	l.desk.clock.Advance(5 * time.Minute)
	l.typeText(rightPassphrase)
	l.press("enter")
	l.waitFor(caseHit)
	want := "login_failed login_failed login_failed login_failed login_failed lockout login_refused login"
	if got := l.loginKinds(); got != want {
		t.Errorf("login log:\n%s\nwant\n%s", got, want)
	}
}

func TestIdleSessionLocksAfterThirtyMinutes(t *testing.T) {
	l := startLogin(t, 120, 40)
	l.waitFor("Log in to Enlace")
	l.typeText(rightPassphrase)
	l.press("enter")
	l.waitFor(caseHit)
	// 29 minutes, a key press, 29 more: still open.
	l.desk.clock.Advance(29 * time.Minute)
	l.press("down")
	l.text() // the program has taken the key press before the clock moves on
	l.desk.clock.Advance(29 * time.Minute)
	time.Sleep(5 * testCheckEvery)
	l.waitFor(caseHit)
	l.desk.clock.Advance(time.Minute)
	f := l.waitFor("Session locked")
	for _, hidden := range []string{caseHit, "Cases 6", "Huaquillas"} {
		if strings.Contains(f, hidden) {
			t.Errorf("the lock screen shows %q:\n%s", hidden, f)
		}
	}
	if !strings.Contains(f, "no key pressed for 30 minutes") {
		t.Fatalf("lock screen:\n%s", f)
	}
	for deadline := time.Now().Add(5 * time.Second); l.keys.isOpen(officer.ID); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the session locked but the key stayed open")
		}
	}
	// Keys do not reach the workstation: "q" is typed, not quit.
	l.typeText("q")
	l.press("enter")
	l.waitFor("wrong passphrase")
	l.typeText(rightPassphrase)
	l.press("enter")
	l.waitFor(caseHit)
	if !l.keys.isOpen(officer.ID) {
		t.Fatal("unlocked without opening the key")
	}
	// ctrl+l locks at once.
	l.tm.Send(tea.KeyPressMsg{Code: 'l', Mod: tea.ModCtrl})
	f = l.waitFor("locked by the officer")
	if strings.Contains(f, caseHit) {
		t.Fatalf("locked by the officer:\n%s", f)
	}
	l.typeText(rightPassphrase)
	l.press("enter")
	l.waitFor(caseHit)
	if got := l.loginKinds(); got != "login session_lock login_failed login session_lock login" {
		t.Errorf("login log: %s", got)
	}
}

func TestAnOfficerAlreadyLoggedInOpensOnTheQueueAndStillLocks(t *testing.T) {
	d := seedDesk(t)
	keys := &testKeys{pass: rightPassphrase, opened: map[string]bool{}}
	gate := &cases.Gate{Keys: keys, Log: d.store, Clock: d.clock, Via: "demo"}
	if err := gate.Login(context.Background(), officer, []byte(rightPassphrase)); err != nil {
		t.Fatal(err)
	}
	cfg := d.config(officer, ThemeLight)
	cfg.Login = LoginConfig{Auth: gate, LoggedIn: true, Idle: 10 * time.Minute, CheckEvery: testCheckEvery}
	s := NewSession(context.Background(), cfg)
	tm := teatest.NewTestModel(t, loginHarness{s}, teatest.WithInitialTermSize(80, 24))
	t.Cleanup(func() { tm.Quit() })
	l := &session{t: t, tm: tm}
	l.waitFor(caseHit)
	d.clock.Advance(10 * time.Minute)
	l.waitFor("no key pressed for 10 minutes")
	if strings.Contains(l.text(), caseHit) {
		t.Fatal("the queue shows behind the lock")
	}
}

func TestAnotherAgencysOfficerCannotLogInOnTheDesk(t *testing.T) {
	l := startLogin(t, 80, 24)
	l.waitFor("Log in to Enlace")
	l.press("tab")
	for range len(officer.ID) {
		l.press("backspace")
	}
	l.typeText(partner.ID)
	l.press("tab")
	l.typeText(rightPassphrase)
	l.press("enter")
	l.waitFor("this is a desk of EC-PN")
	if l.keys.isOpen(partner.ID) {
		t.Fatal("a partner officer logged in")
	}
	l.press("tab")
	for range len(partner.ID) {
		l.press("backspace")
	}
	l.typeText("ec.nobody")
	l.press("tab")
	l.typeText(rightPassphrase)
	l.press("enter")
	l.waitFor(`no officer "ec.nobody"`)
}
