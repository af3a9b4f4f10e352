package biometric

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
)

// Format names a finger minutiae record format.
type Format string

const (
	FormatISO19794_2005  Format = "iso19794-2:2005"
	FormatINCITS378_2004 Format = "incits378-2004"
	// FormatINCITS378_2009 is INCITS 378-2009 (version "030"), which NIST
	// libbiomeval calls "ANSI 2007": image size, resolution and a quality
	// algorithm id per finger view instead of in the record header.
	FormatINCITS378_2009 Format = "incits378-2009"
)

// Fixed sizes of the finger minutiae record layouts.
const (
	isoHeaderLen      = 24 // ISO 19794-2:2005 record header
	incits04HeaderLen = 26 // INCITS 378-2004 header with the 2-byte length
	incits09HeaderLen = 20 // INCITS 378-2009 header
	viewHeaderLen     = 4  // ISO 2005 / INCITS 2004 finger view header
	view09HeaderLen   = 17 // INCITS 378-2009 finger view header
	minutiaLen        = 6
	extItemHeaderLen  = 4 // extended data item: type id + length

	extRidgeCount = 0x0001
	extCoreDelta  = 0x0002

	coordMask = 0x3FFF
)

// Record is one finger minutiae record (FMR) as read from ISO 19794-2 or
// INCITS 378. Views holds the finger views in the internal convention; the
// other fields are the header facts needed to write the record back byte for
// byte.
type Record struct {
	Format Format
	// ProductID is the CBEFF product identifier (INCITS 378 only; owner in
	// the high 16 bits, type in the low 16).
	ProductID uint32
	// Equipment is the capture equipment field: certification/compliance
	// flags in the high 4 bits, the capture device type id in the low 12.
	Equipment uint16
	// Width, Height, XRes and YRes are the record-level image size (pixels)
	// and resolution (pixels per cm) of ISO 19794-2:2005 and INCITS
	// 378-2004; the reader copies them into every view and the writers of
	// those formats take them from here. INCITS 378-2009 keeps them per view
	// (Views[i].Width ...) and leaves these zero.
	Width, Height int
	XRes, YRes    int
	Reserved      uint8 // the header's reserved byte
	// LongLength is set when an INCITS 378-2004 record used the 6-byte
	// record length form (2 zero bytes then 4 bytes) for a length that fits
	// in 2 bytes.
	LongLength bool
	Views      []Template
	// QualityAlgorithms holds, for INCITS 378-2009, each view's finger
	// quality algorithm: vendor id in the high 16 bits, algorithm id in the
	// low 16. Nil for the other formats.
	QualityAlgorithms []uint32
	// Warnings lists what the reader tolerated: declared lengths inside the
	// extended data that disagree with the data (seen in published
	// samples). The record read is still complete and writes back as read.
	Warnings []*FormatError

	// extras keeps, per view, what the internal Template does not hold (raw
	// extended data, reserved bits) so that writing back an unchanged record
	// reproduces its bytes.
	extras []viewExtra
	one    *oneView // storage for the common single-view record while reading
}

// oneView lets a single-view record come from one allocation.
type oneView struct {
	view  [1]Template
	extra [1]viewExtra
}

func newRecord(f Format) *Record {
	a := new(struct {
		rec Record
		one oneView
	})
	a.rec.Format = f
	a.rec.one = &a.one
	return &a.rec
}

// viewExtra is what a read view carried beyond its Template.
type viewExtra struct {
	format          Format
	minutiaReserved []uint8 // reserved top 2 bits of each y; nil when all zero
	ext             []byte  // the extended data block after its length, as read
	extLen          uint16  // the block's declared length
	// the extended data as decoded, to tell whether the Template changed
	cores  []Core
	deltas []Delta
	ridges []RidgeCount
	// items the reader does not interpret (vendor data), kept in order
	unknown []extItem
	// ridgeMethod is the ridge count extraction method byte.
	ridgeMethod uint8
}

type extItem struct {
	typ  uint16
	data []byte
}

// fmrReader walks a finger minutiae record and turns every problem into a
// *FormatError naming the field and the offset.
type fmrReader struct {
	data   []byte
	off    int
	format Format
	view   int
}

func (r *fmrReader) fail(field string, off int, format string, args ...any) error {
	return r.errorf(field, off, format, args...)
}

func (r *fmrReader) errorf(field string, off int, format string, args ...any) *FormatError {
	return &FormatError{Format: string(r.format), Record: r.view, Field: field, Offset: int64(off), Msg: fmt.Sprintf(format, args...)}
}

