package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/enlace-desk/enlace/cases"
)

// Config is what the workstation needs from its caller.
type Config struct {
	Store   cases.Store
	Officer cases.Officer // who is logged in
	Agency  cases.Agency
	Clock   cases.Clock // the one clock: ages, overdue, timestamps
	// Theme is "auto" (ask the terminal for its background), "dark" or
	// "light"; "" means "auto".
	Theme string
	// Sync reports the exchange's state for the status bar. Nil, or a state
	// with Configured false, shows that the desk works without an exchange.
	Sync func() cases.SyncState
	// Changed says what changed outside the workstation (the exchange
	// applied the partner's events, demo data arrived) since a generation:
	// which cases and subjects, or everything. Each screen reads again only
	// what it shows of them. Nil means nothing changes behind the
	// workstation's back.
	Changed func(since uint64) cases.Changes
	// Changes receives a value whenever the exchange's state or the data
	// behind the workstation may have changed (a sync round ended, demo data
	// arrived); the workstation then reads Sync and Changed again.
	// Nothing is polled: Sync and Changed are called in commands, off
	// the UI goroutine, at start, after the officer's own changes and when
	// Changes fires; they must be safe to call while the exchange runs.
	Changes <-chan struct{}
	// Identify runs fingerprint searches and imports interchange files. Nil
	// hides the encounters list and the fingerprint review.
	Identify cases.IdentificationService
	// QueryLog reads the query log for the auditors' and supervisors'
	// screen (L). Nil hides it.
	QueryLog QueryLog
	// ProgramOptions are added to the Bubble Tea program's (a test gives
	// its input and output).
	ProgramOptions []tea.ProgramOption
	// Exchange is the agreement's exchange: core-data requests from partner
	// hits, the requests queue, disclosures. Nil hides them.
	Exchange cases.ExchangeService
	// Login opens the workstation with a login (Officer is the officer
	// preset in it) and locks it when idle; Run requires Login.Auth.
	Login LoginConfig
}

// Themes the Config accepts.
const (
	ThemeAuto  = "auto"
	ThemeDark  = "dark"
	ThemeLight = "light"
)

// refreshEvery is how often the screens re-read the clock for ages, overdue
// marks and the age of the last sync: once a minute, on the minute, the
// finest step any of them shows. It is the only timer of an idle
// workstation.
const refreshEvery = time.Minute

// Screen is one page of the workstation on the root model's stack. See the
// package documentation for how messages reach it.
type Screen interface {
	// Title names the screen in the header's path: "Queue", a case number.
	Title() string
	// Init runs once when the screen is pushed.
	Init() tea.Cmd
	// Update handles a message and returns a command, or nil.
	Update(msg tea.Msg) tea.Cmd
	// SetSize gives the screen the cells it draws into; it comes before
	// Init and again whenever the terminal or the frame changes size.
	SetSize(width, height int)
	// View draws the screen into its width × height cells. It only draws:
	// every state it shows was settled in Update or SetSize.
	View() string
	// Help lists the bindings for the help bar (short) and for full help
	// on "?" (grouped in columns).
	Help() (short []key.Binding, full [][]key.Binding)
	// Capturing reports whether the screen is taking text, so that "q" and
	// "?" are typed rather than acted on.
	Capturing() bool
}

// explainer is a Screen whose full help (?) also explains what it shows:
// the scales of its scores, what its marks mean.
type explainer interface {
	Explain() []string
}

// recordScreen is a Screen that shows one record: opening a record that is
// already on the stack goes back to it instead of stacking a copy (case →
// subject → the same case is the case again, one esc from the queue).
type recordScreen interface {
	Screen
	// record names the record shown: "case " and its number, "subject "
	// and its ID.
	record() string
}

// dialog marks a Screen drawn over the screen beneath it, centred, rather than
// replacing it.
type dialog interface {
	Screen
	isDialog()
}

