package hub

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzParseStoreURL: the hub's store URL parser never panics, accepts only
// sqlite: paths and postgres URLs, and never repeats a password it was given.
func FuzzParseStoreURL(f *testing.F) {
	for _, s := range []string{"sqlite:hub.db", "sqlite:///var/lib/hub.db", "sqlite:", "postgres://u:pw@127.0.0.1:5432/db?sslmode=disable",
		"postgresql://u@h/db", "postgres://u:pw@h:x/db", "mysql://u@h/db", "", "postgres://", "postgres://u:pw@[::1]:5432/db"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		kind, target, err := parseStoreURL(spec)
		if err != nil {
			if kind != "" || target != "" {
				t.Fatalf("error %v with kind %q target %q", err, kind, target)
			}
			if u, perr := url.Parse(spec); perr == nil && u.User != nil {
				if pw, ok := u.User.Password(); ok && len(pw) >= 4 && strings.Contains(err.Error(), pw) && !strings.Contains(strings.Replace(spec, pw, "", 1), pw) {
					// The message's own words may hold the password ("post"
					// is in "postgres://"): it is repeated only if it shows
					// more often than in the error for the same store with
					// another password of its length.
					other := strings.Repeat("q", len(pw))
					if pw == other {
						other = strings.Repeat("z", len(pw))
					}
					_, _, err2 := parseStoreURL(strings.Replace(spec, pw, other, 1))
					if err2 != nil && strings.Count(err.Error(), pw) > strings.Count(err2.Error(), pw) {
						t.Fatalf("the error repeats the password %q: %v", pw, err)
					}
				}
			}
			return
		}
		switch kind {
		case "sqlite":
			if !strings.HasPrefix(spec, "sqlite:") || target == "" {
				t.Fatalf("%q parsed as sqlite %q", spec, target)
			}
		case "postgres":
			if target != spec || !(strings.HasPrefix(spec, "postgres://") || strings.HasPrefix(spec, "postgresql://")) {
				t.Fatalf("%q parsed as postgres %q", spec, target)
			}
		default:
			t.Fatalf("%q: kind %q", spec, kind)
		}
	})
}
