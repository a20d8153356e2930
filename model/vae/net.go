package vae

import (
	"math"
	"math/rand/v2"

	"github.com/jedi-neuro/jedi/kernels"
	"github.com/jedi-neuro/jedi/model"
)

// net computes one minibatch — encoder, sampling, decoder or generator, loss and gradient —
// holding every intermediate so that repeated steps allocate nothing. Matrices are row-major
// with one row per batch row b. A net is not safe for concurrent use; the generator's
// model.Pass spreads its segments over goroutines itself.
type net[F model.Float] struct {
	m *Model[F]
	b int
	// lens[b] is the number of valid bins of row b; n = Σ lens·M is the loss's normaliser.
	lens []int
	n    int
	// u is the encoder input (B×T·M), h its hidden layer (B×H), post the posterior [μ | ℓ]
	// (B×2L), eps the reparameterisation noise (B×L) and z the latents (B×L).
	u, h, post, eps, z []F
	noise              bool
	// Static decoder: g its hidden layer (B×H), yhat the reconstruction (B×T·M), dy = ∂loss/∂ŷ.
	g, yhat, dy []F
	// Backward: ∂loss/∂z, ∂loss/∂post, ∂loss/∂h (and ∂loss/∂g for the static decoder).
	dz, dpost, dh, dg []F
	// Generator: its pass and batch, and its local table [e | x_0 rows] with gradient.
	pass          *model.Pass[F]
	bt            model.Batch[F]
	ll            model.LocalLayout
	local, gLocal []F
	pcg           *rand.PCG
	rng           *rand.Rand
}

func (m *Model[F]) newNet() *net[F] {
	n := &net[F]{m: m, pcg: rand.NewPCG(0, 0)}
	n.rng = rand.New(n.pcg)
	if m.gen != nil {
		n.pass = model.NewPass[F](m.gen)
	}
	return n
}

func grow[F model.Float](s []F, n int) []F {
	if cap(s) < n {
		return make([]F, n)
	}
	return s[:n]
}

// setRows sizes the scratch for rows of st and records their lengths.
func (n *net[F]) setRows(st *staged[F], rows []int) {
	m, c := n.m, &n.m.cfg
	B, H, L, TM := len(rows), c.Hidden, c.Latent, m.t*m.m
	n.b = B
	n.lens = n.lens[:0]
	n.n = 0
	for _, r := range rows {
		n.lens = append(n.lens, st.len[r])
		n.n += st.len[r] * m.m
	}
	n.u, n.h, n.dh = grow(n.u, B*TM), grow(n.h, B*H), grow(n.dh, B*H)
	n.post, n.dpost = grow(n.post, 2*B*L), grow(n.dpost, 2*B*L)
	n.eps, n.z, n.dz = grow(n.eps, B*L), grow(n.z, B*L), grow(n.dz, B*L)
	if m.gen == nil {
		n.g, n.dg = grow(n.g, B*H), grow(n.dg, B*H)
		n.yhat, n.dy = grow(n.yhat, B*TM), grow(n.dy, B*TM)
	}
}

// fillRows copies bias into every row of dst (B rows of len(bias)).
func fillRows[F model.Float](dst, bias []F) {
	for i := 0; i < len(dst); i += len(bias) {
		copy(dst[i:i+len(bias)], bias)
	}
}

// sumRows adds the rows of src (rows of len(dst)) into dst, in row order.
func sumRows[F model.Float](dst, src []F) {
	for i := 0; i < len(src); i += len(dst) {
		kernels.Axpy(1, src[i:i+len(dst)], dst)
	}
}

// encode computes h and the posterior [μ | ℓ] of rows of st (after setRows).
func (n *net[F]) encode(theta []F, st *staged[F], rows []int) {
	m, c := n.m, &n.m.cfg
	B, H, L, TM := n.b, c.Hidden, c.Latent, m.t*m.m
	for b, r := range rows {
		u := n.u[b*TM : (b+1)*TM]
		k := copy(u, st.y[r])
		clear(u[k:])
	}
	fillRows(n.h, theta[m.encB:m.encB+H])
	kernels.Gemm(false, true, B, H, TM, 1, n.u, TM, theta[m.encW:], TM, 1, n.h, H)
	kernels.Tanh(n.h, n.h)
	fillRows(n.post, theta[m.postB:m.postB+2*L])
	kernels.Gemm(false, true, B, 2*L, H, 1, n.h, H, theta[m.postW:], H, 1, n.post, 2*L)
}

