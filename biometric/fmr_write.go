package biometric

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
)

// WriteTemplate writes r in its own format (r.Format).
func WriteTemplate(r *Record) ([]byte, error) {
	switch r.Format {
	case FormatISO19794_2005:
		return WriteISO19794(r)
	case FormatINCITS378_2004, FormatINCITS378_2009:
		return WriteINCITS378(r)
	}
	return nil, fmt.Errorf("biometric: write template: unknown format %q", r.Format)
}

// WriteISO19794 writes r as an ISO/IEC 19794-2:2005 finger minutiae record,
// whatever format it was read from. A record read from ISO 19794-2:2005 and
// not changed is written back byte for byte. From INCITS 378-2009, the first
// view's image size and resolution become the record's.
func WriteISO19794(r *Record) ([]byte, error) {
	return writeFMR(r, FormatISO19794_2005)
}

// WriteINCITS378 writes r as ANSI INCITS 378: 378-2009 when r.Format is
// FormatINCITS378_2009, else 378-2004. A record read from INCITS 378 and not
// changed is written back byte for byte.
func WriteINCITS378(r *Record) ([]byte, error) {
	if r.Format == FormatINCITS378_2009 {
		return writeFMR(r, FormatINCITS378_2009)
	}
	return writeFMR(r, FormatINCITS378_2004)
}

type fmrWriter struct {
	buf    []byte
	format Format
}

func (w *fmrWriter) u8(v uint8)   { w.buf = append(w.buf, v) }
func (w *fmrWriter) u16(v uint16) { w.buf = binary.BigEndian.AppendUint16(w.buf, v) }
func (w *fmrWriter) u32(v uint32) { w.buf = binary.BigEndian.AppendUint32(w.buf, v) }

func writeFMR(r *Record, f Format) ([]byte, error) {
	if len(r.Views) > math.MaxUint8 {
		return nil, fmt.Errorf("biometric: write %s: %d finger views: %w", f, len(r.Views), ErrTooLarge)
	}
	width, height, xres, yres := r.Width, r.Height, r.XRes, r.YRes
	if r.Format == FormatINCITS378_2009 && f != FormatINCITS378_2009 && len(r.Views) > 0 {
		v := r.Views[0]
		width, height, xres, yres = v.Width, v.Height, v.XRes, v.YRes
	}
	w := &fmrWriter{format: f, buf: make([]byte, 0, 32+len(r.Views)*(24+60*minutiaLen))}
	w.buf = append(w.buf, fmrMagic...)
	longLength := false
	switch f {
	case FormatISO19794_2005:
		w.buf = append(w.buf, fmrVersion20...)
		w.u32(0) // length, patched below
	case FormatINCITS378_2004:
		w.buf = append(w.buf, fmrVersion20...)
		longLength = r.LongLength && r.Format == FormatINCITS378_2004
		if longLength {
			w.u16(0)
			w.u32(0)
		} else {
			w.u16(0)
		}
	case FormatINCITS378_2009:
		w.buf = append(w.buf, fmrVersion30...)
		w.u32(0)
	}
	if f != FormatISO19794_2005 {
		w.u32(r.ProductID)
	}
	w.u16(r.Equipment)
	if f != FormatINCITS378_2009 {
		for _, v := range []int{width, height, xres, yres} {
			if v < 0 || v > math.MaxUint16 {
				return nil, fmt.Errorf("biometric: write %s: image size or resolution %d out of 0-65535", f, v)
			}
			w.u16(uint16(v))
		}
	}
	w.u8(uint8(len(r.Views)))
	w.u8(r.Reserved)
	for i := range r.Views {
		if err := w.view(r, i); err != nil {
			return nil, fmt.Errorf("biometric: write %s: finger view %d: %w", f, i, err)
		}
	}
	n := len(w.buf)
	switch {
	case f == FormatINCITS378_2004 && (longLength || n > math.MaxUint16):
		if !longLength {
			// grow the 2-byte length into the 6-byte form
			w.buf = slices.Insert(w.buf, 10, 0, 0, 0, 0)
			n += 4
		}
		if int64(n) > math.MaxUint32 {
			return nil, fmt.Errorf("biometric: write %s: %d bytes: %w", f, n, ErrTooLarge)
		}
		binary.BigEndian.PutUint32(w.buf[10:], uint32(n))
	case f == FormatINCITS378_2004:
		binary.BigEndian.PutUint16(w.buf[8:], uint16(n))
	default:
		if int64(n) > math.MaxUint32 {
			return nil, fmt.Errorf("biometric: write %s: %d bytes: %w", f, n, ErrTooLarge)
		}
		binary.BigEndian.PutUint32(w.buf[8:], uint32(n))
	}
	return w.buf, nil
}

