package ui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"

	"github.com/enlace-desk/enlace/cases"
)

// Styles is the one style sheet of the workstation, built for a theme from
// its palette. Screens never build styles of their own.
//
// Nothing depends on colour alone: the selected row also carries the "▸"
// marker and bold text, overdue rows a "!" and conflicts a "⚠", so the
// screen still reads when NO_COLOR strips colours.
type Styles struct {
	Dark bool

	// Frame.
	Header      lipgloss.Style // the top line
	HeaderTitle lipgloss.Style // "Enlace" and the screen path
	HeaderDim   lipgloss.Style // agency and role
	StatusBar   lipgloss.Style // the bottom status line
	StatusDim   lipgloss.Style
	StatusGood  lipgloss.Style
	StatusWarn  lipgloss.Style
	Notice      lipgloss.Style // the message line: information
	Failure     lipgloss.Style // the message line: an error
	Help        help.Styles

	// Text.
	Text    lipgloss.Style
	Muted   lipgloss.Style
	Section lipgloss.Style // a section title in the case view
	Label   lipgloss.Style // "Status:" in a fact list
	Danger  lipgloss.Style
	Warning lipgloss.Style

	// Queue table.
	ColumnHeader lipgloss.Style
	ColumnSorted lipgloss.Style
	Cell         lipgloss.Style
	Selected     lipgloss.Style // the whole selected row
	Status       map[cases.Status]lipgloss.Style
	Priority     map[cases.Priority]lipgloss.Style
	Overdue      lipgloss.Style
	Conflict     lipgloss.Style
	// ConflictBanner is the case view's line saying a case is in conflict.
	ConflictBanner lipgloss.Style
	FilterPrompt   lipgloss.Style

	// Timeline.
	Author     lipgloss.Style
	Time       lipgloss.Style
	Kind       lipgloss.Style
	Superseded lipgloss.Style

	// Fingerprint search and review.
	Band            map[cases.Band]lipgloss.Style // the band's label: red, yellow, green
	PlotTick        lipgloss.Style                // a minutia's direction
	PlotEnding      lipgloss.Style
	PlotBifurcation lipgloss.Style
	PlotPaired      lipgloss.Style // a paired minutia's label
	PlotFrame       lipgloss.Style // the frame around a plot
	Same            lipgloss.Style // a biographic field equal on both sides
	Partial         lipgloss.Style // one that partly agrees (swapped day and month)
	Differs         lipgloss.Style // one that differs

	// Dialogs.
	Dialog       lipgloss.Style // the box
	DialogTitle  lipgloss.Style
	Choice       lipgloss.Style
	ChoiceActive lipgloss.Style
	FieldActive  lipgloss.Style // the label of the focused field
	Textarea     textarea.Styles
	TextInput    textinput.Styles
}

