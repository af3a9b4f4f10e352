package match

import "math"

// score turns the facts of one pairing into a similarity in [0, MaxScore]:
// the paired minutiae times the agreeing edges between them, normalised by
// the geometric mean of the two minutia counts.
func score(st growStats, np, nc int) float64 {
	if st.paired < 2 {
		return 0
	}
	s := float64(st.paired) * float64(st.support) / math.Sqrt(float64(np*nc))
	if s > MaxScore {
		s = MaxScore
	}
	return s
}
