package recipe

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/data/formats"
	"github.com/jedi-neuro/jedi/data/prepare"
)

// Load reads every source of r and builds the dataset, with the report of what was left out
// and why. The MAT and NumPy readers must be registered (import data/formats/mat).
//
// A trials source gives one prepare.Trial per trial of every file its File matches (sorted),
// with its events, labels and activity as the source says; trials without valid edges (or
// without a value for a label) are left out and reported in Report.DroppedTrials. Several
// recordings (files, or sources) are put together as the recipe says, and refused when it
// says nothing:
//
//   - combine: trials appends their trials, which must hold the same units (as many, and the
//     same ids where the files or the recipe's unit name them), then prepares them together;
//   - combine: simultaneous joins trial k of every recording into one trial holding all their
//     units (see joinSimultaneous), then prepares them together;
//   - pool: every file is a recording of its own units, pooled by prepare.Pool.
//
// A tensor source gives C segments (one per condition) × T bins × M neurons with
// Dt = DtMs/1000, taken as they are; several tensor sources are concatenated (combine:
// trials) or joined by neuron (combine: simultaneous, data.JoinNeurons).
func Load(r *Recipe) (*data.Dataset, *prepare.Report, error) {
	if err := r.Validate(); err != nil {
		return nil, nil, err
	}
	if r.Sources[0].Tensor != "" {
		return loadTensors(r)
	}
	var paths [][]string
	var names []string
	for i := range r.Sources {
		s := &r.Sources[i]
		files, err := expand(s.File)
		if err != nil {
			return nil, nil, fmt.Errorf("sources[%d]: %w", i, err)
		}
		paths = append(paths, files)
		for _, f := range files {
			names = append(names, recordingName(r, i, f))
		}
	}
	var recs []*recording
	idx := &indexCache{}
	for i := range r.Sources {
		for _, path := range paths[i] {
			rec, err := readOne(path, &r.Sources[i], idx)
			if err != nil {
				return nil, nil, err
			}
			recs = append(recs, rec)
		}
	}
	if len(recs) > 1 && r.Combine == "" && r.Pool == nil {
		return nil, nil, howToCombine(names, lookLike(recs))
	}
	one := len(recs) == 1
	var joined *recording
	if len(recs) > 1 {
		switch r.Combine {
		case CombineTrials:
			if err := sameUnits(recs); err != nil {
				return nil, nil, err
			}
		case CombineSimultaneous:
			j, err := joinSimultaneous(recs)
			if err != nil {
				return nil, nil, err
			}
			recs, joined = []*recording{j}, j
		}
	}
	var dropped []prepare.TrialNote
	total := 0
	for _, rec := range recs {
		dropped = append(dropped, rec.dropped...)
		total += len(rec.dropped)
	}
	var (
		d   *data.Dataset
		rep *prepare.Report
		err error
	)
	if r.Pool != nil {
		prs := make([]prepare.Recording, 0, len(recs))
		for _, rec := range recs {
			if len(rec.trials) == 0 {
				continue
			}
			prs = append(prs, prepare.Recording{Name: rec.name, Units: rec.units, Trials: rec.trials})
		}
		if len(prs) == 0 {
			return nil, nil, fmt.Errorf("pool: no file has a usable trial")
		}
		d, rep, err = prepare.Pool(prs, r.Prepare, *r.Pool)
	} else {
		var trials []prepare.Trial
		for _, rec := range recs {
			trials = append(trials, rec.trials...)
		}
		if len(trials) == 0 {
			return nil, nil, fmt.Errorf("no usable trial in %d file(s)", len(names))
		}
		d, rep, err = prepare.Prepare(trials, r.Prepare)
	}
	if err != nil {
		return nil, nil, err
	}
	if joined != nil {
		// Which file each neuron came from.
		for _, m := range rep.Kept {
			rep.UnitIDs = append(rep.UnitIDs, joined.units[m])
		}
	}
	// The trials left out while reading come first: they never reached preparation.
	rep.Trials += total
	rep.DroppedTrials = append(dropped, rep.DroppedTrials...)
	if one {
		d.Source = r.Sources[0].File
	}
	return d, rep, nil
}

// recordingName names file f of source i in messages: the file, and which variable of it when
// the recipe has several sources (two sources may read one file).
func recordingName(r *Recipe, i int, f string) string {
	if len(r.Sources) == 1 {
		return f
	}
	s := &r.Sources[i]
	switch {
	case s.Trials != "":
		return fmt.Sprintf("%s (trials %s)", f, s.Trials)
	case s.Tensor != "":
		return fmt.Sprintf("%s (tensor %s)", f, s.Tensor)
	}
	return fmt.Sprintf("%s (sources[%d])", f, i)
}

