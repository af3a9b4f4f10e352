package hub

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/exchange"
	"github.com/enlace-desk/enlace/exchange/officerkey"
)

// DevDesk is a demo desk for InitDevPKI: its name (the certificate's common
// name, and the desk directory) and its agency.
type DevDesk struct {
	Name   string
	Agency string
}

// DevPKIOptions says what InitDevPKI creates. Zero fields take the demo's
// defaults (DefaultDevAgencies, DefaultDevDesks, DefaultDevOfficers).
type DevPKIOptions struct {
	Agencies []cases.Agency
	Desks    []DevDesk
	Officers []cases.Officer
	Listen   string    // the hub's listen address, "127.0.0.1:8443" by default
	Now      time.Time // start of the certificates' validity; now by default
	// Passphrase seals the officers' signing keys it creates (required; the
	// demo's officers share one). Keys already there are opened with it, and
	// unencrypted ones from an older Enlace are encrypted with it.
	Passphrase []byte
	KeyParams  officerkey.Params // Argon2id parameters of new keys; officerkey.DefaultParams when zero
}

// DefaultDevAgencies are the two agencies of the demo.
var DefaultDevAgencies = []cases.Agency{
	{Code: "US-CBP", Name: "U.S. Customs and Border Protection", Country: "USA"},
	{Code: "EC-PN", Name: "Policía Nacional del Ecuador", Country: "ECU"},
}

// DefaultDevDesks is one desk per demo agency.
var DefaultDevDesks = []DevDesk{{Name: "us-cbp-desk-1", Agency: "US-CBP"}, {Name: "ec-pn-desk-1", Agency: "EC-PN"}}

// DefaultDevOfficers are the demo's officers when none are given.
var DefaultDevOfficers = []cases.Officer{
	{ID: "us.jcarter", Name: "Jordan Carter", Agency: "US-CBP", Roles: []cases.Role{cases.RoleOfficer}},
	{ID: "us.mreyes", Name: "Marisol Reyes", Agency: "US-CBP", Roles: []cases.Role{cases.RoleSupervisor, cases.RoleOfficer}},
	{ID: "ec.mrodriguez", Name: "María Rodríguez", Agency: "EC-PN", Roles: []cases.Role{cases.RoleOfficer}},
	{ID: "ec.lvera", Name: "Luis Vera", Agency: "EC-PN", Roles: []cases.Role{cases.RoleSupervisor, cases.RoleOfficer}},
}

// DevPKI lists what InitDevPKI wrote.
type DevPKI struct {
	Dir        string
	ConfigPath string // the hub configuration, for "enlace-exchange serve --config"
	HubCAFile  string // the CA that issued the hub's certificate; desks trust it
	Desks      map[string]DeskFiles
}

// DeskFiles are one desk's files: its TLS certificate and key, the hub's CA,
// and the key directory holding its agency's officers' signing keys (a
// Keyring over KeyDir is the desk's Signer).
type DeskFiles struct {
	Name      string
	Agency    string
	CertFile  string
	KeyFile   string
	HubCAFile string
	KeyDir    string
}

// TLSConfig loads the desk's TLS client configuration.
func (d DeskFiles) TLSConfig() (*tls.Config, error) {
	return exchange.DeskTLSConfig(d.HubCAFile, d.CertFile, d.KeyFile)
}

