package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"github.com/enlace-desk/enlace/cases"
)

// SaveSubject creates or replaces a subject, recorded as an event that stays
// with its agency; the partners receive its reference when it is in the
// agreement's scope (and its withdrawal when it leaves it).
func (s *SubjectService) SaveSubject(ctx context.Context, actor cases.Officer, sub *cases.Subject) error {
	if !actor.Has(cases.RoleOfficer) && !actor.Has(cases.RoleSupervisor) {
		return cases.Errorf(cases.EFORBIDDEN, "%s is an auditor: auditors do not change subjects", actor.Name)
	}
	if sub.OwnerAgency == "" {
		sub.OwnerAgency = actor.Agency
	}
	if err := sub.Validate(); err != nil {
		return err
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		now := s.clock.Now()
		if sub.ID == "" {
			sub.ID = s.ids.New()
			sub.Created = now
		} else {
			var owner string
			var created int64
			err := tx.QueryRowContext(ctx, `SELECT owner_agency, created FROM subjects WHERE id = ?`, sub.ID).Scan(&owner, &created)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				if sub.Created.IsZero() {
					sub.Created = now
				}
			case err != nil:
				return err
			default:
				if owner != actor.Agency {
					return cases.Errorf(cases.EFORBIDDEN, "subject %s belongs to %s; only its owner changes it", sub.ID, owner)
				}
				sub.Created = fromMS(created)
			}
		}
		sub.Updated = now
		ev, err := s.newEvent(actor, cases.EventSubjectUpserted, "", nil, sub)
		if err != nil {
			return err
		}
		if err := s.record(ctx, tx, ev, "local"); err != nil {
			return err
		}
		return s.publishReference(ctx, tx, actor, sub)
	})
	return storageErr(err, "cannot save subject %s", sub.Name.Display())
}

// upsertSubject writes a subject's rows, replacing any earlier version.
// It returns the subject's search keys.
func upsertSubject(ctx context.Context, tx *sql.Tx, sub *cases.Subject) ([]string, error) {
	_, err := tx.ExecContext(ctx, `INSERT INTO subjects(id, given, paternal, maternal, dob, sex, nationalities, category, gang, legal_status, owner_agency, created, updated)
		VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(id) DO UPDATE SET given = excluded.given, paternal = excluded.paternal, maternal = excluded.maternal,
			dob = excluded.dob, sex = excluded.sex, nationalities = excluded.nationalities, category = excluded.category,
			gang = excluded.gang, legal_status = excluded.legal_status, owner_agency = excluded.owner_agency, updated = excluded.updated`,
		sub.ID, strings.Join(sub.Name.Given, " "), sub.Name.Paternal, sub.Name.Maternal, sub.DOB.String(), string(sub.Sex),
		strings.Join(sub.Nationalities, ","), string(sub.Category), sub.Gang, sub.LegalStatus, sub.OwnerAgency, ms(sub.Created), ms(sub.Updated))
	if err != nil {
		return nil, err
	}
	var rowid int64
	if err := tx.QueryRowContext(ctx, `SELECT rowid FROM subjects WHERE id = ?`, sub.ID).Scan(&rowid); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM subject_index WHERE rowid = ?`, rowid); err != nil {
		return nil, err
	}
	keys, err := indexSubject(ctx, tx, rowid, sub.Name, aliasNames(sub.Aliases))
	if err != nil {
		return nil, err
	}
	for _, t := range []string{"subject_aliases", "subject_documents", "subject_fingerprints"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE subject_id = ?`, sub.ID); err != nil {
			return nil, err
		}
	}
	for i, a := range sub.Aliases {
		if _, err := tx.ExecContext(ctx, `INSERT INTO subject_aliases(subject_id, ord, name, moniker) VALUES(?, ?, ?, ?)`, sub.ID, i, a.Name, boolInt(a.Moniker)); err != nil {
			return nil, err
		}
	}
	for i, d := range sub.Documents {
		if _, err := tx.ExecContext(ctx, `INSERT INTO subject_documents(subject_id, ord, kind, number, country) VALUES(?, ?, ?, ?, ?)`,
			sub.ID, i, string(d.Kind), NormalizeDocumentNumber(d.Number), d.Country); err != nil {
			return nil, err
		}
	}
	for _, f := range sub.Fingerprints {
		if _, err := tx.ExecContext(ctx, `INSERT INTO subject_fingerprints(subject_id, position, format, template) VALUES(?, ?, ?, ?)`,
			sub.ID, f.Position, f.Format, nonNil(f.Template)); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

// NormalizeDocumentNumber is the form document numbers are stored and looked
// up in: upper case, without spaces, dashes or dots.
func NormalizeDocumentNumber(n string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '.', '/', '\t':
			return -1
		}
		if r >= 'a' && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, n)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Subject returns one subject with its aliases, documents and fingerprints.