// expand returns the files a source's File names: itself, or the sorted matches of a glob.
func expand(pattern string) ([]string, error) {
	if !hasMeta(pattern) {
		return []string{pattern}, nil
	}
	m, err := filepath.Glob(pattern)
	if err != nil {
		return nil, fmt.Errorf("file %s: %w", pattern, err)
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("file %s: no file matches", pattern)
	}
	slices.Sort(m)
	return m, nil
}

func hasMeta(p string) bool {
	for _, c := range p {
		if c == '*' || c == '?' || c == '[' {
			return true
		}
	}
	return false
}

// readOne reads one file of source s; errors name the file.
func readOne(path string, s *Source, idx *indexCache) (*recording, error) {
	f, err := openFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rec, err := readFile(f, s, idx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return rec, nil
}

// loadTensors reads every tensor source and puts their segments together as r.Combine says.
func loadTensors(r *Recipe) (*data.Dataset, *prepare.Report, error) {
	if len(r.Sources) > 1 && r.Combine == "" {
		names := make([]string, len(r.Sources))
		for i := range r.Sources {
			names[i] = recordingName(r, i, r.Sources[i].File)
		}
		return nil, nil, howToCombine(names, "")
	}
	parts := make([]*data.Dataset, len(r.Sources))
	rep := &prepare.Report{}
	for i := range r.Sources {
		s := &r.Sources[i]
		f, err := openFile(s.File)
		if err != nil {
			return nil, nil, err
		}
		d, rp, err := fromTensor(f.get, s)
		f.Close()
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", s.File, err)
		}
		d.Source = recordingName(r, i, s.File)
		parts[i] = d
		if i == 0 {
			rep = rp
			continue
		}
		rep.Units += rp.Units
		rep.Trials += rp.Trials
		rep.Segments += rp.Segments
	}
	out := parts[0]
	switch {
	case len(parts) == 1:
	case r.Combine == CombineSimultaneous:
		// The conditions are trials: every tensor must have the same ones (JoinNeurons names
		// the file that differs), and each one's neurons follow the previous one's.
		j, err := data.JoinNeurons(parts)
		if err != nil {
			return nil, nil, fmt.Errorf("combine: %s: %w", CombineSimultaneous, err)
		}
		out = j
		rep.Trials, rep.Segments = parts[0].S, parts[0].S
		rep.Kept = make([]int, out.M)
		for m := range rep.Kept {
			rep.Kept[m] = m
		}
	default:
		for _, d := range parts[1:] {
			if d.M != out.M || d.Dt != out.Dt {
				return nil, nil, fmt.Errorf("combine: %s: %s has %d neurons and dt %g s, %s %d and %g s: appended segments must hold the same neurons "+
					"(different neurons recorded on the same conditions: combine: %s)", CombineTrials, d.Source, d.M, d.Dt, parts[0].Source, out.M, out.Dt, CombineSimultaneous)
			}
			out = concat(out, d)
		}
		rep.Units = parts[0].M
	}
	out.Source = r.Sources[0].File
	return out, rep, nil
}

// concat returns a's segments followed by b's (same M and Dt), with labels appended.
func concat(a, b *data.Dataset) *data.Dataset {
	T := max(a.T, b.T)
	d := data.New(a.S+b.S, T, a.M, a.Dt)
	for s := range a.S {
		copy(d.Activity[s*T*a.M:], a.Segment(s))
		d.Lengths[s] = a.Lengths[s]
	}
	for s := range b.S {
		copy(d.Activity[(a.S+s)*T*a.M:], b.Segment(s))
		d.Lengths[a.S+s] = b.Lengths[s]
	}
	for name, l := range a.Labels {
		d.Labels[name] = data.Label{Kind: l.Kind, Values: append(slices.Clone(l.Values), b.Labels[name].Values...), Order: data.JoinOrders(l, b.Labels[name])}
	}
	d.Source = a.Source
	return d
}

// fromTensor builds one segment per condition of a time × neuron × condition tensor (in any
// axis order).
func fromTensor(get func(path string) (*formats.Node, error), s *Source) (*data.Dataset, *prepare.Report, error) {
	n, err := get(s.Tensor)
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
