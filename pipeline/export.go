package pipeline

import (
	"fmt"
	"log/slog"
	"math"
	"sort"

	"gonum.org/v1/gonum/mat"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/internal/output"
	"github.com/jedi-neuro/jedi/internal/version"
	"github.com/jedi-neuro/jedi/model"
	"github.com/jedi-neuro/jedi/plugin"
	"github.com/jedi-neuro/jedi/train"
)

// Export is every per-segment quantity of a fitted run on its data, for programs: for each
// dataset segment s (0-based, in the data's order; training and held-out alike, the held-out
// embeddings and initial states inferred with θ frozen) its embedding e_s, initial state x_0,
// recurrent weights (U_s, V_s with W_s = U_s V_sᵀ / N for low rank, W_s for full rank), bias b_s,
// latent trajectory x_t and predicted activity ŷ_t, with the labels, the readout and the
// configuration. WriteNPZ writes it as one .npz archive (docs/python.md).
type Export struct {
	// S segments of up to T bins, M neurons, N units, embedding dimension D, rank R (0: full).
	S, T, M, N, D, R int
	Dt, Alpha        float64
	// HeldOut[s] says whether segment s was held out of training, Lengths[s] its valid bins.
	HeldOut []bool
	Lengths []int64
	// Embedding [S, D], X0 [S, N], Bias [S, N].
	Embedding, X0, Bias []float64
	// U, V [S, N, R] (low rank) or W [S, N, N] (full rank).
	U, V, W []float64
	// Latent [S, T, N] and Prediction [S, T, M], NaN past each segment's length; Activity [S, T,
	// M] is the data.
	Latent, Prediction, Activity []float64
	// ReadoutC [M, N], ReadoutBias [M]: ŷ = link(C φ(x) + c); an identity readout is C = the
	// first M rows of the identity and c = 0. Link is "identity" or "softplus".
	ReadoutC, ReadoutBias []float64
	Link                  string
	// Cell names φ: "tanh", or "linear" for φ = identity.
	Cell string
	// For a model with I > 0 inputs, InputWeights [N, I] is the input matrix B and Inputs
	// [S, T, I] the data's inputs: u_t enters the step from x_t to x_{t+1} as α B u_t.
	I                    int
	InputWeights, Inputs []float64
	// Observed is a multi-session dataset's mask [S, M] (nil when every segment recorded every
	// neuron): prediction covers every neuron, activity only the observed ones.
	Observed []bool
	// Labels by name, one value per segment, as text; Orders by name, each label's distinct
	// values in the order the run's figures, legends and tables show them
	// (data.Dataset.GroupIndex: the data's declared order, or sorted).
	Labels, Orders map[string][]string
	// Config is the run's configuration as YAML text; Version the jedi that wrote it.
	Config, Version string
	// R2Train and R2HeldOut are the variance-weighted R² of the two sides (NaN: no held-out).
	R2Train, R2HeldOut float64
}

// NewExport computes the Export of run f on ds. inferSteps is the number of Adam steps inferring
// the held-out segments (0: the configuration's).
func NewExport(f *train.Fitted, ds *data.Dataset, inferSteps int) (*Export, error) {
	if inferSteps == 0 {
		inferSteps = f.Config.Train.InferSteps
	}
	c := f.Config.Model
	x := &Export{S: ds.S, T: ds.T, M: ds.M, N: c.N, D: c.D, R: c.Rank, Dt: ds.Dt, Alpha: c.Alpha, Labels: map[string][]string{}, Orders: map[string][]string{},
		R2HeldOut: math.NaN(), Version: version.Get().String()}
	y, err := f.Config.YAML()
	if err != nil {
		return nil, err
	}
	x.Config = string(y)
	tr, err := train.Evaluate(f, ds, f.Train)
	if err != nil {
		return nil, err
	}
	x.R2Train = tr.R2
	var held *train.Inferred
	if len(f.HeldOut) > 0 {
		slog.Info("export: inferring the held-out segments", "segments", len(f.HeldOut), "steps", inferSteps)
		if held, err = train.Infer(f, ds, f.HeldOut, inferSteps); err != nil {
			return nil, err
		}
		x.R2HeldOut = held.R2
	}
	segs, err := plugin.AllSegments(f, ds, held)
	if err != nil {
		return nil, err
	}
	pos := make([]int, ds.S)
	for i := range pos {
		pos[i] = -1
	}
	for i, s := range segs.Idx {
		pos[s] = i
	}
	S, T, M, N, D, R := ds.S, ds.T, ds.M, c.N, c.D, c.Rank
	x.Cell = string(model.CellTanh)
	if c.Cell != "" {
		x.Cell = string(c.Cell)
	}
	if c.I > 0 {
		x.I, x.Inputs = c.I, ds.Inputs
	}
	x.HeldOut = make([]bool, S)
	for _, s := range f.HeldOut {
		x.HeldOut[s] = true
	}
	x.Embedding, x.X0, x.Bias = nanSlice(S*D), nanSlice(S*N), nanSlice(S*N)
	if R > 0 {
		x.U, x.V = nanSlice(S*N*R), nanSlice(S*N*R)
	} else {
		x.W = nanSlice(S * N * N)
	}
	x.Latent, x.Prediction = nanSlice(S*T*N), nanSlice(S*T*M)
	x.Activity, x.Observed = ds.Activity, ds.Observed
	for s := range S {
		x.Lengths = append(x.Lengths, int64(ds.Lengths[s]))
		i := pos[s]
		if i < 0 {
			return nil, fmt.Errorf("export: segment %d is neither a training nor a held-out segment of the run", s)
		}
		net, err := segs.Network(f, segs.E[i], i)
		if err != nil {
			return nil, err
		}
		copy(x.Embedding[s*D:], segs.E[i])
		copy(x.X0[s*N:], segs.X0[i])
		b := x.Bias[s*N : (s+1)*N]
		for j := range b {
			b[j] = 0
		}
		copy(b, net.B)
		if R > 0 {
			copyDense(x.U[s*N*R:(s+1)*N*R], net.U)
			copyDense(x.V[s*N*R:(s+1)*N*R], net.V)
		} else {
			copyDense(x.W[s*N*N:(s+1)*N*N], net.W)
		}
		if x.ReadoutC == nil {
			x.ReadoutC, x.ReadoutBias, x.Link = readoutArrays(net.Readout, N)
			if net.In != nil {
				x.InputWeights = make([]float64, N*c.I)
				copyDense(x.InputWeights, net.In)
			}
		}
		for t, xt := range net.Run(segs.X0[i], ds.Lengths[s]) {
			copy(x.Latent[(s*T+t)*N:], xt)
			copy(x.Prediction[(s*T+t)*M:], net.Observe(xt))
		}
	}
	for name, l := range ds.Labels {
		x.Labels[name] = l.Values
		if x.Orders[name], _, err = ds.GroupIndex(name); err != nil {
			return nil, err
		}
	}
	return x, nil
}

