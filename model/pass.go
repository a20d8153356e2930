package model

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/jedi-neuro/jedi/kernels"
)

// Pass runs the forward and backward computations of a model on batches, holding every
// intermediate so that repeated passes allocate nothing. A Pass is not safe for concurrent use;
// internally it spreads the segments of a batch over GOMAXPROCS goroutines.
type Pass[T Float] struct {
	m *Model
	// capacity in segments and bins, and the shape of the current batch
	capB, capT int
	b, t       int

	// act[l] is the activation entering hypernetwork layer l (act[0] holds the embeddings),
	// B×width; out is the hypernetwork output o, B×HyperOut.
	act [][]T
	out []T
	// x0 holds the initial states used, B×N; enc the encoder's input, B×(K·M).
	x0, enc []T
	// r holds r_t = φ(x_t) (tanh, or x_t for the linear cell), B×T×N, zero past each
	// segment's length; z holds z_t = Vᵀ r_t / N (low rank), B×T×R.
	r, z []T
	// ut, vt hold each segment's Uᵀ and Vᵀ (B×R×N) for low rank.
	ut, vt []T
	// bu holds B u_t, B×T×N, when the model has inputs.
	bu []T
	// yhat is the readout ŷ before any link, B×T×M; dy = ∂L/∂ŷ.
	yhat, dy []T
	// dr = ∂L/∂r (B×T×N), lam = ∂L/∂x (B×T×N), p_t = Uᵀ λ_{t+1} (B×T×R),
	// dout = ∂L/∂o (B×HyperOut), dact[l] = ∂L/∂act[l].
	dr, lam, p, dout []T
	dact             [][]T
	// gBias, gIn hold each segment's gradient of the shared bias (B×N) and input weights
	// (B×N×I) before their ordered sum.
	gBias, gIn []T
	// gRead, gReadB hold each segment's term of the readout gradients ∂L/∂C (B×M×N) and
	// ∂L/∂c (B×M), allocated when a backward pass computes them.
	gRead, gReadB []T
	// segLoss holds each segment's unnormalised data term (B).
	segLoss []float64
	work    []*worker[T]
}

// worker is one goroutine's scratch: a state vector, a step vector and a noise source.
type worker[T Float] struct {
	x, v []T
	rng  *rand.Rand
	pcg  *rand.PCG
}

// NewPass returns a pass of element type T for model m.
func NewPass[T Float](m *Model) *Pass[T] {
	p := &Pass[T]{m: m}
	c := &m.Cfg
	for range workers() {
		pcg := rand.NewPCG(0, 0)
		p.work = append(p.work, &worker[T]{
			x: make([]T, c.N), v: make([]T, c.N), pcg: pcg, rng: rand.New(pcg),
		})
	}
	return p
}

// Model returns the model the pass computes.
func (p *Pass[T]) Model() *Model { return p.m }

func (p *Pass[T]) resize(nb, nt int) {
	p.b, p.t = nb, nt
	if nb <= p.capB && nt <= p.capT {
		return
	}
	B := max(nb, p.capB)
	nt = max(nt, p.capT)
	p.capB, p.capT = B, nt
	c := &p.m.Cfg
	widths := append([]int{c.D}, c.Hidden...)
	p.act = make([][]T, len(widths))
	p.dact = make([][]T, len(widths))
	for i, w := range widths {
		p.act[i] = make([]T, B*w)
		p.dact[i] = make([]T, B*w)
	}
	p.out = make([]T, B*c.HyperOut())
	p.dout = make([]T, B*c.HyperOut())
	p.x0 = make([]T, B*c.N)
	if c.InitialState == Encoder {
		p.enc = make([]T, B*c.EncoderBins*c.M)
	}
	p.r = make([]T, B*nt*c.N)
	p.dr = make([]T, B*nt*c.N)
	p.lam = make([]T, B*nt*c.N)
	if c.LowRank() {
		p.ut = make([]T, B*c.N*c.Rank)
		p.vt = make([]T, B*c.N*c.Rank)
		p.z = make([]T, B*nt*c.Rank)
		p.p = make([]T, B*nt*c.Rank)
	}
	if c.I > 0 {
		p.bu = make([]T, B*nt*c.N)
	}
	p.gBias = make([]T, B*c.N)
	p.gIn = make([]T, B*c.N*c.I)
	p.yhat = make([]T, B*nt*c.M)
	p.dy = make([]T, B*nt*c.M)
	p.segLoss = make([]float64, B)
}

