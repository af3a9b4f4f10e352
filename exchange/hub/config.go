package hub

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/exchange"
)

// HubConfig configures a hub. It is stored as JSON (see docs/sync.md);
// relative paths in the file are relative to the file's directory.
type HubConfig struct {
	Listen   string          `json:"listen"`             // "127.0.0.1:8443"
	Database string          `json:"database,omitempty"` // SQLite file of the hub's store (older form of store "sqlite:PATH")
	StoreURL string          `json:"store,omitempty"`    // "sqlite:PATH" (the default, embedded) or "postgres://USER@HOST/DB"
	TLSCert  string          `json:"tls_cert"`           // the hub's certificate (PEM)
	TLSKey   string          `json:"tls_key"`            // its private key (PEM)
	Agencies []AgencyConfig  `json:"agencies"`
	Officers []OfficerConfig `json:"officers"`

	// Store, when set, is used instead of opening Database (not in the file).
	Store HubStore `json:"-"`
	// Clock, when set, is the hub's clock (not in the file): events stamped
	// more than cases.MaxClockSkew after it are refused.
	Clock cases.Clock `json:"-"`
}

// AgencyConfig is an agency the hub serves and the certificate authority that
// issues its desks' certificates.
type AgencyConfig struct {
	Code    string `json:"code"` // "US-CBP"
	Name    string `json:"name,omitempty"`
	Country string `json:"country,omitempty"`
	CAFile  string `json:"ca_file"` // PEM, one or more CA certificates
}

// OfficerConfig registers an officer with the hub: the agency the officer
// belongs to and the ed25519 public key the officer's events are signed with.
type OfficerConfig struct {
	ID        string       `json:"id"`
	Name      string       `json:"name,omitempty"`
	Agency    string       `json:"agency"`
	Roles     []cases.Role `json:"roles,omitempty"`
	PublicKey []byte       `json:"public_key"` // 32 bytes, base64 in the file
}

// LoadHubConfig reads a hub configuration file and resolves its relative
// paths against the file's directory.
func LoadHubConfig(path string) (HubConfig, error) {
	var cfg HubConfig
	data, err := os.ReadFile(path)
	if err != nil {
		return cfg, cases.Wrap(cases.ENOTFOUND, err, "cannot read hub configuration")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return cfg, exchange.JSONError(path, dec, err)
	}
	base := filepath.Dir(path)
	abs := func(p *string) {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(base, *p)
		}
	}
	abs(&cfg.Database)
	if p, ok := strings.CutPrefix(cfg.StoreURL, "sqlite:"); ok && p != "" && !filepath.IsAbs(p) {
		cfg.StoreURL = "sqlite:" + filepath.Join(base, p)
	}
	abs(&cfg.TLSCert)
	abs(&cfg.TLSKey)
	for i := range cfg.Agencies {
		abs(&cfg.Agencies[i].CAFile)
	}
	return cfg, cfg.validate()
}

// WriteHubConfig writes cfg as indented JSON (mode 0644).
func WriteHubConfig(path string, cfg HubConfig) error {
	data, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return cases.Wrap(cases.EINTERNAL, err, "cannot encode hub configuration")
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return cases.Wrap(cases.ESTORAGE, err, "cannot write hub configuration")
	}
	return nil
}

