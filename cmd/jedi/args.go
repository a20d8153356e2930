package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/train"
)

// explainArgs wraps the positional-argument check of every command under c, so that a
// positional argument where a flag is meant (`jedi fit data.npz`, `jedi report run`) or a
// missing one (`jedi simulate`) is an error that gives the command's usage and, where the
// argument looks like a flag's value, that flag. Cobra alone says `unknown command
// "data.npz" for "jedi fit"`, which reads as if fit were the mistake.
func explainArgs(c *cobra.Command) {
	for _, s := range c.Commands() {
		explainArgs(s)
	}
	if c.Args == nil || c.HasSubCommands() {
		return
	}
	check := c.Args
	c.Args = func(cmd *cobra.Command, args []string) error {
		err := check(cmd, args)
		if err == nil {
			return nil
		}
		verb := strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
		if len(args) > 0 && strings.HasPrefix(err.Error(), "unknown command") {
			msg := fmt.Sprintf("%s: unexpected argument %q: it takes its inputs as flags (usage: %s)", verb, args[0], cmd.UseLine())
			if f := flagFor(cmd, args[0]); f != "" {
				msg += fmt.Sprintf("; did you mean --%s %s?", f, args[0])
			}
			return fmt.Errorf("%s", msg)
		}
		return fmt.Errorf("%s: %v (usage: %s)", verb, err, cmd.UseLine())
	}
}

// flagFor returns the flag of cmd that arg looks like the value of: a data file for --data, a
// YAML file for --recipe or --config, a directory for --run; "" when none fits.
func flagFor(cmd *cobra.Command, arg string) string {
	has := func(name string) bool { return cmd.Flags().Lookup(name) != nil }
	switch strings.ToLower(filepath.Ext(arg)) {
	case ".npz", ".npy", ".mat", ".nwb", ".h5", ".hdf5":
		if has("data") {
			return "data"
		}
	case ".yaml", ".yml":
		for _, f := range []string{"recipe", "config", "spec"} {
			if has(f) {
				return f
			}
		}
	case "":
		if st, err := os.Stat(arg); err == nil && st.IsDir() && has("run") {
			return "run"
		}
	}
	return ""
}

// readDataset reads the dataset .npz at path. Another kind of file (a recording in MATLAB,
// NWB or HDF5, which a new user may pass straight to fit) is an error that says how to make a
// dataset of it, instead of the zip reader's "not a valid zip file".
func readDataset(path string) (*data.Dataset, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".mat", ".nwb", ".h5", ".hdf5", ".npy":
		return nil, fmt.Errorf("%s: jedi fits and analyses a dataset .npz (README.md, Data contract); make one of this recording with `jedi prepare --init %s > recipe.yaml`, then `jedi prepare --recipe recipe.yaml --out data.npz`", path, path)
	}
	return data.ReadNPZ(path)
}

// loadRun reads the fitted model of run directory run, saying what a run directory is when
// run is not one.
func loadRun(run string) (*train.Fitted, error) {
	if st, err := os.Stat(run); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("%s: no such run directory (--run takes the --out directory of jedi fit)", run)
	}
	if _, err := os.Stat(filepath.Join(run, train.ModelFile)); err != nil {
		return nil, fmt.Errorf("%s: no %s: not a run directory of jedi fit, or a fit stopped before it saved a model (jedi fit --out %s --resume continues it)", run, train.ModelFile, run)
	}
	return train.LoadRun(run)
}