// app is what every screen shares (soft-serve's Common): the store, who is
// at the desk, the clock, the key map and the style sheet.
type app struct {
	ctx     context.Context
	store   cases.Store
	officer cases.Officer
	agency  cases.Agency
	clock   cases.Clock
	keys    *KeyMap
	styles  *Styles
	// officers is the directory, by ID, loaded once at start.
	officers map[string]cases.Officer
	// agencies is the exchange's agencies, loaded once at start.
	agencies []cases.Agency
	// sync is the exchange's state as last polled (Configured false when
	// there is no exchange).
	sync cases.SyncState
	// purpose is the stated purpose of subject and fingerprint searches
	// (the two screens share it), asked before the
	// first search and kept for the session with its free text.
	purpose     cases.Purpose
	purposeText string
	// identify is the fingerprint service; nil hides encounters and the
	// review.
	identify cases.IdentificationService
	// queryLog reads the query log; nil hides its screen.
	queryLog QueryLog
	// exchange is the agreement's exchange; nil hides requests.
	exchange cases.ExchangeService
	// verification is the agreement's rule for which closing conclusions
	// need a second officer (cases.DefaultVerification without an exchange).
	verification cases.VerificationPolicy
}

// partnerAgency is the agency that is not the officer's: the default to
// share a new case with. "" when the directory knows no other.
func (a *app) partnerAgency() string {
	for _, ag := range a.agencies {
		if ag.Code != a.officer.Agency {
			return ag.Code
		}
	}
	return ""
}

// officerName is how an officer ID is shown: the name when known.
func (a *app) officerName(id string) string {
	if id == "" {
		return ""
	}
	if o, ok := a.officers[id]; ok && o.Name != "" {
		return o.Name
	}
	return id
}

// Messages between screens and the root.
type (
	pushMsg    struct{ screen Screen }
	popMsg     struct{ from Screen } // pop from, if it is on top
	replaceMsg struct{ from, with Screen }
	noticeMsg  struct {
		text string
		err  bool
	}
	// changedMsg reports a change made to a case: the root pops the dialog
	// that made it (from) on success, shows the outcome, and every screen
	// reloads what it shows of the case.
	changedMsg struct {
		from   Screen
		caseID string
		done   string // what was done, for the message line
		err    error
	}
	healthMsg struct {
		health cases.StoreHealth
		err    error
	}
	directoryMsg struct {
		officers []cases.Officer
		agencies []cases.Agency
		err      error
	}
	// tickMsg comes once a minute, on the minute: ages and overdue marks
	// may have changed.
	tickMsg struct{}
	// outsideMsg says Config.Changes fired: something may have changed
	// outside the workstation.
	outsideMsg struct{}
	// stateMsg is the exchange's state and what changed outside the
	// workstation, read in a command.
	stateMsg struct {
		sync    cases.SyncState
		changes cases.Changes
	}
	// reloadMsg tells every screen what changed outside the workstation:
	// each reloads what it shows of it, keeping the officer's place.
	reloadMsg struct{ changes cases.Changes }
	// restyledMsg tells every screen the style sheet changed (theme,
	// colour profile): draw again what it drew in advance.
	restyledMsg struct{}
)

func push(s Screen) tea.Cmd { return func() tea.Msg { return pushMsg{s} } }
func pop(from Screen) tea.Cmd {
	return func() tea.Msg { return popMsg{from} }
}
func replace(from, with Screen) tea.Cmd {
	return func() tea.Msg { return replaceMsg{from, with} }
}
func notice(format string, args ...any) tea.Cmd {
	text := fmt.Sprintf(format, args...)
	return func() tea.Msg { return noticeMsg{text: text} }
}
func failure(text string) tea.Cmd {
	return func() tea.Msg { return noticeMsg{text: text, err: true} }
}

// Model is the root tea.Model: it owns the frame, focus and the screen stack.
type Model struct {
	app      *app
	theme    string
	sync     func() cases.SyncState
	changed  func(since uint64) cases.Changes
	changes  <-chan struct{}
	lastGen  uint64
	stack    []Screen
	width    int
	height   int
	bodyW    int // the screens' size, given with SetSize
	bodyH    int
	fullHelp bool
	help     help.Model

	health    cases.StoreHealth
	healthErr error

	message    string
	messageErr bool

	dark     bool // the theme in use
	noColour bool // the terminal shows no colour (NO_COLOR, dumb terminal)

	fitted    fittedBody                 // the last body fitted to the frame (fitBody)
	shortHelp struct{ key, view string } // the last short help bar, by its bindings
}