func (w *fmrWriter) view(r *Record, i int) error {
	v := &r.Views[i]
	var x *viewExtra
	if i < len(r.extras) && r.extras[i].format == w.format {
		x = &r.extras[i]
	}
	if len(v.Minutiae) > math.MaxUint8 {
		return fmt.Errorf("%d minutiae: %w", len(v.Minutiae), ErrTooLarge)
	}
	if v.FingerPosition < 0 || v.FingerPosition > 15 {
		return fmt.Errorf("finger position %d out of 0-15", v.FingerPosition)
	}
	if err := byteRange("finger quality", v.Quality); err != nil {
		return err
	}
	w.u8(uint8(v.FingerPosition))
	if w.format == FormatINCITS378_2009 {
		if err := byteRange("view number", v.ViewNumber); err != nil {
			return err
		}
		if err := byteRange("impression type", v.ImpressionType); err != nil {
			return err
		}
		w.u8(uint8(v.ViewNumber))
		w.u8(uint8(v.ImpressionType))
		w.u8(uint8(v.Quality))
		var alg uint32
		if i < len(r.QualityAlgorithms) {
			alg = r.QualityAlgorithms[i]
		}
		w.u32(alg)
		for _, n := range []int{v.Width, v.Height, v.XRes, v.YRes} {
			if n < 0 || n > math.MaxUint16 {
				return fmt.Errorf("image size or resolution %d out of 0-65535", n)
			}
			w.u16(uint16(n))
		}
	} else {
		if v.ViewNumber < 0 || v.ViewNumber > 15 || v.ImpressionType < 0 || v.ImpressionType > 15 {
			return fmt.Errorf("view number %d or impression type %d out of 0-15", v.ViewNumber, v.ImpressionType)
		}
		w.u8(uint8(v.ViewNumber<<4 | v.ImpressionType))
		w.u8(uint8(v.Quality))
	}
	w.u8(uint8(len(v.Minutiae)))
	reserved := []uint8(nil)
	if x != nil && len(x.minutiaReserved) == len(v.Minutiae) {
		reserved = x.minutiaReserved
	}
	for j, m := range v.Minutiae {
		if m.X < 0 || m.X > coordMask || m.Y < 0 || m.Y > coordMask {
			return fmt.Errorf("minutia %d at (%d,%d) out of 0-16383", j, m.X, m.Y)
		}
		if m.Type > MinutiaBifurcation {
			return fmt.Errorf("minutia %d has type %d", j, m.Type)
		}
		if m.Quality < 0 || m.Quality > math.MaxUint8 {
			return fmt.Errorf("minutia %d quality %d out of 0-255", j, m.Quality)
		}
		var res uint16
		if reserved != nil {
			res = uint16(reserved[j]) << 14
		}
		w.u16(uint16(m.Type)<<14 | uint16(m.X))
		w.u16(res | uint16(m.Y))
		w.u8(w.angle(m.Angle))
		w.u8(uint8(m.Quality))
	}
	return w.extended(v, x)
}

func byteRange(what string, v int) error {
	if v < 0 || v > math.MaxUint8 {
		return fmt.Errorf("%s %d out of 0-255", what, v)
	}
	return nil
}

// angle converts degrees to the format's unit, rounding to nearest.
func (w *fmrWriter) angle(deg float64) uint8 {
	deg = math.Mod(deg, 360)
	if deg < 0 || math.IsNaN(deg) {
		if math.IsNaN(deg) {
			deg = 0
		} else {
			deg += 360
		}
	}
	if w.format == FormatISO19794_2005 {
		return uint8(int(math.Round(deg*256/360)) % 256)
	}
	return uint8(int(math.Round(deg/2)) % 180)
}

