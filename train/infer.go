package train

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/jedi-neuro/jedi/analysis/metrics"
	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/model"
)

// Inferred holds the embeddings and initial states inferred for new segments with θ frozen,
// and how well the model then reconstructs them.
type Inferred struct {
	// Segments are the dataset indices; Embeddings is len(Segments)×D and X0
	// len(Segments)×N (nil with the encoder, whose x₀ is computed from the data).
	Segments   []int
	Embeddings []float64
	X0         []float64
	// R2 is the variance-weighted R² over the segments' valid bins and neurons, and
	// R2PerNeuron its per-neuron values.
	R2          float64
	R2PerNeuron []float64
	// Prediction is the model's reconstruction, len(Segments)×T×M in the dataset's padded
	// layout (T = ds.T).
	Prediction []float64
}

// Infer infers the embeddings (and learned initial states) of dataset segments idx with θ
// frozen. Each segment starts from whichever reconstructs it best: the centroid of the training
// embeddings with the mean training initial state, or the (embedding, initial state) of one of
// the training segments; then `steps` Adam steps of size train.infer_lr refine the local
// parameters alone, each step over all the segments at once. With tied embeddings, a segment
// whose label value was seen in training keeps that value's embedding and only its initial
// state is inferred.
func Infer(f *Fitted, ds *data.Dataset, idx []int, steps int) (*Inferred, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	if ds.M != f.Config.Model.M {
		return nil, fmt.Errorf("%s: %d neurons, the model was fitted to %d", ds.Source, ds.M, f.Config.Model.M)
	}
	return precisionOf(f.Config.DType).infer(f, ds, idx, steps, nil)
}

// InferInitial reconstructs segments idx with their embeddings fixed to the rows of E
// (len(idx)×D) — e.g. a label's centroid — inferring only their initial states (none with the
// encoder or zero initial states) with θ frozen, as Infer does.
func InferInitial(f *Fitted, ds *data.Dataset, idx []int, E []float64, steps int) (*Inferred, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	return precisionOf(f.Config.DType).infer(f, ds, idx, steps, E)
}

// Predict reconstructs segments idx with given embeddings E (len(idx)×D) and initial states X0
// (len(idx)×N; nil for the encoder or zero initial states), without noise or optimisation.
func Predict(f *Fitted, ds *data.Dataset, idx []int, E, X0 []float64) (*Inferred, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	c := &f.Config.Model
	ll := model.NewLocalLayout(c, len(idx), len(idx))
	if len(E) != len(idx)*c.D || (ll.X0Off >= 0 && len(X0) != len(idx)*c.N) {
		return nil, fmt.Errorf("predict: %d embedding and %d initial-state values for %d segments (D = %d, N = %d)", len(E), len(X0), len(idx), c.D, c.N)
	}
	m, err := f.Model()
	if err != nil {
		return nil, err
	}
	local := append(append([]float64(nil), E...), X0...)[:ll.Size]
	rows := seq(0, len(idx))
	res := &Inferred{Segments: idx, Embeddings: E, X0: X0}
	err = precisionOf(f.Config.DType).predict(m, ds, f.Theta, &ll, local, idx, rows, rows, res)
	return res, err
}

// Evaluate computes the reconstruction of training segments idx (which must be in f.Train)
// with their trained embeddings and initial states, without noise.
func Evaluate(f *Fitted, ds *data.Dataset, idx []int) (*Inferred, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	return precisionOf(f.Config.DType).evaluate(f, ds, idx)
}

// EvaluateSplit reconstructs f's training segments with their trained context (Evaluate) and
// infers its held-out segments with `steps` Adam steps (Infer); held is nil when f has no
// held-out segments.
func EvaluateSplit(f *Fitted, ds *data.Dataset, steps int) (tr, held *Inferred, err error) {
	if tr, err = Evaluate(f, ds, f.Train); err != nil {
		return nil, nil, err
	}
	if len(f.HeldOut) > 0 {
		if held, err = Infer(f, ds, f.HeldOut, steps); err != nil {
			return nil, nil, err
		}
	}
	return tr, held, nil
}

func evaluate[T model.Float](f *Fitted, ds *data.Dataset, idx []int) (*Inferred, error) {
	m, err := f.Model()
	if err != nil {
		return nil, err
	}
	ll, local := f.localTable()
	rows := make([]int, len(idx))
	emb := make([]int, len(idx))
	for i, s := range idx {
		r := indexOf(f.Train, s)
		if r < 0 {
			return nil, fmt.Errorf("segment %d is not a training segment of this model", s)
		}
		rows[i] = r
		emb[i], _ = f.EmbeddingOf(ds, s)
	}
	res := &Inferred{Segments: idx}
	err = predict[T](m, ds, f.Theta, &ll, local, idx, rows, emb, res)
	return res, err
}

