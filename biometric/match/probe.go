package match

import (
	"errors"
	"fmt"
	"math"

	"github.com/enlace-desk/enlace/biometric"
)

// MinProbeMinutiae is the fewest minutiae a search probe may have. With
// fewer, chance pairings of a few minutiae decide the ranking and a 1:N
// search would rank noise: the probe is refused rather than searched.
// (FVC2002's templates hold 13 or more.)
const MinProbeMinutiae = 8

// The resolution the matcher compares at: 500 ppi, 197 pixels per
// centimetre, as ISO/IEC 19794-2 and INCITS 378 record it. Edge lengths and
// tolerances are in these pixels.
const (
	StandardRes  = 197  // px/cm
	resTolerance = 0.05 // a template within 5% of it is compared as is
)

// ErrEmptyGallery is returned for a search of a gallery with no subject.
var ErrEmptyGallery = errors.New("the gallery holds no fingerprints: nothing was searched")

// CheckProbe tells why a template cannot be a search probe: too few
// minutiae, or a resolution other than 500 ppi (a zero resolution counts as
// unknown and is taken as 500 ppi). Templates of another format version do
// not reach it: biometric.ReadTemplate refuses them.
func CheckProbe(t *biometric.Template) error {
	if t == nil {
		return errors.New("no template")
	}
	if n := len(t.Minutiae); n < MinProbeMinutiae {
		return fmt.Errorf("the template holds %d minutiae; a search needs at least %d", n, MinProbeMinutiae)
	}
	for _, r := range []struct {
		axis string
		v    int
	}{{"horizontal", t.XRes}, {"vertical", t.YRes}} {
		if r.v != 0 && math.Abs(float64(r.v)-StandardRes) > resTolerance*StandardRes {
			return fmt.Errorf("the template's %s resolution is %d px/cm (about %.0f ppi); the matcher compares 500 ppi (%d px/cm) templates: resample it first",
				r.axis, r.v, float64(r.v)*2.54, StandardRes)
		}
	}
	return nil
}
