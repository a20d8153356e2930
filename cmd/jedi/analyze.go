package main

import (
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/jedi-neuro/jedi/analysis/embed"
	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/pipeline"
	"github.com/jedi-neuro/jedi/report"
	"github.com/jedi-neuro/jedi/train"
)

// analyzeFlags are the flags every `jedi analyze` verb shares.
type analyzeFlags struct {
	run, data, label, out string
	heldOut               bool
	steps                 int
}

// analysisRun is a loaded run, its data and the label chosen.
type analysisRun struct {
	f     *train.Fitted
	ds    *data.Dataset
	label string
	out   string
}

func (a *analyzeFlags) load(cmd *cobra.Command) (*analysisRun, error) {
	f, ds, err := loadRunData(a.run, a.data)
	if err != nil {
		return nil, err
	}
	label, err := pipeline.ChooseLabel(ds, a.label)
	if err != nil {
		return nil, err
	}
	out := a.out
	if out == "" {
		out = filepath.Join(a.run, "analysis")
	}
	if !cmd.Flags().Changed("steps") {
		a.steps = f.Config.Train.InferSteps
	}
	return &analysisRun{f: f, ds: ds, label: label, out: out}, nil
}

// segments returns the training segments, and with --heldout also the held-out ones with
// their embeddings and initial states inferred.
func (a *analyzeFlags) segments(r *analysisRun) (*pipeline.Segments, error) {
	if !a.heldOut || len(r.f.HeldOut) == 0 {
		return pipeline.TrainingSegments(r.f, r.ds)
	}
	slog.Info("inferring held-out embeddings", "segments", len(r.f.HeldOut), "steps", a.steps)
	inf, err := train.Infer(r.f, r.ds, r.f.HeldOut, a.steps)
	if err != nil {
		return nil, err
	}
	return pipeline.AllSegments(r.f, r.ds, inf)
}

func written(what string, dir string, figs []report.Figure) {
	for _, f := range figs {
		slog.Info(what+" figure", "file", f.Path)
	}
	slog.Info(what+" written", "dir", dir)
}

func newAnalyze() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "analyze embeddings|generalization|noise|spectra|fixedpoints|lyapunov --run RUNDIR [--data FILE] [--label NAME] [--out DIR]",
		Short: "One analysis of a fitted run: JSON, npz and PNG/SVG figures in --out (default RUNDIR/analysis)",
		Long: `Run one analysis of a fitted run. Each writes NAME.json (the numbers, with a "meaning" field
where the score needs one), NAME.npz (the arrays, for NumPy) and NAME.png / NAME.svg into --out
(default RUNDIR/analysis). --label picks the label the segments are grouped by (default: task,
else the first label in name order).

  embeddings      PCA of the embeddings coloured by the label; cross-validated decoding of the
                  label (logistic regression and 5-NN) against chance
  generalization  centroid generalization matrix: R² of each value's held-out segments with the
                  embedding fixed to each value's training centroid (initial states inferred)
  noise           R² of the training segments against Gaussian noise (k × each dimension's std)
                  added to their embeddings
  spectra         eigenvalues of W_s, of the Jacobian along each trajectory and at the fixed
                  points, per label value, with summaries (radius, Im spread, mass near |λ|=1)
  fixedpoints     fixed points of each value's centroid network (or each segment's), classified,
                  in the PCA space of the predicted activity; when the data hold
                  teacher_fixed_points_<value>, each value's points (pooled over its networks
                  with --per-segment) are matched against the teacher's
  lyapunov        the largest Lyapunov exponents (1/s) of each value's centroid network`,
	}
	cmd.AddCommand(newAnalyzeEmbeddings(), newAnalyzeGeneralization(), newAnalyzeNoise(),
		newAnalyzeSpectra(), newAnalyzeFixedPoints(), newAnalyzeLyapunov())
	return cmd
}

// analyzeCommand returns a verb with the shared flags bound to a.
func analyzeCommand(use, short string, a *analyzeFlags, run func(cmd *cobra.Command, r *analysisRun) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   use + " --run RUNDIR [--data FILE.npz] [--label NAME] [--out DIR]",
		Short: short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := a.load(cmd)
			if err != nil {
				return err
			}
			return run(cmd, r)
		},
	}
	cmd.Flags().StringVar(&a.run, "run", "", "run directory written by jedi fit (required)")
	cmd.Flags().StringVar(&a.data, "data", "", "dataset (default: the one recorded in RUNDIR/run.json)")
	cmd.Flags().StringVar(&a.label, "label", "", "label to group by (default: task, else the first)")
	cmd.Flags().StringVar(&a.out, "out", "", "output directory (default: RUNDIR/analysis)")
	cmd.Flags().IntVar(&a.steps, "steps", 0, "Adam steps of any inference (default: the config's train.infer_steps)")
	cmd.MarkFlagRequired("run")
	return cmd
}

