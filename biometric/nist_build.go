package biometric

import (
	"fmt"
	"math"
	"strconv"
)

// Export is what BuildTransaction needs to make a new transaction for a
// partner agency: the Type-1 facts, the subject's description (Type-2) and
// one Template per finger (one Type-9 record each).
type Export struct {
	Info    TransactionInfo // Version defaults to "0500", NSR and NTR to "19.69"
	Subject Descriptive
	Fingers []Template
	// INCITS writes the INCITS 378 minutiae block (9.126-9.141); Legacy
	// the IAFIS block (9.004 "S", 9.005-9.012), which needs each
	// template's image height and resolution. At least one must be set.
	INCITS bool
	Legacy bool
}

// BuildTransaction makes a new ANSI/NIST-ITL transaction of Types 1, 2 and
// 9 from e. WriteTransaction then writes it with lengths and CNT filled in.
func BuildTransaction(e Export) (*Transaction, error) {
	if !e.INCITS && !e.Legacy {
		return nil, fmt.Errorf("biometric: build transaction: choose INCITS or legacy minutiae (or both)")
	}
	info := e.Info
	if info.Version == "" {
		info.Version = "0500"
	}
	if info.NativeResolution == "" {
		info.NativeResolution = "19.69"
	}
	if info.NominalResolution == "" {
		info.NominalResolution = "19.69"
	}
	if info.TransactionType == "" || info.Date == "" || info.Destination == "" || info.Originating == "" || info.ControlNumber == "" {
		return nil, fmt.Errorf("biometric: build transaction: 1.004 TOT, 1.005 DAT, 1.007 DAI, 1.008 ORI and 1.009 TCN are required")
	}
	t1 := &LogicalRecord{Type: 1}
	t1.Set(1, "0")
	for _, f := range []struct {
		n int
		v string
	}{{2, info.Version}, {4, info.TransactionType}, {5, info.Date}, {6, info.Priority},
		{7, info.Destination}, {8, info.Originating}, {9, info.ControlNumber}, {10, info.ControlReference},
		{11, info.NativeResolution}, {12, info.NominalResolution}} {
		if f.v != "" {
			if err := checkText(1, f.n, f.v); err != nil {
				return nil, err
			}
			t1.Set(f.n, f.v)
		}
	}
	t1.Set(3, "1\x1f0") // CNT, filled in below
	tx := &Transaction{Records: []*LogicalRecord{t1}}

	s := e.Subject
	t2 := &LogicalRecord{Type: 2}
	t2.Set(1, "0")
	t2.Set(2, "00")
	for _, f := range []struct {
		n int
		v string
	}{{fieldNAM, s.Name}, {fieldAKA, joinRepeated(s.Aliases)}, {fieldPOB, s.PlaceOfBirth}, {fieldCTZ, joinRepeated(s.Citizenship)},
		{fieldDOB, s.DateOfBirth}, {fieldSEX, s.Sex}, {fieldRAC, s.Race}, {fieldHGT, s.Height}, {fieldWGT, s.Weight},
		{fieldEYE, s.Eyes}, {fieldHAI, s.Hair}} {
		if f.v != "" {
			if err := checkText(2, f.n, f.v); err != nil {
				return nil, err
			}
			t2.Set(f.n, f.v)
		}
	}
	tx.Records = append(tx.Records, t2)

	for i, t := range e.Fingers {
		r, err := type9(t, i+1, e)
		if err != nil {
			return nil, fmt.Errorf("biometric: build transaction: finger %d: %w", i+1, err)
		}
		tx.Records = append(tx.Records, r)
	}
	if err := tx.syncContents(); err != nil {
		return nil, err
	}
	return tx, nil
}

func joinRepeated(v []string) string {
	subs := make([][]string, len(v))
	for i, s := range v {
		subs[i] = []string{s}
	}
	return JoinSubfields(subs)
}

// checkText refuses separators in text given for a field (other than the
// RS that joins repeated values the builder made itself).
func checkText(t, n int, v string) error {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c == SepFS || c == SepGS || c == SepUS {
			return fmt.Errorf("biometric: build transaction: %d.%03d contains a separator (0x%02X)", t, n, c)
		}
	}
	return nil
}

func type9(t Template, idc int, e Export) (*LogicalRecord, error) {
	r := &LogicalRecord{Type: 9}
	r.Set(1, "0")
	r.Set(2, fmt.Sprintf("%02d", idc))
	r.Set(3, strconv.Itoa(t.ImpressionType))
	if e.Legacy {
		r.Set(4, "S")
	} else {
		r.Set(4, "U")
	}
	if len(t.Minutiae) > 999 {
		return nil, fmt.Errorf("%d minutiae: %w", len(t.Minutiae), ErrTooLarge)
	}
	for _, m := range t.Minutiae {
		if m.X < 0 || m.Y < 0 || m.X > coordMask || m.Y > coordMask || m.Type > MinutiaBifurcation {
			return nil, fmt.Errorf("minutia %+v out of range", m)
		}
	}
	if e.Legacy {
		if err := legacyFields(r, t); err != nil {
			return nil, err
		}
	}
	if e.INCITS {
		incitsFields(r, t)
	}
	return r, nil
}

