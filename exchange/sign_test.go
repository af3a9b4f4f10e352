package exchange

import (
	"crypto/ed25519"
	"fmt"
	"testing"

	"github.com/enlace-desk/enlace/cases"
)

type keySigner map[string]ed25519.PrivateKey

func (k keySigner) Sign(officer string, msg []byte) ([]byte, error) {
	return ed25519.Sign(k[officer], msg), nil
}

// signedNotes makes n events signed by one officer, with the officer's
// public key for each.
func signedNotes(t testing.TB, n int) ([]cases.Event, []ed25519.PublicKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	signer := keySigner{"ec.mrodriguez": priv}
	evs := make([]cases.Event, n)
	keys := make([]ed25519.PublicKey, n)
	for i := range evs {
		evs[i] = cases.Event{ID: fmt.Sprintf("0190a5b4-0000-7000-8000-%012d", i), Author: "ec.mrodriguez", Device: "d",
			HLC: cases.HLC{WallMS: int64(i + 1)}, Kind: cases.EventAnnotationAdded, Agency: "EC-PN",
			Payload: []byte(fmt.Sprintf(`{"text":"note %d"}`, i))}
		if err := SignEvent(&evs[i], signer); err != nil {
			t.Fatal(err)
		}
		keys[i] = pub
	}
	return evs, keys
}

// TestVerifyAllFindsEachForgedEventInABatch: batches that hold a forged or
// altered event still name exactly that event, and the good events beside it
// pass; every size around the batch's edges is tried.
func TestVerifyAllFindsEachForgedEventInABatch(t *testing.T) {
	for _, n := range []int{0, 1, 2, verifyBatch - 1, verifyBatch, verifyBatch + 1, 3*verifyBatch + 7} {
		evs, keys := signedNotes(t, n)
		bad := map[int]string{}
		if n > 0 {
			evs[n-1].Payload = []byte(`{"text":"altered"}`) // altered after signing
			bad[n-1] = "signature"
		}
		if n > 2 {
			evs[1].Signature = evs[1].Signature[:10] // truncated
			bad[1] = "signature"
			keys[0] = nil // an officer without a key
			bad[0] = ""
		}
		if n > verifyBatch+1 {
			evs[verifyBatch].Signature = append([]byte(nil), evs[verifyBatch+1].Signature...) // another event's signature
			bad[verifyBatch] = "signature"
		}
		errs := make([]error, n)
		VerifyAll(evs, keys, errs)
		for i, err := range errs {
			field, isBad := bad[i]
			switch {
			case isBad && err == nil:
				t.Errorf("n=%d: event %d is forged but passed", n, i)
			case !isBad && err != nil:
				t.Errorf("n=%d: event %d is good but refused: %v", n, i, err)
			case isBad && field != "":
				if ee, ok := err.(*EventError); !ok || ee.Field != field || ee.EventID != evs[i].ID {
					t.Errorf("n=%d: event %d: got %#v, want an error on %s naming the event", n, i, err, field)
				}
			}
		}
	}
}

// TestVerifyAllKeepsEarlierErrors: an event already refused is not checked
// again and keeps its error.
func TestVerifyAllKeepsEarlierErrors(t *testing.T) {
	evs, keys := signedNotes(t, 5)
	errs := make([]error, 5)
	earlier := fmt.Errorf("refused before")
	errs[2] = earlier
	VerifyAll(evs, keys, errs)
	for i, err := range errs {
		if i == 2 && err != earlier || i != 2 && err != nil {
			t.Errorf("event %d: %v", i, err)
		}
	}
}

// BenchmarkVerifyAll checks 1,000 signatures as the hub and desks do (in
// batches, on all cores) and one by one with crypto/ed25519, the way it was
// before. With -cpu 1 both report one core's time per signature.
func BenchmarkVerifyAll(b *testing.B) {
	evs, keys := signedNotes(b, 1000)
	errs := make([]error, len(evs))
	b.Run("batched", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			clear(errs)
			VerifyAll(evs, keys, errs)
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(evs)), "µs/event")
	})
	b.Run("one-by-one", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			for j := range evs {
				if len(evs[j].Signature) != ed25519.SignatureSize || !ed25519.Verify(keys[j], evs[j].SigningBytes(), evs[j].Signature) {
					b.Fatal("a good signature failed")
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(evs)), "µs/event")
	})
}