// fittedBody is a body as a screen drew it and as fitted to w × h cells.
type fittedBody struct {
	in, out string
	w, h    int
}

// New returns the root model for cfg, with the case queue on its stack.
func New(cfg Config) *Model {
	theme := cfg.Theme
	if theme == "" {
		theme = ThemeAuto
	}
	clock := cfg.Clock
	if clock == nil {
		clock = cases.SystemClock{}
	}
	a := &app{
		ctx:      context.Background(),
		store:    cfg.Store,
		officer:  cfg.Officer,
		agency:   cfg.Agency,
		clock:    clock,
		keys:     DefaultKeyMap(),
		styles:   NewStyles(theme != ThemeLight),
		officers: map[string]cases.Officer{},
		exchange: cfg.Exchange,
		// The store projects examinations under the same rule.
		verification: cases.DefaultVerification,
	}
	if cfg.Exchange != nil {
		a.verification = cfg.Exchange.Agreement().Verification()
	}
	// Screens read untrusted data through wrappers that defuse control
	// characters (untrusted.go); the query-log screen reads the officer's
	// agency's entries only (QueryLogOf).
	if cfg.Store != nil {
		a.store = untrustedStore{cfg.Store}
	}
	if cfg.Identify != nil {
		a.identify = untrustedPrints{cfg.Identify}
	}
	if cfg.QueryLog != nil {
		a.queryLog = untrustedLog{cfg.QueryLog}
	}
	if cfg.Exchange != nil {
		a.exchange = untrustedExchange{cfg.Exchange}
	}
	m := &Model{app: a, theme: theme, sync: cfg.Sync, changed: cfg.Changed, changes: cfg.Changes, width: 80, height: 24, dark: theme != ThemeLight}
	m.help = help.New()
	m.help.Styles = a.styles.Help
	m.stack = []Screen{newQueue(a)}
	m.resize()
	return m
}

// Run runs the workstation behind its login (NewSession) on the terminal
// until the officer quits (q, ctrl+c) or ctx is done, and restores the
// terminal either way.
func Run(ctx context.Context, cfg Config) error {
	switch cfg.Theme {
	case "", ThemeAuto, ThemeDark, ThemeLight:
	default:
		return fmt.Errorf("theme %q: use auto, dark or light", cfg.Theme)
	}
	if cfg.Store == nil {
		return errors.New("ui: no store")
	}
	if cfg.Login.Auth == nil {
		return errors.New("ui: no login: an officer proves who they are before the workstation opens")
	}
	opts := append([]tea.ProgramOption{tea.WithContext(ctx), tea.WithFPS(frameRate)}, cfg.ProgramOptions...)
	_, err := tea.NewProgram(NewSession(ctx, cfg), opts...).Run()
	if err != nil && ctx.Err() != nil && errors.Is(err, tea.ErrProgramKilled) {
		return nil // asked to stop: not a failure
	}
	return err
}

// frameRate caps the frames drawn per second. Bubble Tea v2.1.1's renderer
// wakes this often for the program's whole life, even when nothing changes
// (it compares the frame, finds it the same and writes nothing), and it
// draws only on those wake-ups: a key press shows at the next one, at most
// 1/frameRate later. Each wake-up costs about five thread wake-ups (the
// timer, a spinning scheduler thread, sysmon), nearly all of an idle
// workstation's CPU. Measured on the offline demo, 60 s windows on a shared
// 2-core machine, 2026-11-30: 6 and 5 frames interleaved (load 0.4-1.3),
// 6 frames 0.130-0.199% of a core and 32-33 wake-ups a second, 5 frames
// 0.108-0.174% (one window 0.311%) and 27; 2 frames 0.05% and 10 (load
// 1.0). Five keep a key press on screen within 200 ms (100 ms on
// average), the most typing may lag. Upstream pull requests to let the
// ticker stop while idle (charmbracelet/bubbletea #1776, #1796) are open,
// not released.
const frameRate = 5

