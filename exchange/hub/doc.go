// Package hub is the exchange's server side: the hub (Hub, NewHub) that
// desks of the partner agencies push to and pull from over HTTPS with mutual
// TLS, its configuration (HubConfig), its stores behind HubStore (SQLiteHub,
// the embedded default, and PGHub on PostgreSQL for several hub processes on
// one database, with numbered migrations in pgmigrations/), the one place
// that decides a batch (planBatch, Admit), and the development PKI
// (InitDevPKI).
//
// A desk links package exchange only (wire protocol, signing, sync client);
// package hub depends on exchange, cases, modernc.org/sqlite and
// github.com/jackc/pgx/v5. The tests here run desks against real hubs on
// loopback, on SQLite and on PostgreSQL (TestSuiteOnPostgres).
package hub
