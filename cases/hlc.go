package cases

import (
	"fmt"
	"sync"
	"time"
)

// HLC is a hybrid-logical-clock timestamp: wall time in milliseconds and a
// logical counter that orders events within the same millisecond and across
// desks whose clocks disagree. Its text form sorts in time order.
type HLC struct {
	WallMS  int64
	Logical uint32
}

// String renders the timestamp as fixed-width hex, "0000018c2f1a2b3c.00000001",
// so comparing strings compares timestamps.
func (h HLC) String() string { return fmt.Sprintf("%016x.%08x", h.WallMS, h.Logical) }

// Less reports whether h happened before o.
func (h HLC) Less(o HLC) bool {
	if h.WallMS != o.WallMS {
		return h.WallMS < o.WallMS
	}
	return h.Logical < o.Logical
}

// IsZero reports whether h is the zero timestamp.
func (h HLC) IsZero() bool { return h.WallMS == 0 && h.Logical == 0 }

// Time returns the wall-clock part of h.
func (h HLC) Time() time.Time { return time.UnixMilli(h.WallMS).UTC() }

// ParseHLC reads the text form made by HLC.String.
func ParseHLC(s string) (HLC, error) {
	var h HLC
	if len(s) != 25 || s[16] != '.' {
		return h, Errorf(EINVALID, "bad hybrid-logical-clock timestamp %q", s)
	}
	if _, err := fmt.Sscanf(s, "%016x.%08x", &h.WallMS, &h.Logical); err != nil {
		return h, Errorf(EINVALID, "bad hybrid-logical-clock timestamp %q", s)
	}
	return h, nil
}

// HLClock issues HLC timestamps from a Clock. Safe for concurrent use.
type HLClock struct {
	clock Clock
	mu    sync.Mutex
	last  HLC
}

// NewHLClock returns a hybrid logical clock driven by clock, starting after last
// (the highest timestamp this desk has seen, zero for a new one).
func NewHLClock(clock Clock, last HLC) *HLClock { return &HLClock{clock: clock, last: last} }

// Now returns a timestamp later than every one issued or observed before.
func (c *HLClock) Now() HLC {
	c.mu.Lock()
	defer c.mu.Unlock()
	wall := c.clock.Now().UnixMilli()
	if wall > c.last.WallMS {
		c.last = HLC{WallMS: wall}
	} else {
		c.last.Logical++
	}
	return c.last
}

// Observe merges a timestamp received from another desk, so that later local
// timestamps order after it.
func (c *HLClock) Observe(remote HLC) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.last.Less(remote) {
		c.last = remote
	}
}
