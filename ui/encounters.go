package ui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/enlace-desk/enlace/biometric"
	"github.com/enlace-desk/enlace/cases"
)

// encountersScreen lists the desk's encounters (when, where, who, how many
// fingers, the file they came from, their cases); Enter searches the
// selected one's prints, i imports interchange files.
type encountersScreen struct {
	app *app
	size
	nav listNav

	loaded  bool
	err     error
	list    []cases.EncounterSummary
	select_ string // select this encounter once loaded (just imported)
}

type encountersMsg struct {
	list []cases.EncounterSummary
	err  error
}

// importedMsg says an import created an encounter: the list selects it.
type importedMsg struct{ encounterID string }

func newEncounters(a *app) *encountersScreen { return &encountersScreen{app: a} }

func (s *encountersScreen) Title() string   { return "Encounters" }
func (s *encountersScreen) Capturing() bool { return false }
func (s *encountersScreen) Init() tea.Cmd   { return s.load() }

// encountersTop is the lines above the rows: the title and the headings.
const encountersTop = 2

// SetSize places the list under the title and the headings.
func (s *encountersScreen) SetSize(width, height int) {
	s.size.SetSize(width, height)
	s.nav.setSize(encountersTop, height-encountersTop)
}

func (s *encountersScreen) load() tea.Cmd {
	a := s.app
	return func() tea.Msg {
		list, err := a.identify.Encounters(a.ctx)
		return encountersMsg{list, err}
	}
}

func (s *encountersScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case encountersMsg:
		s.loaded, s.err = true, msg.err
		if msg.err != nil {
			return nil
		}
		s.list = msg.list
		s.nav.setLen(len(s.list))
		if s.select_ != "" {
			for i, e := range s.list {
				if e.ID == s.select_ {
					s.nav.selectIndex(i)
				}
			}
			s.select_ = ""
		}
		return nil
	case importedMsg:
		s.select_ = msg.encounterID
		return s.load()
	case changedMsg:
		return s.load()
	case reloadMsg:
		if ch := msg.changes; ch.All || ch.Other || len(ch.Subjects) > 0 {
			return s.load()
		}
		return nil
	case tea.KeyPressMsg:
		k := s.app.keys
		switch {
		case key.Matches(msg, k.Back):
			return pop(s)
		case key.Matches(msg, k.Import):
			return push(newImportDialog(s.app))
		case key.Matches(msg, k.Identify):
			return s.open()
		}
	}
	if _, open := s.nav.update(s.app.keys, msg, false); open {
		return s.open()
	}
	return nil
}

// open searches the selected encounter's prints.
func (s *encountersScreen) open() tea.Cmd {
	i := s.nav.selected()
	if i < 0 {
		return nil
	}
	e := s.list[i]
	caseID := ""
	if len(e.CaseIDs) > 0 {
		caseID = e.CaseIDs[0]
	}
	return push(newCandidates(s.app, e.ID, e.Place, caseID))
}

func (s *encountersScreen) View() string {
	st := s.app.styles
	width := s.width
	out := []string{st.Section.Render(fmt.Sprintf(" Encounters (%d)", len(s.list))) + st.Muted.Render("  enter searches the prints · i imports files")}
	if line, ok := listPlaceholder(st, s.loaded, s.err, len(s.list), "Loading the encounters…",
		"No encounter yet: press i to import an ANSI/NIST-ITL transaction or a template."); ok {
		return strings.Join(append(out, "", line), "\n")
	}
	// When, fingers and cases keep their width; place, officer and file
	// share the rest.
	rest := max(width-2-20-2-7-2-19-6, 30)
	placeW, officerW := rest*45/100, rest*22/100
	fileW := rest - placeW - officerW
	row := func(when, place, officer, fingers, file, cs string) string {
		return fmt.Sprintf("%-20s  %-*s  %-*s  %7s  %-*s  %s", when, placeW, truncate(place, placeW), officerW, truncate(officer, officerW),
			fingers, fileW, truncate(file, fileW), cs)
	}
	out = append(out, st.ColumnHeader.Render(truncate("  "+row("When", "Place", "Officer", "Fingers", "Source file", "Cases"), width)))
	from, to := s.nav.visible()
	for i := from; i < to; i++ {
		e := s.list[i]
		cs := "—"
		if len(e.CaseIDs) > 0 {
			cs = strings.Join(e.CaseIDs, ", ")
		}
		text := row(stamp(e.At), orDash(e.Place), s.app.officerName(e.OfficerID), fmt.Sprint(e.Fingers), orDash(e.SourceFile), cs)
		if i == s.nav.cursor {
			out = append(out, st.Selected.Render(pad("▸ "+text, width)))
		} else {
			out = append(out, truncate("  "+st.Text.Render(text), width))
		}
	}
	return strings.Join(out, "\n")
}

