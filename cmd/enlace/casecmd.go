package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/internal/cell"
	"github.com/enlace-desk/enlace/store"
	"github.com/spf13/cobra"
)

// The case tools act through the same store services as the workstation: the
// same roles, the same state machine, the same events.

func init() {
	register("case", newCaseCmd)
	register("subject", newSubjectCmd)
	register("encounters", newEncountersCmd)
}

func newCaseCmd() *cobra.Command {
	return groupCmd("case", "List, show and work cases (as the workstation does, with the same rules)",
		`  enlace case list --mine --json
  enlace case show EC-PN-2026-110004
  enlace case assign EC-PN-2026-110004 ec.jcedeno --as ec.lzambrano`,
		newCaseListCmd(), newCaseShowCmd(), newCaseNoteCmd(), newCaseAssignCmd(), newCasePriorityCmd(),
		newCaseStatusCmd(), newCaseLinkCmd(true), newCaseLinkCmd(false),
		newExamCmd("conclude"), newExamCmd("verify"), newExamCmd("resolve"))
}

// withStore runs fn with the desk's store open and the acting officer
// resolved (an officer of the desk's own agency).
func withStore(cmd *cobra.Command, sf *storeFlags, fn func(ctx context.Context, st *store.Store, o cases.Officer, out io.Writer) error) error {
	ctx := cmd.Context()
	st, officer, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(ctx, st, officer, cmd.OutOrStdout())
}

