package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/enlace-desk/enlace/cases"
)

// LoginConfig is how the workstation logs an officer in (Config.Login).
type LoginConfig struct {
	// Auth tries a passphrase on the officer's key (counting failures and
	// locking out, see cases.Gate) and locks the key when the session locks.
	Auth cases.Authenticator
	// Idle is how long a session may go without a key press before it
	// locks; zero means cases.DefaultLoginPolicy.Idle.
	Idle time.Duration
	// CheckEvery is how often the session compares the clock with the last
	// key press (at most; it also wakes when Idle runs out by the real
	// clock); zero means idleCheckEvery. Tests that move a ManualClock make
	// it short.
	CheckEvery time.Duration
	// LoggedIn says the caller has already logged Officer in through Auth
	// (the demo does, with the demo passphrase): the session opens on the
	// workstation, and locks when idle like any other. A real desk leaves it
	// false.
	LoggedIn bool
}

// idleCheckEvery is how often, at most, the session compares the clock with
// the last key press: a session locks at most this long after Idle ran out.
// The workstation polls nothing else, so this wakes it rarely.
const idleCheckEvery = 15 * time.Second

type sessionState int

const (
	stateLogin  sessionState = iota // no officer logged in yet
	stateOpen                       // the workstation, for the logged-in officer
	stateLocked                     // idle: the key is locked, the screen hidden
)

// Session is the workstation behind its login: the login screen first, then
// the workstation (Model) for the officer whose passphrase opened their key,
// and a lock screen that hides it after Idle without a key press until the
// passphrase is typed again. Nothing of the workstation is drawn, and no key
// reaches it, unless the session is open.
type Session struct {
	ctx    context.Context
	cfg    Config
	login  LoginConfig
	clock  cases.Clock
	keys   *KeyMap
	styles *Styles
	theme  string
	dark   bool
	noCol  bool

	state    sessionState
	officer  cases.Officer // who logged in (stateOpen, stateLocked)
	who      textinput.Model
	pass     textinput.Model
	focusWho bool
	busy     bool
	message  string
	isErr    bool
	lastKey  time.Time
	lockedAt time.Time
	// locking is closed once the last lock has locked the key and been
	// logged; a login waits for it, so the log keeps their order.
	locking chan struct{}

	inner         *Model
	width, height int
}

type (
	loginDoneMsg struct {
		officer cases.Officer
		err     error
	}
	idleCheckMsg struct{}
	lockDoneMsg  struct{ err error }
)

// NewSession returns the workstation behind its login. cfg.Officer is the
// officer preset in the login (from --as or the desk's default); cfg.Login.Auth
// is required.
func NewSession(ctx context.Context, cfg Config) *Session {
	theme := cfg.Theme
	if theme == "" {
		theme = ThemeAuto
	}
	clock := cfg.Clock
	if clock == nil {
		clock = cases.SystemClock{}
	}
	s := &Session{ctx: ctx, cfg: cfg, login: cfg.Login, clock: clock, keys: DefaultKeyMap(), theme: theme, dark: theme != ThemeLight,
		width: 80, height: 24}
	if s.login.Idle <= 0 {
		s.login.Idle = cases.DefaultLoginPolicy.Idle
	}
	if s.login.CheckEvery <= 0 {
		s.login.CheckEvery = idleCheckEvery
	}
	s.styles = NewStyles(s.dark)
	s.who = textinput.New()
	s.who.Prompt = ""
	s.who.CharLimit = 64
	s.who.SetValue(cfg.Officer.ID)
	s.pass = textinput.New()
	s.pass.Prompt = ""
	s.pass.CharLimit = 1024
	s.pass.EchoMode = textinput.EchoPassword
	s.pass.EchoCharacter = '•'
	s.restyle()
	if cfg.Login.LoggedIn {
		s.open(cfg.Officer)
	}
	return s
}

func (s *Session) restyle() {
	st := NewStyles(s.dark)
	if s.noCol {
		st = st.withoutColour()
	}
	*s.styles = *st
	s.who.SetStyles(st.TextInput)
	s.pass.SetStyles(st.TextInput)
}

