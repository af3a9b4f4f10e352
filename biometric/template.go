package biometric

// MinutiaType is the kind of a minutia.
type MinutiaType uint8

const (
	MinutiaOther       MinutiaType = 0
	MinutiaEnding      MinutiaType = 1 // ridge ending
	MinutiaBifurcation MinutiaType = 2
)

// Minutia is one minutia in the internal convention:
//   - X, Y in pixels of the source image at its resolution, origin top-left,
//     Y growing downwards (as ISO 19794-2 and INCITS 378 store them);
//   - Angle in degrees, 0 ≤ Angle < 360, counter-clockwise from the positive
//     X axis (the ISO/ANSI convention), kept as a float so that converting
//     between 360/256-degree and 2-degree units is lossless both ways;
//   - Quality 0–100 (0 unknown).
type Minutia struct {
	X, Y    int
	Angle   float64
	Type    MinutiaType
	Quality int
}

// Core is a core point.
type Core struct {
	X, Y     int
	Angle    float64 // degrees; HasAngle false when absent
	HasAngle bool
}

// Delta is a delta point with up to three angles.
type Delta struct {
	X, Y     int
	Angles   []float64
	HasAngle bool
}

// RidgeCount is the number of ridges between two minutiae (indexes into
// Template.Minutiae).
type RidgeCount struct {
	A, B  int
	Count int
}

// Template is one finger view's minutiae and the facts needed to compare and
// display it, independent of the format it came in.
type Template struct {
	FingerPosition int // 0 unknown, 1–10 as ANSI/NIST
	ViewNumber     int
	ImpressionType int // 0 live-scan plain, 1 live-scan rolled, 2 nonlive plain, ...
	Quality        int // finger quality 0–100
	Width, Height  int // image size in pixels
	XRes, YRes     int // pixels per centimetre (197 = 500 dpi)
	Minutiae       []Minutia
	Cores          []Core
	Deltas         []Delta
	RidgeCounts    []RidgeCount
}
