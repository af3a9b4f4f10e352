package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/store"
)

func TestDemoCreatesThenReusesTheStore(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "demo")
	var out, errOut bytes.Buffer
	args := []string{"demo", "--data-dir", dir, "--no-ui", "--subjects", "300", "--cases", "40"}
	if err := run(ctx, args, &out, &errOut); err != nil {
		t.Fatalf("demo: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(errOut.String(), "demo store ready") {
		t.Errorf("no completion line: %q", errOut.String())
	}
	st, err := store.Open(ctx, filepath.Join(dir, "ec-pn-desk-1", dataFileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h, _ := st.Health(ctx)
	statuses := map[cases.Status]int{}
	all, _ := st.Cases(ctx, cases.CaseFilter{})
	for _, c := range all {
		statuses[c.Status]++
	}
	def, _ := st.DefaultOfficer(ctx)
	own, _ := st.SubjectsOwnedBy(ctx, "EC-PN")
	agency := st.DeskAgency()
	st.Close()
	// Of the exchange's 300 subjects and 40 cases, the EC desk generates only
	// EC-PN's: the partner's shared records come by sync.
	if h.Subjects < 150 || h.Subjects >= 300 || own != h.Subjects || h.Cases < 10 || h.Cases >= 40 {
		t.Errorf("store holds %d subjects (%d of EC-PN) and %d cases; want only EC-PN's share of 300 and 40", h.Subjects, own, h.Cases)
	}
	for _, c := range all {
		if !strings.HasPrefix(c.ID, "EC-PN-") {
			t.Errorf("the EC desk generated case %s", c.ID)
		}
	}
	if agency != "EC-PN" {
		t.Errorf("desk agency %q", agency)
	}
	if len(statuses) < 5 {
		t.Errorf("demo cases cover only %v", statuses)
	}
	if def != "ec.mrodriguez" {
		t.Errorf("default officer %q", def)
	}

	errOut.Reset()
	if err := run(ctx, args, &out, &errOut); err != nil {
		t.Fatalf("second demo: %v", err)
	}
	if !strings.Contains(errOut.String(), "reusing the demo store") {
		t.Errorf("second run should reuse the store, said %q", errOut.String())
	}
}

func TestUnknownOfficerIsRefusedWithTheKnownOnes(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "demo")
	var out, errOut bytes.Buffer
	err := run(ctx, []string{"demo", "--data-dir", dir, "--subjects", "10", "--cases", "2", "--as", "nobody"}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), `no officer "nobody"`) || !strings.Contains(err.Error(), "us.mbrown") {
		t.Errorf("got %v", err)
	}
}

func TestWorkstationWithoutStoreSaysWhatToDo(t *testing.T) {
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"--data-dir", t.TempDir()}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "enlace demo") {
		t.Errorf("got %v", err)
	}
	if err := run(context.Background(), []string{"--theme", "pink"}, &out, &errOut); err == nil || !strings.Contains(err.Error(), "--theme") {
		t.Errorf("bad theme: %v", err)
	}
}

