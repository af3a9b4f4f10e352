package hub

import (
	"bytes"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSQLiteHubFromNewerHubIsRefused: a hub database whose schema version is
// newer than this hub's is refused, and the file is left byte for byte.
func TestSQLiteHubFromNewerHubIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hub.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE future (x INTEGER); PRAGMA user_version = 99;`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = OpenSQLiteHub(path, []string{"US-CBP"}, nil)
	if err == nil || !strings.Contains(err.Error(), "schema version 99") {
		t.Fatalf("opening a newer hub database: %v", err)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Fatal("the refused database file changed")
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		t.Fatal("the refused database got a WAL file")
	}
}
