package biometric

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
)

// ANSI/NIST-ITL 1-2011 (Update 2015), traditional encoding.
//
// A transaction is a sequence of logical records. Tagged records are fields
// "T.FFF:value" separated by GS and ended by FS; binary records (Types 3-8)
// are a fixed big-endian header then data. The Type-1 record's CNT field
// (1.003) says which records follow and therefore where the binary ones are.

// The information separators.
const (
	SepFS = 0x1C // ends a logical record
	SepGS = 0x1D // separates fields
	SepRS = 0x1E // separates subfields
	SepUS = 0x1F // separates information items
)

// MaxTransactionSize caps the transactions the reader accepts.
const MaxTransactionSize = 64 << 20

const nistFormat = "ansi-nist-itl"

// Transaction is an ANSI/NIST-ITL transaction: its logical records in order,
// Records[0] being the Type-1 record. Reading then writing an unchanged
// transaction reproduces its bytes.
type Transaction struct {
	Records []*LogicalRecord
	// Warnings lists what the reader tolerated in a readable transaction
	// (a field tag naming another record type, as in some published
	// samples; a record whose IDC differs from the one 1.003 (CNT) lists
	// for it).
	Warnings []*FormatError
	// cntIDC keeps, by record index, the IDC 1.003 (CNT) listed for a
	// record that carries another, so that writing the transaction back
	// keeps the CNT as the partner wrote it.
	cntIDC map[int]int
}

// LogicalRecord is one record of a transaction. Tagged records keep their
// fields in the order read (unknown and repeated fields included); binary
// records (Types 3-8) keep their fixed header and data.
type LogicalRecord struct {
	Type   int
	Fields []Field // tagged records
	// IDC, Header and Data are for binary records: the information
	// designation character, the fixed header bytes after the length and
	// the IDC (13 bytes for Types 3-6, 7 for Type-8, none for Type-7), and
	// the image data.
	IDC    int
	Header []byte
	Data   []byte
	// Offset is where the record began in the input (0 for built records).
	Offset int64
}

// Field is one field of a tagged record. Value holds the bytes between the
// colon and the separator, separators inside it included; for a read
// transaction it aliases the input.
type Field struct {
	Tag    string // as written: "1.001", or "1.01" in older files
	Number int    // the field number after the dot
	Value  []byte
}

// Binary reports whether records of type t are binary (Types 3-8).
func Binary(t int) bool { return t >= 3 && t <= 8 }

// binaryHeaderLen is the fixed header length after the 4-byte length and
// the IDC byte.
func binaryHeaderLen(t int) int {
	switch t {
	case 3, 4, 5, 6:
		return 13
	case 8:
		return 7
	}
	return 0
}

// Field returns the record's first field numbered n.
func (r *LogicalRecord) Field(n int) (*Field, bool) {
	for i := range r.Fields {
		if r.Fields[i].Number == n {
			return &r.Fields[i], true
		}
	}
	return nil, false
}

// Text returns the value of the record's first field numbered n, or "".
func (r *LogicalRecord) Text(n int) string {
	if f, ok := r.Field(n); ok {
		return string(f.Value)
	}
	return ""
}

// Set replaces the value of the first field numbered n, or adds the field
// in field-number order (with a three-digit tag) when it is absent.
func (r *LogicalRecord) Set(n int, value string) {
	if f, ok := r.Field(n); ok {
		f.Value = []byte(value)
		return
	}
	f := Field{Tag: fmt.Sprintf("%d.%03d", r.Type, n), Number: n, Value: []byte(value)}
	i := len(r.Fields)
	for j, g := range r.Fields {
		if g.Number > n {
			i = j
			break
		}
	}
	r.Fields = append(r.Fields, Field{})
	copy(r.Fields[i+1:], r.Fields[i:])
	r.Fields[i] = f
}

// Subfields splits a value into subfields (RS) of information items (US).
func Subfields(value []byte) [][]string {
	if len(value) == 0 {
		return nil
	}
	var out [][]string
	for sub := range bytes.SplitSeq(value, []byte{SepRS}) {
		var items []string
		for it := range bytes.SplitSeq(sub, []byte{SepUS}) {
			items = append(items, string(it))
		}
		out = append(out, items)
	}
	return out
}

