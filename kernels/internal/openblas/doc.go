// Package openblas binds OpenBLAS's cblas_sgemm and cblas_dgemm through cgo. It is compiled only
// with the openblas build tag (without it the package is empty); package kernels routes Gemm
// here under that tag. It lives apart from kernels because Go does not allow a package that uses
// cgo to contain Go assembly.
package openblas
