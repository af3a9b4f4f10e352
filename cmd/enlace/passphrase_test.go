package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/enlace-desk/enlace/internal/passphrase"
	"github.com/enlace-desk/enlace/store"
)

// TestToolsWithoutThePassphraseCannotAct: --as alone proves nothing. Without
// the passphrase (no file, no terminal) no tool acts as an officer and
// nothing is written as them; a wrong one is refused and counted, five lock
// the officer out for tools and workstation alike; the right one acts; the
// login log records it all for auditors. Tools that act for no officer need
// none.
func TestToolsWithoutThePassphraseCannotAct(t *testing.T) {
	ctx := context.Background()
	desk := smallDemoDesk(t, 60, 6)
	cli := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		err := run(ctx, args, &out, &errOut)
		return out.String(), err
	}
	list, err := cli("case", "list", "--data-dir", desk, "--json")
	if err != nil {
		t.Fatal(err)
	}
	caseID := between(list, `"id": "`, `"`)
	if caseID == "" {
		t.Fatalf("no case in %s", list)
	}

	t.Setenv(passphrase.EnvFile, "")
	for _, args := range [][]string{
		{"case", "note", caseID, "I am not who I say", "--as", "ec.lzambrano", "--data-dir", desk},
		{"search", "Macías", "--purpose", "border", "--data-dir", desk},
		{"audit", "queries", "--as", "ec.auditoria", "--data-dir", desk},
	} {
		_, err := cli(args...)
		if err == nil || !strings.Contains(err.Error(), "must prove who they are") || !strings.Contains(err.Error(), passphrase.EnvFile) {
			t.Errorf("%v without a passphrase: %v", args, err)
		}
	}
	// Not tied to an officer: no passphrase needed.
	if _, err := cli("names", "score", "Fito Macías", "José Adolfo Macías Villamar"); err != nil {
		t.Errorf("names score: %v", err)
	}
	// The workstation does not open without a terminal to log in on either,
	// and a desk without keys has no officer who can prove anything.
	noKeys := t.TempDir()
	if b, err := os.ReadFile(filepath.Join(desk, dataFileName)); err == nil {
		os.WriteFile(filepath.Join(noKeys, dataFileName), b, 0o600)
	}
	if _, err := cli("case", "list", "--data-dir", noKeys); err == nil || !strings.Contains(err.Error(), "no officers' signing keys") {
		t.Errorf("a desk without keys: %v", err)
	}

	wrong := filepath.Join(t.TempDir(), "wrong")
	os.WriteFile(wrong, []byte("not the passphrase\n"), 0o600)
	t.Setenv(passphrase.EnvFile, wrong)
	for i := 1; i <= 5; i++ {
		_, err := cli("case", "note", caseID, "guess", "--as", "ec.lzambrano", "--data-dir", desk)
		want := "wrong passphrase"
		if i == 5 {
			want = "locked out after 5 failed logins"
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("attempt %d with a wrong passphrase: %v", i, err)
		}
	}
	right := filepath.Join(t.TempDir(), "right")
	os.WriteFile(right, []byte(demoPassphrase+"\n"), 0o600)
	t.Setenv(passphrase.EnvFile, right)
	if _, err := cli("case", "note", caseID, "now with the passphrase", "--as", "ec.lzambrano", "--data-dir", desk); err == nil || !strings.Contains(err.Error(), "locked out") {
		t.Fatalf("the right passphrase during the lockout: %v", err)
	}
	// Another officer is not locked out.
	if _, err := cli("case", "note", caseID, "Checked with the port.", "--data-dir", desk); err != nil {
		t.Fatal(err)
	}
	shown, err := cli("case", "show", caseID, "--json", "--data-dir", desk)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(shown, "I am not who I say") || strings.Contains(shown, "guess") || !strings.Contains(shown, "Checked with the port.") {
		t.Errorf("case timeline: %s", shown)
	}
	log, err := cli("audit", "logins", "--as", "ec.auditoria", "--data-dir", desk)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"login_failed", "lockout", "login_refused", "enlace case note", "ec.lzambrano", "ec.mrodriguez"} {
		if !strings.Contains(log, want) {
			t.Errorf("audit logins lacks %q:\n%s", want, log)
		}
	}
	if _, err := cli("audit", "logins", "--data-dir", desk); err == nil || !strings.Contains(err.Error(), "auditors") {
		t.Errorf("an officer read the login log: %v", err)
	}
}