// NewStyles builds the style sheet for a dark or light background.
func NewStyles(dark bool) *Styles {
	p := newPalette(dark)
	base := lipgloss.NewStyle()
	s := &Styles{Dark: dark}

	s.Header = base.Background(p.HeaderBg).Foreground(p.HeaderFg)
	s.HeaderTitle = s.Header.Bold(true)
	s.HeaderDim = s.Header
	s.StatusBar = base.Background(p.BarBg).Foreground(p.BarFg)
	s.StatusDim = s.StatusBar.Foreground(p.Muted)
	s.StatusGood = s.StatusBar.Foreground(p.Success)
	s.StatusWarn = s.StatusBar.Foreground(p.Warning).Bold(true)
	s.Notice = base.Foreground(p.Accent)
	s.Failure = base.Foreground(p.Danger).Bold(true)
	s.Help = help.Styles{
		ShortKey:       base.Foreground(p.Accent),
		ShortDesc:      base.Foreground(p.Muted),
		ShortSeparator: base.Foreground(p.Subtle),
		Ellipsis:       base.Foreground(p.Subtle),
		FullKey:        base.Foreground(p.Accent),
		FullDesc:       base.Foreground(p.Muted),
		FullSeparator:  base.Foreground(p.Subtle),
	}

	s.Text = base.Foreground(p.Text)
	s.Muted = base.Foreground(p.Muted)
	s.Section = base.Foreground(p.Accent).Bold(true)
	s.Label = base.Foreground(p.Muted)
	s.Danger = base.Foreground(p.Danger).Bold(true)
	s.Warning = base.Foreground(p.Warning).Bold(true)

	s.ColumnHeader = base.Foreground(p.Muted).Bold(true)
	s.ColumnSorted = base.Foreground(p.Accent).Bold(true)
	s.Cell = base.Foreground(p.Text)
	s.Selected = base.Background(p.SelectionBg).Foreground(p.SelectionFg).Bold(true)
	s.Status = map[cases.Status]lipgloss.Style{
		cases.StatusNew:       base.Foreground(p.Accent),
		cases.StatusInReview:  base.Foreground(p.Review),
		cases.StatusEscalated: base.Foreground(p.Warning),
		cases.StatusDecided:   base.Foreground(p.Success),
		cases.StatusClosed:    base.Foreground(p.Subtle),
		cases.StatusReopened:  base.Foreground(p.Reopened),
	}
	s.Priority = map[cases.Priority]lipgloss.Style{
		cases.PriorityCritical: base.Foreground(p.Danger).Bold(true),
		cases.PriorityHigh:     base.Foreground(p.Warning),
		cases.PriorityNormal:   base.Foreground(p.Text),
		cases.PriorityLow:      base.Foreground(p.Muted),
	}
	s.Overdue = base.Foreground(p.Danger).Bold(true)
	s.Conflict = base.Foreground(p.Warning).Bold(true)
	s.ConflictBanner = base.Background(p.Warning).Foreground(p.SelectionFg).Bold(true)
	s.FilterPrompt = base.Foreground(p.Accent).Bold(true)

	s.Author = base.Foreground(p.Text).Bold(true)
	s.Time = base.Foreground(p.Muted)
	s.Kind = base.Foreground(p.Accent)
	s.Superseded = base.Foreground(p.Subtle).Strikethrough(true)

	s.Band = map[cases.Band]lipgloss.Style{
		cases.BandRed:    base.Foreground(p.Danger).Bold(true),
		cases.BandYellow: base.Foreground(p.Warning).Bold(true),
		cases.BandGreen:  base.Foreground(p.Success).Bold(true),
	}
	s.PlotTick = base.Foreground(p.Subtle)
	s.PlotEnding = base.Foreground(p.Accent)
	s.PlotBifurcation = base.Foreground(p.Reopened)
	s.PlotPaired = base.Foreground(p.Warning).Bold(true)
	s.PlotFrame = base.Foreground(p.Border)
	s.Same = base.Foreground(p.Text)
	s.Partial = base.Foreground(p.Review).Bold(true)
	s.Differs = base.Foreground(p.Danger).Bold(true)

	s.Dialog = base.Border(lipgloss.RoundedBorder()).BorderForeground(p.Accent).Padding(0, 1)
	s.DialogTitle = base.Foreground(p.Accent).Bold(true)
	s.Choice = base.Foreground(p.Text)
	s.ChoiceActive = base.Background(p.SelectionBg).Foreground(p.SelectionFg).Bold(true)
	s.FieldActive = base.Foreground(p.Accent).Bold(true)

	// A steady cursor: a blinking one redraws twice a second for nothing.
	s.Textarea = textarea.DefaultStyles(dark)
	s.Textarea.Cursor.Blink = false
	s.TextInput = textinput.DefaultStyles(dark)
	s.TextInput.Cursor.Blink = false
	return s
}

// withoutColour adapts the sheet to a terminal that shows no colour
// (NO_COLOR, or a dumb terminal): the selection, which colour alone would
// mark, is drawn in reverse video.
func (s *Styles) withoutColour() *Styles {
	s.Selected = s.Selected.Reverse(true)
	s.ChoiceActive = s.ChoiceActive.Reverse(true)
	s.Header = s.Header.Reverse(true)
	s.HeaderTitle = s.HeaderTitle.Reverse(true)
	s.HeaderDim = s.HeaderDim.Reverse(true)
	s.ConflictBanner = s.ConflictBanner.Reverse(true)
	return s
}

// bandStyle is the style of a band's label.
func (s *Styles) bandStyle(b cases.Band) lipgloss.Style {
	if v, ok := s.Band[b]; ok {
		return v
	}
	return s.Cell
}

// inkStyle is the style of a plot's cell by what it draws.
func (s *Styles) inkStyle(k ink) *lipgloss.Style {
	switch k {
	case inkTick:
		return &s.PlotTick
	case inkEnding:
		return &s.PlotEnding
	case inkBifurcation:
		return &s.PlotBifurcation
	case inkPaired:
		return &s.PlotPaired
	}
	return nil
}

// statusStyle is the style of a status label, plain text for an unknown one.
func (s *Styles) statusStyle(st cases.Status) lipgloss.Style {
	if v, ok := s.Status[st]; ok {
		return v
	}
	return s.Cell
}

// priorityStyle is the style of a priority label.
func (s *Styles) priorityStyle(p cases.Priority) lipgloss.Style {
	if v, ok := s.Priority[p]; ok {
		return v
	}
	return s.Cell
}
