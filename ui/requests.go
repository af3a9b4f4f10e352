package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/enlace-desk/enlace/cases"
)

// The agreement's exchange in the workstation: a core-data request from a
// partner hit, and the requests queue where the owner approves or declines
// and the requester sees the answer.

// requestCoreData asks, from a candidate that is a partner's reference, for
// its core data on the encounter's case, with a reason the officer types.
func (id *identification) requestCoreData(a *app, c cases.Candidate) tea.Cmd {
	switch {
	case c.Reference == "":
		return failure("This candidate is your own agency's subject: open it instead of asking for it.")
	case id.caseID == "":
		return failure("A core-data request belongs to a case: open a case for this encounter first.")
	}
	ref, caseID := c.Reference, id.caseID
	var d *reasonDialog
	d = newReasonDialog(a, "Ask "+c.OwnerAgency+" for the core data of "+ref, "Reason: ", "why the data is needed (case "+caseID+")",
		func(reason string) tea.Cmd {
			return func() tea.Msg {
				f, err := a.exchange.RequestCoreData(a.ctx, a.officer, ref, caseID, a.purpose, a.purposeText, reason)
				if err != nil {
					return changedMsg{from: d, err: err}
				}
				return changedMsg{from: d, caseID: caseID, done: fmt.Sprintf("Request %s sent to %s; it is due %d hours after the hub receives it.",
					shortID(f.ID), f.OwnerAgency, a.exchange.Agreement().FollowUpDeadlineHours)}
			}
		})
	return push(d)
}

// reasonDialog takes one line of text (a reason) and hands it to submit.
type reasonDialog struct {
	app *app
	size
	title  string
	input  textinput.Model
	submit func(string) tea.Cmd
}

func newReasonDialog(a *app, title, prompt, placeholder string, submit func(string) tea.Cmd) *reasonDialog {
	in := textinput.New()
	in.Prompt = prompt
	in.Placeholder = placeholder
	in.CharLimit = 2000
	in.SetStyles(a.styles.TextInput)
	return &reasonDialog{app: a, title: title, input: in, submit: submit}
}

func (d *reasonDialog) isDialog()       {}
func (d *reasonDialog) Title() string   { return "Reason" }
func (d *reasonDialog) Capturing() bool { return true }
func (d *reasonDialog) Init() tea.Cmd   { return d.input.Focus() }

func (d *reasonDialog) Update(msg tea.Msg) tea.Cmd {
	k := d.app.keys
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	switch {
	case key.Matches(kp, k.Cancel):
		return pop(d)
	case key.Matches(kp, k.Confirm), key.Matches(kp, k.Save):
		text := strings.TrimSpace(d.input.Value())
		if text == "" {
			return failure("Give the reason: it is required.")
		}
		return d.submit(text)
	}
	var cmd tea.Cmd
	d.input, cmd = d.input.Update(kp)
	return cmd
}

// SetSize fits the input into the dialog.
func (d *reasonDialog) SetSize(width, height int) {
	d.size.SetSize(width, height)
	d.input.SetWidth(min(dialogWidth, width-4) - len(d.input.Prompt) - 1)
}

func (d *reasonDialog) View() string {
	k := d.app.keys
	return box(d.app, d.width, d.title, d.input.View(), "enter send · "+hintText(k.Cancel))
}

func (d *reasonDialog) Help() ([]key.Binding, [][]key.Binding) {
	k := d.app.keys
	return []key.Binding{k.Confirm, k.Cancel}, [][]key.Binding{{k.Confirm, k.Cancel}}
}

// requestsScreen lists the follow-up requests, incoming and outgoing, soonest
// due first, overdue ones flagged; on an incoming pending request the owner
// approves (the agreement's core data) or declines with a reason.
type requestsScreen struct {
	app *app
	size
	nav listNav

	list   []cases.FollowUp
	err    error
	loaded bool
}

// requestsTop is the lines above the rows: the title and the headings.
const requestsTop = 2

// SetSize places the list under the title and the headings.
func (s *requestsScreen) SetSize(width, height int) {
	s.size.SetSize(width, height)
	s.nav.setSize(requestsTop, height-requestsTop)
}

type requestsMsg struct {
	s    *requestsScreen
	list []cases.FollowUp
	err  error
}

func newRequests(a *app) *requestsScreen { return &requestsScreen{app: a} }

func (s *requestsScreen) Title() string   { return "Requests" }
func (s *requestsScreen) Capturing() bool { return false }
func (s *requestsScreen) Init() tea.Cmd   { return s.load() }

func (s *requestsScreen) load() tea.Cmd {
	a := s.app
	return func() tea.Msg {
		list, err := a.exchange.FollowUps(a.ctx, true, true)
		return requestsMsg{s: s, list: list, err: err}
	}
}

