package cases

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"sync"
	"time"
)

// IDs is the one ID scheme of Enlace: time-ordered UUIDs (RFC 9562 version 7)
// drawn from a Clock. Records, events and annotations all take their IDs from
// here, so IDs sort by creation time and two desks never collide. Within one
// generator IDs are strictly increasing even when the clock stands still.
type IDs struct {
	clock Clock
	rand  io.Reader
	mu    sync.Mutex
	last  [16]byte
}

// NewIDs returns a generator that stamps IDs with clock's time and fills
// them from the system's random source.
func NewIDs(clock Clock) *IDs { return &IDs{clock: clock, rand: rand.Reader} }

// NewSeededIDs returns a generator whose random part comes from src: with a
// seeded src and a fixed clock it repeats the same IDs (demo data, tests).
func NewSeededIDs(clock Clock, src io.Reader) *IDs { return &IDs{clock: clock, rand: src} }

// New returns a new UUIDv7 in its canonical text form.
func (g *IDs) New() string {
	var u [16]byte
	ms := uint64(g.clock.Now().UnixMilli())
	u[0] = byte(ms >> 40)
	u[1] = byte(ms >> 32)
	u[2] = byte(ms >> 24)
	u[3] = byte(ms >> 16)
	u[4] = byte(ms >> 8)
	u[5] = byte(ms)
	if _, err := io.ReadFull(g.rand, u[6:]); err != nil {
		panic(fmt.Sprintf("cases: system random source failed: %v", err))
	}
	u[6] = 0x70 | (u[6] & 0x0f) // version 7
	u[8] = 0x80 | (u[8] & 0x3f) // RFC 9562 variant

	g.mu.Lock()
	if string(u[:]) <= string(g.last[:]) {
		// Same millisecond (or a clock that went back): continue from the last
		// ID so the order still holds.
		u = g.last
		increment(&u)
	}
	g.last = u
	g.mu.Unlock()
	return format(u)
}

func increment(u *[16]byte) {
	for i := 15; i >= 6; i-- {
		if i == 8 {
			// keep the variant bits: carry through the low 6 bits only
			if u[8]&0x3f != 0x3f {
				u[8]++
				return
			}
			u[8] = 0x80
			continue
		}
		if i == 6 {
			if u[6]&0x0f != 0x0f {
				u[6]++
				return
			}
			u[6] = 0x70
			continue
		}
		u[i]++
		if u[i] != 0 {
			return
		}
	}
}

func format(u [16]byte) string {
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:], u[10:])
	return string(b[:])
}

// IDTime returns the creation time encoded in a UUIDv7 produced by IDs.
func IDTime(id string) (time.Time, bool) {
	if len(id) != 36 || id[14] != '7' {
		return time.Time{}, false
	}
	var b [6]byte
	if _, err := hex.Decode(b[0:4], []byte(id[0:8])); err != nil {
		return time.Time{}, false
	}
	if _, err := hex.Decode(b[4:6], []byte(id[9:13])); err != nil {
		return time.Time{}, false
	}
	ms := int64(b[0])<<40 | int64(b[1])<<32 | int64(b[2])<<24 | int64(b[3])<<16 | int64(b[4])<<8 | int64(b[5])
	return time.UnixMilli(ms).UTC(), true
}
