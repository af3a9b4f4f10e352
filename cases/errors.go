package cases

import (
	"errors"
	"fmt"
)

// Domain error codes. Every error that reaches an officer carries one, so the
// UI and the CLI can tell "you may not" from "not found" from "broken".
const (
	ECONFLICT  = "conflict"  // the record changed meanwhile, or already exists
	EINTERNAL  = "internal"  // a fault of the program or the machine
	EINVALID   = "invalid"   // the input breaks a rule
	ENOTFOUND  = "not_found" // no such record
	EFORBIDDEN = "forbidden" // the officer's role does not allow it
	ESTORAGE   = "storage"   // the local store cannot be read or written
)

// Error is a domain error: a code, and a message written for an officer.
type Error struct {
	Code    string
	Message string
	Err     error // the underlying cause, if any
}

func (e *Error) Error() string {
	if e.Err != nil && e.Message == "" {
		return e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an *Error with the given code and message whose cause is err.
func Wrap(code string, err error, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...) + ": " + err.Error(), Err: err}
}

// ErrorCode returns the code of the first domain error in err's chain,
// EINTERNAL for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	var te *TransitionError
	if errors.As(err, &te) {
		if te.RoleOnly {
			return EFORBIDDEN
		}
		return EINVALID
	}
	return EINTERNAL
}

// ErrorMessage returns the message an officer should see for err.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Error()
	}
	var te *TransitionError
	if errors.As(err, &te) {
		return te.Error()
	}
	return "Internal error: " + err.Error()
}
