package train

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"slices"

	"github.com/jedi-neuro/jedi/analysis/metrics"
	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/internal/par"
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
	// Unanchored lists the segments that a model fitted with train.align could not anchor
	// (shorter than its T_c bins): they were inferred from the usual start, without the pull.
	Unanchored []int
}

// anchorPull is the alignment term of inference (train.align): the anchors of the segments
// inferred (len(idx)×D; row i meaningful where ok[i]) and the weight λ of the pull.
type anchorPull struct {
	lambda  float64
	anchors []float64
	ok      []bool
}

// Infer infers the embeddings (and learned initial states) of dataset segments idx with θ
// frozen. Each segment starts from whichever reconstructs it best: the centroid of the training
// embeddings with the mean training initial state, or the (embedding, initial state) of one of
// the training segments; then `steps` Adam steps of size train.infer_lr refine the local
// parameters alone, each step over all the segments at once. With tied embeddings, a segment
// whose label value was seen in training keeps that value's embedding and only its initial
// state is inferred. With f.Align (train.align), a segment starts at its anchor with the mean
// training initial state instead, and the optimisation adds training's pull toward the anchor
// (λ/2 · ‖e − a‖² per segment, averaged over each batch like the data term); segments too short
// to be anchored are listed in Unanchored and inferred as without alignment.
func Infer(f *Fitted, ds *data.Dataset, idx []int, steps int) (*Inferred, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	if ds.M != f.Config.Model.M {
		return nil, fmt.Errorf("%s: %d neurons, the model was fitted to %d", ds.Source, ds.M, f.Config.Model.M)
	}
	res, err := precisionOf(f.Config.DType).infer(f, ds, idx, steps, nil)
	if err == nil && len(res.Unanchored) > 0 {
		slog.Warn("segments shorter than the alignment's T_c bins: inferred without an anchor",
			"segments", len(res.Unanchored), "first", res.Unanchored[0], "tc", f.Align.Tc)
	}
	return res, err
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
	var r2 r2Adder
	const chunk = 64
	for lo := 0; lo < len(idx); lo += chunk {
		hi := min(lo+chunk, len(idx))
		rows := seq(lo, hi)
		st.fill(&bt, &m.Cfg, rows, emb[lo:hi], seg[lo:hi])
		if _, err := pass.Forward(theta, local, ll, &bt); err != nil {
			return err
		}
		if err := addR2(&r2, acc, pass, &bt, st.observed(rows)); err != nil {
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
	// With train.align, a segment with an anchor starts there, as training embeddings did, and
	// is pulled toward it with the training weight; the others start as without alignment.
	var pull *anchorPull
	if given == nil {
		if pull, err = f.anchorPull(ds, idx); err != nil {
			return nil, err
		}
	}
	if pull != nil {
		for i, g := range emb {
			if pull.ok[i] {
				copy(local[g*D:(g+1)*D], pull.anchors[i*D:(i+1)*D])
			}
		}
	}
	if err := warmStart[T](ctx, m, f, ds, idx, &ll, local, emb, G0, pull); err != nil {
		return nil, err
	}
	if steps > 0 {
		local, err = optimiseLocal[T](ctx, m, f, ds, idx, &ll, local, emb, G0, steps, pull)
		if err != nil {
			return nil, err
		}
	}
	res := &Inferred{Segments: idx}
	if err := predict[T](m, ds, f.Theta, &ll, local, idx, seg, emb, res); err != nil {
		return nil, err
	}
	if pull != nil {
		for i, ok := range pull.ok {
			if !ok {
				res.Unanchored = append(res.Unanchored, idx[i])
			}
		}
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

// anchorPull returns the alignment term for inferring segments idx, nil when f was fitted
// without train.align (or saved before its alignment was).
func (f *Fitted) anchorPull(ds *data.Dataset, idx []int) (*anchorPull, error) {
	if f.Align == nil {
		return nil, nil
	}
	anchors, ok, err := f.Align.Anchors(ds, idx)
	if err != nil {
		return nil, err
	}
	return &anchorPull{lambda: f.Config.Train.Align.Weight, anchors: anchors, ok: ok}, nil
}

// warmStart replaces the centroid start of each segment by the (embedding, initial state) of
// the training segment that reconstructs it best, when one does better: the optimisation then
// starts in the right basin instead of having to travel there from the average. Candidates are
// the centroid start and the training segments (at most maxCandidates of them, evenly spaced);
// a candidate's score on a segment is the sum of squared errors over the segment's valid bins
// and neurons, and ties keep the earlier candidate.
//
// A segment whose embedding row is free (inferred, not a trained tied row or a given one), in a
// model without inputs or encoder, gets from candidate k a trajectory that depends on k alone:
// x₀ is the candidate's (or zero) and nothing of the segment enters the dynamics. Those
// segments share one forward run of each candidate, cut to each segment's length (a bin's
// prediction depends only on earlier bins), and only the scoring is per segment: the cost is
// candidates × (one forward) + candidates × segments × T × M instead of candidates × segments
// forwards. The other segments run every candidate through the model themselves.
//
// Anchored segments (pull non-nil, pull.ok) keep the start they were given, their anchor with
// the mean initial state: training started their embeddings there, and a training segment's
// embedding would put them where the anchor says they are not.
func warmStart[T model.Float](ctx context.Context, m *model.Model, f *Fitted, ds *data.Dataset, idx []int, ll *model.LocalLayout, local []float64, emb []int, G0 int, pull *anchorPull) error {
	c := &m.Cfg
	D, N := c.D, c.N
	const maxCandidates = 256
	nc := len(f.Train)
	stride := max(1, nc/maxCandidates)
	// cand[k] is a training row, or −1 for the centroid start held in local.
	cand := []int{-1}
	for r := 0; r < nc; r += stride {
		cand = append(cand, r)
	}
	independent := c.I == 0 && c.InitialState != model.Encoder
	var shared, own []int // positions in idx
	for i, g := range emb {
		if pull != nil && pull.ok[i] {
			continue
		}
		if independent && g >= G0 {
			shared = append(shared, i)
		} else {
			own = append(own, i)
		}
	}
	st := stage[T](ds, idx, c.I > 0)
	best := make([]float64, len(idx))
	for i := range best {
		best[i] = math.Inf(1)
	}
	bestK := make([]int, len(idx))
	theta := convert[T](f.Theta)
	if len(shared) > 0 {
		if err := scoreShared(ctx, m, f, ds, st, theta, local, ll, emb, shared, cand, best, bestK); err != nil {
			return err
		}
	}
	if len(own) > 0 {
		if err := scoreOwn(ctx, m, f, ds, st, theta, local, ll, emb, G0, own, cand, best, bestK); err != nil {
			return err
		}
	}
	for i, k := range bestK {
		r := cand[k]
		if r < 0 { // the centroid start, or an anchored segment (not scored)
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

// scoreShared scores every candidate on the segments at positions pos of idx, whose
// trajectories depend on the candidate alone (see warmStart): each candidate runs once, for
// the longest of those segments, and its prediction is compared with each segment's data.
// best and bestK receive, per position, the lowest sum of squared errors and its candidate.
func scoreShared[T model.Float](ctx context.Context, m *model.Model, f *Fitted, ds *data.Dataset, st *staged[T], theta []T, local []float64, ll *model.LocalLayout, emb, pos, cand []int, best []float64, bestK []int) error {
	c := &m.Cfg
	D, N, M := c.D, c.N, c.M
	nt := 0
	for _, i := range pos {
		nt = max(nt, st.len[i])
	}
	// The candidates' own table: row k holds candidate k's embedding and initial state.
	cl := model.NewLocalLayout(c, len(cand), len(cand))
	table := make([]T, cl.Size)
	g0 := emb[pos[0]] // a free row of local, which holds the centroid start
	for k, r := range cand {
		e, x0 := local[g0*D:(g0+1)*D], []float64(nil)
		if cl.X0Off >= 0 {
			x0 = local[ll.X0Off+pos[0]*N : ll.X0Off+(pos[0]+1)*N]
		}
		if r >= 0 {
			e = f.candidateEmbedding(ds, r)
			if cl.X0Off >= 0 {
				x0 = f.X0[r*N : (r+1)*N]
			}
		}
		setLocal(table, &cl, k, e, x0)
	}
	pass := model.NewPass[T](m)
	const chunk = 64
	var bt model.Batch[T]
	bt.T = nt
	sse := make([]float64, chunk*len(pos))
	for lo := 0; lo < len(cand); lo += chunk {
		if err := ctx.Err(); err != nil {
			return err
		}
		hi := min(lo+chunk, len(cand))
		bt.B = hi - lo
		bt.Y = growT(bt.Y, bt.B*nt*M) // zero targets: the loss is not used
		bt.Len, bt.Emb, bt.Seg = bt.Len[:0], bt.Emb[:0], bt.Seg[:0]
		for k := lo; k < hi; k++ {
			bt.Len = append(bt.Len, nt)
			bt.Emb = append(bt.Emb, k)
			bt.Seg = append(bt.Seg, k)
		}
		if _, err := pass.Forward(theta, table, &cl, &bt); err != nil {
			return err
		}
		yhat := pass.Yhat()
		// Each (candidate, segment) score is a sum over the segment's bins in a fixed
		// order, so the result does not depend on the number of goroutines.
		parallel(len(pos), func(j int) {
			i := pos[j]
			n := st.len[i] * M
			y := st.y[i][:n]
			for k := lo; k < hi; k++ {
				p := yhat[(k-lo)*nt*M:][:n]
				var s float64
				for q, v := range p {
					d := float64(v - y[q])
					s += d * d
				}
				sse[(k-lo)*len(pos)+j] = s
			}
		})
		for k := lo; k < hi; k++ {
			for j, i := range pos {
				if s := sse[(k-lo)*len(pos)+j]; s < best[i] {
					best[i], bestK[i] = s, k
				}
			}
		}
	}
	return nil
}

// scoreOwn scores every candidate on the segments at positions pos of idx by running the
// model on each segment with the candidate's embedding (where the segment's is free) and
// initial state.
func scoreOwn[T model.Float](ctx context.Context, m *model.Model, f *Fitted, ds *data.Dataset, st *staged[T], theta []T, local []float64, ll *model.LocalLayout, emb []int, G0 int, pos, cand []int, best []float64, bestK []int) error {
	c := &m.Cfg
	D, N, M := c.D, c.N, c.M
	pass := model.NewPass[T](m)
	trial := slices.Clone(local)
	var bt model.Batch[T]
	for k, r := range cand {
		if err := ctx.Err(); err != nil {
			return err
		}
		if r >= 0 {
			er := f.candidateEmbedding(ds, r)
			for _, i := range pos {
				if g := emb[i]; g >= G0 {
					copy(trial[g*D:(g+1)*D], er)
				}
				if ll.X0Off >= 0 {
					copy(trial[ll.X0Off+i*N:ll.X0Off+(i+1)*N], f.X0[r*N:(r+1)*N])
				}
			}
		}
		tl := convert[T](trial)
		const chunk = 64
		for lo := 0; lo < len(pos); lo += chunk {
			rows := pos[lo:min(lo+chunk, len(pos))]
			bemb := make([]int, len(rows))
			for j, i := range rows {
				bemb[j] = emb[i]
			}
			st.fill(&bt, c, rows, bemb, rows)
			if _, err := pass.Forward(theta, tl, ll, &bt); err != nil {
				return err
			}
			yhat := pass.Yhat()
			for b, i := range rows {
				var sse float64
				off := b * bt.T * M
				for q := off; q < off+bt.Len[b]*M; q++ {
					d := float64(yhat[q] - bt.Y[q])
					sse += d * d
				}
				if sse < best[i] {
					best[i], bestK[i] = sse, k
				}
			}
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

// inferChunk is the most segments inference runs through the model at once (about 50 MB of
// pass buffers at the demo's size in float32).
const inferChunk = 256

// optimiseLocal runs Adam on the local table with θ frozen; rows below G0 (trained tied
// embeddings) stay fixed. Each step accumulates the gradient over all segments. With pull, each
// batch's anchored segments add the alignment penalty of training (alignPenalty).
func optimiseLocal[T model.Float](ctx context.Context, m *model.Model, f *Fitted, ds *data.Dataset, idx []int, ll *model.LocalLayout, local64 []float64, emb []int, G0, steps int, pull *anchorPull) ([]float64, error) {
	o := &f.Config.Train
	pass := model.NewPass[T](m)
	st := stage[T](ds, idx, m.Cfg.I > 0)
	theta, local := convert[T](f.Theta), convert[T](local64)
	g := make([]T, len(local))
	adam := NewAdam(len(local), o.Beta1, o.Beta2, o.Eps)
	var bt model.Batch[T]
	// The segments go through the pass in batches of up to inferChunk, not of the training
	// batch size: each batch is one fork and join of the pass's workers, and larger batches
	// balance better over more cores.
	chunk := inferChunk
	for range steps {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		hook("validate")
		if _, err := inferGradient(pass, st, &bt, theta, local, ll, emb, chunk, pull, g); err != nil {
			return nil, err
		}
		clear(g[:G0*ll.D])
		Update(adam, o.InferLR, local, g)
	}
	return toF64(local), nil
}

// inferGradient returns the objective inference minimises over the staged segments (rows of st,
// embedding rows emb), in batches of chunk: Σ over batches of the batch loss (model.Pass) and,
// with pull, of the batch's alignment penalty (alignPenalty, anchored segments only), as in
// training. Its gradient in the local parameters overwrites g.
func inferGradient[T model.Float](pass *model.Pass[T], st *staged[T], bt *model.Batch[T], theta, local []T, ll *model.LocalLayout, emb []int, chunk int, pull *anchorPull, g []T) (float64, error) {
	clear(g)
	var loss float64
	var pe, pa []int // the embedding and anchor rows of a batch's anchored segments
	for lo := 0; lo < len(emb); lo += chunk {
		hi := min(lo+chunk, len(emb))
		rows := seq(lo, hi)
		st.fill(bt, &pass.Model().Cfg, rows, emb[lo:hi], rows)
		l, err := pass.Forward(theta, local, ll, bt)
		if err != nil {
			return 0, err
		}
		loss += l
		pass.Backward(theta, local, ll, bt, nil, g)
		if pull != nil {
			pe, pa = pe[:0], pa[:0]
			for i := lo; i < hi; i++ {
				if pull.ok[i] {
					pe, pa = append(pe, emb[i]), append(pa, i)
				}
			}
			loss += alignPenalty(pull.lambda, hi-lo, ll.D, local, pe, pa, pull.anchors, g)
		}
	}
	return loss, nil
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

// parallel calls f(i) for i = 0 … n−1 on up to par.Threads() goroutines.
func parallel(n int, f func(i int)) {
	par.For(par.Threads(), n, func(_, i int) { f(i) })
}
