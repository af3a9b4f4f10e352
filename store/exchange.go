package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/enlace-desk/enlace/cases"
)

// ExchangeService implements cases.ExchangeService: the agreement's
// exchange on this desk. Partner references, follow-up requests and
// disclosures are rows kept by apply from their events (refs,
// ref_fingerprints, followups, disclosures), on the requesting and on the
// owning desk alike.
type ExchangeService struct{ *DB }

var _ cases.ExchangeService = (*ExchangeService)(nil)

// Agreement returns the policy in force on this desk.
func (s *DB) Agreement() *cases.Agreement {
	if a := s.agreement.Load(); a != nil {
		return a
	}
	return cases.DefaultAgreement()
}

// SetAgreement puts a policy in force (the desk's configuration names it).
func (s *DB) SetAgreement(a *cases.Agreement) { s.agreement.Store(a) }

func worker(actor cases.Officer, what string) error {
	if !actor.Has(cases.RoleOfficer) && !actor.Has(cases.RoleSupervisor) {
		return cases.Errorf(cases.EFORBIDDEN, "%s is an auditor: auditors read the logs, they do not %s", actor.ID, what)
	}
	return nil
}

// publishReference shares an own subject with the partners as a reference
// when it is in the agreement's scope and has prints, and withdraws its
// reference when it no longer is. Inside the subject's write.
func (s *DB) publishReference(ctx context.Context, tx *sql.Tx, actor cases.Officer, sub *cases.Subject) error {
	pol := s.Agreement()
	number := cases.ReferenceNumber(sub.OwnerAgency, sub.ID)
	ref := cases.Reference{Number: number, OwnerAgency: sub.OwnerAgency, Category: sub.Category, Fingerprints: sub.Fingerprints, Published: s.clock.Now()}
	if !pol.InScope(sub.Category) || len(sub.Fingerprints) == 0 {
		var withdrawn int
		err := tx.QueryRowContext(ctx, `SELECT withdrawn FROM refs WHERE number = ?`, number).Scan(&withdrawn)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && withdrawn == 1) {
			return nil // never shared, or already withdrawn
		}
		if err != nil {
			return err
		}
		ref.Withdrawn, ref.Fingerprints = true, nil
	}
	ev, err := s.newEvent(actor, cases.EventReferencePublished, "", pol.Partners(sub.OwnerAgency), ref)
	if err != nil {
		return err
	}
	return s.record(ctx, tx, ev, "local")
}

