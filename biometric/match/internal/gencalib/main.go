// Command gencalib regenerates the matcher's calibration table
// (match/calibration_table.go) from the impostor scores of the FVC2002
// templates in the shared data folder:
//
//	cd biometric/match && go generate
//
// or: go run ./internal/gencalib -data ../../../shared/data -out calibration_table.go
//
// Run it after any change to the matcher's scoring.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"os"
	"path/filepath"

	"github.com/enlace-desk/enlace/biometric/match"
	"github.com/enlace-desk/enlace/internal/shareddata"
)

func main() {
	def, _ := shareddata.Find()
	data := flag.String("data", def, "shared data folder holding fvc2002/DB*_B")
	out := flag.String("out", "calibration_table.go", "Go file to write")
	flag.Parse()
	var imp []float64
	for _, db := range []string{"DB1_B", "DB2_B", "DB3_B", "DB4_B"} {
		r, err := match.EvaluateFVC(filepath.Join(*data, "fvc2002", db))
		if err != nil {
			fmt.Fprintln(os.Stderr, "gencalib:", err)
			os.Exit(1)
		}
		imp = append(imp, r.ImpostorScores...)
	}
	table := match.BuildCalibration(imp)
	var buf bytes.Buffer
	origin := fmt.Sprintf("%d impostor comparisons of FVC2002 DB1–DB4 B (all pairs of different fingers)", len(imp))
	if err := match.WriteCalibration(&buf, table, origin); err != nil {
		fmt.Fprintln(os.Stderr, "gencalib:", err)
		os.Exit(1)
	}
	src, err := format.Source(buf.Bytes())
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencalib:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gencalib:", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %s: %d points from %d impostor scores\n", *out, len(table), len(imp))
}
