// Package dynsys describes discrete-time dynamical systems x_{t+1} = F(x_t) on Rⁿ together with
// their Jacobians, for the analyses that need only F and ∂F/∂x: fixed points
// (analysis/fixedpoints) and Lyapunov exponents (analysis/lyapunov).
//
// A Map is anything that can evaluate F and its n×n Jacobian. Three are provided: RateRNN, the
// rate network x ↦ (1−α)x + α(W tanh x + b) that JEDI fits; LowRankRNN, the same network with
// W = s·U Vᵀ stored by its factors; and Affine, x ↦ Ax + b, whose answers are known in closed
// form. Maps that can multiply a vector by the transposed Jacobian without forming it implement
// VJPer; the function VJP uses that fast path when it exists.
//
// Everything is float64 and gonum mat; nothing here depends on the model or training code.
package dynsys
