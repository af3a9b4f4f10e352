package officerkey

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/enlace-desk/enlace/cases"
)

// The tests seal keys with cheap Argon2id parameters.
var (
	testPassphrase = []byte("exchange test passphrase")
	testKeyParams  = Params{Time: 1, MemoryKiB: 64, Threads: 1}
)

func sealedTestKey(t testing.TB) (ed25519.PrivateKey, []byte) {
	t.Helper()
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	data, err := Seal("ec.mrodriguez", key, testPassphrase, testKeyParams)
	if err != nil {
		t.Fatal(err)
	}
	return key, data
}

func TestKeyFileRoundTrip(t *testing.T) {
	key, data := sealedTestKey(t)
	if !bytes.HasPrefix(data, []byte("-----BEGIN "+PEMType+"-----")) {
		t.Fatalf("not a PEM key file: %s", data)
	}
	if bytes.Contains(data, key.Seed()) {
		t.Fatal("the seed is in the file in the clear")
	}
	kf, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if kf.Version != Version || kf.Params != testKeyParams {
		t.Fatalf("parsed %+v", kf)
	}
	got, err := kf.Open("ec.mrodriguez", testPassphrase)
	if err != nil || !got.Equal(key) {
		t.Fatalf("open: %v", err)
	}
	// Sealing twice gives different files (fresh salt and nonce).
	again, _ := Seal("ec.mrodriguez", key, testPassphrase, testKeyParams)
	if bytes.Equal(again, data) {
		t.Fatal("two seals of one key are identical")
	}
}

func TestKeyFileWrongPassphraseOrOfficer(t *testing.T) {
	_, data := sealedTestKey(t)
	kf, _ := Parse(data)
	_, err := kf.Open("ec.mrodriguez", []byte("exchange test passphrasE"))
	if !errors.Is(err, cases.ErrWrongPassphrase) || cases.ErrorCode(err) != cases.EFORBIDDEN || !strings.Contains(err.Error(), "wrong passphrase") {
		t.Fatalf("wrong passphrase: %v", err)
	}
	// The file is bound to its officer: renamed for another, it does not open.
	if _, err := kf.Open("ec.lzambrano", testPassphrase); !errors.Is(err, cases.ErrWrongPassphrase) {
		t.Fatalf("another officer's file opened: %v", err)
	}
}

func TestKeyFileDamagedUnknownVersionPlain(t *testing.T) {
	_, data := sealedTestKey(t)
	block, _ := pem.Decode(data)
	reseal := func(b []byte) []byte { return pem.EncodeToMemory(&pem.Block{Type: PEMType, Bytes: b}) }
	flip := func(i int) []byte {
		b := bytes.Clone(block.Bytes)
		b[i] ^= 0x40
		return reseal(b)
	}
	var kfe *FileError
	for name, in := range map[string][]byte{
		"empty":            nil,
		"not PEM":          []byte("hello"),
		"other PEM type":   pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{1}}),
		"truncated":        reseal(block.Bytes[:len(block.Bytes)-1]),
		"longer":           reseal(append(bytes.Clone(block.Bytes), 0)),
		"magic":            flip(0),
		"salt flipped":     flip(20),
		"ciphertext":       flip(keyHeaderSize + 3),
		"checksum":         flip(keyFileSize - 1),
		"trailing garbage": append(bytes.Clone(data), "junk"...),
	} {
		_, err := Parse(in)
		if !errors.As(err, &kfe) || !strings.Contains(err.Error(), "damaged") {
			t.Errorf("%s: %v; want a damaged-file error", name, err)
		}
	}
	v2 := bytes.Clone(block.Bytes)
	v2[4] = 2
	if _, err := Parse(reseal(v2)); err == nil || !strings.Contains(err.Error(), "version 2") || !strings.Contains(err.Error(), "newer Enlace") {
		t.Errorf("unknown version: %v", err)
	}
	// Parameters out of bounds never reach Argon2id, even with a valid checksum.
	huge := bytes.Clone(block.Bytes)
	huge[10], huge[11] = 0x7f, 0xff // memory ≈ 2 TiB
	if _, err := Parse(resum(huge)); !errors.As(err, &kfe) || !strings.Contains(err.Error(), "memory") {
		t.Errorf("huge memory: %v", err)
	}
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	der, _ := x509MarshalPKCS8(key)
	if _, err := Parse(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})); !errors.Is(err, ErrPlain) {
		t.Errorf("plain key: %v", err)
	}
}

