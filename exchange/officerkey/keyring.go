package officerkey

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
	"sync"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/exchange"
)

// officerKeyFile is where an officer's private key lives in a key directory.
func officerKeyFile(dir, officerID string) (string, error) {
	if err := exchange.CheckOfficerID(officerID); err != nil {
		return "", cases.Errorf(cases.EINVALID, "%v", err)
	}
	return filepath.Join(dir, officerID+".key"), nil
}

// LoadOrCreate returns the officer's ed25519 private key from
// DIR/<officerID>.key (an encrypted key file, see Seal), opening it with
// the passphrase; when the file does not exist yet it creates the key, sealed
// with the passphrase under params, and the directory (mode 0700, file 0600).
func LoadOrCreate(dir, officerID string, passphrase []byte, params Params) (ed25519.PrivateKey, error) {
	path, err := officerKeyFile(dir, officerID)
	if err != nil {
		return nil, err
	}
	key, err := readOfficerKey(path, officerID, passphrase)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}
	_, key, err = ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, cases.Wrap(cases.EINTERNAL, err, "cannot generate a key for officer %s", officerID)
	}
	if err := writeOfficerKey(path, officerID, key, passphrase, params); err != nil {
		return nil, err
	}
	return key, nil
}

// Copy copies the officer's sealed key file from the key directory from to
// the key directory to, unless to already has one (development PKI: an
// officer may sign in at any desk of the agency). The file opens with the
// same passphrase anywhere.
func Copy(from, to, officerID string) error {
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
	data, err := os.ReadFile(src)
	if err != nil {
		return cases.Wrap(cases.ESTORAGE, err, "cannot read %s", src)
	}
	if err := os.MkdirAll(to, 0o700); err != nil {
		return cases.Wrap(cases.ESTORAGE, err, "cannot create key directory")
	}
	if err := os.WriteFile(dst, data, 0o600); err != nil {
		return cases.Wrap(cases.ESTORAGE, err, "cannot write %s", dst)
	}
	return nil
}

// writeOfficerKey seals the key with the passphrase into a new file; it never
// overwrites one.
func writeOfficerKey(path, officerID string, key ed25519.PrivateKey, passphrase []byte, params Params) error {
	data, err := Seal(officerID, key, passphrase, params)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return cases.Wrap(cases.ESTORAGE, err, "cannot create key directory")
	}
	// O_EXCL: two desks racing to create the same key must not overwrite each other.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return cases.Wrap(cases.ESTORAGE, err, "cannot create key file")
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return cases.Wrap(cases.ESTORAGE, err, "cannot write key file %s", path)
	}
	if err := f.Close(); err != nil {
		return cases.Wrap(cases.ESTORAGE, err, "cannot write key file %s", path)
	}
	return nil
}

// readOfficerKey opens the officer's key file at path with the passphrase.
func readOfficerKey(path, officerID string, passphrase []byte) (ed25519.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	kf, err := Parse(data)
	if errors.Is(err, ErrPlain) {
		return nil, &cases.Error{Code: cases.EINVALID, Err: ErrPlain, Message: fmt.Sprintf(
			"the signing key of officer %s (%s) is not encrypted (it was made by an older Enlace): encrypt it with `enlace officer passphrase --as %s`", officerID, path, officerID)}
	}
	if err != nil {
		return nil, cases.Wrap(cases.EINVALID, err, "%s", path)
	}
	return kf.Open(officerID, passphrase)
}

// readPlainOfficerKey reads a key file written before keys were encrypted
// (PKCS #8 PEM in the clear).
func readPlainOfficerKey(path string) (ed25519.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, cases.Errorf(cases.EINVALID, "%s is not an unencrypted PEM \"PRIVATE KEY\" file", path)
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

// SetPassphrase (re)encrypts the officer's key file in dir with a new
// passphrase. An encrypted file is first opened with old (a wrong one gives
// an error wrapping cases.ErrWrongPassphrase); an unencrypted file from an
// older Enlace needs no old passphrase. The file is replaced atomically.
func SetPassphrase(dir, officerID string, old, passphrase []byte, params Params) error {
	path, err := officerKeyFile(dir, officerID)
	if err != nil {
		return err
	}
	key, err := readOfficerKey(path, officerID, old)
	if errors.Is(err, ErrPlain) {
		key, err = readPlainOfficerKey(path)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return cases.Errorf(cases.ENOTFOUND, "officer %s has no signing key on this desk (%s)", officerID, path)
	}
	if err != nil {
		return err
	}
	data, err := Seal(officerID, key, passphrase, params)
	if err != nil {
		return err
	}
	tmp := path + ".new"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return cases.Wrap(cases.ESTORAGE, err, "cannot write %s", tmp)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return cases.Wrap(cases.ESTORAGE, err, "cannot replace %s", path)
	}
	return nil
}

