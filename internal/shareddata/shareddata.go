// Package shareddata finds the project's shared reference data (../shared/data
// beside the repository: FVC2002 templates, ANSI/NIST-ITL transactions) for
// tests and benchmarks. The data is never copied into the repository.
//
// ENLACE_SHARED_DATA overrides the location. When the folder is absent a test
// skips with a clear message, unless ENLACE_REQUIRE_SHARED=1 is set (as CI sets
// it), in which case the test fails.
package shareddata

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Dir returns the shared data folder, or skips (fails under
// ENLACE_REQUIRE_SHARED=1) the calling test when it is absent.
func Dir(tb testing.TB) string {
	tb.Helper()
	dir, ok := Find()
	if ok {
		return dir
	}
	msg := "shared reference data not found (looked in " + dir + "; set ENLACE_SHARED_DATA to its location)"
	if os.Getenv("ENLACE_REQUIRE_SHARED") == "1" {
		tb.Fatal(msg + " and ENLACE_REQUIRE_SHARED=1 requires it")
	}
	tb.Skip(msg)
	return ""
}

// Path returns a file or folder inside the shared data folder (see Dir).
func Path(tb testing.TB, elem ...string) string {
	tb.Helper()
	return filepath.Join(append([]string{Dir(tb)}, elem...)...)
}

// Find returns the shared data folder and whether it exists, without a test.
// Without ENLACE_SHARED_DATA it looks for ../shared/data beside the module root.
func Find() (string, bool) {
	dir := os.Getenv("ENLACE_SHARED_DATA")
	if dir == "" {
		_, file, _, _ := runtime.Caller(0)
		root := filepath.Join(filepath.Dir(file), "..", "..")
		dir = filepath.Clean(filepath.Join(root, "..", "shared", "data"))
	}
	st, err := os.Stat(dir)
	return dir, err == nil && st.IsDir()
}