// checkBatch validates a batch against the model and the sizes of θ and the local table.
func (p *Pass[T]) checkBatch(theta, local []T, bt *Batch[T], ll *LocalLayout) error {
	c := &p.m.Cfg
	if len(theta) != p.m.Layout.Size {
		return fmt.Errorf("model: θ has %d values, want %d", len(theta), p.m.Layout.Size)
	}
	if len(local) != ll.Size {
		return fmt.Errorf("model: local table has %d values, want %d", len(local), ll.Size)
	}
	if bt.B < 1 || bt.T < 1 {
		return fmt.Errorf("model: empty batch (%d segments × %d bins)", bt.B, bt.T)
	}
	if len(bt.Y) != bt.B*bt.T*c.M {
		return fmt.Errorf("model: batch targets have %d values, want %d×%d×%d", len(bt.Y), bt.B, bt.T, c.M)
	}
	if bt.Weight != nil && len(bt.Weight) != bt.B*bt.T*c.M {
		return fmt.Errorf("model: batch weights have %d values, want %d×%d×%d", len(bt.Weight), bt.B, bt.T, c.M)
	}
	if c.I > 0 && len(bt.U) != bt.B*bt.T*c.I {
		return fmt.Errorf("model: batch inputs have %d values, want %d×%d×%d", len(bt.U), bt.B, bt.T, c.I)
	}
	if len(bt.Len) != bt.B || len(bt.Emb) != bt.B || len(bt.Seg) != bt.B {
		return fmt.Errorf("model: batch index slices must have %d entries", bt.B)
	}
	seen := make(map[int]bool, bt.B)
	for b := 0; b < bt.B; b++ {
		if bt.Len[b] < 1 || bt.Len[b] > bt.T {
			return fmt.Errorf("model: batch segment %d has length %d, want 1..%d", b, bt.Len[b], bt.T)
		}
		if c.InitialState == Encoder && bt.Len[b] < c.EncoderBins {
			return fmt.Errorf("model: batch segment %d has %d bins, fewer than encoder_bins = %d", b, bt.Len[b], c.EncoderBins)
		}
		if bt.Emb[b] < 0 || bt.Emb[b] >= ll.G {
			return fmt.Errorf("model: batch segment %d uses embedding %d, table has %d", b, bt.Emb[b], ll.G)
		}
		if bt.Seg[b] < 0 || bt.Seg[b] >= ll.S {
			return fmt.Errorf("model: batch segment %d is segment %d, table has %d", b, bt.Seg[b], ll.S)
		}
		if seen[bt.Seg[b]] {
			return fmt.Errorf("model: segment %d appears twice in one batch", bt.Seg[b])
		}
		seen[bt.Seg[b]] = true
	}
	return nil
}

