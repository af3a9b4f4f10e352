package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/enlace-desk/enlace/cases"
)

// syncScreen shows the exchange: where the hub is, whether it answers, what
// waits to be sent, conflicts, refusals, the last error and the recent
// rounds. It redraws from the state the root polls every second.
type syncScreen struct {
	app           *app
	offset        int
	width, height int
	total         int // lines in the page last drawn
}

func newSyncScreen(a *app) *syncScreen { return &syncScreen{app: a} }

func (v *syncScreen) Title() string   { return "Sync" }
func (v *syncScreen) Capturing() bool { return false }
func (v *syncScreen) Init() tea.Cmd   { return nil }

func (v *syncScreen) Update(msg tea.Msg) tea.Cmd {
	k := v.app.keys
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, k.Back):
			return pop(v)
		case key.Matches(msg, k.Up):
			v.scroll(-1)
		case key.Matches(msg, k.Down):
			v.scroll(1)
		case key.Matches(msg, k.PageUp):
			v.scroll(-max(v.height-1, 1))
		case key.Matches(msg, k.PageDown):
			v.scroll(max(v.height-1, 1))
		case key.Matches(msg, k.Top):
			v.offset = 0
		}
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			v.scroll(-wheelStep)
		case tea.MouseWheelDown:
			v.scroll(wheelStep)
		}
	}
	return nil
}

func (v *syncScreen) scroll(d int) {
	v.offset = max(min(v.offset+d, v.total-v.height), 0)
}

func (v *syncScreen) View(width, height int) string {
	v.width, v.height = width, height
	lines := strings.Split(v.page(width), "\n")
	v.total = len(lines)
	v.offset = max(min(v.offset, len(lines)-height), 0)
	return strings.Join(lines[v.offset:min(v.offset+height, len(lines))], "\n")
}

