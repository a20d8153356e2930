package spectra

import (
	"slices"

	"gonum.org/v1/gonum/mat"

	eig "github.com/jedi-neuro/jedi/analysis/spectra"
	"github.com/jedi-neuro/jedi/train"
)

// GroupSpectrum is the eigenvalues of the recurrent weights W_s of every segment of one label
// value, pooled, and their summary.
type GroupSpectrum struct {
	Group   string
	Eigs    []complex128
	Summary eig.Summary
}

// Weights computes the eigenvalues of W_s = h_θ(e_s) for every row of E and pools them by
// labels (one per row), groups in first-seen order. tol is the distance to |λ| = 1 counted as
// "near the unit circle" in the summaries. For low-rank W = U Vᵀ / N only the R eigenvalues
// that can be non-zero are kept (model.Network.WeightEigenvalues).
func Weights(f *train.Fitted, E *mat.Dense, labels []string, tol float64) ([]GroupSpectrum, error) {
	var out []GroupSpectrum
	var err error
	for s := range labels {
		net, err := f.Network(E.RawRowView(s))
		if err != nil {
			return nil, err
		}
		eigs, err := net.WeightEigenvalues()
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(out, func(g GroupSpectrum) bool { return g.Group == labels[s] })
		if i < 0 {
			out = append(out, GroupSpectrum{Group: labels[s]})
			i = len(out) - 1
		}
		out[i].Eigs = append(out[i].Eigs, eigs...)
	}
	for i := range out {
		if out[i].Summary, err = eig.Summarize(out[i].Eigs, tol); err != nil {
			return nil, err
		}
	}
	return out, nil
}
