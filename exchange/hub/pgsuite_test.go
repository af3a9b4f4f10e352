package hub

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestSuiteOnPostgres runs this package's tests again, in a child process of
// the same test binary, with every test hub on PostgreSQL
// (ENLACE_HUB_BACKEND=postgres): security, replays, scoping, sharing,
// conflicts, the fault proxy, convergence and kill -9 all run on both
// stores. Each test gets a database of its own on the server pgServer gives.
func TestSuiteOnPostgres(t *testing.T) {
	if testBackend() == "postgres" {
		t.Skip("already the PostgreSQL run")
	}
	url := pgServer(t)
	args := []string{"-test.run=^Test", "-test.skip=^(TestSuiteOnPostgres|TestOfficerKeys|TestHubConfigRoundTrip|TestProjectStatusIsOrderIndependent|TestPG.*)$"}
	if testing.Short() {
		args = append(args, "-test.short")
	}
	if testing.Verbose() {
		args = append(args, "-test.v")
	}
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "ENLACE_HUB_BACKEND=postgres", "ENLACE_PG_URL="+url)
	out, err := cmd.CombinedOutput()
	if testing.Verbose() || err != nil {
		t.Logf("the suite on PostgreSQL:\n%s", out)
	}
	if err != nil {
		t.Fatalf("the exchange suite failed on PostgreSQL: %v", err)
	}
	if !strings.Contains(string(out), "PASS") {
		t.Fatalf("the PostgreSQL run printed no PASS:\n%s", out)
	}
}
