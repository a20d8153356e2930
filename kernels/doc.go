// Package kernels holds the few hot loops of training: dense matrix multiply and elementwise tanh,
// for float32 and float64, in row-major layout.
package kernels