// need checks that n more bytes are present before reading field.
func (r *fmrReader) need(n int, field string) error {
	if n < 0 || len(r.data)-r.off < n {
		return r.fail(field, r.off, "needs %d bytes, %d left", n, len(r.data)-r.off)
	}
	return nil
}

func (r *fmrReader) u8() uint8 {
	v := r.data[r.off]
	r.off++
	return v
}

func (r *fmrReader) u16() uint16 {
	v := binary.BigEndian.Uint16(r.data[r.off:])
	r.off += 2
	return v
}

func (r *fmrReader) u32() uint32 {
	v := binary.BigEndian.Uint32(r.data[r.off:])
	r.off += 4
	return v
}

var (
	fmrMagic     = []byte("FMR\x00")
	fmrVersion20 = []byte(" 20\x00")
	fmrVersion30 = []byte("030\x00")
)

// ReadTemplate reads a finger minutiae record, detecting whether it is ISO
// 19794-2:2005, INCITS 378-2004 or INCITS 378-2009.
func ReadTemplate(data []byte) (*Record, error) {
	f, err := DetectFormat(data)
	if err != nil {
		var fe *FormatError
		if !errors.As(err, &fe) || fe.Offset != 8 {
			return nil, err
		}
		// The length field agrees with no format: most often a cut file.
		// Report it in the terms of the likelier format (records under
		// 64 KiB start their ISO 4-byte length with two zero bytes).
		if data[8] == 0 && data[9] == 0 {
			return ReadISO19794(data)
		}
		return ReadINCITS378(data)
	}
	switch f {
	case FormatISO19794_2005:
		return ReadISO19794(data)
	default:
		return ReadINCITS378(data)
	}
}

// DetectFormat tells which finger minutiae record format data is in, from its
// magic, version and length fields (ISO 2005 and INCITS 378-2004 share the
// version " 20": the record length field's width tells them apart).
func DetectFormat(data []byte) (Format, error) {
	fail := func(off int, msg string) (Format, error) {
		return "", &FormatError{Format: "fmr", Record: -1, Field: "header", Offset: int64(off), Msg: msg}
	}
	if len(data) < 12 {
		return fail(0, fmt.Sprintf("%d bytes is too short for a finger minutiae record", len(data)))
	}
	if !bytes.Equal(data[:4], fmrMagic) {
		return fail(0, fmt.Sprintf("format identifier is %q, want \"FMR\\x00\"", data[:4]))
	}
	switch {
	case bytes.Equal(data[4:8], fmrVersion30):
		return FormatINCITS378_2009, nil
	case !bytes.Equal(data[4:8], fmrVersion20):
		return fail(4, fmt.Sprintf("version %q is neither \" 20\" nor \"030\"", data[4:8]))
	}
	n := len(data)
	if int64(binary.BigEndian.Uint32(data[8:])) == int64(n) {
		return FormatISO19794_2005, nil
	}
	short := int(binary.BigEndian.Uint16(data[8:]))
	if short == n || (short == 0 && len(data) >= 14 && int64(binary.BigEndian.Uint32(data[10:])) == int64(n)) {
		return FormatINCITS378_2004, nil
	}
	return fail(8, fmt.Sprintf("record length agrees with neither ISO 19794-2:2005 (4 bytes: %d) nor INCITS 378-2004 (2 bytes: %d) for %d bytes of input",
		binary.BigEndian.Uint32(data[8:]), short, n))
}

// ReadISO19794 reads an ISO/IEC 19794-2:2005 finger minutiae record.
func ReadISO19794(data []byte) (*Record, error) {
	r := &fmrReader{data: data, format: FormatISO19794_2005, view: -1}
	rec := newRecord(FormatISO19794_2005)
	if err := r.need(isoHeaderLen, "header"); err != nil {
		return nil, err
	}
	if err := r.magic(fmrVersion20); err != nil {
		return nil, err
	}
	length := r.u32()
	if int64(length) != int64(len(data)) {
		return nil, r.fail("record length", 8, "declares %d bytes, input holds %d", length, len(data))
	}
	rec.Equipment = r.u16()
	r.recordImage(rec)
	return r.views(rec)
}

