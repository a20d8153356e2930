package data

import (
	"cmp"
	"math"
	"math/big"
	"slices"
	"strconv"
)

// GroupIndex maps every segment to the group of its value of label: groups holds the label's
// distinct values, sorted — numerically for IntLabel and FloatLabel (NaN last), by text for
// StringLabel — and idx[s] is the position of segment s's value, so groups[idx[s]] is that
// value. Values are grouped by their text, as stored. It returns an error naming the labels
// that exist if there is no such label, and a *FieldError if a value does not parse as its
// kind.
func (d *Dataset) GroupIndex(label string) (groups []string, idx []int, err error) {
	values, err := d.LabelValues(label)
	if err != nil {
		return nil, nil, err
	}
	kind := d.Labels[label].Kind
	seen := map[string]bool{}
	for _, v := range values {
		if !seen[v] {
			seen[v] = true
			groups = append(groups, v)
		}
	}
	keys := make(map[string]groupKey, len(groups))
	for _, g := range groups {
		k, ok := parseGroupKey(kind, g)
		if !ok {
			s := slices.Index(values, g)
			return nil, nil, &FieldError{File: d.Source, Field: labelPrefix + label, Index: []int{s},
				Msg: strconv.Quote(g) + " does not parse as the label's kind"}
		}
		keys[g] = k
	}
	slices.SortFunc(groups, func(a, b string) int {
		return cmp.Or(keys[a].compare(keys[b]), cmp.Compare(a, b))
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
