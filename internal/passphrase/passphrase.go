// Package passphrase reads an officer's passphrase for the command-line
// tools: from the file named by ENLACE_PASSPHRASE_FILE (for scripts), else
// typed at the terminal without echo. It depends on nothing of the module.
package passphrase

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"
)

// EnvFile names the environment variable that names a file holding the
// passphrase (its first line; the trailing newline is not part of it).
const EnvFile = "ENLACE_PASSPHRASE_FILE"

// maxLen bounds what is read from a passphrase file or the terminal.
const maxLen = 1024

// ErrNone is returned when there is no file and no terminal to ask.
var ErrNone = errors.New("no passphrase: type it at a terminal, or name a file holding it in " + EnvFile)

// Source is where passphrases come from: a terminal on In (a file descriptor)
// with prompts on Prompt, and the environment variable's file.
type Source struct {
	In     *os.File
	Prompt io.Writer
	Getenv func(string) string
}

// Std reads from the process's standard input and prompts on standard error.
func Std() Source { return Source{In: os.Stdin, Prompt: os.Stderr, Getenv: os.Getenv} }

// Read returns the passphrase: the first line of the file named by
// ENLACE_PASSPHRASE_FILE when it is set, else what is typed at the terminal
// after prompt, without echo. Neither: ErrNone.
func (s Source) Read(prompt string) ([]byte, error) {
	if name := s.getenv(EnvFile); name != "" {
		return FromFile(name)
	}
	return s.typed(prompt)
}

// ReadNew asks for a new passphrase: from the file named by newFile when it
// is given, else typed twice at the terminal (the two must agree).
func (s Source) ReadNew(prompt, newFile string) ([]byte, error) {
	if newFile != "" {
		return FromFile(newFile)
	}
	p, err := s.typed(prompt)
	if err != nil {
		return nil, err
	}
	again, err := s.typed("Type it again: ")
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(p, again) {
		return nil, errors.New("the two passphrases differ")
	}
	return p, nil
}

func (s Source) getenv(k string) string {
	if s.Getenv == nil {
		return ""
	}
	return s.Getenv(k)
}

func (s Source) typed(prompt string) ([]byte, error) {
	if s.In == nil || !term.IsTerminal(int(s.In.Fd())) {
		return nil, ErrNone
	}
	if s.Prompt != nil {
		fmt.Fprint(s.Prompt, prompt)
	}
	p, err := term.ReadPassword(int(s.In.Fd()))
	if s.Prompt != nil {
		fmt.Fprintln(s.Prompt)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the passphrase: %w", err)
	}
	if len(p) > maxLen {
		return nil, fmt.Errorf("the passphrase is longer than %d bytes", maxLen)
	}
	return p, nil
}

// FromFile reads a passphrase from the first line of a file.
func FromFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("cannot read the passphrase file: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxLen+2))
	if err != nil {
		return nil, fmt.Errorf("cannot read the passphrase file %s: %w", name, err)
	}
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	b = bytes.TrimSuffix(b, []byte("\r"))
	if len(b) > maxLen {
		return nil, fmt.Errorf("the passphrase in %s is longer than %d bytes", name, maxLen)
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("the passphrase file %s is empty", name)
	}
	return b, nil
}
