// Package noise is the analysis plug-in "noise": the reconstruction R² of the training segments
// as Gaussian noise of k standard deviations of each embedding dimension is added to their
// embeddings.
package noise

import (
	"fmt"
	"path/filepath"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"github.com/jedi-neuro/jedi/analysis/embed"
	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/internal/output"
	"github.com/jedi-neuro/jedi/model"
	"github.com/jedi-neuro/jedi/plugin"
	"github.com/jedi-neuro/jedi/report"
	"github.com/jedi-neuro/jedi/train"
)

// Curve is how the reconstruction degrades as Gaussian noise is added to the
// embeddings.
type Curve struct {
	// Scales are the noise levels k; R2Mean[i] and R2SD[i] the mean and standard deviation over
	// Repeats draws of the R² at level Scales[i].
	Scales  []float64 `json:"scales"`
	R2Mean  []float64 `json:"r2_mean"`
	R2SD    []float64 `json:"r2_sd"`
	Repeats int       `json:"repeats"`
	Seed    uint64    `json:"seed"`
	// EmbeddingSD is σ_j, each embedding dimension's standard deviation over the segments.
	EmbeddingSD []float64 `json:"embedding_sd"`
	Segments    int       `json:"segments"`
	Meaning     string    `json:"meaning"`
}

// Analyze measures the robustness of f's reconstruction of its training segments to noise
// in their embeddings (embed.NoiseCurve): at each scale k, every trained embedding e_s gets
// ẽ_sj = e_sj + k σ_j ξ_sj, ξ ~ N(0, 1), σ_j the standard deviation of dimension j over the
// training segments, and the segments are predicted (train.Predict, no optimisation) from ẽ_s
// and their trained initial states. Repeats draws per scale (≥ 1), seeded. Scales nil uses
// embed.DefaultNoiseScales (0, 0.25, …, 2).
func Analyze(f *train.Fitted, ds *data.Dataset, scales []float64, repeats int, seed uint64) (*Curve, error) {
	if scales == nil {
		scales = embed.DefaultNoiseScales()
	}
	tr, err := plugin.TrainingSegments(f, ds)
	if err != nil {
		return nil, err
	}
	X := tr.Matrix()
	var x0 []float64
	if f.Config.Model.InitialState == model.Learned {
		x0 = f.X0
	}
	mean, sd, err := embed.NoiseCurve(X, scales, seed, repeats, func(noisy *mat.Dense) (float64, error) {
		p, err := train.Predict(f, ds, tr.Idx, noisy.RawMatrix().Data, x0)
		if err != nil {
			return 0, err
		}
		return p.R2, nil
	})
	if err != nil {
		return nil, err
	}
	n := &Curve{Scales: scales, R2Mean: mean, R2SD: sd, Repeats: repeats, Seed: seed, Segments: len(tr.Idx),
		Meaning: "r2_mean[i]: mean over repeats of the R² of the training segments predicted with their trained initial states and embeddings e + k σ ξ (k = scales[i], σ each dimension's std over segments, ξ ~ N(0, I))"}
	for j := range f.Config.Model.D {
		n.EmbeddingSD = append(n.EmbeddingSD, stat.StdDev(mat.Col(nil, j, X), nil))
	}
	return n, nil
}

// Write saves the curve in dir as noise.json, noise.npz (scales, r2_mean, r2_sd) and the plot
// noise.png / .svg, and returns the figure for a report.
func (n *Curve) Write(dir string) ([]report.Figure, error) {
	if err := output.WriteJSON(filepath.Join(dir, "noise.json"), n); err != nil {
		return nil, err
	}
	if err := output.WriteNPZ(filepath.Join(dir, "noise.npz"),
		output.Array{Name: "scales", Shape: nil, Data: n.Scales}, output.Array{Name: "r2_mean", Shape: nil, Data: n.R2Mean}, output.Array{Name: "r2_sd", Shape: nil, Data: n.R2SD}); err != nil {
		return nil, err
	}
	png, err := output.Figure(dir, "noise", func(path string) error {
		return report.Lines(path, "Robustness to embedding noise", "noise scale k (× std of each embedding dimension)", "R² (training segments)",
			[]report.Series{{Name: "JEDI", X: n.Scales, Y: n.R2Mean, YErr: n.R2SD}}, report.LineOptions{Neutral: true})
	})
	if err != nil {
		return nil, err
	}
	return []report.Figure{{Caption: fmt.Sprintf("R² against Gaussian noise of k standard deviations added to every embedding (mean ± sd over %d draws)", n.Repeats), Path: png}}, nil
}
