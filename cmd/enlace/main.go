// Command enlace is the liaison officer's workstation: the terminal UI, the
// demo, and the tools (search, import, biometric formats, matching, audit).
//
// It only wires packages together: flags, configuration, start and stop. Each
// subcommand lives in its own file and registers itself in commands.
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
)

// command is one subcommand of enlace.
type command struct {
	name    string // "nist", "names", "demo"
	usage   string // one line: "nist dump|rewrite|minutiae FILE ..."
	summary string // what it does, for `enlace help`
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands = map[string]*command{}

// register adds a subcommand; each subcommand's file calls it from init.
func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("enlace: subcommand registered twice: " + c.name)
	}
	commands[c.name] = c
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
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
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

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name := args[0]
		if name == "help" {
			printHelp(stdout)
			return nil
		}
		c, ok := commands[name]
		if !ok {
			return usageError("unknown command %q; run `enlace help` for the list", name)
		}
		return c.run(ctx, args[1:], stdout, stderr)
	}
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		printHelp(stdout)
		return nil
	}
	return runWorkstation(ctx, args, stdout, stderr)
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "Enlace: the liaison officer's workstation.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage:")
	fmt.Fprintln(w, "  enlace [--data-dir DIR] [--as OFFICER] [--theme dark|light]   open the workstation")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c := commands[n]
		fmt.Fprintf(w, "  enlace %-52s %s\n", c.usage, c.summary)
	}
}