// sample sets z = μ + exp(ℓ/2) ⊙ ε with ε drawn from the stream (seed, rows[b]) when noise is
// on, else z = μ.
func (n *net[F]) sample(seed uint64, rows []int, noise bool) {
	L := n.m.cfg.Latent
	n.noise = noise
	for b := 0; b < n.b; b++ {
		mu, lv := n.post[2*b*L:(2*b+1)*L], n.post[(2*b+1)*L:(2*b+2)*L]
		z := n.z[b*L : (b+1)*L]
		if !noise {
			copy(z, mu)
			continue
		}
		n.pcg.Seed(seed, uint64(rows[b]))
		eps := n.eps[b*L : (b+1)*L]
		for j := range z {
			e := n.rng.NormFloat64()
			eps[j] = F(e)
			z[j] = mu[j] + F(math.Exp(float64(lv[j])/2)*e)
		}
	}
}

// decode computes the reconstruction of the latents z for rows of st (after setRows) and
// returns the data term Σ (ŷ − y)² / n of the loss, leaving ∂(data term)/∂ŷ ready for
// backward. The targets only enter the loss, so Decode can call it on any rows.
func (n *net[F]) decode(theta []F, st *staged[F], rows []int) (float64, error) {
	m, c := n.m, &n.m.cfg
	B, L := n.b, c.Latent
	if m.gen != nil {
		N, M := c.Units, m.m
		nt := 0
		for _, l := range n.lens {
			nt = max(nt, l)
		}
		n.local = grow(n.local, 1+B*N)
		n.gLocal = grow(n.gLocal, 1+B*N)
		n.local[0] = theta[m.emb]
		x0 := n.local[1:]
		fillRows(x0, theta[m.x0B:m.x0B+N])
		kernels.Gemm(false, true, B, N, L, 1, n.z, L, theta[m.x0W:], L, 1, x0, N)
		bt := &n.bt
		bt.B, bt.T = B, nt
		bt.Y = grow(bt.Y, B*nt*M)
		bt.Len = append(bt.Len[:0], n.lens...)
		bt.Emb, bt.Seg = bt.Emb[:0], bt.Seg[:0]
		for b, r := range rows {
			bt.Emb, bt.Seg = append(bt.Emb, 0), append(bt.Seg, b)
			y := bt.Y[b*nt*M : (b+1)*nt*M]
			k := copy(y, st.y[r])
			clear(y[k:])
		}
		n.ll = model.NewLocalLayout(&m.gen.Cfg, 1, B)
		return n.pass.Forward(m.genTheta(theta), n.local, &n.ll, bt)
	}
	H, TM := c.Hidden, m.t*m.m
	fillRows(n.g, theta[m.decB1:m.decB1+H])
	kernels.Gemm(false, true, B, H, L, 1, n.z, L, theta[m.decW1:], L, 1, n.g, H)
	kernels.Tanh(n.g, n.g)
	fillRows(n.yhat, theta[m.decB2:m.decB2+TM])
	kernels.Gemm(false, true, B, TM, H, 1, n.g, H, theta[m.decW2:], H, 1, n.yhat, TM)
	var sum float64
	inv := 1 / float64(n.n)
	for b, r := range rows {
		yh, dy := n.yhat[b*TM:(b+1)*TM], n.dy[b*TM:(b+1)*TM]
		y := st.y[r]
		for i, v := range y {
			d := float64(yh[i]) - float64(v)
			sum += d * d
			dy[i] = F(2 * d * inv)
		}
		clear(dy[len(y):])
	}
	return sum * inv, nil
}

// pred returns the valid part (L_b×M) of row b's reconstruction from the last decode.
func (n *net[F]) pred(b int) []F {
	M := n.m.m
	if n.m.gen != nil {
		off := b * n.bt.T * M
		return n.pass.Yhat()[off : off+n.lens[b]*M]
	}
	off := b * n.m.t * M
	return n.yhat[off : off+n.lens[b]*M]
}

// kl returns Σ_b KL_b of the posteriors of the last encode.
func (n *net[F]) kl() float64 {
	var s float64
	L := n.m.cfg.Latent
	for b := 0; b < n.b; b++ {
		mu, lv := n.post[2*b*L:(2*b+1)*L], n.post[(2*b+1)*L:(2*b+2)*L]
		for j := range mu {
			u, l := float64(mu[j]), float64(lv[j])
			s += 0.5 * (u*u + math.Exp(l) - l - 1)
		}
	}
	return s
}