// applyExchange records one exchange event in its tables.
func (s *DB) applyExchange(ctx context.Context, tx *sql.Tx, ev cases.Event) error {
	at := ev.HLC.Time().UnixMilli()
	switch ev.Kind {
	case cases.EventReferencePublished:
		var r cases.Reference
		if err := decode(ev, &r); err != nil {
			return err
		}
		var prev int64
		err := tx.QueryRowContext(ctx, `SELECT published FROM refs WHERE number = ?`, r.Number).Scan(&prev)
		if err == nil && prev > at {
			return nil // a later state of the reference is already held
		}
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO refs(number, owner_agency, category, withdrawn, published, event_id) VALUES(?, ?, ?, ?, ?, ?)
			ON CONFLICT(number) DO UPDATE SET category = excluded.category, withdrawn = excluded.withdrawn, published = excluded.published, event_id = excluded.event_id`,
			r.Number, r.OwnerAgency, string(r.Category), boolInt(r.Withdrawn), at, ev.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM ref_fingerprints WHERE number = ?`, r.Number); err != nil {
			return err
		}
		_, subjectID, err := cases.ParseReference(r.Number)
		if err != nil {
			return err
		}
		var held int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM subjects WHERE id = ?`, subjectID).Scan(&held); err != nil {
			return err
		}
		if r.OwnerAgency == s.DeskAgency() || held > 0 {
			return nil // the owner keeps its prints with the subject
		}
		for _, f := range r.Fingerprints {
			if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO ref_fingerprints(number, position, format, template) VALUES(?, ?, ?, ?)`,
				r.Number, f.Position, f.Format, nonNil(f.Template)); err != nil {
				return err
			}
		}
		s.changedSubjects = append(s.changedSubjects, r.Number)
		return nil
	case cases.EventFollowUpRequested:
		var r cases.FollowUpRequest
		if err := decode(ev, &r); err != nil {
			return err
		}
		owner, _, err := cases.ParseReference(r.Reference)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO followups(id, reference, owner_agency, requesting_agency, requested_by, case_id, purpose, purpose_text, reason, made, event_id)
			VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.ID, r.Reference, owner, r.RequestingAgency, ev.Author, r.CaseID, string(r.Purpose), r.PurposeText, r.Reason, at, ev.ID)
		if err != nil {
			return fmt.Errorf("request %s: %w", r.ID, err)
		}
		return nil
	case cases.EventFollowUpDeclined:
		var d cases.FollowUpDecline
		if err := decode(ev, &d); err != nil {
			return err
		}
		if err := answerable(ctx, tx, d.RequestID, d.Reference, ev.Agency, d.RequestingAgency); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE followups SET status = ?, answered = ?, answered_by = ?, decline_reason = ? WHERE id = ?`,
			cases.FollowUpDeclined, at, ev.Author, d.Reason, d.RequestID)
		return err
	case cases.EventDisclosureMade:
		var d cases.Disclosure
		if err := decode(ev, &d); err != nil {
			return err
		}
		if d.RequestID != "" {
			if err := answerable(ctx, tx, d.RequestID, d.Reference, ev.Agency, d.To); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE followups SET status = ?, answered = ?, answered_by = ?, disclosure_id = ? WHERE id = ?`,
				cases.FollowUpApproved, at, ev.Author, d.ID, d.RequestID); err != nil {
				return err
			}
		}
		data, err := json.Marshal(d.Data)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO disclosures(id, request_id, reference, owner_agency, to_agency, category, fields, data, disclosed_by, at, event_id)
			VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, d.ID, d.RequestID, d.Reference, ev.Agency, d.To, string(d.Category), joinFields(d.Fields), string(data), ev.Author, at, ev.ID)
		if err != nil {
			return fmt.Errorf("disclosure %s: %w", d.ID, err)
		}
		return nil
	}
	return cases.Errorf(cases.EINVALID, "event %s: unknown kind %q", ev.ID, ev.Kind)
}

// answerable checks that an answer fits the request it names: the request is
// held, pending, about the same reference, addressed to the answering agency
// and asked by the agency the answer goes to.
func answerable(ctx context.Context, tx *sql.Tx, id, reference, owner, requester string) error {
	var ref, own, req, status string
	err := tx.QueryRowContext(ctx, `SELECT reference, owner_agency, requesting_agency, status FROM followups WHERE id = ?`, id).Scan(&ref, &own, &req, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return cases.Errorf(cases.ENOTFOUND, "there is no request %s", id)
	}
	if err != nil {
		return err
	}
	switch {
	case own != owner:
		return cases.Errorf(cases.EFORBIDDEN, "request %s is addressed to %s; %s cannot answer it", id, own, owner)
	case ref != reference:
		return cases.Errorf(cases.EINVALID, "request %s asks about reference %s, not %s", id, ref, reference)
	case req != requester:
		return cases.Errorf(cases.EINVALID, "request %s came from %s; its answer goes there, not to %s", id, req, requester)
	case status != cases.FollowUpPending:
		return cases.Errorf(cases.ECONFLICT, "request %s is already %s", id, status)
	}
	return nil
}

// logReceived writes the query-log trace of a request, an answer or a
// disclosure that arrived from the partner: both sides log the exchange. The
// entry names the partner's officer who signed it, in this desk's log.
func (s *DB) logReceived(ctx context.Context, tx *sql.Tx, ev cases.Event) error {
	if ev.Agency == s.DeskAgency() {
		return nil
	}
	var query string
	purpose, text := cases.PurposeInvestigation, ""
	switch ev.Kind {
	case cases.EventFollowUpRequested:
		var r cases.FollowUpRequest
		if err := decode(ev, &r); err != nil {
			return err
		}
		query = fmt.Sprintf("request %s received from %s (%s) for reference %s: %s", r.ID, ev.Agency, ev.Author, r.Reference, r.Reason)
		purpose, text = r.Purpose, r.PurposeText
	case cases.EventFollowUpDeclined:
		var d cases.FollowUpDecline
		if err := decode(ev, &d); err != nil {
			return err
		}
		query = fmt.Sprintf("request %s declined by %s (%s): %s", d.RequestID, ev.Agency, ev.Author, d.Reason)
		purpose, text = s.requestPurpose(ctx, tx, d.RequestID, purpose)
	case cases.EventDisclosureMade:
		var d cases.Disclosure
		if err := decode(ev, &d); err != nil {
			return err
		}
		under := "spontaneously"
		if d.RequestID != "" {
			under = "under request " + d.RequestID
			purpose, text = s.requestPurpose(ctx, tx, d.RequestID, purpose)
		}
		query = fmt.Sprintf("disclosure received from %s (%s) of %s for reference %s %s", ev.Agency, ev.Author, joinFields(d.Fields), d.Reference, under)
	default:
		return nil
	}
	return s.logQuery(ctx, tx, &cases.QueryLogEntry{OfficerID: ev.Author, Agency: s.DeskAgency(), Kind: "received", Query: query, Purpose: purpose, PurposeText: text})
}