// InitDevPKI creates a development PKI and hub configuration in dir:
//
//	hub-ca.pem, hub-ca.key           the exchange's CA (issues the hub certificate)
//	hub.pem, hub.key                 the hub, for localhost, 127.0.0.1 and ::1
//	agencies/<CODE>/ca.pem, ca.key   one CA per agency (issues its desks' certificates)
//	desks/<desk>/desk.pem, desk.key  a desk certificate: CN = desk name, O = agency code
//	desks/<desk>/hub-ca.pem          copy of the exchange CA
//	desks/<desk>/officers/<id>.key   signing keys of the agency's officers
//	hub.json                         hub configuration (officers' public keys inline)
//	hub.db                           (created by the hub when it first runs)
//
// Officer keys already present in a desk directory are kept, so running it
// again over the same dir renews certificates without changing identities.
// It is for development and demos only: the private keys of every party sit
// side by side.
func InitDevPKI(dir string, opts DevPKIOptions) (*DevPKI, error) {
	if opts.Agencies == nil {
		opts.Agencies = DefaultDevAgencies
	}
	if opts.Desks == nil {
		opts.Desks = DefaultDevDesks
	}
	if opts.Officers == nil {
		opts.Officers = DefaultDevOfficers
	}
	if opts.Listen == "" {
		opts.Listen = "127.0.0.1:8443"
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.KeyParams == (officerkey.Params{}) {
		opts.KeyParams = officerkey.DefaultParams
	}
	if err := officerkey.CheckPassphrase(opts.Passphrase); err != nil {
		return nil, cases.Errorf(cases.EINVALID, "the officers' keys need a passphrase: %v", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, cases.Wrap(cases.ESTORAGE, err, "cannot create %s", dir)
	}
	notBefore := opts.Now.Add(-time.Hour)
	notAfter := opts.Now.AddDate(5, 0, 0)
	out := &DevPKI{Dir: dir, ConfigPath: filepath.Join(dir, "hub.json"), HubCAFile: filepath.Join(dir, "hub-ca.pem"), Desks: map[string]DeskFiles{}}

	hubCA, hubCAKey, err := newCA("Enlace Exchange CA", "Enlace", notBefore, notAfter)
	if err != nil {
		return nil, err
	}
	if err := writeCertKey(dir, "hub-ca", hubCA, hubCAKey); err != nil {
		return nil, err
	}
	hubCert, hubKey, err := newLeaf(hubCA, hubCAKey, pkix.Name{CommonName: "enlace-exchange", Organization: []string{"Enlace"}},
		x509.ExtKeyUsageServerAuth, notBefore, notAfter, []string{"localhost"},
		[]net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")})
	if err != nil {
		return nil, err
	}
	if err := writeCertKey(dir, "hub", hubCert, hubKey); err != nil {
		return nil, err
	}
	cfg := HubConfig{Listen: opts.Listen, Database: "hub.db", TLSCert: "hub.pem", TLSKey: "hub.key"}

	agencyCA := map[string]*x509.Certificate{}
	agencyKey := map[string]crypto.Signer{}
	for _, a := range opts.Agencies {
		if !exchange.ValidAgency(a.Code) {
			return nil, cases.Errorf(cases.EINVALID, "%q is not an agency code like US-CBP", a.Code)
		}
		ca, key, err := newCA(a.Code+" Desk CA", a.Code, notBefore, notAfter)
		if err != nil {
			return nil, err
		}
		adir := filepath.Join(dir, "agencies", a.Code)
		if err := writeCertKey(adir, "ca", ca, key); err != nil {
			return nil, err
		}
		agencyCA[a.Code], agencyKey[a.Code] = ca, key
		cfg.Agencies = append(cfg.Agencies, AgencyConfig{Code: a.Code, Name: a.Name, Country: a.Country,
			CAFile: filepath.Join("agencies", a.Code, "ca.pem")})
	}

	pub := map[string][]byte{}
	for _, d := range opts.Desks {
		ca, ok := agencyCA[d.Agency]
		if !ok {
			return nil, cases.Errorf(cases.EINVALID, "desk %s belongs to unknown agency %q", d.Name, d.Agency)
		}
		if err := exchange.CheckOfficerID(d.Name); err != nil { // same alphabet: it names a directory
			return nil, cases.Errorf(cases.EINVALID, "desk name: %v", err)
		}
		ddir := filepath.Join(dir, "desks", d.Name)
		cert, key, err := newLeaf(ca, agencyKey[d.Agency], pkix.Name{CommonName: d.Name, Organization: []string{d.Agency}},
			x509.ExtKeyUsageClientAuth, notBefore, notAfter, nil, nil)
		if err != nil {
			return nil, err
		}
		if err := writeCertKey(ddir, "desk", cert, key); err != nil {
			return nil, err
		}
		if err := writePEM(filepath.Join(ddir, "hub-ca.pem"), "CERTIFICATE", hubCA.Raw, 0o644); err != nil {
			return nil, err
		}
		files := DeskFiles{Name: d.Name, Agency: d.Agency, CertFile: filepath.Join(ddir, "desk.pem"),
			KeyFile: filepath.Join(ddir, "desk.key"), HubCAFile: filepath.Join(ddir, "hub-ca.pem"),
			KeyDir: filepath.Join(ddir, "officers")}
		for _, o := range opts.Officers {
			if o.Agency != d.Agency {
				continue
			}
			// The first desk of the agency makes the key; the others get a copy,
			// since an officer may sign in at any desk of the agency.
			var key []byte
			if p, ok := pub[o.ID]; ok {
				key = p
				kdir := files.KeyDir
				if officerkey.IsPlain(kdir, o.ID) {
					// Left unencrypted by an older Enlace: sealed with the PKI's passphrase.
					if err := officerkey.SetPassphrase(kdir, o.ID, nil, opts.Passphrase, opts.KeyParams); err != nil {
						return nil, err
					}
				}
				if err := officerkey.Copy(firstDeskKeyDir(dir, opts.Desks, d.Agency), kdir, o.ID); err != nil {
					return nil, err
				}
			} else {
				priv, err := devOfficerKey(files.KeyDir, o.ID, opts)
				if err != nil {
					return nil, err
				}
				key = priv.Public().(ed25519.PublicKey)
			}
			pub[o.ID] = key
		}
		out.Desks[d.Name] = files
	}
	for _, o := range opts.Officers {
		if !slices.ContainsFunc(opts.Agencies, func(a cases.Agency) bool { return a.Code == o.Agency }) {
			return nil, cases.Errorf(cases.EINVALID, "officer %s belongs to unknown agency %q", o.ID, o.Agency)
		}
		key, ok := pub[o.ID]
		if !ok {
			// No desk of the agency: keep the key beside the agency CA.
			priv, err := devOfficerKey(filepath.Join(dir, "agencies", o.Agency, "officers"), o.ID, opts)
			if err != nil {
				return nil, err
			}
			key = priv.Public().(ed25519.PublicKey)
		}
		cfg.Officers = append(cfg.Officers, OfficerConfig{ID: o.ID, Name: o.Name, Agency: o.Agency, Roles: o.Roles, PublicKey: key})
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if err := WriteHubConfig(out.ConfigPath, cfg); err != nil {
		return nil, err
	}
	return out, nil
}

// devOfficerKey loads or creates an officer's key for InitDevPKI, encrypting
// an unencrypted key left by an older Enlace with the PKI's passphrase.
func devOfficerKey(dir, officerID string, opts DevPKIOptions) (ed25519.PrivateKey, error) {
	if officerkey.IsPlain(dir, officerID) {
		if err := officerkey.SetPassphrase(dir, officerID, nil, opts.Passphrase, opts.KeyParams); err != nil {
			return nil, err
		}
	}
	return officerkey.LoadOrCreate(dir, officerID, opts.Passphrase, opts.KeyParams)
}

func firstDeskKeyDir(dir string, desks []DevDesk, agency string) string {
	for _, d := range desks {
		if d.Agency == agency {
			return filepath.Join(dir, "desks", d.Name, "officers")
		}
	}
	return ""
}

func newCA(cn, org string, notBefore, notAfter time.Time) (*x509.Certificate, crypto.Signer, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, cases.Wrap(cases.EINTERNAL, err, "cannot generate a CA key")
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: cn, Organization: []string{org}},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, nil, cases.Wrap(cases.EINTERNAL, err, "cannot create CA %s", cn)
	}
	cert, err := x509.ParseCertificate(der)
	return cert, key, err
}

func newLeaf(ca *x509.Certificate, caKey crypto.Signer, subject pkix.Name, usage x509.ExtKeyUsage,
	notBefore, notAfter time.Time, dns []string, ips []net.IP) (*x509.Certificate, crypto.Signer, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, cases.Wrap(cases.EINTERNAL, err, "cannot generate a key")
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      subject,
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{usage},
		DNSNames:     dns,
		IPAddresses:  ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, key.Public(), caKey)
	if err != nil {
		return nil, nil, cases.Wrap(cases.EINTERNAL, err, "cannot issue certificate for %s", subject.CommonName)
	}
	cert, err := x509.ParseCertificate(der)
	return cert, key, err
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		panic("exchange: system random source failed: " + err.Error())
	}
	return n
}

