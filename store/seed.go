package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/cases/names"
)

// Seed is a batch of generated demo data for Load. The desk's private
// subjects are written in bulk beside one seed.loaded event, which never
// leaves the desk. Everything another desk may see (the references of its
// in-scope subjects, encounters, cases and their annotations) is recorded as the desk's own
// signed events, stamped with their own (past) times, and travels through the
// exchange like any other change: a record is made once, by the desk of the
// agency that owns it, and keeps its ID everywhere.
type Seed struct {
	Seed     int64
	Author   cases.Officer // who the seed.loaded event names
	Subjects []cases.Subject
	// References are written as reference.published events by Author,
	// addressed to the agencies named: a subject's personal data never
	// leaves its agency's desks except in a disclosure.
	References []SharedReference
	// Prints adds fingerprints to subjects already loaded, by subject ID.
	Prints     map[string][]cases.Fingerprint
	Encounters []cases.Encounter
	// EncounterSharing names, by encounter ID, the agencies an encounter is
	// shared with.
	EncounterSharing map[string][]string
	Cases            []cases.Case
	Annotations      []cases.Annotation // in time order
}

// SharedReference is the reference of a seed's subject and the agencies it
// goes to.
type SharedReference struct {
	Reference cases.Reference
	With      []string
}

// Load writes a seed batch in one transaction.
func (s *DB) Load(ctx context.Context, seed *Seed) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		s.outside = &outsideChange{all: true} // every screen reads again
		if err := bulkSubjects(ctx, tx, seed.Subjects); err != nil {
			return err
		}
		if err := bulkPrints(ctx, tx, seed.Prints); err != nil {
			return err
		}
		if len(seed.Subjects) > 0 {
			s.freq.reset()
		}
		if len(seed.Subjects)+len(seed.Prints) > 0 {
			s.changedSubjects = append(s.changedSubjects, "")
		}
		if len(seed.Subjects) > 0 {
			ev, err := s.seedEvent(seed.Author, seed.Author.Agency, cases.EventSeedLoaded, "", s.clock.Now().UnixMilli(), cases.SeedLoaded{Seed: seed.Seed, Subjects: len(seed.Subjects), Cases: len(seed.Cases)})
			if err != nil {
				return err
			}
			if err := s.record(ctx, tx, ev, "seed"); err != nil {
				return err
			}
		}
		for i := range seed.References {
			ref := &seed.References[i].Reference
			ev, err := s.seedEvent(seed.Author, seed.Author.Agency, cases.EventReferencePublished, "", ms(ref.Published), ref)
			if err != nil {
				return err
			}
			ev.SharedWith = seed.References[i].With
			if err := s.signSeed(&ev); err != nil {
				return err
			}
			if err := s.record(ctx, tx, ev, "local"); err != nil {
				return err
			}
		}
		for i := range seed.Encounters {
			e := &seed.Encounters[i]
			ev, err := s.seedEvent(cases.Officer{ID: e.OfficerID}, e.Agency, cases.EventEncounterCreated, "", e.At.UnixMilli(), e)
			if err != nil {
				return err
			}
			ev.SharedWith = seed.EncounterSharing[e.ID]
			if err := s.signSeed(&ev); err != nil {
				return err
			}
			if err := s.record(ctx, tx, ev, "local"); err != nil {
				return err
			}
		}
		for i := range seed.Cases {
			c := &seed.Cases[i]
			ev, err := s.seedEvent(seed.Author, c.OwnerAgency, cases.EventCaseCreated, c.ID, c.Created.UnixMilli(), cases.CaseCreated{Case: *c})
			if err != nil {
				return err
			}
			if err := s.signSeed(&ev); err != nil {
				return err
			}
			if err := s.record(ctx, tx, ev, "local"); err != nil {
				return err
			}
		}
		for i := range seed.Annotations {
			a := &seed.Annotations[i]
			o, err := s.officerIn(ctx, tx, a.Author)
			if err != nil {
				return err
			}
			ev, err := s.seedEvent(*o, o.Agency, cases.EventAnnotationAdded, a.CaseID, a.At.UnixMilli(), a)
			if err != nil {
				return err
			}
			if err := s.signSeed(&ev); err != nil {
				return err
			}
			if err := s.record(ctx, tx, ev, "local"); err != nil {
				return err
			}
		}
		return nil
	})
	return storageErr(err, "cannot load the demo data")
}