// Init loads the directory and the status bar and starts the queue.
func (m *Model) Init() tea.Cmd {
	// The directory first, so the queue shows officers' names from its
	// first frame.
	cmds := []tea.Cmd{tea.Sequence(m.loadDirectory(), m.top().Init()), m.loadHealth(), m.readState(), m.tick(), m.waitOutside()}
	if m.theme == ThemeAuto {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	return tea.Batch(cmds...)
}

// tick fires at the next minute of the clock.
func (m *Model) tick() tea.Cmd {
	now := m.app.clock.Now()
	next := now.Truncate(refreshEvery).Add(refreshEvery)
	return tea.Tick(next.Sub(now), func(time.Time) tea.Msg { return tickMsg{} })
}

// waitOutside waits, in a command, for Config.Changes to fire.
func (m *Model) waitOutside() tea.Cmd {
	if m.changes == nil {
		return nil
	}
	ch, ctx := m.changes, m.app.ctx
	return func() tea.Msg {
		select {
		case _, ok := <-ch:
			if !ok {
				return nil
			}
			return outsideMsg{}
		case <-ctx.Done():
			return nil
		}
	}
}

// readState reads the exchange's state and the data generation in a
// command.
func (m *Model) readState() tea.Cmd {
	if m.sync == nil && m.changed == nil {
		return nil
	}
	syncFn, changed, since := m.sync, m.changed, m.lastGen
	return func() tea.Msg {
		var msg stateMsg
		if syncFn != nil {
			msg.sync = syncFn()
		}
		if changed != nil {
			msg.changes = changed(since)
		}
		return msg
	}
}

func (m *Model) loadHealth() tea.Cmd {
	a := m.app
	return func() tea.Msg {
		h, err := a.store.Health(a.ctx)
		return healthMsg{h, err}
	}
}

func (m *Model) loadDirectory() tea.Cmd {
	a := m.app
	return func() tea.Msg {
		o, err := a.store.Officers(a.ctx)
		if err != nil {
			return directoryMsg{err: err}
		}
		ag, err := a.store.Agencies(a.ctx)
		return directoryMsg{officers: o, agencies: ag, err: err}
	}
}

// resize gives every screen the body's size when it changed: the terminal
// less the header, the message line, the status bar and the help bar (whose
// height depends on the top screen and on full help).
func (m *Model) resize() {
	w, h := max(m.width, 20), max(m.height, 6)
	bh := max(h-headerHeight-2-m.helpLines(w), 1)
	if w == m.bodyW && bh == m.bodyH {
		return
	}
	m.bodyW, m.bodyH = w, bh
	for _, s := range m.stack {
		s.SetSize(w, bh)
	}
}

// helpLines is the help bar's height at width w.
func (m *Model) helpLines(w int) int {
	return strings.Count(m.helpView(w), "\n") + 1
}

// searchOnStack is the subject search screen's place on the stack, or -1.
func (m *Model) searchOnStack() int {
	for i, s := range m.stack {
		if _, ok := s.(*subjectSearch); ok {
			return i
		}
	}
	return -1
}

func (m *Model) top() Screen { return m.stack[len(m.stack)-1] }

// Update routes one message: frame messages here, input to the top screen,
// everything else to every screen. Afterwards the screens learn the body's
// size if it changed (the help bar may have grown or shrunk).
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.update(msg)
	m.resize()
	return m, cmd
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.help.SetWidth(msg.Width)
		return nil

	case tea.BackgroundColorMsg:
		if m.theme == ThemeAuto {
			m.dark = msg.IsDark()
			m.restyle()
			return m.broadcast(restyledMsg{})
		}
		return nil
	case tea.ColorProfileMsg:
		m.noColour = msg.Profile == colorprofile.ASCII || msg.Profile == colorprofile.NoTTY
		m.restyle()
		return m.broadcast(restyledMsg{})

	case tea.KeyPressMsg:
		m.message, m.messageErr = "", false
		k := m.app.keys
		switch {
		case key.Matches(msg, k.ForceQuit):
			return tea.Quit
		case m.top().Capturing():
			// typing: every other key belongs to the screen
		case key.Matches(msg, k.Quit):
			return tea.Quit
		case key.Matches(msg, k.Help):
			m.fullHelp = !m.fullHelp
			return nil
		case key.Matches(msg, k.SubjectSearch):
			if _, ok := m.top().(dialog); ok {
				break
			}
			if readOnly(m.app.officer) {
				return failure("Auditors do not search subjects: the query log (L) shows who searched what, and why.")
			}
			// One search screen: go back to it, keeping its query.
			if i := m.searchOnStack(); i >= 0 {
				m.stack = m.stack[:i+1]
				return nil
			}
			return push(newSubjectSearch(m.app))
		case key.Matches(msg, k.QueryLog) && m.app.queryLog != nil && canReadQueryLog(m.app.officer):
			if _, ok := m.top().(dialog); ok {
				break
			}
			for i, s := range m.stack {
				if _, ok := s.(*queryLogScreen); ok {
					m.stack = m.stack[:i+1]
					return nil
				}
			}
			return push(newQueryLog(m.app, m.app.queryLog))
		case key.Matches(msg, k.SyncScreen):
			if _, ok := m.top().(*syncScreen); ok {
				return nil
			}
			if _, ok := m.top().(dialog); ok {
				break
			}
			return push(newSyncScreen(m.app))
		}
		cmd := m.top().Update(msg)
		return cmd

	case tea.MouseClickMsg:
		msg.Y -= headerHeight
		return m.top().Update(msg)
	case tea.MouseWheelMsg:
		msg.Y -= headerHeight
		return m.top().Update(msg)
	case tea.MouseMsg:
		return nil
	case tea.PasteMsg:
		return m.top().Update(msg)

	case pushMsg:
		if r, ok := msg.screen.(recordScreen); ok {
			for i, s := range m.stack {
				if o, ok := s.(recordScreen); ok && o.record() == r.record() {
					m.stack = m.stack[:i+1]
					return nil
				}
			}
		}
		m.stack = append(m.stack, msg.screen)
		msg.screen.SetSize(m.bodyW, m.bodyH)
		return msg.screen.Init()
	case popMsg:
		if len(m.stack) > 1 && (msg.from == nil || msg.from == m.top()) {
			m.stack = m.stack[:len(m.stack)-1]
		}
		return nil
	case replaceMsg:
		if msg.from == m.top() {
			m.stack[len(m.stack)-1] = msg.with
			msg.with.SetSize(m.bodyW, m.bodyH)
			return msg.with.Init()
		}
		return nil
	case noticeMsg:
		m.message, m.messageErr = msg.text, msg.err
		return nil

	case changedMsg:
		if msg.err != nil {
			// The dialog stays open so the officer can correct it or cancel.
			m.message, m.messageErr = cases.ErrorMessage(msg.err), true
			return nil
		}
		if msg.from != nil && msg.from == m.top() && len(m.stack) > 1 {
			m.stack = m.stack[:len(m.stack)-1]
		}
		m.message, m.messageErr = msg.done, false
		return tea.Batch(m.loadHealth(), m.readState(), m.broadcast(msg))

	case healthMsg:
		m.health, m.healthErr = msg.health, msg.err
		return m.broadcast(msg) // the queue says why some cases are not shown
	case directoryMsg:
		if msg.err != nil {
			m.message, m.messageErr = "Officers directory: "+cases.ErrorMessage(msg.err), true
		}
		for _, o := range msg.officers {
			m.app.officers[o.ID] = o
		}
		m.app.agencies = msg.agencies
		return m.broadcast(msg)
	case tickMsg:
		return tea.Batch(m.tick(), m.broadcast(msg))
	case outsideMsg:
		return tea.Batch(m.readState(), m.waitOutside())
	case stateMsg:
		m.app.sync = msg.sync
		ch := msg.changes
		if m.changed == nil || ch.Generation <= m.lastGen {
			// Nothing new (or an answer to an older read that crossed a
			// newer one).
			return m.broadcast(msg)
		}
		m.lastGen = ch.Generation
		if ch.Empty() {
			return m.broadcast(msg)
		}
		if !m.messageErr && (ch.All || len(ch.Cases) > 0) {
			// "EC-PN-… is now In review." may no longer be true: the
			// partner's changes just arrived.
			m.message = ""
		}
		return tea.Batch(m.loadHealth(), m.broadcast(msg), m.broadcast(reloadMsg{ch}))
	}
	return m.broadcast(msg)
}

