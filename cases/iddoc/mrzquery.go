package iddoc

import (
	"strings"

	"github.com/enlace-desk/enlace/cases"
)

// surnameParticles are the words that belong to the surname that follows
// them: "DE LA CRUZ" is one surname.
var surnameParticles = map[string]bool{"DE": true, "DEL": true, "LA": true, "LAS": true, "LOS": true}

// nameGroups splits MRZ name words into name parts, joining particles to the
// word after them, in title case with particles in lower case:
// "DE LA CRUZ PEREZ" gives ["de la Cruz", "Perez"].
func nameGroups(s string) []string {
	var groups []string
	var cur []string
	for _, w := range strings.Fields(s) {
		if surnameParticles[w] {
			cur = append(cur, strings.ToLower(w))
			continue
		}
		cur = append(cur, titleWord(w))
		groups = append(groups, strings.Join(cur, " "))
		cur = cur[:0]
	}
	if len(cur) > 0 {
		groups = append(groups, strings.Join(cur, " "))
	}
	return groups
}

// titleWord writes an MRZ word (A–Z) with a capital initial.
func titleWord(w string) string {
	if w == "" {
		return w
	}
	return w[:1] + strings.ToLower(w[1:])
}

// Name returns the holder's name as the search wants it. Exactly two
// surname parts are read as paternal then maternal ("MACIAS<VILLAMAR" gives
// Macias, Villamar); one part, or more than two, all go to Paternal, since
// the MRZ does not say where one surname ends. MRZ names carry no accents.
func (m *MRZ) Name() cases.Name {
	var n cases.Name
	switch s := nameGroups(m.Surnames); len(s) {
	case 0:
	case 2:
		n.Paternal, n.Maternal = s[0], s[1]
	default:
		n.Paternal = strings.Join(s, " ")
	}
	n.Given = nameGroups(m.GivenNames)
	return n
}

// DOB returns the date of birth; unknown parts are 0.
func (m *MRZ) DOB() cases.PartialDate { return m.BirthDate }

// Document returns the document the MRZ belongs to: a passport when the
// document type starts with P, a cédula when an Ecuadorian identity card's
// document number is a valid cédula, otherwise DocOther. Country is the
// issuing state as an ISO 3166-1 alpha-3 code.
func (m *MRZ) Document() cases.Document {
	d := cases.Document{Kind: cases.DocOther, Number: NormalizePassport(m.DocumentNumber), Country: isoCountry(m.IssuingState)}
	switch {
	case strings.HasPrefix(m.DocumentType, "P"):
		d.Kind = cases.DocPassport
	case m.IssuingState == "ECU" && ValidateCedula(m.DocumentNumber) == nil:
		d.Kind = cases.DocCedula
	}
	return d
}

// Cedula returns the cédula an Ecuadorian document carries, in its document
// number or optional data, and false when the issuing state is not ECU or no
// valid cédula is there.
func (m *MRZ) Cedula() (cases.Document, bool) {
	if m.IssuingState != "ECU" {
		return cases.Document{}, false
	}
	for _, f := range []string{m.DocumentNumber, m.OptionalData, m.OptionalData2} {
		for _, run := range strings.FieldsFunc(f, func(r rune) bool { return r < '0' || r > '9' }) {
			if len(run) == CedulaLength && checkCedula(run) == nil {
				return cases.Document{Kind: cases.DocCedula, Number: run, Country: "ECU"}, true
			}
		}
	}
	return cases.Document{}, false
}

// isoCountry turns an ICAO 9303 state code into ISO 3166-1 alpha-3: they
// agree except Germany, which the MRZ writes "D".
func isoCountry(icao string) string {
	if icao == "D" {
		return "DEU"
	}
	return icao
}
