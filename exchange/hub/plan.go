package hub

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"slices"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/exchange"
)

// storedEvent is what a store knows of an event it already holds: enough to
// tell a resend (same digest) from a replay (same ID, other content).
type storedEvent struct {
	seq      int64
	digest   []byte
	conflict bool
}

// batchReader is what planBatch reads from a store, inside the store's write
// transaction, after the store has made itself the only writer of the
// sequence.
type batchReader interface {
	// existing returns the stored events among ids, by ID.
	existing(ctx context.Context, ids []string) (map[string]storedEvent, error)
	// caseStates returns the stored states of the cases among ids, by ID;
	// a case the store does not know is absent.
	caseStates(ctx context.Context, ids []string) (map[string]*CaseState, error)
	// caseSeqs returns the sequence numbers of the stored events of a case,
	// ascending.
	caseSeqs(ctx context.Context, caseID string) ([]int64, error)
	// recordOwners returns the owning agency of the subjects and encounters
	// among ids that the hub already holds, by ID.
	recordOwners(ctx context.Context, ids []string) (map[string]string, error)
}

// plannedRecord is a subject or encounter the hub sees for the first time:
// its ID belongs to the agency that wrote it, for good.
type plannedRecord struct {
	id, kind, owner string
}

// recordID is the ID of the subject or encounter an event writes ("" for
// other kinds, or a payload without one).
func recordID(ev *cases.Event) string {
	if ev.Kind != cases.EventSubjectUpserted && ev.Kind != cases.EventEncounterCreated {
		return ""
	}
	var p struct{ ID string }
	if json.Unmarshal(ev.Payload, &p) != nil {
		return ""
	}
	return p.ID
}

// plannedEvent is a new event with the sequence number the batch gives it.
type plannedEvent struct {
	seq      int64
	ev       *cases.Event
	digest   []byte
	conflict bool
}

// plannedDelivery is one row of the delivery log.
type plannedDelivery struct {
	pos    int64
	agency string
	seq    int64
}

// batchPlan is everything one Accept writes: new events and deliveries in
// sequence order, the cases they changed, and the acks. Both stores write a
// plan as it is; only the way they read and write differs.
type batchPlan struct {
	acks       []exchange.Ack
	events     []plannedEvent
	deliveries []plannedDelivery
	cases      []*CaseState    // changed cases, in the order first changed
	records    []plannedRecord // subjects and encounters first seen
	lastSeq    int64
	lastPos    int64
}