func (s *DB) requestPurpose(ctx context.Context, tx *sql.Tx, id string, def cases.Purpose) (cases.Purpose, string) {
	var p, text string
	if err := tx.QueryRowContext(ctx, `SELECT purpose, purpose_text FROM followups WHERE id = ?`, id).Scan(&p, &text); err != nil {
		return def, ""
	}
	return cases.Purpose(p), text
}

func joinFields(fs []cases.CoreField) string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = string(f)
	}
	return strings.Join(out, ",")
}

// stampReceived records when the hub received a follow-up request: its
// deadline runs from then.
func stampReceived(ctx context.Context, tx *sql.Tx, eventID string, received time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE followups SET received = ? WHERE event_id = ? AND received = 0`, received.UnixMilli(), eventID)
	return err
}

// PartnerReference returns a reference the partner shared with this desk,
// with its prints.
func (s *ExchangeService) PartnerReference(ctx context.Context, number string) (*cases.Reference, error) {
	return s.partnerReference(ctx, s.r, number)
}

func (s *DB) partnerReference(ctx context.Context, q querier, number string) (*cases.Reference, error) {
	if _, _, err := cases.ParseReference(number); err != nil {
		return nil, err
	}
	r := cases.Reference{Number: number}
	var cat string
	var withdrawn int
	var published int64
	err := q.QueryRowContext(ctx, `SELECT owner_agency, category, withdrawn, published FROM refs WHERE number = ? AND owner_agency != ?`, number, s.DeskAgency()).
		Scan(&r.OwnerAgency, &cat, &withdrawn, &published)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, cases.Errorf(cases.ENOTFOUND, "there is no partner reference %s on this desk: the partner has not shared it", number)
	}
	if err != nil {
		return nil, storageErr(err, "cannot read reference %s", number)
	}
	r.Category, r.Withdrawn, r.Published = cases.Category(cat), withdrawn == 1, fromMS(published)
	rows, err := q.QueryContext(ctx, `SELECT position, format, template FROM ref_fingerprints WHERE number = ? ORDER BY position`, number)
	if err != nil {
		return nil, storageErr(err, "cannot read reference %s", number)
	}
	defer rows.Close()
	for rows.Next() {
		var f cases.Fingerprint
		if err := rows.Scan(&f.Position, &f.Format, &f.Template); err != nil {
			return nil, storageErr(err, "cannot read reference %s", number)
		}
		r.Fingerprints = append(r.Fingerprints, f)
	}
	return &r, storageErr(rows.Err(), "cannot read reference %s", number)
}

// EachReferenceFingerprints calls fn with every partner reference that is
// shared and has prints, for the 1:N gallery.
func (s *ExchangeService) EachReferenceFingerprints(ctx context.Context, fn func(number string, prints []cases.Fingerprint) error) error {
	return s.eachPrints(ctx, fn, "the partner's references", `SELECT f.number, f.position, f.format, f.template FROM ref_fingerprints f JOIN refs r ON r.number = f.number
		WHERE r.withdrawn = 0 AND r.owner_agency != ? ORDER BY f.number, f.position`, s.DeskAgency())
}

// CaseReferences returns the partner references of the subjects a case
// names that this desk knows only by reference (without their prints): a
// shared case names the partner's subjects by reference.
func (s *ExchangeService) CaseReferences(ctx context.Context, caseID string) ([]cases.Reference, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT r.number, r.owner_agency, r.category, r.withdrawn FROM case_subjects cs
		JOIN refs r ON r.number = r.owner_agency || '`+cases.ReferenceMark+`' || cs.subject_id
		WHERE cs.case_id = ? AND r.owner_agency != ? ORDER BY r.number`, caseID, s.DeskAgency())
	if err != nil {
		return nil, storageErr(err, "cannot read the references of case %s", caseID)
	}
	defer rows.Close()
	var out []cases.Reference
	for rows.Next() {
		var r cases.Reference
		var cat string
		var withdrawn int
		if err := rows.Scan(&r.Number, &r.OwnerAgency, &cat, &withdrawn); err != nil {
			return nil, storageErr(err, "cannot read the references of case %s", caseID)
		}
		r.Category, r.Withdrawn = cases.Category(cat), withdrawn == 1
		out = append(out, r)
	}
	return out, storageErr(rows.Err(), "cannot read the references of case %s", caseID)
}