// predict runs the model without noise on segments idx (local rows seg, embedding rows emb),
// filling res's prediction and R².
func predict[T model.Float](m *model.Model, ds *data.Dataset, theta64 []float64, ll *model.LocalLayout, local64 []float64, idx, seg, emb []int, res *Inferred) error {
	pass := model.NewPass[T](m)
	st := stage[T](ds, idx, m.Cfg.I > 0)
	theta, local := convert[T](theta64), convert[T](local64)
	acc, err := metrics.NewR2Acc(m.Cfg.M)
	if err != nil {
		return err
	}
	M := m.Cfg.M
	res.Prediction = make([]float64, len(idx)*ds.T*M)
	var bt model.Batch[T]
	var buf []float64
	const chunk = 64
	for lo := 0; lo < len(idx); lo += chunk {
		hi := min(lo+chunk, len(idx))
		rows := seq(lo, hi)
		st.fill(&bt, &m.Cfg, rows, emb[lo:hi], seg[lo:hi])
		if _, err := pass.Forward(theta, local, ll, &bt); err != nil {
			return err
		}
		if buf, err = addR2(acc, pass, &bt, buf); err != nil {
			return err
		}
		yhat := pass.Yhat()
		for b := 0; b < bt.B; b++ {
			L := bt.Len[b]
			dst := res.Prediction[(lo+b)*ds.T*M:]
			for i, v := range yhat[b*bt.T*M : (b*bt.T+L)*M] {
				dst[i] = float64(v)
			}
		}
	}
	res.R2 = acc.Value()
	res.R2PerNeuron = acc.PerNeuron()
	return nil
}

// inferR2 infers the local parameters of segments idx. With given (len(idx)×D), every segment's
// embedding is fixed to its row of given and only initial states are inferred. It stops with
// ctx's error between optimisation steps once ctx is done.
func inferR2[T model.Float](ctx context.Context, f *Fitted, ds *data.Dataset, idx []int, steps int, given []float64) (*Inferred, error) {
	if len(idx) == 0 {
		return nil, fmt.Errorf("no segments to infer")
	}
	m, err := f.Model()
	if err != nil {
		return nil, err
	}
	c := &m.Cfg
	D := c.D
	// Embedding rows: with tied embeddings, known label values reuse their trained rows
	// (frozen); every other segment gets a free row of its own.
	G0 := 0
	var fixed []float64
	emb := make([]int, len(idx))
	free := 0
	switch {
	case given != nil:
		if len(given) != len(idx)*D {
			return nil, fmt.Errorf("%d embedding values given for %d segments of dimension %d", len(given), len(idx), D)
		}
		fixed, G0 = given, len(idx)
	case f.Groups != nil:
		fixed = f.Embeddings
		G0 = f.G()
	}
	for i, s := range idx {
		if given != nil {
			emb[i] = i
			continue
		}
		if f.Groups != nil {
			if g, ok := f.EmbeddingOf(ds, s); ok {
				emb[i] = g
				continue
			}
		}
		emb[i] = G0 + free
		free++
	}
	ll := model.NewLocalLayout(c, G0+free, len(idx))
	local := make([]float64, ll.Size)
	copy(local, fixed)
	centroid := mean(f.Embeddings, D)
	for g := G0; g < G0+free; g++ {
		copy(local[g*D:(g+1)*D], centroid)
	}
	if ll.X0Off >= 0 {
		x0 := mean(f.X0, c.N)
		for s := range idx {
			copy(local[ll.X0Off+s*c.N:], x0)
		}
	}
	seg := seq(0, len(idx))
	if err := warmStart[T](ctx, m, f, ds, idx, &ll, local, emb, G0); err != nil {
		return nil, err
	}
	if steps > 0 {
		local, err = optimiseLocal[T](ctx, m, f, ds, idx, &ll, local, emb, G0, steps)
		if err != nil {
			return nil, err
		}
	}
	res := &Inferred{Segments: idx}
	if err := predict[T](m, ds, f.Theta, &ll, local, idx, seg, emb, res); err != nil {
		return nil, err
	}
	res.Embeddings = make([]float64, len(idx)*D)
	for i, g := range emb {
		copy(res.Embeddings[i*D:(i+1)*D], local[g*D:(g+1)*D])
	}
	if ll.X0Off >= 0 {
		res.X0 = local[ll.X0Off:]
	}
	return res, nil
}

