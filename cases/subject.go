package cases

import (
	"fmt"
	"strings"
	"time"
)

// Category is the agreement's scope: why a person's data may be shared.
type Category string

const (
	CategoryTerrorist    Category = "terrorist"
	CategoryGangMember   Category = "gang_member"
	CategoryHighPriority Category = "high_priority_criminal"
	CategoryOther        Category = "other"
)

// Categories lists every category.
var Categories = []Category{CategoryTerrorist, CategoryGangMember, CategoryHighPriority, CategoryOther}

// Label is the category as an officer reads it.
func (c Category) Label() string {
	switch c {
	case CategoryTerrorist:
		return "Terrorist"
	case CategoryGangMember:
		return "Gang member"
	case CategoryHighPriority:
		return "High-priority criminal"
	case CategoryOther:
		return "Other"
	}
	return string(c)
}

// Sex as recorded on identity documents.
type Sex string

const (
	SexMale    Sex = "M"
	SexFemale  Sex = "F"
	SexUnknown Sex = "X"
)

// DocumentKind is the kind of an identity document.
type DocumentKind string

const (
	DocCedula   DocumentKind = "cedula"   // Ecuadorian national identity card number
	DocPassport DocumentKind = "passport" // any passport
	DocANumber  DocumentKind = "a_number" // US alien registration number
	DocOther    DocumentKind = "other"
)

// Label is the document kind as an officer reads it.
func (k DocumentKind) Label() string {
	switch k {
	case DocCedula:
		return "Cédula"
	case DocPassport:
		return "Passport"
	case DocANumber:
		return "A-number"
	}
	return "Other"
}

// Document is one identity document of a subject.
type Document struct {
	Kind    DocumentKind
	Number  string
	Country string // issuing country, ISO 3166-1 alpha-3
}

// PartialDate is a date of birth that may be known only to the year, or to the
// year and month. Zero Month or Day means unknown; zero Year means no date.
type PartialDate struct {
	Year, Month, Day int
}

// IsZero reports whether no part of the date is known.
func (d PartialDate) IsZero() bool { return d.Year == 0 }