// backward adds to gTheta the gradient of loss = data term + β Σ_b KL_b / n after encode,
// sample and decode on the same arguments.
func (n *net[F]) backward(theta, gTheta []F) {
	m, c := n.m, &n.m.cfg
	B, H, L, TM := n.b, c.Hidden, c.Latent, m.t*m.m
	// Decoder or generator: ∂loss/∂z.
	if m.gen != nil {
		N := c.Units
		clear(n.gLocal)
		n.pass.Backward(m.genTheta(theta), n.local, &n.ll, &n.bt, m.genTheta(gTheta), n.gLocal)
		gTheta[m.emb] += n.gLocal[0]
		// x_0 = G z + g₀: ∂G = dx0ᵀ z, ∂g₀ = Σ_b dx0_b, ∂z = dx0 G.
		dx0 := n.gLocal[1:]
		kernels.Gemm(true, false, N, L, B, 1, dx0, N, n.z, L, 1, gTheta[m.x0W:], L)
		sumRows(gTheta[m.x0B:m.x0B+N], dx0)
		kernels.Gemm(false, false, B, L, N, 1, dx0, N, theta[m.x0W:], L, 0, n.dz, L)
	} else {
		// ŷ = D₂ g + d₂: ∂D₂ = dyᵀ g, ∂d₂ = Σ_b dy_b, ∂g = dy D₂.
		kernels.Gemm(true, false, TM, H, B, 1, n.dy, TM, n.g, H, 1, gTheta[m.decW2:], H)
		sumRows(gTheta[m.decB2:m.decB2+TM], n.dy)
		kernels.Gemm(false, false, B, H, TM, 1, n.dy, TM, theta[m.decW2:], H, 0, n.dg, H)
		for i, g := range n.g {
			n.dg[i] *= 1 - g*g
		}
		// g = tanh(D₁ z + d₁): ∂D₁ = dpreᵀ z, ∂d₁ = Σ_b dpre_b, ∂z = dpre D₁.
		kernels.Gemm(true, false, H, L, B, 1, n.dg, H, n.z, L, 1, gTheta[m.decW1:], L)
		sumRows(gTheta[m.decB1:m.decB1+H], n.dg)
		kernels.Gemm(false, false, B, L, H, 1, n.dg, H, theta[m.decW1:], L, 0, n.dz, L)
	}
	// Posterior: z = μ + exp(ℓ/2) ε gives ∂μ = ∂z and ∂ℓ = ∂z ⊙ ½ exp(ℓ/2) ε; the KL term adds
	// (β/n) μ and (β/n) ½ (e^ℓ − 1).
	kw := c.Beta / float64(n.n)
	for b := 0; b < B; b++ {
		mu, lv := n.post[2*b*L:(2*b+1)*L], n.post[(2*b+1)*L:(2*b+2)*L]
		dmu, dlv := n.dpost[2*b*L:(2*b+1)*L], n.dpost[(2*b+1)*L:(2*b+2)*L]
		dz, eps := n.dz[b*L:(b+1)*L], n.eps[b*L:(b+1)*L]
		for j := range mu {
			el := math.Exp(float64(lv[j]))
			dmu[j] = dz[j] + F(kw*float64(mu[j]))
			d := kw * 0.5 * (el - 1)
			if n.noise {
				d += float64(dz[j]) * 0.5 * math.Sqrt(el) * float64(eps[j])
			}
			dlv[j] = F(d)
		}
	}
	// Heads: post = W h + b: ∂W = dpostᵀ h, ∂b = Σ_b dpost_b, ∂h = dpost W.
	kernels.Gemm(true, false, 2*L, H, B, 1, n.dpost, 2*L, n.h, H, 1, gTheta[m.postW:], H)
	sumRows(gTheta[m.postB:m.postB+2*L], n.dpost)
	kernels.Gemm(false, false, B, H, 2*L, 1, n.dpost, 2*L, theta[m.postW:], H, 0, n.dh, H)
	for i, h := range n.h {
		n.dh[i] *= 1 - h*h
	}
	// h = tanh(W₁ u + b₁): ∂W₁ = dpreᵀ u, ∂b₁ = Σ_b dpre_b.
	kernels.Gemm(true, false, H, TM, B, 1, n.dh, H, n.u, TM, 1, gTheta[m.encW:], TM)
	sumRows(gTheta[m.encB:m.encB+H], n.dh)
}
