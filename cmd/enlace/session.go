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
}

func (f *storeFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.dataDir, "data-dir", defaultDataDir(), "directory of the local store")
	fs.StringVar(&f.as, "as", "", "act as this officer (default: the store's default officer)")
	cmd.MarkFlagDirname("data-dir")
}

// open opens the store and resolves the acting officer.
func (f *storeFlags) open(ctx context.Context) (*store.Store, cases.Officer, error) {
	path := filepath.Join(f.dataDir, dataFileName)
	if _, err := os.Stat(path); err != nil {
		return nil, cases.Officer{}, usageError("no store at %s; run `enlace demo --no-ui` for a demo store, or pass --data-dir", path)
	}
	st, _, err := openDeskStore(ctx, f.dataDir, 0)
	if err != nil {
		return nil, cases.Officer{}, err
	}
	id := f.as
	if id == "" {
		if id, err = st.DefaultOfficer(ctx); err != nil {
			st.Close()
			return nil, cases.Officer{}, err
		}
		if id == "" {
			st.Close()
			return nil, cases.Officer{}, usageError("say who you are with --as OFFICER")
		}
	}
	o, err := st.Officer(ctx, id)
	if err != nil {
		err = unknownOfficer(ctx, st, id)
		st.Close()
		return nil, cases.Officer{}, err
	}
	return st, *o, nil
}
