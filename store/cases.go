package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/enlace-desk/enlace/cases"
)

var _ cases.Store = (*Store)(nil)

const caseColumns = `id, title, status, priority, owner_agency, shared_with, assignee, created, updated, due, encounter_id, version, conflict, examination`

func scanCase(row interface{ Scan(...any) error }) (*cases.Case, error) {
	var c cases.Case
	var status, shared string
	var prio, conflict int
	var created, updated, due int64
	var exam string
	if err := row.Scan(&c.ID, &c.Title, &status, &prio, &c.OwnerAgency, &shared, &c.Assignee, &created, &updated, &due, &c.EncounterID, &c.Version, &conflict, &exam); err != nil {
		return nil, err
	}
	c.Examination = cases.ExamState(exam)
	c.Status = cases.Status(status)
	c.Priority = cases.Priority(prio)
	c.SharedWith = splitList(shared)
	c.Created, c.Updated, c.Due = fromMS(created), fromMS(updated), fromMS(due)
	c.Conflict = conflict != 0
	return &c, nil
}

// Case returns one case with the IDs of its subjects.
func (s *CaseService) Case(ctx context.Context, id string) (*cases.Case, error) {
	return s.caseIn(ctx, s.r, id)
}

func (s *DB) caseIn(ctx context.Context, q querier, id string) (*cases.Case, error) {
	c, err := scanCase(q.QueryRowContext(ctx, `SELECT `+caseColumns+` FROM cases WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, cases.Errorf(cases.ENOTFOUND, "there is no case %s", id)
	}
	if err != nil {
		return nil, storageErr(err, "cannot read case %s", id)
	}
	rows, err := q.QueryContext(ctx, `SELECT subject_id FROM case_subjects WHERE case_id = ? ORDER BY subject_id`, id)
	if err != nil {
		return nil, storageErr(err, "cannot read case %s", id)
	}
	defer rows.Close()
	for rows.Next() {
		var sid string
		if err := rows.Scan(&sid); err != nil {
			return nil, storageErr(err, "cannot read case %s", id)
		}
		c.SubjectIDs = append(c.SubjectIDs, sid)
	}
	if err := rows.Err(); err != nil {
		return nil, storageErr(err, "cannot read case %s", id)
	}
	arows, err := q.QueryContext(ctx, `SELECT agency, officer FROM case_assignees WHERE case_id = ?`, id)
	if err != nil {
		return nil, storageErr(err, "cannot read case %s", id)
	}
	defer arows.Close()
	c.Assignees = map[string]string{}
	for arows.Next() {
		var agency, officer string
		if err := arows.Scan(&agency, &officer); err != nil {
			return nil, storageErr(err, "cannot read case %s", id)
		}
		c.Assignees[agency] = officer
	}
	if agency := s.DeskAgency(); agency != "" {
		c.Assignee = c.Assignees[agency]
	}
	return c, storageErr(arows.Err(), "cannot read case %s", id)
}

// Cases lists case summaries matching f, ordered by ID. Each summary's
// assignee is the one of f.Agency (the agency reading), or of the desk's
// agency when f names none.
func (s *CaseService) Cases(ctx context.Context, f cases.CaseFilter) ([]cases.CaseSummary, error) {
	viewer := f.Agency
	if viewer == "" {
		viewer = s.DeskAgency()
	}
	assignee := "c.assignee"
	if viewer != "" {
		assignee = "coalesce(ca.officer, '')"
	}
	var where []string
	var args []any
	if viewer != "" {
		args = append(args, viewer)
	}
	if f.Agency != "" {
		where = append(where, "(c.owner_agency = ? OR instr(','||c.shared_with||',', ?) > 0)")
		args = append(args, f.Agency, ","+f.Agency+",")
	}
	if f.Assignee != "" {
		where = append(where, assignee+" = ?")
		args = append(args, f.Assignee)
	}
	if f.Unassigned {
		where = append(where, assignee+" = ''")
	}
	if len(f.Statuses) > 0 {
		where = append(where, "c.status IN ("+strings.TrimSuffix(strings.Repeat("?,", len(f.Statuses)), ",")+")")
		for _, st := range f.Statuses {
			args = append(args, string(st))
		}
	}
	if f.OpenOnly {
		where = append(where, "c.status != 'closed'")
	}
	if !f.OverdueAt.IsZero() {
		where = append(where, "c.status != 'closed' AND c.due != 0 AND c.due < ?")
		args = append(args, f.OverdueAt.UnixMilli())
	}
	if f.Examination != "" {
		where = append(where, "c.examination = ?")
		args = append(args, string(f.Examination))
	}
	if len(f.IDs) > 0 {
		where = append(where, "c.id IN ("+strings.TrimSuffix(strings.Repeat("?,", len(f.IDs)), ",")+")")
		for _, id := range f.IDs {
			args = append(args, id)
		}
	}
	if f.Text != "" {
		where = append(where, "(instr(lower(c.id), ?) > 0 OR instr(lower(c.title), ?) > 0)")
		t := strings.ToLower(f.Text)
		args = append(args, t, t)
	}
	q := `SELECT c.id, c.title, c.status, c.priority, ` + assignee + `, c.created, c.updated, c.due, c.conflict, c.examination FROM cases c`
	if viewer != "" {
		q += ` LEFT JOIN case_assignees ca ON ca.case_id = c.id AND ca.agency = ?`
	}
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY c.id"
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, storageErr(err, "cannot list cases")
	}
	defer rows.Close()
	var out []cases.CaseSummary
	for rows.Next() {
		var c cases.CaseSummary
		var status, exam string
		var prio, conflict int
		var created, updated, due int64
		if err := rows.Scan(&c.ID, &c.Title, &status, &prio, &c.Assignee, &created, &updated, &due, &conflict, &exam); err != nil {
			return nil, storageErr(err, "cannot list cases")
		}
		c.Examination = cases.ExamState(exam)
		c.Status, c.Priority = cases.Status(status), cases.Priority(prio)
		c.Created, c.Updated, c.Due = fromMS(created), fromMS(updated), fromMS(due)
		c.Conflict = conflict != 0
		out = append(out, c)
	}
	return out, storageErr(rows.Err(), "cannot list cases")
}

// Annotations returns a case's timeline, oldest first. An annotation whose
// event the hub refused is not part of it: like every refused event it
// changes nothing anywhere, and no other desk holds it (the refusal is listed
// by Rejections).
func (s *CaseService) Annotations(ctx context.Context, caseID string) ([]cases.Annotation, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT a.id, a.case_id, a.kind, a.author, a.at, a.text, a.supersedes, a.from_status, a.to_status, a.base_version,
		a.assignee, a.priority, a.decision, a.subject_id, a.replaces, a.concerns, o.annotation_id IS NOT NULL
		FROM annotations a LEFT JOIN annotation_overridden o ON o.annotation_id = a.id
		WHERE a.case_id = ? AND NOT EXISTS (SELECT 1 FROM event_sync x WHERE x.event_id = a.event_id AND x.state = 'rejected')
		ORDER BY a.at, a.id`, caseID)
	if err != nil {
		return nil, storageErr(err, "cannot read the timeline of case %s", caseID)
	}
	defer rows.Close()
	var out []cases.Annotation
	for rows.Next() {
		var a cases.Annotation
		var kind, from, to, decision string
		var at int64
		var prio int
		if err := rows.Scan(&a.ID, &a.CaseID, &kind, &a.Author, &at, &a.Text, &a.Supersedes, &from, &to, &a.BaseVersion, &a.Assignee, &prio, &decision,
			&a.SubjectID, &a.Replaces, &a.Concerns, &a.Overridden); err != nil {
			return nil, storageErr(err, "cannot read the timeline of case %s", caseID)
		}
		a.Kind, a.FromStatus, a.ToStatus = cases.AnnotationKind(kind), cases.Status(from), cases.Status(to)
		a.At, a.Priority = fromMS(at), cases.Priority(prio)
		if decision != "" {
			a.Decision = new(cases.Decision)
			if err := json.Unmarshal([]byte(decision), a.Decision); err != nil {
				return nil, cases.Errorf(cases.ESTORAGE, "annotation %s: stored decision is damaged", a.ID)
			}
		}
		out = append(out, a)
	}
	return out, storageErr(rows.Err(), "cannot read the timeline of case %s", caseID)
}

// canAct checks that actor is an officer or supervisor of an agency that sees c.
func canAct(actor cases.Officer, c *cases.Case) error {
	if !actor.Has(cases.RoleOfficer) && !actor.Has(cases.RoleSupervisor) {
		return cases.Errorf(cases.EFORBIDDEN, "%s is an auditor: auditors read, they do not change cases", actor.Name)
	}
	if actor.Agency != c.OwnerAgency && !slices.Contains(c.SharedWith, actor.Agency) {
		return cases.Errorf(cases.EFORBIDDEN, "case %s is not shared with %s", c.ID, actor.Agency)
	}
	return nil
}

// CreateCase opens a new case owned by the actor's agency, numbered from this
// desk's sequence for the year.
func (s *CaseService) CreateCase(ctx context.Context, actor cases.Officer, nc cases.NewCase) (*cases.Case, error) {
	if strings.TrimSpace(nc.Title) == "" {
		return nil, cases.Errorf(cases.EINVALID, "a case needs a title")
	}
	if nc.Priority == 0 {
		nc.Priority = cases.PriorityNormal
	}
	if !nc.Priority.Valid() {
		return nil, cases.Errorf(cases.EINVALID, "priority %d does not exist", nc.Priority)
	}
	if !actor.Has(cases.RoleOfficer) && !actor.Has(cases.RoleSupervisor) {
		return nil, cases.Errorf(cases.EFORBIDDEN, "%s is an auditor: auditors do not open cases", actor.Name)
	}
	if nc.Assignee != "" {
		o, err := s.officerIn(ctx, s.r, nc.Assignee)
		if err != nil {
			return nil, err
		}
		if o.Agency != actor.Agency {
			return nil, cases.Errorf(cases.EFORBIDDEN, "%s is with %s: a case opened by %s is assigned to one of its own officers", o.Name, o.Agency, actor.Agency)
		}
	}
	var out *cases.Case
	err := s.write(ctx, func(tx *sql.Tx) error {
		now := s.clock.Now()
		key := "case_seq_" + strconv.Itoa(now.Year())
		cur, err := getMeta(ctx, tx, key)
		if err != nil {
			return err
		}
		seq, _ := strconv.Atoi(cur)
		seq++
		if err := setMeta(ctx, tx, key, strconv.Itoa(seq)); err != nil {
			return err
		}
		c := cases.Case{
			ID:          cases.CaseNumber(actor.Agency, now.Year(), s.desk, seq),
			Title:       strings.TrimSpace(nc.Title),
			Status:      cases.StatusNew,
			Priority:    nc.Priority,
			OwnerAgency: actor.Agency,
			SharedWith:  nc.SharedWith,
			Assignee:    nc.Assignee,
			Created:     now,
			Updated:     now,
			Due:         nc.Due,
			SubjectIDs:  nc.SubjectIDs,
			EncounterID: nc.EncounterID,
		}
		ev, err := s.newEvent(actor, cases.EventCaseCreated, c.ID, nil, cases.CaseCreated{Case: c})
		if err != nil {
			return err
		}
		if err := s.record(ctx, tx, ev, "local"); err != nil {
			return err
		}
		out = &c
		return nil
	})
	if err != nil {
		return nil, storageErr(err, "cannot open the case")
	}
	return out, nil
}

// annotate loads the case inside the write transaction, lets check build the
// annotation from its current state, and records it with its event.
func (s *CaseService) annotate(ctx context.Context, actor cases.Officer, caseID string, build func(tx *sql.Tx, c *cases.Case, a *cases.Annotation) error) (*cases.Annotation, error) {
	var out *cases.Annotation
	err := s.write(ctx, func(tx *sql.Tx) error {
		c, err := s.caseIn(ctx, tx, caseID)
		if err != nil {
			return err
		}
		if err := canAct(actor, c); err != nil {
			return err
		}
		a := cases.Annotation{ID: s.ids.New(), CaseID: c.ID, Author: actor.ID, At: s.clock.Now()}
		if err := build(tx, c, &a); err != nil {
			return err
		}
		if key := cases.FieldKey(&a, actor.Agency); key != "" {
			p, _, err := s.projectCase(ctx, tx, c.ID)
			if err != nil {
				return err
			}
			a.Replaces = p.Current[key]
		}
		ev, err := s.newEvent(actor, cases.EventAnnotationAdded, c.ID, nil, a)
		if err != nil {
			return err
		}
		if err := s.record(ctx, tx, ev, "local"); err != nil {
			return err
		}
		out = &a
		return nil
	})
	if err != nil {
		return nil, storageErr(err, "cannot change case %s", caseID)
	}
	return out, nil
}

// AddNote appends a note; with supersedes it is an edit of an earlier note.
func (s *CaseService) AddNote(ctx context.Context, actor cases.Officer, caseID, text, supersedes string) (*cases.Annotation, error) {
	if err := cases.ValidateNote(text); err != nil {
		return nil, err
	}
	return s.annotate(ctx, actor, caseID, func(tx *sql.Tx, c *cases.Case, a *cases.Annotation) error {
		if supersedes != "" {
			var kind, author string
			err := tx.QueryRowContext(ctx, `SELECT kind, author FROM annotations WHERE id = ? AND case_id = ?`, supersedes, c.ID).Scan(&kind, &author)
			if errors.Is(err, sql.ErrNoRows) {
				return cases.Errorf(cases.ENOTFOUND, "there is no note %s on case %s to edit", supersedes, c.ID)
			}
			if err != nil {
				return err
			}
			if kind != string(cases.AnnNote) {
				return cases.Errorf(cases.EINVALID, "only notes can be edited; %s is a %s", supersedes, kind)
			}
			if author != actor.ID {
				return cases.Errorf(cases.EFORBIDDEN, "only the author of a note can edit it")
			}
		}
		a.Kind, a.Text, a.Supersedes = cases.AnnNote, text, supersedes
		return nil
	})
}

// ChangeStatus moves the case through the state machine.
func (s *CaseService) ChangeStatus(ctx context.Context, actor cases.Officer, caseID string, to cases.Status, reason string) (*cases.Annotation, error) {
	return s.annotate(ctx, actor, caseID, func(tx *sql.Tx, c *cases.Case, a *cases.Annotation) error {
		if c.Conflict {
			return cases.Errorf(cases.ECONFLICT, "case %s is in conflict: two status changes crossed; a supervisor must resolve it first", c.ID)
		}
		if err := cases.CheckTransition(c.Status, to, actor.Roles, false); err != nil {
			return err
		}
		a.Kind, a.Text = cases.AnnStatus, strings.TrimSpace(reason)
		a.FromStatus, a.ToStatus, a.BaseVersion = c.Status, to, c.Version
		return nil
	})
}

// Assign gives the case to an officer of the actor's own agency ("" unassigns
// it for that agency). A shared case has one assignee per agency: each
// agency's supervisors assign their own officers. Only supervisors assign.
func (s *CaseService) Assign(ctx context.Context, actor cases.Officer, caseID, assignee string) (*cases.Annotation, error) {
	if !actor.Has(cases.RoleSupervisor) {
		return nil, cases.Errorf(cases.EFORBIDDEN, "only a supervisor can assign cases")
	}
	return s.annotate(ctx, actor, caseID, func(tx *sql.Tx, c *cases.Case, a *cases.Annotation) error {
		if assignee != "" {
			o, err := s.officerIn(ctx, tx, assignee)
			if err != nil {
				return err
			}
			if o.Agency != actor.Agency {
				return cases.Errorf(cases.EFORBIDDEN, "%s is with %s: a supervisor of %s assigns only %s's officers; %s assigns its own", o.Name, o.Agency, actor.Agency, actor.Agency, o.Agency)
			}
			if !o.Has(cases.RoleOfficer) && !o.Has(cases.RoleSupervisor) {
				return cases.Errorf(cases.EINVALID, "%s is an auditor and cannot work cases", o.Name)
			}
		}
		if assignee == c.Assignees[actor.Agency] {
			return cases.Errorf(cases.EINVALID, "case %s is already assigned to that officer", c.ID)
		}
		a.Kind, a.Assignee = cases.AnnAssign, assignee
		return nil
	})
}

// SetPriority changes the case's priority. Only supervisors prioritise.
func (s *CaseService) SetPriority(ctx context.Context, actor cases.Officer, caseID string, p cases.Priority) (*cases.Annotation, error) {
	if !p.Valid() {
		return nil, cases.Errorf(cases.EINVALID, "priority %d does not exist", p)
	}
	if !actor.Has(cases.RoleSupervisor) {
		return nil, cases.Errorf(cases.EFORBIDDEN, "only a supervisor can change a case's priority")
	}
	return s.annotate(ctx, actor, caseID, func(tx *sql.Tx, c *cases.Case, a *cases.Annotation) error {
		if c.Priority == p {
			return cases.Errorf(cases.EINVALID, "case %s is already %s priority", c.ID, p.Label())
		}
		a.Kind, a.Priority = cases.AnnPriority, p
		return nil
	})
}

// RecordDecision records an examiner's conclusion (see Conclude): one about a
// candidate decides nothing; a closing one waits for its verification.
func (s *CaseService) RecordDecision(ctx context.Context, actor cases.Officer, caseID string, d cases.Decision) (*cases.Annotation, error) {
	if d.Conclusion == cases.NoIdentification {
		d.CandidateID = ""
	}
	return s.Conclude(ctx, actor, caseID, d)
}

// UpdateCase changes simple fields (title, due date, sharing) of a case.
// Only the owning agency's supervisors change sharing.
func (s *CaseService) UpdateCase(ctx context.Context, actor cases.Officer, u cases.CaseUpdated) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		c, err := s.caseIn(ctx, tx, u.CaseID)
		if err != nil {
			return err
		}
		if err := canAct(actor, c); err != nil {
			return err
		}
		if u.Title != nil && strings.TrimSpace(*u.Title) == "" {
			return cases.Errorf(cases.EINVALID, "a case needs a title")
		}
		if u.Due != nil && *u.Due != "" {
			if _, err := time.Parse(time.RFC3339, *u.Due); err != nil {
				return cases.Errorf(cases.EINVALID, "due date %q is not a date and time", *u.Due)
			}
		}
		if u.SharedWith != nil && (actor.Agency != c.OwnerAgency || !actor.Has(cases.RoleSupervisor)) {
			return cases.Errorf(cases.EFORBIDDEN, "only a supervisor of %s can change whom case %s is shared with", c.OwnerAgency, c.ID)
		}
		ev, err := s.newEvent(actor, cases.EventCaseUpdated, c.ID, nil, u)
		if err != nil {
			return err
		}
		return s.record(ctx, tx, ev, "local")
	})
}