// warmStart replaces the centroid start of each segment by the (embedding, initial state) of
// the training segment that reconstructs it best, when one does better: the optimisation then
// starts in the right basin instead of having to travel there from the average. Candidates are
// the training segments (at most maxCandidates of them, evenly spaced).
func warmStart[T model.Float](ctx context.Context, m *model.Model, f *Fitted, ds *data.Dataset, idx []int, ll *model.LocalLayout, local []float64, emb []int, G0 int) error {
	c := &m.Cfg
	D, N, M := c.D, c.N, c.M
	const maxCandidates = 256
	nc := len(f.Train)
	stride := max(1, nc/maxCandidates)
	pass := model.NewPass[T](m)
	st := stage[T](ds, idx, c.I > 0)
	theta := convert[T](f.Theta)
	best := make([]float64, len(idx))
	for i := range best {
		best[i] = math.Inf(1)
	}
	bestRow := make([]int, len(idx))
	trial := slices.Clone(local)
	var bt model.Batch[T]
	for r := -1; r < nc; r += stride {
		if err := ctx.Err(); err != nil {
			return err
		}
		// r = −1 scores the centroid start itself.
		if r >= 0 {
			er := f.candidateEmbedding(ds, r)
			for i, g := range emb {
				if g >= G0 {
					copy(trial[g*D:(g+1)*D], er)
				}
				if ll.X0Off >= 0 {
					copy(trial[ll.X0Off+i*N:ll.X0Off+(i+1)*N], f.X0[r*N:(r+1)*N])
				}
			}
		}
		tl := convert[T](trial)
		const chunk = 64
		for lo := 0; lo < len(idx); lo += chunk {
			hi := min(lo+chunk, len(idx))
			rows := seq(lo, hi)
			st.fill(&bt, c, rows, emb[lo:hi], rows)
			if _, err := pass.Forward(theta, tl, ll, &bt); err != nil {
				return err
			}
			yhat := pass.Yhat()
			for b := 0; b < bt.B; b++ {
				var sse float64
				off := b * bt.T * M
				for k := off; k < off+bt.Len[b]*M; k++ {
					d := float64(yhat[k] - bt.Y[k])
					sse += d * d
				}
				if sse < best[lo+b] {
					best[lo+b], bestRow[lo+b] = sse, r
				}
			}
		}
		if r < 0 {
			r = -stride
		}
	}
	for i, r := range bestRow {
		if r < 0 {
			continue
		}
		if g := emb[i]; g >= G0 {
			copy(local[g*D:(g+1)*D], f.candidateEmbedding(ds, r))
		}
		if ll.X0Off >= 0 {
			copy(local[ll.X0Off+i*N:ll.X0Off+(i+1)*N], f.X0[r*N:(r+1)*N])
		}
	}
	return nil
}

// candidateEmbedding is the embedding of training segment r (its tied group's, if tied).
func (f *Fitted) candidateEmbedding(ds *data.Dataset, r int) []float64 {
	g := r
	if f.Groups != nil {
		g, _ = f.EmbeddingOf(ds, f.Train[r])
	}
	return f.Embedding(g)
}

// optimiseLocal runs Adam on the local table with θ frozen; rows below G0 (trained tied
// embeddings) stay fixed. Each step accumulates the gradient over all segments.
func optimiseLocal[T model.Float](ctx context.Context, m *model.Model, f *Fitted, ds *data.Dataset, idx []int, ll *model.LocalLayout, local64 []float64, emb []int, G0, steps int) ([]float64, error) {
	o := &f.Config.Train
	pass := model.NewPass[T](m)
	st := stage[T](ds, idx, m.Cfg.I > 0)
	theta, local := convert[T](f.Theta), convert[T](local64)
	g := make([]T, len(local))
	adam := NewAdam(len(local), o.Beta1, o.Beta2, o.Eps)
	var bt model.Batch[T]
	chunk := max(o.BatchSize, 1)
	for range steps {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		hook("validate")
		clear(g)
		for lo := 0; lo < len(idx); lo += chunk {
			hi := min(lo+chunk, len(idx))
			rows := seq(lo, hi)
			st.fill(&bt, &m.Cfg, rows, emb[lo:hi], rows)
			if _, err := pass.Forward(theta, local, ll, &bt); err != nil {
				return nil, err
			}
			pass.Backward(theta, local, ll, &bt, nil, g)
		}
		clear(g[:G0*ll.D])
		Update(adam, o.InferLR, local, g)
	}
	return toF64(local), nil
}

func mean(x []float64, width int) []float64 {
	out := make([]float64, width)
	n := len(x) / width
	if n == 0 {
		return out
	}
	for i := 0; i < n; i++ {
		for j := range out {
			out[j] += x[i*width+j]
		}
	}
	for j := range out {
		out[j] /= float64(n)
	}
	return out
}

func seq(lo, hi int) []int {
	s := make([]int, hi-lo)
	for i := range s {
		s[i] = lo + i
	}
	return s
}

func indexOf(s []int, v int) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}