// String renders the known part: "1984-03-07", "1984-03" or "1984"; "" if unknown.
func (d PartialDate) String() string {
	switch {
	case d.Year == 0:
		return ""
	case d.Month == 0:
		return fmt.Sprintf("%04d", d.Year)
	case d.Day == 0:
		return fmt.Sprintf("%04d-%02d", d.Year, d.Month)
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// ParsePartialDate reads "YYYY", "YYYY-MM" or "YYYY-MM-DD" ("" gives the zero
// date) and checks that the parts make a real date.
func ParsePartialDate(s string) (PartialDate, error) {
	s = strings.TrimSpace(s)
	var d PartialDate
	if s == "" {
		return d, nil
	}
	var n int
	var err error
	switch len(s) {
	case 4:
		n, err = fmt.Sscanf(s, "%4d", &d.Year)
	case 7:
		n, err = fmt.Sscanf(s, "%4d-%2d", &d.Year, &d.Month)
	case 10:
		n, err = fmt.Sscanf(s, "%4d-%2d-%2d", &d.Year, &d.Month, &d.Day)
	default:
		return PartialDate{}, Errorf(EINVALID, "date %q: write it as YYYY, YYYY-MM or YYYY-MM-DD", s)
	}
	if err != nil || n == 0 {
		return PartialDate{}, Errorf(EINVALID, "date %q: write it as YYYY, YYYY-MM or YYYY-MM-DD", s)
	}
	if d.Year < 1880 || d.Year > 2200 {
		return PartialDate{}, Errorf(EINVALID, "date %q: year %d is out of range", s, d.Year)
	}
	if len(s) >= 7 && (d.Month < 1 || d.Month > 12) {
		return PartialDate{}, Errorf(EINVALID, "date %q: month %d does not exist", s, d.Month)
	}
	if len(s) == 10 {
		t := time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, time.UTC)
		if d.Day < 1 || t.Day() != d.Day {
			return PartialDate{}, Errorf(EINVALID, "date %q: day %d does not exist in that month", s, d.Day)
		}
	}
	return d, nil
}

// Name is a person's structured name as the record holds it.
type Name struct {
	Given    []string // given names in order: ["José", "Adolfo"]
	Paternal string   // first surname: "Macías"
	Maternal string   // second surname, may be empty: "Villamar"
}

// Display renders the name in everyday order: "José Adolfo Macías Villamar".
func (n Name) Display() string {
	parts := append([]string{}, n.Given...)
	if n.Paternal != "" {
		parts = append(parts, n.Paternal)
	}
	if n.Maternal != "" {
		parts = append(parts, n.Maternal)
	}
	return strings.Join(parts, " ")
}

// Civil renders the name in the civil-registry form, surnames first and in
// capitals: "MACÍAS VILLAMAR JOSÉ ADOLFO".
func (n Name) Civil() string {
	var parts []string
	if n.Paternal != "" {
		parts = append(parts, n.Paternal)
	}
	if n.Maternal != "" {
		parts = append(parts, n.Maternal)
	}
	parts = append(parts, n.Given...)
	return strings.ToUpper(strings.Join(parts, " "))
}

// Alias is another name a subject is known by: a full alternative name or a
// moniker ("Fito").
type Alias struct {
	Name    string
	Moniker bool // a nickname or street name rather than a legal name
}

// Fingerprint is one finger's template as it arrived: raw bytes in a named
// format. Package biometric gives the bytes meaning.
type Fingerprint struct {
	Position int    // finger position 1–10 (ANSI/NIST: 1 right thumb … 10 left little)
	Format   string // "iso19794-2:2005", "incits378-2004", ...
	Template []byte
}

// Subject is a person of interest whose data is shared under the agreement.
type Subject struct {
	ID            string
	Name          Name
	Aliases       []Alias
	DOB           PartialDate
	Sex           Sex
	Nationalities []string // ISO 3166-1 alpha-3
	Documents     []Document
	Category      Category
	Gang          string // gang affiliation, if any
	LegalStatus   string // warrant, extradition request, ...
	OwnerAgency   string
	Fingerprints  []Fingerprint
	Created       time.Time
	Updated       time.Time
}

// Validate checks the rules every stored subject must meet.
func (s *Subject) Validate() error {
	if strings.TrimSpace(s.Name.Paternal) == "" && len(s.Name.Given) == 0 {
		return Errorf(EINVALID, "a subject needs at least a given name or a surname")
	}
	if s.OwnerAgency == "" {
		return Errorf(EINVALID, "a subject needs an owning agency")
	}
	switch s.Category {
	case CategoryTerrorist, CategoryGangMember, CategoryHighPriority, CategoryOther:
	default:
		return Errorf(EINVALID, "category %q is not one of the agreement's categories", s.Category)
	}
	for _, f := range s.Fingerprints {
		if f.Position < 1 || f.Position > 10 {
			return Errorf(EINVALID, "finger position %d is not between 1 and 10", f.Position)
		}
	}
	return nil
}

// Biographics is who a person claimed to be, or what a record says: the
// fields a reviewer compares between a probe and a candidate.
type Biographics struct {
	Name          Name
	DOB           PartialDate
	Sex           Sex
	Nationalities []string
	Documents     []Document
}

// IsZero reports whether nothing is known.
func (b Biographics) IsZero() bool {
	return b.Name.Display() == "" && b.DOB.IsZero() && b.Sex == "" && len(b.Nationalities) == 0 && len(b.Documents) == 0
}

// Biographics returns the subject's biographic fields.
func (s *Subject) Biographics() Biographics {
	return Biographics{Name: s.Name, DOB: s.DOB, Sex: s.Sex, Nationalities: s.Nationalities, Documents: s.Documents}
}

// Encounter is one time an officer met a person and captured biometrics.
type Encounter struct {
	ID           string
	At           time.Time
	Place        string
	OfficerID    string
	Agency       string
	Notes        string
	Claimed      Biographics // who the person said they were, or the file's Type-2
	Fingerprints []Fingerprint
	SourceFile   string // name of the imported file, if any
	SourceSHA256 string
}
