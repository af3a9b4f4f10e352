package store

import (
	"context"
	"strings"
	"sync"

	"github.com/enlace-desk/enlace/cases"
)

// Encounters lists encounters, newest first, with the cases opened from them.
func (s *SubjectService) Encounters(ctx context.Context) ([]cases.EncounterSummary, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT e.id, e.at, e.place, e.officer_id, e.source_file,
		(SELECT count(*) FROM encounter_fingerprints f WHERE f.encounter_id = e.id),
		coalesce((SELECT group_concat(c.id) FROM cases c WHERE c.encounter_id = e.id), '')
		FROM encounters e ORDER BY e.at DESC, e.id DESC`)
	if err != nil {
		return nil, storageErr(err, "cannot list encounters")
	}
	defer rows.Close()
	var out []cases.EncounterSummary
	for rows.Next() {
		var e cases.EncounterSummary
		var at int64
		var ids string
		if err := rows.Scan(&e.ID, &at, &e.Place, &e.OfficerID, &e.SourceFile, &e.Fingers, &ids); err != nil {
			return nil, storageErr(err, "cannot list encounters")
		}
		e.At = fromMS(at)
		if ids != "" {
			e.CaseIDs = strings.Split(ids, ",")
		}
		out = append(out, e)
	}
	return out, storageErr(rows.Err(), "cannot list encounters")
}

// EachSubjectFingerprints calls fn with every subject's fingerprints, for
// building the 1:N gallery. It stops at fn's first error.
func (s *SubjectService) EachSubjectFingerprints(ctx context.Context, fn func(subjectID string, prints []cases.Fingerprint) error) error {
	return s.eachPrints(ctx, fn, "the fingerprints on file", `SELECT subject_id, position, format, template FROM subject_fingerprints ORDER BY subject_id, position`)
}

// eachPrints calls fn with each record's prints, from a query of (record ID,
// position, format, template) ordered by record ID. It stops at fn's first
// error.
func (s *DB) eachPrints(ctx context.Context, fn func(id string, prints []cases.Fingerprint) error, what, query string, args ...any) error {
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return storageErr(err, "cannot read %s", what)
	}
	defer rows.Close()
	var cur string
	var prints []cases.Fingerprint
	for rows.Next() {
		var id string
		var f cases.Fingerprint
		if err := rows.Scan(&id, &f.Position, &f.Format, &f.Template); err != nil {
			return storageErr(err, "cannot read %s", what)
		}
		if id != cur && len(prints) > 0 {
			if err := fn(cur, prints); err != nil {
				return err
			}
			prints = nil
		}
		cur = id
		prints = append(prints, f)
	}
	if err := rows.Err(); err != nil {
		return storageErr(err, "cannot read %s", what)
	}
	if len(prints) > 0 {
		return fn(cur, prints)
	}
	return nil
}

// WatchSubjects registers fn to be told, after each change commits, the ID of
// every subject saved or received ("" after a bulk load: re-read them all).
// It keeps derived indexes, such as the fingerprint gallery, current.
//
// Listeners are told in commit order on a goroutine of their own, never
// under a store lock: a save does not wait for them, and a slow listener
// (a gallery being built) delays no save and no search. FlushWatchers waits
// until they have been told of every change committed before it is called.
func (s *DB) WatchSubjects(fn func(subjectID string)) {
	s.watch.mu.Lock()
	s.watch.fns = append(s.watch.fns, fn)
	s.watch.mu.Unlock()
}

// watchQueue carries committed subject changes to the listeners.
type watchQueue struct {
	mu       sync.Mutex
	fns      []func(subjectID string)
	ids      []string      // committed, not yet told
	queued   uint64        // changes queued since the store opened
	told     uint64        // of which every listener has been told
	running  bool          // a goroutine is telling them
	progress chan struct{} // closed, and replaced, whenever told advances
}

// notifySubjects queues the subjects a commit changed; it never waits for
// the listeners.
func (s *DB) notifySubjects(ids []string) {
	q := &s.watch
	q.mu.Lock()
	defer q.mu.Unlock()
	q.ids = append(q.ids, ids...)
	q.queued += uint64(len(ids))
	if !q.running {
		q.running = true
		go q.deliver()
	}
}

// deliver tells the listeners of queued changes, in order, until none is
// left.
func (q *watchQueue) deliver() {
	for {
		q.mu.Lock()
		ids, fns := q.ids, q.fns
		q.ids = nil
		if len(ids) == 0 {
			q.running = false
			q.mu.Unlock()
			return
		}
		q.mu.Unlock()
		for _, id := range ids {
			for _, fn := range fns {
				fn(id)
			}
		}
		q.mu.Lock()
		q.told += uint64(len(ids))
		if q.progress != nil {
			close(q.progress)
			q.progress = nil
		}
		q.mu.Unlock()
	}
}

// FlushWatchers waits until the listeners have been told of every change
// committed before the call, or ctx ends. A reader of a derived index calls
// it to see its own saves.
func (s *DB) FlushWatchers(ctx context.Context) error {
	q := &s.watch
	q.mu.Lock()
	target := q.queued
	for q.told < target {
		if q.progress == nil {
			q.progress = make(chan struct{})
		}
		ch := q.progress
		q.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
		q.mu.Lock()
	}
	q.mu.Unlock()
	return nil
}
