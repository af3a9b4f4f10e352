package store

import (
	"context"
	"strings"

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
	rows, err := s.r.QueryContext(ctx, `SELECT subject_id, position, format, template FROM subject_fingerprints ORDER BY subject_id, position`)
	if err != nil {
		return storageErr(err, "cannot read the fingerprints on file")
	}
	defer rows.Close()
	var cur string
	var prints []cases.Fingerprint
	for rows.Next() {
		var id string
		var f cases.Fingerprint
		if err := rows.Scan(&id, &f.Position, &f.Format, &f.Template); err != nil {
			return storageErr(err, "cannot read the fingerprints on file")
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
		return storageErr(err, "cannot read the fingerprints on file")
	}
	if len(prints) > 0 {
		return fn(cur, prints)
	}
	return nil
}

// WatchSubjects registers fn to be told, after each change commits, the ID of
// every subject saved or received ("" after a bulk load: re-read them all).
// It keeps derived indexes, such as the fingerprint gallery, current.
func (s *DB) WatchSubjects(fn func(subjectID string)) {
	s.watchMu.Lock()
	s.watchers = append(s.watchers, fn)
	s.watchMu.Unlock()
}

func (s *DB) notifySubjects(ids []string) {
	s.watchMu.Lock()
	ws := append([]func(string){}, s.watchers...)
	s.watchMu.Unlock()
	for _, id := range ids {
		for _, w := range ws {
			w(id)
		}
	}
}

// Generation increases whenever the store changes from outside the officer's
// own actions (events received from the exchange), so open views reload.
func (s *DB) Generation() uint64 { return s.generation.Load() }
