package main

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/jedi-neuro/jedi/sweep"
	"github.com/jedi-neuro/jedi/sweep/kube"
	"github.com/jedi-neuro/jedi/sweep/slurm"
)

func newSweep() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "sweep plan|run|slurm|kubernetes|task|status|collect",
		Example: `  jedi sweep plan --spec sweep.yaml --out sw && jedi sweep run sw --jobs 2 && jedi sweep collect sw`,
		Short:   "Sweeps of many fits: grid or random settings × seeds × folds, locally, on Slurm or Kubernetes",
		Long: `Plan a sweep of ordinary 'jedi fit' runs from a sweep.yaml (settings to vary, seeds, k-fold
cross-validation, successive halving), run it here, on a Slurm cluster or on Kubernetes, follow
it and gather it into one table with the selected configuration. See docs/sweeps.md.

  jedi sweep plan --spec sweep.yaml --out SWEEP
  jedi sweep run SWEEP                      # here, as many fits at once as the cores allow
  jedi sweep slurm SWEEP --submit           # sbatch arrays; again to resubmit what is unfinished
  jedi sweep kubernetes SWEEP               # Indexed Job manifests for kubectl apply
  jedi sweep status SWEEP
  jedi sweep collect SWEEP                  # table.md/csv/json, plots, selected.yaml`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newSweepPlan(), newSweepRun(), newSweepSlurm(), newSweepKubernetes(), newSweepTask(), newSweepStatus(), newSweepCollect())
	return cmd
}

func newSweepPlan() *cobra.Command {
	var spec, out, dataPath string
	cmd := &cobra.Command{
		Use:     "plan --spec sweep.yaml --out SWEEP [--data FILE.npz]",
		Example: `  jedi sweep plan --spec sweep.yaml --out sw --data data.npz`,
		Short:   "Resolve a sweep.yaml into one configuration per task, the folds and a manifest",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := sweep.Plan(spec, out, dataPath)
			if err != nil {
				return err
			}
			slog.Info("planned", "dir", out, "configurations", len(m.Configs), "replicas", len(m.Replicas),
				"tasks", len(m.Tasks), "rungs", fmt.Sprint(m.Rungs), "keep", fmt.Sprint(m.Keep))
			return nil
		},
	}
	cmd.Flags().StringVar(&spec, "spec", "", "sweep specification YAML (required)")
	cmd.Flags().StringVar(&out, "out", "", "sweep directory to create (required)")
	cmd.Flags().StringVar(&dataPath, "data", "", "dataset, instead of the spec's data")
	cmd.MarkFlagRequired("spec")
	cmd.MarkFlagRequired("out")
	return cmd
}

