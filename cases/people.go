package cases

import (
	"slices"
	"strings"
)

// Agency is a party to the exchange, known by a short code such as "US-CBP" or
// "EC-PN".
type Agency struct {
	Code    string // "US-CBP"
	Name    string // "U.S. Customs and Border Protection"
	Country string // ISO 3166-1 alpha-3, "USA"
}

// Role is what an officer may do on the desk.
type Role string

const (
	RoleOfficer    Role = "officer"    // searches, reviews, annotates, decides
	RoleSupervisor Role = "supervisor" // also assigns, prioritises, signs off
	RoleAuditor    Role = "auditor"    // reads the logs; changes nothing
)

// Roles lists every role, in the order the UI shows them.
var Roles = []Role{RoleOfficer, RoleSupervisor, RoleAuditor}

// Officer is a person who works at a desk.
type Officer struct {
	ID     string // stable login name, "ec.mrodriguez"
	Name   string // display name
	Agency string // agency code
	Roles  []Role
}

// Has reports whether the officer holds role r.
func (o Officer) Has(r Role) bool { return slices.Contains(o.Roles, r) }

// RoleLabel names the officer's roles for a header: "supervisor, officer".
func (o Officer) RoleLabel() string {
	parts := make([]string, len(o.Roles))
	for i, r := range o.Roles {
		parts[i] = string(r)
	}
	return strings.Join(parts, ", ")
}
