package main

import (
	"fmt"

	"github.com/enlace-desk/enlace/biometric"
	"github.com/spf13/cobra"
)

// maxTemplateSize caps finger minutiae record files (255 views of 255
// minutiae and their extended data stay far below it).
const maxTemplateSize = 4 << 20

func init() { register("template", newTemplateCmd) }

func newTemplateCmd() *cobra.Command {
	dump := &cobra.Command{
		Use:     "dump FILE",
		Short:   "Read and check an ISO 19794-2 or INCITS 378 minutiae template",
		Example: "  enlace template dump ../shared/data/fvc2002/DB1_B/101_1.iso",
		Args:    exactArgs(1, "one template FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := readCapped(args[0], maxTemplateSize)
			if err != nil {
				return err
			}
			rec, err := biometric.ReadTemplate(data)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			return biometric.DumpTemplate(cmd.OutOrStdout(), rec)
		},
	}
	return groupCmd("template", "Read and check minutiae templates (ISO 19794-2, INCITS 378)",
		"  enlace template dump FILE.iso", dump)
}
