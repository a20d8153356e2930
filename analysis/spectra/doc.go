// Package spectra summarises eigenvalue spectra of recurrent weights and of the discrete-time
// Jacobian of the rate RNN, and ranks them against a covariate (Spearman's ρ), for claims such
// as "the spread of imaginary parts grows with the driving frequency".
//
// The eigenvalues themselves come from the model (model.Network.WeightEigenvalues and
// JacobianEigenvalues, model.Eigenvalues); they are complex128.
package spectra
