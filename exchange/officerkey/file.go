// Package officerkey keeps officers' ed25519 signing keys on a desk,
// encrypted with each officer's passphrase (Argon2id and XChaCha20-Poly1305;
// the file format is in docs/sync.md, "Officers' keys"), and the Keyring
// that signs with the keys officers have opened in this session
// (exchange.Signer, cases.KeyUnlocker).
//
// It depends on packages cases and exchange and on golang.org/x/crypto; the
// desk's store, the UI and the hub do not depend on it, the commands and the
// development PKI (exchange/hub) do.
package officerkey

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"encoding/pem"
	"fmt"

	"github.com/enlace-desk/enlace/cases"
	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// An officer's signing key is stored encrypted with the officer's passphrase:
// a PEM block of type PEMType whose bytes are, in order (integers big
// endian):
//
//	"ENLK"          4 bytes, the magic
//	version         1 byte, Version
//	kdf             1 byte, 1 = Argon2id
//	time            4 bytes, Argon2id passes
//	memory          4 bytes, Argon2id memory in KiB
//	threads         1 byte, Argon2id lanes
//	salt            16 bytes
//	aead            1 byte, 1 = XChaCha20-Poly1305
//	nonce           24 bytes
//	ciphertext      48 bytes: the 32-byte ed25519 seed and the 16-byte tag
//	checksum        32 bytes, SHA-256 of everything before it
//
// The AEAD key is Argon2id(passphrase, salt, time, memory, threads), 32 bytes;
// its additional data is "enlace-officer-key-v1", the officer ID, and the
// header (every byte before the ciphertext), so neither the parameters nor the
// officer a file belongs to can be changed without the file failing to open.
// The checksum is not secret: it tells a damaged file (the checksum fails) from
// a wrong passphrase (the checksum holds, the AEAD does not).
const (
	PEMType = "ENLACE OFFICER KEY"
	Version = 1

	keyFileMagic   = "ENLK"
	kdfArgon2id    = 1
	aeadXChaCha    = 1
	keySaltSize    = 16
	keySeedSize    = ed25519.SeedSize
	keyHeaderSize  = 4 + 1 + 1 + 4 + 4 + 1 + keySaltSize + 1 + chacha20poly1305.NonceSizeX
	keyCipherSize  = keySeedSize + chacha20poly1305.Overhead
	keyFileSize    = keyHeaderSize + keyCipherSize + sha256.Size
	keyFileADLabel = "enlace-officer-key-v1"
)

// Params are the Argon2id parameters that turn a passphrase into the key
// that encrypts an officer's signing key. They are stored in the file, so a
// key keeps opening after the defaults change.
type Params struct {
	Time      uint32 // passes over the memory
	MemoryKiB uint32
	Threads   uint8
}

// DefaultParams: 2 passes over 64 MiB with 2 lanes, which took 0.23–0.68 s
// per derivation, most runs about 0.43 s, on the project's 2-core machine
// while it was shared (load average 10–16; BenchmarkDeriveKey): slow enough
// that each guess at a passphrase from a stolen file costs that time and 64
// MiB, quick enough for a login. (RFC 9106's second recommended option is 3
// passes over 64 MiB; 3 passes took 0.57–1.2 s here, over the half second a
// login should take.)
var DefaultParams = Params{Time: 2, MemoryKiB: 64 * 1024, Threads: 2}

// Bounds a key file's parameters must keep, so that a hostile or damaged file
// cannot make the desk allocate gigabytes or spin for minutes.
const (
	maxKeyTime      = 64
	maxKeyMemoryKiB = 1 << 20 // 1 GiB
	maxKeyThreads   = 16
)

// Validate checks the parameters are within the bounds a desk will run.
func (p Params) Validate() error {
	switch {
	case p.Time < 1 || p.Time > maxKeyTime:
		return fmt.Errorf("Argon2id time %d is outside 1–%d", p.Time, maxKeyTime)
	case p.Threads < 1 || p.Threads > maxKeyThreads:
		return fmt.Errorf("Argon2id threads %d is outside 1–%d", p.Threads, maxKeyThreads)
	case p.MemoryKiB < 8*uint32(p.Threads) || p.MemoryKiB > maxKeyMemoryKiB:
		return fmt.Errorf("Argon2id memory %d KiB is outside %d–%d KiB", p.MemoryKiB, 8*uint32(p.Threads), maxKeyMemoryKiB)
	}
	return nil
}

// File is a parsed, still encrypted, officer key file.
type File struct {
	Version    int
	Params     Params
	salt       []byte
	nonce      []byte
	header     []byte
	ciphertext []byte
}

// FileError says what is wrong with a key file's bytes.
type FileError struct {
	Reason string
}

func (e *FileError) Error() string { return "damaged officer key file: " + e.Reason }

// ErrPlain is returned for a key file written by an Enlace older than
// encrypted keys: a PEM "PRIVATE KEY" block in the clear.
var ErrPlain = cases.Errorf(cases.EINVALID, "the officer key file is not encrypted")