// resum recomputes a file's checksum after an edit, so the test reaches the
// checks behind it.
func resum(b []byte) []byte {
	sumFile := bytes.Clone(b)
	s := sha256Sum(sumFile[:keyFileSize-32])
	copy(sumFile[keyFileSize-32:], s[:])
	return pem.EncodeToMemory(&pem.Block{Type: PEMType, Bytes: sumFile})
}

func TestPlainKeyFromAnOlderEnlaceSaysHowToEncryptItAndIsEncrypted(t *testing.T) {
	dir := t.TempDir()
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	der, _ := x509MarshalPKCS8(key)
	os.WriteFile(filepath.Join(dir, "ec.mrodriguez.key"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
	ring := NewKeyring(dir)
	err := ring.Unlock("ec.mrodriguez", testPassphrase)
	if !errors.Is(err, ErrPlain) || !strings.Contains(err.Error(), "enlace officer passphrase --as ec.mrodriguez") {
		t.Fatalf("plain key: %v", err)
	}
	if !IsPlain(dir, "ec.mrodriguez") {
		t.Fatal("not seen as plain")
	}
	if err := SetPassphrase(dir, "ec.mrodriguez", nil, []byte("short"), testKeyParams); err == nil || !strings.Contains(err.Error(), "at least 8") {
		t.Fatalf("short passphrase: %v", err)
	}
	if err := SetPassphrase(dir, "ec.mrodriguez", nil, testPassphrase, testKeyParams); err != nil {
		t.Fatal(err)
	}
	if err := ring.Unlock("ec.mrodriguez", testPassphrase); err != nil {
		t.Fatal(err)
	}
	got, _ := ring.Key("ec.mrodriguez")
	if !got.Equal(key) {
		t.Fatal("the encrypted key is another key")
	}
	// Changing it needs the old passphrase.
	if err := SetPassphrase(dir, "ec.mrodriguez", []byte("guess guess"), []byte("new passphrase"), testKeyParams); !errors.Is(err, cases.ErrWrongPassphrase) {
		t.Fatalf("change with a wrong passphrase: %v", err)
	}
	if err := SetPassphrase(dir, "ec.mrodriguez", testPassphrase, []byte("new passphrase"), testKeyParams); err != nil {
		t.Fatal(err)
	}
	ring.Lock("ec.mrodriguez")
	if _, err := ring.Sign("ec.mrodriguez", []byte("x")); err == nil {
		t.Fatal("a locked key signed")
	}
	if err := ring.Unlock("ec.mrodriguez", []byte("new passphrase")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(filepath.Join(dir, "ec.mrodriguez.key")); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode())
	}
}

func FuzzParse(f *testing.F) {
	_, data := sealedTestKey(f)
	f.Add(data)
	block, _ := pem.Decode(data)
	f.Add(pem.EncodeToMemory(&pem.Block{Type: PEMType, Bytes: block.Bytes[:30]}))
	f.Add([]byte("-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		kf, err := Parse(in)
		if err != nil {
			return
		}
		if kf.Params.Validate() != nil {
			t.Fatalf("parsed parameters out of bounds: %+v", kf.Params)
		}
		if kf.Params.MemoryKiB > 4096 || kf.Params.Time > 4 {
			return // a valid file with costly parameters: do not derive in a fuzz loop
		}
		if _, err := kf.Open("ec.mrodriguez", []byte("fuzz passphrase")); err == nil {
			t.Fatal("a fuzzed file opened with a guessed passphrase")
		}
	})
}

// BenchmarkDeriveKey measures DefaultParams: one login's Argon2id.
func BenchmarkDeriveKey(b *testing.B) {
	salt := make([]byte, keySaltSize)
	for b.Loop() {
		deriveKey([]byte("a passphrase of an officer"), salt, DefaultParams)
	}
}

// TestDefaultParamsCostALogin keeps the default parameters slow enough to
// matter and quick enough for a login (generous bounds: shared machines).
func TestDefaultParamsCostALogin(t *testing.T) {
	if testing.Short() {
		t.Skip("derives a key with the default parameters")
	}
	start := time.Now()
	deriveKey([]byte("a passphrase of an officer"), make([]byte, keySaltSize), DefaultParams)
	if d := time.Since(start); d < 50*time.Millisecond || d > 5*time.Second {
		t.Errorf("one derivation with the default parameters took %v", d)
	}
}

func x509MarshalPKCS8(key ed25519.PrivateKey) ([]byte, error) {
	return x509.MarshalPKCS8PrivateKey(key)
}

func sha256Sum(b []byte) [32]byte { return sha256.Sum256(b) }
