package main

import (
	"fmt"
	"log/slog"
	"math"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/jedi-neuro/jedi/analysis/metrics"
	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/internal/npy"
	"github.com/jedi-neuro/jedi/sim"
	"github.com/jedi-neuro/jedi/train"
)

// sessionFlags are the options of `jedi simulate sessions`.
type sessionFlags struct {
	cfg  sim.SessionsConfig
	full string
}

func addSessionFlags(cmd *cobra.Command) *sessionFlags {
	f := &sessionFlags{cfg: sim.DefaultSessions()}
	fl := cmd.Flags()
	fl.IntVar(&f.cfg.Sessions, "sessions", f.cfg.Sessions, "sessions: recording sessions")
	fl.IntVar(&f.cfg.MinNeurons, "min-neurons", f.cfg.MinNeurons, "sessions: fewest neurons a session records")
	fl.IntVar(&f.cfg.MaxNeurons, "max-neurons", f.cfg.MaxNeurons, "sessions: most neurons a session records")
	fl.BoolVar(&f.cfg.SharedUnits, "shared-units", false, "sessions: a unit several sessions record is one neuron (as a tracked cell), not one per session")
	fl.StringVar(&f.full, "full", "", "sessions: also write the teacher's single-session dataset (every unit, every segment) here")
	return f
}

// simulateSessions records the multi-task teacher in several sessions (sim.SplitSessions).
func simulateSessions(fl *sessionFlags, seed uint64) (*data.Dataset, error) {
	full, err := sim.Multitask(sim.DefaultMultitask(), seed)
	if err != nil {
		return nil, err
	}
	if fl.full != "" {
		if err := data.WriteNPZ(fl.full, full); err != nil {
			return nil, err
		}
		slog.Info("wrote the single-session teacher data", "file", fl.full, "segments", full.S, "neurons", full.M)
	}
	return sim.SplitSessions(full, fl.cfg, seed)
}

