package exchange

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/enlace-desk/enlace/cases"
)

// ProtocolVersion is the version of the wire protocol; every path starts with
// "/v1/". A change that old desks cannot read gets a new version and new paths.
const ProtocolVersion = 1

// Limits of the wire protocol. A request that breaks one is refused with an
// error naming the event and the field; the hub never reads more than these.
const (
	MaxPushBytes      = 32 << 20  // body of one push request
	MaxPushEvents     = 1000      // events in one push request
	MaxPayloadBytes   = 512 << 10 // one event's payload
	MaxPullEvents     = 1000      // events in one pull response
	MaxPullBytes      = 16 << 20  // payload bytes in one pull response, roughly
	MaxResponseBytes  = 64 << 20  // what a client reads of one response
	MaxIDBytes        = 64        // officer IDs and case IDs
	MaxDeviceBytes    = 128       // device IDs
	MaxAgencyBytes    = 16        // agency codes
	MaxSharedAgencies = 8         // entries of shared_with
)

// Outcomes of one pushed event, in Ack.Status.
const (
	AckStored    = "stored"    // the hub stored it now, under Seq
	AckDuplicate = "duplicate" // the hub already had this very event, under Seq
	AckRejected  = "rejected"  // the hub refused it for good; Error says why
)

// WireEvent is an event as the protocol carries it (JSON). Payload and
// Signature travel as standard base64 so their bytes, which the signature
// covers, arrive exactly as they left.
type WireEvent struct {
	ID         string   `json:"id"`
	Author     string   `json:"author"`
	Device     string   `json:"device"`
	HLC        string   `json:"hlc"`
	Kind       string   `json:"kind"`
	CaseID     string   `json:"case_id,omitempty"`
	Agency     string   `json:"agency"`
	SharedWith []string `json:"shared_with,omitempty"`
	Payload    []byte   `json:"payload"`
	Signature  []byte   `json:"signature"`
}

// ToWire converts an event for the wire.
func ToWire(ev *cases.Event) WireEvent {
	return WireEvent{
		ID: ev.ID, Author: ev.Author, Device: ev.Device, HLC: ev.HLC.String(), Kind: string(ev.Kind),
		CaseID: ev.CaseID, Agency: ev.Agency, SharedWith: ev.SharedWith, Payload: ev.Payload, Signature: ev.Signature,
	}
}

// FromWire converts and validates an event read from the wire (see
// ValidateEvent).
func FromWire(w *WireEvent) (cases.Event, error) {
	ev := cases.Event{
		ID: w.ID, Author: w.Author, Device: w.Device, Kind: cases.EventKind(w.Kind), CaseID: w.CaseID,
		Agency: w.Agency, SharedWith: w.SharedWith, Payload: w.Payload, Signature: w.Signature,
	}
	h, err := cases.ParseHLC(w.HLC)
	if err != nil || h.String() != w.HLC {
		return ev, FieldErr(w.ID, "hlc", "%q is not a timestamp like 0000018c2f1a2b3c.00000001", Clip(w.HLC))
	}
	ev.HLC = h
	return ev, ValidateEvent(&ev)
}

// EventError says which event and which field the hub or a desk refused, and
// why. Code is one of the cases.E* codes.
type EventError struct {
	EventID string
	Field   string // "" when the event as a whole is refused
	Code    string
	Message string
}

func (e *EventError) Error() string {
	id := e.EventID
	if id == "" {
		id = "(no id)"
	}
	if e.Field != "" {
		return fmt.Sprintf("event %s: field %s: %s", id, e.Field, e.Message)
	}
	return fmt.Sprintf("event %s: %s", id, e.Message)
}

func FieldErr(id, field, format string, args ...any) *EventError {
	return &EventError{EventID: Clip(id), Field: field, Code: cases.EINVALID, Message: fmt.Sprintf(format, args...)}
}

func EventErr(id, code, format string, args ...any) *EventError {
	return &EventError{EventID: Clip(id), Code: code, Message: fmt.Sprintf(format, args...)}
}

// Clip shortens hostile input before it goes into an error message.
func Clip(s string) string {
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "?")
	}
	return s
}