// Forward runs the model on a batch and returns the loss (data term plus embedding prior).
// Yhat then holds the prediction.
func (p *Pass[T]) Forward(theta, local []T, ll *LocalLayout, bt *Batch[T]) (float64, error) {
	if err := p.checkBatch(theta, local, bt, ll); err != nil {
		return 0, err
	}
	p.resize(bt.B, bt.T)
	c := &p.m.Cfg
	p.hyperForward(theta, local, ll, bt)
	p.initialStates(theta, local, ll, bt)
	if c.I > 0 {
		// B u_t for every segment and bin at once: (B·T × I)·(N × I)ᵀ.
		kernels.Gemm(false, true, bt.B*bt.T, c.N, c.I, 1, bt.U, c.I, View(theta, &p.m.Layout, p.m.Layout.InW), c.I, 0, p.bu, c.N)
	}
	bias := p.sharedBias(theta)
	inv := p.lossScale(bt)
	// Each segment's factors, readout and loss are computed by the goroutine that integrates
	// it, so that the readout product, most of the forward's arithmetic, and the loss's pass
	// over all B·T·M predictions are spread over the cores with the segments (one product over
	// all B·T rows would run on one core at these sizes).
	parallel(len(p.work), bt.B, func(w, b int) {
		if c.LowRank() {
			p.transposeFactors(b)
		}
		p.runSegment(p.work[w], b, bt, bias)
		p.readout(theta, b)
		p.segLoss[b] = p.segmentLoss(b, bt, inv)
	})
	return p.loss(local, ll, bt, inv), nil
}

// sharedBias returns the shared b, or nil when the hypernetwork emits it.
func (p *Pass[T]) sharedBias(theta []T) []T {
	if p.m.Layout.Bias < 0 {
		return nil
	}
	return View(theta, &p.m.Layout, p.m.Layout.Bias)
}

// hyperForward computes o = h_θ(e) for every segment of the batch.
func (p *Pass[T]) hyperForward(theta, local []T, ll *LocalLayout, bt *Batch[T]) {
	c, l := &p.m.Cfg, &p.m.Layout
	for b, g := range bt.Emb {
		copy(p.act[0][b*c.D:(b+1)*c.D], local[g*c.D:(g+1)*c.D])
	}
	for i, wi := range l.HyperW {
		out, in := l.Blocks[wi].Shape[0], l.Blocks[wi].Shape[1]
		dst := p.out
		if i < len(l.HyperW)-1 {
			dst = p.act[i+1]
		}
		dst = dst[:bt.B*out]
		bias := View(theta, l, l.HyperB[i])
		for b := 0; b < bt.B; b++ {
			copy(dst[b*out:(b+1)*out], bias)
		}
		splitGemm(len(p.work), false, hyperSlab, false, true, bt.B, out, in, 1, p.act[i], in, View(theta, l, wi), in, 1, dst, out)
		if i < len(l.HyperW)-1 {
			kernels.Tanh(dst, dst)
		}
	}
}

// initialStates fills x0 from the learned table or the encoder.
func (p *Pass[T]) initialStates(theta, local []T, ll *LocalLayout, bt *Batch[T]) {
	c, l := &p.m.Cfg, &p.m.Layout
	N := c.N
	switch c.InitialState {
	case Learned:
		for b, s := range bt.Seg {
			copy(p.x0[b*N:(b+1)*N], local[ll.X0Off+s*N:ll.X0Off+(s+1)*N])
		}
		return
	case Zero:
		clear(p.x0[:bt.B*N])
		return
	}
	km := c.EncoderBins * c.M
	for b := 0; b < bt.B; b++ {
		copy(p.enc[b*km:(b+1)*km], bt.Y[b*bt.T*c.M:b*bt.T*c.M+km])
		copy(p.x0[b*N:(b+1)*N], View(theta, l, l.EncB))
	}
	kernels.Gemm(false, true, bt.B, N, km, 1, p.enc, km, View(theta, l, l.EncW), km, 1, p.x0, N)
}

// weights returns segment b's factors: Uᵀ and Vᵀ (R×N) for low rank, or O (N×N, W = O/√N),
// and its bias (the hypernetwork's or the shared one).
func (p *Pass[T]) weights(b int, shared []T) (ut, vt, o, bias []T) {
	c := &p.m.Cfg
	P := c.HyperOut()
	row := p.out[b*P : (b+1)*P]
	N := c.N
	if c.LowRank() {
		nr := N * c.Rank
		ut, vt = p.ut[b*nr:(b+1)*nr], p.vt[b*nr:(b+1)*nr]
	} else {
		o = row[:N*N]
	}
	bias = shared
	if c.HyperBias {
		bias = row[P-N:]
	}
	return
}