func (s *encountersScreen) Help() ([]key.Binding, [][]key.Binding) {
	k := s.app.keys
	return []key.Binding{k.Identify, k.Import, k.Down, k.Back},
		[][]key.Binding{{k.Identify, k.Import}, {k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.Back}}
}

// importDialog reads interchange files into the desk: the paths (space
// separated, ~ expanded), whether they make a new encounter or a new
// subject, and then what was read or why it was refused. A template whose
// file does not say which finger it holds cannot become a subject's finger
// as it is: the dialog then asks which finger it is, from a list of the ten
// (askFinger), and imports it as that finger.
type importDialog struct {
	size
	app       *app
	paths     textinput.Model
	asSubject bool
	running   bool
	res       *cases.ImportResult
	err       error

	// askFinger is the file whose template gives no finger position, while
	// the dialog asks for it; finger is the finger chosen (1–10).
	askFinger string
	finger    int
}

type importMsg struct {
	d   *importDialog
	res *cases.ImportResult
	err error
}

func newImportDialog(a *app) *importDialog {
	in := textinput.New()
	in.Prompt = "Files: "
	in.Placeholder = "paths separated by spaces; quote a path with spaces: ~/capture.an2 '/media/usb/prints 2.iso'"
	in.CharLimit = 4096
	in.SetStyles(a.styles.TextInput)
	return &importDialog{app: a, paths: in}
}

func (d *importDialog) isDialog()       {}
func (d *importDialog) Title() string   { return "Import" }
func (d *importDialog) Capturing() bool { return true }
func (d *importDialog) Init() tea.Cmd   { return d.paths.Focus() }