// syncedKinds are the kinds that travel. Seed events stay on their desk.
var syncedKinds = []cases.EventKind{
	cases.EventCaseCreated, cases.EventCaseUpdated, cases.EventAnnotationAdded,
	cases.EventSubjectUpserted, cases.EventEncounterCreated, cases.EventConflictResolved,
	cases.EventReferencePublished, cases.EventFollowUpRequested, cases.EventFollowUpDeclined, cases.EventDisclosureMade,
}

// CaseKind reports whether events of kind k belong to a case.
func CaseKind(k cases.EventKind) bool {
	return k == cases.EventCaseCreated || k == cases.EventCaseUpdated ||
		k == cases.EventAnnotationAdded || k == cases.EventConflictResolved
}

// ValidateEvent checks an event's shape against the protocol's rules: a
// canonical UUID, identifiers within their sizes and alphabets, a known kind
// that travels, a case ID exactly when the kind belongs to a case, a JSON
// payload within MaxPayloadBytes and a 64-byte signature. It does not check the
// signature (VerifyEvent) or whether the author may write it (the hub).
func ValidateEvent(ev *cases.Event) error {
	id := ev.ID
	if !validUUID(id) {
		return FieldErr(id, "id", "%q is not a UUID in canonical lower-case form", Clip(id))
	}
	if err := CheckOfficerID(ev.Author); err != nil {
		return FieldErr(id, "author", "%v", err)
	}
	if ev.Device == "" || len(ev.Device) > MaxDeviceBytes || !printable(ev.Device) {
		return FieldErr(id, "device", "%q must be 1 to %d printable characters", Clip(ev.Device), MaxDeviceBytes)
	}
	if ev.HLC.IsZero() || ev.HLC.WallMS < 0 {
		return FieldErr(id, "hlc", "the timestamp is zero or negative")
	}
	if !slices.Contains(syncedKinds, ev.Kind) {
		if ev.Kind == cases.EventSeedLoaded {
			return FieldErr(id, "kind", "%q events stay on the desk that loaded the seed and are never sent", ev.Kind)
		}
		return FieldErr(id, "kind", "%q is not a kind of event the exchange carries", Clip(string(ev.Kind)))
	}
	if CaseKind(ev.Kind) {
		if ev.CaseID == "" || len(ev.CaseID) > MaxIDBytes || !printable(ev.CaseID) {
			return FieldErr(id, "case_id", "a %s event needs a case ID of 1 to %d printable characters, got %q", ev.Kind, MaxIDBytes, Clip(ev.CaseID))
		}
	} else if ev.CaseID != "" {
		return FieldErr(id, "case_id", "a %s event belongs to no case, yet names case %q", ev.Kind, Clip(ev.CaseID))
	}
	if !ValidAgency(ev.Agency) {
		return FieldErr(id, "agency", "%q is not an agency code like US-CBP", Clip(ev.Agency))
	}
	if len(ev.SharedWith) > MaxSharedAgencies {
		return FieldErr(id, "shared_with", "%d agencies; the limit is %d", len(ev.SharedWith), MaxSharedAgencies)
	}
	for i, a := range ev.SharedWith {
		if !ValidAgency(a) {
			return FieldErr(id, fmt.Sprintf("shared_with[%d]", i), "%q is not an agency code like US-CBP", Clip(a))
		}
		if slices.Contains(ev.SharedWith[:i], a) {
			return FieldErr(id, fmt.Sprintf("shared_with[%d]", i), "agency %s is listed twice", a)
		}
	}
	if len(ev.Payload) == 0 {
		return FieldErr(id, "payload", "the payload is empty")
	}
	if len(ev.Payload) > MaxPayloadBytes {
		return FieldErr(id, "payload", "%d bytes; the limit is %d", len(ev.Payload), MaxPayloadBytes)
	}
	if !json.Valid(ev.Payload) {
		return FieldErr(id, "payload", "not valid JSON")
	}
	if len(ev.Signature) != 64 {
		return FieldErr(id, "signature", "an ed25519 signature has 64 bytes, got %d", len(ev.Signature))
	}
	return nil
}

func validUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
				return false
			}
		}
	}
	return true
}

