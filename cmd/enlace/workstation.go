package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/enlace-desk/enlace/afis"
	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/exchange"
	"github.com/enlace-desk/enlace/store"
	"github.com/enlace-desk/enlace/ui"
	"github.com/spf13/cobra"
)

// uiProgramOptions are given to the workstation's Bubble Tea program; tests
// set them to drive it through pipes.
var uiProgramOptions []tea.ProgramOption

// dataFileName is the store's file inside a data directory.
const dataFileName = "enlace.db"

// defaultDataDir is where the workstation keeps its store when --data-dir is
// not given: $XDG_DATA_HOME/enlace, else ~/.local/share/enlace.
func defaultDataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "enlace")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "share", "enlace")
	}
	return "enlace-data"
}

// sessionFlags are the flags shared by the workstation and the demo.
type sessionFlags struct {
	dataDir string
	as      string
	theme   string
}

func (f *sessionFlags) register(cmd *cobra.Command, defaultDir string) {
	fs := cmd.Flags()
	fs.StringVar(&f.dataDir, "data-dir", defaultDir, "directory of the local store")
	fs.StringVar(&f.as, "as", "", "log in as this officer (an officer ID such as ec.mrodriguez)")
	fs.StringVar(&f.theme, "theme", "auto", "colour theme: auto, dark or light")
	cmd.MarkFlagDirname("data-dir")
	cmd.RegisterFlagCompletionFunc("theme", cobra.FixedCompletions([]string{"auto", "dark", "light"}, cobra.ShellCompDirectiveNoFileComp))
}

func (f *sessionFlags) check() error {
	switch f.theme {
	case "auto", "dark", "light":
		return nil
	}
	return usageError("--theme must be auto, dark or light, not %q", f.theme)
}

// runWorkstation opens the workstation on an existing store (the root
// command).
func runWorkstation(ctx context.Context, sf sessionFlags) error {
	if err := sf.check(); err != nil {
		return err
	}
	path := filepath.Join(sf.dataDir, dataFileName)
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("no store at %s; run `enlace demo` for a demo (its desks are in %s), or pass --data-dir", path, filepath.Join(defaultDataDir(), "demo"))
	}
	st, settings, err := openDeskStore(ctx, sf.dataDir, 0)
	if err != nil {
		return err
	}
	defer st.Close()
	// What still reads the store in the background when the officer quits
	// (the gallery's build) stops first: Close waits for reads under way.
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	var syncFn func() cases.SyncState
	send := func() {}
	changes := newChangeNotice()
	if settings != nil {
		c, err := newSyncClient(st, settings, func(cfg *exchange.ClientConfig) {
			cfg.OnRound = func(exchange.Round) { changes.notify() }
		})
		if err != nil {
			return err
		}
		ctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			c.Run(ctx)
			c.Close()
		}()
		defer func() { cancel(); <-done }()
		syncFn = func() cases.SyncState { return syncState(ctx, st, c) }
		send = c.Trigger
	}
	return openSession(ctx, st, settings, sf, syncFn, changes, send)
}

// openSession resolves the officer preset in the login and runs the TUI on an
// open store, behind its login: the officer's passphrase must open their
// signing key before the workstation shows anything.
func openSession(ctx context.Context, st *store.Store, settings *syncSettings, sf sessionFlags, syncFn func() cases.SyncState, changes changeNotice, send func()) error {
	id := sf.as
	if id == "" {
		var err error
		if id, err = st.DefaultOfficer(ctx); err != nil {
			return err
		}
		if id == "" {
			return usageError("say who you are with --as OFFICER")
		}
	}
	officer, err := deskOfficer(ctx, st, id)
	if err != nil {
		return err
	}
	agency, err := findAgency(ctx, st, officer.Agency)
	if err != nil {
		return err
	}
	keys, err := deskKeys(settings, st)
	if err != nil {
		return err
	}
	prints := afis.New(st)
	go releaseAfterWarm(ctx, prints) // the gallery builds while the officer reads the queue
	st.WarmSearch()                  // and the name index's vocabulary loads
	return ui.Run(ctx, ui.Config{Store: sendingStore{st, send}, Officer: officer, Agency: agency, Clock: st.Clock(), Theme: sf.theme, Sync: syncFn, Changed: st.ChangedSince,
		Changes: changes, Identify: prints, Exchange: st, QueryLog: st, ProgramOptions: uiProgramOptions,
		Login: ui.LoginConfig{Auth: &cases.Gate{Keys: keys, Log: st, Clock: st.Clock(), Via: "workstation"}}})
}

func unknownOfficer(ctx context.Context, st *store.Store, id string) error {
	officers, err := st.Officers(ctx)
	if err != nil {
		return err
	}
	var known []string
	for _, o := range officers {
		known = append(known, fmt.Sprintf("%s (%s, %s)", o.ID, o.Agency, o.RoleLabel()))
	}
	return usageError("there is no officer %q in this store; known officers: %s", id, strings.Join(known, ", "))
}

func findAgency(ctx context.Context, st *store.Store, code string) (cases.Agency, error) {
	agencies, err := st.Agencies(ctx)
	if err != nil {
		return cases.Agency{}, err
	}
	for _, a := range agencies {
		if a.Code == code {
			return a, nil
		}
	}
	return cases.Agency{}, fmt.Errorf("agency %s of the officer is missing from the store's directory", code)
}
