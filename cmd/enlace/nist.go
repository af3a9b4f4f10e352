package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/enlace-desk/enlace/biometric"
)

func init() {
	register(&command{
		name:    "nist",
		usage:   "nist dump FILE | rewrite IN OUT | minutiae FILE",
		summary: "read, check and rewrite ANSI/NIST-ITL transactions",
		run:     runNIST,
	})
}

func runNIST(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("nist", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return usageError("%v", err)
	}
	args = fs.Args()
	if len(args) == 0 {
		return usageError("usage: enlace nist dump FILE | rewrite IN OUT | minutiae FILE")
	}
	switch verb := args[0]; {
	case verb == "dump" && len(args) == 2:
		tx, err := readTransactionFile(args[1])
		if err != nil {
			return err
		}
		return biometric.DumpTransaction(stdout, tx)
	case verb == "minutiae" && len(args) == 2:
		tx, err := readTransactionFile(args[1])
		if err != nil {
			return err
		}
		fingers, err := tx.Minutiae()
		if err != nil {
			return fmt.Errorf("%s: %w", args[1], err)
		}
		return biometric.DumpMinutiae(stdout, fingers)
	case verb == "rewrite" && len(args) == 3:
		tx, err := readTransactionFile(args[1])
		if err != nil {
			return err
		}
		out, err := biometric.WriteTransaction(tx)
		if err != nil {
			return err
		}
		if err := os.WriteFile(args[2], out, 0o600); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s: %d records, %d bytes\n", args[2], len(tx.Records), len(out))
		return nil
	}
	return usageError("usage: enlace nist dump FILE | rewrite IN OUT | minutiae FILE")
}

// readTransactionFile reads and parses a transaction, refusing files over
// the reader's size cap before reading them.
func readTransactionFile(name string) (*biometric.Transaction, error) {
	data, err := readCapped(name, biometric.MaxTransactionSize)
	if err != nil {
		return nil, err
	}
	tx, err := biometric.ReadTransaction(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return tx, nil
}

// readCapped reads a whole file of at most limit bytes.
func readCapped(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, limit)
	}
	return data, nil
}
