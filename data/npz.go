package data

import (
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/jedi-neuro/jedi/internal/fsutil"
	"github.com/jedi-neuro/jedi/internal/npy"
)

// DefaultDt is the bin width assumed when a file has no dt.
const DefaultDt = 0.01

// maxNPZBytes bounds the uncompressed size of an archive (16 GiB), so that a forged header
// cannot make the reader allocate without limit.
const maxNPZBytes = 16 << 30

// ReadNPZ reads a dataset in the npz contract:
//
//	activity      [segments, time, neurons]  float32 or float64 (required)
//	lengths       [segments]  integers, valid bins per segment (default: all)
//	dt            scalar seconds (default 0.01, with a warning)
//	label_<name>  [segments]  integers, floats or strings
//	inputs        [segments, time, inputs]  floats (optional)
//	loss_weight   [segments, time, neurons]  floats ≥ 0 (optional; task training)
//	anything else numeric: kept in Extra (ground truth); non-numeric extras are skipped.
//
// The dataset is not validated: call Validate. Errors name the file and the field.
func ReadNPZ(path string) (*Dataset, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, err
	}
	names, arrays, err := npy.ReadArchive(fh, st.Size(), maxNPZBytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return fromArrays(path, names, arrays)
}

func fromArrays(path string, names []string, arrays map[string]*npy.Array) (*Dataset, error) {
	bad := func(field string, format string, args ...any) error {
		return fieldErr(path, field, nil, format, args...)
	}
	act, ok := arrays["activity"]
	if !ok {
		return nil, bad("activity", "missing (arrays in the file: %s)", strings.Join(names, ", "))
	}
	if act.Kind != npy.Float {
		return nil, bad("activity", "dtype %s, want float32 or float64", act.Descr)
	}
	if len(act.Shape) != 3 {
		return nil, bad("activity", "shape %v, want [segments, time, neurons] (rank 3)", act.Shape)
	}
	S, T, M := act.Shape[0], act.Shape[1], act.Shape[2]
	d := &Dataset{S: S, T: T, M: M, Activity: act.Floats, Labels: map[string]Label{}, Extra: map[string]Array{}, Source: path}

	if l, ok := arrays["lengths"]; ok {
		if l.Kind != npy.Int || len(l.Shape) != 1 || l.Shape[0] != S {
			return nil, bad("lengths", "dtype %s shape %v, want integers of shape [%d]", l.Descr, l.Shape, S)
		}
		d.Lengths = make([]int, S)
		for i, v := range l.Ints {
			if v < 1 || v > int64(T) {
				return nil, fieldErr(path, "lengths", []int{i}, "= %d, want 1..%d", v, T)
			}
			d.Lengths[i] = int(v)
		}
	} else {
		d.Lengths = make([]int, S)
		for s := range d.Lengths {
			d.Lengths[s] = T
		}
		if s, t, ok := trailingNaN(act.Floats, S, T, M); ok {
			return nil, fieldErr(path, "activity", []int{s, t, 0}, "is NaN from bin %d of segment %d on: ragged segments padded with NaN need a lengths array [segments] of valid bins", t, s)
		}
	}

	if dt, ok := arrays["dt"]; ok {
		if dt.Kind == npy.String || dt.Len() != 1 {
			return nil, bad("dt", "dtype %s shape %v, want one number (seconds)", dt.Descr, dt.Shape)
		}
		d.Dt = dt.Floats[0]
	} else {
		slog.Warn("no dt in the file: assuming the default bin width", "file", path, "dt", DefaultDt)
		d.Dt = DefaultDt
	}

	if in, ok := arrays["inputs"]; ok {
		if in.Kind == npy.String || len(in.Shape) != 3 || in.Shape[0] != S || in.Shape[1] != T {
			return nil, bad("inputs", "dtype %s shape %v, want numbers of shape [%d, %d, inputs]", in.Descr, in.Shape, S, T)
		}
		d.I, d.Inputs = in.Shape[2], in.Floats
	}
	if w, ok := arrays["loss_weight"]; ok {
		if w.Kind == npy.String || !slices.Equal(w.Shape, act.Shape) {
			return nil, bad("loss_weight", "dtype %s shape %v, want numbers of the activity's shape %v", w.Descr, w.Shape, act.Shape)
		}
		d.Weight = w.Floats
	}

	for _, name := range names {
		a := arrays[name]
		switch {
		case name == "activity" || name == "lengths" || name == "dt" || name == "inputs" || name == "loss_weight":
		case strings.HasPrefix(name, "label_"):
			l, err := toLabel(path, name, a, S)
			if err != nil {
				return nil, err
			}
			d.Labels[strings.TrimPrefix(name, "label_")] = l
		case a.Kind == npy.String:
			slog.Warn("skipping a non-numeric array", "file", path, "array", name, "dtype", a.Descr)
		default:
			d.Extra[name] = Array{Shape: a.Shape, Data: a.Floats}
		}
	}
	return d, nil
}

