package biometric

import (
	"fmt"
	"strings"
)

// FormatError reports input that is not a valid record of its format. It
// names the format, the record, the field and the byte offset (from the start
// of the input) where reading went wrong.
type FormatError struct {
	Format string // "iso19794-2:2005", "incits378-2004", "ansi-nist-itl", ...
	// Record is, for an ANSI/NIST-ITL transaction, the index of the logical
	// record (0 is the Type-1 record); for a finger minutiae record, the index
	// of the finger view (0 first). -1 when the error is about the whole input.
	Record int
	Field  string // "record length", "9.012", "minutia 3", ...
	Offset int64  // byte offset from the start of the input
	Msg    string
}

func (e *FormatError) Error() string {
	var b strings.Builder
	b.WriteString(e.Format)
	if e.Record >= 0 {
		fmt.Fprintf(&b, ": record %d", e.Record)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, ": %s", e.Field)
	}
	fmt.Fprintf(&b, " at byte %d: %s", e.Offset, e.Msg)
	return b.String()
}
