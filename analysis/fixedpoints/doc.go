// Package fixedpoints finds, classifies and compares the fixed points of a discrete-time map
// x ↦ F(x) (a dynsys.Map), following the FixedPointFinder approach of Golub & Sussillo (2018):
// minimise the speed
//
//	q(x) = ½ ‖F(x) − x‖²,   ∇q(x) = (J(x) − I)ᵀ (F(x) − x),
//
// from many starting states (usually sampled from trajectories, see Starts), keep the minima with
// q below a tolerance, merge duplicates, drop points far from the starts, and classify each by the
// eigenvalues of the Jacobian J = ∂F/∂x at it.
//
// Minima with q = 0 are fixed points. Minima with small but non-zero q are "slow points", regions
// where the flow nearly stops; Find reports them, flagged, when Options.TolSlow asks for them.
//
// Match compares a found set with a ground-truth set (for example a teacher network's fixed
// points, both mapped into observed-neuron space) by an optimal one-to-one assignment; Cover
// compares them by coverage within a radius, which does not depend on how many points each
// finder cut a continuous attractor into.
//
// Stability is that of a discrete map: a fixed point is stable when every eigenvalue of J lies
// strictly inside the unit circle. Projection into a PCA space is left to analysis/embed.
package fixedpoints
