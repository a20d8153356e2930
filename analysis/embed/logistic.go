package embed

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

const (
	// logisticC is the inverse L2 strength, scikit-learn's default C = 1.
	logisticC = 1.0
	// logisticGradTol is the largest gradient entry (of the per-row loss) at the optimum.
	logisticGradTol = 1e-9
	// logisticMaxIter bounds the Newton steps; a convex fit like this one needs a few dozen.
	logisticMaxIter = 200
)

// logisticLoss is the penalised multinomial negative log-likelihood per training row,
//
//	f(θ) = (1/n) [ Σ_i (log Σ_k exp z_ik − z_{i,y_i}) + ‖W‖²_F / (2C) ],  z_ik = w_k·x_i + b_k,
//
// with θ = K rows of (w_k, b_k) laid end to end, the intercepts b_k unpenalised — scikit-learn's
// LogisticRegression objective (multinomial) divided by n.
type logisticLoss struct {
	X *mat.Dense // n×d
	y []int
	K int
	// z is n×K scratch for the logits, then the class probabilities.
	z []float64
}

func newLogisticLoss(X *mat.Dense, y []int, K int) *logisticLoss {
	n, _ := X.Dims()
	return &logisticLoss{X: X, y: y, K: K, z: make([]float64, n*K)}
}

// probs fills l.z with the softmax probabilities p_ik and returns Σ_i −log p_{i,y_i}.
func (l *logisticLoss) probs(theta []float64) float64 {
	n, d := l.X.Dims()
	var nll float64
	for i := 0; i < n; i++ {
		x := l.X.RawRowView(i)
		z := l.z[i*l.K : (i+1)*l.K]
		for k := range z {
			w := theta[k*(d+1) : (k+1)*(d+1)]
			z[k] = floats.Dot(w[:d], x) + w[d]
		}
		// Subtracting the largest logit keeps exp from overflowing.
		zmax := floats.Max(z)
		var s float64
		for k := range z {
			z[k] = math.Exp(z[k] - zmax)
			s += z[k]
		}
		nll -= math.Log(z[l.y[i]] / s)
		floats.Scale(1/s, z)
	}
	return nll
}

func (l *logisticLoss) penalty(theta []float64) float64 {
	_, d := l.X.Dims()
	var ss float64
	for k := 0; k < l.K; k++ {
		w := theta[k*(d+1) : k*(d+1)+d]
		ss += floats.Dot(w, w)
	}
	return ss / (2 * logisticC)
}

func (l *logisticLoss) Func(theta []float64) float64 {
	n, _ := l.X.Dims()
	return (l.probs(theta) + l.penalty(theta)) / float64(n)
}

// Grad sets grad to ∇f: (1/n)[Σ_i (p_ik − [y_i = k]) (x_i, 1) + (w_k, 0)/C] for each class k.
func (l *logisticLoss) Grad(grad, theta []float64) {
	n, d := l.X.Dims()
	l.probs(theta)
	clear(grad)
	for i := 0; i < n; i++ {
		x := l.X.RawRowView(i)
		p := l.z[i*l.K : (i+1)*l.K]
		for k, pk := range p {
			r := pk
			if k == l.y[i] {
				r--
			}
			g := grad[k*(d+1) : (k+1)*(d+1)]
			floats.AddScaled(g[:d], r, x)
			g[d] += r
		}
	}
	for k := 0; k < l.K; k++ {
		floats.AddScaled(grad[k*(d+1):k*(d+1)+d], 1/logisticC, theta[k*(d+1):k*(d+1)+d])
	}
	floats.Scale(1/float64(n), grad)
}

// Hess returns the Hessian ∇²f, the K(d+1)×K(d+1) matrix with blocks
//
//	H_kl = (1/n) [ Σ_i p_ik (δ_kl − p_il) x̃_i x̃_iᵀ + δ_kl diag(1/C, …, 1/C, 0) ],  x̃_i = (x_i, 1).
func (l *logisticLoss) Hess(theta []float64) *mat.SymDense {
	n, d := l.X.Dims()
	l.probs(theta)
	P := l.K * (d + 1)
	raw := make([]float64, P*P)
	xt := make([]float64, d+1)
	xt[d] = 1
	for i := 0; i < n; i++ {
		copy(xt, l.X.RawRowView(i))
		p := l.z[i*l.K : (i+1)*l.K]
		for k := 0; k < l.K; k++ {
			for m := k; m < l.K; m++ {
				c := -p[k] * p[m]
				if k == m {
					c += p[k]
				}
				// Only the upper triangle of the symmetric matrix is read.
				for a, xa := range xt {
					row := raw[(k*(d+1)+a)*P+m*(d+1) : (k*(d+1)+a)*P+(m+1)*(d+1)]
					floats.AddScaled(row, c*xa, xt)
				}
			}
		}
	}
	for k := 0; k < l.K; k++ {
		for a := 0; a < d; a++ {
			raw[(k*(d+1)+a)*P+k*(d+1)+a] += 1 / logisticC
		}
	}
	floats.Scale(1/float64(n), raw)
	return mat.NewSymDense(P, raw)
}