// WriteNPZ writes the export as one .npz archive at path, atomically: the arrays named in
// docs/python.md (lower case, shapes as in Export), label_<name> and order_<name> for every
// label, and config
// (YAML text) and jedi (version) as 0-d unicode arrays.
func (x *Export) WriteNPZ(path string) error {
	S, T, M, N, D, R := x.S, x.T, x.M, x.N, x.D, x.R
	arrays := []output.Array{
		{Name: "embedding", Shape: []int{S, D}, Data: x.Embedding},
		{Name: "x0", Shape: []int{S, N}, Data: x.X0},
		{Name: "b", Shape: []int{S, N}, Data: x.Bias},
	}
	if R > 0 {
		arrays = append(arrays,
			output.Array{Name: "U", Shape: []int{S, N, R}, Data: x.U},
			output.Array{Name: "V", Shape: []int{S, N, R}, Data: x.V},
			output.Array{Name: "w_scale", Shape: []int{}, Data: []float64{1 / float64(N)}})
	} else {
		arrays = append(arrays, output.Array{Name: "W", Shape: []int{S, N, N}, Data: x.W})
	}
	arrays = append(arrays,
		output.Array{Name: "latent", Shape: []int{S, T, N}, Data: x.Latent},
		output.Array{Name: "prediction", Shape: []int{S, T, M}, Data: x.Prediction},
		output.Array{Name: "activity", Shape: []int{S, T, M}, Data: x.Activity},
		output.Array{Name: "lengths", Data: x.Lengths},
		output.Array{Name: "heldout", Data: x.HeldOut},
		output.Array{Name: "readout_C", Shape: []int{M, N}, Data: x.ReadoutC},
		output.Array{Name: "readout_bias", Data: x.ReadoutBias},
		output.Array{Name: "readout_link", Shape: []int{}, Data: []string{x.Link}},
		output.Array{Name: "cell", Shape: []int{}, Data: []string{x.Cell}},
		output.Array{Name: "dt", Shape: []int{}, Data: []float64{x.Dt}},
		output.Array{Name: "alpha", Shape: []int{}, Data: []float64{x.Alpha}},
		output.Array{Name: "r2_train", Shape: []int{}, Data: []float64{x.R2Train}},
		output.Array{Name: "r2_heldout", Shape: []int{}, Data: []float64{x.R2HeldOut}},
		output.Array{Name: "config", Shape: []int{}, Data: []string{x.Config}},
		output.Array{Name: "jedi", Shape: []int{}, Data: []string{x.Version}},
	)
	if x.Observed != nil {
		arrays = append(arrays, output.Array{Name: "observed", Shape: []int{S, M}, Data: x.Observed})
	}
	if x.I > 0 {
		arrays = append(arrays,
			output.Array{Name: "input_weights", Shape: []int{N, x.I}, Data: x.InputWeights},
			output.Array{Name: "inputs", Shape: []int{S, T, x.I}, Data: x.Inputs})
	}
	names := make([]string, 0, len(x.Labels))
	for n := range x.Labels {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		arrays = append(arrays, output.Array{Name: "label_" + n, Data: x.Labels[n]},
			output.Array{Name: "order_" + n, Data: x.Orders[n]})
	}
	return output.WriteNPZ(path, arrays...)
}

// readoutArrays returns the readout as C [M, N] and c [M] (identity: the first M rows of I and
// zero) and the name of its link.
func readoutArrays(r *model.Readout, N int) ([]float64, []float64, string) {
	M := r.M
	out, c := make([]float64, M*N), make([]float64, M)
	if r.C == nil {
		for i := range M {
			out[i*N+i] = 1
		}
	} else {
		copyDense(out, r.C)
	}
	copy(c, r.Bias)
	link := "identity"
	if r.Poisson {
		link = "softplus"
	}
	return out, c, link
}

// copyDense copies the r×c matrix a into dst (length r·c) row by row.
func copyDense(dst []float64, a *mat.Dense) {
	r, c := a.Dims()
	for i := range r {
		copy(dst[i*c:(i+1)*c], a.RawRowView(i))
	}
}

func nanSlice(n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = math.NaN()
	}
	return x
}