// ValidAgency accepts agency codes: 2 to 16 of A-Z, 0-9 and '-', starting with a letter.
func ValidAgency(s string) bool {
	if len(s) < 2 || len(s) > MaxAgencyBytes || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// CheckOfficerID accepts officer IDs usable as file names: 1 to 64 of
// a-z, A-Z, 0-9, '.', '_', '-' and '@', not starting with '.'.
func CheckOfficerID(s string) error {
	if s == "" || len(s) > MaxIDBytes {
		return fmt.Errorf("officer ID %q must be 1 to %d characters", Clip(s), MaxIDBytes)
	}
	if s[0] == '.' {
		return fmt.Errorf("officer ID %q must not start with a dot", Clip(s))
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-' || c == '@') {
			return fmt.Errorf("officer ID %q has character %q at byte %d; use letters, digits and . _ - @", Clip(s), c, i)
		}
	}
	return nil
}

func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

// PushRequest is the body of POST /v1/push: a desk's unsent events, oldest
// first.
type PushRequest struct {
	Events []WireEvent `json:"events"`
}

// Ack is the hub's answer for one pushed event, in the order they were sent.
type Ack struct {
	ID       string `json:"id"`
	Status   string `json:"status"`             // AckStored, AckDuplicate or AckRejected
	Seq      int64  `json:"seq,omitempty"`      // the event's hub sequence number, unless rejected
	Conflict bool   `json:"conflict,omitempty"` // a status move the hub marked in conflict
	Code     string `json:"code,omitempty"`     // for a rejection: a cases.E* code
	Error    string `json:"error,omitempty"`    // for a rejection: why, naming the field
}

// PushResponse is the answer to POST /v1/push.
type PushResponse struct {
	Acks []Ack `json:"acks"`
}

// WireDelivered is one event of a pull response.
type WireDelivered struct {
	Seq      int64 `json:"seq"`
	Conflict bool  `json:"conflict,omitempty"`
	// Received is when the hub received the event (Unix milliseconds): the
	// start of a follow-up request's deadline.
	Received int64     `json:"received,omitempty"`
	Event    WireEvent `json:"event"`
}

// PullResponse is the answer to GET /v1/pull.
type PullResponse struct {
	Events []WireDelivered `json:"events"`
	// Next is the cursor to send as after= next time: the position of the last
	// delivery looked at. Positions are global, so gaps are normal.
	Next int64 `json:"next"`
	More bool  `json:"more"` // more events are waiting: pull again at once
}

// Delivered is an event the hub delivered to a desk, with the hub's verdict.
type Delivered struct {
	Seq      int64     // the event's hub sequence number: the order of the exchange
	Conflict bool      // a status move the hub found in conflict: it does not move the status
	Received time.Time // when the hub received the event; zero if the hub did not say
	Event    cases.Event
}

// DirectoryOfficer is one officer in GET /v1/directory.
type DirectoryOfficer struct {
	ID        string       `json:"id"`
	Name      string       `json:"name,omitempty"`
	Agency    string       `json:"agency"`
	Roles     []cases.Role `json:"roles,omitempty"`
	PublicKey []byte       `json:"public_key"` // ed25519, 32 bytes, base64
}

// Directory is the answer to GET /v1/directory.
type Directory struct {
	Agencies []cases.Agency     `json:"agencies"`
	Officers []DirectoryOfficer `json:"officers"`
}

// WhoAmI is the answer to GET /v1/whoami: how the hub sees the caller.
type WhoAmI struct {
	Protocol int    `json:"protocol"`
	Agency   string `json:"agency"`
	Desk     string `json:"desk"`
}

// ErrorBody is the body of every error response.
type ErrorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// squeezeSpace passes JSON through with each run of whitespace outside
// strings cut to one byte. encoding/json rescans a run of whitespace from its
// start on every read, so megabytes of blanks arriving over a network would
// cost it quadratic time; insignificant whitespace changes nothing a push
// means, and strings are passed exactly.
type squeezeSpace struct {
	r             io.Reader
	inString, esc bool
	space         bool // the last byte passed outside a string was whitespace
	buf           [32 << 10]byte
}

func (q *squeezeSpace) Read(p []byte) (int, error) {
	for {
		n, err := q.r.Read(q.buf[:min(len(p), len(q.buf))])
		out := 0
		for _, c := range q.buf[:n] {
			switch {
			case q.inString:
				switch {
				case q.esc:
					q.esc = false
				case c == '\\':
					q.esc = true
				case c == '"':
					q.inString = false
				}
			case c == ' ' || c == '\t' || c == '\n' || c == '\r':
				if q.space {
					continue
				}
				q.space = true
				p[out] = c
				out++
				continue
			case c == '"':
				q.inString = true
			}
			q.space = false
			p[out] = c
			out++
		}
		if out > 0 || err != nil {
			return out, err
		}
	}
}