// transposeFactors copies segment b's U and V (N×R, row-major in the hypernetwork output) into
// Uᵀ and Vᵀ (R×N), the layout the recurrence reads contiguously.
func (p *Pass[T]) transposeFactors(b int) {
	c := &p.m.Cfg
	N, R, P := c.N, c.Rank, c.HyperOut()
	nr := N * R
	row := p.out[b*P:]
	ut, vt := p.ut[b*nr:(b+1)*nr], p.vt[b*nr:(b+1)*nr]
	for i := 0; i < N; i++ {
		for j := 0; j < R; j++ {
			ut[j*N+i] = row[i*R+j]
			vt[j*N+i] = row[nr+i*R+j]
		}
	}
}

// runSegment integrates segment b, storing r_t (and z_t) for t < Len[b] and zeroing the rest.
func (p *Pass[T]) runSegment(w *worker[T], b int, bt *Batch[T], shared []T) {
	c := &p.m.Cfg
	N, R, nt := c.N, c.Rank, bt.T
	L := bt.Len[b]
	ut, vt, o, bias := p.weights(b, shared)
	alpha := T(c.Alpha)
	decay := 1 - alpha
	invN := 1 / T(N)
	invSqrtN := T(1 / math.Sqrt(float64(N)))
	var noise T
	if bt.Noise && c.NoiseStd > 0 {
		noise = T(c.NoiseStd * math.Sqrt(c.Alpha))
		w.pcg.Seed(bt.NoiseSeed, uint64(bt.Seg[b]))
	}
	x, wr := w.x, w.v
	copy(x, p.x0[b*N:(b+1)*N])
	rs := p.r[b*nt*N : (b+1)*nt*N]
	for t := 0; t < L; t++ {
		r := rs[t*N : (t+1)*N]
		if c.Cell == CellLinear {
			copy(r, x)
		} else {
			kernels.Tanh(r, x)
		}
		if t == L-1 {
			break
		}
		// x ← (1 − α) x + α (W r + b + B u), as a scaling and vector updates.
		for i := range x {
			x[i] *= decay
		}
		if c.LowRank() {
			// W r = U z with z = Vᵀ r / N: α W r = Σ_j (α z_j) U[:, j].
			z := p.z[(b*nt+t)*R : (b*nt+t+1)*R]
			for j := range z {
				z[j] = invN * kernels.Dot(vt[j*N:(j+1)*N], r)
				kernels.Axpy(alpha*z[j], ut[j*N:(j+1)*N], x)
			}
		} else {
			for i := 0; i < N; i++ {
				wr[i] = kernels.Dot(o[i*N:(i+1)*N], r) * invSqrtN
			}
			kernels.Axpy(alpha, wr, x)
		}
		if bias != nil {
			kernels.Axpy(alpha, bias, x)
		}
		if c.I > 0 {
			kernels.Axpy(alpha, p.bu[(b*nt+t)*N:(b*nt+t+1)*N], x)
		}
		if noise != 0 {
			for i := range x {
				x[i] += noise * T(w.rng.NormFloat64())
			}
		}
	}
	clear(rs[L*N:])
	if c.LowRank() {
		clear(p.z[(b*nt+L-1)*R : (b+1)*nt*R])
	}
}

// readout computes ŷ = C r + c for every bin of segment b (or copies r[:M]).
func (p *Pass[T]) readout(theta []T, b int) {
	c, l := &p.m.Cfg, &p.m.Layout
	nt := p.t
	yhat := p.yhat[b*nt*c.M : (b+1)*nt*c.M]
	r := p.r[b*nt*c.N : (b+1)*nt*c.N]
	if c.Readout == Identity {
		for i := 0; i < nt; i++ {
			copy(yhat[i*c.M:(i+1)*c.M], r[i*c.N:i*c.N+c.M])
		}
		return
	}
	cb := View(theta, l, l.ReadB)
	for i := 0; i < nt; i++ {
		copy(yhat[i*c.M:(i+1)*c.M], cb)
	}
	kernels.Gemm(false, true, nt, c.M, c.N, 1, r, c.N, View(theta, l, l.ReadW), c.N, 1, yhat, c.M)
}

