package afis

import (
	"context"
	"fmt"
	"strings"

	"github.com/enlace-desk/enlace/biometric"
	"github.com/enlace-desk/enlace/cases"
)

// Import reads interchange files into the store: an ANSI/NIST-ITL transaction
// (Type-2 biographics, Type-9 minutiae per finger) or one or more minutiae
// templates become a new encounter, or, with opts.AsSubject, a new subject of
// the officer's agency. Every template is stored as ISO/IEC 19794-2; the files'
// names and SHA-256 digests are recorded. A file that does not read is refused
// with the reader's error, naming the file, and nothing is stored.
//
// A template whose file does not say which finger it holds (position 0) goes
// on an encounter as it is, or takes opts.Finger; a subject's record needs
// the finger, so without opts.Finger the import is refused with a
// *cases.FingerUnknownError naming the files. opts.Finger names one
// template's finger: several without a position are refused.
func (d *Desk) Import(ctx context.Context, actor cases.Officer, paths []string, opts cases.ImportOptions) (*cases.ImportResult, error) {
	if len(paths) == 0 {
		return nil, cases.Errorf(cases.EINVALID, "name at least one file to import")
	}
	if opts.Finger < 0 || opts.Finger > cases.MaxFinger {
		return nil, cases.Errorf(cases.EINVALID, "finger %d: a finger position is 1–10 (1 right thumb … 5 right little, 6 left thumb … 10 left little)", opts.Finger)
	}
	res := &cases.ImportResult{}
	var desc *biometric.Descriptive
	type template struct {
		file string
		t    biometric.Template
	}
	var read []template
	for _, path := range paths {
		data, err := readFile(path)
		if err != nil {
			return nil, err
		}
		file := cases.ImportedFile{Name: base(path), SHA256: sha(data)}
		var templates []biometric.Template
		if isTransaction(data) {
			tx, err := biometric.ReadTransaction(data)
			if err != nil {
				return nil, cases.Wrap(cases.EINVALID, err, "%s is not a valid ANSI/NIST-ITL transaction", base(path))
			}
			file.Format = "ANSI/NIST-ITL"
			for _, w := range tx.Warnings {
				res.Warnings = append(res.Warnings, fmt.Sprintf("%s: %v", base(path), w))
			}
			if ds := tx.Descriptives(); len(ds) > 0 && desc == nil {
				desc = &ds[0]
			}
			mins, err := tx.Minutiae()
			if err != nil {
				return nil, cases.Wrap(cases.EINVALID, err, "%s: its minutiae cannot be read", base(path))
			}
			for _, fm := range mins {
				if fm.Note != "" {
					res.Warnings = append(res.Warnings, fmt.Sprintf("%s, record %d: %s", base(path), fm.Record, fm.Note))
				}
				templates = append(templates, fm.Template)
			}
		} else {
			rec, err := biometric.ReadTemplate(data)
			if err != nil {
				return nil, cases.Wrap(cases.EINVALID, err, "%s is neither an ANSI/NIST-ITL transaction nor a minutiae template", base(path))
			}
			file.Format = string(rec.Format)
			for _, w := range rec.Warnings {
				res.Warnings = append(res.Warnings, fmt.Sprintf("%s: %v", base(path), w))
			}
			templates = rec.Views
		}
		if len(templates) == 0 {
			res.Warnings = append(res.Warnings, base(path)+": no minutiae in this file")
		}
		for _, t := range templates {
			read = append(read, template{base(path), t})
		}
		res.Files = append(res.Files, file)
	}
	// The templates whose files do not say which finger they hold.
	var unknown []int
	var unknownFiles []string
	for i, r := range read {
		if r.t.FingerPosition == 0 {
			unknown = append(unknown, i)
			unknownFiles = append(unknownFiles, r.file)
		}
	}
	named := "" // the officer's word for a finger, recorded with the import
	switch {
	case opts.Finger != 0 && len(unknown) == 0:
		res.Warnings = append(res.Warnings, fmt.Sprintf("finger %d (%s) was named for a template without a finger position, but every template names its own: it is not used", opts.Finger, biometric.FingerName(opts.Finger)))
	case opts.Finger != 0 && len(unknown) > 1:
		return nil, cases.Errorf(cases.EINVALID, "a finger (%d, %s) was named for the template without a position, but %d templates have none (%s): import each on its own to name its finger", opts.Finger, biometric.FingerName(opts.Finger), len(unknown), strings.Join(unknownFiles, ", "))
	case opts.Finger != 0:
		read[unknown[0]].t.FingerPosition = opts.Finger
		named = fmt.Sprintf("the finger of %s (not in the file) named by %s: %d, %s", read[unknown[0]].file, actor.ID, opts.Finger, biometric.FingerName(opts.Finger))
		res.Warnings = append(res.Warnings, fmt.Sprintf("%s: the file gives no finger position; recorded as finger %d (%s), as named", read[unknown[0]].file, opts.Finger, biometric.FingerName(opts.Finger)))
	case opts.AsSubject && len(unknown) > 0:
		fe := &cases.FingerUnknownError{Files: unknownFiles}
		return nil, &cases.Error{Code: cases.EINVALID, Err: fe,
			Message: fe.Error() + ", and a subject's record needs it: name the finger (1–10), or import it as an encounter"}
	}
	var prints []cases.Fingerprint
	taken := map[int]string{}
	for _, r := range read {
		t := r.t
		if prev, dup := taken[t.FingerPosition]; dup && t.FingerPosition != 0 {
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s: finger %d already came from %s; this impression is skipped", r.file, t.FingerPosition, prev))
			continue
		}
		if opts.AsSubject && (t.FingerPosition < 1 || t.FingerPosition > cases.MaxFinger) {
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s: finger position %d (%s) is not one finger (1–10), which a subject's record needs: import it as an encounter; skipped", r.file, t.FingerPosition, biometric.FingerName(t.FingerPosition)))
			continue
		}
		f, err := Encode(t)
		if err != nil {
			return nil, cases.Wrap(cases.EINVALID, err, "%s: finger %d cannot be stored", r.file, t.FingerPosition)
		}
		taken[t.FingerPosition] = r.file
		prints = append(prints, f)
	}
	if len(prints) == 0 {
		if len(res.Warnings) > 0 {
			// Say why each was left out.
			return nil, cases.Errorf(cases.EINVALID, "nothing to import: %s", strings.Join(res.Warnings, "; "))
		}
		return nil, cases.Errorf(cases.EINVALID, "the files hold no fingerprint minutiae to import")
	}
	res.Fingers = len(prints)
	var names, digests []string
	for _, f := range res.Files {
		names, digests = append(names, f.Name), append(digests, f.SHA256)
	}
	if named != "" {
		named = "; " + named
	}
	if opts.AsSubject {
		sub := subjectFrom(desc, actor)
		sub.Fingerprints = prints
		sub.LegalStatus = strings.TrimSpace(sub.LegalStatus + " Imported from " + join(names) + " (SHA-256 " + join(digests) + ")" + named)
		if err := d.st.SaveSubject(ctx, actor, sub); err != nil {
			return nil, err
		}
		res.SubjectID = sub.ID
		return res, nil
	}
	notes := "Imported from " + join(names) + named + "."
	if desc != nil {
		notes += fmt.Sprintf(" Type-2: name %q, born %s, sex %s, place of birth %s.", desc.Name, orDash(desc.DateOfBirth), orDash(desc.Sex), orDash(desc.PlaceOfBirth))
	}
	enc := &cases.Encounter{Place: "Imported file", Notes: notes, Fingerprints: prints, SourceFile: join(names), SourceSHA256: join(digests)}
	if desc != nil {
		enc.Claimed = subjectFrom(desc, actor).Biographics()
	}
	if err := d.st.CreateEncounter(ctx, actor, enc); err != nil {
		return nil, err
	}
	res.EncounterID = enc.ID
	return res, nil
}

