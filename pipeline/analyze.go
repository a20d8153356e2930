package pipeline

import (
	"fmt"
	"log/slog"
	"math"
	"slices"
	"sort"

	"github.com/jedi-neuro/jedi/analysis/embed"
	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/train"
)

// Options choose what the standard analysis of a run looks at.
type Options struct {
	// Label colours the embeddings, is decoded from them, and groups the spectra; empty picks
	// "task" if the data have it, else the first label in name order.
	Label string
	// InferSteps is the number of steps used to infer held-out embeddings (0: the config's).
	InferSteps int
	// Folds of the cross-validated classification.
	Folds int
	// Seed drives the classification folds.
	Seed uint64
	// UnitTol is the distance to |λ| = 1 counted as "near the unit circle".
	UnitTol float64
}

// DefaultOptions: 5 folds, seed 1, tolerance 0.05.
func DefaultOptions() Options { return Options{Folds: 5, Seed: 1, UnitTol: 0.05} }

// Analysis is the standard analysis of a fitted run.
type Analysis struct {
	Fitted  *train.Fitted
	Data    *data.Dataset
	Label   string
	Labels  []string // the label value of each segment
	History []train.Record

	// R2Train and R2HeldOut are the reconstruction R² (held-out: embeddings inferred).
	R2Train, R2HeldOut float64
	R2PerNeuronHeldOut []float64
	Train              *train.Inferred
	Emb                *Embeddings
	PCA                [][2]float64
	PCAExplained       []float64
	Classification     []*embed.Classification
	Spectra            []GroupSpectrum
	InferSteps         int
}

// chooseLabel picks the label to analyse by.
func chooseLabel(ds *data.Dataset, want string) (string, error) {
	if want != "" {
		_, err := ds.LabelValues(want)
		return want, err
	}
	if _, ok := ds.Labels["task"]; ok {
		return "task", nil
	}
	names := make([]string, 0, len(ds.Labels))
	for k := range ds.Labels {
		names = append(names, k)
	}
	if len(names) == 0 {
		return "", fmt.Errorf("%s: the data have no labels to analyse embeddings by", ds.Source)
	}
	sort.Strings(names)
	return names[0], nil
}

// Analyze evaluates a fitted model on its data and runs the embedding and spectral analyses.
// history may be nil.
func Analyze(f *train.Fitted, ds *data.Dataset, history []train.Record, opt Options) (*Analysis, error) {
	label, err := chooseLabel(ds, opt.Label)
	if err != nil {
		return nil, err
	}
	labels, _ := ds.LabelValues(label)
	steps := opt.InferSteps
	if steps == 0 {
		steps = f.Config.Train.InferSteps
	}
	a := &Analysis{Fitted: f, Data: ds, Label: label, Labels: labels, History: history, InferSteps: steps}
	slog.Info("analyse: reconstruction of the training segments")
	if a.Train, err = train.Evaluate(f, ds, f.Train); err != nil {
		return nil, err
	}
	a.R2Train, a.R2HeldOut = a.Train.R2, math.NaN()
	slog.Info("analyse: inferring held-out embeddings", "segments", len(f.HeldOut), "steps", steps)
	if a.Emb, err = SegmentEmbeddings(f, ds, steps); err != nil {
		return nil, err
	}
	if a.Emb.Inferred != nil {
		a.R2HeldOut, a.R2PerNeuronHeldOut = a.Emb.Inferred.R2, a.Emb.Inferred.R2PerNeuron
	}
	slog.Info("analyse: embeddings")
	k := min(2, f.Config.Model.D)
	scores, _, explained, err := embed.PCA(a.Emb.E, k)
	if err != nil {
		return nil, err
	}
	a.PCAExplained = explained
	for s := range ds.S {
		p := [2]float64{scores.At(s, 0), 0}
		if k > 1 {
			p[1] = scores.At(s, 1)
		}
		a.PCA = append(a.PCA, p)
	}
	if distinct(labels) > 1 && f.Groups == nil {
		for _, m := range []embed.Method{embed.Logistic, embed.KNN} {
			c, err := embed.Classify(a.Emb.E, labels, opt.Folds, opt.Seed, m)
			if err != nil {
				return nil, fmt.Errorf("classify %s by %s: %w", label, m, err)
			}
			a.Classification = append(a.Classification, c)
		}
	}
	slog.Info("analyse: spectra of the recurrent weights")
	if a.Spectra, err = WeightSpectra(f, a.Emb.E, labels, opt.UnitTol); err != nil {
		return nil, err
	}
	return a, nil
}

func distinct(v []string) int {
	s := slices.Clone(v)
	slices.Sort(s)
	return len(slices.Compact(s))
}
