// Package exchange is what a liaison desk links to sync with the exchange's
// hub: the wire protocol (version 1, JSON over HTTPS with mutual TLS,
// specified in docs/sync.md), officer signing keys and event signatures
// (ed25519), the desk's TLS configuration, and the sync client (Client,
// failing over between several hubs) over the interface the desk's local
// store implements (DeskLog). The hub server, its stores and the
// development PKI are package exchange/hub.
//
// It depends on package cases for the domain types and on the standard
// library only. It must not depend on the desk's store, the terminal UI,
// the hub or any command: the store implements DeskLog and Signer, the
// commands wire the pieces together.
package exchange
