// Package metrics scores reconstructions of neural activity: variance-weighted and per-neuron R²,
// CURBD's percentage of variance explained (pVar), and Poisson bits per spike.
//
// Every function reads activity in the padded layout of data.Dataset: S segments × T bins × M
// neurons, row-major, so bin t of segment s, neuron m is at index (s*T+t)*M+m, and only the first
// lengths[s] bins of segment s are read (nil lengths: all T bins are valid). The prediction and the
// target share that layout. The package depends on nothing but the standard library, so the model,
// the training loop and the analysis commands can all use it.
package metrics
