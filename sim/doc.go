// Package sim generates synthetic datasets with known ground truth: a teacher rate RNN is driven
// by inputs, a random subset of its units is observed with noise, and the teacher's weights,
// inputs and latent states are kept with the data so that what JEDI infers can be checked
// against the truth (DESIGN.md §2 and §4).
//
// The teacher (Teacher) is x_{t+1} = (1−α) x_t + α (J tanh(x_t) + b + W_ext u_t). Random
// teachers (NewRandomTeacher, TeacherConfig) have J = g G/√N + ρ P Qᵀ/√N: a chaotic bulk of gain
// g = 1.8 plus a rank-R structure, default R = 5, ρ = ½. Of ρ = 0, ½, ¾ and 1 (20 draws each),
// ρ = ½ leaves the most draws chaotic without input (14 of 20 with a largest Lyapunov exponent
// above 0.1/s, against 9, 6 and 6; from ρ = ¾ on, draws start to fall onto stable fixed points
// of the structure), and it visibly shapes the dynamics: the R-dimensional column space of P
// carries 18–41% of the variance of the undriven state of the chaotic draws, against 0.7–2.9%
// at ρ = 0 and its share of dimensions R/N = 2.5% (TestStructureShapesDynamics).
//
// Datasets:
//
//   - Multitask: input families (sine, square, sawtooth, triangle, ramp, bursts) as tasks, each
//     trial with its own rate, amplitude and phase (DefaultMultitask).
//   - Sinusoid: one sinusoidal input of 1, 2, …, 10 Hz (DefaultSinusoid).
//
// Both draw teachers until the undriven largest Lyapunov exponent exceeds MinLyapunov (0.1/s),
// measured from the tangent dynamics (Teacher.LargestLyapunov): a finite network at g = 1.8 is not
// always chaotic; at N = 200 many draws settle on a limit cycle (exponent ≈ 0) or are only weakly
// chaotic: 6 of 20 default teachers stay below 0.1/s, and so do 5 of 12 bulk-only networks in an
// independent NumPy simulation. The tests check the
// chaos of the kept teacher again by an independent method, the growth of the distance between two
// undriven trajectories started 10⁻⁸ apart. The drive is then made strong enough to suppress that
// chaos, so that the activity is set by the input and an autonomous student (JEDI) can learn it:
// the same trial run from two independent initial states gives recorded trajectories that correlate
// above 0.95 (TestMultitaskEntrainment, TestSinusoidEntrainment). Observation noise has
// NoiseFraction (2%) of the signal variance, so the noiseless truth itself scores R² = 1/1.02 ≈
// 0.980 against the noisy activity: the ceiling for any model on held-out data.
//
// Every random number comes from math/rand/v2's PCG, seeded from the user's seed, a purpose
// (teacher, observed units, trial, noise) and an index, so datasets are bit-for-bit
// reproducible and do not depend on GOMAXPROCS, although trials are simulated in parallel.
//
// Ground truth is stored in Dataset.Extra under teacher_* names (see Multitask) and read back
// with TeacherFromDataset.
//
// A MemoryPro teacher (DESIGN.md §2, claim 3) will be added as memorypro.go. Teacher already
// holds such a network (any J, a bias b, any number of inputs, R = 0), and Teacher.GroundTruth,
// TeacherFromDataset and the segment layout need no change; its trials will become one segment
// per phase, labelled by phase and response direction. The network is trained by the project's
// training engine, which sim may not import (DESIGN.md §6 layering), so memorypro.go should
// define the task (trial timing, inputs, targets and score weights) and generate the dataset
// from a given trained Teacher, and the command layer should run the training in between.
package sim