// fitLogistic minimises the logistic loss over θ by damped Newton iterations from θ = 0 and
// returns θ, K×(d+1). Every class must occur in y.
//
// The loss is strictly convex in the weights, but flat along a common shift of the intercepts,
// v = (e_{d+1}, …, e_{d+1})/√K: H v = 0 and g ⊥ v at every θ. Newton steps use H + v vᵀ, which is
// invertible and gives the same step in every other direction, so the intercepts keep their
// starting sum and the fit is unique. Steps are shortened by backtracking until f decreases
// enough (Armijo) — except once the predicted decrease ½ gᵀH⁻¹g is below the rounding error of
// f, where comparing values of f says nothing and full steps converge quadratically.
func fitLogistic(X *mat.Dense, y []int, K int) ([]float64, error) {
	_, d := X.Dims()
	P := K * (d + 1)
	loss := newLogisticLoss(X, y, K)
	theta := make([]float64, P)
	trial := make([]float64, P)
	grad := make([]float64, P)
	step := mat.NewVecDense(P, nil)
	var chol mat.Cholesky
	f := loss.Func(theta)
	for iter := 0; ; iter++ {
		loss.Grad(grad, theta)
		gmax := floats.Norm(grad, math.Inf(1))
		if gmax <= logisticGradTol {
			return theta, nil
		}
		if iter == logisticMaxIter {
			return nil, fmt.Errorf("embed: logistic regression: no convergence in %d Newton steps (gradient %.3g)",
				logisticMaxIter, gmax)
		}
		H := loss.Hess(theta)
		for k := 0; k < K; k++ {
			for m := k; m < K; m++ {
				i, j := k*(d+1)+d, m*(d+1)+d
				H.SetSym(i, j, H.At(i, j)+1/float64(K))
			}
		}
		// Rounding, or probabilities underflowing to 0 for very separated classes, can still
		// leave H + v vᵀ numerically singular; a growing ridge then keeps the step defined.
		for mu := 1e-12 * (1 + mat.Max(H)); !chol.Factorize(H); mu *= 10 {
			for i := 0; i < P; i++ {
				H.SetSym(i, i, H.At(i, i)+mu)
			}
		}
		if err := chol.SolveVecTo(step, mat.NewVecDense(P, grad)); err != nil {
			return nil, fmt.Errorf("embed: logistic regression: Newton step: %w", err)
		}
		// θ moves by −step; gᵀ·step is twice the decrease a full step predicts.
		dec := floats.Dot(grad, step.RawVector().Data)
		if dec <= 1e-13*(1+math.Abs(f)) {
			floats.AddScaledTo(theta, theta, -1, step.RawVector().Data)
			f = loss.Func(theta)
			continue
		}
		t := 1.0
		for {
			floats.AddScaledTo(trial, theta, -t, step.RawVector().Data)
			if ft := loss.Func(trial); ft <= f-1e-4*t*dec {
				f = ft
				break
			}
			if t *= 0.5; t < 1e-12 {
				return nil, fmt.Errorf("embed: logistic regression: line search failed (gradient %.3g)", gmax)
			}
		}
		copy(theta, trial)
	}
}

// logisticPredict returns the most probable class of each row of X under θ.
func logisticPredict(theta []float64, K int, X *mat.Dense) []int {
	n, d := X.Dims()
	pred := make([]int, n)
	for i := 0; i < n; i++ {
		x := X.RawRowView(i)
		best := math.Inf(-1)
		for k := 0; k < K; k++ {
			w := theta[k*(d+1) : (k+1)*(d+1)]
			if z := floats.Dot(w[:d], x) + w[d]; z > best {
				best, pred[i] = z, k
			}
		}
	}
	return pred
}