// signSeed signs a seed event that travels, when the desk signs its events.
func (s *DB) signSeed(ev *cases.Event) error {
	if s.signer == nil {
		return nil
	}
	sig, err := s.signer.Sign(ev.Author, ev.SigningBytes())
	if err != nil {
		return cases.Wrap(cases.EINTERNAL, err, "cannot sign the demo data as %s", ev.Author)
	}
	ev.Signature = sig
	return nil
}

// seedEvent builds an event stamped at the seed's own time, not the clock's.
func (s *DB) seedEvent(author cases.Officer, agency string, kind cases.EventKind, caseID string, atMS int64, payload any) (cases.Event, error) {
	body, err := json.Marshal(payload)
	if err != nil {
		return cases.Event{}, err
	}
	return cases.Event{ID: s.ids.New(), Author: author.ID, Device: s.device, HLC: cases.HLC{WallMS: atMS},
		Kind: kind, CaseID: caseID, Agency: agency, Payload: body}, nil
}

// bulkSubjects inserts new subjects with prepared statements.
func bulkSubjects(ctx context.Context, tx *sql.Tx, subs []cases.Subject) error {
	if len(subs) == 0 {
		return nil
	}
	ins, err := tx.PrepareContext(ctx, `INSERT INTO subjects(id, given, paternal, maternal, dob, sex, nationalities, category, gang, legal_status, owner_agency, created, updated)
		VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer ins.Close()
	alias, err := tx.PrepareContext(ctx, `INSERT INTO subject_aliases(subject_id, ord, name, moniker) VALUES(?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer alias.Close()
	doc, err := tx.PrepareContext(ctx, `INSERT INTO subject_documents(subject_id, ord, kind, number, country) VALUES(?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer doc.Close()
	idx, err := tx.PrepareContext(ctx, `INSERT INTO subject_index(rowid, keys) VALUES(?, ?)`)
	if err != nil {
		return err
	}
	defer idx.Close()
	fp, err := tx.PrepareContext(ctx, `INSERT INTO subject_fingerprints(subject_id, position, format, template) VALUES(?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer fp.Close()
	for i := range subs {
		sub := &subs[i]
		r, err := ins.ExecContext(ctx, sub.ID, strings.Join(sub.Name.Given, " "), sub.Name.Paternal, sub.Name.Maternal, sub.DOB.String(), string(sub.Sex),
			strings.Join(sub.Nationalities, ","), string(sub.Category), sub.Gang, sub.LegalStatus, sub.OwnerAgency, ms(sub.Created), ms(sub.Updated))
		if err != nil {
			return err
		}
		rowid, err := r.LastInsertId()
		if err != nil {
			return err
		}
		folded, phonetic := names.IndexKeys(sub.Name, aliasNames(sub.Aliases))
		if _, err := idx.ExecContext(ctx, rowid, strings.Join(append(folded, phonetic...), " ")); err != nil {
			return err
		}
		for j, a := range sub.Aliases {
			if _, err := alias.ExecContext(ctx, sub.ID, j, a.Name, boolInt(a.Moniker)); err != nil {
				return err
			}
		}
		for j, d := range sub.Documents {
			if _, err := doc.ExecContext(ctx, sub.ID, j, string(d.Kind), NormalizeDocumentNumber(d.Number), d.Country); err != nil {
				return err
			}
		}
		for _, f := range sub.Fingerprints {
			if _, err := fp.ExecContext(ctx, sub.ID, f.Position, f.Format, nonNil(f.Template)); err != nil {
				return err
			}
		}
	}
	return nil
}

// bulkPrints adds fingerprints to loaded subjects.
func bulkPrints(ctx context.Context, tx *sql.Tx, prints map[string][]cases.Fingerprint) error {
	if len(prints) == 0 {
		return nil
	}
	fp, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO subject_fingerprints(subject_id, position, format, template) VALUES(?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer fp.Close()
	for id, fs := range prints {
		for _, f := range fs {
			if _, err := fp.ExecContext(ctx, id, f.Position, f.Format, nonNil(f.Template)); err != nil {
				return err
			}
		}
	}
	return nil
}

// IsEmpty reports whether the store holds no cases and no subjects yet.
func (s *DB) IsEmpty(ctx context.Context) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM subjects) + (SELECT count(*) FROM cases)`).Scan(&n)
	return n == 0, storageErr(err, "cannot read the store")
}
