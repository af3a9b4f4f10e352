package hub

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// The PostgreSQL tests use the server at ENLACE_PG_URL (a URL whose user may
// create databases), or start a throwaway cluster of their own from the
// machine's PostgreSQL binaries (initdb, pg_ctl, postgres: on PATH or under
// /usr/lib/postgresql/*/bin) in a temporary directory on a free loopback
// port, run as the postgres user when the tests run as root, and stopped
// when the test binary ends. Without either they skip; with
// ENLACE_REQUIRE_PG=1 they fail instead.

var pg struct {
	once sync.Once
	url  string // server URL, database "postgres"
	err  error
	stop func()
	n    atomic.Int64
}

// pgServer returns the URL of a PostgreSQL server for the tests, skipping
// or failing the test when there is none.
func pgServer(t testing.TB) string {
	t.Helper()
	pg.once.Do(func() {
		if u := os.Getenv("ENLACE_PG_URL"); u != "" {
			pg.url = u
			return
		}
		pg.url, pg.stop, pg.err = startPGCluster()
	})
	if pg.err != nil {
		if os.Getenv("ENLACE_REQUIRE_PG") == "1" {
			t.Fatalf("PostgreSQL is required (ENLACE_REQUIRE_PG=1) but unavailable: %v", pg.err)
		}
		t.Skipf("no PostgreSQL server (set ENLACE_PG_URL or install PostgreSQL's server binaries): %v", pg.err)
	}
	return pg.url
}

// stopPGCluster stops the cluster pgServer started, if any.
func stopPGCluster() {
	if pg.stop != nil {
		pg.stop()
	}
}

// newPGDatabase creates an empty database for one test and returns its URL;
// it is dropped when the test ends.
func newPGDatabase(t testing.TB) string {
	t.Helper()
	base := pgServer(t)
	name := fmt.Sprintf("enlace_t%d_%d", os.Getpid(), pg.n.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connecting to PostgreSQL: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("creating database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if conn, err := pgx.Connect(ctx, base); err == nil {
			conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			conn.Close(ctx)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// pgBinDir finds the directory of initdb and pg_ctl.
func pgBinDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return pgMajor(dirs[i]) > pgMajor(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", errors.New("initdb not found on PATH nor under /usr/lib/postgresql/*/bin")
}

func pgMajor(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// startPGCluster initialises and starts a cluster in a new temporary
// directory, listening on 127.0.0.1 only, trusting local connections.
// Benchmarks get fsync on, like a production server; tests get it off.
func startPGCluster() (string, func(), error) {
	bin, err := pgBinDir()
	if err != nil {
		return "", nil, err
	}
	dir, err := os.MkdirTemp("", "enlace-pg-")
	if err != nil {
		return "", nil, err
	}
	var asUser []string
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return "", nil, fmt.Errorf("running as root and there is no postgres user to run the server as: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return "", nil, err
		}
		asUser = []string{"runuser", "-u", "postgres", "--"}
	}
	run := func(name string, args ...string) error {
		argv := append(slices.Clone(asUser), append([]string{filepath.Join(bin, name)}, args...)...)
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s: %v\n%s", name, err, out)
		}
		return nil
	}
	data := filepath.Join(dir, "data")
	if err := run("initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"); err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	fsync := "off"
	if f := flag.Lookup("test.bench"); f != nil && f.Value.String() != "" {
		fsync = "on"
	}
	opts := fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -c unix_socket_directories=%s -c fsync=%s -c max_connections=200 -c shared_buffers=128MB", port, dir, fsync)
	if err := run("pg_ctl", "-D", data, "-l", filepath.Join(dir, "server.log"), "-o", opts, "-w", "-t", "60", "start"); err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	stop := func() {
		run("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
		os.RemoveAll(dir)
	}
	watchPGCluster(dir, data, bin, asUser)
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port), stop, nil
}

// watchPGCluster starts a watchdog, in a session of its own, that stops the
// cluster and removes its directory once this test binary is gone: a binary
// killed by a timeout or SIGKILL never reaches stopPGCluster, and the server
// pg_ctl started is no child of it. The watchdog polls every 2 seconds and
// ends with the cluster.
func watchPGCluster(dir, data, bin string, asUser []string) {
	pgctl := strings.Join(append(slices.Clone(asUser), filepath.Join(bin, "pg_ctl")), " ")
	script := fmt.Sprintf(`while kill -0 %d 2>/dev/null; do sleep 2; done
if [ -f '%s/postmaster.pid' ]; then %s -D '%s' -m immediate -w stop >/dev/null 2>&1; fi
rm -rf '%s'`, os.Getpid(), data, pgctl, data, dir)
	cmd := exec.Command("sh", "-c", script)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err == nil {
		go cmd.Wait()
	}
}
