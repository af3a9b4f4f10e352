package names

import "strings"

// Phonetic returns a Spanish-aware sound key for one name part, so that
// spellings a Spanish speaker pronounces alike share a key:
//
//	b/v (Vera, Bera)              → b
//	s/z/c before e,i (Zambrano, Sambrano; Cecilia, Sesilia) → s
//	ll/y before a vowel (Villamar, Viyamar) → y
//	silent h (Hernández, Ernández), but ch stays ch
//	j/g before e,i/x before a vowel (Jiménez, Giménez, Ximénez; Mejía, Mexía) → j
//	qu/k/c before a,o,u (Quishpe, Kishpe, Cuishpe) → k
//	i/y as a vowel (Yépez keeps its y; Ruiz, Ruyz) → i
//	gu/hu/w before a vowel (Guamán, Huamán, Wamán) → w
//	sh/zh/x before a consonant (Quishpe, Quizhpe, Quixpe) → s
//	ph → f, th → t, tz → s, n before b/p → m, double letters once (rr, ll, ss).
//
// The part is folded first (see [Fold]); spaces and digits are ignored. The
// key is lower-case ASCII and may be empty. A final -s is kept: Ríos and Río
// are different surnames.
func Phonetic(part string) string {
	s := part
	if !isFoldedWord(s) {
		s = strings.ReplaceAll(Fold(s), " ", "")
	}
	var buf [64]byte
	out := buf[:0]
	emit := func(c byte) {
		if n := len(out); n > 0 && out[n-1] == c {
			return
		}
		out = append(out, c)
	}
	at := func(i int) byte {
		if i >= 0 && i < len(s) {
			return s[i]
		}
		return 0
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		next := at(i + 1)
		switch c {
		case 'a', 'e', 'o':
			emit(c)
		case 'i':
			emit('i')
		case 'u':
			if isVowel(next) && (i == 0 || at(i-1) == 'h') {
				emit('w') // Uamán (after a dropped h)
				continue
			}
			emit('u')
		case 'y':
			if isVowel(next) {
				emit('y')
			} else {
				emit('i')
			}
		case 'b', 'v':
			emit('b')
		case 'w':
			emit('w')
		case 'c':
			switch {
			case next == 'h':
				emit('C')
				i++
			case next == 'e' || next == 'i' || next == 'y':
				emit('s')
			case next == 'k' || next == 'q':
			default:
				emit('k')
			}
		case 'k':
			emit('k')
		case 'q':
			emit('k')
			if next == 'u' && (at(i+2) == 'e' || at(i+2) == 'i') {
				i++ // que, qui: the u is silent
			}
		case 'g':
			switch {
			case next == 'e' || next == 'i' || next == 'y':
				emit('j')
			case next == 'u' && (at(i+2) == 'e' || at(i+2) == 'i'):
				emit('g') // guerra, guillermo: the u is silent
				i++
			case next == 'u' && (at(i+2) == 'a' || at(i+2) == 'o'):
				emit('w') // guamán sounds like wamán
				i++
			default:
				emit('g')
			}
		case 'h':
			if next == 'u' && isVowel(at(i+2)) {
				emit('w') // huamán
				i++
			}
			// otherwise silent
		case 'j':
			emit('j')
		case 'x':
			if i == 0 || isVowel(next) {
				emit('j')
			} else {
				emit('s')
			}
		case 's':
			if next == 'h' {
				i++
			}
			emit('s')
		case 'z':
			if next == 'h' {
				i++
			}
			emit('s')
		case 't':
			switch next {
			case 'z':
				emit('s')
				i++
			case 'h':
				emit('t')
				i++
			default:
				emit('t')
			}
		case 'p':
			if next == 'h' {
				emit('f')
				i++
			} else {
				emit('p')
			}
		case 'l':
			if next == 'l' {
				emit('y')
				i++
			} else {
				emit('l')
			}
		case 'n':
			if next == 'b' || next == 'v' || next == 'p' {
				emit('m')
			} else {
				emit('n')
			}
		case 'r':
			emit('r')
		case 'd', 'f', 'm':
			emit(c)
		}
		if len(out) >= cap(buf) {
			break
		}
	}
	for i, c := range out {
		if c == 'C' {
			out[i] = 'c' // ch: c never appears alone in a key (it becomes k or s)
		}
	}
	return string(out)
}

func isVowel(c byte) bool {
	switch c {
	case 'a', 'e', 'i', 'o', 'u':
		return true
	}
	return false
}

// isFoldedWord reports whether s is already one folded word (a-z only).
func isFoldedWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}