// visibleCase reads a case the officer's agency may see: a case of another
// agency that was never shared with it is as absent as one that does not exist.
func visibleCase(ctx context.Context, st *store.Store, o cases.Officer, id string) (*cases.Case, error) {
	c, err := st.Case(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.OwnerAgency != o.Agency && !slices.Contains(c.SharedWith, o.Agency) {
		return nil, cases.Errorf(cases.ENOTFOUND, "there is no case %s shared with %s", id, o.Agency)
	}
	return c, nil
}

func newCaseListCmd() *cobra.Command {
	var sf storeFlags
	var mine, shared, asJSON bool
	var status []string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the cases your agency owns or shares, in case-number order",
		Example: `  enlace case list --status new --status in_review
  enlace case list --mine --json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, &sf, func(ctx context.Context, st *store.Store, o cases.Officer, out io.Writer) error {
				f := cases.CaseFilter{Agency: o.Agency}
				if mine {
					f.Assignee = o.ID
				}
				for _, s := range status {
					st, err := parseStatus(s)
					if err != nil {
						return err
					}
					f.Statuses = append(f.Statuses, st)
				}
				list, err := st.Cases(ctx, f)
				if err != nil {
					return err
				}
				if shared {
					var keep []cases.CaseSummary
					for _, c := range list {
						full, err := st.Case(ctx, c.ID)
						if err != nil {
							return err
						}
						if len(full.SharedWith) > 0 {
							keep = append(keep, c)
						}
					}
					list = keep
				}
				now := st.Clock().Now()
				if asJSON {
					rows := []caseSummaryJSON{}
					for _, c := range list {
						rows = append(rows, caseSummaryOut(c, now))
					}
					return writeJSON(out, rows)
				}
				tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "CASE\tSTATUS\tPRIORITY\tASSIGNEE\tDUE\tTITLE")
				for _, c := range list {
					status := c.Status.Label()
					if c.Conflict {
						status += " (conflict)"
					}
					due := "-"
					if !c.Due.IsZero() {
						due = c.Due.Format(time.DateOnly)
						if c.Overdue(now) {
							due += " overdue"
						}
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", cell.Short(c.ID), status, c.Priority.Label(), dashOr(c.Assignee), due, cell.Short(c.Title))
				}
				if err := tw.Flush(); err != nil {
					return err
				}
				fmt.Fprintf(out, "%d cases\n", len(list))
				return nil
			})
		},
	}
	sf.register(cmd)
	cmd.Flags().BoolVar(&mine, "mine", false, "only the cases assigned to you")
	cmd.Flags().BoolVar(&shared, "shared", false, "only the cases shared between agencies")
	cmd.Flags().StringSliceVar(&status, "status", nil, "only cases with this status (repeat for several): "+statusCodes())
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	cmd.RegisterFlagCompletionFunc("status", cobra.FixedCompletions(statusList(), cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func newCaseShowCmd() *cobra.Command {
	var sf storeFlags
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show CASE-ID",
		Short: "Show a case: its facts, both agencies' assignees, linked subjects and encounter, and its timeline",
		Example: `  enlace case show EC-PN-2026-110004
  enlace case show EC-PN-2026-110004 --json | jq .digest`,
		Args: exactArgs(1, "one CASE-ID"),
		RunE: func(cmd *cobra.Command, pos []string) error {
			return withStore(cmd, &sf, func(ctx context.Context, st *store.Store, o cases.Officer, out io.Writer) error {
				c, err := visibleCase(ctx, st, o, pos[0])
				if err != nil {
					return err
				}
				anns, err := st.Annotations(ctx, c.ID)
				if err != nil {
					return err
				}
				if asJSON {
					ex, err := st.Examination(ctx, c.ID)
					if err != nil {
						return err
					}
					j := caseOut(c, anns, ex)
					refs, err := st.CaseReferences(ctx, c.ID)
					if err != nil {
						return err
					}
					for _, r := range refs {
						j.SubjectReferences = append(j.SubjectReferences, r.Number)
					}
					return writeJSON(out, j)
				}
				return printCase(ctx, st, out, c, anns)
			})
		},
	}
	sf.register(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func printCase(ctx context.Context, st *store.Store, out io.Writer, c *cases.Case, anns []cases.Annotation) error {
	status := c.Status.Label()
	if c.Conflict {
		status += " — IN CONFLICT: two status changes crossed; a supervisor must resolve it"
	}
	fmt.Fprintf(out, "%s  %s\n", cell.Short(c.ID), cell.Short(c.Title))
	fmt.Fprintf(out, "status     %s (version %d)\n", status, c.Version)
	fmt.Fprintf(out, "priority   %s\n", c.Priority.Label())
	shared := "not shared"
	if len(c.SharedWith) > 0 {
		shared = "shared with " + strings.Join(c.SharedWith, ", ")
	}
	fmt.Fprintf(out, "owner      %s, %s\n", c.OwnerAgency, shared)
	agencies := append([]string{c.OwnerAgency}, c.SharedWith...)
	for _, a := range agencies {
		fmt.Fprintf(out, "assignee   %-7s %s\n", a, dashOr(officerLabel(ctx, st, c.Assignees[a])))
	}
	if !c.Due.IsZero() {
		fmt.Fprintf(out, "due        %s\n", c.Due.Format(time.RFC3339))
	}
	fmt.Fprintf(out, "created    %s, updated %s\n", c.Created.Format(time.RFC3339), c.Updated.Format(time.RFC3339))
	if c.EncounterID != "" {
		fmt.Fprintf(out, "encounter  %s\n", c.EncounterID)
	}
	subs, err := st.SubjectsByID(ctx, c.SubjectIDs)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, s := range subs {
		names[s.ID] = s.Name.Display()
	}
	refs, err := st.CaseReferences(ctx, c.ID)
	if err != nil {
		return err
	}
	for _, r := range refs {
		_, id, _ := cases.ParseReference(r.Number)
		names[id] = "partner reference " + r.Number + " (" + r.Category.Label() + ")"
	}
	for _, id := range c.SubjectIDs {
		name := names[id]
		if name == "" {
			name = "(not on this desk)"
		}
		fmt.Fprintf(out, "subject    %s  %s\n", id, cell.Short(name))
	}
	if c.Examination != "" {
		fmt.Fprintf(out, "examination %s\n", c.Examination.Label())
	}
	fmt.Fprintf(out, "digest     %s\n\ntimeline\n", cases.Digest(c))
	for _, a := range anns {
		line := a.Kind.Label()
		switch a.Kind {
		case cases.AnnAssign:
			line = "Assigned to " + dashOr(officerLabel(ctx, st, a.Assignee))
		case cases.AnnPriority:
			line = "Priority " + a.Priority.Label()
		case cases.AnnStatus:
			line = fmt.Sprintf("Status %s → %s", a.FromStatus.Label(), a.ToStatus.Label())
		case cases.AnnDecision, cases.AnnVerification, cases.AnnResolution:
			if d := a.Decision; d != nil {
				line = a.Kind.Label() + ": " + d.Conclusion.Label()
				if d.CandidateID != "" {
					who := names[d.CandidateID]
					if who == "" {
						who = d.CandidateID
					}
					line += " of " + who
					if d.Band != "" {
						line += fmt.Sprintf(" (score %.1f, %s)", d.Score, d.Band.Label())
					}
				}
			}
		case cases.AnnLink, cases.AnnUnlink:
			who := names[a.SubjectID]
			if who == "" {
				who = a.SubjectID
			}
			line = a.Kind.Label() + " " + who
		}
		if a.Overridden {
			line += "  [overridden: a concurrent edit of the same field won]"
		}
		text := ""
		if a.Text != "" {
			text = ": " + cell.Short(a.Text)
		}
		fmt.Fprintf(out, "  %s  %-14s %s%s\n", a.At.Format("2006-01-02 15:04"), cell.Short(a.Author), line, text)
	}
	return nil
}

func officerLabel(ctx context.Context, st *store.Store, id string) string {
	if id == "" {
		return ""
	}
	if o, err := st.Officer(ctx, id); err == nil {
		return o.Name + " (" + o.ID + ")"
	}
	return id
}

// caseAction is a case tool that records one change and prints what it did.
func caseAction(use, short, example string, args cobra.PositionalArgs, flags func(*cobra.Command),
	act func(ctx context.Context, st *store.Store, o cases.Officer, pos []string) (string, error)) *cobra.Command {
	var sf storeFlags
	cmd := &cobra.Command{
		Use: use, Short: short, Example: example, Args: args,
		RunE: func(cmd *cobra.Command, pos []string) error {
			return withStore(cmd, &sf, func(ctx context.Context, st *store.Store, o cases.Officer, out io.Writer) error {
				if _, err := visibleCase(ctx, st, o, pos[0]); err != nil {
					return err
				}
				msg, err := act(ctx, st, o, pos)
				if err != nil {
					return err
				}
				fmt.Fprintln(out, msg)
				return nil
			})
		},
	}
	sf.register(cmd)
	if flags != nil {
		flags(cmd)
	}
	return cmd
}

func newCaseNoteCmd() *cobra.Command {
	return caseAction("note CASE-ID TEXT", "Add a note to a case's timeline",
		`  enlace case note EC-PN-2026-110004 "Called the port: second capture requested."`,
		minArgs(2, "a CASE-ID and the note's TEXT"), nil,
		func(ctx context.Context, st *store.Store, o cases.Officer, pos []string) (string, error) {
			a, err := st.AddNote(ctx, o, pos[0], strings.Join(pos[1:], " "), "")
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("note %s added to %s by %s", a.ID, pos[0], o.ID), nil
		})
}

func newCaseAssignCmd() *cobra.Command {
	return caseAction("assign CASE-ID OFFICER|none", "Assign a case to an officer of your agency (supervisors)",
		`  enlace case assign EC-PN-2026-110004 ec.jcedeno --as ec.lzambrano
  enlace case assign EC-PN-2026-110004 none --as ec.lzambrano`,
		exactArgs(2, "a CASE-ID and an OFFICER (or none)"), nil,
		func(ctx context.Context, st *store.Store, o cases.Officer, pos []string) (string, error) {
			who := pos[1]
			if who == "none" {
				who = ""
			} else if _, err := st.Officer(ctx, who); err != nil {
				return "", unknownOfficer(ctx, st, who)
			}
			if _, err := st.Assign(ctx, o, pos[0], who); err != nil {
				return "", err
			}
			if who == "" {
				return fmt.Sprintf("%s is no longer assigned for %s", pos[0], o.Agency), nil
			}
			return fmt.Sprintf("%s assigned to %s for %s", pos[0], who, o.Agency), nil
		})
}

func newCasePriorityCmd() *cobra.Command {
	return caseAction("priority CASE-ID low|normal|high|critical", "Set a case's priority (supervisors)",
		"  enlace case priority EC-PN-2026-110004 critical --as ec.lzambrano",
		exactArgs(2, "a CASE-ID and a priority (low, normal, high, critical)"), nil,
		func(ctx context.Context, st *store.Store, o cases.Officer, pos []string) (string, error) {
			var p cases.Priority
			for _, q := range cases.Priorities {
				if priorityCode(q) == strings.ToLower(pos[1]) {
					p = q
				}
			}
			if p == 0 {
				return "", usageError("priority %q is not low, normal, high or critical", pos[1])
			}
			if _, err := st.SetPriority(ctx, o, pos[0], p); err != nil {
				return "", err
			}
			return fmt.Sprintf("%s priority %s", pos[0], p.Label()), nil
		})
}

func newCaseStatusCmd() *cobra.Command {
	var reason string
	return caseAction("status CASE-ID STATUS", "Move a case through the state machine",
		`  enlace case status EC-PN-2026-110004 in_review
  enlace case status EC-PN-2026-110004 closed --reason "Signed off." --as ec.lzambrano`,
		exactArgs(2, "a CASE-ID and a STATUS ("+statusCodes()+")"),
		func(cmd *cobra.Command) {
			cmd.Flags().StringVar(&reason, "reason", "", "why (shown in the timeline)")
			cmd.ValidArgsFunction = func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
				if len(args) == 1 {
					return statusList(), cobra.ShellCompDirectiveNoFileComp
				}
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
		},
		func(ctx context.Context, st *store.Store, o cases.Officer, pos []string) (string, error) {
			to, err := parseStatus(pos[1])
			if err != nil {
				return "", err
			}
			if _, err := st.ChangeStatus(ctx, o, pos[0], to, reason); err != nil {
				return "", err
			}
			c, err := st.Case(ctx, pos[0])
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("%s is now %s (until the hub confirms the move)", pos[0], c.Status.Label()), nil
		})
}

func newCaseLinkCmd(link bool) *cobra.Command {
	use, short, verb := "link CASE-ID SUBJECT-ID", "Link a subject on this desk to a case", "linked to"
	if !link {
		use, short, verb = "unlink CASE-ID SUBJECT-ID", "Withdraw a subject's link to a case", "unlinked from"
	}
	return caseAction(use, short, "  enlace case "+strings.Fields(use)[0]+" EC-PN-2026-110004 01a05df3-0d6b-7c3e-9f41-2b8a5c7de47b",
		exactArgs(2, "a CASE-ID and a SUBJECT-ID"), nil,
		func(ctx context.Context, st *store.Store, o cases.Officer, pos []string) (string, error) {
			var err error
			if link {
				_, err = st.LinkSubject(ctx, o, pos[0], pos[1])
			} else {
				_, err = st.UnlinkSubject(ctx, o, pos[0], pos[1])
			}
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("subject %s %s %s", pos[1], verb, pos[0]), nil
		})
}

func parseStatus(s string) (cases.Status, error) {
	k := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", "_"))
	for _, st := range cases.Statuses {
		if k == string(st) || strings.EqualFold(s, st.Label()) {
			return st, nil
		}
	}
	return "", usageError("status %q is not one of %s", s, statusCodes())
}

func statusList() []string {
	var out []string
	for _, s := range cases.Statuses {
		out = append(out, string(s))
	}
	return out
}

func statusCodes() string { return strings.Join(statusList(), ", ") }

func newSubjectCmd() *cobra.Command {
	var sf storeFlags
	var pf purposeFlags
	var asJSON bool
	show := &cobra.Command{
		Use:   "show SUBJECT-ID|REFERENCE",
		Short: "Show what this desk may see of a subject or a partner reference (the view is logged with its purpose)",
		Example: `  enlace subject show 01a05df3-0d6b-7c3e-9f41-2b8a5c7de47b --purpose criminal_investigation
  enlace subject show SUBJECT-ID --purpose border_inspection --json`,
		Args: exactArgs(1, "one SUBJECT-ID"),
		RunE: func(cmd *cobra.Command, pos []string) error {
			p, err := pf.parse()
			if err != nil {
				return err
			}
			return withStore(cmd, &sf, func(ctx context.Context, st *store.Store, o cases.Officer, out io.Writer) error {
				v, err := st.ViewReference(ctx, o, pos[0], p, pf.text)
				if err != nil {
					return err
				}
				if v.Reference != nil {
					return showReference(out, v, asJSON)
				}
				s := v.Subject
				if asJSON {
					return writeJSON(out, subjectOut(s))
				}
				j := subjectOut(s)
				fmt.Fprintf(out, "%s  %s\n", j.ID, cell.Short(j.Name))
				fmt.Fprintf(out, "owner        %s\ncategory     %s\n", j.OwnerAgency, s.Category.Label())
				fmt.Fprintf(out, "born         %s\nsex          %s\nnationality  %s\n", dashOr(j.DOB), dashOr(j.Sex), dashOr(strings.Join(j.Nationalities, ", ")))
				for _, d := range s.Documents {
					fmt.Fprintf(out, "document     %s %s (%s)\n", d.Kind.Label(), cell.Short(d.Number), d.Country)
				}
				for _, a := range s.Aliases {
					fmt.Fprintf(out, "alias        %s\n", cell.Short(a.Name))
				}
				if s.Gang != "" {
					fmt.Fprintf(out, "gang         %s\n", cell.Short(s.Gang))
				}
				if s.LegalStatus != "" {
					fmt.Fprintf(out, "legal status %s\n", cell.Short(s.LegalStatus))
				}
				fmt.Fprintf(out, "fingers      %d on file\n", len(s.Fingerprints))
				list, err := st.SubjectCases(ctx, s.ID)
				if err != nil {
					return err
				}
				for _, c := range list {
					fmt.Fprintf(out, "case         %s  %s\n", c.ID, cell.Short(c.Title))
				}
				return nil
			})
		},
	}
	sf.register(show)
	pf.register(show)
	show.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return groupCmd("subject", "Show subjects this desk holds", "  enlace subject show SUBJECT-ID --purpose border_inspection", show)
}

func newEncountersCmd() *cobra.Command {
	var sf storeFlags
	var asJSON bool
	list := &cobra.Command{
		Use:   "list",
		Short: "List the encounters on this desk, newest first",
		Example: `  enlace encounters list
  enlace encounters list --json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, &sf, func(ctx context.Context, st *store.Store, o cases.Officer, out io.Writer) error {
				encs, err := st.Encounters(ctx)
				if err != nil {
					return err
				}
				if asJSON {
					rows := []encounterJSON{}
					for _, e := range encs {
						rows = append(rows, encounterJSON{ID: e.ID, At: jsonTime(e.At), Place: e.Place, OfficerID: e.OfficerID, Fingers: e.Fingers,
							SourceFile: e.SourceFile, CaseIDs: nonNilStrings(e.CaseIDs)})
					}
					return writeJSON(out, rows)
				}
				tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ENCOUNTER\tWHEN (UTC)\tPLACE\tOFFICER\tFINGERS\tCASES")
				for _, e := range encs {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", e.ID, e.At.UTC().Format("2006-01-02 15:04"), cell.Short(e.Place), cell.Short(e.OfficerID), e.Fingers,
						dashOr(strings.Join(e.CaseIDs, ", ")))
				}
				return tw.Flush()
			})
		},
	}
	sf.register(list)
	list.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return groupCmd("encounters", "List encounters", "  enlace encounters list --json", list)
}

