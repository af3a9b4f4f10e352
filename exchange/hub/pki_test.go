package hub

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"

	"github.com/enlace-desk/enlace/exchange/officerkey"
)

// TestInitDevPKIEncryptsPlainKeysItFinds: a PKI made before keys were
// encrypted keeps its officers' identities and ends with every key sealed.
func TestInitDevPKIEncryptsPlainKeysItFinds(t *testing.T) {
	dir := t.TempDir()
	pki, err := testPKI(dir, DevPKIOptions{Desks: testDesks})
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := LoadHubConfig(pki.ConfigPath)
	// Make us.jcarter's key plain on both US desks, as an older Enlace left it.
	ring := officerkey.NewKeyring(pki.Desks["us-1"].KeyDir)
	if err := ring.Unlock("us.jcarter", testPassphrase); err != nil {
		t.Fatal(err)
	}
	key, _ := ring.Key("us.jcarter")
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	for _, d := range []string{"us-1", "us-2"} {
		os.WriteFile(filepath.Join(pki.Desks[d].KeyDir, "us.jcarter.key"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
	}
	if _, err := testPKI(dir, DevPKIOptions{Desks: testDesks}); err != nil {
		t.Fatal(err)
	}
	cfg2, _ := LoadHubConfig(pki.ConfigPath)
	for i := range cfg.Officers {
		if !bytes.Equal(cfg.Officers[i].PublicKey, cfg2.Officers[i].PublicKey) {
			t.Errorf("officer %s got a new key", cfg.Officers[i].ID)
		}
	}
	for _, d := range []string{"us-1", "us-2"} {
		if officerkey.IsPlain(pki.Desks[d].KeyDir, "us.jcarter") {
			t.Errorf("desk %s: the key is still plain", d)
		}
		if err := officerkey.NewKeyring(pki.Desks[d].KeyDir).Unlock("us.jcarter", testPassphrase); err != nil {
			t.Errorf("desk %s: %v", d, err)
		}
	}
}