func toLabel(path, name string, a *npy.Array, S int) (Label, error) {
	if name == "label_" {
		return Label{}, fieldErr(path, name, nil, "a label needs a name after the label_ prefix")
	}
	if len(a.Shape) != 1 || a.Shape[0] != S {
		return Label{}, fieldErr(path, name, nil, "has shape %v, want [%d] (one value per segment)", a.Shape, S)
	}
	l := Label{Values: make([]string, S)}
	switch a.Kind {
	case npy.String:
		l.Kind = StringLabel
		copy(l.Values, a.Strings)
	case npy.Int:
		l.Kind = IntLabel
		for i, v := range a.Ints {
			l.Values[i] = strconv.FormatInt(v, 10)
		}
	default:
		l.Kind = FloatLabel
		for i, v := range a.Floats {
			if math.IsNaN(v) {
				return Label{}, fieldErr(path, name, []int{i}, "is NaN")
			}
			l.Values[i] = strconv.FormatFloat(v, 'g', -1, 64)
		}
	}
	return l, nil
}

// trailingNaN reports the first segment whose activity becomes all-NaN from some bin to the
// end (the mark of NaN-padded ragged data), and that bin.
func trailingNaN(x []float64, S, T, M int) (int, int, bool) {
	for s := 0; s < S; s++ {
		t := T
		for t > 0 && allNaN(x[(s*T+t-1)*M:(s*T+t)*M]) {
			t--
		}
		if t < T {
			return s, t, true
		}
	}
	return 0, 0, false
}

func allNaN(v []float64) bool {
	for _, x := range v {
		if !math.IsNaN(x) {
			return false
		}
	}
	return true
}

// WriteNPZ writes d in the npz contract, atomically: activity float64, lengths int64, dt,
// label_<name> (strings as NumPy unicode, integers as int64, floats as float64), inputs,
// loss_weight and every Extra array.
func WriteNPZ(path string, d *Dataset) error {
	return fsutil.WriteFileAtomic(path, func(w io.Writer) error {
		a := npy.NewArchive(w)
		add := func(name string, shape []int, v any) error { return a.Add(name, shape, v) }
		if err := add("activity", []int{d.S, d.T, d.M}, d.Activity); err != nil {
			return err
		}
		lengths := make([]int64, d.S)
		for i, v := range d.Lengths {
			lengths[i] = int64(v)
		}
		if err := add("lengths", nil, lengths); err != nil {
			return err
		}
		if err := add("dt", []int{}, []float64{d.Dt}); err != nil {
			return err
		}
		labels := make([]string, 0, len(d.Labels))
		for k := range d.Labels {
			labels = append(labels, k)
		}
		sort.Strings(labels)
		for _, k := range labels {
			if err := writeLabel(a, k, d.Labels[k]); err != nil {
				return err
			}
		}
		if d.I > 0 {
			if err := add("inputs", []int{d.S, d.T, d.I}, d.Inputs); err != nil {
				return err
			}
		}
		if d.Weight != nil {
			if err := add("loss_weight", []int{d.S, d.T, d.M}, d.Weight); err != nil {
				return err
			}
		}
		extras := make([]string, 0, len(d.Extra))
		for k := range d.Extra {
			extras = append(extras, k)
		}
		sort.Strings(extras)
		for _, k := range extras {
			e := d.Extra[k]
			if err := add(k, e.Shape, e.Data); err != nil {
				return err
			}
		}
		return a.Close()
	})
}

func writeLabel(a *npy.Archive, name string, l Label) error {
	key := "label_" + name
	switch l.Kind {
	case IntLabel:
		v := make([]int64, len(l.Values))
		for i, s := range l.Values {
			x, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return fieldErr("", key, []int{i}, "%q is not an integer", s)
			}
			v[i] = x
		}
		return a.Add(key, nil, v)
	case FloatLabel:
		v := make([]float64, len(l.Values))
		for i, s := range l.Values {
			x, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return fieldErr("", key, []int{i}, "%q is not a number", s)
			}
			v[i] = x
		}
		return a.Add(key, nil, v)
	}
	return a.Add(key, nil, l.Values)
}
