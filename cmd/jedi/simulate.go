package main

import (
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/sim"
)

func newSimulate() *cobra.Command {
	var out string
	var seed uint64
	var mp *memoryProFlags
	var sf *sessionFlags
	cmd := &cobra.Command{
		Use:     "simulate multitask|sinusoid|memorypro|sessions",
		Short:   "Generate a synthetic dataset and its ground truth from a teacher RNN",
		Example: `  jedi simulate multitask --out data.npz --seed 1`,
		Long: `Generate a synthetic dataset (npz, the jedi data contract) from a teacher rate RNN,
with the teacher's weights, inputs and latent states saved beside the activity as ground truth.

  multitask  N=200 chaotic-bulk + rank-5 teacher driven by six input families (label_task)
  sinusoid   the same teacher family driven by sinusoids of 1..10 Hz (label_frequency)
  memorypro  a network trained on MemoryPro (run directory beside --out), one segment per
             trial phase (label_phase, label_theta), with its fixed points per phase
  sessions   the multitask teacher recorded in several sessions, each its own random subset
             of units with its own gains and offsets (label_session, observed; docs/sessions.md);
             --full writes the single-session data of the same trials beside it`,
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"multitask", "sinusoid", "memorypro", "sessions"},
		RunE: func(cmd *cobra.Command, args []string) error {
			var ds *data.Dataset
			var err error
			switch args[0] {
			case "multitask":
				ds, err = sim.Multitask(sim.DefaultMultitask(), seed)
			case "sinusoid":
				ds, err = sim.Sinusoid(sim.DefaultSinusoid(), seed)
			case "sessions":
				ds, err = simulateSessions(sf, seed)
			case "memorypro":
				// It trains the teacher, checkpointing as fit does.
				graceful.Store(true)
				return simulateMemoryPro(cmd.Context(), mp, out, seed)
			default:
				return fmt.Errorf("simulate: unknown teacher %q (multitask, sinusoid, memorypro, sessions)", args[0])
			}
			if err != nil {
				return err
			}
			if err := data.WriteNPZ(out, ds); err != nil {
				return err
			}
			slog.Info("wrote", "file", out, "segments", ds.S, "bins", ds.T, "neurons", ds.M, "seed", seed)
			return nil
		},
	}
	mp = addMemoryProFlags(cmd)
	sf = addSessionFlags(cmd)
	cmd.Flags().StringVar(&out, "out", "", "output .npz file (required)")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "random seed")
	cmd.MarkFlagRequired("out")
	return cmd
}