func (s *requestsScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case requestsMsg:
		if msg.s != s {
			return nil
		}
		s.list, s.err, s.loaded = msg.list, msg.err, true
		s.nav.setLen(len(s.list))
		return nil
	case changedMsg:
		return s.load()
	case reloadMsg:
		// Requests, their declines and disclosures are neither cases nor
		// subjects; a partner's reference is a subject.
		if ch := msg.changes; ch.All || ch.Other || len(ch.Subjects) > 0 {
			return s.load()
		}
		return nil
	case tea.KeyPressMsg:
		k := s.app.keys
		switch {
		case key.Matches(msg, k.Back):
			return pop(s)
		case key.Matches(msg, k.Approve):
			return s.approve()
		case key.Matches(msg, k.Decline):
			return s.decline()
		}
	}
	s.nav.update(s.app.keys, msg, false)
	return nil
}

func (s *requestsScreen) selected() (cases.FollowUp, tea.Cmd) {
	i := s.nav.selected()
	if i < 0 {
		return cases.FollowUp{}, failure("No request selected.")
	}
	f := s.list[i]
	switch {
	case !f.Incoming:
		return f, failure("This request is your agency's own: " + f.OwnerAgency + " answers it.")
	case f.Status != cases.FollowUpPending:
		return f, failure("Request " + shortID(f.ID) + " is already " + f.Status + ".")
	}
	return f, nil
}

func (s *requestsScreen) approve() tea.Cmd {
	f, fail := s.selected()
	if fail != nil {
		return fail
	}
	a := s.app
	return func() tea.Msg {
		d, err := a.exchange.ApproveFollowUp(a.ctx, a.officer, f.ID, nil)
		if err != nil {
			return changedMsg{err: err}
		}
		fields := make([]string, len(d.Fields))
		for i, x := range d.Fields {
			fields[i] = string(x)
		}
		return changedMsg{done: fmt.Sprintf("Disclosed %s of %s to %s under request %s.", strings.Join(fields, ", "), d.Reference, d.To, shortID(f.ID))}
	}
}

func (s *requestsScreen) decline() tea.Cmd {
	f, fail := s.selected()
	if fail != nil {
		return fail
	}
	a := s.app
	var d *reasonDialog
	d = newReasonDialog(a, "Decline request "+shortID(f.ID)+" from "+f.RequestingAgency, "Reason: ", "why the data is not disclosed",
		func(reason string) tea.Cmd {
			return func() tea.Msg {
				_, err := a.exchange.DeclineFollowUp(a.ctx, a.officer, f.ID, reason)
				return changedMsg{from: d, done: "Declined request " + shortID(f.ID) + ".", err: err}
			}
		})
	return push(d)
}

func (s *requestsScreen) View() string {
	st := s.app.styles
	width := s.width
	now := s.app.clock.Now()
	out := []string{st.Section.Render(fmt.Sprintf(" Follow-up requests (%d)", len(s.list))) +
		st.Muted.Render(fmt.Sprintf("  due %d h after the hub receives them · a approves · d declines", s.app.exchange.Agreement().FollowUpDeadlineHours))}
	if line, ok := listPlaceholder(st, s.loaded, s.err, len(s.list), "Loading the requests…",
		"No request yet: from a partner hit in a fingerprint search, c asks its owner for core data."); ok {
		return strings.Join(append(out, "", line), "\n")
	}
	refW := 24
	reasonW := max(width-2-9-refW-2-14-2-20-2-18-2, 10)
	row := func(dir, ref, who, due, status, reason string) string {
		return fmt.Sprintf("%-9s%-*s  %-14s  %-20s  %-18s  %s", dir, refW, truncate(ref, refW), truncate(who, 14), due, truncate(status, 18), truncate(reason, reasonW))
	}
	out = append(out, st.ColumnHeader.Render(truncate("  "+row("", "Reference", "Asked by", "Due", "Status", "Reason · answer"), width)))
	from, to := s.nav.visible()
	for i := from; i < to; i++ {
		f := s.list[i]
		dir := "to us"
		if !f.Incoming {
			dir = "ours"
		}
		due := "awaiting hub"
		if !f.Due.IsZero() {
			due = stamp(f.Due)
		}
		status := f.Status
		switch {
		case f.Overdue(now):
			status = "! OVERDUE"
		case f.Late():
			status += " (late)"
		}
		reason := f.Reason
		switch f.Status {
		case cases.FollowUpDeclined:
			reason = "declined: " + f.DeclineReason
		case cases.FollowUpApproved:
			reason = "disclosed by " + s.app.officerName(f.AnsweredBy) + " · " + f.Reason
		}
		text := row(dir, shortID(f.Reference), s.app.officerName(f.RequestedBy), due, status, reason)
		switch {
		case i == s.nav.cursor:
			out = append(out, st.Selected.Render(pad("▸ "+text, width)))
		case f.Overdue(now):
			out = append(out, truncate("  "+st.Danger.Render(text), width))
		default:
			out = append(out, truncate("  "+st.Text.Render(text), width))
		}
	}
	return strings.Join(out, "\n")
}

func (s *requestsScreen) Help() ([]key.Binding, [][]key.Binding) {
	k := s.app.keys
	return []key.Binding{k.Approve, k.Decline, k.Back}, [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}, {k.Approve, k.Decline, k.Back}}
}