// JoinSubfields is the inverse of Subfields.
func JoinSubfields(subs [][]string) string {
	var b []byte
	for i, s := range subs {
		if i > 0 {
			b = append(b, SepRS)
		}
		for j, it := range s {
			if j > 0 {
				b = append(b, SepUS)
			}
			b = append(b, it...)
		}
	}
	return string(b)
}

// nistReader walks a transaction.
type nistReader struct {
	data   []byte
	record int
	tx     *Transaction
}

func (r *nistReader) fail(field string, off int, format string, args ...any) error {
	return r.errorf(field, off, format, args...)
}

func (r *nistReader) errorf(field string, off int, format string, args ...any) *FormatError {
	return &FormatError{Format: nistFormat, Record: r.record, Field: field, Offset: int64(off), Msg: fmt.Sprintf(format, args...)}
}

// ReadTransaction reads an ANSI/NIST-ITL transaction in the traditional
// encoding.
func ReadTransaction(data []byte) (*Transaction, error) {
	tx := &Transaction{}
	r := &nistReader{data: data, tx: tx}
	if len(data) > MaxTransactionSize {
		return nil, r.fail("", 0, "%d bytes is over the %d-byte limit", len(data), MaxTransactionSize)
	}
	first, end, err := r.tagged(0, 1)
	if err != nil {
		return nil, err
	}
	types, idcs, err := r.contents(first)
	if err != nil {
		return nil, err
	}
	tx.Records = make([]*LogicalRecord, 0, 1+len(types))
	tx.Records = append(tx.Records, first)
	off := end
	for i, t := range types {
		r.record = i + 1
		var rec *LogicalRecord
		if Binary(t) {
			rec, end, err = r.binary(off, t)
		} else {
			rec, end, err = r.tagged(off, t)
		}
		if err != nil {
			return nil, err
		}
		if idc, ok := recordIDC(rec); ok && idc != idcs[i] {
			// A partner's file: read it as it is and say where it differs.
			tx.Warnings = append(tx.Warnings, r.errorf("IDC", off, "record (Type-%d) has IDC %d, 1.003 (CNT) lists %d; read as written", t, idc, idcs[i]))
			if tx.cntIDC == nil {
				tx.cntIDC = map[int]int{}
			}
			tx.cntIDC[i+1] = idcs[i]
		}
		tx.Records = append(tx.Records, rec)
		off = end
	}
	if off != len(data) {
		r.record = -1
		return nil, r.fail("", off, "%d bytes after the %d records listed in 1.003 (CNT)", len(data)-off, len(tx.Records))
	}
	return tx, nil
}

// recordIDC returns a record's IDC (x.002 for tagged records except Type-1).
func recordIDC(rec *LogicalRecord) (int, bool) {
	if Binary(rec.Type) {
		return rec.IDC, true
	}
	if rec.Type == 1 {
		return 0, false
	}
	f, ok := rec.Field(2)
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(string(f.Value))
	return n, err == nil
}

