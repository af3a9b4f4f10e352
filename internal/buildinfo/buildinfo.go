// Package buildinfo says which build of Enlace's commands is running, for
// their --version: the module version (or "development build"), the VCS
// revision the build was made from, and the Go version.
package buildinfo

import "runtime/debug"

// Version is the version line the commands print. A release build sets it
// with -ldflags "-X github.com/enlace-desk/enlace/internal/buildinfo.version=…".
func Version() string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := bi.Main.Version
	if v == "" || v == "(devel)" {
		v = "development build"
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " (" + s.Value[:12] + ")"
		}
	}
	return v + ", " + bi.GoVersion
}

var version = ""