// TestPlainKeyOfAnOlderEnlaceSaysHowAndIsEncrypted: a key left unencrypted
// by an older Enlace is refused with the command that encrypts it; that
// command encrypts it with a new passphrase, which then works.
func TestPlainKeyOfAnOlderEnlaceSaysHowAndIsEncrypted(t *testing.T) {
	ctx := context.Background()
	desk := smallDemoDesk(t, 20, 2)
	var out, errOut bytes.Buffer
	s, _, _ := loadSyncSettings(desk)
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	os.WriteFile(filepath.Join(s.KeyDir, "ec.jcedeno.key"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)

	err := run(ctx, []string{"encounters", "list", "--as", "ec.jcedeno", "--data-dir", desk}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "enlace officer passphrase --as ec.jcedeno") {
		t.Fatalf("plain key: %v", err)
	}
	newFile := filepath.Join(t.TempDir(), "new")
	os.WriteFile(newFile, []byte("a new passphrase of Jorge\n"), 0o600)
	out.Reset()
	if err := run(ctx, []string{"officer", "passphrase", "--as", "ec.jcedeno", "--data-dir", desk, "--new-passphrase-file", newFile}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "now encrypted") {
		t.Errorf("officer passphrase said %q", out.String())
	}
	if b, _ := os.ReadFile(filepath.Join(s.KeyDir, "ec.jcedeno.key")); !bytes.Contains(b, []byte("ENLACE OFFICER KEY")) {
		t.Fatalf("key file after: %s", b)
	}
	t.Setenv(passphrase.EnvFile, newFile)
	if err := run(ctx, []string{"encounters", "list", "--as", "ec.jcedeno", "--data-dir", desk}, &out, &errOut); err != nil {
		t.Fatalf("with the new passphrase: %v", err)
	}
	// Changing it again needs the current one.
	wrong := filepath.Join(t.TempDir(), "wrong")
	os.WriteFile(wrong, []byte("not it at all\n"), 0o600)
	t.Setenv(passphrase.EnvFile, wrong)
	if err := run(ctx, []string{"officer", "passphrase", "--as", "ec.jcedeno", "--data-dir", desk, "--new-passphrase-file", newFile}, &out, &errOut); err == nil || !strings.Contains(err.Error(), "wrong passphrase") {
		t.Fatalf("change with a wrong passphrase: %v", err)
	}
}

// smallDemoDesk prepares a small offline demo and returns its EC desk.
func smallDemoDesk(t *testing.T, subjects, ncases int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "demo")
	var out, errOut bytes.Buffer
	args := []string{"demo", "--data-dir", dir, "--no-ui", "--offline", "--subjects", strconv.Itoa(subjects), "--cases", strconv.Itoa(ncases), "--prints", "0", "--encounters", "0"}
	if err := run(context.Background(), args, &out, &errOut); err != nil {
		t.Fatalf("demo: %v\n%s", err, errOut.String())
	}
	return filepath.Join(dir, "ec-pn-desk-1")
}

func between(s, start, end string) string {
	i := strings.Index(s, start)
	if i < 0 {
		return ""
	}
	s = s[i+len(start):]
	j := strings.Index(s, end)
	if j < 0 {
		return ""
	}
	return s[:j]
}

// TestWorkstationOpensOnlyBehindItsLogin drives the real workstation (its
// program through a pipe): "q" on the login is typed into the passphrase,
// not obeyed; a wrong passphrase is refused and logged; the right one opens
// the workstation, where "q" quits.
func TestWorkstationOpensOnlyBehindItsLogin(t *testing.T) {
	ctx := context.Background()
	desk := smallDemoDesk(t, 20, 2)
	// The workstation syncs in the background: to no hub at all here.
	s, _, err := loadSyncSettings(desk)
	if err != nil {
		t.Fatal(err)
	}
	s.HubURL = "https://127.0.0.1:1"
	if err := writeSyncSettings(desk, s); err != nil {
		t.Fatal(err)
	}
	in, keys := io.Pipe()
	defer keys.Close()
	uiProgramOptions = []tea.ProgramOption{tea.WithInput(in), tea.WithOutput(io.Discard), tea.WithWindowSize(80, 24)}
	defer func() { uiProgramOptions = nil }()
	done := make(chan error, 1)
	go func() {
		var out, errOut bytes.Buffer
		done <- run(ctx, []string{"--data-dir", desk, "--as", "ec.pquishpe", "--theme", "dark"}, &out, &errOut)
	}()
	kinds := func() string {
		st, err := store.Open(ctx, filepath.Join(desk, dataFileName), store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		recs, err := st.LoginLogOf(ctx, "EC-PN", 100)
		if err != nil {
			t.Fatal(err)
		}
		var k []string
		for i := len(recs) - 1; i >= 0; i-- {
			if recs[i].OfficerID == "ec.pquishpe" {
				k = append(k, string(recs[i].Kind)+"@"+recs[i].Via)
			}
		}
		return strings.Join(k, " ")
	}
	waitKinds := func(want string) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for kinds() != want {
			if time.Now().After(deadline) {
				t.Fatalf("login log %q, want %q", kinds(), want)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	keys.Write([]byte("q"))
	keys.Write([]byte("uessed\r"))
	waitKinds("login_failed@workstation")
	select {
	case err := <-done:
		t.Fatalf("the workstation ended on its login screen: %v", err)
	default:
	}
	keys.Write([]byte(demoPassphrase + "\r"))
	waitKinds("login_failed@workstation login@workstation")
	keys.Write([]byte("q"))
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("workstation: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the workstation did not quit on q after the login")
	}
}