// Init focuses the passphrase (or starts the workstation, for an officer
// already logged in) and starts the idle check.
func (s *Session) Init() tea.Cmd {
	cmds := []tea.Cmd{s.pass.Focus(), s.idleTick()}
	if s.state == stateOpen {
		cmds = append(cmds, s.inner.Init())
	}
	if s.theme == ThemeAuto {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	return tea.Batch(cmds...)
}

// idleTick schedules the next idle check: after CheckEvery, or sooner when
// the session's Idle runs out before that.
func (s *Session) idleTick() tea.Cmd {
	wait := s.login.CheckEvery
	if s.state == stateOpen {
		if left := s.lastKey.Add(s.login.Idle).Sub(s.clock.Now()); left > 0 && left < wait {
			wait = left
		}
	}
	return tea.Tick(wait, func(time.Time) tea.Msg { return idleCheckMsg{} })
}

// Update routes input to the login or lock screen unless the session is
// open; everything else also reaches the workstation, which keeps its data
// current behind the lock.
func (s *Session) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		s.width, s.height = msg.Width, msg.Height
		return s, s.toInner(msg)
	case tea.BackgroundColorMsg:
		if s.theme == ThemeAuto {
			s.dark = msg.IsDark()
			s.restyle()
		}
		return s, s.toInner(msg)
	case tea.ColorProfileMsg:
		s.noCol = msg.Profile == colorprofile.ASCII || msg.Profile == colorprofile.NoTTY
		s.restyle()
		return s, s.toInner(msg)
	case idleCheckMsg:
		if s.state == stateOpen && !s.clock.Now().Before(s.lastKey.Add(s.login.Idle)) {
			return s, tea.Batch(s.idleTick(), s.lock(fmt.Sprintf("no key pressed for %s", fmtIdle(s.login.Idle))))
		}
		return s, s.idleTick()
	case lockDoneMsg:
		if msg.err != nil {
			s.message, s.isErr = "The lock was not logged: "+cases.ErrorMessage(msg.err), true
		}
		return s, nil
	case loginDoneMsg:
		return s, s.loggedIn(msg)
	case tea.KeyPressMsg:
		if s.state == stateOpen {
			if key.Matches(msg, s.keys.Lock) {
				return s, s.lock("locked by the officer")
			}
			s.lastKey = s.clock.Now()
			return s, s.toInner(msg)
		}
		return s, s.loginKey(msg)
	case tea.MouseMsg, tea.PasteMsg:
		if s.state == stateOpen {
			return s, s.toInner(msg)
		}
		if p, ok := msg.(tea.PasteMsg); ok && !s.busy {
			f := s.focused()
			var cmd tea.Cmd
			*f, cmd = f.Update(p)
			return s, cmd
		}
		return s, nil
	}
	return s, s.toInner(msg)
}

func (s *Session) toInner(msg tea.Msg) tea.Cmd {
	if s.inner == nil {
		return nil
	}
	_, cmd := s.inner.Update(msg)
	return cmd
}

func (s *Session) focused() *textinput.Model {
	if s.focusWho {
		return &s.who
	}
	return &s.pass
}

// lock hides the workstation and locks the officer's key.
func (s *Session) lock(reason string) tea.Cmd {
	s.state, s.lockedAt = stateLocked, s.clock.Now()
	s.pass.SetValue("")
	s.focusWho = false
	s.message, s.isErr = fmt.Sprintf("Locked at %s UTC (%s). Type your passphrase to go on.", s.lockedAt.Format("15:04"), reason), false
	auth, ctx, o := s.login.Auth, s.ctx, s.officer
	done := make(chan struct{})
	s.locking = done
	return tea.Batch(s.pass.Focus(), func() tea.Msg {
		defer close(done)
		return lockDoneMsg{auth.Lock(ctx, o, reason)}
	})
}

// loginKey handles a key on the login or lock screen.
func (s *Session) loginKey(kp tea.KeyPressMsg) tea.Cmd {
	k := s.keys
	switch {
	case key.Matches(kp, k.ForceQuit):
		return tea.Quit
	case s.busy:
		return nil
	case key.Matches(kp, k.NextField), key.Matches(kp, k.PrevField):
		if s.state != stateLogin {
			return nil // the lock screen is for the officer who locked
		}
		s.focusWho = !s.focusWho
		if s.focusWho {
			s.pass.Blur()
			return s.who.Focus()
		}
		s.who.Blur()
		return s.pass.Focus()
	case key.Matches(kp, k.Confirm):
		return s.submit()
	}
	f := s.focused()
	var cmd tea.Cmd
	*f, cmd = f.Update(kp)
	return cmd
}

// submit tries the passphrase: the officer is looked up in the directory and
// must be of this desk's agency; the Authenticator does the rest.
func (s *Session) submit() tea.Cmd {
	id := strings.TrimSpace(s.who.Value())
	if s.state == stateLocked {
		id = s.officer.ID
	}
	pass := []byte(s.pass.Value())
	s.pass.SetValue("")
	if id == "" {
		s.message, s.isErr = "Type your officer ID.", true
		return nil
	}
	if len(pass) == 0 {
		s.message, s.isErr = "Type your passphrase.", true
		return nil
	}
	s.busy, s.message, s.isErr = true, "Checking the passphrase…", false
	ctx, store, auth, agency, locking := s.ctx, s.cfg.Store, s.login.Auth, s.cfg.Agency.Code, s.locking
	return func() tea.Msg {
		defer clear(pass)
		if locking != nil {
			<-locking // the lock is logged before this attempt
		}
		o, err := store.Officer(ctx, id)
		if err != nil {
			return loginDoneMsg{err: cases.Errorf(cases.ENOTFOUND, "there is no officer %q on this desk", id)}
		}
		if agency != "" && o.Agency != agency {
			return loginDoneMsg{err: cases.Errorf(cases.EFORBIDDEN, "%s is an officer of %s; this is a desk of %s", o.ID, o.Agency, agency)}
		}
		return loginDoneMsg{officer: *o, err: auth.Login(ctx, *o, pass)}
	}
}