func writeCertKey(dir, name string, cert *x509.Certificate, key crypto.Signer) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return cases.Wrap(cases.ESTORAGE, err, "cannot create %s", dir)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return cases.Wrap(cases.EINTERNAL, err, "cannot encode key")
	}
	if err := writePEM(filepath.Join(dir, name+".key"), "PRIVATE KEY", der, 0o600); err != nil {
		return err
	}
	return writePEM(filepath.Join(dir, name+".pem"), "CERTIFICATE", cert.Raw, 0o644)
}

func writePEM(path, typ string, der []byte, mode os.FileMode) error {
	data := pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
	if err := os.WriteFile(path, data, mode); err != nil {
		return cases.Wrap(cases.ESTORAGE, err, "cannot write %s", path)
	}
	return nil
}

// AddDevDesk issues one more desk certificate in a development PKI made by
// InitDevPKI: CN name, O agency, signed by the agency's CA in
// DIR/agencies/<agency>, with the exchange CA and copies of the officer keys
// of keyDir (a desk of the same agency) in DIR/desks/<name>. The hub trusts
// it at once: it trusts the agency's CA. A desk that already exists is
// returned as it is.
func AddDevDesk(dir, name, agency, keyDir string) (DeskFiles, error) {
	ddir := filepath.Join(dir, "desks", name)
	files := DeskFiles{Name: name, Agency: agency, CertFile: filepath.Join(ddir, "desk.pem"), KeyFile: filepath.Join(ddir, "desk.key"),
		HubCAFile: filepath.Join(ddir, "hub-ca.pem"), KeyDir: filepath.Join(ddir, "officers")}
	if err := exchange.CheckOfficerID(name); err != nil { // same alphabet: it names a directory
		return files, cases.Errorf(cases.EINVALID, "desk name: %v", err)
	}
	if _, err := os.Stat(files.CertFile); err == nil {
		return files, nil
	}
	adir := filepath.Join(dir, "agencies", agency)
	_, certs, err := exchange.LoadCAPool(filepath.Join(adir, "ca.pem"))
	if err != nil {
		return files, err
	}
	ca := certs[0]
	keyPEM, err := os.ReadFile(filepath.Join(adir, "ca.key"))
	if err != nil {
		return files, cases.Wrap(cases.ENOTFOUND, err, "agency %s has no CA key in %s", agency, adir)
	}
	block, _ := pem.Decode(keyPEM)
	if block == nil {
		return files, cases.Errorf(cases.EINVALID, "%s is not a PEM key", filepath.Join(adir, "ca.key"))
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return files, cases.Wrap(cases.EINVALID, err, "%s", filepath.Join(adir, "ca.key"))
	}
	caKey, ok := k.(crypto.Signer)
	if !ok {
		return files, cases.Errorf(cases.EINVALID, "%s holds no signing key", filepath.Join(adir, "ca.key"))
	}
	cert, key, err := newLeaf(ca, caKey, pkix.Name{CommonName: name, Organization: []string{agency}},
		x509.ExtKeyUsageClientAuth, time.Now().Add(-time.Hour), ca.NotAfter, nil, nil)
	if err != nil {
		return files, err
	}
	if err := writeCertKey(ddir, "desk", cert, key); err != nil {
		return files, err
	}
	hubCA, err := os.ReadFile(filepath.Join(dir, "hub-ca.pem"))
	if err != nil {
		return files, cases.Wrap(cases.ENOTFOUND, err, "no exchange CA in %s", dir)
	}
	if err := os.WriteFile(files.HubCAFile, hubCA, 0o644); err != nil {
		return files, cases.Wrap(cases.ESTORAGE, err, "cannot write %s", files.HubCAFile)
	}
	entries, err := os.ReadDir(keyDir)
	if err != nil {
		return files, cases.Wrap(cases.ENOTFOUND, err, "officer keys")
	}
	for _, e := range entries {
		if id, ok := strings.CutSuffix(e.Name(), ".key"); ok {
			if err := officerkey.Copy(keyDir, files.KeyDir, id); err != nil {
				return files, err
			}
		}
	}
	return files, nil
}
