package biometric

import (
	"bytes"
	"io"
	"testing"
)

// nistSeeds are small transactions built in code: a built export and a
// transaction with a binary Type-4 record whose image holds separators.
func nistSeeds(f *testing.F) {
	tx, err := BuildTransaction(testExport())
	if err != nil {
		f.Fatal(err)
	}
	data, err := WriteTransaction(tx)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	img := &LogicalRecord{Type: 4, IDC: 1, Header: make([]byte, 13), Data: []byte{0xFF, 0xA0, SepFS, SepGS, 1, 2, 3}}
	img.Header[1] = 2
	for i := 2; i < 7; i++ {
		img.Header[i] = 0xFF
	}
	tx.Records = append(tx.Records, img)
	face := &LogicalRecord{Type: 10}
	face.Set(1, "0")
	face.Set(2, "02")
	face.Set(999, "\xff\xd8\xff\x1c\x1d")
	tx.Records = append(tx.Records, face)
	if data, err = WriteTransaction(tx); err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte("1.01:29\x1d1.02:0300\x1d1.03:1\x1f0\x1c"))
}

func FuzzReadTransaction(f *testing.F) {
	nistSeeds(f)
	addSharedSeeds(f, "ansinist/type9*.an2k", "ansinist/NISTFile.ebts")
	f.Fuzz(func(t *testing.T, data []byte) {
		tx, err := ReadTransaction(data)
		if err != nil {
			if _, ok := err.(*FormatError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		// the typed layers must not panic either
		_ = tx.Info()
		_ = tx.Descriptives()
		_ = tx.FingerImages()
		if _, err := tx.Minutiae(); err != nil {
			if _, ok := err.(*FormatError); !ok {
				t.Fatalf("minutiae error of type %T: %v", err, err)
			}
		}
		if err := DumpTransaction(io.Discard, tx); err != nil {
			t.Fatal(err)
		}
		out, err := WriteTransaction(tx)
		if err != nil {
			t.Fatalf("accepted transaction does not write back: %v", err)
		}
		if !bytes.Equal(out, data) {
			t.Fatalf("rewrite differs:\n in  %q\n out %q", data, out)
		}
	})
}