// extended writes the extended data block: the bytes as read when the
// view's cores, deltas and ridge counts are unchanged, else a fresh block
// (ridge counts, then cores and deltas, then any vendor items as read).
func (w *fmrWriter) extended(v *Template, x *viewExtra) error {
	if x != nil && x.ext != nil && slices.Equal(x.cores, v.Cores) && deltasEqual(x.deltas, v.Deltas) && slices.Equal(x.ridges, v.RidgeCounts) {
		w.u16(x.extLen)
		w.buf = append(w.buf, x.ext...)
		return nil
	}
	lenAt := len(w.buf)
	w.u16(0)
	if len(v.RidgeCounts) > 0 {
		method := uint8(0)
		if x != nil {
			method = x.ridgeMethod
		}
		start := len(w.buf)
		w.u16(extRidgeCount)
		w.u16(0)
		w.u8(method)
		for _, rc := range v.RidgeCounts {
			if rc.A < -1 || rc.A > 254 || rc.B < -1 || rc.B > 254 {
				return fmt.Errorf("ridge count between minutiae %d and %d: index out of range", rc.A, rc.B)
			}
			if err := byteRange("ridge count", rc.Count); err != nil {
				return err
			}
			w.u8(uint8(rc.A + 1))
			w.u8(uint8(rc.B + 1))
			w.u8(uint8(rc.Count))
		}
		if err := w.patchItem(start); err != nil {
			return err
		}
	}
	if len(v.Cores) > 0 || len(v.Deltas) > 0 {
		if len(v.Cores) > 15 || len(v.Deltas) > 15 {
			return fmt.Errorf("%d cores and %d deltas: at most 15 of each: %w", len(v.Cores), len(v.Deltas), ErrTooLarge)
		}
		start := len(w.buf)
		w.u16(extCoreDelta)
		w.u16(0)
		iso := w.format == FormatISO19794_2005
		allAngles := true
		for _, c := range v.Cores {
			allAngles = allAngles && c.HasAngle
		}
		if iso {
			w.u8(uint8(len(v.Cores)))
		} else {
			w.u8(angleBits(allAngles && len(v.Cores) > 0) | uint8(len(v.Cores)))
		}
		for _, c := range v.Cores {
			has := c.HasAngle && (iso || allAngles)
			if err := w.point(c.X, c.Y, iso && has); err != nil {
				return err
			}
			if has {
				w.u8(w.angle(c.Angle))
			}
		}
		allAngles = true
		for _, d := range v.Deltas {
			allAngles = allAngles && d.HasAngle
		}
		if iso {
			w.u8(uint8(len(v.Deltas)))
		} else {
			w.u8(angleBits(allAngles && len(v.Deltas) > 0) | uint8(len(v.Deltas)))
		}
		for _, d := range v.Deltas {
			has := d.HasAngle && (iso || allAngles)
			if err := w.point(d.X, d.Y, iso && has); err != nil {
				return err
			}
			if has {
				for k := range 3 {
					a := 0.0
					if k < len(d.Angles) {
						a = d.Angles[k]
					}
					w.u8(w.angle(a))
				}
			}
		}
		if err := w.patchItem(start); err != nil {
			return err
		}
	}
	if x != nil {
		for _, it := range x.unknown {
			start := len(w.buf)
			w.u16(it.typ)
			w.u16(0)
			w.buf = append(w.buf, it.data...)
			if err := w.patchItem(start); err != nil {
				return err
			}
		}
	}
	n := len(w.buf) - lenAt - 2
	if n > math.MaxUint16 {
		return fmt.Errorf("extended data of %d bytes: %w", n, ErrTooLarge)
	}
	binary.BigEndian.PutUint16(w.buf[lenAt:], uint16(n))
	return nil
}

func angleBits(has bool) uint8 {
	if has {
		return 1 << 6
	}
	return 0
}

func (w *fmrWriter) point(x, y int, isoAngle bool) error {
	if x < 0 || x > coordMask || y < 0 || y > coordMask {
		return fmt.Errorf("core or delta at (%d,%d) out of 0-16383", x, y)
	}
	t := uint16(0)
	if isoAngle {
		t = 1 << 14
	}
	w.u16(t | uint16(x))
	w.u16(uint16(y))
	return nil
}

func (w *fmrWriter) patchItem(start int) error {
	n := len(w.buf) - start
	if n > math.MaxUint16 {
		return fmt.Errorf("extended data item of %d bytes: %w", n, ErrTooLarge)
	}
	binary.BigEndian.PutUint16(w.buf[start+2:], uint16(n))
	return nil
}