func TestSearchIsLoggedAndOnlyAuditorsReadTheLog(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "demo")
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"demo", "--data-dir", dir, "--no-ui", "--offline", "--subjects", "200", "--cases", "10", "--prints", "0"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	desk := filepath.Join(dir, "ec-pn-desk-1")
	if err := run(ctx, []string{"search", "--data-dir", desk, "Macías"}, &out, &errOut); err == nil || !strings.Contains(err.Error(), "purpose") {
		t.Errorf("search without purpose: %v", err)
	}
	out.Reset()
	if err := run(ctx, []string{"search", "--data-dir", desk, "--purpose", "border", "Macías", "--json"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"read_as": "name"`) {
		t.Errorf("json output: %.200s", out.String())
	}
	if err := run(ctx, []string{"audit", "queries", "--data-dir", desk}, &out, &errOut); err == nil || !strings.Contains(err.Error(), "auditors") {
		t.Errorf("an officer read the query log: %v", err)
	}
	out.Reset()
	if err := run(ctx, []string{"audit", "queries", "--data-dir", desk, "--as", "ec.auditoria"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Border inspection") || !strings.Contains(out.String(), "Macías") {
		t.Errorf("audit output: %s", out.String())
	}
}

// TestTerminalOutputEscapesUntrustedText: a query carrying terminal escape
// sequences (title, clear screen, clipboard write) and a 100,000-character
// query reach neither `search` nor `audit queries` output raw.
func TestTerminalOutputEscapesUntrustedText(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "demo")
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"demo", "--data-dir", dir, "--no-ui", "--offline", "--subjects", "50", "--cases", "2", "--prints", "0"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	desk := filepath.Join(dir, "ec-pn-desk-1")
	hostile := "Macías \x1b]0;pwned\x07\x1b[2J\x1b]52;c;ZXZpbA==\x07"
	long := strings.Repeat("a", 100_000)
	for _, q := range []string{hostile, long} {
		out.Reset()
		if err := run(ctx, []string{"search", "--data-dir", desk, "--purpose", "border", q}, &out, &errOut); err != nil {
			t.Fatal(err)
		}
		if strings.ContainsRune(out.String(), 0x1b) || strings.ContainsRune(out.String(), 0x07) || out.Len() > 20_000 {
			t.Errorf("search printed raw control characters or the whole query (%d bytes): %.300q", out.Len(), out.String())
		}
	}
	out.Reset()
	if err := run(ctx, []string{"audit", "queries", "--data-dir", desk, "--as", "ec.auditoria"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if strings.ContainsRune(s, 0x1b) || strings.ContainsRune(s, 0x07) {
		t.Errorf("audit queries printed raw escape sequences: %q", s)
	}
	if !strings.Contains(s, "␛]0;pwned␇") || !strings.Contains(s, "more characters)") {
		t.Errorf("audit queries should show the escapes as symbols and cut the long query: %.2000s", s)
	}
}

// TestQuitDuringGenerationExitsCleanlyAndStartsAgain opens the demo's
// workstation (its real program, driven through a pipe), presses q while
// the demo data is still being generated, and checks that the demo ends
// without an error, leaves the desk marked as cut short, and that the next
// start generates the desk in full.
func TestQuitDuringGenerationExitsCleanlyAndStartsAgain(t *testing.T) {
	for _, offline := range []bool{true, false} {
		name := "with the exchange"
		if offline {
			name = "offline"
		}
		t.Run(name, func(t *testing.T) { quitDuringGeneration(t, offline) })
	}
}

func quitDuringGeneration(t *testing.T, offline bool) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "demo")
	desk := filepath.Join(dir, "ec-pn-desk-1")
	in, keys := io.Pipe()
	uiProgramOptions = []tea.ProgramOption{tea.WithInput(in), tea.WithOutput(io.Discard), tea.WithWindowSize(80, 24)}
	defer func() { uiProgramOptions = nil }()
	done := make(chan error, 1)
	args := []string{"demo", "--data-dir", dir, "--subjects", "200000", "--cases", "10"}
	if offline {
		args = append(args, "--offline")
	}
	go func() {
		var out, errOut bytes.Buffer
		done <- run(ctx, args, &out, &errOut)
	}()
	// Wait until the generation is under way, then quit.
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(desk, generatingMark)); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the generation never started")
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	keys.Write([]byte("q"))
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("quitting during generation: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the demo did not stop after q")
	}
	keys.Close()
	if _, err := os.Stat(filepath.Join(desk, generatingMark)); err != nil {
		t.Fatalf("the desk cut short is not marked: %v", err)
	}

	// The next start generates the desk again, in full.
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"demo", "--data-dir", dir, "--offline", "--no-ui", "--subjects", "300", "--cases", "40"}, &out, &errOut); err != nil {
		t.Fatalf("next start: %v\n%s", err, errOut.String())
	}
	if _, err := os.Stat(filepath.Join(desk, generatingMark)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the mark is still there after a complete generation: %v", err)
	}
	st, err := store.Open(ctx, filepath.Join(desk, dataFileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// The EC desk holds EC-PN's share of the exchange's 300 subjects and 40
	// cases, as a complete first generation does.
	if h, _ := st.Health(ctx); h.Subjects < 150 || h.Subjects >= 300 || h.Cases < 10 || h.Cases >= 40 {
		t.Errorf("after starting again the desk holds %d subjects and %d cases, want EC-PN's share of 300 and 40", h.Subjects, h.Cases)
	}
}