// IsPlain reports whether the officer's key file in dir is an
// unencrypted one from an older Enlace.
func IsPlain(dir, officerID string) bool {
	path, err := officerKeyFile(dir, officerID)
	if err != nil {
		return false
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	_, err = Parse(data)
	return errors.Is(err, ErrPlain)
}

var (
	_ exchange.Signer   = (*Keyring)(nil)
	_ cases.KeyUnlocker = (*Keyring)(nil)
)

// Keyring is the desk's Signer over the key files of a directory (one
// DIR/<officerID>.key per officer, see LoadOrCreate). A key signs
// only once its officer has unlocked it with the passphrase in this process
// (Unlock), and until it is locked again: an officer who has not logged in
// cannot sign. It never creates keys. Safe for concurrent use; it implements
// cases.KeyUnlocker.
type Keyring struct {
	dir  string
	mu   sync.Mutex
	keys map[string]ed25519.PrivateKey
}

// NewKeyring returns a Keyring over the key directory dir, every key locked.
func NewKeyring(dir string) *Keyring {
	return &Keyring{dir: dir, keys: map[string]ed25519.PrivateKey{}}
}

// Dir is the key directory.
func (k *Keyring) Dir() string { return k.dir }

// Unlock opens the officer's key file with the passphrase and keeps the key
// for signing until Lock. It takes as long as the file's Argon2id parameters
// say (about 0.3 s with DefaultParams). A wrong passphrase gives an error
// wrapping cases.ErrWrongPassphrase; an unencrypted file from an older Enlace
// one wrapping ErrPlain that says how to encrypt it.
func (k *Keyring) Unlock(officerID string, passphrase []byte) error {
	path, err := officerKeyFile(k.dir, officerID)
	if err != nil {
		return err
	}
	key, err := readOfficerKey(path, officerID, passphrase)
	if errors.Is(err, fs.ErrNotExist) {
		return cases.Errorf(cases.ENOTFOUND, "officer %s has no signing key on this desk (%s); the exchange only accepts officers registered with it", officerID, path)
	}
	if err != nil {
		return err
	}
	k.mu.Lock()
	if old, ok := k.keys[officerID]; ok {
		clear(old)
	}
	k.keys[officerID] = key
	k.mu.Unlock()
	return nil
}

// Lock forgets the officer's opened key (its bytes are zeroed).
func (k *Keyring) Lock(officerID string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if key, ok := k.keys[officerID]; ok {
		clear(key)
		delete(k.keys, officerID)
	}
}

// Unlocked reports whether the officer's key is open.
func (k *Keyring) Unlocked(officerID string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	_, ok := k.keys[officerID]
	return ok
}

// Key returns the officer's opened private key; Lock zeroes it.
func (k *Keyring) Key(officerID string) (ed25519.PrivateKey, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if key, ok := k.keys[officerID]; ok {
		return key, nil
	}
	return nil, cases.Errorf(cases.EFORBIDDEN, "officer %s has not logged in on this desk: their signing key is locked", clipText(officerID))
}

// Sign signs msg with the officer's key (under the keyring's lock, so a
// concurrent Lock never zeroes a key while it signs).
func (k *Keyring) Sign(officerID string, msg []byte) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	key, ok := k.keys[officerID]
	if !ok {
		return nil, cases.Errorf(cases.EFORBIDDEN, "officer %s has not logged in on this desk: their signing key is locked", clipText(officerID))
	}
	return ed25519.Sign(key, msg), nil
}
