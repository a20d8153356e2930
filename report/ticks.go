package report

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
)

// niceTicks returns ticks for a linear axis over [min, max]: labelled
// ticks at the multiples of a step of 1, 2, 2.5 or 5 × 10^k chosen to give
// about five intervals, and unlabelled ticks halfway between them (a fifth
// of the way for a step of 2.5, so that they fall on round numbers).
// Gonum's default often labels only two or three ticks, too few to read
// values off a small figure.
func niceTicks(min, max float64) []plot.Tick {
	if !(max > min) || math.IsInf(max-min, 0) {
		return nil
	}
	raw := (max - min) / 5
	exp := math.Floor(math.Log10(raw))
	mag := math.Pow(10, exp)
	mant, minor := 10.0, 2.0
	for _, m := range []struct{ mant, minor float64 }{{1, 2}, {2, 2}, {2.5, 5}, {5, 2}} {
		if m.mant*mag >= raw*(1-1e-9) {
			mant, minor = m.mant, m.minor
			break
		}
	}
	step := mant * mag
	decimals := int(-exp)
	if mant == 2.5 {
		decimals++
	}
	if mant == 10 {
		decimals--
	}
	sub := step / minor
	var ticks []plot.Tick
	for k := math.Ceil(min / sub); k*sub <= max*(1+1e-12)+1e-300; k++ {
		t := plot.Tick{Value: k * sub}
		if math.Mod(k, minor) == 0 {
			t.Label = tickLabel(t.Value, decimals, step)
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// tickLabel formats the tick value v with the given number of decimals, or
// in exponent notation when positional notation would be long.
func tickLabel(v float64, decimals int, step float64) string {
	if v == 0 {
		return "0" // Never "-0" or "0e+00".
	}
	if math.Abs(v) >= 1e5 || step < 1e-4 {
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
	return strconv.FormatFloat(v, 'f', max(decimals, 0), 64)
}
