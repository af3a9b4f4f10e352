package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

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
