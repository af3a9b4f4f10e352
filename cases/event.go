package cases

import "strings"

// EventKind names what an event records. The kinds are part of the sync
// protocol: never rename one.
type EventKind string

const (
	EventCaseCreated      EventKind = "case.created"      // payload: CaseCreated
	EventCaseUpdated      EventKind = "case.updated"      // payload: CaseUpdated (title, due, sharing)
	EventAnnotationAdded  EventKind = "annotation.added"  // payload: Annotation; also moves status, assignee, priority
	EventSubjectUpserted  EventKind = "subject.upserted"  // payload: Subject
	EventEncounterCreated EventKind = "encounter.created" // payload: Encounter
	EventConflictResolved EventKind = "conflict.resolved" // payload: ConflictResolution
	// The agreement's exchange (reference.go): a reference published or
	// withdrawn, a core-data request, its decline, and a disclosure.
	EventReferencePublished EventKind = "reference.published" // payload: Reference
	EventFollowUpRequested  EventKind = "followup.requested"  // payload: FollowUpRequest
	EventFollowUpDeclined   EventKind = "followup.declined"   // payload: FollowUpDecline
	EventDisclosureMade     EventKind = "disclosure.made"     // payload: Disclosure
	// EventSeedLoaded records that a desk loaded generated demo data in bulk
	// (payload: SeedLoaded). Seed events stay on the desk: every demo desk
	// generates the same seed itself.
	EventSeedLoaded EventKind = "seed.loaded"
)

// Event is one entry of a desk's append-only event log. Every change to the
// store is written in the same transaction as its event; the exchange carries
// events between desks.
type Event struct {
	ID     string // UUIDv7; the permanent idempotency key
	Author string // officer ID
	Device string // ID of the desk that created it
	HLC    HLC
	Kind   EventKind
	CaseID string // the case it belongs to, "" for subjects and encounters
	Agency string // the author's agency
	// SharedWith lists agencies besides the author's that may receive an event
	// that belongs to no case (a subject, an encounter). Case events are scoped
	// by the case's owner and sharing instead.
	SharedWith []string
	Payload    []byte // JSON of the kind's payload type
	// Signature is the author's ed25519 signature, once sync signs events.
	Signature []byte
}

// CaseCreated is the payload of EventCaseCreated.
type CaseCreated struct {
	Case Case
}

// CaseUpdated is the payload of EventCaseUpdated. Each field set is applied by
// last-writer-wins on the event's HLC.
type CaseUpdated struct {
	CaseID     string
	Title      *string
	Due        *string // RFC 3339, "" clears
	SharedWith []string
}

// ConflictResolution is the payload of EventConflictResolved.
type ConflictResolution struct {
	CaseID string
	Status Status
	Reason string
}

// SigningBytes is the canonical byte string an author signs for an event:
// every field except the signature, length-prefixed so no two events share it.
// The sync protocol (docs/sync.md) specifies it; never change it without a new
// protocol version.
func (e *Event) SigningBytes() []byte {
	var b []byte
	put := func(s string) {
		n := len(s)
		b = append(b, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
		b = append(b, s...)
	}
	put("enlace-event-v1")
	put(e.ID)
	put(e.Author)
	put(e.Device)
	put(e.HLC.String())
	put(string(e.Kind))
	put(e.CaseID)
	put(e.Agency)
	put(strings.Join(e.SharedWith, ","))
	put(string(e.Payload))
	return b
}

// SeedLoaded is the payload of EventSeedLoaded.
type SeedLoaded struct {
	Seed     int64
	Subjects int
	Cases    int
}
