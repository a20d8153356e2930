package main

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/data/recipe"
	"github.com/jedi-neuro/jedi/internal/fsutil"
	// The MAT and HDF5 readers register themselves with formats.Inspect (see inspect.go).
	_ "github.com/jedi-neuro/jedi/data/formats/mat"
)

func newPrepare() *cobra.Command {
	var recipePath, out, file, initFile string
	var seed, shuffle uint64
	var oneHot string
	cmd := &cobra.Command{
		Use:   "prepare (--recipe R.yaml --out data.npz | --init FILE)",
		Short: "Turn a recording (MATLAB, HDF5, NumPy) into a dataset by a source recipe",
		Example: `  jedi prepare --init recording.nwb > recipe.yaml
  jedi prepare --recipe recipe.yaml --out data.npz`,
		Long: `Read the recording a source recipe names, cut its trials into epochs, bin, smooth and
normalise them (see data/recipe and data/prepare), and write the dataset to --out. The resolved
recipe, every default spelled out and the file path made absolute, is written beside it as
OUT.recipe.yaml, so that the dataset can be made again, and the report of what was left out
(trials, units, windows, each with its reason) as OUT.report.txt. A relative file in the recipe is
relative to the recipe's directory; --file reads another copy of the recording (the shipped
recipes expect the shared data beside the clone) and is recorded in OUT.recipe.yaml.

--init FILE prints a commented starting recipe for FILE to standard output: the file's listing,
then the layout recognised (NWB trials and units, struct or cell arrays of trials, 3-D arrays,
event matrices with spike tables), each guess marked GUESS. Where the layout is recognised it
runs as it is:

  jedi prepare --init rec.nwb > r.yaml && jedi prepare --recipe r.yaml --out data.npz

Several files (a glob matching more than one, or several sources) must say what they are, at the
recipe's top level: combine: trials (more trials of the same neurons), combine: simultaneous
(different neurons recorded together on the same trials, joined side by side) or pool (units of
different sessions pooled into a pseudo-population); prepare refuses them otherwise, and checks
what the recipe says against the files' units and trials.

The recipe language is documented in docs/recipes.md.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if initFile != "" {
				if recipePath != "" || out != "" || file != "" {
					return fmt.Errorf("prepare: --init prints a recipe; it takes no --recipe, --out or --file")
				}
				b, err := recipe.Propose(initFile)
				if err != nil {
					return err
				}
				_, err = cmd.OutOrStdout().Write(b)
				return err
			}
			if recipePath == "" || out == "" {
				return fmt.Errorf("prepare: --recipe and --out are required")
			}
			src, err := recipe.LoadRecipe(recipePath)
			if err != nil {
				return err
			}
			if file != "" {
				if err := src.SetFile(file); err != nil {
					return err
				}
			}
			if cmd.Flags().Changed("seed") {
				if src.Pool == nil {
					return fmt.Errorf("prepare: --seed draws pseudo-trials; the recipe has no pool")
				}
				src.Pool.Seed = seed
			}
			if cmd.Flags().Changed("shuffle-spikes") {
				src.Prepare.ShuffleSpikes = shuffle
			}
			ds, rep, err := recipe.Load(src)
			if err != nil {
				return err
			}
			if oneHot != "" {
				if ds, _, err = ds.WithOneHotInputs(oneHot); err != nil {
					return fmt.Errorf("prepare: --inputs-onehot: %w", err)
				}
			}
			resolved, err := src.YAML()
			if err != nil {
				return err
			}
			// WriteNPZ validates the dataset and writes it atomically.
			if err := data.WriteNPZ(out, ds); err != nil {
				return err
			}
			if err := fsutil.WriteFileAtomic(out+".recipe.yaml", func(w io.Writer) error {
				_, err := io.Copy(w, bytes.NewReader(resolved))
				return err
			}); err != nil {
				return err
			}
			if err := fsutil.WriteFileAtomic(out+".report.txt", func(w io.Writer) error {
				_, err := io.WriteString(w, rep.String())
				return err
			}); err != nil {
				return err
			}
			if logLevel.Level() <= slog.LevelInfo { // -q: warnings and errors only (the report is in OUT.report.txt)
				fmt.Fprint(cmd.OutOrStdout(), rep)
			}
			for _, w := range data.Warnings(ds) {
				slog.Warn(w, "out", out)
			}
			slog.Info("prepared", "out", out, "segments", ds.S, "bins", ds.T, "neurons", ds.M, "dt", ds.Dt)
			return nil
		},
	}
	cmd.Flags().StringVar(&recipePath, "recipe", "", "source recipe YAML (required)")
	cmd.Flags().StringVar(&out, "out", "", "dataset .npz to write (required)")
	cmd.Flags().StringVar(&file, "file", "", "the recording to read instead of the recipe's file (a directory for a glob)")
	cmd.Flags().StringVar(&initFile, "init", "", "print a commented starting recipe for this recording")
	cmd.Flags().Uint64Var(&seed, "seed", 0, "the pool's seed for pseudo-trials (default: the recipe's pool.seed; recorded in OUT.recipe.yaml)")
	cmd.Flags().Uint64Var(&shuffle, "shuffle-spikes", 0, "control: move every spike to a uniform time within its trial, drawn with this seed (prepare.shuffle_spikes, recorded in OUT.recipe.yaml; 0 = off)")
	cmd.Flags().StringVar(&oneHot, "inputs-onehot", "", "give the dataset inputs: the one-hot code of this label (for a baseline fitted with model.inputs; jedi itself ignores inputs)")
	return cmd
}