func newAnalyzeEmbeddings() *cobra.Command {
	a := &analyzeFlags{}
	var folds int
	var seed uint64
	cmd := analyzeCommand("embeddings", "PCA map of the embeddings and cross-validated decoding of a label", a,
		func(cmd *cobra.Command, r *analysisRun) error {
			emb, err := pipeline.SegmentEmbeddings(r.f, r.ds, a.steps)
			if err != nil {
				return err
			}
			em, err := pipeline.MapEmbeddings(r.ds, emb.E, emb.HeldOut, r.label, r.f.Groups != nil, folds, seed)
			if err != nil {
				return err
			}
			for _, c := range em.Classification {
				fmt.Printf("%s decoded by %s: %.3f ± %.3f (chance %.3f)\n", r.label, c.Method, c.Accuracy, c.AccuracySD, c.Chance)
			}
			figs, err := em.Write(r.out)
			written("embeddings", r.out, figs)
			return err
		})
	cmd.Flags().IntVar(&folds, "folds", 5, "cross-validation folds")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "seed of the folds")
	return cmd
}

func newAnalyzeGeneralization() *cobra.Command {
	a := &analyzeFlags{}
	return analyzeCommand("generalization", "Centroid generalization matrix on the held-out segments", a,
		func(cmd *cobra.Command, r *analysisRun) error {
			g, err := pipeline.CentroidGeneralization(r.f, r.ds, r.label, a.steps)
			if err != nil {
				return err
			}
			fmt.Printf("centroid generalization by %s: diagonal dominant %v\n", r.label, g.Dominant)
			for i, row := range g.R2 {
				fmt.Printf("  %-12s %.3f\n", g.Groups[i], row)
			}
			figs, err := g.Write(r.out)
			written("generalization", r.out, figs)
			return err
		})
}

func newAnalyzeNoise() *cobra.Command {
	a := &analyzeFlags{}
	var repeats int
	var seed uint64
	var scales []float64
	cmd := analyzeCommand("noise", "R² against Gaussian noise added to the embeddings", a,
		func(cmd *cobra.Command, r *analysisRun) error {
			if !cmd.Flags().Changed("scales") {
				scales = embed.DefaultNoiseScales()
			}
			n, err := pipeline.EmbeddingNoise(r.f, r.ds, scales, repeats, seed)
			if err != nil {
				return err
			}
			for i, k := range n.Scales {
				fmt.Printf("k = %-5g R² %.4f ± %.4f\n", k, n.R2Mean[i], n.R2SD[i])
			}
			figs, err := n.Write(r.out)
			written("noise", r.out, figs)
			return err
		})
	cmd.Flags().IntVar(&repeats, "repeats", 5, "noise draws per scale")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "seed of the noise")
	cmd.Flags().Float64SliceVar(&scales, "scales", nil, "noise scales k (default 0,0.25,…,2)")
	return cmd
}

func fixedPointFlags(cmd *cobra.Command, o *pipeline.FixedPointOptions) {
	cmd.Flags().IntVar(&o.Starts, "starts", 256, "fixed-point searches per network")
	cmd.Flags().Float64Var(&o.Noise, "start-noise", 0.1, "noise added to the starts, relative to the RMS spread of the trajectories")
	cmd.Flags().Uint64Var(&o.Seed, "seed", 1, "seed of the starts")
}

