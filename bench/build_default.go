//go:build !openblas

package bench

// build names the kernels this binary was built with.
const build = "pure-go"
