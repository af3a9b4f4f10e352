// Package biometric reads and writes the fingerprint interchange formats a
// liaison desk receives (ISO/IEC 19794-2, ANSI INCITS 378, ANSI/NIST-ITL) and
// holds the one internal minutiae template type that matching works on.
//
// It is pure computation: no storage, no network, no UI. Readers take bytes,
// never trust a declared length, and return typed errors that name where the
// input went wrong.
package biometric
