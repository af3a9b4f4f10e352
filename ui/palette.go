package ui

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// palette is every colour the workstation uses, for one theme. It is the only
// place colours are written down; styles.go turns it into the Styles sheet.
type palette struct {
	Text, Muted, Subtle, Border color.Color
	Accent                      color.Color
	HeaderBg, HeaderFg          color.Color
	BarBg, BarFg                color.Color
	SelectionBg, SelectionFg    color.Color
	Danger, Warning, Success    color.Color
	Review, Reopened            color.Color
}

// newPalette returns the palette for a dark or a light terminal background.
func newPalette(dark bool) palette {
	c := lipgloss.LightDark(dark)
	hex := lipgloss.Color
	return palette{
		Text:        c(hex("#1F2328"), hex("#E4E4E7")),
		Muted:       c(hex("#59636E"), hex("#A1A1AA")),
		Subtle:      c(hex("#8C959F"), hex("#71717A")),
		Border:      c(hex("#D0D7DE"), hex("#3F3F46")),
		Accent:      c(hex("#0550AE"), hex("#7DD3FC")),
		HeaderBg:    c(hex("#DDF4FF"), hex("#1E3A5F")),
		HeaderFg:    c(hex("#0A3069"), hex("#F0F6FC")),
		BarBg:       c(hex("#EAEEF2"), hex("#27272A")),
		BarFg:       c(hex("#24292F"), hex("#D4D4D8")),
		SelectionBg: c(hex("#B6E3FF"), hex("#2F4F6F")),
		SelectionFg: c(hex("#0A0A0A"), hex("#FFFFFF")),
		Danger:      c(hex("#CF222E"), hex("#F87171")),
		Warning:     c(hex("#9A6700"), hex("#FBBF24")),
		Success:     c(hex("#1A7F37"), hex("#4ADE80")),
		Review:      c(hex("#8250DF"), hex("#C4B5FD")),
		Reopened:    c(hex("#BF3989"), hex("#F472B6")),
	}
}
