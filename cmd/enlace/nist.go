package main

import (
	"fmt"
	"io"
	"os"

	"github.com/enlace-desk/enlace/biometric"
	"github.com/spf13/cobra"
)

func init() { register("nist", newNISTCmd) }

func newNISTCmd() *cobra.Command {
	dump := &cobra.Command{
		Use:     "dump FILE",
		Short:   "Print every record and field of an ANSI/NIST-ITL transaction",
		Example: "  enlace nist dump ../shared/data/ansinist/NISTFile.ebts",
		Args:    exactArgs(1, "one transaction FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			tx, err := readTransactionFile(args[0], nil) // the dump lists the warnings
			if err != nil {
				return err
			}
			return biometric.DumpTransaction(cmd.OutOrStdout(), tx)
		},
	}
	minutiae := &cobra.Command{
		Use:     "minutiae FILE",
		Short:   "Print the minutiae of a transaction's Type-9 records",
		Example: "  enlace nist minutiae ../shared/data/ansinist/type9-13.an2k",
		Args:    exactArgs(1, "one transaction FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			tx, err := readTransactionFile(args[0], cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			fingers, err := tx.Minutiae()
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			return biometric.DumpMinutiae(cmd.OutOrStdout(), fingers)
		},
	}
	rewrite := &cobra.Command{
		Use:     "rewrite IN OUT",
		Short:   "Read a transaction and write it back (byte-exact for a valid file)",
		Example: "  enlace nist rewrite partner.an2k checked.an2k",
		Args:    exactArgs(2, "an input and an output file (IN OUT)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			tx, err := readTransactionFile(args[0], cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			out, err := biometric.WriteTransaction(tx)
			if err != nil {
				return err
			}
			if err := os.WriteFile(args[1], out, 0o600); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: %d records, %d bytes\n", args[1], len(tx.Records), len(out))
			return nil
		},
	}
	return groupCmd("nist", "Read, check and rewrite ANSI/NIST-ITL transactions",
		"  enlace nist dump FILE\n  enlace nist rewrite IN OUT\n  enlace nist minutiae FILE", dump, minutiae, rewrite)
}

// readTransactionFile reads and parses a transaction, refusing files over
// the reader's size cap before reading them; what the reader tolerated (a
// partner's IDC that differs from its CNT) is written to warn, if not nil.
func readTransactionFile(name string, warn io.Writer) (*biometric.Transaction, error) {
	data, err := readCapped(name, biometric.MaxTransactionSize)
	if err != nil {
		return nil, err
	}
	tx, err := biometric.ReadTransaction(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if warn != nil {
		for _, w := range tx.Warnings {
			fmt.Fprintf(warn, "warning: %s: %v\n", name, w)
		}
	}
	return tx, nil
}

// readCapped reads a whole file of at most limit bytes, saying which file
// and why when it cannot.
func readCapped(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("%s is a folder, not a file", name)
	} else if err == nil && fi.Size() > limit {
		return nil, fmt.Errorf("%s: %d bytes, larger than the %d-byte limit", name, fi.Size(), limit)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, limit)
	}
	return data, nil
}