// splitPaths reads the paths typed or dropped on the terminal, as a shell
// would: separated by spaces, except inside '…' or "…" quotes or after a
// backslash ("My\ Documents/a.an2", "'/media/usb/prints 2.iso'"); a
// leading ~ is the officer's home. An unclosed quote runs to the end.
func splitPaths(s string) []string {
	home, _ := os.UserHomeDir()
	var out []string
	var cur strings.Builder
	inWord := false
	var quote rune
	flush := func() {
		if !inWord {
			return
		}
		p := cur.String()
		if home != "" && (p == "~" || strings.HasPrefix(p, "~/")) {
			p = filepath.Join(home, strings.TrimPrefix(p, "~"))
		}
		out = append(out, p)
		cur.Reset()
		inWord = false
	}
	escaped := false
	for _, r := range s {
		switch {
		case escaped:
			cur.WriteRune(r)
			escaped = false
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '\\':
			escaped, inWord = true, true
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t' || r == '\n':
			flush()
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	flush()
	return out
}

func (d *importDialog) Update(msg tea.Msg) tea.Cmd {
	k := d.app.keys
	switch msg := msg.(type) {
	case importMsg:
		if msg.d != d {
			return nil
		}
		d.running = false
		d.res, d.err = msg.res, msg.err
		var unknown *cases.FingerUnknownError
		if errors.As(msg.err, &unknown) && len(unknown.Files) == 1 {
			// Which finger is it? The officer chooses; nothing was stored.
			d.err, d.askFinger, d.finger = nil, unknown.Files[0], 1
			d.paths.Blur()
			return nil
		}
		if msg.err != nil {
			return nil
		}
		what := "Imported " + count(msg.res.Fingers, "finger", "fingers")
		var cmds []tea.Cmd
		if msg.res.EncounterID != "" {
			what += " as encounter " + msg.res.EncounterID + "."
			id := msg.res.EncounterID
			cmds = append(cmds, func() tea.Msg { return importedMsg{id} })
		} else {
			what += " as subject " + msg.res.SubjectID + "."
		}
		d.paths.SetValue("")
		cmds = append(cmds, func() tea.Msg { return changedMsg{done: what} })
		return tea.Sequence(cmds...)
	case tea.PasteMsg:
		var cmd tea.Cmd
		d.paths, cmd = d.paths.Update(msg)
		return cmd
	case tea.KeyPressMsg:
		if d.askFinger != "" {
			return d.chooseFinger(msg)
		}
		switch {
		case key.Matches(msg, k.Cancel):
			return pop(d)
		case key.Matches(msg, k.Toggle):
			d.asSubject = !d.asSubject
			return nil
		case key.Matches(msg, k.RunImport):
			return d.run(0)
		}
		var cmd tea.Cmd
		d.paths, cmd = d.paths.Update(msg)
		return cmd
	}
	return nil
}

// run imports the files named, giving finger (1–10) to a template whose
// file names none; 0 leaves it unknown.
func (d *importDialog) run(finger int) tea.Cmd {
	if d.running {
		return nil
	}
	paths := splitPaths(d.paths.Value())
	if len(paths) == 0 {
		return failure("Name at least one file to import.")
	}
	d.running, d.res, d.err = true, nil, nil
	a, opts := d.app, cases.ImportOptions{AsSubject: d.asSubject, Finger: finger}
	return func() tea.Msg {
		res, err := a.identify.Import(a.ctx, a.officer, paths, opts)
		return importMsg{d, res, err}
	}
}

// chooseFinger handles a key while the dialog asks which finger a template
// holds: ↑/↓ (j/k) move through the ten, ←/→ (h/l) go to the same finger of
// the other hand, a digit picks a finger (0 is 10), enter imports, esc goes
// back to the files.
func (d *importDialog) chooseFinger(msg tea.KeyPressMsg) tea.Cmd {
	k := d.app.keys
	const hand = cases.MaxFinger / 2
	switch s := msg.String(); {
	case key.Matches(msg, k.Cancel):
		d.askFinger = ""
		return d.paths.Focus()
	case key.Matches(msg, k.RunImport):
		finger := d.finger
		d.askFinger = ""
		cmd := d.run(finger)
		return tea.Batch(cmd, d.paths.Focus())
	case key.Matches(msg, k.Up):
		d.finger = (d.finger+cases.MaxFinger-2)%cases.MaxFinger + 1
	case key.Matches(msg, k.Down):
		d.finger = d.finger%cases.MaxFinger + 1
	case key.Matches(msg, k.Left), key.Matches(msg, k.Right):
		d.finger = (d.finger+hand-1)%cases.MaxFinger + 1
	case len(s) == 1 && s[0] >= '0' && s[0] <= '9':
		d.finger = int(s[0] - '0')
		if d.finger == 0 {
			d.finger = cases.MaxFinger
		}
	}
	return nil
}

// fingerChoices draws the ten fingers in two columns, the right hand's
// beside the left hand's, the chosen one marked.
func (d *importDialog) fingerChoices(inner int) string {
	st := d.app.styles
	const hand = cases.MaxFinger / 2
	col := max((inner-2)/2, 12)
	cell := func(p int) string {
		text := fmt.Sprintf("%2d %s", p, biometric.FingerName(p))
		if p == d.finger {
			return st.ChoiceActive.Render(pad("▸ "+text, col))
		}
		return st.Choice.Render(pad("  "+text, col))
	}
	lines := make([]string, hand)
	for r := range lines {
		lines[r] = cell(r+1) + "  " + cell(r+1+hand)
	}
	return strings.Join(lines, "\n")
}

// SetSize fits the paths field into the dialog.
func (d *importDialog) SetSize(width, height int) {
	d.size.SetSize(width, height)
	d.paths.SetWidth(max(min(dialogWidth, width-4)-8, 10))
}

func (d *importDialog) View() string {
	if d.askFinger != "" {
		return d.fingerView()
	}
	st := d.app.styles
	inner := min(dialogWidth, d.width-4)
	as := func(on bool, text string) string {
		if on {
			return st.ChoiceActive.Render("(•) " + text)
		}
		return st.Choice.Render("( ) " + text)
	}
	lines := []string{
		st.Muted.Render(truncate("ANSI/NIST-ITL transactions, ISO/IEC 19794-2 or INCITS 378 templates.", inner)),
		"",
		d.paths.View(),
		"",
		st.Label.Render("Import as  ") + as(!d.asSubject, "an encounter") + "  " + as(d.asSubject, "a new subject"),
		"",
	}
	switch {
	case d.running:
		lines = append(lines, st.Muted.Render("Reading…"))
	case d.err != nil:
		for _, l := range wrapLines("✗ "+cases.ErrorMessage(d.err), inner) {
			lines = append(lines, st.Danger.Render(l))
		}
		lines = append(lines, st.Muted.Render("Nothing was stored."))
	case d.res != nil:
		r := d.res
		head := "✓ " + count(r.Fingers, "finger", "fingers") + " read"
		if r.EncounterID != "" {
			head += " into encounter " + r.EncounterID
		} else {
			head += " into subject " + r.SubjectID
		}
		lines = append(lines, st.Notice.Render(truncate(head, inner)))
		for _, f := range r.Files {
			sha := f.SHA256
			if len(sha) > 12 {
				sha = sha[:12] + "…"
			}
			lines = append(lines, "  "+st.Text.Render(truncate(fmt.Sprintf("%s  %s  sha256 %s", f.Name, f.Format, sha), inner-2)))
		}
		for _, w := range r.Warnings {
			for _, l := range wrapLines("⚠ "+w, inner-2) {
				lines = append(lines, "  "+st.Warning.Render(l))
			}
		}
	default:
		lines = append(lines, st.Muted.Render("Nothing imported yet."))
	}
	k := d.app.keys
	return box(d.app, d.width, "Import fingerprint files", strings.Join(lines, "\n"),
		hintText(k.RunImport, k.Toggle, k.Cancel))
}

// fingerView asks which finger the template of d.askFinger holds.
func (d *importDialog) fingerView() string {
	st := d.app.styles
	inner := min(dialogWidth, d.width-4)
	var lines []string
	for _, l := range wrapLines(d.askFinger+" does not say which finger it holds, and a subject's record needs it. Which finger is it?", inner) {
		lines = append(lines, st.Text.Render(l))
	}
	lines = append(lines, "", d.fingerChoices(inner))
	return box(d.app, d.width, "Import fingerprint files", strings.Join(lines, "\n"),
		"↑/↓ ←/→ choose · 1–9, 0 finger · enter import as this finger · esc back")
}

func (d *importDialog) Help() ([]key.Binding, [][]key.Binding) {
	k := d.app.keys
	if d.askFinger != "" {
		return []key.Binding{k.RunImport, k.Up, k.Down, k.Left, k.Cancel}, [][]key.Binding{{k.RunImport, k.Up, k.Down, k.Left, k.Cancel}}
	}
	return []key.Binding{k.RunImport, k.Toggle, k.Cancel}, [][]key.Binding{{k.RunImport, k.Toggle, k.Cancel}}
}