func newSweepRun() *cobra.Command {
	var jobs int
	cmd := &cobra.Command{
		Use:     "run SWEEP [--jobs N]",
		Example: `  jedi sweep run sw --jobs 2`,
		Short:   "Run the sweep on this machine, several fits at once; again to finish what failed",
		Long: `Run the sweep on this machine (the local backend): as many fits at once as the cores
allow for resources.cpus threads each (or --jobs), rung by rung when halving. Tasks already done
are skipped, so running it again finishes failed or interrupted ones; Ctrl-C lets the running
fits write their checkpoints.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			jedi, err := os.Executable()
			if err != nil {
				return err
			}
			return sweep.Run(cmd.Context(), args[0], jedi, jobs, slog.Default())
		},
	}
	cmd.Flags().IntVar(&jobs, "jobs", 0, "fits at once (default: cores / resources.cpus)")
	return cmd
}

// sweepSpec reads the spec saved in a sweep directory, and its manifest.
func sweepSpec(dir string) (*sweep.Spec, *sweep.Manifest, error) {
	m, err := sweep.ReadManifest(dir)
	if err != nil {
		return nil, nil, err
	}
	spec, err := sweep.LoadSpec(filepath.Join(dir, sweep.SpecFile), true)
	if err != nil {
		return nil, nil, err
	}
	return spec, m, nil
}

func newSweepSlurm() *cobra.Command {
	var submit bool
	cmd := &cobra.Command{
		Use:     "slurm SWEEP [--submit]",
		Example: `  jedi sweep slurm sw --submit`,
		Short:   "Write the sbatch array scripts; with --submit, submit what is unfinished",
		Long: `Write SWEEP/slurm/rung-R.sbatch, one array script per halving rung (one rung without
halving), each array index running 'jedi sweep task'. With --submit, submit with sbatch the
tasks that are neither done nor queued or running, then the later rungs as arrays that wait
for the earlier ones (afterany): the same command resubmits only what failed or was cancelled.
The scripts call this jedi executable (or slurm.jedi of the spec) with absolute paths.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := filepath.Abs(args[0])
			if err != nil {
				return err
			}
			spec, m, err := sweepSpec(dir)
			if err != nil {
				return err
			}
			jedi := spec.Slurm.Jedi
			if jedi == "" {
				if jedi, err = os.Executable(); err != nil {
					return err
				}
				if strings.Contains(jedi, "go-build") {
					slog.Warn("the scripts call a temporary binary of 'go run'; install jedi (go install ./cmd/jedi) or set slurm.jedi", "jedi", jedi)
				}
			}
			if !submit {
				paths, err := slurm.WriteScripts(dir, spec, m, jedi)
				for _, p := range paths {
					fmt.Println(p)
				}
				return err
			}
			made, err := slurm.Submit(dir, spec, m, jedi)
			for _, s := range made {
				dep := ""
				if s.After != "" {
					dep = " after job " + s.After
				}
				fmt.Printf("rung %d: job %s, array %s%s\n", s.Rung, s.JobID, arrayString(s.Array), dep)
			}
			if err == nil && len(made) == 0 {
				fmt.Println("nothing to submit: every task is done or queued")
			}
			return err
		},
	}
	cmd.Flags().BoolVar(&submit, "submit", false, "submit with sbatch what is neither done nor queued")
	return cmd
}

func arrayString(a []int) string {
	s := make([]string, len(a))
	for i, v := range a {
		s[i] = strconv.Itoa(v)
	}
	return strings.Join(s, ",")
}

func newSweepKubernetes() *cobra.Command {
	return &cobra.Command{
		Use:     "kubernetes SWEEP",
		Example: `  jedi sweep kubernetes sw && kubectl apply -f sw/kubernetes/rung-0.yaml`,
		Short:   "Write one Indexed Job manifest per halving rung, for kubectl apply",
		Long: `Write SWEEP/kubernetes/rung-R.yaml: a batch/v1 Job in Indexed completion mode per halving
rung, completions = the rung's tasks, each pod running 'jedi sweep task' for the index in
JOB_COMPLETION_INDEX, with the image, volume claim and paths of the spec's kubernetes section.
Apply rung R+1 after rung R has completed.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			spec, m, err := sweepSpec(args[0])
			if err != nil {
				return err
			}
			paths, err := kube.Write(args[0], spec, m)
			for _, p := range paths {
				fmt.Println(p)
			}
			return err
		},
	}
}

func newSweepTask() *cobra.Command {
	var dir string
	var rung, index, rank int
	cmd := &cobra.Command{
		Use:     "task --sweep SWEEP [--rung R] [--index I | --rank K]",
		Example: `  jedi sweep task --sweep sw --index 0`,
		Short:   "Run one task of a sweep (what each array element or pod runs)",
		Long: `Run one task of a sweep: 'jedi fit' into its run directory (continued from its
checkpoint when there is one, paused at the rung's epoch when halving), then 'jedi eval', with
its state, scores and cost recorded in SWEEP/state/NNNN.json. At rung 0 the task is --index;
at later rungs --rank K names the K-th task among the rung's survivors. Without either, the
number comes from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o := sweep.TaskOptions{Rung: rung, Index: index, Rank: -1}
			if cmd.Flags().Changed("rank") {
				o.Index, o.Rank = -1, rank
			} else if !cmd.Flags().Changed("index") {
				n, err := indexFromEnv()
				if err != nil {
					return err
				}
				if rung > 0 {
					o.Index, o.Rank = -1, n
				} else {
					o.Index = n
				}
			}
			if id := os.Getenv("SLURM_ARRAY_JOB_ID"); id != "" {
				o.SlurmJob = id + "_" + os.Getenv("SLURM_ARRAY_TASK_ID")
			}
			jedi, err := os.Executable()
			if err != nil {
				return err
			}
			o.Jedi = jedi
			st, err := sweep.RunTask(cmd.Context(), dir, o)
			if err != nil {
				return err
			}
			slog.Info("task", "task", st.Task, "state", st.State, "epochs", st.Epochs)
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "sweep", "", "sweep directory (required)")
	cmd.Flags().IntVar(&rung, "rung", 0, "halving rung")
	cmd.Flags().IntVar(&index, "index", 0, "task number")
	cmd.Flags().IntVar(&rank, "rank", 0, "position among the rung's survivors' tasks")
	cmd.MarkFlagRequired("sweep")
	cmd.MarkFlagsMutuallyExclusive("index", "rank")
	return cmd
}

// indexFromEnv is the array index a scheduler gives a task.
func indexFromEnv() (int, error) {
	for _, v := range []string{"SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"} {
		if s := os.Getenv(v); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				return 0, fmt.Errorf("%s=%q: not a number", v, s)
			}
			return n, nil
		}
	}
	return 0, fmt.Errorf("no task: give --index or --rank, or run under Slurm (SLURM_ARRAY_TASK_ID) or Kubernetes (JOB_COMPLETION_INDEX)")
}