func newAnalyzeSpectra() *cobra.Command {
	a := &analyzeFlags{}
	var o pipeline.SpectraOptions
	var fo pipeline.FixedPointOptions
	var noFixed bool
	cmd := analyzeCommand("spectra", "Eigenvalues of W and of the Jacobian along trajectories and at fixed points", a,
		func(cmd *cobra.Command, r *analysisRun) error {
			segs, err := a.segments(r)
			if err != nil {
				return err
			}
			var fps *pipeline.FixedPointAnalysis
			if !noFixed {
				slog.Info("finding fixed points", "label", r.label, "starts", fo.Starts)
				if fps, err = pipeline.FixedPoints(r.f, r.ds, segs, r.label, fo); err != nil {
					return err
				}
			}
			s, err := pipeline.Spectra(r.f, r.ds, segs, r.label, fps, o)
			if err != nil {
				return err
			}
			t := s.Table()
			fmt.Printf("%-12s %-15s %8s %9s %11s %11s %8s\n", t.Header[0], t.Header[1], t.Header[2], t.Header[3], t.Header[4], t.Header[5], t.Header[6])
			for _, row := range t.Rows {
				fmt.Printf("%-12s %-15s %8s %9s %11s %11s %8s\n", row[0], row[1], row[2], row[3], row[4], row[5], row[6])
			}
			for _, tr := range s.Trends {
				fmt.Printf("Spearman ρ(%s, %s of %s) = %.3f\n", r.label, tr.Statistic, tr.Spectrum, tr.Rho)
			}
			figs, err := s.Write(r.out)
			written("spectra", r.out, figs)
			return err
		})
	cmd.Flags().BoolVar(&a.heldOut, "heldout", false, "also use the held-out segments (embeddings inferred)")
	cmd.Flags().Float64Var(&o.UnitTol, "tol", 0.05, "distance to |λ| = 1 counted as near the unit circle")
	cmd.Flags().IntVar(&o.Stride, "stride", 0, "Jacobian at every stride-th state (default 1 low rank, 10 full rank)")
	cmd.Flags().IntVar(&o.MaxSegments, "max-segments", 0, "segments per label value for the trajectory Jacobians (default all low rank, 5 full rank)")
	cmd.Flags().BoolVar(&noFixed, "no-fixed-points", false, "skip the Jacobians at fixed points")
	fixedPointFlags(cmd, &fo)
	return cmd
}

func newAnalyzeFixedPoints() *cobra.Command {
	a := &analyzeFlags{}
	var o pipeline.FixedPointOptions
	cmd := analyzeCommand("fixedpoints", "Fixed points of each label value's network, classified and projected", a,
		func(cmd *cobra.Command, r *analysisRun) error {
			segs, err := a.segments(r)
			if err != nil {
				return err
			}
			fp, err := pipeline.FixedPoints(r.f, r.ds, segs, r.label, o)
			if err != nil {
				return err
			}
			for _, n := range fp.Networks {
				counts := map[string]int{}
				for _, p := range n.Points {
					counts[p.Class]++
				}
				line := fmt.Sprintf("%-12s %d fixed points %v", n.Group, len(n.Points), counts)
				if n.Segment >= 0 {
					line = fmt.Sprintf("segment %-5d ", n.Segment) + line
				}
				fmt.Println(line)
			}
			for _, m := range fp.Teacher {
				fmt.Printf("%-12s teacher match of %d network(s): recall %.2f, precision %.2f, F1 %.2f within %.3f of the teacher's %d fixed and %d slow points; one-to-one score %.3f (%d found, mean distance %.3f)\n",
					m.Group, m.Networks, m.Recall, m.Precision, m.F1, m.Radius, m.TeacherPoints, m.TeacherSlow, m.Score, m.Found, m.MeanDistance)
			}
			figs, err := fp.Write(r.out)
			written("fixed points", r.out, figs)
			return err
		})
	cmd.Flags().BoolVar(&a.heldOut, "heldout", false, "also use the held-out segments (embeddings inferred)")
	cmd.Flags().BoolVar(&o.PerSegment, "per-segment", false, "analyse every segment's network instead of each value's centroid")
	cmd.Flags().IntVar(&o.Trajectories, "trajectories", 20, "trajectories per network to sample starts from")
	cmd.Flags().Float64Var(&o.MatchRadius, "match-radius", 0.2, "radius of the coverage match with the teacher's points, as a fraction of the RMS distance of the activity from its mean")
	fixedPointFlags(cmd, &o)
	return cmd
}

func newAnalyzeLyapunov() *cobra.Command {
	a := &analyzeFlags{}
	var o pipeline.LyapunovOptions
	cmd := analyzeCommand("lyapunov", "Largest Lyapunov exponents of each label value's network (QR method)", a,
		func(cmd *cobra.Command, r *analysisRun) error {
			segs, err := a.segments(r)
			if err != nil {
				return err
			}
			l, err := pipeline.Lyapunov(r.f, r.ds, segs, r.label, o)
			if err != nil {
				return err
			}
			for _, g := range l.Groups {
				fmt.Printf("%-12s λ (1/s) %.3f\n", g.Group, g.Exponents)
			}
			figs, err := l.Write(r.out)
			written("lyapunov", r.out, figs)
			return err
		})
	cmd.Flags().BoolVar(&a.heldOut, "heldout", false, "also use the held-out segments (embeddings inferred)")
	cmd.Flags().IntVar(&o.K, "k", 0, "number of exponents (default min(10, N))")
	cmd.Flags().IntVar(&o.Steps, "qr-steps", 2000, "QR steps averaged")
	cmd.Flags().IntVar(&o.Transient, "transient", 500, "steps before averaging")
	cmd.Flags().IntVar(&o.Starts, "starts", 3, "start states per label value")
	return cmd
}
