// Package dynsys describes discrete-time dynamical systems x_{t+1} = F(x_t) on Rⁿ together with
// their Jacobians, for the analyses that need only F and ∂F/∂x: fixed points
// (analysis/fixedpoints) and Lyapunov exponents (analysis/lyapunov).
//
// A Map is anything that can evaluate F and its n×n Jacobian. The rate network JEDI fits is
// model.Network (the one place its maths is written); Affine, x ↦ Ax + b, whose answers are known
// in closed form, serves the tests. Maps that can multiply a vector by the Jacobian or its
// transpose without forming it implement JVPer and VJPer; the function VJP uses that fast path
// when it exists.
//
// Everything is float64 and gonum mat.
package dynsys