// planBatch decides a batch: for each event, whether it is a duplicate, a
// replay, refused by Admit or new, and for a new one its sequence number,
// the agencies it is delivered to (with the history of a case newly shared
// with an agency first) and the case state it leaves. lastSeq and lastPos
// are the highest sequence number and delivery position stored so far; the
// caller holds the store's writer lock, so nobody else hands them out.
func planBatch(ctx context.Context, r batchReader, evs []cases.Event, known []string, lastSeq, lastPos int64) (*batchPlan, error) {
	p := &batchPlan{acks: make([]exchange.Ack, len(evs)), lastSeq: lastSeq, lastPos: lastPos}
	ids := make([]string, 0, len(evs))
	var caseIDs, recordIDs []string
	for i := range evs {
		ids = append(ids, evs[i].ID)
		if exchange.CaseKind(evs[i].Kind) && !slices.Contains(caseIDs, evs[i].CaseID) {
			caseIDs = append(caseIDs, evs[i].CaseID)
		}
		if id := recordID(&evs[i]); id != "" {
			recordIDs = append(recordIDs, id)
		}
	}
	owners := map[string]string{}
	if len(recordIDs) > 0 {
		o, err := r.recordOwners(ctx, recordIDs)
		if err != nil {
			return nil, err
		}
		owners = o
	}
	old, err := r.existing(ctx, ids)
	if err != nil {
		return nil, err
	}
	if old == nil {
		old = map[string]storedEvent{}
	}
	states := map[string]*CaseState{}
	if len(caseIDs) > 0 {
		if states, err = r.caseStates(ctx, caseIDs); err != nil {
			return nil, err
		}
	}
	digests := digestsOf(evs)
	batchOf := map[string][]int64{} // case ID -> seqs of this batch's new events of the case
	var dirty []string              // cases changed, in the order first changed
	for i := range evs {
		ev := &evs[i]
		p.acks[i].ID = ev.ID
		digest := digests[i]
		if o, ok := old[ev.ID]; ok {
			if string(o.digest) == string(digest) {
				p.acks[i] = exchange.Ack{ID: ev.ID, Status: exchange.AckDuplicate, Seq: o.seq, Conflict: o.conflict}
			} else {
				reject(&p.acks[i], exchange.EventErr(ev.ID, cases.ECONFLICT, "replay: the hub already holds a different event with this ID (seq %d)", o.seq))
			}
			continue
		}
		var rcpt, added []string
		var conflict bool
		var next *CaseState
		if exchange.CaseKind(ev.Kind) {
			a, aerr := admit(ev, states[ev.CaseID], known)
			if aerr != nil {
				reject(&p.acks[i], aerr)
				continue
			}
			next, conflict, added = &a.next, a.conflict, a.added
			rcpt = next.Agencies()
		} else {
			// A subject or encounter ID belongs to the agency that first
			// wrote it: another agency never rewrites it, and an encounter
			// is recorded once.
			if id := recordID(ev); id != "" {
				if owner, held := owners[id]; held {
					if owner != ev.Agency {
						reject(&p.acks[i], exchange.EventErr(ev.ID, cases.EFORBIDDEN, "%s %s belongs to %s: %s may not write it", recordWord(ev.Kind), exchange.Clip(id), owner, ev.Agency))
						continue
					}
					if ev.Kind == cases.EventEncounterCreated {
						reject(&p.acks[i], exchange.EventErr(ev.ID, cases.ECONFLICT, "encounter %s is already recorded", exchange.Clip(id)))
						continue
					}
				} else {
					owners[id] = ev.Agency
					p.records = append(p.records, plannedRecord{id: id, kind: string(ev.Kind), owner: ev.Agency})
				}
			}
			rcpt = recipients(ev, known)
		}
		p.lastSeq++
		seq := p.lastSeq
		for _, a := range rcpt {
			// An agency that can see the case from now on first receives
			// everything that came before, so its desks can build the case.
			if ev.Kind != cases.EventCaseCreated && slices.Contains(added, a) {
				before, err := r.caseSeqs(ctx, ev.CaseID)
				if err != nil {
					return nil, err
				}
				for _, s := range append(before, batchOf[ev.CaseID]...) {
					p.lastPos++
					p.deliveries = append(p.deliveries, plannedDelivery{pos: p.lastPos, agency: a, seq: s})
				}
			}
			p.lastPos++
			p.deliveries = append(p.deliveries, plannedDelivery{pos: p.lastPos, agency: a, seq: seq})
		}
		if next != nil {
			if !slices.Contains(dirty, ev.CaseID) {
				dirty = append(dirty, ev.CaseID)
			}
			states[ev.CaseID] = next
			batchOf[ev.CaseID] = append(batchOf[ev.CaseID], seq)
		}
		old[ev.ID] = storedEvent{seq: seq, digest: digest, conflict: conflict}
		p.events = append(p.events, plannedEvent{seq: seq, ev: ev, digest: digest, conflict: conflict})
		p.acks[i] = exchange.Ack{ID: ev.ID, Status: exchange.AckStored, Seq: seq, Conflict: conflict}
	}
	for _, id := range dirty {
		p.cases = append(p.cases, states[id])
	}
	return p, nil
}

func recordWord(k cases.EventKind) string {
	if k == cases.EventEncounterCreated {
		return "encounter"
	}
	return "subject"
}

func digestOf(ev *cases.Event) []byte {
	d := sha256.Sum256(ev.SigningBytes())
	return d[:]
}

// digestsOf hashes the events' signing bytes, on all cores for a large batch.
func digestsOf(evs []cases.Event) [][]byte {
	out := make([][]byte, len(evs))
	exchange.Parallel(len(evs), func(i int) { out[i] = digestOf(&evs[i]) })
	return out
}

// pullLimit is the page size a Pull uses for the limit asked.
func pullLimit(limit int) int {
	if limit <= 0 || limit > exchange.MaxPullEvents {
		return exchange.MaxPullEvents
	}
	return limit
}

// pullRows is what pullPage needs of a store's query result (database/sql's
// or pgx's rows).
type pullRows interface {
	Next() bool
	Err() error
}

// pullPage builds a pull response from rows of deliveries after the cursor
// after, ordered by position and asked for limit+1: at most limit events
// and about MaxPullBytes of payload, More when rows remain. scan reads the
// current row.
func pullPage(after int64, limit int, rows pullRows, scan func(pos *int64, d *exchange.WireDelivered) error) (exchange.PullResponse, error) {
	resp := exchange.PullResponse{Events: []exchange.WireDelivered{}, Next: after}
	size := 0
	for rows.Next() {
		if len(resp.Events) == limit || size > exchange.MaxPullBytes {
			resp.More = true
			break
		}
		var d exchange.WireDelivered
		var pos int64
		if err := scan(&pos, &d); err != nil {
			return resp, cases.Wrap(cases.ESTORAGE, err, "hub store")
		}
		size += len(d.Event.Payload) + 512
		resp.Events = append(resp.Events, d)
		resp.Next = pos
	}
	if err := rows.Err(); err != nil {
		return resp, cases.Wrap(cases.ESTORAGE, err, "hub store")
	}
	return resp, nil
}
