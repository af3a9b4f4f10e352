// Package iddoc recognises and checks the identity-document numbers an
// officer types into a search: the Ecuadorian cédula and RUC, the ICAO 9303
// machine-readable zone (MRZ) of passports, ID cards and visas, the US
// A-number, and passport numbers. Classify tells the search what one query
// line holds.
//
// Every check returns a typed error that names the rule broken and where
// (CedulaError, MRZError, ANumberError); each unwraps to a *cases.Error with
// code cases.EINVALID, so cases.ErrorCode and cases.ErrorMessage work on them.
//
// Package iddoc is pure computation: it does no I/O, reads no clock (callers
// pass the reference time), and depends only on package cases and the
// standard library. Nothing in cases may depend on it.
package iddoc
