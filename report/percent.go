package report

// Percent returns 100·x[i], the share of variance of principal axis i in percent for the axis
// labels of a PCA plot, or 0 when x has no axis i (fewer dimensions than axes drawn).
func Percent(x []float64, i int) float64 {
	if i < len(x) {
		return 100 * x[i]
	}
	return 0
}
