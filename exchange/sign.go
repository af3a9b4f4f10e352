package exchange

import (
	"crypto/ed25519"
	"fmt"
	"runtime"
	"sync"

	"github.com/enlace-desk/enlace/cases"
)

// Signer signs an event's canonical bytes (cases.Event.SigningBytes) on behalf
// of its author. The desk's store calls it for every event it creates. The
// desk's is an officerkey.Keyring: officers' keys encrypted with their
// passphrase, signing only once opened.
type Signer interface {
	Sign(officerID string, msg []byte) ([]byte, error)
}

// SignEvent sets ev.Signature to its author's signature over ev.SigningBytes().
func SignEvent(ev *cases.Event, s Signer) error {
	sig, err := s.Sign(ev.Author, ev.SigningBytes())
	if err != nil {
		return err
	}
	ev.Signature = sig
	return nil
}

// VerifyEvent checks that ev carries its author's valid signature under pub.
// Any change to any field after signing makes it fail.
func VerifyEvent(ev *cases.Event, pub ed25519.PublicKey) error {
	if len(pub) != ed25519.PublicKeySize {
		return EventErr(ev.ID, cases.EINTERNAL, "officer %s has no valid public key", Clip(ev.Author))
	}
	if len(ev.Signature) != ed25519.SignatureSize || !ed25519.Verify(pub, ev.SigningBytes(), ev.Signature) {
		return &EventError{EventID: Clip(ev.ID), Field: "signature", Code: cases.EFORBIDDEN,
			Message: fmt.Sprintf("not a valid signature of officer %s: the event was forged or altered", Clip(ev.Author))}
	}
	return nil
}

// VerifyAll checks the signatures of the events whose errs entry is nil
// against keys, in Parallel.
func VerifyAll(evs []cases.Event, keys []ed25519.PublicKey, errs []error) {
	Parallel(len(evs), func(i int) {
		if errs[i] == nil {
			errs[i] = VerifyEvent(&evs[i], keys[i])
		}
	})
}

// Parallel calls f(0) to f(n-1) on all cores (one goroutine for a small n)
// and returns when all are done.
func Parallel(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), 1+n/64)
	if workers <= 1 {
		for i := 0; i < n; i++ {
			f(i)
		}
		return
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				f(i)
			}
		}()
	}
	wg.Wait()
}