// newExamCmd is `case conclude`, `case verify` or `case resolve`: a step of
// the examination (ACE-V), through the same service as the review screen.
func newExamCmd(verb string) *cobra.Command {
	var conclusion, candidate, reason, search string
	short := map[string]string{
		"conclude": "Record your conclusion on a candidate of the case's fingerprint search, or close with no identification",
		"verify":   "Verify blind a conclusion awaiting verification: record your own (a second officer of the same agency)",
		"resolve":  "Resolve an examination where the verifier disagreed, or overturn it, with a reason (supervisors)",
	}[verb]
	example := map[string]string{
		"conclude": `  enlace identify ENCOUNTER-ID --purpose border_inspection     # the search first
  enlace case conclude EC-PN-2026-160001 --candidate SUBJECT-ID --conclusion exclusion --reason "different pattern class"
  enlace case conclude EC-PN-2026-160001 --candidate SUBJECT-ID --conclusion identification --reason "12 points on the right index"`,
		"verify":  `  enlace case verify EC-PN-2026-160001 --candidate SUBJECT-ID --conclusion identification --reason "same 12 points" --as ec.jcedeno`,
		"resolve": `  enlace case resolve EC-PN-2026-160001 --conclusion no-identification --reason "the probe is too partial" --as ec.lzambrano`,
	}[verb]
	cmd := caseAction(verb+" CASE-ID", short, example, exactArgs(1, "one CASE-ID"),
		func(cmd *cobra.Command) {
			allowed := "identification, exclusion, inconclusive or no-identification"
			if verb != "conclude" {
				allowed = "identification or no-identification"
			}
			cmd.Flags().StringVar(&conclusion, "conclusion", "", "your conclusion: "+allowed)
			cmd.Flags().StringVar(&candidate, "candidate", "", "the candidate (subject ID) it is about; none for no-identification")
			cmd.Flags().StringVar(&reason, "reason", "", "what the comparison showed (required)")
			cmd.Flags().StringVar(&search, "search", "", "the fingerprint search the candidate came from (default: the case's latest)")
			cmd.RegisterFlagCompletionFunc("conclusion", cobra.FixedCompletions([]string{"identification", "exclusion", "inconclusive", "no-identification"}, cobra.ShellCompDirectiveNoFileComp))
		},
		func(ctx context.Context, st *store.Store, o cases.Officer, pos []string) (string, error) {
			c := cases.Conclusion(strings.ReplaceAll(strings.ToLower(strings.TrimSpace(conclusion)), "-", "_"))
			if !slices.Contains(cases.Conclusions, c) {
				return "", usageError("--conclusion %q is not identification, exclusion, inconclusive or no-identification", conclusion)
			}
			if strings.TrimSpace(reason) == "" {
				return "", usageError("say what the comparison showed with --reason")
			}
			d := cases.Decision{Conclusion: c, CandidateID: candidate, Justification: reason, SearchID: search}
			var err error
			switch verb {
			case "conclude":
				_, err = st.Conclude(ctx, o, pos[0], d)
			case "verify":
				_, err = st.Verify(ctx, o, pos[0], d)
			case "resolve":
				_, err = st.ResolveExamination(ctx, o, pos[0], d)
			}
			if err != nil {
				return "", err
			}
			ex, err := st.Examination(ctx, pos[0])
			if err != nil {
				return "", err
			}
			msg := fmt.Sprintf("%s recorded on %s by %s; examination: %s", c.Label(), pos[0], o.ID, ex.State.Label())
			switch ex.State {
			case cases.ExamVerified:
				msg += fmt.Sprintf(" (concluded by %s, verified by %s)", ex.Closing.Author, ex.Verification.Author)
			case cases.ExamResolved:
				msg += fmt.Sprintf(" (by %s)", ex.Resolution.Author)
			}
			return msg, nil
		})
	return cmd
}
