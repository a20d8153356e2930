package model

import (
	"math"
	"slices"

	"github.com/jedi-neuro/jedi/kernels"
)

// Backward adds the gradient of the last Forward's loss to gTheta (len = Layout.Size; nil to
// skip θ, as when inferring embeddings with θ frozen) and to gLocal (len = ll.Size). It must
// follow a Forward on the same arguments.
//
// With λ_t = ∂L/∂x_t and the readout gradient ρ_t = ∂L/∂r_t, the adjoint recursion is
//
//	λ_{T−1} = ρ_{T−1} ⊙ (1 − r²_{T−1}),
//	λ_t     = (1 − α) λ_{t+1} + (1 − r_t²) ⊙ (α Wᵀ λ_{t+1} + ρ_t),
//
// and the weight gradients are ∂L/∂W = α Σ_t λ_{t+1} r_tᵀ, ∂L/∂b = α Σ_t λ_{t+1},
// ∂L/∂B = α Σ_t λ_{t+1} u_tᵀ, ∂L/∂x_0 = λ_0. For W = U Vᵀ / N this gives
// ∂L/∂U = α Σ_t λ_{t+1} z_tᵀ with z_t = Vᵀ r_t / N, and ∂L/∂V = (α/N) Σ_t r_t (Uᵀ λ_{t+1})ᵀ.
func (p *Pass[T]) Backward(theta, local []T, ll *LocalLayout, bt *Batch[T], gTheta, gLocal []T) {
	c, l := &p.m.Cfg, &p.m.Layout
	N, M := c.N, c.M

	// Readout: ∂L/∂C = Σ_b dy_bᵀ r_b and ∂L/∂c = Σ_b Σ_t dy_b,t, each segment's term and
	// ρ = dy C computed by the goroutine that runs the segment's adjoint recursion; the terms
	// are then summed in segment order.
	readW := c.Readout == Linear && gTheta != nil
	if readW {
		p.gRead = slices.Grow(p.gRead[:0], bt.B*M*N)[:bt.B*M*N]
		p.gReadB = slices.Grow(p.gReadB[:0], bt.B*M)[:bt.B*M]
	}
	parallel(len(p.work), bt.B, func(w, b int) {
		p.readoutBackward(theta, b, bt.T)
		if readW {
			p.readoutWeightGrad(b, bt)
		}
		p.backSegment(p.work[w], b, bt)
	})

	// Shared gradients are summed over segments in a fixed order, so that a step's result does
	// not depend on which goroutine ran which segment (resumed runs repeat bit for bit).
	if gTheta != nil {
		nw := len(p.work)
		if readW {
			sumRows(nw, View(gTheta, l, l.ReadW), p.gRead, bt.B)
			sumRows(nw, View(gTheta, l, l.ReadB), p.gReadB, bt.B)
		}
		if l.Bias >= 0 {
			sumRows(nw, View(gTheta, l, l.Bias), p.gBias, bt.B)
		}
		if l.InW >= 0 {
			sumRows(nw, View(gTheta, l, l.InW), p.gIn, bt.B)
		}
	}
	p.initialBackward(theta, ll, bt, gTheta, gLocal)
	p.hyperBackward(theta, local, ll, bt, gTheta, gLocal)
}

// readoutBackward sets ρ = ∂L/∂r = dy C for the nt bins of segment b (dy padded into the
// first M units for the identity readout).
func (p *Pass[T]) readoutBackward(theta []T, b, nt int) {
	c, l := &p.m.Cfg, &p.m.Layout
	N, M := c.N, c.M
	dy := p.dy[b*nt*M : (b+1)*nt*M]
	dr := p.dr[b*nt*N : (b+1)*nt*N]
	if c.Readout == Identity {
		clear(dr)
		for i := 0; i < nt; i++ {
			copy(dr[i*N:i*N+M], dy[i*M:(i+1)*M])
		}
		return
	}
	kernels.Gemm(false, false, nt, N, M, 1, dy, M, View(theta, l, l.ReadW), N, 0, dr, N)
}