// isTransaction tells an ANSI/NIST-ITL transaction ("1.001:" or "1.01:") from
// a binary minutiae template.
func isTransaction(b []byte) bool {
	return len(b) >= 5 && b[0] == '1' && b[1] == '.' && b[2] >= '0' && b[2] <= '9'
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// subjectFrom builds a subject from a Type-2 description ("SURNAME, GIVEN
// MIDDLE"; a Hispanic record may hold both surnames before the comma).
func subjectFrom(desc *biometric.Descriptive, actor cases.Officer) *cases.Subject {
	sub := &cases.Subject{OwnerAgency: actor.Agency, Category: cases.CategoryOther, Sex: cases.SexUnknown}
	if desc == nil {
		sub.Name = cases.Name{Paternal: "Unknown"}
		return sub
	}
	surnames, given, _ := strings.Cut(desc.Name, ",")
	parts := strings.Fields(titleCase(surnames))
	if len(parts) > 0 {
		sub.Name.Paternal = parts[0]
	}
	if len(parts) > 1 {
		sub.Name.Maternal = strings.Join(parts[1:], " ")
	}
	sub.Name.Given = strings.Fields(titleCase(given))
	if sub.Name.Paternal == "" && len(sub.Name.Given) == 0 {
		sub.Name.Paternal = "Unknown"
	}
	for _, a := range desc.Aliases {
		sub.Aliases = append(sub.Aliases, cases.Alias{Name: titleCase(strings.ReplaceAll(a, ",", " "))})
	}
	if dob := desc.DateOfBirth; len(dob) == 8 {
		if d, err := cases.ParsePartialDate(dob[:4] + "-" + dob[4:6] + "-" + dob[6:]); err == nil {
			sub.DOB = d
		}
	}
	switch strings.ToUpper(desc.Sex) {
	case "M":
		sub.Sex = cases.SexMale
	case "F":
		sub.Sex = cases.SexFemale
	}
	for _, c := range desc.Citizenship {
		if len(c) == 3 {
			sub.Nationalities = append(sub.Nationalities, strings.ToUpper(c))
		}
	}
	return sub
}

func titleCase(s string) string {
	words := strings.Fields(strings.ToLower(s))
	for i, w := range words {
		r := []rune(w)
		r[0] = []rune(strings.ToUpper(string(r[0])))[0]
		words[i] = string(r)
	}
	return strings.Join(words, " ")
}

// Export writes a subject's fingerprints and description as an ANSI/NIST-ITL
// transaction (Types 1, 2 and 9, INCITS 378 minutiae), for a partner agency.
// Personal data leaves the desk: auditors cannot export, and every export is
// logged (kind "export": the subject, the receiving agency, the purpose)
// before the transaction is handed over.
func (d *Desk) Export(ctx context.Context, actor cases.Officer, subjectID, destination string, purpose cases.Purpose, purposeText string) ([]byte, error) {
	if !actor.Has(cases.RoleOfficer) && !actor.Has(cases.RoleSupervisor) {
		return nil, cases.Errorf(cases.EFORBIDDEN, "%s is an auditor: auditors read the logs, they do not export personal data", actor.ID)
	}
	if err := cases.ValidatePurpose(purpose, purposeText); err != nil {
		return nil, err
	}
	if strings.TrimSpace(destination) == "" {
		return nil, cases.Errorf(cases.EINVALID, "an export needs the receiving agency")
	}
	sub, err := d.st.Subject(ctx, subjectID)
	if err != nil {
		return nil, err
	}
	var fingers []biometric.Template
	for _, f := range sub.Fingerprints {
		t, err := Decode(f)
		if err != nil {
			return nil, cases.Wrap(cases.EINVALID, err, "finger %d of subject %s cannot be read", f.Position, subjectID)
		}
		fingers = append(fingers, *t)
	}
	if len(fingers) == 0 {
		return nil, cases.Errorf(cases.EINVALID, "subject %s has no fingerprints to export", subjectID)
	}
	now := d.clock.Now()
	surnames := strings.TrimSpace(sub.Name.Paternal + " " + sub.Name.Maternal)
	desc := biometric.Descriptive{
		Name:        strings.ToUpper(strings.TrimSpace(surnames + "," + strings.Join(sub.Name.Given, " "))),
		Sex:         string(sub.Sex),
		Citizenship: sub.Nationalities,
	}
	if sub.DOB.Day != 0 {
		desc.DateOfBirth = fmt.Sprintf("%04d%02d%02d", sub.DOB.Year, sub.DOB.Month, sub.DOB.Day)
	}
	for _, a := range sub.Aliases {
		desc.Aliases = append(desc.Aliases, strings.ToUpper(a.Name))
	}
	tx, err := biometric.BuildTransaction(biometric.Export{
		Info: biometric.TransactionInfo{TransactionType: "FANC", Date: now.Format("20060102"), Priority: "4",
			Destination: destination, Originating: actor.Agency, ControlNumber: strings.ReplaceAll(subjectID, "-", "")[:20]},
		Subject: desc,
		Fingers: fingers,
		INCITS:  true,
	})
	if err != nil {
		return nil, cases.Wrap(cases.EINVALID, err, "cannot build the transaction for subject %s", subjectID)
	}
	out, err := biometric.WriteTransaction(tx)
	if err != nil {
		return nil, err
	}
	entry := cases.QueryLogEntry{OfficerID: actor.ID, Agency: actor.Agency, Kind: "export",
		Query:   fmt.Sprintf("subject %s (%s), %d fingers, to %s", sub.ID, sub.Name.Display(), len(fingers), destination),
		Purpose: purpose, PurposeText: purposeText, Results: 1}
	if err := d.st.LogQuery(ctx, entry); err != nil {
		return nil, err
	}
	return out, nil
}