func (s *Session) loggedIn(msg loginDoneMsg) tea.Cmd {
	s.busy = false
	if msg.err != nil {
		s.message, s.isErr = cases.ErrorMessage(msg.err), true
		return nil
	}
	s.message, s.isErr = "", false
	s.lastKey = s.clock.Now()
	if s.state == stateLocked {
		s.state = stateOpen
		return nil
	}
	s.open(msg.officer)
	return s.inner.Init()
}

// open opens the workstation for the officer who logged in.
func (s *Session) open(o cases.Officer) {
	s.state, s.officer, s.lastKey = stateOpen, o, s.clock.Now()
	cfg := s.cfg
	cfg.Officer = o
	s.inner = New(cfg)
	s.inner.app.ctx = s.ctx
	s.inner.dark = s.dark
	s.inner.noColour = s.noCol
	s.inner.restyle()
	s.inner.Update(tea.WindowSizeMsg{Width: s.width, Height: s.height})
}

// View draws the workstation when the session is open, else the login or
// lock screen, and nothing else.
func (s *Session) View() tea.View {
	if s.state == stateOpen {
		return s.inner.View()
	}
	v := tea.NewView(s.Render())
	v.AltScreen = true
	v.WindowTitle = "Enlace — log in"
	if s.state == stateLocked {
		v.WindowTitle = "Enlace — locked"
	}
	return v
}

// Render draws the whole screen as text.
func (s *Session) Render() string {
	if s.state == stateOpen {
		return s.inner.Render()
	}
	w, h := max(s.width, 20), max(s.height, 6)
	st := s.styles
	title := "Log in"
	if s.state == stateLocked {
		title = "Locked"
	}
	left := " Enlace › " + title
	right := s.cfg.Agency.Code + " " + s.cfg.Agency.Name + " · desk "
	if lipgloss.Width(left)+lipgloss.Width(right)+1 > w {
		right = s.cfg.Agency.Code + " desk "
	}
	gap := max(w-lipgloss.Width(left)-lipgloss.Width(right), 0)
	header := truncate(st.HeaderTitle.Render(left)+st.Header.Render(strings.Repeat(" ", gap))+st.HeaderDim.Render(right), w)

	boxW := min(w-4, 64)
	inner := max(boxW-4, 10)
	label := func(text string, active bool) string {
		if active {
			return st.FieldActive.Render(fmt.Sprintf("%-11s", text))
		}
		return st.Label.Render(fmt.Sprintf("%-11s", text))
	}
	s.who.SetWidth(max(inner-12, 4))
	s.pass.SetWidth(max(inner-12, 4))
	var lines []string
	if s.state == stateLocked {
		lines = append(lines, st.DialogTitle.Render("Session locked"), "",
			label("Officer", false)+" "+s.officer.ID+" "+st.Muted.Render(s.officer.Name),
			label("Passphrase", true)+" "+s.pass.View())
	} else {
		lines = append(lines, st.DialogTitle.Render("Log in to Enlace"), "",
			label("Officer", s.focusWho)+" "+s.who.View(),
			label("Passphrase", !s.focusWho)+" "+s.pass.View())
	}
	lines = append(lines, "")
	if s.message != "" {
		msg := s.message
		style := st.Notice
		if s.isErr {
			msg, style = "✗ "+msg, st.Failure
		}
		for _, l := range wrapWords(msg, inner) {
			lines = append(lines, style.Render(l))
		}
	} else if s.state == stateLogin {
		lines = append(lines, st.Muted.Render("Your passphrase unlocks your signing key for this session."))
	}
	box := st.Dialog.Width(boxW).Render(strings.Join(lines, "\n"))
	bodyH := max(h-2, 1)
	bw, bh := lipgloss.Width(box), lipgloss.Height(box)
	pad := strings.Repeat("\n", max((bodyH-bh)/2, 0))
	body := fit(pad+indentLines(box, max((w-bw)/2, 0)), w, bodyH)

	help := "enter log in · tab officer/passphrase · ctrl+c quit"
	if s.state == stateLocked {
		help = "enter unlock · ctrl+c quit"
	}
	return header + "\n" + body + "\n" + st.Help.ShortDesc.Render(fit(help, w, 1))
}

func indentLines(s string, n int) string {
	prefix := strings.Repeat(" ", n)
	lines := strings.Split(s, "\n")
	for i := range lines {
		lines[i] = prefix + lines[i]
	}
	return strings.Join(lines, "\n")
}

// wrapWords breaks text into lines of at most w cells at spaces.
func wrapWords(text string, w int) []string {
	var out []string
	line := ""
	for _, word := range strings.Fields(text) {
		switch {
		case line == "":
			line = word
		case lipgloss.Width(line)+1+lipgloss.Width(word) <= w:
			line += " " + word
		default:
			out = append(out, line)
			line = word
		}
	}
	if line != "" {
		out = append(out, line)
	}
	return out
}

func fmtIdle(d time.Duration) string {
	if d%time.Minute == 0 {
		return fmt.Sprintf("%d minutes", int(d/time.Minute))
	}
	return d.String()
}