// lossScale returns 1/Σw, the loss's normalisation: the sum of the weights of the valid bins
// (their number when the batch has no weights), 0 when it is zero.
func (p *Pass[T]) lossScale(bt *Batch[T]) float64 {
	M, nt := p.m.Cfg.M, bt.T
	var wsum float64
	for b, L := range bt.Len {
		if bt.Weight == nil {
			wsum += float64(L * M)
			continue
		}
		for _, w := range bt.Weight[b*nt*M : (b*nt+L)*M] {
			wsum += float64(w)
		}
	}
	if wsum > 0 {
		return 1 / wsum
	}
	return 0
}

// segmentLoss sets segment b's rows of dy = ∂L/∂ŷ (zero on padding) for the normalisation inv
// and returns its unnormalised data term, Σ w (ŷ − y)² or Σ w (λ − y log λ) over its valid bins.
// Segments are independent, so the workers compute them with their segments.
func (p *Pass[T]) segmentLoss(b int, bt *Batch[T], inv float64) float64 {
	c := &p.m.Cfg
	M, nt := c.M, bt.T
	lo, hi := b*nt*M, (b*nt+bt.Len[b])*M
	var sum float64
	dy, yhat, y := p.dy[lo:hi], p.yhat[lo:hi], bt.Y[lo:hi]
	if c.Loss != Poisson && bt.Weight == nil {
		// The common case, without the per-element branches: the same arithmetic.
		for i, yh := range yhat {
			d := float64(yh) - float64(y[i])
			sum += d * d
			dy[i] = T(2 * d * inv)
		}
		clear(p.dy[hi : (b+1)*nt*M])
		return sum
	}
	for i := range dy {
		w := 1.0
		if bt.Weight != nil {
			w = float64(bt.Weight[lo+i])
		}
		yh, yi := float64(yhat[i]), float64(y[i])
		if c.Loss == Poisson {
			rate := Rate(yh)
			sum += w * (rate - yi*math.Log(rate))
			sig := 1 / (1 + math.Exp(-yh))
			dy[i] = T(w * inv * (1 - yi/rate) * sig)
		} else {
			d := yh - yi
			sum += w * d * d
			dy[i] = T(2 * w * d * inv)
		}
	}
	clear(p.dy[hi : (b+1)*nt*M])
	return sum
}

// loss returns the batch loss from the segments' data terms (summed in segment order, so that
// it does not depend on the thread count) and adds the embedding prior.
func (p *Pass[T]) loss(local []T, ll *LocalLayout, bt *Batch[T], inv float64) float64 {
	c := &p.m.Cfg
	var sum float64
	for _, s := range p.segLoss[:bt.B] {
		sum += s
	}
	L := sum * inv
	if c.EmbeddingPrior > 0 {
		var e2 float64
		for _, g := range bt.Emb {
			for _, v := range local[g*c.D : (g+1)*c.D] {
				e2 += float64(v) * float64(v)
			}
		}
		L += 0.5 * c.EmbeddingPrior * e2 / float64(bt.B)
	}
	return L
}

// Yhat returns the prediction of the last Forward, B×T×M: the readout ŷ for the Gaussian loss,
// the rate Rate(ŷ) = softplus(ŷ) + 10⁻⁶ for the Poisson loss (the link Readout.Observe applies). Entries past a segment's length are meaningless.
func (p *Pass[T]) Yhat() []T {
	y := p.yhat[:p.b*p.t*p.m.Cfg.M]
	if p.m.Cfg.Loss != Poisson {
		return y
	}
	out := make([]T, len(y))
	for i, v := range y {
		out[i] = T(Rate(float64(v)))
	}
	return out
}

// States returns r_t = φ(x_t) of the last Forward, B×T×N (zero past each length).
func (p *Pass[T]) States() []T { return p.r[:p.b*p.t*p.m.Cfg.N] }
