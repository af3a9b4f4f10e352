package ui

import (
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// ellipsis marks text cut to fit.
const ellipsis = "…"

// truncate cuts s (which may hold styling) to at most w cells, ending in "…"
// when it had to cut.
func truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, ellipsis)
}

// pad cuts or pads plain or styled s to exactly w cells.
func pad(s string, w int) string {
	n := ansi.StringWidth(s)
	switch {
	case n == w:
		return s
	case n < w:
		return s + strings.Repeat(" ", w-n)
	}
	return ansi.Truncate(s, w, ellipsis)
}

// padLeft right-aligns s in w cells.
func padLeft(s string, w int) string {
	n := ansi.StringWidth(s)
	if n >= w {
		return ansi.Truncate(s, w, ellipsis)
	}
	return strings.Repeat(" ", w-n) + s
}

// fit makes s exactly h lines of exactly w cells, so a screen that draws
// too little or too much never shifts the frame.
func fit(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	for i, l := range lines {
		lines[i] = pad(l, w)
	}
	return strings.Join(lines, "\n")
}

// thousands writes n with comma separators: 100,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// age is how long ago t was, in the largest whole unit: "45m", "5h", "3d",
// "6w", "2y". At most four cells.
func age(now, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "now"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + "h"
	case d < 14*24*time.Hour:
		return strconv.Itoa(int(d/(24*time.Hour))) + "d"
	case d < 365*24*time.Hour:
		return strconv.Itoa(int(d/(7*24*time.Hour))) + "w"
	}
	return strconv.Itoa(int(d/(365*24*time.Hour))) + "y"
}

// ago is age in words for the status bar: "5m ago", "just now".
func ago(now, t time.Time) string {
	a := age(now, t)
	if a == "now" {
		return "just now"
	}
	return a + " ago"
}

// date shows a day: 2026-03-14; "" for the zero time.
func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

// stamp shows a moment: 2026-03-14 09:30 UTC.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04") + " UTC"
}

// count writes n with its noun: "1 case", "100,000 cases".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return thousands(n) + " " + many
}

// agoMinutes is ago to the minute: "just now" within the minute, then "5m
// ago". It changes only on the minute, when the screens are told to redraw.
func agoMinutes(now, t time.Time) string {
	if now.Sub(t) < time.Minute {
		return "just now"
	}
	return ago(now, t)
}

// seconds writes a duration for the sync screen: "850ms", "2.4s", "1m05s".
func seconds(d time.Duration) string {
	switch {
	case d < time.Second:
		return strconv.Itoa(int(d/time.Millisecond)) + "ms"
	case d < time.Minute:
		return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + "s"
	}
	return d.Round(time.Second).String()
}
