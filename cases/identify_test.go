package cases

import "testing"

func TestFormatFMRNeverGoesBelowTheCalibration(t *testing.T) {
	for _, c := range []struct {
		fmr, floor  float64
		long, short string
	}{
		{0.02, 0.00104, "0.020", "0.020"},
		{0.00104, 0.00104, "0.001", "0.001"},
		{1e-9, 0.00104, "< 1 in 961 (beyond the calibration data)", "<1.1e-3"},
		{1e-20, 4.5e-9, "< 1 in 222,000,000 (beyond the calibration data)", "<4.5e-9"},
		{5e-6, 4.5e-9, "5e-6", "5e-6"},
		{1e-9, 0, "1e-9", "1e-9"}, // no floor known: the figure as it is
	} {
		if got := FormatFMR(c.fmr, c.floor); got != c.long {
			t.Errorf("FormatFMR(%g, %g) = %q, want %q", c.fmr, c.floor, got, c.long)
		}
		if got := ShortFMR(c.fmr, c.floor); got != c.short {
			t.Errorf("ShortFMR(%g, %g) = %q, want %q", c.fmr, c.floor, got, c.short)
		}
	}
}
