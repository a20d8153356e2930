// Package lyapunov estimates Lyapunov exponents of a discrete-time map x ↦ F(x) (a
// dynsys.Map) by the QR method of Benettin et al. (1980) and Shimada & Nagashima (1979).
//
// An orthonormal n×k frame Q₀ is carried along the orbit by the Jacobians and re-orthonormalised
// at every step,
//
//	J(x_t) Q_t = Q_{t+1} R_{t+1}   (thin QR, R upper triangular),
//
// and the i-th exponent is the average growth rate of the i-th direction,
//
//	λ_i = (1/T) Σ_{t=1..T} log |(R_t)_ii|,
//
// in natural-log units per iteration; divide by the step dt for a rate per second. The sum
// λ₁ + … + λ_n is the mean of log|det J| along the orbit, which the tests use as a check.
package lyapunov
