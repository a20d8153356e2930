package data

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// summaryValues is how many distinct values of a label Summary lists before eliding the rest.
const summaryValues = 6

// Summary describes the dataset for a person, one line per field: its source, segments, time
// bins (and the range of lengths when ragged), neurons, dt, each label with its kind and
// distinct values (counted), inputs, loss weights and each extra array's shape.
func (d *Dataset) Summary() string {
	var b strings.Builder
	line := func(field, format string, args ...any) {
		fmt.Fprintf(&b, "%-14s %s\n", field, fmt.Sprintf(format, args...))
	}
	line("source", "%s", d.sourceName())
	line("segments", "%d", d.S)
	if len(d.Lengths) > 0 {
		lo, hi, sum := d.Lengths[0], d.Lengths[0], 0
		for _, L := range d.Lengths {
			lo, hi, sum = min(lo, L), max(hi, L), sum+L
		}
		if lo == d.T && hi == d.T {
			line("time bins", "%d (every segment full length)", d.T)
		} else {
			line("time bins", "%d (lengths %d..%d, mean %.1f)", d.T, lo, hi, float64(sum)/float64(len(d.Lengths)))
		}
	} else {
		line("time bins", "%d", d.T)
	}
	line("neurons", "%d", d.M)
	line("dt", "%g s (%g ms)", d.Dt, d.Dt*1000)
	for _, name := range slices.Sorted(maps.Keys(d.Labels)) {
		line(labelPrefix+name, "%s", d.labelSummary(name))
	}
	if d.I > 0 {
		line("inputs", "%d channels", d.I)
	} else {
		line("inputs", "none")
	}
	if d.Weight != nil {
		line(weightField, "set (weighted loss)")
	}
	if d.Observed != nil {
		n := 0
		for _, ok := range d.Observed {
			if ok {
				n++
			}
		}
		line(observedField, "%d of %d segment×neuron entries observed (multi-session)", n, len(d.Observed))
	}
	for _, name := range slices.Sorted(maps.Keys(d.Extra)) {
		if a := d.Extra[name]; len(a.Shape) == 0 && len(a.Data) == 1 {
			line(name, "extra scalar %g", a.Data[0])
		} else {
			line(name, "extra %v (%d values)", a.Shape, len(a.Data))
		}
	}
	return b.String()
}

// labelSummary is a label's kind and distinct values with their counts, in the order figures
// and tables show them, e.g. `string, 2 distinct: "go" ×3, "stop" ×1`, or `string, 2 distinct
// in the declared order: "stop" ×1, "go" ×3`.
func (d *Dataset) labelSummary(name string) string {
	k := d.Labels[name].Kind.String()
	groups, idx, err := d.GroupIndex(name)
	if err != nil {
		return fmt.Sprintf("%s, %d values (%v)", k, len(d.Labels[name].Values), err)
	}
	count := make([]int, len(groups))
	for _, g := range idx {
		count[g]++
	}
	parts := make([]string, 0, summaryValues+1)
	for g, v := range groups {
		if g == summaryValues {
			parts = append(parts, "…")
			break
		}
		if d.Labels[name].Kind == StringLabel {
			v = fmt.Sprintf("%q", v)
		}
		parts = append(parts, fmt.Sprintf("%s ×%d", v, count[g]))
	}
	declared := ""
	if d.Labels[name].Order != nil {
		declared = " in the declared order"
	}
	return fmt.Sprintf("%s, %d distinct%s: %s", k, len(groups), declared, strings.Join(parts, ", "))
}