// readoutWeightGrad sets segment b's terms of the readout gradients: dy_bᵀ r_b (M×N) in its
// block of gRead and Σ_t dy_b,t (M) in its row of gReadB, over its valid bins (dy and r are
// zero past them).
func (p *Pass[T]) readoutWeightGrad(b int, bt *Batch[T]) {
	N, M, nt := p.m.Cfg.N, p.m.Cfg.M, bt.T
	L := bt.Len[b]
	dy := p.dy[b*nt*M : (b*nt+L)*M]
	g := p.gRead[b*M*N : (b+1)*M*N]
	kernels.Gemm(true, false, M, N, L, 1, dy, M, p.r[b*nt*N:], N, 0, g, N)
	gc := p.gReadB[b*M : (b+1)*M]
	clear(gc)
	for t := 0; t < L; t++ {
		kernels.Axpy(1, dy[t*M:(t+1)*M], gc)
	}
}

// backSegment runs the adjoint recursion of segment b and writes the gradients of its factors
// into its row of dout, and its share of the shared-bias and input-weight gradients into its
// rows of gBias and gIn.
func (p *Pass[T]) backSegment(w *worker[T], b int, bt *Batch[T]) {
	c := &p.m.Cfg
	N, R, nt := c.N, c.Rank, bt.T
	L := bt.Len[b]
	P := c.HyperOut()
	ut, vt, o, _ := p.weights(b, nil)
	alpha := T(c.Alpha)
	decay := 1 - alpha
	invN := 1 / T(N)
	invSqrtN := T(1 / math.Sqrt(float64(N)))
	rs := p.r[b*nt*N : (b+1)*nt*N]
	drs := p.dr[b*nt*N : (b+1)*nt*N]
	lam := p.lam[b*nt*N : (b+1)*nt*N]
	wtl := w.v // Wᵀ λ_{t+1}

	last := lam[(L-1)*N : L*N]
	linear := c.Cell == CellLinear
	for i := range last {
		ri := rs[(L-1)*N+i]
		if linear {
			last[i] = drs[(L-1)*N+i]
		} else {
			last[i] = drs[(L-1)*N+i] * (1 - ri*ri)
		}
	}
	for t := L - 2; t >= 0; t-- {
		next := lam[(t+1)*N : (t+2)*N]
		if c.LowRank() {
			pt := p.p[(b*nt+t)*R : (b*nt+t+1)*R]
			lowRankApplyT(pt, wtl, ut, vt, next, invN)
		} else {
			clear(wtl)
			for i, li := range next {
				kernels.Axpy(li*invSqrtN, o[i*N:(i+1)*N], wtl)
			}
		}
		if linear {
			// φ' = 1: λ_t = (1 − α) λ_{t+1} + α Wᵀλ_{t+1} + ∂L/∂r_t.
			cur, d := lam[t*N:(t+1)*N], drs[t*N:(t+1)*N]
			for i := range cur {
				cur[i] = decay*next[i] + alpha*wtl[i] + d[i]
			}
		} else {
			kernels.Adjoint(lam[t*N:(t+1)*N], next, rs[t*N:(t+1)*N], wtl, drs[t*N:(t+1)*N], decay, alpha)
		}
	}
	clear(lam[L*N:])

	dout := p.dout[b*P : (b+1)*P]
	clear(dout)
	// A one-bin segment has no transition and contributes nothing; its rows must still be
	// zero, as sumRows adds every segment's row.
	clear(p.gBias[b*N : (b+1)*N])
	if c.I > 0 {
		clear(p.gIn[b*N*c.I : (b+1)*N*c.I])
	}
	if L > 1 {
		lam1 := lam[N:]
		if c.LowRank() {
			nr := N * R
			z := p.z[b*nt*R:]
			pt := p.p[b*nt*R:]
			// ∂L/∂U = α Λ[1:L]ᵀ Z[0:L−1],  ∂L/∂V = (α/N) R[0:L−1]ᵀ P[0:L−1].
			kernels.Gemm(true, false, N, R, L-1, alpha, lam1, N, z, R, 0, dout[:nr], R)
			kernels.Gemm(true, false, N, R, L-1, alpha*invN, rs, N, pt, R, 0, dout[nr:2*nr], R)
		} else {
			// ∂L/∂O = (α/√N) Λ[1:L]ᵀ R[0:L−1].
			kernels.Gemm(true, false, N, N, L-1, alpha*invSqrtN, lam1, N, rs, N, 0, dout[:N*N], N)
		}
		gb := p.gBias[b*N : (b+1)*N]
		if c.HyperBias {
			gb = dout[P-N:]
		}
		for t := 1; t < L; t++ {
			kernels.Axpy(alpha, lam[t*N:(t+1)*N], gb)
		}
		if c.I > 0 {
			u := bt.U[b*nt*c.I:]
			kernels.Gemm(true, false, N, c.I, L-1, alpha, lam1, N, u, c.I, 0, p.gIn[b*N*c.I:(b+1)*N*c.I], c.I)
		}
	}
}