func (v *syncScreen) page(width int) string {
	st := v.app.styles
	s := v.app.sync
	now := v.app.clock.Now()
	var b strings.Builder
	line := func(text string) { b.WriteString(text); b.WriteByte('\n') }
	fact := func(name, value string) { line(" " + st.Label.Render(pad(name, 20)) + value) }

	line(st.Section.Render(" Exchange"))
	if !s.Configured {
		line(st.Muted.Render("   No exchange is configured for this desk: work stays on this machine."))
		return strings.TrimSuffix(b.String(), "\n")
	}
	state := st.StatusGood.UnsetBackground().Render("● connected")
	if !s.Connected {
		state = st.Warning.Render("○ offline")
	}
	fact("Hub", st.Text.Render(orDash(s.HubURL))+"  "+state)
	last := st.Muted.Render("never")
	if !s.LastSync.IsZero() {
		last = st.Text.Render(stamp(s.LastSync) + " (" + agoSeconds(now, s.LastSync) + ")")
	}
	fact("Last good sync", last)
	fact("Waiting to be sent", st.Text.Render(count(s.Pending, "event", "events")))
	conflicts := st.Text.Render("none")
	if s.Conflicts > 0 {
		conflicts = st.Conflict.Render("⚠ " + count(s.Conflicts, "case", "cases") + ": a supervisor must resolve each (R in the case)")
	}
	fact("In conflict", conflicts)
	refused := st.Text.Render("none")
	if s.Rejected > 0 {
		refused = st.Danger.Render("✗ " + count(s.Rejected, "event", "events"))
	}
	fact("Refused by the hub", refused)
	lastErr := st.Muted.Render("none")
	if s.LastError != "" {
		lastErr = st.Danger.Render(truncate(s.LastError, max(width-22, 10)))
	}
	fact("Last error", lastErr)

	line("")
	line(st.Section.Render(fmt.Sprintf(" Recent rounds (%d)", len(s.Rounds))))
	if len(s.Rounds) == 0 {
		line(st.Muted.Render("   No round has run yet."))
		return strings.TrimSuffix(b.String(), "\n")
	}
	const (
		wStarted = 20
		wTook    = 7
		wNum     = 7
	)
	head := "  " + pad("Started (UTC)", wStarted) + " " + padLeft("Took", wTook) + " " + padLeft("Pushed", wNum) + " " +
		padLeft("Pulled", wNum) + " " + padLeft("Refused", wNum) + "  Error"
	line(st.ColumnHeader.Render(truncate(head, width)))
	for _, r := range s.Rounds {
		row := "  " + st.Time.Render(pad(r.Started.UTC().Format("2006-01-02 15:04:05"), wStarted)) + " " + st.Text.Render(padLeft(seconds(r.Duration), wTook)) + " " +
			st.Text.Render(padLeft(thousands(r.Pushed), wNum)) + " " + st.Text.Render(padLeft(thousands(r.Pulled), wNum)) + " "
		if r.Rejected > 0 {
			row += st.Danger.Render(padLeft(thousands(r.Rejected), wNum))
		} else {
			row += st.Text.Render(padLeft("0", wNum))
		}
		if r.Err != "" {
			row += "  " + st.Danger.Render(r.Err)
		}
		line(truncate(row, width))
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func (v *syncScreen) Help() ([]key.Binding, [][]key.Binding) {
	k := v.app.keys
	return []key.Binding{k.Down, k.Back}, [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Back}}
}

// resolveDialog settles a case in conflict: the supervisor picks the status
// the case should have (any status) and says why.
type resolveDialog struct {
	app    *app
	c      *cases.Case
	list   picker
	reason textinput.Model
}

func newResolveDialog(a *app, c *cases.Case) *resolveDialog {
	d := &resolveDialog{app: a, c: c}
	for i, s := range cases.Statuses {
		label := s.Label()
		if s == c.Status {
			label += "  (as it stands)"
			d.list.cursor = i
		}
		d.list.choices = append(d.list.choices, label)
	}
	d.reason = textinput.New()
	d.reason.Prompt = "Reason: "
	d.reason.Placeholder = "required: why the case takes this status"
	d.reason.CharLimit = 500
	d.reason.SetStyles(a.styles.TextInput)
	return d
}

func (d *resolveDialog) isDialog()       {}
func (d *resolveDialog) Title() string   { return "Resolve" }
func (d *resolveDialog) Capturing() bool { return true }
func (d *resolveDialog) Init() tea.Cmd   { return d.reason.Focus() }

func (d *resolveDialog) Update(msg tea.Msg) tea.Cmd {
	k := d.app.keys
	switch msg := msg.(type) {
	case tea.PasteMsg:
		var cmd tea.Cmd
		d.reason, cmd = d.reason.Update(msg)
		return cmd
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, k.Cancel):
			return pop(d)
		case pickerKey(k, &d.list, msg, true):
			return nil
		case key.Matches(msg, k.Confirm):
			to := cases.Statuses[d.list.cursor]
			reason := strings.TrimSpace(d.reason.Value())
			if reason == "" {
				return failure("Say why the case takes this status: the reason is required.")
			}
			a, id := d.app, d.c.ID
			return func() tea.Msg {
				err := a.store.ResolveConflict(a.ctx, a.officer, id, to, reason)
				return changedMsg{from: d, caseID: id, done: fmt.Sprintf("Conflict on %s resolved: the case is %s.", id, to.Label()), err: err}
			}
		}
		var cmd tea.Cmd
		d.reason, cmd = d.reason.Update(msg)
		return cmd
	}
	return nil
}

func (d *resolveDialog) View(width, height int) string {
	inner := min(dialogWidth, width-4)
	d.reason.SetWidth(max(inner-10, 10))
	k := d.app.keys
	intro := d.app.styles.Muted.Render(truncate("Two status changes crossed between the desks. Which status should the case have?", inner))
	content := intro + "\n\n" + d.list.view(d.app.styles, inner) + "\n\n" + d.reason.View()
	return box(d.app, width, "Resolve the conflict on "+d.c.ID, content, "↑/↓ choose · "+hintText(k.Confirm, k.Cancel))
}

func (d *resolveDialog) Help() ([]key.Binding, [][]key.Binding) {
	k := d.app.keys
	return []key.Binding{k.Up, k.Down, k.Confirm, k.Cancel}, [][]key.Binding{{k.Up, k.Down, k.Confirm, k.Cancel}}
}