// contents checks 1.003 (CNT) and returns the types and IDCs it lists.
func (r *nistReader) contents(first *LogicalRecord) ([]int, []int, error) {
	f, ok := first.Field(3)
	if !ok {
		return nil, nil, r.fail("1.003", int(first.Offset), "the Type-1 record has no CNT field")
	}
	off := int(first.Offset) + bytes.Index(r.data[first.Offset:], f.Value)
	subs := bytes.Split(f.Value, []byte{SepRS})
	head := bytes.Split(subs[0], []byte{SepUS})
	if len(head) != 2 || string(head[0]) != "1" {
		return nil, nil, r.fail("1.003", off, "first subfield %q is not 1<US>count", subs[0])
	}
	n, err := atoiBounded(head[1], 1<<20)
	if err != nil {
		return nil, nil, r.fail("1.003", off, "record count %q: %v", head[1], err)
	}
	if n != len(subs)-1 {
		return nil, nil, r.fail("1.003", off, "says %d records and lists %d", n, len(subs)-1)
	}
	// every record takes at least 5 bytes: no more records than that fit
	if left := len(r.data) - int(first.Offset); n > left/5 {
		return nil, nil, r.fail("1.003", off, "%d records cannot fit in %d bytes", n, left)
	}
	types := make([]int, n)
	idcs := make([]int, n)
	for i, s := range subs[1:] {
		items := bytes.Split(s, []byte{SepUS})
		if len(items) != 2 {
			return nil, nil, r.fail("1.003", off, "subfield %d %q is not type<US>IDC", i+2, s)
		}
		t, err1 := atoiBounded(items[0], 99)
		idc, err2 := atoiBounded(items[1], 255)
		if err1 != nil || err2 != nil || t < 2 {
			return nil, nil, r.fail("1.003", off, "subfield %d %q is not a record type 2-99 and an IDC 0-255", i+2, s)
		}
		types[i], idcs[i] = t, idc
	}
	return types, idcs, nil
}

// atoiBounded parses 1-10 ASCII digits not above max.
func atoiBounded(b []byte, max int) (int, error) {
	if len(b) == 0 || len(b) > 10 {
		return 0, fmt.Errorf("not a number of 1-10 digits")
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("not a number")
		}
		n = n*10 + int(c-'0')
	}
	if n > max {
		return 0, fmt.Errorf("%d is over %d", n, max)
	}
	return n, nil
}

// tagged reads the tagged record of type t starting at off and returns it
// with the offset just past its FS.
func (r *nistReader) tagged(off, t int) (*LogicalRecord, int, error) {
	data := r.data
	if off >= len(data) {
		return nil, 0, r.fail("", off, "input ends where a Type-%d record should begin", t)
	}
	// The first field is the record length: "T.001:" or "T.01:".
	colon := bytes.IndexByte(data[off:min(len(data), off+16)], ':')
	if colon < 0 {
		return nil, 0, r.fail("", off, "no field tag where a Type-%d record should begin", t)
	}
	tagType, num, ok := parseTag(data[off : off+colon])
	if !ok || num != 1 {
		return nil, 0, r.fail("", off, "record begins with %q, not a length field %d.001", data[off:off+colon], t)
	}
	if tagType != t {
		return nil, 0, r.fail(fmt.Sprintf("%d.001", t), off, "record begins with a Type-%d tag where 1.003 (CNT) lists Type-%d", tagType, t)
	}
	lenStart := off + colon + 1
	gs := bytes.IndexByte(data[lenStart:min(len(data), lenStart+12)], SepGS)
	if gs < 0 {
		return nil, 0, r.fail(fmt.Sprintf("%d.001", t), lenStart, "record length is not 1-10 digits followed by GS")
	}
	length, err := atoiBounded(data[lenStart:lenStart+gs], MaxTransactionSize)
	if err != nil {
		return nil, 0, r.fail(fmt.Sprintf("%d.001", t), lenStart, "record length %q: %v", data[lenStart:lenStart+gs], err)
	}
	end := off + length
	if length < colon+gs+3 || end > len(data) {
		return nil, 0, r.fail(fmt.Sprintf("%d.001", t), lenStart, "record length %d does not fit: %d bytes left", length, len(data)-off)
	}
	if data[end-1] != SepFS {
		return nil, 0, r.fail(fmt.Sprintf("%d.001", t), end-1, "the byte at the declared record end (length %d) is 0x%02X, not FS", length, data[end-1])
	}
	rec := &LogicalRecord{Type: t, Offset: int64(off)}
	body := end - 1 // the FS
	p := off
	// count the fields first to allocate once
	rec.Fields = make([]Field, 0, 1+bytes.Count(data[off:body], []byte{SepGS}))
	for p < body {
		c := bytes.IndexByte(data[p:min(body, p+16)], ':')
		if c < 0 {
			return nil, 0, r.fail("", p, "no field tag (T.FFF:) where a field should begin")
		}
		tag := data[p : p+c]
		ft, fn, ok := parseTag(tag)
		if !ok {
			return nil, 0, r.fail("", p, "field tag %q is not T.FFF", tag)
		}
		tagStr := string(tag)
		if ft != t {
			r.tx.Warnings = append(r.tx.Warnings, r.errorf(tagStr, p, "field tag names Type-%d inside a Type-%d record", ft, t))
		}
		vs := p + c + 1
		var ve int
		if fn == 999 {
			// binary data: up to the record end, separators included
			ve = body
		} else {
			g := bytes.IndexByte(data[vs:body], SepGS)
			if g < 0 {
				ve = body
			} else {
				ve = vs + g
			}
			if fs := bytes.IndexByte(data[vs:ve], SepFS); fs >= 0 {
				return nil, 0, r.fail(tagStr, vs+fs, "FS inside a field: record separator out of place")
			}
		}
		rec.Fields = append(rec.Fields, Field{Tag: tagStr, Number: fn, Value: data[vs:ve:ve]})
		p = ve + 1
		if ve == body {
			break
		}
	}
	return rec, end, nil
}

