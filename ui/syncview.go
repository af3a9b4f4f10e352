package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/internal/cell"
)

// syncScreen shows the exchange: where the hub is, whether it answers, what
// waits to be sent, conflicts, refusals, the last error in full and the
// recent rounds. It is drawn again whenever the root reads a new state
// (after each sync round) and on the minute.
type syncScreen struct {
	app *app
	scrollPage
}

func newSyncScreen(a *app) *syncScreen { return &syncScreen{app: a} }

func (v *syncScreen) Title() string   { return "Sync" }
func (v *syncScreen) Capturing() bool { return false }
func (v *syncScreen) Init() tea.Cmd   { return nil }

// SetSize draws the page again for the new width.
func (v *syncScreen) SetSize(width, height int) {
	v.width, v.height = width, height
	v.setPage(v.page(width))
}

func (v *syncScreen) Update(msg tea.Msg) tea.Cmd {
	k := v.app.keys
	switch msg := msg.(type) {
	case stateMsg, tickMsg, restyledMsg:
		v.setPage(v.page(v.width))
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, k.Back):
			return pop(v)
		case key.Matches(msg, k.Up):
			v.scroll(-1)
		case key.Matches(msg, k.Down):
			v.scroll(1)
		case v.pageKey(k, msg):
		}
	case tea.MouseWheelMsg:
		v.wheel(msg)
	}
	return nil
}

func (v *syncScreen) View() string { return v.view(v.app.styles) }

func (v *syncScreen) page(width int) string {
	st := v.app.styles
	s := v.app.sync
	now := v.app.clock.Now()
	var b strings.Builder
	line := func(text string) { b.WriteString(text); b.WriteByte('\n') }
	fact := func(name, value string) { line(" " + st.Label.Render(pad(name, 20)) + value) }

	line(st.Section.Render(" Exchange"))
	if !s.Configured {
		line(st.Muted.Render("   This desk does not sync: it has no exchange set up (a sync.json beside its store, or the"))
		line(st.Muted.Render("   demo without --offline). Work stays on this machine."))
		return strings.TrimSuffix(b.String(), "\n")
	}
	state := st.StatusGood.UnsetBackground().Render("● connected")
	if !s.Connected {
		state = st.Warning.Render("○ offline")
	}
	fact("Hub", st.Text.Render(orDash(s.HubURL))+"  "+state)
	last := st.Muted.Render("never")
	if !s.LastSync.IsZero() {
		last = st.Text.Render(stamp(s.LastSync) + " (" + agoMinutes(now, s.LastSync) + ")")
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
	quarantined := st.Text.Render("none")
	if s.Quarantined > 0 {
		quarantined = st.Danger.Render("✗ " + count(s.Quarantined, "event", "events") + " received and not applied (they broke the rules)")
	}
	fact("Quarantined", quarantined)
	for _, q := range s.Quarantine {
		if !v.app.officer.Has(cases.RoleSupervisor) {
			break
		}
		// Supervisors inspect them: what came, from whom, and why not.
		line(truncate(" "+pad("", 20)+st.Muted.Render(fmt.Sprintf("%s from %s (%s): %s", q.Kind, cell.Text(q.Author), cell.Text(q.Agency), cell.Text(q.Reason))), width))
	}
	if s.LastError == "" {
		fact("Last error", st.Muted.Render("none"))
	} else {
		fact("Last error", st.Danger.Render(plainSyncError(s.LastError)))
		for _, l := range wrapLines(s.LastError, width-22) {
			line(" " + pad("", 20) + st.Muted.Render(l))
		}
	}

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
	size
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

// SetSize fits the reason field into the dialog.
func (d *resolveDialog) SetSize(width, height int) {
	d.size.SetSize(width, height)
	d.reason.SetWidth(max(min(dialogWidth, d.width-4)-10, 10))
}

func (d *resolveDialog) View() string {
	inner := min(dialogWidth, d.width-4)
	k := d.app.keys
	var intro []string
	for _, l := range wrapLines("Two status changes crossed between the desks. Which status should the case have?", inner) {
		intro = append(intro, d.app.styles.Muted.Render(l))
	}
	content := strings.Join(intro, "\n") + "\n\n" + d.list.view(d.app.styles, inner) + "\n\n" + d.reason.View()
	return box(d.app, d.width, "Resolve the conflict on "+d.c.ID, content, "↑/↓ choose · "+hintText(k.Confirm, k.Cancel))
}

// Help: the reason field takes letters, so only the arrows move the choice.
func (d *resolveDialog) Help() ([]key.Binding, [][]key.Binding) {
	k := d.app.keys
	return []key.Binding{k.ChooseUp, k.ChooseDown, k.Confirm, k.Cancel}, [][]key.Binding{{k.ChooseUp, k.ChooseDown, k.Confirm, k.Cancel}}
}