// Parse reads an officer key file (PEM text). It never panics: a file
// that is not one gives a *FileError, a plain PKCS #8 key ErrPlain, a
// version it does not know an error naming it.
func Parse(data []byte) (*File, error) {
	block, rest := pem.Decode(data)
	if block == nil {
		return nil, &FileError{Reason: "no PEM block"}
	}
	if block.Type == "PRIVATE KEY" {
		return nil, ErrPlain
	}
	if block.Type != PEMType {
		return nil, &FileError{Reason: fmt.Sprintf("PEM block %q, want %q", clipText(block.Type), PEMType)}
	}
	if len(bytes.TrimSpace(rest)) != 0 {
		return nil, &FileError{Reason: "data after the PEM block"}
	}
	b := block.Bytes
	if len(b) < 5 || string(b[:4]) != keyFileMagic {
		return nil, &FileError{Reason: "bad magic"}
	}
	if b[4] != Version {
		return nil, cases.Errorf(cases.EINVALID, "officer key file version %d is not one this Enlace reads (it reads version %d): it was written by a newer Enlace", b[4], Version)
	}
	if len(b) != keyFileSize {
		return nil, &FileError{Reason: fmt.Sprintf("%d bytes, want %d", len(b), keyFileSize)}
	}
	sum := sha256.Sum256(b[:keyFileSize-sha256.Size])
	if subtle.ConstantTimeCompare(sum[:], b[keyFileSize-sha256.Size:]) != 1 {
		return nil, &FileError{Reason: "checksum does not match (the file was damaged or edited)"}
	}
	if b[5] != kdfArgon2id {
		return nil, &FileError{Reason: fmt.Sprintf("unknown key derivation %d", b[5])}
	}
	kf := &File{Version: int(b[4])}
	kf.Params = Params{Time: binary.BigEndian.Uint32(b[6:10]), MemoryKiB: binary.BigEndian.Uint32(b[10:14]), Threads: b[14]}
	if err := kf.Params.Validate(); err != nil {
		return nil, &FileError{Reason: err.Error()}
	}
	off := 15
	kf.salt = b[off : off+keySaltSize]
	off += keySaltSize
	if b[off] != aeadXChaCha {
		return nil, &FileError{Reason: fmt.Sprintf("unknown cipher %d", b[off])}
	}
	off++
	kf.nonce = b[off : off+chacha20poly1305.NonceSizeX]
	off += chacha20poly1305.NonceSizeX
	kf.header = b[:off]
	kf.ciphertext = b[off : off+keyCipherSize]
	return kf, nil
}

// Open decrypts the officer's key with the passphrase. A wrong passphrase (or
// a file made for another officer) gives an error that wraps
// cases.ErrWrongPassphrase.
func (kf *File) Open(officerID string, passphrase []byte) (ed25519.PrivateKey, error) {
	aead, err := chacha20poly1305.NewX(deriveKey(passphrase, kf.salt, kf.Params))
	if err != nil {
		return nil, cases.Wrap(cases.EINTERNAL, err, "cannot open the key file")
	}
	seed, err := aead.Open(nil, kf.nonce, kf.ciphertext, keyFileAD(officerID, kf.header))
	if err != nil {
		return nil, &cases.Error{Code: cases.EFORBIDDEN, Err: cases.ErrWrongPassphrase,
			Message: fmt.Sprintf("wrong passphrase for officer %s", clipText(officerID))}
	}
	key := ed25519.NewKeyFromSeed(seed)
	clear(seed)
	return key, nil
}

// Seal encrypts an officer's key with the passphrase into a key file (PEM
// text).
func Seal(officerID string, key ed25519.PrivateKey, passphrase []byte, p Params) ([]byte, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, cases.Errorf(cases.EINVALID, "not an ed25519 private key")
	}
	if err := CheckPassphrase(passphrase); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, cases.Errorf(cases.EINVALID, "%v", err)
	}
	b := make([]byte, 0, keyFileSize)
	b = append(b, keyFileMagic...)
	b = append(b, Version, kdfArgon2id)
	b = binary.BigEndian.AppendUint32(b, p.Time)
	b = binary.BigEndian.AppendUint32(b, p.MemoryKiB)
	b = append(b, p.Threads)
	salt := make([]byte, keySaltSize)
	nonce := make([]byte, chacha20poly1305.NonceSizeX)
	rand.Read(salt)
	rand.Read(nonce)
	b = append(b, salt...)
	b = append(b, aeadXChaCha)
	b = append(b, nonce...)
	header := b[:len(b):len(b)]
	aead, err := chacha20poly1305.NewX(deriveKey(passphrase, salt, p))
	if err != nil {
		return nil, cases.Wrap(cases.EINTERNAL, err, "cannot seal the key")
	}
	b = aead.Seal(b, nonce, key.Seed(), keyFileAD(officerID, header))
	sum := sha256.Sum256(b)
	b = append(b, sum[:]...)
	return pem.EncodeToMemory(&pem.Block{Type: PEMType, Bytes: b}), nil
}

// MinPassphraseLen is the shortest passphrase a key is sealed with.
const MinPassphraseLen = 8

// CheckPassphrase says whether a passphrase may protect a key.
func CheckPassphrase(p []byte) error {
	if n := len([]rune(string(p))); n < MinPassphraseLen {
		return cases.Errorf(cases.EINVALID, "a passphrase needs at least %d characters (this one has %d)", MinPassphraseLen, n)
	}
	return nil
}

func deriveKey(passphrase, salt []byte, p Params) []byte {
	return argon2.IDKey(passphrase, salt, p.Time, p.MemoryKiB, p.Threads, chacha20poly1305.KeySize)
}

func keyFileAD(officerID string, header []byte) []byte {
	ad := make([]byte, 0, len(keyFileADLabel)+1+len(officerID)+1+len(header))
	ad = append(ad, keyFileADLabel...)
	ad = append(ad, 0)
	ad = append(ad, officerID...)
	ad = append(ad, 0)
	return append(ad, header...)
}

// clipText keeps untrusted text short in a message.
func clipText(s string) string {
	if r := []rune(s); len(r) > 64 {
		return string(r[:64]) + "…"
	}
	return s
}
