package main

import (
	"context"
	"os"
	"path/filepath"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/store"
	"github.com/spf13/cobra"
)

// storeFlags are the flags of tools that work on an existing store as an
// officer: --data-dir and --as.
type storeFlags struct {
	dataDir string
	as      string
	cmd     *cobra.Command // the command, named in the login log
}

func (f *storeFlags) register(cmd *cobra.Command) {
	f.cmd = cmd
	fs := cmd.Flags()
	fs.StringVar(&f.dataDir, "data-dir", defaultDataDir(), "directory of the local store")
	fs.StringVar(&f.as, "as", "", "act as this officer (default: the store's default officer)")
	cmd.MarkFlagDirname("data-dir")
}

// open opens the store, resolves the acting officer and has them prove who
// they are with their passphrase (logIn): --as alone proves nothing.
func (f *storeFlags) open(ctx context.Context) (*store.Store, cases.Officer, error) {
	st, settings, o, err := f.resolve(ctx)
	if err != nil {
		return nil, cases.Officer{}, err
	}
	keys, err := deskKeys(settings, st)
	if err == nil {
		err = logIn(ctx, st, keys, o, f.cmd.CommandPath())
	}
	if err != nil {
		st.Close()
		return nil, cases.Officer{}, err
	}
	return st, o, nil
}

// resolve opens the store and resolves the officer named by --as (or the
// desk's default), who has proved nothing yet.
func (f *storeFlags) resolve(ctx context.Context) (*store.Store, *syncSettings, cases.Officer, error) {
	path := filepath.Join(f.dataDir, dataFileName)
	if _, err := os.Stat(path); err != nil {
		return nil, nil, cases.Officer{}, usageError("no store at %s; run `enlace demo --no-ui` for a demo store, or pass --data-dir", path)
	}
	st, settings, err := openDeskStore(ctx, f.dataDir, 0)
	if err != nil {
		return nil, nil, cases.Officer{}, err
	}
	id := f.as
	if id == "" {
		if id, err = st.DefaultOfficer(ctx); err != nil {
			st.Close()
			return nil, nil, cases.Officer{}, err
		}
		if id == "" {
			st.Close()
			return nil, nil, cases.Officer{}, usageError("say who you are with --as OFFICER")
		}
	}
	o, err := deskOfficer(ctx, st, id)
	if err != nil {
		st.Close()
		return nil, nil, cases.Officer{}, err
	}
	return st, settings, o, nil
}

// deskOfficer resolves who acts on a desk: an officer of the desk's own
// agency. An officer of another agency, or one the directory does not know,
// is refused: a desk of one agency never acts for the other.
func deskOfficer(ctx context.Context, st *store.Store, id string) (cases.Officer, error) {
	o, err := st.Officer(ctx, id)
	if err != nil {
		return cases.Officer{}, unknownOfficer(ctx, st, id)
	}
	agency := st.DeskAgency()
	if agency == "" {
		// A store made before desks knew their agency: its default officer's.
		if def, _ := st.DefaultOfficer(ctx); def != "" {
			if d, err := st.Officer(ctx, def); err == nil {
				agency = d.Agency
			}
		}
	}
	if agency != "" && o.Agency != agency {
		return cases.Officer{}, usageError("%s is an officer of %s, and this is a desk of %s (%s): act as one of %s's officers, or use %s's own desk",
			o.ID, o.Agency, agency, st.Path(), agency, o.Agency)
	}
	return *o, nil
}