// RequestCoreData sends the owner of a partner reference a core-data
// request for a case of this desk's agency.
func (s *ExchangeService) RequestCoreData(ctx context.Context, actor cases.Officer, reference, caseID string, purpose cases.Purpose, purposeText, reason string) (*cases.FollowUp, error) {
	if err := worker(actor, "request data"); err != nil {
		return nil, err
	}
	owner, _, err := cases.ParseReference(reference)
	if err != nil {
		return nil, err
	}
	if owner == actor.Agency {
		return nil, cases.Errorf(cases.EINVALID, "reference %s is %s's own: open the subject instead of asking for it", reference, owner)
	}
	if err := cases.ValidatePurpose(purpose, purposeText); err != nil {
		return nil, err
	}
	pol := s.Agreement()
	if !pol.Allows(purpose) {
		return nil, cases.Errorf(cases.EFORBIDDEN, "purpose %q is not allowed by the agreement", purpose)
	}
	if strings.TrimSpace(reason) == "" {
		return nil, cases.Errorf(cases.EINVALID, "a core-data request says why the data is needed (--reason)")
	}
	var id string
	err = s.write(ctx, func(tx *sql.Tx) error {
		ref, err := s.partnerReference(ctx, tx, reference)
		if err != nil {
			return err
		}
		if ref.Withdrawn {
			return cases.Errorf(cases.EINVALID, "reference %s is no longer shared: %s withdrew it", reference, ref.OwnerAgency)
		}
		c, err := s.caseIn(ctx, tx, caseID)
		if err != nil {
			return err
		}
		if c.OwnerAgency != actor.Agency && !slices.Contains(c.SharedWith, actor.Agency) {
			return cases.Errorf(cases.EFORBIDDEN, "case %s is not shared with %s", caseID, actor.Agency)
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM followups WHERE reference = ? AND case_id = ? AND requesting_agency = ? AND status = 'pending'`,
			reference, caseID, actor.Agency).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return cases.Errorf(cases.ECONFLICT, "%s already asked for reference %s on case %s; the request is pending", actor.Agency, reference, caseID)
		}
		id = s.ids.New()
		req := cases.FollowUpRequest{ID: id, Reference: reference, RequestingAgency: actor.Agency, CaseID: caseID, Purpose: purpose, PurposeText: purposeText, Reason: reason}
		ev, err := s.newEvent(actor, cases.EventFollowUpRequested, "", []string{owner}, req)
		if err != nil {
			return err
		}
		if err := s.record(ctx, tx, ev, "local"); err != nil {
			return err
		}
		return s.logQuery(ctx, tx, &cases.QueryLogEntry{OfficerID: actor.ID, Agency: actor.Agency, Kind: "request",
			Query: fmt.Sprintf("core-data request %s to %s for reference %s (case %s): %s", id, owner, reference, caseID, reason), Purpose: purpose, PurposeText: purposeText})
	})
	if err != nil {
		return nil, storageErr(err, "cannot send the request")
	}
	return s.FollowUp(ctx, id)
}

const followUpColumns = `id, reference, owner_agency, requesting_agency, requested_by, case_id, purpose, purpose_text, reason, made, received, status, answered, answered_by, decline_reason, disclosure_id`

func (s *DB) scanFollowUp(row interface{ Scan(...any) error }) (cases.FollowUp, error) {
	var f cases.FollowUp
	var purpose string
	var made, received, answered int64
	if err := row.Scan(&f.ID, &f.Reference, &f.OwnerAgency, &f.RequestingAgency, &f.RequestedBy, &f.CaseID, &purpose, &f.PurposeText, &f.Reason,
		&made, &received, &f.Status, &answered, &f.AnsweredBy, &f.DeclineReason, &f.DisclosureID); err != nil {
		return f, err
	}
	f.Purpose = cases.Purpose(purpose)
	f.Made, f.Received, f.Answered = fromMS(made), fromMS(received), fromMS(answered)
	if received != 0 {
		f.Due = f.Received.Add(s.Agreement().Deadline())
	}
	f.Incoming = f.OwnerAgency == s.DeskAgency()
	return f, nil
}

// FollowUp returns one request.
func (s *ExchangeService) FollowUp(ctx context.Context, id string) (*cases.FollowUp, error) {
	f, err := s.scanFollowUp(s.r.QueryRowContext(ctx, `SELECT `+followUpColumns+` FROM followups WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, cases.Errorf(cases.ENOTFOUND, "there is no request %s", id)
	}
	return &f, storageErr(err, "cannot read request %s", id)
}

// FollowUps lists requests addressed to this desk's agency (incoming), made
// by it (outgoing), or both; soonest due first, those whose receipt the hub
// has not confirmed yet last.
func (s *ExchangeService) FollowUps(ctx context.Context, incoming, outgoing bool) ([]cases.FollowUp, error) {
	if !incoming && !outgoing {
		incoming, outgoing = true, true
	}
	agency := s.DeskAgency()
	rows, err := s.r.QueryContext(ctx, `SELECT `+followUpColumns+` FROM followups
		WHERE (? AND owner_agency = ?) OR (? AND requesting_agency = ?) OR ? = ''
		ORDER BY received = 0, received, made, id`, incoming, agency, outgoing, agency, agency)
	if err != nil {
		return nil, storageErr(err, "cannot list the requests")
	}
	defer rows.Close()
	var out []cases.FollowUp
	for rows.Next() {
		f, err := s.scanFollowUp(rows)
		if err != nil {
			return nil, storageErr(err, "cannot list the requests")
		}
		out = append(out, f)
	}
	return out, storageErr(rows.Err(), "cannot list the requests")
}

// incomingRequest reads a request for its owner to answer: addressed to the
// actor's agency and still pending.
func (s *DB) incomingRequest(ctx context.Context, tx *sql.Tx, actor cases.Officer, id string) (cases.FollowUp, error) {
	f, err := s.scanFollowUp(tx.QueryRowContext(ctx, `SELECT `+followUpColumns+` FROM followups WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return f, cases.Errorf(cases.ENOTFOUND, "there is no request %s", id)
	}
	if err != nil {
		return f, err
	}
	if f.OwnerAgency != actor.Agency {
		return f, cases.Errorf(cases.EFORBIDDEN, "request %s is addressed to %s: only %s answers it, not %s", id, f.OwnerAgency, f.OwnerAgency, actor.ID)
	}
	if f.Status != cases.FollowUpPending {
		return f, cases.Errorf(cases.ECONFLICT, "request %s is already %s", id, f.Status)
	}
	return f, nil
}

// ApproveFollowUp answers a request by disclosing the subject's core data
// (the agreement's core fields, or fewer) to the requesting agency, signed
// by actor. A request past its deadline is still answered, and shows late.
func (s *ExchangeService) ApproveFollowUp(ctx context.Context, actor cases.Officer, id string, fields []cases.CoreField) (*cases.DisclosureRecord, error) {
	fields, err := s.disclosable(actor, fields)
	if err != nil {
		return nil, err
	}
	var rec *cases.DisclosureRecord
	err = s.write(ctx, func(tx *sql.Tx) error {
		f, err := s.incomingRequest(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		r, err := s.disclose(ctx, tx, actor, f.Reference, f.RequestingAgency, id, fields, f.Purpose, f.PurposeText)
		rec = r
		return err
	})
	return rec, storageErr(err, "cannot approve request %s", id)
}

// disclosable checks that actor may disclose and that fields are core data
// under the agreement; no fields means all of core data.
func (s *DB) disclosable(actor cases.Officer, fields []cases.CoreField) ([]cases.CoreField, error) {
	if err := worker(actor, "disclose data"); err != nil {
		return nil, err
	}
	pol := s.Agreement()
	if len(fields) == 0 {
		fields = pol.CoreFields
	}
	return fields, pol.CheckFields(fields)
}

// disclose records a disclosure of the subject behind reference to agency
// to, and its trace in the query log.
func (s *DB) disclose(ctx context.Context, tx *sql.Tx, actor cases.Officer, reference, to, requestID string, fields []cases.CoreField, purpose cases.Purpose, purposeText string) (*cases.DisclosureRecord, error) {
	owner, subjectID, err := cases.ParseReference(reference)
	if err != nil {
		return nil, err
	}
	if owner != actor.Agency {
		return nil, cases.Errorf(cases.EFORBIDDEN, "reference %s belongs to %s: %s cannot disclose it", reference, owner, actor.Agency)
	}
	subs, err := (&SubjectService{s}).subjects(ctx, `WHERE s.id = ?`, subjectID)
	if err != nil {
		return nil, err
	}
	if len(subs) == 0 || subs[0].OwnerAgency != actor.Agency {
		return nil, cases.Errorf(cases.ENOTFOUND, "%s holds no subject behind reference %s", actor.Agency, reference)
	}
	sub := &subs[0]
	if !s.Agreement().InScope(sub.Category) {
		return nil, cases.Errorf(cases.EFORBIDDEN, "the subject behind %s is no longer in the agreement's scope (%s): nothing is disclosed", reference, sub.Category)
	}
	d := cases.Disclosure{ID: s.ids.New(), RequestID: requestID, Reference: reference, To: to, Category: sub.Category, Fields: fields, Data: cases.CoreDataOf(sub, fields)}
	ev, err := s.newEvent(actor, cases.EventDisclosureMade, "", []string{to}, d)
	if err != nil {
		return nil, err
	}
	if err := s.record(ctx, tx, ev, "local"); err != nil {
		return nil, err
	}
	under := "spontaneously"
	if requestID != "" {
		under = "under request " + requestID
	}
	if err := s.logQuery(ctx, tx, &cases.QueryLogEntry{OfficerID: actor.ID, Agency: actor.Agency, Kind: "disclosure",
		Query: fmt.Sprintf("disclosed %s of reference %s to %s %s", joinFields(fields), reference, to, under), Purpose: purpose, PurposeText: purposeText, Results: 1}); err != nil {
		return nil, err
	}
	return &cases.DisclosureRecord{Disclosure: d, OwnerAgency: actor.Agency, DisclosedBy: actor.ID, At: ev.HLC.Time(), Outgoing: true}, nil
}

// DeclineFollowUp answers a request with a refusal and its reason.
func (s *ExchangeService) DeclineFollowUp(ctx context.Context, actor cases.Officer, id, reason string) (*cases.FollowUp, error) {
	if err := worker(actor, "answer requests"); err != nil {
		return nil, err
	}
	if strings.TrimSpace(reason) == "" {
		return nil, cases.Errorf(cases.EINVALID, "a decline gives its reason (--reason)")
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		f, err := s.incomingRequest(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		ev, err := s.newEvent(actor, cases.EventFollowUpDeclined, "", []string{f.RequestingAgency},
			cases.FollowUpDecline{RequestID: id, Reference: f.Reference, RequestingAgency: f.RequestingAgency, Reason: reason})
		if err != nil {
			return err
		}
		if err := s.record(ctx, tx, ev, "local"); err != nil {
			return err
		}
		return s.logQuery(ctx, tx, &cases.QueryLogEntry{OfficerID: actor.ID, Agency: actor.Agency, Kind: "decline",
			Query: fmt.Sprintf("declined request %s from %s for reference %s: %s", id, f.RequestingAgency, f.Reference, reason), Purpose: f.Purpose, PurposeText: f.PurposeText})
	})
	if err != nil {
		return nil, storageErr(err, "cannot decline request %s", id)
	}
	return s.FollowUp(ctx, id)
}

// DiscloseSpontaneously discloses an own subject's core data to a partner
// without a request, which the agreement allows for some categories only
// (terrorism suspects).
func (s *ExchangeService) DiscloseSpontaneously(ctx context.Context, actor cases.Officer, subjectID, to string, fields []cases.CoreField) (*cases.DisclosureRecord, error) {
	fields, err := s.disclosable(actor, fields)
	if err != nil {
		return nil, err
	}
	pol := s.Agreement()
	if !slices.Contains(pol.Partners(actor.Agency), to) {
		return nil, cases.Errorf(cases.EINVALID, "%s is not a partner under the agreement (%s)", to, strings.Join(pol.Partners(actor.Agency), ", "))
	}
	sub, err := (&SubjectService{s.DB}).Subject(ctx, subjectID)
	if err != nil {
		return nil, err
	}
	if !pol.Spontaneous(sub.Category) {
		return nil, cases.Errorf(cases.EFORBIDDEN, "the agreement allows spontaneous disclosure only for %v subjects; this one is %s: wait for a request",
			pol.SpontaneousCategories, sub.Category)
	}
	var rec *cases.DisclosureRecord
	err = s.write(ctx, func(tx *sql.Tx) error {
		r, err := s.disclose(ctx, tx, actor, cases.ReferenceNumber(sub.OwnerAgency, sub.ID), to, "", fields, cases.PurposeInvestigation, "")
		rec = r
		return err
	})
	return rec, storageErr(err, "cannot disclose subject %s", subjectID)
}

// Disclosures lists every disclosure this desk holds: those its agency made
// (outgoing) and those made to it. Newest first.
func (s *ExchangeService) Disclosures(ctx context.Context) ([]cases.DisclosureRecord, error) {
	return s.disclosures(ctx, ``)
}

func (s *DB) disclosures(ctx context.Context, where string, args ...any) ([]cases.DisclosureRecord, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, request_id, reference, owner_agency, to_agency, category, fields, data, disclosed_by, at FROM disclosures `+where+` ORDER BY at DESC, id DESC`, args...)
	if err != nil {
		return nil, storageErr(err, "cannot read the disclosures")
	}
	defer rows.Close()
	var out []cases.DisclosureRecord
	for rows.Next() {
		var d cases.DisclosureRecord
		var cat, fields, data string
		var at int64
		if err := rows.Scan(&d.ID, &d.RequestID, &d.Reference, &d.OwnerAgency, &d.To, &cat, &fields, &data, &d.DisclosedBy, &at); err != nil {
			return nil, storageErr(err, "cannot read the disclosures")
		}
		d.Category, d.At = cases.Category(cat), fromMS(at)
		for _, f := range splitList(fields) {
			d.Fields = append(d.Fields, cases.CoreField(f))
		}
		if err := json.Unmarshal([]byte(data), &d.Data); err != nil {
			return nil, cases.Errorf(cases.ESTORAGE, "disclosure %s: the data stored is damaged", d.ID)
		}
		d.Outgoing = d.OwnerAgency == s.DeskAgency()
		out = append(out, d)
	}
	return out, storageErr(rows.Err(), "cannot read the disclosures")
}

// ViewReference shows what this desk may see of a subject ID or a reference
// number, and logs the view: an own subject in full (with what was disclosed
// of it), a partner reference with what the partner disclosed to this
// agency and nothing else.
func (s *ExchangeService) ViewReference(ctx context.Context, actor cases.Officer, idOrReference string, purpose cases.Purpose, purposeText string) (*cases.SubjectView, error) {
	if err := cases.ValidatePurpose(purpose, purposeText); err != nil {
		return nil, err
	}
	subjectID := idOrReference
	if cases.IsReferenceNumber(idOrReference) {
		owner, id, _ := cases.ParseReference(idOrReference)
		if owner != actor.Agency {
			ref, err := s.PartnerReference(ctx, idOrReference)
			if err != nil {
				return nil, err
			}
			v := &cases.SubjectView{Reference: ref}
			if v.Disclosures, err = s.disclosures(ctx, `WHERE reference = ? AND to_agency = ?`, idOrReference, actor.Agency); err != nil {
				return nil, err
			}
			err = (&AuditService{s.DB}).LogQuery(ctx, cases.QueryLogEntry{OfficerID: actor.ID, Agency: actor.Agency, Kind: "view",
				Query: fmt.Sprintf("reference %s (%d disclosures)", idOrReference, len(v.Disclosures)), Purpose: purpose, PurposeText: purposeText, Results: 1})
			return v, err
		}
		subjectID = id
	}
	sub, err := (&SubjectService{s.DB}).ViewSubject(ctx, actor, subjectID, purpose, purposeText)
	if err != nil {
		return nil, err
	}
	v := &cases.SubjectView{Subject: sub}
	v.Disclosures, err = s.disclosures(ctx, `WHERE reference = ?`, cases.ReferenceNumber(sub.OwnerAgency, sub.ID))
	return v, err
}