func (cfg *HubConfig) validate() error {
	if len(cfg.Agencies) == 0 {
		return cases.Errorf(cases.EINVALID, "hub configuration: no agencies")
	}
	var codes []string
	for i, a := range cfg.Agencies {
		if !exchange.ValidAgency(a.Code) {
			return cases.Errorf(cases.EINVALID, "hub configuration: agencies[%d].code %q is not an agency code like US-CBP", i, a.Code)
		}
		if slices.Contains(codes, a.Code) {
			return cases.Errorf(cases.EINVALID, "hub configuration: agency %s is listed twice", a.Code)
		}
		codes = append(codes, a.Code)
	}
	var ids []string
	for i, o := range cfg.Officers {
		if err := exchange.CheckOfficerID(o.ID); err != nil {
			return cases.Errorf(cases.EINVALID, "hub configuration: officers[%d].id: %v", i, err)
		}
		if slices.Contains(ids, o.ID) {
			return cases.Errorf(cases.EINVALID, "hub configuration: officer %s is listed twice", o.ID)
		}
		ids = append(ids, o.ID)
		if !slices.Contains(codes, o.Agency) {
			return cases.Errorf(cases.EINVALID, "hub configuration: officer %s belongs to unknown agency %q", o.ID, o.Agency)
		}
		if len(o.PublicKey) != ed25519.PublicKeySize {
			return cases.Errorf(cases.EINVALID, "hub configuration: officer %s: public_key has %d bytes, an ed25519 key has 32", o.ID, len(o.PublicKey))
		}
	}
	if cfg.Store == nil {
		if cfg.Database != "" && cfg.StoreURL != "" {
			return cases.Errorf(cases.EINVALID, "hub configuration: both \"database\" and \"store\" are set; keep \"store\" only")
		}
		if cfg.Database == "" && cfg.StoreURL == "" {
			return cases.Errorf(cases.EINVALID, "hub configuration: no store: set \"store\" to sqlite:PATH or a postgres:// URL")
		}
		if cfg.StoreURL != "" {
			if _, _, err := parseStoreURL(cfg.StoreURL); err != nil {
				return err
			}
		}
	}
	return nil
}

// Validate checks the configuration as LoadHubConfig does, for one changed
// after loading (a command-line override).
func (cfg *HubConfig) Validate() error { return cfg.validate() }

// StoreName is StoreSpec with any password hidden, for logs.
func (cfg *HubConfig) StoreName() string { return redactURL(cfg.StoreSpec()) }

// StoreSpec is the hub's store as the configuration names it: "sqlite:PATH"
// (from "database" too) or a postgres:// URL.
func (cfg *HubConfig) StoreSpec() string {
	if cfg.StoreURL != "" {
		return cfg.StoreURL
	}
	return "sqlite:" + cfg.Database
}

// parseStoreURL splits a store URL into its kind ("sqlite" or "postgres")
// and the SQLite path or PostgreSQL URL.
func parseStoreURL(spec string) (kind, target string, err error) {
	switch {
	case strings.HasPrefix(spec, "sqlite:"):
		p := strings.TrimPrefix(spec, "sqlite:")
		p = strings.TrimPrefix(p, "//") // sqlite:///abs/path
		if p == "" {
			return "", "", cases.Errorf(cases.EINVALID, "hub store %q: sqlite: needs a file path, as in sqlite:/var/lib/enlace/hub.db", spec)
		}
		return "sqlite", p, nil
	case strings.HasPrefix(spec, "postgres://") || strings.HasPrefix(spec, "postgresql://"):
		if _, err := parsePGURL(spec); err != nil {
			return "", "", err
		}
		return "postgres", spec, nil
	}
	shown := spec
	if at := strings.LastIndexByte(shown, '@'); at >= 0 {
		// Whatever stands before an @ may be a password: leave it out.
		shown = "…@" + shown[at+1:]
	}
	return "", "", cases.Errorf(cases.EINVALID, "hub store %q: must be sqlite:PATH or a postgres:// URL", exchange.Clip(shown))
}

// OpenHubStore opens the store a store URL names (see HubConfig.StoreURL)
// for a hub serving agencies.
func OpenHubStore(ctx context.Context, spec string, agencies []string) (HubStore, error) {
	kind, target, err := parseStoreURL(spec)
	if err != nil {
		return nil, err
	}
	if kind == "postgres" {
		return OpenPGHub(ctx, target, agencies, nil)
	}
	return OpenSQLiteHub(target, agencies, nil)
}