func newStitch() *cobra.Command {
	var out, names string
	var simultaneous bool
	cmd := &cobra.Command{
		Use:   "stitch --out ALL.npz SESSION.npz...",
		Short: "Join recordings of different neurons (one .npz per session) into one multi-session dataset",
		Example: `  jedi stitch --out joe.npz joe-01.npz joe-02.npz joe-03.npz
  jedi stitch --out all.npz --names monday,tuesday mon.npz tue.npz
  jedi stitch --simultaneous --out joe011.npz joe011_3.npz joe011_4.npz joe011_5.npz`,
		Long: `Join sessions recorded with different neurons into one multi-session dataset (docs/sessions.md):
its neurons are the union of the sessions' (in the order of the files), its segments are the
first file's, then the second's, ..., label_session names each segment's session (the file's
name without .npz, or --names), and the array observed [segments, neurons] marks the neurons
each segment recorded. jedi fit scores only observed entries: one hypernetwork and one dynamics
are shared by every session, and each neuron's readout row is its session's readout. Every file
must have the same dt; a label is kept when every file has it.

With --simultaneous the files are instead the same segments recorded by different units (one
file per unit, prepared by the same recipe): their neurons are joined side by side into one
session's dataset, and every file must have the same segments, lengths and labels.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var sessions []*data.Dataset
			for _, p := range args {
				d, err := data.ReadNPZ(p)
				if err != nil {
					return err
				}
				sessions = append(sessions, d)
			}
			if simultaneous {
				if names != "" {
					return fmt.Errorf("--names names sessions; --simultaneous joins one session's units")
				}
				d, err := data.JoinNeurons(sessions)
				if err != nil {
					return err
				}
				if err := data.WriteNPZ(out, d); err != nil {
					return err
				}
				slog.Info("wrote", "file", out, "segments", d.S, "neurons", d.M, "bins", d.T)
				return nil
			}
			var ns []string
			if names != "" {
				ns = strings.Split(names, ",")
				if len(ns) != len(args) {
					return fmt.Errorf("--names: %d names for %d files", len(ns), len(args))
				}
			} else {
				for _, p := range args {
					ns = append(ns, strings.TrimSuffix(filepath.Base(p), ".npz"))
				}
			}
			d, err := data.Stitch(sessions, ns)
			if err != nil {
				return err
			}
			if err := data.WriteNPZ(out, d); err != nil {
				return err
			}
			slog.Info("wrote", "file", out, "sessions", len(args), "segments", d.S, "neurons", d.M, "bins", d.T)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "output .npz (required)")
	cmd.Flags().StringVar(&names, "names", "", "comma-separated session names, one per file (default: the file names)")
	cmd.Flags().BoolVar(&simultaneous, "simultaneous", false, "the files are one session's units (the same segments): join their neurons")
	cmd.MarkFlagRequired("out")
	return cmd
}

// multiSession reports whether ds has more than one session or a mask: then per-session
// figures are worth giving.
func multiSession(ds *data.Dataset) bool {
	_, ok := ds.Labels[data.SessionLabel]
	return ok || ds.Observed != nil
}

// observedScores returns pVar and, for a Poisson model, bits per spike of a reconstruction of a
// multi-session dataset over its observed entries only.
//
// pVar = 1 − Σ (y − ŷ)² / Σ (y − ȳ)², ȳ the mean of every observed valid entry. Bits per spike
// sums each neuron's log-likelihood gain over its observed bins, with λ̄_m that neuron's mean count
// there: (Σ_m K_m b_m) / Σ_m K_m, b_m the bits per spike of neuron m alone and K_m its spikes; a
// neuron without spikes adds its gain −Σ λ in nats, as in metrics.BitsPerSpike.
func observedScores(inf *train.Inferred, ds *data.Dataset, poisson bool) (float64, *float64, error) {
	T, M := ds.T, ds.M
	var yh, y []float64
	perYh, perY := make([][]float64, M), make([][]float64, M)
	for i, s := range inf.Segments {
		for t := range ds.Lengths[s] {
			for m := range M {
				if !ds.IsObserved(s, m) {
					continue
				}
				a, b := inf.Prediction[(i*T+t)*M+m], ds.Activity[(s*T+t)*M+m]
				yh, y = append(yh, a), append(y, b)
				if poisson {
					perYh[m], perY[m] = append(perYh[m], a), append(perY[m], b)
				}
			}
		}
	}
	if len(y) == 0 {
		return math.NaN(), nil, fmt.Errorf("no observed entries")
	}
	pv, err := metrics.PVar(yh, y, len(y), 1, nil)
	if err != nil || !poisson {
		return pv, nil, err
	}
	var gain, spikes float64
	for m := range M {
		if len(perY[m]) == 0 {
			continue
		}
		var k float64
		for _, v := range perY[m] {
			k += v
		}
		if k == 0 {
			for _, r := range perYh[m] {
				gain -= r
			}
			continue
		}
		b, err := metrics.BitsPerSpike(perYh[m], perY[m], len(perY[m]), 1, nil)
		if err != nil {
			return 0, nil, fmt.Errorf("neuron %d: %w", m, err)
		}
		gain += b * k * math.Ln2
		spikes += k
	}
	if spikes == 0 {
		return pv, nil, fmt.Errorf("no spikes in the observed entries")
	}
	bps := gain / (spikes * math.Ln2)
	return pv, &bps, nil
}

// logSessions logs each session's R² of a reconstruction and returns the scores.
func logSessions(what string, inf *train.Inferred, ds *data.Dataset) ([]train.SessionScore, error) {
	sc, err := train.SessionR2(inf, ds)
	if err != nil {
		return nil, err
	}
	for _, s := range sc {
		slog.Info(what, "session", s.Session, "segments", s.Segments, "neurons", s.Neurons, "r2", fmt.Sprintf("%.4f", s.R2))
	}
	return sc, nil
}

// addSessionScores adds the arrays sessions (names) and session_r2 to an archive; nothing when
// there are no scores.
func addSessionScores(a *npy.Archive, sc []train.SessionScore) error {
	if len(sc) == 0 {
		return nil
	}
	names, r2 := make([]string, len(sc)), make([]float64, len(sc))
	for i, s := range sc {
		names[i], r2[i] = s.Session, s.R2
	}
	if err := a.Add("sessions", []int{len(sc)}, names); err != nil {
		return err
	}
	return a.Add("session_r2", []int{len(sc)}, r2)
}

// printSessions prints the co-smoothing R² and the per-session R² of `jedi eval`.
func printSessions(res *EvalResult) {
	if res.CoSmooth != nil {
		fmt.Printf("co-smoothing R² held-out %.4f  (one neuron of each segment hidden from its inference)\n", *res.CoSmooth)
	}
	if len(res.SessionsTrain) == 0 {
		return
	}
	held := map[string]float64{}
	for _, s := range res.SessionsHeldOut {
		held[s.Session] = s.R2
	}
	co := map[string]float64{}
	for _, s := range res.SessionsCoSmooth {
		co[s.Session] = s.R2
	}
	cell := func(m map[string]float64, k string) string {
		if v, ok := m[k]; ok {
			return fmt.Sprintf("%.4f", v)
		}
		return "—"
	}
	fmt.Println("session        segments  neurons  R² train  R² held-out  co-smoothing")
	for _, s := range res.SessionsTrain {
		fmt.Printf("%-14s %8d %8d  %8.4f  %11s  %12s\n", s.Session, s.Segments, s.Neurons, s.R2, cell(held, s.Session), cell(co, s.Session))
	}
}

// addCoSmooth adds the co-smoothing R² of the held-out segments to res.
func addCoSmooth(res *EvalResult, f *train.Fitted, ds *data.Dataset, steps int) error {
	if len(f.HeldOut) == 0 {
		return fmt.Errorf("--cosmooth: the run has no held-out segments")
	}
	slog.Info("co-smoothing: inferring held-out segments with one neuron hidden", "segments", len(f.HeldOut), "steps", steps)
	pooled, per, err := train.CoSmooth(f, ds, f.HeldOut, steps)
	if err != nil {
		return err
	}
	res.CoSmooth = &pooled
	if multiSession(ds) {
		res.SessionsCoSmooth = per
	}
	return nil
}
