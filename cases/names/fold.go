package names

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// foldTable maps runes below 0x250 (Latin-1 Supplement, Latin Extended-A and
// -B) to their lower-case ASCII letters: "Á"→"a", "ñ"→"n", "ß"→"ss". Runes
// absent from the table that are not ASCII letters or digits separate words.
// It is built in a variable initialiser so that it is ready before any
// init function (data.go folds its tables in one).
var foldTable = buildFoldTable()

func buildFoldTable() (t [0x250]string) {
	groups := []struct{ to, from string }{
		{"a", "ÀÁÂÃÄÅàáâãäåĀāĂăĄąǍǎǞǟǠǡǺǻȀȁȂȃȦȧ"},
		{"ae", "ÆæǢǣǼǽ"},
		{"c", "ÇçĆćĈĉĊċČč"},
		{"d", "ÐðĎďĐđ"},
		{"e", "ÈÉÊËèéêëĒēĔĕĖėĘęĚěȄȅȆȇȨȩ"},
		{"g", "ĜĝĞğĠġĢģǤǥǦǧǴǵ"},
		{"h", "ĤĥĦħȞȟ"},
		{"i", "ÌÍÎÏìíîïĨĩĪīĬĭĮįİıǏǐȈȉȊȋ"},
		{"ij", "Ĳĳ"},
		{"j", "Ĵĵǰ"},
		{"k", "Ķķĸǩǩ"},
		{"l", "ĹĺĻļĽľĿŀŁł"},
		{"n", "ÑñŃńŅņŇňŉŊŋǸǹ"},
		{"o", "ÒÓÔÕÖØòóôõöøŌōŎŏŐőǑǒǪǫǬǭǾǿȌȍȎȏȪȫȬȭȮȯȰȱ"},
		{"oe", "Œœ"},
		{"r", "ŔŕŖŗŘřȐȑȒȓ"},
		{"s", "ŚśŜŝŞşŠšſȘș"},
		{"ss", "ß"},
		{"t", "ŢţŤťŦŧȚț"},
		{"th", "Þþ"},
		{"u", "ÙÚÛÜùúûüŨũŪūŬŭŮůŰűŲųǓǔǕǖǗǘǙǚǛǜȔȕȖȗ"},
		{"w", "Ŵŵ"},
		{"y", "ÝýÿŶŷŸȲȳ"},
		{"z", "ŹźŻżŽžƵƶ"},
	}
	for _, g := range groups {
		for _, r := range g.from {
			t[r] = g.to
		}
	}
	return t
}

// isApostrophe reports runes that join the letters around them: O'Brien,
// D’Alessandro.
func isApostrophe(r rune) bool {
	switch r {
	case '\'', '’', '‘', '`', '´', 'ʼ', 'ʻ':
		return true
	}
	return false
}

// isMark reports combining marks (decomposed accents), which are dropped.
func isMark(r rune) bool {
	return (r >= 0x300 && r <= 0x36f) || unicode.Is(unicode.Mn, r)
}

// foldRune returns the ASCII replacement for r and whether r is part of a
// word (letter, digit, mark or apostrophe: the last two fold to "").
func foldRune(r rune) (string, bool) {
	switch {
	case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		return asciiStrings[r], true
	case r >= 'A' && r <= 'Z':
		return asciiStrings[r+'a'-'A'], true
	case isApostrophe(r) || isMark(r):
		return "", true
	case r < utf8.RuneSelf:
		return "", false
	case r < rune(len(foldTable)) && foldTable[r] != "":
		return foldTable[r], true
	}
	return "", false
}

var asciiStrings = func() (t [128]string) {
	for i := range t {
		t[i] = string(rune(i))
	}
	return t
}()

// Fold reduces s to lower-case ASCII words separated by single spaces:
// accents and case are folded ("Macías"→"macias", "ÑUSTE"→"nuste"),
// apostrophes join ("O'Brien"→"obrien"), and every other character
// (punctuation, symbols, other scripts) separates words. Fold is idempotent
// and never returns leading or trailing spaces.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		rep, word := foldRune(r)
		if !word {
			space = b.Len() > 0
			continue
		}
		if rep == "" {
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteString(rep)
	}
	return b.String()
}

// token is one word of a name as written, with the punctuation that follows
// it, before any interpretation.
type token struct {
	text  string // folded: "fco"
	raw   string // as written, with a dot that ends it: "Fco."
	dot   bool   // followed by "."
	comma bool   // followed by ","
}

// tokenize splits s into folded words, remembering which words end in a dot
// ("Fco.", "J.") and where a comma falls ("Macías Villamar, José"). It also
// reports whether the letters of s are all in capitals (civil-registry
// style).
func tokenize(s string) (toks []token, allCaps bool) {
	var cur strings.Builder
	start := -1
	upper, lower := 0, 0
	rawEnd := -1 // where the last token's raw text ends
	flush := func(end int) {
		if cur.Len() > 0 {
			toks = append(toks, token{text: cur.String(), raw: s[start:end]})
			rawEnd = end
			cur.Reset()
		}
		start = -1
	}
	for i, r := range s {
		if unicode.IsUpper(r) {
			upper++
		} else if unicode.IsLower(r) {
			lower++
		}
		rep, word := foldRune(r)
		if word {
			if start < 0 {
				start = i
			}
			cur.WriteString(rep)
			continue
		}
		flush(i)
		if len(toks) > 0 {
			switch r {
			case '.':
				t := &toks[len(toks)-1]
				t.dot = true
				if rawEnd == i {
					t.raw += "."
				}
			case ',', ';':
				toks[len(toks)-1].comma = true
			}
		}
	}
	flush(len(s))
	return toks, upper > 0 && lower == 0
}