// probes are the ways status can tell whether a task recorded as running still runs.
func probes(dir string) ([]sweep.Probe, error) {
	p, err := slurm.Probe(dir)
	if err != nil {
		return nil, err
	}
	return []sweep.Probe{p, sweep.LocalProbe}, nil
}

func newSweepStatus() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "status SWEEP [--json]",
		Example: `  jedi sweep status sw --json`,
		Short:   "Which tasks are done, running, paused, pending or failed (with their last error line)",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			m, err := sweep.ReadManifest(dir)
			if err != nil {
				return err
			}
			pr, err := probes(dir)
			if err != nil {
				return err
			}
			states, err := sweep.Status(dir, m, pr...)
			if err != nil {
				return err
			}
			queued, err := slurm.Queued(dir, m)
			if err != nil {
				return err
			}
			if asJSON {
				type withSlurm struct {
					*sweep.State
					Slurm string `json:"slurm,omitempty"`
				}
				out := make([]withSlurm, len(states))
				for i, s := range states {
					out[i] = withSlurm{s, queued[i]}
				}
				b, err := json.MarshalIndent(out, "", "  ")
				if err != nil {
					return err
				}
				fmt.Println(string(b))
				return nil
			}
			count := map[string]int{}
			w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, "task\tconfig\tseed\tfold\tstate\tslurm\tepochs\tR² held-out\tattempts\terror")
			for i, s := range states {
				t := m.Tasks[i]
				count[s.State]++
				held := ""
				if s.R2HeldOut != nil {
					held = fmt.Sprintf("%.4f", *s.R2HeldOut)
				}
				fold := ""
				if t.Fold >= 0 {
					fold = strconv.Itoa(t.Fold)
				}
				fmt.Fprintf(w, "%d\t%d\t%d\t%s\t%s\t%s\t%d/%d\t%s\t%d\t%s\n", i, t.Config, t.Seed, fold, s.State, queued[i], s.Epochs, m.Epochs, held, s.Attempts, s.Error)
			}
			w.Flush()
			var parts []string
			for _, k := range []string{sweep.Done, sweep.Running, sweep.Paused, sweep.Pending, sweep.Failed} {
				if count[k] > 0 {
					parts = append(parts, fmt.Sprintf("%d %s", count[k], k))
				}
			}
			fmt.Printf("%d tasks: %s\n", len(states), strings.Join(parts, ", "))
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the states as JSON")
	return cmd
}

func newSweepCollect() *cobra.Command {
	return &cobra.Command{
		Use:     "collect SWEEP",
		Example: `  jedi sweep collect sw`,
		Short:   "One table (md, csv, json), plots across the swept keys and the selected configuration",
		Long: `Gather the sweep into SWEEP/table.md, table.csv (one row per task), configs.csv (one row per
configuration: mean, sd and standard error of held-out R² over seeds and folds), table.json,
costs.csv (CPU seconds, wall seconds and peak memory per task), a plot of held-out R² against
each swept key (r2_heldout-KEY.png), and SWEEP/selected.yaml: the configuration with the best
mean held-out R² among those whose every replica finished, ready for 'jedi fit --config'.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			res, err := sweep.Collect(args[0])
			if err != nil {
				return err
			}
			fmt.Print(res.Markdown())
			return nil
		},
	}
}
