package store

import (
	"slices"
	"sync"

	"github.com/enlace-desk/enlace/cases"
)

// keptChanges is how many generations of changes ChangedSince can tell
// apart; a reader further behind is told to read everything again.
const keptChanges = 64

// changeLog records what each write from outside the officer's own actions
// changed (events received from the exchange, the hub's verdicts, demo
// data), one generation per such write, for ChangedSince.
type changeLog struct {
	mu      sync.Mutex
	gen     uint64
	entries []changeEntry // the latest keptChanges, oldest first
}

type changeEntry struct {
	gen uint64
	ch  cases.Changes
}

// outsideChange collects, during one write, what it changes behind the
// workstation's back; the write records it once it commits.
type outsideChange struct {
	all, other bool
	cases      []string // filled by write from touchedCases; see markCase
	// onlyCases, when not nil, narrows the touched cases to these: a
	// round's verdicts re-project every case they name, but only a
	// conflict or a refusal changes what the case shows.
	onlyCases map[string]bool
}

// record adds one generation, unless ch says nothing changed.
func (l *changeLog) record(ch cases.Changes) {
	if ch.Empty() {
		return
	}
	if ch.All {
		ch.Cases, ch.Subjects, ch.Other = nil, nil, false
	}
	slices.Sort(ch.Cases)
	ch.Cases = slices.Compact(ch.Cases)
	slices.Sort(ch.Subjects)
	ch.Subjects = slices.Compact(ch.Subjects)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.gen++
	if len(l.entries) == keptChanges {
		l.entries = slices.Delete(l.entries, 0, 1)
	}
	l.entries = append(l.entries, changeEntry{gen: l.gen, ch: ch})
}

// Generation increases whenever the store changes from outside the officer's
// own actions (events received from the exchange that changed something,
// demo data), so open views reload what changed (ChangedSince).
func (s *DB) Generation() uint64 {
	s.changes.mu.Lock()
	defer s.changes.mu.Unlock()
	return s.changes.gen
}

// ChangedSince says what changed from outside the officer's own actions
// since generation since (0: since the store opened): which cases and
// subjects, or everything when since is older than the store keeps track
// of. Its Generation is the one to pass next time.
func (s *DB) ChangedSince(since uint64) cases.Changes {
	l := &s.changes
	l.mu.Lock()
	defer l.mu.Unlock()
	out := cases.Changes{Generation: l.gen}
	if since >= l.gen {
		return out
	}
	if len(l.entries) == 0 || l.entries[0].gen > since+1 {
		out.All = true
		return out
	}
	for _, e := range l.entries {
		if e.gen <= since {
			continue
		}
		out.All = out.All || e.ch.All
		out.Other = out.Other || e.ch.Other
		out.Cases = append(out.Cases, e.ch.Cases...)
		out.Subjects = append(out.Subjects, e.ch.Subjects...)
	}
	if out.All {
		out.Cases, out.Subjects, out.Other = nil, nil, false
		return out
	}
	slices.Sort(out.Cases)
	out.Cases = slices.Compact(out.Cases)
	slices.Sort(out.Subjects)
	out.Subjects = slices.Compact(out.Subjects)
	return out
}