// TooLargeError is a push body over MaxPushBytes, met while decoding it.
type TooLargeError struct{ err error }

func (e *TooLargeError) Error() string {
	return "push body is over the limit of " + strconv.Itoa(MaxPushBytes) + " bytes: send smaller batches"
}
func (e *TooLargeError) Unwrap() error { return e.err }

// DecodePushRequest reads a push body: strict JSON (unknown fields refused,
// nothing after the object), at most MaxPushEvents events, each converted
// with FromWire. It returns the events it could read and, per event, nil or
// the reason it is refused; a body that cannot be read at all gives an error
// naming the byte offset. Events are decoded one at a time and counted as
// they are read, so a body of millions of tiny events is refused at the
// first one over the limit, never held in memory whole.
func DecodePushRequest(body []byte) ([]cases.Event, []error, error) {
	if len(body) > MaxPushBytes {
		return nil, nil, cases.Errorf(cases.EINVALID, "push body is %d bytes; the limit is %d", len(body), MaxPushBytes)
	}
	return DecodePush(bytes.NewReader(body))
}

// DecodePush is DecodePushRequest reading the body as it arrives: the hub
// never holds a whole body in memory. An error reading r (a body over the
// size limit, say) is returned wrapped.
func DecodePush(r io.Reader) ([]cases.Event, []error, error) {
	dec := json.NewDecoder(&squeezeSpace{r: r})
	dec.DisallowUnknownFields()
	expect := func(want json.Delim, what string) error {
		tok, err := dec.Token()
		if err != nil {
			return JSONError("push body", dec, err)
		}
		if d, ok := tok.(json.Delim); !ok || d != want {
			return cases.Errorf(cases.EINVALID, "push body: expected %s at byte %d", what, dec.InputOffset())
		}
		return nil
	}
	if err := expect('{', "a JSON object"); err != nil {
		return nil, nil, err
	}
	var evs []cases.Event
	var errs []error
	seen := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, JSONError("push body", dec, err)
		}
		key, _ := tok.(string)
		if key != "events" || seen {
			return nil, nil, cases.Errorf(cases.EINVALID, "push body: unknown field %q at byte %d (only \"events\", once)", Clip(key), dec.InputOffset())
		}
		seen = true
		if tok, err := dec.Token(); err != nil {
			return nil, nil, JSONError("push body", dec, err)
		} else if tok == nil {
			continue // "events": null is an empty push
		} else if d, ok := tok.(json.Delim); !ok || d != '[' {
			return nil, nil, cases.Errorf(cases.EINVALID, "push body: field events must be an array (byte %d)", dec.InputOffset())
		}
		for dec.More() {
			if len(evs) == MaxPushEvents {
				return nil, nil, cases.Errorf(cases.EINVALID, "push body: more than %d events; the limit is %d per request", MaxPushEvents, MaxPushEvents)
			}
			var w WireEvent
			if err := dec.Decode(&w); err != nil {
				return nil, nil, JSONError(fmt.Sprintf("push body, events[%d]", len(evs)), dec, err)
			}
			ev, err := FromWire(&w)
			evs, errs = append(evs, ev), append(errs, err)
		}
		if err := expect(']', "the end of the events array"); err != nil {
			return nil, nil, err
		}
	}
	if err := expect('}', "the end of the object"); err != nil {
		return nil, nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, cases.Errorf(cases.EINVALID, "push body: unexpected data after the JSON object at byte %d", dec.InputOffset())
	}
	return evs, errs, nil
}

func JSONError(what string, dec *json.Decoder, err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &TooLargeError{err}
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return cases.Errorf(cases.EINVALID, "%s: malformed JSON at byte %d: %v", what, se.Offset, se)
	case errors.As(err, &te):
		return cases.Errorf(cases.EINVALID, "%s: field %s has the wrong type (%s) at byte %d", what, te.Field, te.Value, te.Offset)
	case err == io.EOF:
		return cases.Errorf(cases.EINVALID, "%s: empty", what)
	}
	return cases.Errorf(cases.EINVALID, "%s: %v (near byte %d)", what, err, dec.InputOffset())
}
