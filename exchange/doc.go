// Package exchange carries case events between liaison desks through a hub:
// the wire protocol (version 1, JSON over HTTPS with mutual TLS, specified in
// docs/sync.md), the hub server and its stores (HubStore: SQLiteHub, the
// embedded default, or PGHub on PostgreSQL for several hub processes on one
// database), the desk's sync client (Client, failing over between hubs)
// with the interface the desk's local store implements (DeskLog), officer
// signing keys (ed25519) and the development PKI (one certificate authority
// per agency).
//
// It depends on package cases for the domain types and on the standard
// library, modernc.org/sqlite and github.com/jackc/pgx/v5. It must not
// depend on the desk's store, the terminal UI or any command: the store
// implements DeskLog and Signer, the commands wire the pieces together.
package exchange
