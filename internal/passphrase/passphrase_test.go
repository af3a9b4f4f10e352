package passphrase

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFromFileReadsTheFirstLine(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o600)
		return p
	}
	for content, want := range map[string]string{
		"correct horse\n":          "correct horse",
		"correct horse\r\nsecond":  "correct horse",
		"no newline at all":        "no newline at all",
		"  spaces are kept  \n":    "  spaces are kept  ",
		"ñandú — contraseña\nmore": "ñandú — contraseña",
	} {
		got, err := FromFile(write("p", content))
		if err != nil || string(got) != want {
			t.Errorf("%q: got %q, %v; want %q", content, got, err, want)
		}
	}
	for content, want := range map[string]string{
		"":                               "empty",
		"\nsecond line":                  "empty",
		strings.Repeat("x", 2000):        "longer than",
		strings.Repeat("x", 1025) + "\n": "longer than",
	} {
		if _, err := FromFile(write("bad", content)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%.20q: %v, want an error saying %q", content, err, want)
		}
	}
	if _, err := FromFile(filepath.Join(dir, "missing")); err == nil || !strings.Contains(err.Error(), "cannot read the passphrase file") {
		t.Errorf("missing file: %v", err)
	}
}

func TestReadPrefersTheFileAndElseNeedsATerminal(t *testing.T) {
	p := filepath.Join(t.TempDir(), "p")
	os.WriteFile(p, []byte("from the file\n"), 0o600)
	env := map[string]string{EnvFile: p}
	notATerminal, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer notATerminal.Close()
	src := Source{In: notATerminal, Getenv: func(k string) string { return env[k] }}
	got, err := src.Read("Passphrase: ")
	if err != nil || string(got) != "from the file" {
		t.Fatalf("with %s: %q %v", EnvFile, got, err)
	}
	delete(env, EnvFile)
	if _, err := src.Read("Passphrase: "); !errors.Is(err, ErrNone) || !strings.Contains(err.Error(), EnvFile) {
		t.Fatalf("no file, no terminal: %v", err)
	}
	if _, err := src.ReadNew("New: ", ""); !errors.Is(err, ErrNone) {
		t.Fatalf("new passphrase without a terminal: %v", err)
	}
	if got, err := src.ReadNew("New: ", p); err != nil || string(got) != "from the file" {
		t.Fatalf("new passphrase from a file: %q %v", got, err)
	}
}