// broadcast gives msg to every screen on the stack.
func (m *Model) broadcast(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	for _, s := range m.stack {
		if cmd := s.Update(msg); cmd != nil {
			cmds = append(cmds, cmd)
		}
	}
	return tea.Batch(cmds...)
}

// restyle rebuilds the style sheet for the theme and the terminal.
func (m *Model) restyle() {
	s := NewStyles(m.dark)
	if m.noColour {
		s = s.withoutColour()
	}
	*m.app.styles = *s // screens hold the same pointer
	m.help.Styles = s.Help
}

// The smallest terminal the workstation draws its screens in; below it, it
// says how small the terminal is and still quits on q.
const (
	minWidth  = 40
	minHeight = 10
)

// tooSmall is the whole frame of a terminal too small for the screens.
func (m *Model) tooSmall() string {
	w, h := max(m.width, 1), max(m.height, 1)
	text := fmt.Sprintf("Enlace needs %d×%d; this terminal is %d×%d. Enlarge it, or q quits.", minWidth, minHeight, m.width, m.height)
	lines := wrapLines(text, w)
	return fit(strings.Join(lines, "\n"), w, h)
}

// headerHeight is the number of lines above the body.
const headerHeight = 1

// View draws the frame around the top screen (and, for a dialog, the screen
// beneath it).
func (m *Model) View() tea.View {
	v := tea.NewView(m.Render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "Enlace — " + m.top().Title()
	return v
}

// Render draws the whole screen as text: the View's content.
func (m *Model) Render() string {
	if m.width < minWidth || m.height < minHeight {
		return m.tooSmall()
	}
	w := m.bodyW
	helpView := m.helpView(w)
	helpLines := strings.Count(helpView, "\n") + 1
	bodyHeight := m.bodyH

	var body, cut string
	top := m.top()
	if _, ok := top.(dialog); ok && len(m.stack) > 1 {
		under := m.stack[len(m.stack)-2].View()
		box := top.View()
		bw, bh := lipgloss.Width(box), lipgloss.Height(box)
		if bh > bodyHeight {
			// The box's foot (its field, its keys) would go unseen.
			cut = fmt.Sprintf("Enlarge the terminal by %s to see all of this dialog.", count(bh-bodyHeight, "line", "lines"))
		}
		x, y := max((w-bw)/2, 0), max((bodyHeight-bh)/2, 0)
		body = lipgloss.NewCompositor(
			lipgloss.NewLayer(under),
			lipgloss.NewLayer(box).X(x).Y(y).Z(1),
		).Render()
	} else {
		body = top.View()
	}
	body = m.fitBody(body, w, bodyHeight)

	var b strings.Builder
	b.WriteString(m.header(w))
	b.WriteByte('\n')
	b.WriteString(body)
	b.WriteByte('\n')
	if cut != "" && m.message == "" {
		b.WriteString(m.app.styles.Failure.Render(pad("✗ "+cut, w)))
	} else {
		b.WriteString(m.messageLine(w))
	}
	b.WriteByte('\n')
	b.WriteString(m.statusBar(w))
	b.WriteByte('\n')
	b.WriteString(fit(helpView, w, helpLines))
	return b.String()
}

// fitBody is fit(body, w, h), remembered for the last body: Bubble Tea
// asks for the whole frame after every message, and most messages (a sync
// round, the idle check, a tick) leave the body as it was, whose every line
// fit would otherwise measure again.
func (m *Model) fitBody(body string, w, h int) string {
	if c := &m.fitted; c.in != body || c.w != w || c.h != h {
		*c = fittedBody{in: body, w: w, h: h, out: fit(body, w, h)}
	}
	return m.fitted.out
}

// helpView is the help bar at width w: the top screen's keys, or every key
// on "?".
func (m *Model) helpView(w int) string {
	short, full := m.top().Help()
	h := m.help
	h.SetWidth(w)
	if m.fullHelp {
		keys := fullHelpRows(h, append(full, m.globalHelp()), w)
		if e, ok := m.top().(explainer); ok {
			var lines []string
			for _, p := range e.Explain() {
				for _, l := range wrapLines(p, w-2) {
					lines = append(lines, " "+m.app.styles.Muted.Render(l))
				}
			}
			return strings.Join(lines, "\n") + "\n" + keys
		}
		return keys
	}
	// Help and quit first, so a narrow terminal still shows them.
	lead := []key.Binding{m.app.keys.Help, m.quitBinding()}
	if _, isDialog := m.top().(dialog); !m.top().Capturing() && !isDialog {
		lead = append(lead, m.globalKeys()...)
	}
	bindings := append(lead, short...)
	// The bar is drawn again for every frame and every resize check, and
	// is the same but when the screen or its state changes: keep the last.
	var k strings.Builder
	fmt.Fprintf(&k, "%d %t %t", w, m.app.styles.Dark, m.noColour) // restyle keeps the pointer
	for _, b := range bindings {
		if b.Enabled() {
			k.WriteString("\x00" + b.Help().Key + "\x01" + b.Help().Desc)
		}
	}
	if c := &m.shortHelp; c.key != k.String() {
		c.key, c.view = k.String(), h.ShortHelpView(bindings)
	}
	return m.shortHelp.view
}

// fullHelpRows lays the full help's columns out in as many rows as the
// width needs, so that a narrow terminal shows every key (help.Model cuts
// the columns that do not fit, and the global keys come last).
func fullHelpRows(h help.Model, groups [][]key.Binding, w int) string {
	h.SetWidth(0) // measure without cutting
	var rows []string
	for len(groups) > 0 {
		n := len(groups)
		for n > 1 && lipgloss.Width(h.FullHelpView(groups[:n])) > w {
			n--
		}
		rows = append(rows, h.FullHelpView(groups[:n]))
		groups = groups[n:]
	}
	h.SetWidth(w)
	return strings.Join(rows, "\n")
}

func (m *Model) quitBinding() key.Binding {
	if m.top().Capturing() {
		return m.app.keys.ForceQuit
	}
	return m.app.keys.Quit
}

func (m *Model) globalHelp() []key.Binding {
	k := m.app.keys
	return append([]key.Binding{k.Help, k.Back, k.Quit, k.ForceQuit, k.Lock}, m.globalKeys()...)
}

// globalKeys are the screens reachable from anywhere, for this officer: the
// subject search (not for auditors), the query log (auditors and
// supervisors) and the sync screen.
func (m *Model) globalKeys() []key.Binding {
	k := m.app.keys
	var out []key.Binding
	if !readOnly(m.app.officer) {
		out = append(out, k.SubjectSearch)
	}
	if m.app.queryLog != nil && canReadQueryLog(m.app.officer) {
		out = append(out, k.QueryLog)
	}
	return append(out, k.SyncScreen)
}

// header is the top line: where the officer is, and who they are.
func (m *Model) header(w int) string {
	st := m.app.styles
	path := "Enlace"
	for _, s := range m.stack {
		if _, ok := s.(dialog); ok {
			continue
		}
		path += " › " + s.Title()
	}
	o := m.app.officer
	who := o.Name
	if who == "" {
		who = o.ID
	}
	left := " " + path
	right := fmt.Sprintf("%s · %s · %s ", who, m.app.agency.Code, rolesOrNone(o))
	if m.app.agency.Name != "" {
		long := fmt.Sprintf("%s · %s %s · %s ", who, m.app.agency.Code, m.app.agency.Name, rolesOrNone(o))
		if lipgloss.Width(left)+lipgloss.Width(long)+1 <= w {
			right = long
		}
	}
	if lipgloss.Width(left)+lipgloss.Width(right)+1 > w {
		right = truncate(right, max(w-lipgloss.Width(left)-1, 0))
	}
	gap := max(w-lipgloss.Width(left)-lipgloss.Width(right), 0)
	return truncate(st.HeaderTitle.Render(left)+st.Header.Render(strings.Repeat(" ", gap))+st.HeaderDim.Render(right), w)
}

func rolesOrNone(o cases.Officer) string {
	if len(o.Roles) == 0 {
		return "no role"
	}
	return o.RoleLabel()
}

// messageLine shows the outcome of the last action, or an error.
func (m *Model) messageLine(w int) string {
	if m.message == "" {
		return strings.Repeat(" ", w)
	}
	st := m.app.styles.Notice
	prefix := ""
	if m.messageErr {
		st, prefix = m.app.styles.Failure, "✗ "
	}
	return st.Render(pad(prefix+m.message, w))
}

// statusBar states the store's and the exchange's condition.
func (m *Model) statusBar(w int) string {
	st := m.app.styles
	var left string
	if m.healthErr != nil {
		left = st.StatusWarn.Render(" store: " + cases.ErrorMessage(m.healthErr))
	} else {
		h := m.health
		// What waits to be sent is the exchange's part of the bar.
		left = st.StatusBar.Render(fmt.Sprintf(" %s · %s",
			count(h.Cases, "case", "cases"), count(h.Subjects, "subject", "subjects")))
	}
	right := m.syncText(w-lipgloss.Width(left)-2) + st.StatusBar.Render(" ")
	gap := max(w-lipgloss.Width(left)-lipgloss.Width(right), 1)
	return truncate(left+st.StatusBar.Render(strings.Repeat(" ", gap))+right, w)
}

func (m *Model) syncText(width int) string {
	return syncSummary(m.app.styles, m.app.sync, m.app.clock.Now(), width)
}

// syncSummary is the exchange's condition in one line of at most width
// cells when it can: connected or offline (and why, in plain words), the age
// of the last successful sync, what waits to be sent, the cases in conflict
// and the events the hub refused. Where the line is too narrow the age goes
// first, then what waits to be sent, so that conflicts and refusals stay in
// sight.
func syncSummary(st *Styles, s cases.SyncState, now time.Time, width int) string {
	if !s.Configured {
		return st.StatusDim.Render("○ this desk does not sync")
	}
	type part struct {
		text string
		drop int // the order in which parts go when the line is too narrow; 0 stays
	}
	var parts []part
	switch {
	case s.Connected:
		parts = append(parts, part{st.StatusGood.Render("● connected"), 0})
	case s.LastError == "":
		// No round has ended yet.
		parts = append(parts, part{st.StatusDim.Render("○ connecting…"), 0})
	default:
		parts = append(parts, part{st.StatusWarn.Render("○ offline: " + plainSyncError(s.LastError)), 0})
	}
	if s.LastSync.IsZero() {
		parts = append(parts, part{st.StatusBar.Render("never synced"), 1})
	} else {
		parts = append(parts, part{st.StatusBar.Render("synced " + agoMinutes(now, s.LastSync)), 1})
	}
	parts = append(parts, part{st.StatusBar.Render(thousands(s.Pending) + " to send"), 2})
	if s.Conflicts > 0 {
		parts = append(parts, part{st.StatusWarn.Render("⚠ " + count(s.Conflicts, "conflict", "conflicts")), 0})
	}
	if s.Rejected > 0 {
		parts = append(parts, part{st.StatusWarn.Render("✗ " + thousands(s.Rejected) + " refused"), 0})
	}
	sep := st.StatusBar.Render(" · ")
	join := func(upTo int) string {
		var kept []string
		for _, p := range parts {
			if p.drop == 0 || p.drop > upTo {
				kept = append(kept, p.text)
			}
		}
		return strings.Join(kept, sep)
	}
	line := join(0)
	for d := 1; d <= 2 && lipgloss.Width(line) > width; d++ {
		line = join(d)
	}
	return line
}

// plainSyncError says in a few plain words why the exchange is unreachable;
// the sync screen (y) shows the error in full.
func plainSyncError(err string) string {
	e := strings.ToLower(err)
	switch {
	case strings.Contains(e, "demo data is generated"):
		return "generating the demo data"
	case strings.Contains(e, "starting"):
		return "the exchange is starting"
	case strings.Contains(e, "could not start"):
		return "the exchange could not start"
	case strings.Contains(e, "connection refused"), strings.Contains(e, "no such host"),
		strings.Contains(e, "network is unreachable"), strings.Contains(e, "no route to host"),
		strings.Contains(e, "connection reset"), strings.Contains(e, "eof"), strings.Contains(e, "unreachable"):
		return "the hub does not answer"
	case strings.Contains(e, "timeout"), strings.Contains(e, "deadline exceeded"):
		return "the hub is too slow to answer"
	case strings.Contains(e, "certificate"), strings.Contains(e, "tls"), strings.Contains(e, "x509"):
		return "the hub's certificate was refused"
	case strings.Contains(e, "answered 401"), strings.Contains(e, "answered 403"):
		return "the hub refused this desk"
	case strings.Contains(e, "answered 5"):
		return "the hub has a fault"
	}
	return "the last sync failed"
}
