package exchange

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"os"

	"github.com/enlace-desk/enlace/cases"
)

// LoadCAPool reads the PEM certificates of a CA file.
func LoadCAPool(path string) (*x509.CertPool, []*x509.Certificate, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, cases.Wrap(cases.ENOTFOUND, err, "cannot read CA file")
	}
	pool := x509.NewCertPool()
	var certs []*x509.Certificate
	for rest := data; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, nil, cases.Wrap(cases.EINVALID, err, "%s: bad certificate", path)
		}
		pool.AddCert(c)
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, nil, cases.Errorf(cases.EINVALID, "%s holds no PEM certificate", path)
	}
	return pool, certs, nil
}

// DeskTLSConfig builds a desk's TLS client configuration: its certificate
// and key (issued by its agency's CA) and the CA that issued the hub's
// certificate.
func DeskTLSConfig(hubCAFile, certFile, keyFile string) (*tls.Config, error) {
	pool, _, err := LoadCAPool(hubCAFile)
	if err != nil {
		return nil, err
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, cases.Wrap(cases.EINVALID, err, "cannot load the desk certificate %s", certFile)
	}
	return &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS13}, nil
}
