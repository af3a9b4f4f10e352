package exchange

import (
	"bytes"
	"testing"
)

// TestSqueezeSpaceKeepsStringsExactly: whitespace outside strings is cut to
// one byte; strings (with escaped quotes and runs of blanks) pass exactly.
func TestSqueezeSpaceKeepsStringsExactly(t *testing.T) {
	in := "{  \"a  b\" :\n\n\t [ \"x\\\"  y\" ,   \"\\\\\"   ]   }"
	want := "{ \"a  b\" :\n[ \"x\\\"  y\" , \"\\\\\" ] }"
	var out bytes.Buffer
	if _, err := out.ReadFrom(&squeezeSpace{r: bytes.NewReader([]byte(in))}); err != nil {
		t.Fatal(err)
	}
	if out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}
