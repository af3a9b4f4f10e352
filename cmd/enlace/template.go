package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/enlace-desk/enlace/biometric"
)

// maxTemplateSize caps finger minutiae record files (255 views of 255
// minutiae and their extended data stay far below it).
const maxTemplateSize = 4 << 20

func init() {
	register(&command{
		name:    "template",
		usage:   "template dump FILE",
		summary: "read and check an ISO 19794-2 or INCITS 378 minutiae template",
		run:     runTemplate,
	})
}

func runTemplate(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("template", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return usageError("%v", err)
	}
	args = fs.Args()
	if len(args) != 2 || args[0] != "dump" {
		return usageError("usage: enlace template dump FILE")
	}
	data, err := readCapped(args[1], maxTemplateSize)
	if err != nil {
		return err
	}
	rec, err := biometric.ReadTemplate(data)
	if err != nil {
		return fmt.Errorf("%s: %w", args[1], err)
	}
	return biometric.DumpTemplate(stdout, rec)
}
