package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/enlace-desk/enlace/cases"
)

// TestListenersNeverHoldUpTheWriter blocks a subject listener and saves
// twice: both saves finish while it is blocked, FlushWatchers waits for it,
// and every save is told, in commit order.
func TestListenersNeverHoldUpTheWriter(t *testing.T) {
	st, _, _ := seeded(t)
	if err := st.FlushWatchers(ctx); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var told []string
	block := make(chan struct{})
	st.WatchSubjects(func(id string) {
		<-block
		mu.Lock()
		told = append(told, id)
		mu.Unlock()
	})
	saved := make(chan error)
	var ids []string
	go func() {
		for _, name := range []string{"Uno", "Dos"} {
			s := &cases.Subject{Name: cases.Name{Given: []string{name}, Paternal: "Prueba"}, Category: cases.CategoryOther}
			err := st.SaveSubject(ctx, ecOfficer, s)
			ids = append(ids, s.ID)
			saved <- err
		}
		close(saved)
	}()
	for err := range saved {
		if err != nil {
			t.Fatal(err)
		}
	}
	// Both saves returned with the listener still blocked.
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if err := st.FlushWatchers(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("FlushWatchers with a blocked listener: %v, want the context's end", err)
	}
	close(block)
	if err := st.FlushWatchers(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(told) != 2 || told[0] != ids[0] || told[1] != ids[1] {
		t.Errorf("listener told %v, want %v in commit order", told, ids)
	}
}
