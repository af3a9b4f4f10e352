package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/internal/cell"
)

// QueryLog reads the query log: every subject search, fingerprint search
// and view of a person, newest first. The store implements it; the UI
// defines it because only the query-log screen needs it.
type QueryLog interface {
	// QueryLogOf returns one agency's entries, newest first, up to limit.
	QueryLogOf(ctx context.Context, agency string, limit int) ([]cases.QueryLogEntry, error)
}

// queryLogLimit is how many entries the screen reads, newest first.
const queryLogLimit = 5000

// canReadQueryLog reports whether an officer may read the query log: the
// auditors and the supervisors (agreement Art. 15).
func canReadQueryLog(o cases.Officer) bool {
	return o.Has(cases.RoleAuditor) || o.Has(cases.RoleSupervisor)
}

// readOnly reports whether an officer only reads: an auditor with no other
// role changes nothing and searches nothing, so is offered no action keys.
func readOnly(o cases.Officer) bool {
	return !o.Has(cases.RoleOfficer) && !o.Has(cases.RoleSupervisor)
}

// queryLogScreen is the auditor's screen: the query log as a list, newest
// first, narrowed by a filter whose words must all appear in an entry's
// officer, agency, kind, purpose, date or query (accents and case folded):
// "/jvera border 2026-03-16" is Jorge Vera's border searches of that day.
type queryLogScreen struct {
	app *app
	log QueryLog
	size
	nav listNav

	loaded  bool
	err     error
	all     []cases.QueryLogEntry
	text    []string // folded searchable text per entry
	shown   []int    // indexes into all, after the filter
	typing  bool
	input   textinput.Model
	words   []string // the filter, folded
	typed   string
	columns [5]int // officer, kind, purpose, results, query widths
}

type queryLogMsg struct {
	list []cases.QueryLogEntry
	err  error
}

func newQueryLog(a *app, log QueryLog) *queryLogScreen {
	in := textinput.New()
	in.Prompt = "/ "
	in.Placeholder = "officer, purpose, kind, date (2026-03-16) or query"
	in.SetStyles(a.styles.TextInput)
	return &queryLogScreen{app: a, log: log, input: in}
}

func (s *queryLogScreen) Title() string   { return "Query log" }
func (s *queryLogScreen) Capturing() bool { return s.typing }
func (s *queryLogScreen) Init() tea.Cmd   { return s.load() }

// queryLogTop is the lines above the entries: the summary and the headings.
const queryLogTop = 2

func (s *queryLogScreen) SetSize(width, height int) {
	s.size.SetSize(width, height)
	s.input.SetWidth(max(width-30, 10))
	s.nav.setSize(queryLogTop, height-queryLogTop)
	// Time (19) and results (7) keep their width; officer, kind and
	// purpose take a share; the query takes the rest.
	rest := max(width-2-19-2-7-2-2*4, 30)
	s.columns = [5]int{rest * 22 / 100, 11, rest * 24 / 100, 7, 0}
	s.columns[4] = max(rest-s.columns[0]-s.columns[1]-s.columns[2], 10)
}

func (s *queryLogScreen) load() tea.Cmd {
	a, log := s.app, s.log
	return func() tea.Msg {
		list, err := log.QueryLogOf(a.ctx, a.officer.Agency, queryLogLimit)
		return queryLogMsg{list, err}
	}
}

func (s *queryLogScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case queryLogMsg:
		s.loaded, s.err = true, msg.err
		if msg.err == nil {
			s.all = msg.list
			s.text = make([]string, len(s.all))
			for i, e := range s.all {
				s.text[i] = foldFilter(strings.Join([]string{e.OfficerID, s.app.officerName(e.OfficerID), e.Agency, e.Kind,
					e.Purpose.Label(), e.PurposeText, e.At.UTC().Format(time.DateOnly), e.Query}, " "))
			}
			s.refilter()
		}
		return nil
	case changedMsg:
		return s.load() // a search made meanwhile is logged
	case reloadMsg:
		// The exchange brings no query-log entries; demo data does.
		if msg.changes.All {
			return s.load()
		}
		return nil
	case tea.KeyPressMsg:
		return s.key(msg)
	case tea.MouseWheelMsg, tea.MouseClickMsg:
		s.nav.update(s.app.keys, msg, false)
	}
	return nil
}

