package exchange

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/enlace-desk/enlace/cases"
)

// Signer signs an event's canonical bytes (cases.Event.SigningBytes) on behalf
// of its author. The desk's store calls it for every event it creates.
type Signer interface {
	Sign(officerID string, msg []byte) ([]byte, error)
}

// officerKeyFile is where an officer's private key lives in a key directory.
func officerKeyFile(dir, officerID string) (string, error) {
	if err := CheckOfficerID(officerID); err != nil {
		return "", cases.Errorf(cases.EINVALID, "%v", err)
	}
	return filepath.Join(dir, officerID+".key"), nil
}

// LoadOrCreateOfficerKey returns the officer's ed25519 private key from
// DIR/<officerID>.key (PKCS #8 PEM), creating the key and the directory (mode
// 0700, file 0600) when the file does not exist yet.
func LoadOrCreateOfficerKey(dir, officerID string) (ed25519.PrivateKey, error) {
	path, err := officerKeyFile(dir, officerID)
	if err != nil {
		return nil, err
	}
	key, err := readOfficerKey(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}
	_, key, err = ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, cases.Wrap(cases.EINTERNAL, err, "cannot generate a key for officer %s", officerID)
	}
	if err := writeOfficerKey(path, key); err != nil {
		return nil, err
	}
	return key, nil
}

// CopyOfficerKey copies the officer's key file from the key directory from
// to the key directory to, unless to already has one (development PKI: an
// officer may sign in at any desk of the agency).
func CopyOfficerKey(from, to, officerID string) error {
	src, err := officerKeyFile(from, officerID)
	if err != nil {
		return err
	}
	dst, err := officerKeyFile(to, officerID)
	if err != nil {
		return err
	}
	if _, err := os.Stat(dst); err == nil {
		return nil
	}
	key, err := readOfficerKey(src)
	if err != nil {
		return err
	}
	return writeOfficerKey(dst, key)
}

func writeOfficerKey(path string, key ed25519.PrivateKey) error {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return cases.Wrap(cases.EINTERNAL, err, "cannot encode key %s", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return cases.Wrap(cases.ESTORAGE, err, "cannot create key directory")
	}
	// O_EXCL: two desks racing to create the same key must not overwrite each other.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return cases.Wrap(cases.ESTORAGE, err, "cannot create key file")
	}
	if err := pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		f.Close()
		return cases.Wrap(cases.ESTORAGE, err, "cannot write key file %s", path)
	}
	if err := f.Close(); err != nil {
		return cases.Wrap(cases.ESTORAGE, err, "cannot write key file %s", path)
	}
	return nil
}

func readOfficerKey(path string) (ed25519.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, cases.Errorf(cases.EINVALID, "%s is not a PEM \"PRIVATE KEY\" file", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, cases.Wrap(cases.EINVALID, err, "%s: cannot read the key", path)
	}
	key, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, cases.Errorf(cases.EINVALID, "%s holds a %T, not an ed25519 key", path, k)
	}
	return key, nil
}

// Keyring is the desk's Signer: it signs with the key files of a directory
// (one DIR/<officerID>.key per officer, see LoadOrCreateOfficerKey), loading
// each key once. It never creates keys: an officer without a key file cannot
// sign, because the hub would not know the key. Safe for concurrent use.
type Keyring struct {
	dir  string
	mu   sync.Mutex
	keys map[string]ed25519.PrivateKey
}

// NewKeyring returns a Keyring over the key directory dir.
func NewKeyring(dir string) *Keyring {
	return &Keyring{dir: dir, keys: map[string]ed25519.PrivateKey{}}
}

// Key returns the officer's private key.
func (k *Keyring) Key(officerID string) (ed25519.PrivateKey, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if key, ok := k.keys[officerID]; ok {
		return key, nil
	}
	path, err := officerKeyFile(k.dir, officerID)
	if err != nil {
		return nil, err
	}
	key, err := readOfficerKey(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, cases.Errorf(cases.ENOTFOUND, "officer %s has no signing key on this desk (%s); the exchange only accepts officers registered with it", officerID, path)
	}
	if err != nil {
		return nil, err
	}
	k.keys[officerID] = key
	return key, nil
}

// Sign signs msg with the officer's key.
func (k *Keyring) Sign(officerID string, msg []byte) ([]byte, error) {
	key, err := k.Key(officerID)
	if err != nil {
		return nil, err
	}
	return ed25519.Sign(key, msg), nil
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