func (s *SubjectService) Subject(ctx context.Context, id string) (*cases.Subject, error) {
	subs, err := s.subjects(ctx, `WHERE s.id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(subs) == 0 {
		return nil, cases.Errorf(cases.ENOTFOUND, "there is no subject %s", id)
	}
	return &subs[0], nil
}

// CaseSubjects returns the subjects involved in a case.
func (s *SubjectService) CaseSubjects(ctx context.Context, caseID string) ([]cases.Subject, error) {
	return s.subjects(ctx, `JOIN case_subjects cs ON cs.subject_id = s.id WHERE cs.case_id = ?`, caseID)
}

// SubjectsByID returns the subjects with the given IDs, in no particular order.
func (s *SubjectService) SubjectsByID(ctx context.Context, ids []string) ([]cases.Subject, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return s.subjects(ctx, `WHERE s.id IN (`+strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")+`)`, args...)
}

func (s *SubjectService) subjects(ctx context.Context, where string, args ...any) ([]cases.Subject, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT s.id, s.given, s.paternal, s.maternal, s.dob, s.sex, s.nationalities, s.category, s.gang, s.legal_status, s.owner_agency, s.created, s.updated
		FROM subjects s `+where+` ORDER BY s.id`, args...)
	if err != nil {
		return nil, storageErr(err, "cannot read subjects")
	}
	var out []cases.Subject
	index := map[string]int{}
	for rows.Next() {
		var sub cases.Subject
		var given, dob, sex, nat, cat string
		var created, updated int64
		if err := rows.Scan(&sub.ID, &given, &sub.Name.Paternal, &sub.Name.Maternal, &dob, &sex, &nat, &cat, &sub.Gang, &sub.LegalStatus, &sub.OwnerAgency, &created, &updated); err != nil {
			rows.Close()
			return nil, storageErr(err, "cannot read subjects")
		}
		sub.Name.Given = strings.Fields(given)
		sub.DOB, _ = cases.ParsePartialDate(dob)
		sub.Sex, sub.Category = cases.Sex(sex), cases.Category(cat)
		sub.Nationalities = splitList(nat)
		sub.Created, sub.Updated = fromMS(created), fromMS(updated)
		index[sub.ID] = len(out)
		out = append(out, sub)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, storageErr(err, "cannot read subjects")
	}
	for i := range out {
		if err := s.subjectDetails(ctx, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *SubjectService) subjectDetails(ctx context.Context, sub *cases.Subject) error {
	rows, err := s.r.QueryContext(ctx, `SELECT name, moniker FROM subject_aliases WHERE subject_id = ? ORDER BY ord`, sub.ID)
	if err != nil {
		return storageErr(err, "cannot read subject %s", sub.ID)
	}
	for rows.Next() {
		var a cases.Alias
		var m int
		if err := rows.Scan(&a.Name, &m); err != nil {
			rows.Close()
			return storageErr(err, "cannot read subject %s", sub.ID)
		}
		a.Moniker = m != 0
		sub.Aliases = append(sub.Aliases, a)
	}
	rows.Close()
	rows, err = s.r.QueryContext(ctx, `SELECT kind, number, country FROM subject_documents WHERE subject_id = ? ORDER BY ord`, sub.ID)
	if err != nil {
		return storageErr(err, "cannot read subject %s", sub.ID)
	}
	for rows.Next() {
		var d cases.Document
		var kind string
		if err := rows.Scan(&kind, &d.Number, &d.Country); err != nil {
			rows.Close()
			return storageErr(err, "cannot read subject %s", sub.ID)
		}
		d.Kind = cases.DocumentKind(kind)
		sub.Documents = append(sub.Documents, d)
	}
	rows.Close()
	rows, err = s.r.QueryContext(ctx, `SELECT position, format, template FROM subject_fingerprints WHERE subject_id = ? ORDER BY position`, sub.ID)
	if err != nil {
		return storageErr(err, "cannot read subject %s", sub.ID)
	}
	defer rows.Close()
	for rows.Next() {
		var f cases.Fingerprint
		if err := rows.Scan(&f.Position, &f.Format, &f.Template); err != nil {
			return storageErr(err, "cannot read subject %s", sub.ID)
		}
		sub.Fingerprints = append(sub.Fingerprints, f)
	}
	return storageErr(rows.Err(), "cannot read subject %s", sub.ID)
}

// SubjectCases returns summaries of the cases a subject appears in.
func (s *SubjectService) SubjectCases(ctx context.Context, subjectID string) ([]cases.CaseSummary, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT c.id, c.title, c.status, c.priority, c.assignee, c.created, c.updated, c.due, c.conflict
		FROM cases c JOIN case_subjects cs ON cs.case_id = c.id WHERE cs.subject_id = ? ORDER BY c.id`, subjectID)
	if err != nil {
		return nil, storageErr(err, "cannot list the cases of subject %s", subjectID)
	}
	defer rows.Close()
	var out []cases.CaseSummary
	for rows.Next() {
		var c cases.CaseSummary
		var status string
		var prio, conflict int
		var created, updated, due int64
		if err := rows.Scan(&c.ID, &c.Title, &status, &prio, &c.Assignee, &created, &updated, &due, &conflict); err != nil {
			return nil, storageErr(err, "cannot list the cases of subject %s", subjectID)
		}
		c.Status, c.Priority = cases.Status(status), cases.Priority(prio)
		c.Created, c.Updated, c.Due = fromMS(created), fromMS(updated), fromMS(due)
		c.Conflict = conflict != 0
		out = append(out, c)
	}
	return out, storageErr(rows.Err(), "cannot list the cases of subject %s", subjectID)
}

// CreateEncounter stores an encounter with its probe fingerprints.
func (s *SubjectService) CreateEncounter(ctx context.Context, actor cases.Officer, e *cases.Encounter) error {
	if !actor.Has(cases.RoleOfficer) && !actor.Has(cases.RoleSupervisor) {
		return cases.Errorf(cases.EFORBIDDEN, "%s is an auditor: auditors do not record encounters", actor.Name)
	}
	for _, f := range e.Fingerprints {
		if f.Position < 0 || f.Position > 10 {
			return cases.Errorf(cases.EINVALID, "finger position %d is not between 0 (unknown) and 10", f.Position)
		}
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		if e.ID == "" {
			e.ID = s.ids.New()
		}
		if e.At.IsZero() {
			e.At = s.clock.Now()
		}
		e.OfficerID, e.Agency = actor.ID, actor.Agency
		ev, err := s.newEvent(actor, cases.EventEncounterCreated, "", nil, e)
		if err != nil {
			return err
		}
		return s.record(ctx, tx, ev, "local")
	})
	return storageErr(err, "cannot save the encounter")
}

func insertEncounter(ctx context.Context, tx *sql.Tx, e *cases.Encounter) error {
	var claimed []byte
	if !e.Claimed.IsZero() {
		var err error
		if claimed, err = json.Marshal(e.Claimed); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO encounters(id, at, place, officer_id, agency, notes, source_file, source_sha256, claimed) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, ms(e.At), e.Place, e.OfficerID, e.Agency, e.Notes, e.SourceFile, e.SourceSHA256, string(claimed)); err != nil {
		return err
	}
	for _, f := range e.Fingerprints {
		if _, err := tx.ExecContext(ctx, `INSERT INTO encounter_fingerprints(encounter_id, position, format, template) VALUES(?, ?, ?, ?)`,
			e.ID, f.Position, f.Format, nonNil(f.Template)); err != nil {
			return err
		}
	}
	return nil
}

// Encounter returns one encounter with its fingerprints.
func (s *SubjectService) Encounter(ctx context.Context, id string) (*cases.Encounter, error) {
	var e cases.Encounter
	var at int64
	var claimed string
	err := s.r.QueryRowContext(ctx, `SELECT id, at, place, officer_id, agency, notes, source_file, source_sha256, claimed FROM encounters WHERE id = ?`, id).
		Scan(&e.ID, &at, &e.Place, &e.OfficerID, &e.Agency, &e.Notes, &e.SourceFile, &e.SourceSHA256, &claimed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, cases.Errorf(cases.ENOTFOUND, "there is no encounter %s", id)
	}
	if err != nil {
		return nil, storageErr(err, "cannot read encounter %s", id)
	}
	e.At = fromMS(at)
	if claimed != "" {
		if err := json.Unmarshal([]byte(claimed), &e.Claimed); err != nil {
			return nil, cases.Errorf(cases.ESTORAGE, "encounter %s: the claimed identity stored is damaged", id)
		}
	}
	rows, err := s.r.QueryContext(ctx, `SELECT position, format, template FROM encounter_fingerprints WHERE encounter_id = ? ORDER BY position`, id)
	if err != nil {
		return nil, storageErr(err, "cannot read encounter %s", id)
	}
	defer rows.Close()
	for rows.Next() {
		var f cases.Fingerprint
		if err := rows.Scan(&f.Position, &f.Format, &f.Template); err != nil {
			return nil, storageErr(err, "cannot read encounter %s", id)
		}
		e.Fingerprints = append(e.Fingerprints, f)
	}
	return &e, storageErr(rows.Err(), "cannot read encounter %s", id)
}

// ViewSubject returns a subject and writes a query-log entry (kind "view")
// for the officer who looks at it, with the stated purpose.
func (s *SubjectService) ViewSubject(ctx context.Context, actor cases.Officer, id string, purpose cases.Purpose, purposeText string) (*cases.Subject, error) {
	if err := cases.ValidatePurpose(purpose, purposeText); err != nil {
		return nil, err
	}
	sub, err := s.Subject(ctx, id)
	if err != nil {
		return nil, err
	}
	entry := cases.QueryLogEntry{OfficerID: actor.ID, Agency: actor.Agency, Kind: "view", Query: "subject " + id + " (" + sub.Name.Display() + ")",
		Purpose: purpose, PurposeText: purposeText, Results: 1}
	if err := (&AuditService{s.DB}).LogQuery(ctx, entry); err != nil {
		return nil, err
	}
	return sub, nil
}

// SubjectsOwnedBy counts the subjects this desk holds that agency owns.
func (s *SubjectService) SubjectsOwnedBy(ctx context.Context, agency string) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM subjects WHERE owner_agency = ?`, agency).Scan(&n)
	return n, storageErr(err, "cannot count subjects")
}
