package iddoc

import (
	"strings"
	"unicode"
)

// NormalizePassport writes a passport (or other document) number the one way
// the store compares them: upper case, without spaces, dashes or MRZ
// fillers. Numbers match only when their normal forms are equal.
func NormalizePassport(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '<' || isSeparator(r) && r != '.' {
			return -1
		}
		return unicode.ToUpper(r)
	}, s)
}