// ReadINCITS378 reads an ANSI INCITS 378-2004 or 378-2009 finger minutiae
// record (told apart by the version field).
func ReadINCITS378(data []byte) (*Record, error) {
	r := &fmrReader{data: data, format: FormatINCITS378_2004, view: -1}
	if len(data) >= 8 && bytes.Equal(data[4:8], fmrVersion30) {
		r.format = FormatINCITS378_2009
	}
	rec := newRecord(r.format)
	min := incits04HeaderLen
	if r.format == FormatINCITS378_2009 {
		min = incits09HeaderLen
	}
	if err := r.need(min, "header"); err != nil {
		return nil, err
	}
	version := fmrVersion20
	if r.format == FormatINCITS378_2009 {
		version = fmrVersion30
	}
	if err := r.magic(version); err != nil {
		return nil, err
	}
	var length int64
	if r.format == FormatINCITS378_2009 {
		length = int64(r.u32())
	} else {
		length = int64(r.u16())
		if length == 0 {
			if err := r.need(4+incits04HeaderLen-10, "record length"); err != nil {
				return nil, err
			}
			length = int64(r.u32())
			rec.LongLength = length <= math.MaxUint16
		}
	}
	if length != int64(len(data)) {
		return nil, r.fail("record length", 8, "declares %d bytes, input holds %d", length, len(data))
	}
	rec.ProductID = r.u32()
	rec.Equipment = r.u16()
	if r.format == FormatINCITS378_2004 {
		r.recordImage(rec)
		return r.views(rec)
	}
	return r.views(rec)
}

func (r *fmrReader) magic(version []byte) error {
	if !bytes.Equal(r.data[:4], fmrMagic) {
		return r.fail("format identifier", 0, "is %q, want \"FMR\\x00\"", r.data[:4])
	}
	if !bytes.Equal(r.data[4:8], version) {
		return r.fail("version", 4, "is %q, want %q", r.data[4:8], version)
	}
	r.off = 8
	return nil
}

// recordImage reads the record-level width, height and resolution (the
// caller has checked the header's length).
func (r *fmrReader) recordImage(rec *Record) {
	rec.Width = int(r.u16())
	rec.Height = int(r.u16())
	rec.XRes = int(r.u16())
	rec.YRes = int(r.u16())
}

// views reads the view count, the reserved byte and every finger view, then
// checks that nothing is left over.
func (r *fmrReader) views(rec *Record) (*Record, error) {
	if err := r.need(2, "number of finger views"); err != nil {
		return nil, err
	}
	n := int(r.u8())
	rec.Reserved = r.u8()
	minView := viewHeaderLen + 2
	if r.format == FormatINCITS378_2009 {
		minView = view09HeaderLen + 2
	}
	if n*minView > len(r.data)-r.off {
		return nil, r.fail("number of finger views", r.off-2, "%d views need at least %d bytes, %d left", n, n*minView, len(r.data)-r.off)
	}
	if n == 1 && rec.one != nil {
		rec.Views, rec.extras = rec.one.view[:], rec.one.extra[:]
	} else {
		rec.Views = make([]Template, n)
		rec.extras = make([]viewExtra, n)
	}
	rec.one = nil
	if r.format == FormatINCITS378_2009 {
		rec.QualityAlgorithms = make([]uint32, n)
	}
	for i := range n {
		r.view = i
		if err := r.readView(rec, i); err != nil {
			return nil, err
		}
	}
	r.view = -1
	if r.off != len(r.data) {
		return nil, r.fail("end of record", r.off, "%d bytes after the last finger view", len(r.data)-r.off)
	}
	return rec, nil
}

