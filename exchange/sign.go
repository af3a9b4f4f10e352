package exchange

import (
	"crypto/ed25519"
	"fmt"
	"runtime"
	"sync"

	"github.com/hdevalence/ed25519consensus"

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
//
// Signatures are judged by the rules of ZIP 215 (cofactored verification,
// canonical s), which a batch check and a single check apply alike: an event
// is valid or not whatever else arrives with it. Every signature Go's
// crypto/ed25519 makes is valid under them.
func VerifyEvent(ev *cases.Event, pub ed25519.PublicKey) error {
	if err := checkKey(ev, pub); err != nil {
		return err
	}
	if len(ev.Signature) != ed25519.SignatureSize || !ed25519consensus.Verify(pub, ev.SigningBytes(), ev.Signature) {
		return forged(ev)
	}
	return nil
}

func checkKey(ev *cases.Event, pub ed25519.PublicKey) error {
	if len(pub) != ed25519.PublicKeySize {
		return EventErr(ev.ID, cases.EINTERNAL, "officer %s has no valid public key", Clip(ev.Author))
	}
	return nil
}

func forged(ev *cases.Event) error {
	return &EventError{EventID: Clip(ev.ID), Field: "signature", Code: cases.EFORBIDDEN,
		Message: fmt.Sprintf("not a valid signature of officer %s: the event was forged or altered", Clip(ev.Author))}
}

// verifyBatch is how many signatures VerifyAll checks at once. A batch check
// costs about half of checking each alone (27 against 56 µs a signature on
// one core of this project's machine: BenchmarkVerifyAll -cpu 1); beyond 64
// the saving falls.
const verifyBatch = 64

// VerifyAll checks the signatures of the events whose errs entry is nil
// against keys, in batches on all cores. A batch that fails is checked event
// by event, so each forged or altered event gets its own error and the good
// ones beside it pass.
func VerifyAll(evs []cases.Event, keys []ed25519.PublicKey, errs []error) {
	var todo []int
	for i := range evs {
		if errs[i] != nil {
			continue
		}
		if err := checkKey(&evs[i], keys[i]); err != nil {
			errs[i] = err
			continue
		}
		if len(evs[i].Signature) != ed25519.SignatureSize {
			errs[i] = forged(&evs[i])
			continue
		}
		todo = append(todo, i)
	}
	batches := (len(todo) + verifyBatch - 1) / verifyBatch
	spread(batches, batches, func(b int) {
		part := todo[b*verifyBatch : min((b+1)*verifyBatch, len(todo))]
		if len(part) > 1 {
			bv := ed25519consensus.NewPreallocatedBatchVerifier(len(part))
			for _, i := range part {
				bv.Add(keys[i], evs[i].SigningBytes(), evs[i].Signature)
			}
			if bv.Verify() {
				return
			}
		}
		for _, i := range part {
			errs[i] = VerifyEvent(&evs[i], keys[i])
		}
	})
}

// Parallel calls f(0) to f(n-1) on all cores (one goroutine for a small n)
// and returns when all are done.
func Parallel(n int, f func(i int)) {
	spread(n, 1+n/64, f)
}

// spread calls f(0) to f(n-1) on at most the given number of goroutines,
// never more than there are cores.
func spread(n, workers int, f func(i int)) {
	workers = min(runtime.GOMAXPROCS(0), workers)
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