// parseTag parses "T.F" with 1-3 digit type and 1-9 digit field number.
func parseTag(tag []byte) (t, f int, ok bool) {
	dot := bytes.IndexByte(tag, '.')
	if dot < 1 || dot > 3 || dot == len(tag)-1 || len(tag)-dot-1 > 9 {
		return 0, 0, false
	}
	for _, c := range tag[:dot] {
		if c < '0' || c > '9' {
			return 0, 0, false
		}
		t = t*10 + int(c-'0')
	}
	for _, c := range tag[dot+1:] {
		if c < '0' || c > '9' {
			return 0, 0, false
		}
		f = f*10 + int(c-'0')
	}
	return t, f, true
}

// binary reads a binary record (Types 3-8) at off.
func (r *nistReader) binary(off, t int) (*LogicalRecord, int, error) {
	hdr := binaryHeaderLen(t)
	min := 5 + hdr
	if len(r.data)-off < min {
		return nil, 0, r.fail(fmt.Sprintf("%d.001", t), off, "Type-%d header needs %d bytes, %d left", t, min, len(r.data)-off)
	}
	length := int64(binary.BigEndian.Uint32(r.data[off:]))
	if length < int64(min) || length > int64(len(r.data)-off) {
		return nil, 0, r.fail(fmt.Sprintf("%d.001", t), off, "record length %d does not fit between %d and the %d bytes left", length, min, len(r.data)-off)
	}
	end := off + int(length)
	rec := &LogicalRecord{
		Type:   t,
		IDC:    int(r.data[off+4]),
		Header: r.data[off+5 : off+5+hdr : off+5+hdr],
		Data:   r.data[off+min : end : end],
		Offset: int64(off),
	}
	return rec, end, nil
}

// WriteTransaction writes tx in the traditional encoding. Each record's
// length field and the Type-1 CNT field (1.003) are brought in line with
// the records; when they already agree, their text is kept as it was, so
// an unchanged transaction is written back byte for byte.
func WriteTransaction(tx *Transaction) ([]byte, error) {
	if len(tx.Records) == 0 || tx.Records[0].Type != 1 || Binary(tx.Records[0].Type) {
		return nil, fmt.Errorf("biometric: write transaction: the first record must be Type-1")
	}
	if err := tx.syncContents(); err != nil {
		return nil, err
	}
	size := 0
	for _, rec := range tx.Records {
		size += 16 + len(rec.Header) + len(rec.Data)
		for _, f := range rec.Fields {
			size += len(f.Tag) + len(f.Value) + 2
		}
	}
	out := make([]byte, 0, size)
	for i, rec := range tx.Records {
		var err error
		if Binary(rec.Type) {
			out, err = appendBinary(out, rec)
		} else {
			out, err = appendTagged(out, rec)
		}
		if err != nil {
			return nil, fmt.Errorf("biometric: write transaction: record %d (Type-%d): %w", i, rec.Type, err)
		}
	}
	return out, nil
}

