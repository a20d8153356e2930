package recipe

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/data/formats"
	"github.com/jedi-neuro/jedi/data/prepare"
)

// Load reads s.File with formats.Inspect (the MAT and HDF5 readers must be registered by
// importing data/formats/mat) and builds the dataset, as FromNode. Errors name the file.
func Load(s Source) (*data.Dataset, *prepare.Report, error) {
	root, err := formats.Inspect(s.File)
	if err != nil {
		return nil, nil, err
	}
	d, rep, err := FromNode(root, s)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", s.File, err)
	}
	d.Source = s.File
	return d, rep, nil
}

// FromNode builds the dataset s describes from an already-read file tree root.
//
// A trials source gives prepare.Prepare(trials, *s.Prepare): trial k is element k (row-major)
// of the struct array s.Trials, its Counts[m][i] = counts(m, i) (neurons × bins) with
// BinWidth = s.BinMs/1000 s, and Labels[name] = the text of its field s.Labels[name].
//
// A tensor source gives C segments (one per condition) × T bins × M neurons with Dt = s.DtMs/1000,
// activity[c][t][m] = tensor at (time t, neuron m, condition c) taken as it is (no binning,
// smoothing or normalisation: the tensor already holds rates), and the integer label
// "condition" = c (0-based). Its report lists C trials, C segments and every unit kept.
func FromNode(root *formats.Node, s Source) (*data.Dataset, *prepare.Report, error) {
	if err := s.Validate(); err != nil {
		return nil, nil, err
	}
	if s.Tensor != "" {
		return fromTensor(root, s)
	}
	trials, err := readTrials(root, s)
	if err != nil {
		return nil, nil, err
	}
	d, rep, err := prepare.Prepare(trials, *s.Prepare)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", s.Trials, err)
	}
	return d, rep, nil
}

// readTrials builds one prepare.Trial per element of the struct array s.Trials.
func readTrials(root *formats.Node, s Source) ([]prepare.Trial, error) {
	st, err := root.Lookup(s.Trials)
	if err != nil {
		return nil, err
	}
	if st.Class != "struct" && st.Class != "object" {
		return nil, fmt.Errorf("%s: class %s, want a struct array of trials", s.Trials, st.Class)
	}
	names := make([]string, 0, len(s.Labels))
	for name := range s.Labels {
		names = append(names, name)
	}
	slices.Sort(names)
	trials := make([]prepare.Trial, st.NumElements())
	for k := range trials {
		// MATLAB's 1-based index, so that the message can be pasted into MATLAB.
		at := func(field string) string { return fmt.Sprintf("%s(%d).%s", s.Trials, k+1, field) }
		c, err := st.Field(k, s.Counts)
		if err != nil {
			return nil, fmt.Errorf("trial %d: %w", k, err)
		}
		counts, err := matrixRows(c)
		if err != nil {
			return nil, fmt.Errorf("trial %d: %s: %w", k, at(s.Counts), err)
		}
		labels := make(map[string]string, len(names))
		for _, name := range names {
			f, err := st.Field(k, s.Labels[name])
			if err != nil {
				return nil, fmt.Errorf("trial %d: label %s: %w", k, name, err)
			}
			if labels[name], err = scalarText(f); err != nil {
				return nil, fmt.Errorf("trial %d: %s: %w", k, at(s.Labels[name]), err)
			}
		}
		trials[k] = prepare.Trial{Counts: counts, BinWidth: s.BinMs / 1e3, Labels: labels}
	}
	return trials, nil
}

// matrixRows returns a 2-D numeric node's rows (neurons), sharing its memory.
func matrixRows(n *formats.Node) ([][]float64, error) {
	v, err := n.Float64s()
	if err != nil {
		return nil, err
	}
	if len(n.Shape) != 2 {
		return nil, fmt.Errorf("shape %v, want neurons × bins", n.Shape)
	}
	rows, cols := n.Shape[0], n.Shape[1]
	out := make([][]float64, rows)
	for m := range out {
		out[m] = v[m*cols : (m+1)*cols : (m+1)*cols]
	}
	return out, nil
}

// scalarText returns a char row or a single string as it is, and a single number as its
// shortest decimal text.
func scalarText(n *formats.Node) (string, error) {
	if !n.IsNumeric() {
		return n.Text()
	}
	v, _ := n.Float64s()
	if len(v) != 1 {
		return "", fmt.Errorf("%d numbers, want one", len(v))
	}
	return strconv.FormatFloat(v[0], 'g', -1, 64), nil
}

// fromTensor builds one segment per condition of a time × neuron × condition tensor (in any
// axis order).
func fromTensor(root *formats.Node, s Source) (*data.Dataset, *prepare.Report, error) {
	n, err := root.Lookup(s.Tensor)
	if err != nil {
		return nil, nil, err
	}
	v, err := n.Float64s()
	if err != nil {
		return nil, nil, err
	}
	if len(n.Shape) != 3 {
		return nil, nil, fmt.Errorf("%s: shape %v, want 3 dimensions (%v)", s.Tensor, n.Shape, s.Axes)
	}
	// pos[a] is the file dimension holding axis a; strides are row-major over n.Shape.
	pos := map[string]int{}
	for i, a := range s.Axes {
		pos[a] = i
	}
	stride := [3]int{n.Shape[1] * n.Shape[2], n.Shape[2], 1}
	T, M, C := n.Shape[pos[AxisTime]], n.Shape[pos[AxisNeuron]], n.Shape[pos[AxisCondition]]
	st, sm, sc := stride[pos[AxisTime]], stride[pos[AxisNeuron]], stride[pos[AxisCondition]]
	if T == 0 || M == 0 || C == 0 {
		return nil, nil, fmt.Errorf("%s: shape %v has an empty axis", s.Tensor, n.Shape)
	}
	d := data.New(C, T, M, s.DtMs/1e3)
	cond := make([]string, C)
	for c := range C {
		cond[c] = strconv.Itoa(c)
		for t := range T {
			for m := range M {
				x := v[c*sc+t*st+m*sm]
				if x != x || x-x != 0 {
					return nil, nil, fmt.Errorf("%s: condition %d, time bin %d, neuron %d: %g, want finite", s.Tensor, c, t, m, x)
				}
				d.Activity[(c*T+t)*M+m] = x
			}
		}
	}
	d.Labels[AxisCondition] = data.Label{Kind: data.IntLabel, Values: cond}
	kept := make([]int, M)
	for m := range kept {
		kept[m] = m
	}
	return d, &prepare.Report{Trials: C, Units: M, Segments: C, Kept: kept}, nil
}
