// Package biometric reads and writes the fingerprint interchange formats a
// liaison desk receives (ISO/IEC 19794-2, ANSI INCITS 378, ANSI/NIST-ITL) and
// holds the one internal minutiae template type that matching works on.
//
//   - fmr.go, fmr_write.go: finger minutiae records (ReadTemplate,
//     ReadISO19794, ReadINCITS378, WriteTemplate, WriteISO19794,
//     WriteINCITS378), to and from Template.
//   - nist.go: ANSI/NIST-ITL 1-2011 transactions, traditional encoding
//     (ReadTransaction, WriteTransaction), byte-exact for valid input.
//   - nist_records.go: the typed views on a transaction (Type-1, Type-2,
//     image headers, Type-9 minutiae); nist_build.go: BuildTransaction.
//   - dump.go: the readable text the CLI prints.
//
// It is pure computation: no storage, no network, no UI, and it depends on
// nothing but the standard library. Readers take bytes, never trust a
// declared length, and return typed errors (*FormatError) that name where
// the input went wrong.
package biometric