func appendBinary(out []byte, rec *LogicalRecord) ([]byte, error) {
	if len(rec.Header) != binaryHeaderLen(rec.Type) {
		return nil, fmt.Errorf("header of %d bytes, want %d", len(rec.Header), binaryHeaderLen(rec.Type))
	}
	if rec.IDC < 0 || rec.IDC > 255 {
		return nil, fmt.Errorf("IDC %d out of 0-255", rec.IDC)
	}
	n := 5 + len(rec.Header) + len(rec.Data)
	if n > math.MaxUint32 {
		return nil, fmt.Errorf("%d bytes: %w", n, ErrTooLarge)
	}
	out = binary.BigEndian.AppendUint32(out, uint32(n))
	out = append(out, byte(rec.IDC))
	out = append(out, rec.Header...)
	return append(out, rec.Data...), nil
}

func appendTagged(out []byte, rec *LogicalRecord) ([]byte, error) {
	if len(rec.Fields) == 0 || rec.Fields[0].Number != 1 {
		return nil, fmt.Errorf("the first field must be the record length %d.001", rec.Type)
	}
	// Everything but the length value.
	rest := 0
	for i, f := range rec.Fields {
		if f.Number != 999 || i != len(rec.Fields)-1 {
			if bytes.IndexByte(f.Value, SepFS) >= 0 || bytes.IndexByte(f.Value, SepGS) >= 0 {
				return nil, fmt.Errorf("field %s holds a FS or GS separator", f.Tag)
			}
		}
		if _, _, ok := parseTag([]byte(f.Tag)); !ok {
			return nil, fmt.Errorf("field tag %q is not T.FFF", f.Tag)
		}
		rest += len(f.Tag) + 1 + 1 // tag, colon, GS or FS
		if i > 0 {
			rest += len(f.Value)
		}
	}
	old := rec.Fields[0].Value
	length := rest + len(old)
	if n, err := atoiBounded(old, math.MaxInt32); err != nil || n != length {
		// the length counts its own digits
		d := 1
		for len(strconv.Itoa(rest+d)) != d {
			d++
		}
		length = rest + d
		old = []byte(strconv.Itoa(length))
	}
	for i, f := range rec.Fields {
		out = append(out, f.Tag...)
		out = append(out, ':')
		if i == 0 {
			out = append(out, old...)
		} else {
			out = append(out, f.Value...)
		}
		if i == len(rec.Fields)-1 {
			out = append(out, SepFS)
		} else {
			out = append(out, SepGS)
		}
	}
	return out, nil
}

// syncContents makes 1.003 (CNT) list the records present, keeping its text
// when it already does.
func (tx *Transaction) syncContents() error {
	first := tx.Records[0]
	want := [][]string{{"1", strconv.Itoa(len(tx.Records) - 1)}}
	known := []bool{true}
	for i, rec := range tx.Records[1:] {
		idc, ok := recordIDC(rec)
		if listed, read := tx.cntIDC[i+1]; read {
			idc = listed // the CNT as read disagreed with this record: keep it
		}
		want = append(want, []string{strconv.Itoa(rec.Type), fmt.Sprintf("%02d", idc)})
		known = append(known, ok)
	}
	if f, ok := first.Field(3); ok && contentsAgree(Subfields(f.Value), want, known) {
		return nil
	}
	first.Set(3, JoinSubfields(want))
	return nil
}

// contentsAgree compares CNT subfields with the records; a record without
// a readable IDC (no x.002) agrees with any IDC.
func contentsAgree(have, want [][]string, idcKnown []bool) bool {
	if len(have) != len(want) {
		return false
	}
	for i := range have {
		if len(have[i]) != 2 {
			return false
		}
		for j := range 2 {
			if j == 1 && !idcKnown[i] {
				if _, err := strconv.Atoi(have[i][j]); err != nil {
					return false
				}
				continue
			}
			a, err1 := strconv.Atoi(have[i][j])
			b, err2 := strconv.Atoi(want[i][j])
			if err1 != nil || err2 != nil || a != b {
				return false
			}
		}
	}
	return true
}
