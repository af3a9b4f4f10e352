package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/enlace-desk/enlace/internal/shareddata"
)

func runCLI(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestNISTDumpRewriteMinutiae(t *testing.T) {
	dir := shareddata.Path(t, "ansinist")
	out, _, err := runCLI(t, "nist", "dump", filepath.Join(dir, "NISTFile.ebts"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"1.03     CNT file content: 1<US>02<RS>2<US>00<RS>4<US>01", "2.018    NAM name: LISA, MONA J",
		"record 2: Type-4", "DATA image data: binary, 10545 bytes (WSQ)"} {
		if !strings.Contains(out, want) {
			t.Errorf("dump lacks %q:\n%s", want, out)
		}
	}

	in := filepath.Join(dir, "type4-slaps.an2k")
	dst := filepath.Join(t.TempDir(), "out.an2k")
	if _, _, err := runCLI(t, "nist", "rewrite", in, dst); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(in)
	b, _ := os.ReadFile(dst)
	if !bytes.Equal(a, b) {
		t.Error("nist rewrite changed the transaction")
	}

	out, _, err = runCLI(t, "nist", "minutiae", filepath.Join(dir, "type9-13.an2k"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "9.012 legacy (IAFIS)") || !strings.Contains(out, "28 minutiae") {
		t.Errorf("minutiae output:\n%s", out)
	}
}

func TestNISTDumpRefusesInvalid(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.an2k")
	os.WriteFile(bad, []byte("1.001:99\x1d1.002:0500\x1c"), 0o600)
	_, _, err := runCLI(t, "nist", "dump", bad)
	if err == nil || !strings.Contains(err.Error(), "1.001") {
		t.Fatalf("invalid transaction: %v", err)
	}
	var ee *exitError
	if errors.As(err, &ee) {
		t.Errorf("an invalid file is a failure (exit 1), not misuse: %v", err)
	}
	if _, _, err := runCLI(t, "nist", "frobnicate"); !errors.As(err, &ee) || ee.code != 2 {
		t.Errorf("misuse: %v", err)
	}
}

func TestTemplateDump(t *testing.T) {
	out, _, err := runCLI(t, "template", "dump", shareddata.Path(t, "ansinist", "fmr.ansi2007"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "format: incits378-2009") || !strings.Contains(out, "27 minutiae") {
		t.Errorf("template dump:\n%s", out)
	}
	out, _, err = runCLI(t, "template", "dump", shareddata.Path(t, "fvc2002", "DB1_B", "101_1.iso"))
	if err != nil || !strings.Contains(out, "format: iso19794-2:2005") {
		t.Errorf("ISO dump: %v\n%s", err, out)
	}
	for _, n := range []string{"1_byte", "2_bytes", "3_bytes"} {
		f := shareddata.Path(t, "iso-invalid", "101_1_truncate_"+n+".iso")
		if _, _, err := runCLI(t, "template", "dump", f); err == nil || !strings.Contains(err.Error(), "record length") {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestNISTRewriteKeepsAPartnersCNT(t *testing.T) {
	data, err := os.ReadFile(shareddata.Path(t, "ansinist", "type9.an2k"))
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(data, []byte("9.002:00"))
	data[i+7] = '3' // the record's IDC differs from the one its CNT lists
	dir := t.TempDir()
	in, out := filepath.Join(dir, "partner.an2k"), filepath.Join(dir, "out.an2k")
	os.WriteFile(in, data, 0o600)
	_, errOut, err := runCLI(t, "nist", "rewrite", in, out)
	if err != nil {
		t.Fatalf("a partner's file is refused: %v", err)
	}
	if !strings.Contains(errOut, "warning: ") || !strings.Contains(errOut, "IDC 3, 1.003 (CNT) lists 0") || !strings.Contains(errOut, "record 1") {
		t.Errorf("no warning naming the record: %q", errOut)
	}
	if b, _ := os.ReadFile(out); !bytes.Equal(b, data) {
		t.Error("the rewrite is not byte-exact")
	}
	dump, _, err := runCLI(t, "nist", "dump", in)
	if err != nil || !strings.Contains(dump, "IDC 3, 1.003 (CNT) lists 0") {
		t.Errorf("dump: %v\n%s", err, dump)
	}
	// A folder instead of a file says so.
	if _, _, err := runCLI(t, "nist", "dump", dir); err == nil || !strings.Contains(err.Error(), "is a folder") {
		t.Errorf("a folder: %v", err)
	}
}
