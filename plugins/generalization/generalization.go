// Package generalization is the analysis plug-in "generalization": the centroid generalization
// matrix, the R² of each label value's held-out segments when the network runs from each
// value's centroid embedding.
package generalization

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/jedi-neuro/jedi/analysis/embed"
	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/internal/output"
	"github.com/jedi-neuro/jedi/plugin"
	"github.com/jedi-neuro/jedi/report"
	"github.com/jedi-neuro/jedi/train"
)

// Matrix is the centroid generalization matrix of a fitted model: how well the network
// of each label value's centroid embedding reconstructs the held-out segments of each value.
type Matrix struct {
	Label string `json:"label"`
	// Groups are the label values in the order of data.Dataset.GroupIndex (the data's declared order, else sorted); they name the rows and the columns of R2.
	Groups []string `json:"groups"`
	// R2[i][j] is the R² of the held-out segments of Groups[j] when the RNN is driven by the
	// centroid embedding of Groups[i] (the mean of the trained embeddings of its training
	// segments), each segment's initial state inferred with θ and the embedding frozen.
	R2 [][]float64 `json:"r2"`
	// Dominant says whether every diagonal entry exceeds every other entry of its column: each
	// value's held-out segments are explained best by its own centroid. Violations lists each
	// (row, column) where it fails.
	Dominant   bool     `json:"diagonal_dominant"`
	Violations [][2]int `json:"violations"`
	// Centroids are the centroid embeddings, one row per group.
	Centroids [][]float64 `json:"centroids"`
	// TrainCount and HeldOutCount are the numbers of training segments averaged into each
	// centroid and of held-out segments scored in each column.
	TrainCount   []int `json:"train_segments"`
	HeldOutCount []int `json:"heldout_segments"`
	// InferSteps is the number of Adam steps inferring each segment's initial state.
	InferSteps int    `json:"infer_steps"`
	Meaning    string `json:"meaning"`
}

// Analyze computes the centroid generalization matrix of f on ds for label: for
// each pair of values (i, j), the R² of train.InferInitial on the held-out segments of value j
// with every embedding fixed to the centroid of value i, inferring only the initial states
// (`steps` Adam steps; none for the encoder or zero initial states). Every value needs training
// and held-out segments. It costs G² inferences of the held-out segments of one value.
func Analyze(f *train.Fitted, ds *data.Dataset, label string, steps int) (*Matrix, error) {
	if len(f.HeldOut) == 0 {
		return nil, fmt.Errorf("centroid generalization: the run has no held-out segments")
	}
	all, err := ds.LabelValues(label)
	if err != nil {
		return nil, err
	}
	tr, err := plugin.TrainingSegments(f, ds)
	if err != nil {
		return nil, err
	}
	D := f.Config.Model.D
	trainLabels, err := tr.Labels(ds, label)
	if err != nil {
		return nil, err
	}
	textOrder, textC, err := embed.Centroids(tr.Matrix(), trainLabels)
	if err != nil {
		return nil, err
	}
	// Rows and columns in the dataset's order of the label's values (numeric for numbers).
	groups, _, err := plugin.GroupsOf(ds, label, trainLabels)
	if err != nil {
		return nil, err
	}
	C := mat.NewDense(len(groups), D, nil)
	for i, g := range groups {
		C.SetRow(i, textC.RawRowView(slices.Index(textOrder, g)))
	}
	heldLabels := make([]string, len(f.HeldOut))
	for i, s := range f.HeldOut {
		heldLabels[i] = all[s]
	}
	g := &Matrix{Label: label, Groups: groups, InferSteps: steps,
		TrainCount: count(groups, trainLabels), HeldOutCount: count(groups, heldLabels),
		Meaning: "r2[i][j]: R² of the held-out segments whose " + label + " is groups[j], reconstructed with their embedding fixed to the centroid of the training embeddings of groups[i] and only their initial state inferred (θ frozen)"}
	for i := range groups {
		g.Centroids = append(g.Centroids, mat.Row(nil, i, C))
	}
	M, err := embed.GeneralizationMatrix(groups, C, heldLabels, func(centroid []float64, segs []int) (float64, error) {
		idx := make([]int, len(segs))
		E := make([]float64, 0, len(segs)*D)
		for k, h := range segs {
			idx[k] = f.HeldOut[h]
			E = append(E, centroid...)
		}
		inf, err := train.InferInitial(f, ds, idx, E, steps)
		if err != nil {
			return 0, err
		}
		return inf.R2, nil
	})
	if err != nil {
		return nil, err
	}
	g.R2 = denseRows(M)
	g.Dominant, g.Violations, err = embed.DiagonalDominant(M)
	if err != nil {
		return nil, err
	}
	if g.Violations == nil {
		g.Violations = [][2]int{}
	}
	slog.Debug("centroid generalization", "label", label, "groups", len(groups), "diagonal_dominant", g.Dominant)
	return g, nil
}

// count returns how many of labels equal each group.
func count(groups, labels []string) []int {
	n := make([]int, len(groups))
	for _, l := range labels {
		for i, g := range groups {
			if g == l {
				n[i]++
			}
		}
	}
	return n
}

// denseRows copies a matrix into a slice of rows.
func denseRows(M mat.Matrix) [][]float64 {
	r, _ := M.Dims()
	out := make([][]float64, r)
	for i := range out {
		out[i] = mat.Row(nil, i, M)
	}
	return out
}

// Write saves the matrix in dir as generalization.json, generalization.npz (r2 [G,G],
// centroids [G,D], groups [G]) and the heatmap generalization.png / .svg, and returns the
// figure for a report.
func (g *Matrix) Write(dir string) ([]report.Figure, error) {
	if err := output.WriteJSON(filepath.Join(dir, "generalization.json"), g); err != nil {
		return nil, err
	}
	rs, r2 := output.Flat(g.R2)
	cs, c := output.Flat(g.Centroids)
	if err := output.WriteNPZ(filepath.Join(dir, "generalization.npz"),
		output.Array{Name: "r2", Shape: rs, Data: r2}, output.Array{Name: "centroids", Shape: cs, Data: c}, output.Array{Name: "groups", Shape: nil, Data: g.Groups}); err != nil {
		return nil, err
	}
	png, err := output.Figure(dir, "generalization", func(path string) error {
		return report.Heatmap(path, "Centroid generalization (R²)", g.Groups, g.Groups, g.R2,
			report.HeatmapOptions{Annotate: true, XLabel: "held-out " + g.Label + " scored", YLabel: "centroid of " + g.Label + " driving the RNN", ValueLabel: "R²", Min: 0, Max: 1})
	})
	if err != nil {
		return nil, err
	}
	return []report.Figure{{Caption: fmt.Sprintf("R² of the held-out segments of each %s (columns) with the embedding fixed to each value's centroid (rows); initial states inferred. Diagonal dominant: %v.", g.Label, g.Dominant), Path: png}}, nil
}
