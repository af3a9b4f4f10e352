package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/enlace-desk/enlace/internal/shareddata"
	"github.com/enlace-desk/enlace/store"
)

// TestImportNamesTheFingerOfATemplateWithoutOne imports an FVC2002 template
// (ISO/IEC 19794-2, finger position 0: "unknown") as a subject: refused
// without --finger, with a message that says what to do; --finger out of
// range is refused naming the flag; --finger 2 makes a subject whose one
// finger is the right index, and says the finger was named, not read.
func TestImportNamesTheFingerOfATemplateWithoutOne(t *testing.T) {
	iso := shareddata.Path(t, "fvc2002", "DB1_B", "101_1.iso")
	out, _, err := runCLI(t, "template", "dump", iso)
	if err != nil || !strings.Contains(out, "unknown") {
		t.Fatalf("template dump of %s: %v\n%s", iso, err, out)
	}
	dir := filepath.Join(t.TempDir(), "demo")
	if _, errOut, err := runCLI(t, "demo", "--data-dir", dir, "--no-ui", "--offline", "--subjects", "20", "--cases", "5", "--prints", "5", "--encounters", "1"); err != nil {
		t.Fatalf("demo: %v\n%s", err, errOut)
	}
	desk := filepath.Join(dir, "ec-pn-desk-1")

	_, _, err = runCLI(t, "import", iso, "--subject", "--data-dir", desk)
	if err == nil || !strings.Contains(err.Error(), "101_1.iso does not say which finger it holds") || !strings.Contains(err.Error(), "--finger N") ||
		!strings.Contains(err.Error(), "2 right index") || !strings.Contains(err.Error(), "without --subject") {
		t.Fatalf("--subject without --finger: %v", err)
	}
	for _, bad := range []string{"0", "11", "-3"} {
		_, _, err := runCLI(t, "import", iso, "--subject", "--finger", bad, "--data-dir", desk)
		var ee *exitError
		if err == nil || !strings.Contains(err.Error(), "--finger "+bad+": a finger is 1–10") || !errors.As(err, &ee) || ee.code != 2 {
			t.Errorf("--finger %s: %v", bad, err)
		}
	}
	if _, _, err := runCLI(t, "import", iso, "--finger", "thumb", "--data-dir", desk); err == nil || !strings.Contains(err.Error(), "--finger") {
		t.Errorf("--finger thumb: %v", err)
	}

	out, _, err = runCLI(t, "import", iso, "--subject", "--finger", "2", "--data-dir", desk)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "recorded as finger 2 (right index), as named") || !strings.Contains(out, "created with 1 finger") {
		t.Fatalf("import --finger 2:\n%s", out)
	}
	id := ""
	for _, l := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(l, "subject "); ok {
			id, _, _ = strings.Cut(rest, " ")
		}
	}
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(desk, dataFileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sub, err := st.Subject(ctx, id)
	if err != nil {
		t.Fatalf("subject %q: %v", id, err)
	}
	if len(sub.Fingerprints) != 1 || sub.Fingerprints[0].Position != 2 || !strings.Contains(sub.LegalStatus, "named by ec.mrodriguez: 2, right index") {
		t.Errorf("the subject's prints %+v, record %q", sub.Fingerprints, sub.LegalStatus)
	}
}
