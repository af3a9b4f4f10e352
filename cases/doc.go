// Package cases is the domain of Enlace: the people, records and rules of a
// liaison desk that shares biometric and case data between two agencies.
//
// It holds plain types (Agency, Officer, Subject, Encounter, Case,
// Annotation, Decision, Event), the one state machine that governs a case's
// status, the service interfaces that the UI and the sync engine use, the
// domain errors with their codes, the one clock and the one ID scheme.
//
// Package cases does no I/O and imports nothing from this module: storage
// (store), the exchange (exchange), biometrics (biometric) and the terminal
// UI (ui) all depend on it, never the other way round.
package cases