// lowRankApplyT sets pt = Uᵀ λ and wtl = s·V pt — the product Wᵀ λ = V Uᵀ λ / N for s = 1/N —
// from the transposed factors ut, vt (R×N).
func lowRankApplyT[T Float](pt, wtl, ut, vt, lam []T, s T) {
	N := len(lam)
	for j := range pt {
		pt[j] = kernels.Dot(ut[j*N:(j+1)*N], lam)
	}
	clear(wtl)
	for j, pj := range pt {
		kernels.Axpy(s*pj, vt[j*N:(j+1)*N], wtl)
	}
}

// initialBackward sends λ_0 to the learned initial states or through the encoder.
func (p *Pass[T]) initialBackward(theta []T, ll *LocalLayout, bt *Batch[T], gTheta, gLocal []T) {
	c, l := &p.m.Cfg, &p.m.Layout
	N, nt := c.N, bt.T
	if c.InitialState == Zero {
		return
	}
	if c.InitialState == Learned {
		for b, s := range bt.Seg {
			kernels.Axpy(1, p.lam[b*nt*N:b*nt*N+N], gLocal[ll.X0Off+s*N:ll.X0Off+(s+1)*N])
		}
		return
	}
	if gTheta == nil {
		return
	}
	km := c.EncoderBins * c.M
	// λ_0 of each segment is row b·T of lam: a strided B×N matrix with row stride T·N.
	kernels.Gemm(true, false, N, km, bt.B, 1, p.lam, nt*N, p.enc, km, 1, View(gTheta, l, l.EncW), km)
	gb := View(gTheta, l, l.EncB)
	for b := 0; b < bt.B; b++ {
		kernels.Axpy(1, p.lam[b*nt*N:b*nt*N+N], gb)
	}
}

// hyperBackward propagates dout through the hypernetwork to its weights and the embeddings,
// adding the prior's gradient (ε / B) e_b.
func (p *Pass[T]) hyperBackward(theta, local []T, ll *LocalLayout, bt *Batch[T], gTheta, gLocal []T) {
	c, l := &p.m.Cfg, &p.m.Layout
	B := bt.B
	grad := p.dout
	for i := len(l.HyperW) - 1; i >= 0; i-- {
		wi := l.HyperW[i]
		out, in := l.Blocks[wi].Shape[0], l.Blocks[wi].Shape[1]
		if i < len(l.HyperW)-1 {
			// grad holds ∂L/∂act[i+1]; through the tanh: ∂L/∂pre = grad ⊙ (1 − act²).
			a := p.act[i+1]
			for j := range grad[:B*out] {
				grad[j] *= 1 - a[j]*a[j]
			}
		}
		nw := len(p.work)
		if gTheta != nil {
			splitGemm(nw, true, hyperSlab, true, false, out, in, B, 1, grad, out, p.act[i], in, 1, View(gTheta, l, wi), in)
			sumRows(nw, View(gTheta, l, l.HyperB[i]), grad[:B*out], B)
		}
		splitGemm(nw, true, hyperSlabRows, false, false, B, in, out, 1, grad, out, View(theta, l, wi), in, 0, p.dact[i], in)
		grad = p.dact[i]
	}
	D := c.D
	prior := T(c.EmbeddingPrior / float64(B))
	for b, g := range bt.Emb {
		ge := gLocal[g*D : (g+1)*D]
		kernels.Axpy(1, grad[b*D:(b+1)*D], ge)
		if prior != 0 {
			kernels.Axpy(prior, local[g*D:(g+1)*D], ge)
		}
	}
}