// LinkSubject links a subject this desk holds to a case; UnlinkSubject
// withdraws the link. Each is an annotation, and the latest of a subject's
// links and unlinks stands on every desk.
func (s *CaseService) LinkSubject(ctx context.Context, actor cases.Officer, caseID, subjectID string) (*cases.Annotation, error) {
	return s.linkSubject(ctx, actor, caseID, subjectID, true)
}

// UnlinkSubject withdraws a subject's link to a case.
func (s *CaseService) UnlinkSubject(ctx context.Context, actor cases.Officer, caseID, subjectID string) (*cases.Annotation, error) {
	return s.linkSubject(ctx, actor, caseID, subjectID, false)
}

func (s *CaseService) linkSubject(ctx context.Context, actor cases.Officer, caseID, subjectID string, link bool) (*cases.Annotation, error) {
	return s.annotate(ctx, actor, caseID, func(tx *sql.Tx, c *cases.Case, a *cases.Annotation) error {
		linked := slices.Contains(c.SubjectIDs, subjectID)
		if link {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM subjects WHERE id = ?`, subjectID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return cases.Errorf(cases.ENOTFOUND, "there is no subject %s on this desk to link to case %s", subjectID, c.ID)
			}
			if linked {
				return cases.Errorf(cases.EINVALID, "subject %s is already linked to case %s", subjectID, c.ID)
			}
			// The partner who sees the link knows the subject by its
			// reference (published when the subject was saved in the
			// agreement's scope): its personal data never travels with a link.
			a.Kind = cases.AnnLink
		} else {
			if !linked {
				return cases.Errorf(cases.EINVALID, "subject %s is not linked to case %s", subjectID, c.ID)
			}
			a.Kind = cases.AnnUnlink
		}
		a.SubjectID = subjectID
		return nil
	})
}

// SharedCaseDigests returns the digest (cases.Digest) of every case this desk
// holds that is shared between agencies, by case ID.
func (s *CaseService) SharedCaseDigests(ctx context.Context) (map[string]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id FROM cases WHERE shared_with != '' ORDER BY id`)
	if err != nil {
		return nil, storageErr(err, "cannot list the shared cases")
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, storageErr(err, "cannot list the shared cases")
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, storageErr(err, "cannot list the shared cases")
	}
	out := make(map[string]string, len(ids))
	for _, id := range ids {
		c, err := s.Case(ctx, id)
		if err != nil {
			return nil, err
		}
		out[id] = cases.Digest(c)
	}
	return out, nil
}
