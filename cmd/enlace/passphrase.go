package main

import (
	"context"
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/exchange/officerkey"
	"github.com/enlace-desk/enlace/internal/cell"
	"github.com/enlace-desk/enlace/internal/passphrase"
	"github.com/enlace-desk/enlace/store"
	"github.com/spf13/cobra"
)

// An officer proves who they are with the passphrase of their signing key:
// the workstation asks for it on its login screen, the tools on the terminal
// (no echo) or from the file named by ENLACE_PASSPHRASE_FILE. --as alone
// proves nothing. Logins, failures and lockouts go to the desk's login log
// (cases.Gate over the store), the same for the workstation and the tools.

// demoPassphrase is the passphrase every demo officer's key is sealed with;
// `enlace demo` supplies it itself (README, "The two commands").
const demoPassphrase = "enlace-demo-2026"

// officerKeyParams are the Argon2id parameters of keys this program seals
// with an officer's own passphrase; tests lower them so they do not spend
// seconds deriving keys.
var officerKeyParams = officerkey.DefaultParams

// demoKeyParams seal the demo officers' keys. Their passphrase is written in
// the README, so a costly derivation would protect nothing and only hold up
// the demo's first screen (ten keys made, then opened, at about 0.5 s each):
// one pass over 16 MiB, a few tens of milliseconds.
var demoKeyParams = officerkey.Params{Time: 1, MemoryKiB: 16 * 1024, Threads: 2}

// passphrases is where the tools read passphrases; tests replace it.
var passphrases = passphrase.Std()

func init() { register("officer", newOfficerCmd) }

// deskKeys is the desk's keyring: the officers' signing keys, locked until
// each officer's passphrase opens theirs. A desk without one (no sync.json)
// has no keys, and no officer can prove who they are on it.
func deskKeys(settings *syncSettings, st *store.Store) (*officerkey.Keyring, error) {
	if settings == nil || settings.keys == nil {
		return nil, fmt.Errorf("the desk in %s has no officers' signing keys (key_dir in %s), so no officer can prove who they are on it: "+
			"set up the desk's %s (see docs/sync.md), or run `enlace demo --no-ui` for a demo desk", st.Path(), syncFileName, syncFileName)
	}
	return settings.keys, nil
}

// logIn asks for the officer's passphrase and opens their key through the
// desk's Gate (lockout, login log). via names the tool in the log.
func logIn(ctx context.Context, st *store.Store, keys *officerkey.Keyring, o cases.Officer, via string) error {
	pass, err := logInWith(ctx, st, keys, o, via)
	clear(pass)
	return err
}

// logInWith is logIn that also returns the passphrase that opened the key
// (the caller clears it).
func logInWith(ctx context.Context, st *store.Store, keys *officerkey.Keyring, o cases.Officer, via string) ([]byte, error) {
	gate := &cases.Gate{Keys: keys, Log: st, Clock: st.Clock(), Via: via}
	// A locked-out officer is told so before typing anything.
	if err := gate.LockedOut(ctx, o); err != nil {
		return nil, err
	}
	pass, err := passphrases.Read(fmt.Sprintf("Passphrase for %s: ", o.ID))
	if err != nil {
		if errors.Is(err, passphrase.ErrNone) {
			return nil, fmt.Errorf("%s must prove who they are: %w (--as alone proves nothing)", o.ID, err)
		}
		return nil, err
	}
	if err := gate.Login(ctx, o, pass); err != nil {
		clear(pass)
		return nil, err
	}
	return pass, nil
}

func newOfficerCmd() *cobra.Command {
	return groupCmd("officer", "Manage an officer's signing key on this desk",
		"  enlace officer passphrase --as ec.mrodriguez", newOfficerPassphraseCmd())
}

