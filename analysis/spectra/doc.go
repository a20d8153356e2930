// Package spectra computes and summarises eigenvalue spectra of recurrent weights and of the
// discrete-time Jacobian of the rate RNN, and ranks them against a covariate (Spearman's ρ), for
// claims such as "the spread of imaginary parts grows with the driving frequency".
//
// Matrices are gonum mat types; eigenvalues are complex128. Nothing here depends on the model:
// the model hands over W_s, α and a state.
package spectra
