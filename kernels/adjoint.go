package kernels

// adjoint32Block, when set, is the assembly loop of Adjoint for float32 on a multiple of 8
// elements.
var adjoint32Block func(cur, next, r, g, d []float32, decay, alpha float32, n int)

// Adjoint sets cur[i] = decay·next[i] + (1 − r[i]²)·(alpha·g[i] + d[i]) for i < len(cur): one
// step of the adjoint (backpropagation-through-time) recursion of a leaky tanh network,
//
//	λ_t = (1 − α) λ_{t+1} + φ'(x_t) ⊙ (α Wᵀλ_{t+1} + ∂L/∂r_t),   φ'(x_t) = 1 − r_t²,
//
// with decay = 1 − α, next = λ_{t+1}, r = r_t = tanh(x_t), g = Wᵀλ_{t+1} and d = ∂L/∂r_t. The
// other slices must be at least as long as cur; Adjoint panics if not. The assembly loop fuses
// multiplies and adds, so results may differ from the plain loop in the last bit.
func Adjoint[T Float](cur, next, r, g, d []T, decay, alpha T) {
	n := len(cur)
	if len(next) < n || len(r) < n || len(g) < n || len(d) < n {
		panic("kernels: Adjoint with a short slice")
	}
	next, r, g, d = next[:n], r[:n], g[:n], d[:n]
	i := 0
	if is32[T]() && adjoint32Block != nil {
		i = n &^ 7
		if i > 0 {
			adjoint32Block(as32(cur), as32(next), as32(r), as32(g), as32(d), float32(decay), float32(alpha), i)
		}
	}
	for ; i < n; i++ {
		ri := r[i]
		cur[i] = decay*next[i] + (1-ri*ri)*(alpha*g[i]+d[i])
	}
}
