// Command enlace is the liaison officer's workstation: the terminal UI, the
// demo, and the tools (search, import, biometric formats, matching, audit).
//
// It only wires packages together: flags, configuration, start and stop. The
// command line is built with cobra: each subcommand lives in its own file and
// registers its constructor with register from init; run builds a fresh
// command tree for every invocation (so tests can call it repeatedly).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/enlace-desk/enlace/internal/buildinfo"
)

// constructors are the subcommands' constructors, registered from init.
var constructors = map[string]func() *cobra.Command{}

// register adds a subcommand; each subcommand's file calls it from init with
// the command's name and a constructor that builds a fresh *cobra.Command.
func register(name string, newCmd func() *cobra.Command) {
	if _, dup := constructors[name]; dup {
		panic("enlace: subcommand registered twice: " + name)
	}
	constructors[name] = newCmd
}

// exitError carries a specific exit status out of a subcommand.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageError marks a mistake in how the command was called (exit status 2).
func usageError(format string, args ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, args...)}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	stopProfiling := startProfiling()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stopProfiling()
	stop()
	if err != nil {
		code := 1
		var ee *exitError
		if errors.As(err, &ee) {
			code = ee.code
		}
		if msg := err.Error(); msg != "" {
			fmt.Fprintln(os.Stderr, "enlace:", msg)
		}
		os.Exit(code)
	}
}

// run executes the command line args (without the program name).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	return root.ExecuteContext(ctx)
}

// newRootCmd builds the whole command tree, writing to stdout and stderr: the
// root opens the workstation, the subcommands are the registered tools.
func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	var sf sessionFlags
	root := &cobra.Command{
		Use:   "enlace",
		Short: "The liaison officer's workstation",
		Long: `Enlace: the liaison officer's workstation for exchanging case and biometric
data between EC-PN and US-CBP.

Without a subcommand it opens the workstation on the store in --data-dir.
Run "enlace demo" for a demo with generated data, an in-process exchange hub
and a simulated partner desk.`,
		Example: `  enlace demo                                  # try it: generated data, hub and partner desk
  enlace --data-dir ~/.local/share/enlace/demo/ec-pn-desk-1 --as ec.mrodriguez
  enlace help search                           # help for one command`,
		Version:       buildinfo.Version(),
		Args:          noArgs,
		SilenceErrors: true, // main prints "enlace: …" and chooses the exit status
		SilenceUsage:  true, // an error is not a reason to print the whole usage
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runWorkstation(cmd.Context(), sf)
		},
	}
	sf.register(root, defaultDataDir())
	root.SetOut(stdout) // before the completion command, which keeps the writer it finds
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError("%v (see `%s --help`)", err, c.CommandPath())
	})
	names := make([]string, 0, len(constructors))
	for n := range constructors {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		root.AddCommand(constructors[n]())
	}
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "help" {
			c.Example = "  enlace help search\n  enlace help nist dump"
		}
		if c.Name() != "completion" {
			continue
		}
		c.Example = "  source <(enlace completion bash)\n  enlace completion zsh > \"${fpath[1]}/_enlace\"\n  enlace completion fish > ~/.config/fish/completions/enlace.fish"
		for _, sh := range c.Commands() {
			sh.Example = fmt.Sprintf("  enlace completion %s > enlace.%s", sh.Name(), sh.Name())
		}
	}
	return root
}

// noArgs refuses positional arguments with a usage error that names the
// command to ask for help.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if !cmd.HasParent() && cmd.HasSubCommands() {
		return usageError("unknown command %q; run `enlace help` for the list", args[0])
	}
	return usageError("%s takes no arguments, got %q (see `%s --help`)", cmd.CommandPath(), args[0], cmd.CommandPath())
}

// exactArgs wants n positional arguments, described by what (e.g. "FILE").
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == n {
			return nil
		}
		return usageError("%s wants %s, got %d argument(s) (see `%s --help`)", cmd.CommandPath(), what, len(args), cmd.CommandPath())
	}
}

// minArgs wants at least n positional arguments, described by what.
func minArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) >= n {
			return nil
		}
		return usageError("%s wants %s (see `%s --help`)", cmd.CommandPath(), what, cmd.CommandPath())
	}
}

// groupCmd is a command that only holds subcommands (nist, audit, …): called
// alone or with an unknown subcommand, it says which ones there are (exit 2).
func groupCmd(use, short, example string, subs ...*cobra.Command) *cobra.Command {
	c := &cobra.Command{
		Use:     use,
		Short:   short,
		Example: example,
		Args:    cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var names []string
			for _, s := range cmd.Commands() {
				names = append(names, s.Name())
			}
			want := strings.Join(names, ", ")
			if len(args) == 0 {
				return usageError("%s wants a subcommand: %s (see `%s --help`)", cmd.CommandPath(), want, cmd.CommandPath())
			}
			return usageError("%s has no subcommand %q; want %s (see `%s --help`)", cmd.CommandPath(), args[0], want, cmd.CommandPath())
		},
	}
	c.AddCommand(subs...)
	return c
}