func (r *fmrReader) readView(rec *Record, i int) error {
	v := &rec.Views[i]
	x := &rec.extras[i]
	x.format = r.format
	start := r.off
	if r.format == FormatINCITS378_2009 {
		if err := r.need(view09HeaderLen, "finger view header"); err != nil {
			return err
		}
		v.FingerPosition = int(r.u8())
		v.ViewNumber = int(r.u8())
		v.ImpressionType = int(r.u8())
		v.Quality = int(r.u8())
		rec.QualityAlgorithms[i] = r.u32()
		v.Width = int(r.u16())
		v.Height = int(r.u16())
		v.XRes = int(r.u16())
		v.YRes = int(r.u16())
	} else {
		if err := r.need(viewHeaderLen, "finger view header"); err != nil {
			return err
		}
		v.FingerPosition = int(r.u8())
		b := r.u8()
		v.ViewNumber = int(b >> 4)
		v.ImpressionType = int(b & 0x0F)
		v.Quality = int(r.u8())
		v.Width, v.Height, v.XRes, v.YRes = rec.Width, rec.Height, rec.XRes, rec.YRes
	}
	if v.FingerPosition > 15 {
		return r.fail("finger position", start, "%d is not a finger position code (0-15)", v.FingerPosition)
	}
	count := int(r.u8())
	if count*minutiaLen > len(r.data)-r.off {
		return r.fail("number of minutiae", r.off-1, "%d minutiae need %d bytes, %d left", count, count*minutiaLen, len(r.data)-r.off)
	}
	v.Minutiae = make([]Minutia, count)
	for j := range count {
		off := r.off
		a := r.u16()
		b := r.u16()
		angle := r.u8()
		q := r.u8()
		t := MinutiaType(a >> 14)
		if t > MinutiaBifurcation {
			return r.fail(fmt.Sprintf("minutia %d type", j), off, "type bits 11 are reserved")
		}
		if res := uint8(b >> 14); res != 0 {
			if x.minutiaReserved == nil {
				x.minutiaReserved = make([]uint8, count)
			}
			x.minutiaReserved[j] = res
		}
		var deg float64
		switch {
		case r.format == FormatISO19794_2005:
			deg = float64(angle) * (360.0 / 256)
		case angle < 180:
			deg = float64(angle) * 2
		default:
			return r.fail(fmt.Sprintf("minutia %d angle", j), off+4, "%d is beyond 179 (2-degree units)", angle)
		}
		v.Minutiae[j] = Minutia{X: int(a & coordMask), Y: int(b & coordMask), Angle: deg, Type: t, Quality: int(q)}
	}
	return r.readExtended(rec, v, x)
}

// angle converts a stored angle to degrees: 360/256-degree units in ISO,
// 2-degree units (0-179) in INCITS 378.
// The field name is built only on error (fmt costs more than the parse).
func (r *fmrReader) angle(raw uint8, off int, field string, args ...any) (float64, error) {
	if r.format == FormatISO19794_2005 {
		return float64(raw) * 360 / 256, nil
	}
	if raw >= 180 {
		return 0, r.fail(fmt.Sprintf(field, args...), off, "%d is beyond 179 (2-degree units)", raw)
	}
	return float64(raw) * 2, nil
}

func (r *fmrReader) readExtended(rec *Record, v *Template, x *viewExtra) error {
	if err := r.need(2, "extended data block length"); err != nil {
		return err
	}
	declared := int(r.u16())
	if declared == 0 {
		return nil
	}
	x.extLen = uint16(declared)
	start := r.off
	// Items are read one after another, as NIST libbiomeval reads them:
	// the block ends when the items' declared lengths add up to the
	// block's. A core and delta item is read by its own structure (it says
	// how many points it holds); when that disagrees with its declared
	// length, as in some published samples, the record is still read and
	// the disagreement is reported in rec.Warnings.
	left := declared
	for left > 0 {
		itemOff := r.off
		if left < extItemHeaderLen {
			return r.fail("extended data item", itemOff, "%d bytes left in the block, an item header needs 4", left)
		}
		if err := r.need(extItemHeaderLen, "extended data item"); err != nil {
			return err
		}
		typ := r.u16()
		length := int(r.u16())
		if length < extItemHeaderLen || length > left {
			return r.fail("extended data item length", itemOff+2, "%d does not fit between 4 and the %d bytes left in the block", length, left)
		}
		left -= length
		if typ == extCoreDelta {
			n, err := r.coreDelta(v, r.data[r.off:], r.off)
			if err != nil {
				return err
			}
			if n+extItemHeaderLen != length {
				rec.Warnings = append(rec.Warnings, r.errorf("core and delta data length", itemOff+2, "declares %d bytes, its cores and deltas take %d", length, n+extItemHeaderLen))
			}
			r.off += n
			continue
		}
		if err := r.need(length-extItemHeaderLen, "extended data item"); err != nil {
			return err
		}
		data := r.data[r.off : itemOff+length : itemOff+length]
		switch typ {
		case extRidgeCount:
			if err := r.ridgeCounts(v, x, data, r.off); err != nil {
				return err
			}
		default:
			x.unknown = append(x.unknown, extItem{typ: typ, data: data})
		}
		r.off = itemOff + length
	}
	x.ext = r.data[start:r.off:r.off]
	x.cores = slices.Clone(v.Cores)
	x.deltas = cloneDeltas(v.Deltas)
	x.ridges = slices.Clone(v.RidgeCounts)
	return nil
}

