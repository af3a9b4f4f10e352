package ui

import (
	"context"
	"reflect"
	"strings"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/internal/cell"
)

// Everything the workstation reads from the store is untrusted text: a
// partner's subject, a note, a query typed at another desk can carry terminal
// escape sequences (set the title, clear the screen, write the clipboard).
// The screens read through these wrappers, which show every control
// character as a symbol (cell.Text) before anything is drawn: nothing from
// the data reaches the terminal as a control. Long free text (notes,
// justifications) keeps its line breaks; every other field is one line.

// multiline names the fields whose line breaks are the writer's own.
var multiline = map[string]bool{"Text": true, "Justification": true, "Notes": true}

// scrub makes every string reachable from v safe to draw, in place.
func scrub(v reflect.Value, keepLines bool) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			scrub(v.Elem(), keepLines)
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < v.NumField(); i++ {
			if f := v.Field(i); f.CanSet() || f.Kind() != reflect.String {
				scrub(f, multiline[t.Field(i).Name])
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			return // bytes (templates, payloads) are not drawn
		}
		for i := 0; i < v.Len(); i++ {
			scrub(v.Index(i), keepLines)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			scrub(e, keepLines)
			v.SetMapIndex(k, e)
		}
	case reflect.String:
		if v.CanSet() {
			v.SetString(safeText(v.String(), keepLines))
		}
	}
}

// safeText is s with its control characters shown as symbols; with
// keepLines, its line breaks stay.
func safeText(s string, keepLines bool) string {
	if !keepLines {
		return cell.Text(s)
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = cell.Text(l)
	}
	return strings.Join(lines, "\n")
}

// clean scrubs what a read returned and passes its error on.
func clean[T any](v T, err error) (T, error) {
	if err == nil {
		scrub(reflect.ValueOf(&v), false)
	}
	return v, err
}

// untrustedStore is the store as the screens read it.
type untrustedStore struct{ cases.Store }

func (s untrustedStore) Cases(ctx context.Context, f cases.CaseFilter) ([]cases.CaseSummary, error) {
	return clean(s.Store.Cases(ctx, f))
}
func (s untrustedStore) Case(ctx context.Context, id string) (*cases.Case, error) {
	return clean(s.Store.Case(ctx, id))
}
func (s untrustedStore) Annotations(ctx context.Context, caseID string) ([]cases.Annotation, error) {
	return clean(s.Store.Annotations(ctx, caseID))
}
func (s untrustedStore) Subject(ctx context.Context, id string) (*cases.Subject, error) {
	return clean(s.Store.Subject(ctx, id))
}
func (s untrustedStore) CaseSubjects(ctx context.Context, caseID string) ([]cases.Subject, error) {
	return clean(s.Store.CaseSubjects(ctx, caseID))
}
func (s untrustedStore) SubjectCases(ctx context.Context, subjectID string) ([]cases.CaseSummary, error) {
	return clean(s.Store.SubjectCases(ctx, subjectID))
}
func (s untrustedStore) ViewSubject(ctx context.Context, actor cases.Officer, id string, p cases.Purpose, text string) (*cases.Subject, error) {
	return clean(s.Store.ViewSubject(ctx, actor, id, p, text))
}
func (s untrustedStore) Agencies(ctx context.Context) ([]cases.Agency, error) {
	return clean(s.Store.Agencies(ctx))
}
func (s untrustedStore) Officers(ctx context.Context) ([]cases.Officer, error) {
	return clean(s.Store.Officers(ctx))
}
func (s untrustedStore) Officer(ctx context.Context, id string) (*cases.Officer, error) {
	return clean(s.Store.Officer(ctx, id))
}
func (s untrustedStore) SearchSubjects(ctx context.Context, actor cases.Officer, q cases.SubjectQuery) (*cases.SearchResult, error) {
	return clean(s.Store.SearchSubjects(ctx, actor, q))
}
func (s untrustedStore) Examination(ctx context.Context, caseID string) (cases.Examination, error) {
	return clean(s.Store.Examination(ctx, caseID))
}

// untrustedPrints is the fingerprint service as the screens read it.
type untrustedPrints struct{ cases.IdentificationService }

func (s untrustedPrints) Encounters(ctx context.Context) ([]cases.EncounterSummary, error) {
	return clean(s.IdentificationService.Encounters(ctx))
}
func (s untrustedPrints) Encounter(ctx context.Context, id string) (*cases.Encounter, error) {
	return clean(s.IdentificationService.Encounter(ctx, id))
}
func (s untrustedPrints) Identify(ctx context.Context, actor cases.Officer, encounterID string, p cases.Purpose, text string, topN int) (*cases.IdentificationResult, error) {
	return clean(s.IdentificationService.Identify(ctx, actor, encounterID, p, text, topN))
}
func (s untrustedPrints) Import(ctx context.Context, actor cases.Officer, paths []string, opts cases.ImportOptions) (*cases.ImportResult, error) {
	return clean(s.IdentificationService.Import(ctx, actor, paths, opts))
}

// untrustedLog is the query log as the screens read it, scrubbed.
type untrustedLog struct{ log QueryLog }

func (l untrustedLog) QueryLogOf(ctx context.Context, agency string, limit int) ([]cases.QueryLogEntry, error) {
	return clean(l.log.QueryLogOf(ctx, agency, limit))
}

// untrustedExchange is the agreement's exchange as the screens read it: a
// partner's request reason, decline reason or reference reaches the terminal
// scrubbed like the store's data.
type untrustedExchange struct{ cases.ExchangeService }

func (x untrustedExchange) PartnerReference(ctx context.Context, number string) (*cases.Reference, error) {
	return clean(x.ExchangeService.PartnerReference(ctx, number))
}
func (x untrustedExchange) FollowUps(ctx context.Context, incoming, outgoing bool) ([]cases.FollowUp, error) {
	return clean(x.ExchangeService.FollowUps(ctx, incoming, outgoing))
}
func (x untrustedExchange) FollowUp(ctx context.Context, id string) (*cases.FollowUp, error) {
	return clean(x.ExchangeService.FollowUp(ctx, id))
}
func (x untrustedExchange) Disclosures(ctx context.Context) ([]cases.DisclosureRecord, error) {
	return clean(x.ExchangeService.Disclosures(ctx))
}
func (x untrustedExchange) ViewReference(ctx context.Context, actor cases.Officer, idOrReference string, purpose cases.Purpose, purposeText string) (*cases.SubjectView, error) {
	return clean(x.ExchangeService.ViewReference(ctx, actor, idOrReference, purpose, purposeText))
}
func (x untrustedExchange) CaseReferences(ctx context.Context, caseID string) ([]cases.Reference, error) {
	return clean(x.ExchangeService.CaseReferences(ctx, caseID))
}