// legacyFields writes 9.005-9.012 (the inverse of legacyBlock).
func legacyFields(r *LogicalRecord, t Template) error {
	if t.Height <= 0 || t.YRes <= 0 || t.XRes <= 0 {
		return fmt.Errorf("legacy minutiae need the image height and resolution (have %d px at %dx%d px/cm)", t.Height, t.XRes, t.YRes)
	}
	r.Set(5, "ENLACE\x1fA")
	r.Set(6, fmt.Sprintf("%02d", t.FingerPosition))
	r.Set(7, "T\x1fUN")
	r.Set(10, strconv.Itoa(len(t.Minutiae)))
	hasRC := len(t.RidgeCounts) > 0
	if hasRC {
		r.Set(11, "1")
	} else {
		r.Set(11, "0")
	}
	subs := make([][]string, len(t.Minutiae))
	for j, m := range t.Minutiae {
		x := int(math.Round(float64(m.X) * 1000 / float64(t.XRes)))
		y := int(math.Round((float64(t.Height) - 1 - float64(m.Y)) * 1000 / float64(t.YRes)))
		th := int(math.Round(math.Mod(m.Angle+180, 360))) % 360
		if x > 9999 || y > 9999 || y < 0 {
			return fmt.Errorf("minutia %d at (%d,%d) px does not fit the legacy 0.01 mm grid", j, m.X, m.Y)
		}
		typ := "D"
		switch m.Type {
		case MinutiaEnding:
			typ = "A"
		case MinutiaBifurcation:
			typ = "B"
		}
		q := 0
		if m.Quality > 0 {
			q = max(1, min(63, int(math.Round(float64(m.Quality)*63/100))))
		}
		s := []string{fmt.Sprintf("%03d", j+1), fmt.Sprintf("%04d%04d%03d", x, y, th), strconv.Itoa(q), typ}
		for _, rc := range t.RidgeCounts {
			if rc.A == j && rc.B >= 0 {
				s = append(s, fmt.Sprintf("%d,%d", rc.B+1, rc.Count))
			}
		}
		subs[j] = s
	}
	r.Set(12, JoinSubfields(subs))
	return nil
}

// incitsFields writes 9.126-9.141 (the inverse of incitsBlock).
func incitsFields(r *LogicalRecord, t Template) {
	r.Set(126, "27\x1f513\x1f0") // CBEFF format owner INCITS M1 (0x001B), type 0x0201
	r.Set(127, "0\x1f0")
	r.Set(128, strconv.Itoa(t.Width))
	r.Set(129, strconv.Itoa(t.Height))
	r.Set(130, "2") // pixels per cm
	r.Set(131, strconv.Itoa(t.XRes))
	r.Set(132, strconv.Itoa(t.YRes))
	r.Set(133, strconv.Itoa(t.ViewNumber))
	r.Set(134, strconv.Itoa(t.FingerPosition))
	r.Set(135, fmt.Sprintf("%d\x1f0\x1f0", t.Quality))
	r.Set(136, strconv.Itoa(len(t.Minutiae)))
	subs := make([][]string, len(t.Minutiae))
	for j, m := range t.Minutiae {
		a := int(math.Round(math.Mod(math.Mod(m.Angle, 360)+360, 360)/2)) % 180
		subs[j] = []string{strconv.Itoa(j + 1), strconv.Itoa(m.X), strconv.Itoa(m.Y), strconv.Itoa(a), strconv.Itoa(int(m.Type)), strconv.Itoa(m.Quality)}
	}
	r.Set(137, JoinSubfields(subs))
	if len(t.RidgeCounts) > 0 {
		rc := make([][]string, len(t.RidgeCounts))
		for j, c := range t.RidgeCounts {
			rc[j] = []string{strconv.Itoa(c.A + 1), strconv.Itoa(c.B + 1), strconv.Itoa(c.Count)}
		}
		r.Set(138, JoinSubfields(rc))
	}
	if len(t.Cores) > 0 {
		cs := make([][]string, len(t.Cores))
		for j, c := range t.Cores {
			cs[j] = []string{strconv.Itoa(c.X), strconv.Itoa(c.Y)}
			if c.HasAngle {
				cs[j] = append(cs[j], strconv.Itoa(int(math.Round(c.Angle/2))%180))
			}
		}
		r.Set(139, JoinSubfields(cs))
	}
	if len(t.Deltas) > 0 {
		ds := make([][]string, len(t.Deltas))
		var ada [][]string
		for j, d := range t.Deltas {
			ds[j] = []string{strconv.Itoa(d.X), strconv.Itoa(d.Y)}
			if d.HasAngle && len(d.Angles) > 0 {
				ds[j] = append(ds[j], strconv.Itoa(int(math.Round(d.Angles[0]/2))%180))
			}
			var extra []string
			if d.HasAngle {
				for _, a := range d.Angles[min(1, len(d.Angles)):] {
					extra = append(extra, strconv.Itoa(int(math.Round(a/2))%180))
				}
			}
			if len(extra) == 0 {
				extra = []string{""}
			}
			ada = append(ada, extra)
		}
		r.Set(140, JoinSubfields(ds))
		hasADA := false
		for _, a := range ada {
			hasADA = hasADA || a[0] != ""
		}
		if hasADA {
			r.Set(141, JoinSubfields(ada))
		}
	}
}