// ridgeCounts decodes a ridge count item: the extraction method, then
// triples (index, index, count). Indexes are stored 1-based; the Template
// holds them 0-based (a stored 0, which some writers use as padding,
// becomes -1).
func (r *fmrReader) ridgeCounts(v *Template, x *viewExtra, data []byte, off int) error {
	if len(data) < 1 || (len(data)-1)%3 != 0 {
		return r.fail("ridge count data", off, "%d bytes is not a method byte plus 3-byte entries", len(data))
	}
	if v.RidgeCounts != nil {
		return r.fail("ridge count data", off, "appears twice in one view")
	}
	x.ridgeMethod = data[0]
	v.RidgeCounts = make([]RidgeCount, 0, (len(data)-1)/3)
	for p := 1; p+3 <= len(data); p += 3 {
		v.RidgeCounts = append(v.RidgeCounts, RidgeCount{A: int(data[p]) - 1, B: int(data[p+1]) - 1, Count: int(data[p+2])})
	}
	return nil
}

// coreDelta decodes a core and delta item. ISO 2005 marks each point's
// angle presence in the top 2 bits of its x; INCITS 378 marks it once for
// all cores (and once for all deltas) in the top 2 bits of the count byte.
func (r *fmrReader) coreDelta(v *Template, data []byte, off int) (int, error) {
	if v.Cores != nil || v.Deltas != nil {
		return 0, r.fail("core and delta data", off, "appears twice in one view")
	}
	p := 0
	short := func(what string) error {
		return r.fail("core and delta data", off+p, "%s needs more than the %d bytes left in the record", what, len(data)-p)
	}
	iso := r.format == FormatISO19794_2005
	if p >= len(data) {
		return 0, short("number of cores")
	}
	b := data[p]
	p++
	nCores := int(b & 0x0F)
	groupAngle := b>>6 == 1
	v.Cores = make([]Core, 0, nCores)
	for i := range nCores {
		if p+4 > len(data) {
			return 0, short(fmt.Sprintf("core %d", i))
		}
		xv := binary.BigEndian.Uint16(data[p:])
		yv := binary.BigEndian.Uint16(data[p+2:])
		p += 4
		hasAngle := groupAngle
		if iso {
			hasAngle = xv>>14 == 1
		}
		c := Core{X: int(xv & coordMask), Y: int(yv & coordMask), HasAngle: hasAngle}
		if hasAngle {
			if p >= len(data) {
				return 0, short(fmt.Sprintf("core %d angle", i))
			}
			a, err := r.angle(data[p], off+p, "core %d angle", i)
			if err != nil {
				return 0, err
			}
			c.Angle = a
			p++
		}
		v.Cores = append(v.Cores, c)
	}
	if p >= len(data) {
		return 0, short("number of deltas")
	}
	b = data[p]
	p++
	nDeltas := int(b & 0x0F)
	groupAngle = b>>6 == 1
	v.Deltas = make([]Delta, 0, nDeltas)
	for i := range nDeltas {
		if p+4 > len(data) {
			return 0, short(fmt.Sprintf("delta %d", i))
		}
		xv := binary.BigEndian.Uint16(data[p:])
		yv := binary.BigEndian.Uint16(data[p+2:])
		p += 4
		hasAngle := groupAngle
		if iso {
			hasAngle = xv>>14 == 1
		}
		d := Delta{X: int(xv & coordMask), Y: int(yv & coordMask), HasAngle: hasAngle}
		if hasAngle {
			if p+3 > len(data) {
				return 0, short(fmt.Sprintf("delta %d angles", i))
			}
			d.Angles = make([]float64, 3)
			for k := range 3 {
				a, err := r.angle(data[p], off+p, "delta %d angle %d", i, k+1)
				if err != nil {
					return 0, err
				}
				d.Angles[k] = a
				p++
			}
		}
		v.Deltas = append(v.Deltas, d)
	}
	return p, nil
}

func cloneDeltas(ds []Delta) []Delta {
	if ds == nil {
		return nil
	}
	out := make([]Delta, len(ds))
	for i, d := range ds {
		out[i] = d
		out[i].Angles = slices.Clone(d.Angles)
	}
	return out
}

func deltasEqual(a, b []Delta) bool {
	return slices.EqualFunc(a, b, func(x, y Delta) bool {
		return x.X == y.X && x.Y == y.Y && x.HasAngle == y.HasAngle && slices.Equal(x.Angles, y.Angles)
	})
}

// ErrTooLarge is wrapped by writers when a record would exceed what its
// format can express.
var ErrTooLarge = errors.New("too large for the format")
