package main

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/jedi-neuro/jedi/data/formats"
	// The MAT (v5, v7.3) and HDF5/NWB readers register themselves with formats.Inspect.
	_ "github.com/jedi-neuro/jedi/data/formats/h5"
	_ "github.com/jedi-neuro/jedi/data/formats/mat"
)

func newInspect() *cobra.Command {
	return &cobra.Command{
		Use:     "inspect FILE",
		Short:   "List what a MATLAB, HDF5/NWB or NumPy file holds (like whos or h5ls -r)",
		Example: `  jedi inspect recording.nwb`,
		Long: `List every variable, struct field, cell and dataset of FILE with its class and shape, nested
fields indented, so that a recipe can name what to read. The reader is chosen by the file's
magic bytes, not its extension: MATLAB v5 and v7.3 (.mat), HDF5 and NWB, NumPy .npy and .npz.
Numeric arrays show their range (min…max, and NaN count), text its distinct values, HDF5 object
references the paths they point to; HDF5 datasets larger than 4 MiB are listed without values,
so that inspecting a large recording stays quick. Ctrl-C stops a long listing.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			n, err := formats.InspectContext(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return n.List(os.Stdout)
		},
	}
}