func newOfficerPassphraseCmd() *cobra.Command {
	var sf storeFlags
	var newFile string
	cmd := &cobra.Command{
		Use:   "passphrase",
		Short: "Set or change the passphrase that encrypts an officer's signing key",
		Long: `Set or change the passphrase that encrypts an officer's signing key on this desk.

An encrypted key asks for its current passphrase first (from the terminal, or
the file named by ENLACE_PASSPHRASE_FILE; failures count towards the lockout).
A key left unencrypted by an older Enlace needs none: it is encrypted now.
The new passphrase is typed twice at the terminal, or read from the file given
with --new-passphrase-file.`,
		Example: `  enlace officer passphrase --as ec.mrodriguez
  ENLACE_PASSPHRASE_FILE=old.txt enlace officer passphrase --as us.jsmith --new-passphrase-file new.txt`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stdout := cmd.Context(), cmd.OutOrStdout()
			st, settings, o, err := sf.resolve(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			keys, err := deskKeys(settings, st)
			if err != nil {
				return err
			}
			var old []byte
			plain := officerkey.IsPlain(keys.Dir(), o.ID)
			if !plain {
				if old, err = logInWith(ctx, st, keys, o, cmd.CommandPath()); err != nil {
					return err
				}
				defer clear(old)
			}
			pass, err := passphrases.ReadNew(fmt.Sprintf("New passphrase for %s: ", o.ID), newFile)
			if err != nil {
				return err
			}
			defer clear(pass)
			if err := officerkey.SetPassphrase(keys.Dir(), o.ID, old, pass, officerKeyParams); err != nil {
				return err
			}
			what := "changed"
			if plain {
				what = "set: the key was unencrypted and is now encrypted"
			}
			if err := st.RecordLogin(ctx, cases.LoginRecord{OfficerID: o.ID, Agency: o.Agency, Kind: cases.PassphraseChanged,
				Via: cmd.CommandPath(), Detail: what}); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "the passphrase of %s's signing key is %s\n", o.ID, what)
			return nil
		},
	}
	sf.register(cmd)
	cmd.Flags().StringVar(&newFile, "new-passphrase-file", "", "read the new passphrase from this file's first line instead of the terminal")
	return cmd
}

// openAuditor is open for the audit tools: the officer must be an auditor or
// a supervisor to read what (the query log, the login log).
func (f *storeFlags) openAuditor(ctx context.Context, what string) (*store.Store, cases.Officer, error) {
	st, o, err := f.open(ctx)
	if err != nil {
		return nil, o, err
	}
	if !o.Has(cases.RoleAuditor) && !o.Has(cases.RoleSupervisor) {
		st.Close()
		return nil, o, fmt.Errorf("%s is for auditors and supervisors; %s is neither (use --as)", what, o.ID)
	}
	return st, o, nil
}

func newAuditLoginsCmd() *cobra.Command {
	var sf storeFlags
	var limit int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "logins",
		Short: "List the login log: logins, failed logins, lockouts and session locks",
		Example: `  enlace audit logins --as ec.auditoria
  enlace audit logins --as ec.auditoria --limit 500 --json > logins.json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stdout := cmd.Context(), cmd.OutOrStdout()
			st, officer, err := sf.openAuditor(ctx, "the login log")
			if err != nil {
				return err
			}
			defer st.Close()
			recs, err := st.LoginLogOf(ctx, officer.Agency, limit)
			if err != nil {
				return err
			}
			if asJSON {
				out := make([]loginOut, 0, len(recs))
				for _, r := range recs {
					out = append(out, loginOut{ID: r.ID, OfficerID: r.OfficerID, Agency: r.Agency, At: jsonTime(r.At), Kind: string(r.Kind), Via: r.Via, Detail: r.Detail})
				}
				return writeJSON(stdout, out)
			}
			tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "TIME (UTC)\tOFFICER\tKIND\tVIA\tDETAIL")
			for _, r := range recs {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.At.Format(time.DateTime), cell.Text(r.OfficerID), cell.Text(string(r.Kind)), cell.Text(r.Via), cell.Text(r.Detail))
			}
			return tw.Flush()
		},
	}
	sf.register(cmd)
	cmd.Flags().IntVar(&limit, "limit", 100, "entries to show, newest first")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}