func (s *queryLogScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	k := s.app.keys
	if s.typing {
		return typeFilter(k, &s.nav, &s.input, &s.typing, msg, s.setFilter)
	}
	switch {
	case key.Matches(msg, k.Back):
		if s.typed != "" {
			s.input.SetValue("")
			s.setFilter("")
			return nil
		}
		return pop(s)
	case key.Matches(msg, k.FilterLog):
		s.typing = true
		s.input.CursorEnd()
		return s.input.Focus()
	}
	s.nav.update(k, msg, false)
	return nil
}

// setFilter narrows the list to the entries holding every word typed.
func (s *queryLogScreen) setFilter(typed string) {
	s.typed = strings.TrimSpace(typed)
	s.words = strings.Fields(foldFilter(typed))
	s.refilter()
}

func (s *queryLogScreen) refilter() {
	s.shown = s.shown[:0]
	for i, t := range s.text {
		keep := true
		for _, w := range s.words {
			if !strings.Contains(t, w) {
				keep = false
				break
			}
		}
		if keep {
			s.shown = append(s.shown, i)
		}
	}
	s.nav.reset()
	s.nav.setLen(len(s.shown))
}

func (s *queryLogScreen) View() string {
	st := s.app.styles
	width := s.width
	var head string
	if s.typing {
		head = " " + s.input.View() + st.Muted.Render(fmt.Sprintf("  %s of %s", thousands(len(s.shown)), thousands(len(s.all))))
	} else {
		head = st.Section.Render(" Query log ") + st.Text.Render(fmt.Sprintf("%s of %s", thousands(len(s.shown)), thousands(len(s.all))))
		if s.typed != "" {
			head += st.Muted.Render(" · ") + st.FilterPrompt.Render("“"+s.typed+"”")
		}
		head += st.Muted.Render("  newest first · / filters by officer, purpose, kind, date or query")
	}
	out := []string{truncate(head, width)}
	empty := "No search has been logged yet."
	if len(s.all) > 0 {
		empty = "No entry holds every word of the filter: esc clears it."
	}
	if line, ok := listPlaceholder(st, s.loaded, s.err, len(s.shown), "Loading the query log…", empty); ok {
		return strings.Join(append(out, "", line), "\n")
	}
	c := s.columns
	row := func(at, officer, kind, purpose, results, query string) string {
		return pad(at, 19) + "  " + pad(officer, c[0]) + "  " + pad(kind, c[1]) + "  " + pad(purpose, c[2]) + "  " +
			padLeft(results, c[3]) + "  " + truncate(query, c[4])
	}
	out = append(out, st.ColumnHeader.Render(truncate("  "+row("Time (UTC)", "Officer", "Kind", "Purpose", "Results", "Query"), width)))
	from, to := s.nav.visible()
	for j := from; j < to; j++ {
		e := s.all[s.shown[j]]
		purpose := e.Purpose.Label()
		if e.PurposeText != "" {
			purpose += ": " + e.PurposeText
		}
		text := row(e.At.UTC().Format(time.DateTime), s.app.officerName(e.OfficerID), e.Kind, cell.Text(purpose), thousands(e.Results), cell.Text(e.Query))
		if j == s.nav.cursor {
			out = append(out, st.Selected.Render(pad("▸ "+text, width)))
		} else {
			out = append(out, truncate("  "+st.Text.Render(text), width))
		}
	}
	return strings.Join(out, "\n")
}

func (s *queryLogScreen) Help() ([]key.Binding, [][]key.Binding) {
	k := s.app.keys
	if s.typing {
		return []key.Binding{k.FindKeep, k.FindClear}, [][]key.Binding{{k.FindKeep, k.FindClear}}
	}
	return []key.Binding{k.FilterLog, k.Down, k.Back},
		[][]key.Binding{{k.FilterLog, k.Back}, {k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}}
}
