package data

import (
	"cmp"
	"math"
	"math/big"
	"slices"
	"strconv"
)

// GroupIndex maps every segment to the group of its value of label: groups holds the label's
// distinct values in the label's Order when it has one, otherwise sorted — numerically for
// IntLabel and FloatLabel (NaN last), by text for StringLabel — and idx[s] is the position of
// segment s's value, so groups[idx[s]] is that value. It is the one order of a label's values
// that every figure, legend and table of a run uses. Values are grouped by their text, as
// stored. It returns an error naming the labels that exist if there is no such label, and a
// *FieldError if a value does not parse as its kind.
func (d *Dataset) GroupIndex(label string) (groups []string, idx []int, err error) {
	values, err := d.LabelValues(label)
	if err != nil {
		return nil, nil, err
	}
	l := d.Labels[label]
	kind := l.Kind
	// rank is a value's position in the declared order (all 0 without one); Validate has
	// checked that every value is listed.
	rank := map[string]int{}
	for i, v := range l.Order {
		if c, ok := canonicalValue(kind, v); ok {
			rank[c] = i
		}
	}
	seen := map[string]bool{}
	for _, v := range values {
		if !seen[v] {
			seen[v] = true
			groups = append(groups, v)
		}
	}
	keys := make(map[string]groupKey, len(groups))
	ranks := make(map[string]int, len(groups))
	for _, g := range groups {
		k, ok := parseGroupKey(kind, g)
		if !ok {
			s := slices.Index(values, g)
			return nil, nil, &FieldError{File: d.Source, Field: labelPrefix + label, Index: []int{s},
				Msg: strconv.Quote(g) + " does not parse as the label's kind"}
		}
		keys[g] = k
		c, _ := canonicalValue(kind, g)
		ranks[g] = rank[c]
	}
	slices.SortFunc(groups, func(a, b string) int {
		return cmp.Or(cmp.Compare(ranks[a], ranks[b]), keys[a].compare(keys[b]), cmp.Compare(a, b))
	})
	pos := make(map[string]int, len(groups))
	for i, g := range groups {
		pos[g] = i
	}
	idx = make([]int, len(values))
	for s, v := range values {
		idx[s] = pos[v]
	}
	return groups, idx, nil
}

// groupKey is the sort key of a label value: an integer, a float, or nothing (text order).
type groupKey struct {
	i *big.Int
	f float64
}

func parseGroupKey(kind LabelKind, v string) (groupKey, bool) {
	switch kind {
	case IntLabel:
		i, ok := parseLabelInt(v)
		return groupKey{i: i}, ok
	case FloatLabel:
		f, err := strconv.ParseFloat(v, 64)
		return groupKey{f: f}, err == nil
	}
	return groupKey{}, true
}

func (k groupKey) compare(o groupKey) int {
	if k.i != nil {
		return k.i.Cmp(o.i)
	}
	switch a, b := math.IsNaN(k.f), math.IsNaN(o.f); {
	case a && b:
		return 0
	case a:
		return 1
	case b:
		return -1
	}
	return cmp.Compare(k.f, o.f)
}

// canonicalValue returns the text that stands for label value v of the given kind whatever
// way it was written: an integer in decimal, a real number as its shortest float64 text ("0.1"
// for a float32 or a float64 0.1, "1.5" for "1.50"), text as itself. ok is false when v does
// not parse as its kind. An Order and a label's values are matched by it.
func canonicalValue(kind LabelKind, v string) (string, bool) {
	switch kind {
	case IntLabel:
		i, ok := parseLabelInt(v)
		if !ok {
			return "", false
		}
		return i.String(), true
	case FloatLabel:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return "", false
		}
		return strconv.FormatFloat(f, 'g', -1, 64), true
	}
	return v, true
}
