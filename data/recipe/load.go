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
// without a value for a label) are left out and reported in Report.DroppedTrials. Without
// Pool, the trials of every source are prepared together (prepare.Prepare): they must hold
// the same units. With Pool, every file is a recording of its own units, pooled by
// prepare.Pool.
//
// A tensor source gives C segments (one per condition) × T bins × M neurons with
// Dt = DtMs/1000, taken as they are; several tensor sources are concatenated.
func Load(r *Recipe) (*data.Dataset, *prepare.Report, error) {
	if err := r.Validate(); err != nil {
		return nil, nil, err
	}
	if r.Sources[0].Tensor != "" {
		return loadTensors(r)
	}
	var recs []*recording
	idx := &indexCache{}
	for i := range r.Sources {
		s := &r.Sources[i]
		files, err := expand(s.File)
		if err != nil {
			return nil, nil, fmt.Errorf("sources[%d]: %w", i, err)
		}
		for _, path := range files {
			rec, err := readOne(path, s, idx)
			if err != nil {
				return nil, nil, err
			}
			recs = append(recs, rec)
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
			return nil, nil, fmt.Errorf("no usable trial in %d file(s)", len(recs))
		}
		d, rep, err = prepare.Prepare(trials, r.Prepare)
	}
	if err != nil {
		return nil, nil, err
	}
	// The trials left out while reading come first: they never reached preparation.
	rep.Trials += total
	rep.DroppedTrials = append(dropped, rep.DroppedTrials...)
	if len(recs) == 1 {
		d.Source = r.Sources[0].File
	}
	return d, rep, nil
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

// loadTensors reads every tensor source and concatenates their segments.
func loadTensors(r *Recipe) (*data.Dataset, *prepare.Report, error) {
	var out *data.Dataset
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
		if out == nil {
			out, rep = d, rp
			out.Source = s.File
			continue
		}
		if d.M != out.M || d.Dt != out.Dt {
			return nil, nil, fmt.Errorf("%s: %d neurons, dt %g s; the first source has %d, %g s", s.File, d.M, d.Dt, out.M, out.Dt)
		}
		out = concat(out, d)
		rep.Trials += rp.Trials
		rep.Segments += rp.Segments
	}
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
		d.Labels[name] = data.Label{Kind: l.Kind, Values: append(slices.Clone(l.Values), b.Labels[name].Values...)}
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
