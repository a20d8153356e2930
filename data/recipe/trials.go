package recipe

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/jedi-neuro/jedi/data/formats"
	"github.com/jedi-neuro/jedi/data/formats/nwb"
	"github.com/jedi-neuro/jedi/data/prepare"
)

// rows is the trials of one file, whatever holds them: n trials, the fields of each.
type rows struct {
	path string // the recipe's trials path
	kind string // "struct array", "cell array", "table", "tensor", "matrix", "runs"
	n    int
	// field returns field name of trial k ("" for the trial's element itself).
	field func(k int, name string) (*formats.Node, error)
	// where names field name of trial k as a user finds it in the file (1-based, MATLAB style).
	where func(k int, name string) string
	// columns are the table's or matrix's numeric columns: each an event by default.
	columns []string
}

// openRows finds the trials at s.Trials in f.
func openRows(f *file, s *Source) (*rows, error) {
	n, err := f.root.Lookup(s.Trials)
	if err != nil {
		return nil, err
	}
	p := s.Trials
	switch {
	case n.Class == "struct" || n.Class == "object":
		return &rows{path: p, kind: "struct array", n: n.NumElements(),
			field: func(k int, name string) (*formats.Node, error) {
				if name == "" {
					return nil, fmt.Errorf("%s is a struct array: name the field (activity.field)", p)
				}
				return n.Field(k, name)
			},
			where: func(k int, name string) string { return fmt.Sprintf("%s(%d).%s", p, k+1, name) },
		}, nil
	case n.Class == "cell" && len(n.Children) != n.NumElements():
		return nil, fmt.Errorf("%s: %d cells for shape %v", p, len(n.Children), n.Shape)
	case n.Class == "cell":
		return &rows{path: p, kind: "cell array", n: n.NumElements(),
			field: func(k int, name string) (*formats.Node, error) {
				c := n.Children[k]
				if name == "" {
					return c, nil
				}
				if c.Class != "struct" && c.Class != "object" {
					return nil, fmt.Errorf("%s{%d} is %s, not a struct with field %s", p, k+1, c.Class, name)
				}
				return c.Field(0, name)
			},
			where: func(k int, name string) string {
				if name == "" {
					return fmt.Sprintf("%s{%d}", p, k+1)
				}
				return fmt.Sprintf("%s{%d}.%s", p, k+1, name)
			},
		}, nil
	case n.Class == "group":
		return tableRows(f, n, p)
	case len(n.Shape) == 3 && s.Activity != nil:
		return tensorRows(f, s)
	case len(n.Shape) == 2 && n.Data != nil || f.h != nil && len(n.Shape) == 2:
		return matrixRows(f, s)
	}
	return nil, fmt.Errorf("%s: class %s, shape %v: want a struct array, a cell array, a table or a matrix with one row per trial", p, n.Class, n.Shape)
}

// tableRows reads an NWB/HDMF DynamicTable: one dataset per column, one row per trial.
func tableRows(f *file, g *formats.Node, p string) (*rows, error) {
	var names []string
	if a := g.Attr("colnames"); a != nil {
		names, _ = a.Strings()
	}
	if len(names) == 0 {
		for _, c := range g.Children {
			if c.Class != "group" && c.Name != "id" {
				names = append(names, c.Name)
			}
		}
	}
	idx, err := f.get(p + "/id")
	if err != nil {
		return nil, fmt.Errorf("%s: not a table (no id column): %w", p, err)
	}
	n := idx.NumElements()
	r := &rows{path: p, kind: "table", n: n,
		where: func(k int, name string) string { return fmt.Sprintf("%s/%s[%d]", p, name, k) },
	}
	for _, c := range names {
		m, err := g.Member(c)
		if err != nil || len(m.Shape) != 1 || m.Shape[0] != n || m.Class == "string" || m.Class == "reference" {
			continue
		}
		if _, err := g.Member(c + "_index"); err == nil {
			continue // ragged: several values per trial
		}
		r.columns = append(r.columns, c)
	}
	r.field = func(k int, name string) (*formats.Node, error) {
		if _, err := g.Member(name + "_index"); err == nil {
			return nil, fmt.Errorf("%s/%s is ragged (several values per trial)", p, name)
		}
		col, err := f.get(p + "/" + name)
		if err != nil {
			return nil, err
		}
		if col.NumElements() != n {
			return nil, fmt.Errorf("%s/%s: %d values for %d trials", p, name, col.NumElements(), n)
		}
		return element(col, k)
	}
	return r, nil
}

// tensorRows reads a 3-D array of trials: its axes, named by activity.axes in file order, are
// a permutation of trial, neuron and time; trial k is the neurons × bins slice at k.
func tensorRows(f *file, s *Source) (*rows, error) {
	p := s.Trials
	v, n, err := f.floats(p)
	if err != nil {
		return nil, err
	}
	ax := s.Activity.Axes
	if got := slices.Sorted(slices.Values(ax)); !slices.Equal(got, []string{AxisNeuron, AxisTime, AxisTrial}) {
		return nil, fmt.Errorf("%s: shape %v: a 3-D array of trials needs activity.axes, a permutation of [trial, neuron, time] in file order (got %v)", p, n.Shape, ax)
	}
	stride := [3]int{n.Shape[1] * n.Shape[2], n.Shape[2], 1}
	at := func(name string) (size, step int) {
		i := slices.Index(ax, name)
		return n.Shape[i], stride[i]
	}
	K, sk := at(AxisTrial)
	M, sm := at(AxisNeuron)
	T, st := at(AxisTime)
	return &rows{path: p, kind: "tensor", n: K,
		field: func(k int, name string) (*formats.Node, error) {
			if name != "" {
				return nil, fmt.Errorf("%s is an array: its trials have no field %q", p, name)
			}
			out := make([]float64, M*T)
			for m := range M {
				for t := range T {
					out[m*T+t] = v[k*sk+m*sm+t*st]
				}
			}
			return &formats.Node{Name: p, Class: n.Class, Shape: []int{M, T}, Data: out}, nil
		},
		where: func(k int, _ string) string { return fmt.Sprintf("%s (trial %d)", p, k+1) },
	}, nil
}

// matrixRows reads a numeric matrix with one row per trial and named columns.
func matrixRows(f *file, s *Source) (*rows, error) {
	p := s.Trials
	v, n, err := f.floats(p)
	if err != nil {
		return nil, err
	}
	names := s.Columns
	if s.ColumnsFrom != "" {
		c, err := f.get(s.ColumnsFrom)
		if err != nil {
			return nil, fmt.Errorf("columns_from: %w", err)
		}
		if names, err = c.Strings(); err != nil {
			return nil, fmt.Errorf("columns_from: %s: %w", s.ColumnsFrom, err)
		}
	}
	if len(names) != n.Shape[1] {
		return nil, fmt.Errorf("%s: %d columns, columns names %d (%v)", p, n.Shape[1], len(names), names)
	}
	missing := intMin(n)
	cols := n.Shape[1]
	return &rows{path: p, kind: "matrix", n: n.Shape[0], columns: names,
		field: func(k int, name string) (*formats.Node, error) {
			j := slices.Index(names, name)
			if j < 0 {
				return nil, fmt.Errorf("%s has no column %q (columns: %v)", p, name, names)
			}
			x := v[k*cols+j]
			if x == missing {
				x = math.NaN()
			}
			return &formats.Node{Name: name, Class: "double", Shape: []int{1, 1}, Data: []float64{x}}, nil
		},
		where: func(k int, name string) string { return fmt.Sprintf("%s(%d, %s)", p, k+1, name) },
	}, nil
}

// intMin returns the smallest value of an integer node's type, which integer arrays use for a
// missing value (they have no NaN), or NaN (equal to nothing) for other classes.
func intMin(n *formats.Node) float64 {
	switch n.Class {
	case "int64":
		return math.MinInt64
	case "int32":
		return math.MinInt32
	case "int16":
		return math.MinInt16
	}
	return math.NaN()
}

// element returns element k (row-major) of a numeric or string array as a one-element node.
func element(n *formats.Node, k int) (*formats.Node, error) {
	if k >= n.NumElements() || k >= dataLen(n) {
		return nil, fmt.Errorf("%s: element %d of %d", n.Name, k+1, min(n.NumElements(), dataLen(n)))
	}
	switch d := n.Data.(type) {
	case []float64:
		x := d[k]
		if x == intMin(n) {
			x = math.NaN()
		}
		return &formats.Node{Name: n.Name, Class: n.Class, Shape: []int{1, 1}, Data: []float64{x}}, nil
	case []string:
		return &formats.Node{Name: n.Name, Class: "string", Shape: []int{1}, Data: []string{d[k]}}, nil
	}
	return nil, fmt.Errorf("%s: class %s has no values to index", n.Name, n.Class)
}

// dataLen returns the number of values a node holds.
func dataLen(n *formats.Node) int {
	switch d := n.Data.(type) {
	case []float64:
		return len(d)
	case []string:
		return len(d)
	}
	return 0
}

// sized checks that a numeric array holds as many values as its shape says, so that indexing
// by the shape cannot run past them on a malformed file.
func sized(v []float64, n *formats.Node, path string) error {
	p := 1
	for _, d := range n.Shape {
		p *= d
	}
	if len(v) != p {
		return fmt.Errorf("%s: %d values for shape %v", path, len(v), n.Shape)
	}
	return nil
}

// number returns a one-element numeric node's value.
func number(n *formats.Node, where string) (float64, error) {
	v, err := n.Float64s()
	if err != nil {
		return 0, fmt.Errorf("%s: %w", where, err)
	}
	if len(v) != 1 {
		return 0, fmt.Errorf("%s: %d numbers, want one", where, len(v))
	}
	return v[0], nil
}

// text returns a char row or a single string as it is, and a single number as its shortest
// decimal text.
func text(n *formats.Node, where string) (string, error) {
	if !n.IsNumeric() {
		s, err := n.Text()
		if err != nil {
			return "", fmt.Errorf("%s: %w", where, err)
		}
		return s, nil
	}
	x, err := number(n, where)
	if err != nil {
		return "", err
	}
	return strconv.FormatFloat(x, 'g', -1, 64), nil
}

// recording is what one file gives: its trials, its units' names, and the trials left out
// before preparation (no valid edges, no value for a label).
type recording struct {
	name   string // the file's base name
	path   string
	trials []prepare.Trial
	// index[i] is trials[i]'s position among the file's n trials.
	index []int
	n     int
	units []string
	// ids are the units' identities where the file or the recipe gives them (unit, an NWB
	// units table's ids, a spike table's unit field), comparable across files; nil otherwise.
	ids     []string
	dropped []prepare.TrialNote
}

// readFile builds the trials of source s in file f.
func readFile(f *file, s *Source, idx *indexCache) (*recording, error) {
	scale := 1.0
	if s.TimeUnit == Milliseconds {
		scale = 1e-3
	}
	var st *stream
	var r *rows
	var err error
	if s.Continuous != nil {
		if st, err = readStream(f, s.Continuous, scale); err != nil {
			return nil, err
		}
	}
	if s.Continuous != nil && s.Continuous.Runs != "" {
		r, err = runRows(f, s.Continuous, st, scale)
	} else {
		r, err = openRows(f, s)
	}
	if err != nil {
		return nil, err
	}
	if (len(s.Columns) > 0 || s.ColumnsFrom != "") && r.kind != "matrix" {
		return nil, fmt.Errorf("columns: %s is a %s, not a matrix: its fields have their own names", r.path, r.kind)
	}
	if r.n == 0 {
		return nil, fmt.Errorf("%s: no trials", r.path)
	}
	base := filepath.Base(f.path)
	rec := &recording{name: base, path: f.path, n: r.n}
	trials := make([]prepare.Trial, r.n)
	ok := make([]bool, r.n)
	drop := func(k int, why string) {
		if ok[k] {
			ok[k] = false
			rec.dropped = append(rec.dropped, prepare.TrialNote{Trial: k, ID: trials[k].ID, Reason: why})
		}
	}
	startField, stopField := s.Start, s.Stop
	if r.kind == "table" || r.kind == "runs" {
		if startField == "" {
			startField = "start_time"
		}
		if stopField == "" {
			stopField = "stop_time"
		}
	}
	if st != nil && stopField == "" {
		return nil, fmt.Errorf("stop: missing: cutting a continuous recording into trials needs each trial's end (the field or column holding it)")
	}
	events := map[string]string{}
	for _, c := range r.columns {
		events[c] = c
	}
	for name, field := range s.Events {
		events[name] = field
	}
	read := func(k int, field string) (float64, error) {
		n, err := r.field(k, field)
		if err != nil {
			return 0, fmt.Errorf("trial %d: %w", k, err)
		}
		return number(n, r.where(k, field))
	}
	for k := range trials {
		tr := &trials[k]
		tr.ID = fmt.Sprintf("%s trial %d", base, k)
		ok[k] = true
		tr.Events = map[string]float64{}
		for _, name := range sortedKeys(events) {
			x, err := read(k, events[name])
			if err != nil {
				return nil, err
			}
			tr.Events[name] = x * scale
		}
		if startField != "" {
			x, err := read(k, startField)
			if err != nil {
				return nil, err
			}
			tr.Start = x * scale
		}
		if stopField != "" {
			x, err := read(k, stopField)
			if err != nil {
				return nil, err
			}
			tr.Duration = x*scale - tr.Start
			if !(tr.Duration > 0) {
				drop(k, fmt.Sprintf("trial edges %s = %g, %s = %g: want start < stop", startFieldName(startField), tr.Start/scale, stopField, x))
			}
		}
		if math.IsNaN(tr.Start) {
			drop(k, fmt.Sprintf("start %s missing", startField))
		}
	}
	if st != nil {
		for k := range trials {
			if ok[k] {
				if why := st.cut(&trials[k]); why != "" {
					drop(k, why)
				}
			}
		}
		for m := range st.M {
			rec.units = append(rec.units, fmt.Sprintf("%s#%d", base, m))
		}
		if r.kind == "runs" {
			name := s.Continuous.RunsLabel
			if name == "" {
				name = "run"
			}
			for k := range trials {
				n, _ := r.field(k, "value")
				v, _ := text(n, "")
				setLabel(&trials[k], name, v)
			}
		}
	} else if s.Activity != nil {
		if err := readActivity(r, s, trials); err != nil {
			return nil, err
		}
		for k := range trials {
			if stopField == "" {
				trials[k].Duration = 0 // as long as its bins
			}
		}
		M := len(trials[0].Counts)
		for m := range M {
			rec.units = append(rec.units, fmt.Sprintf("%s#%d", base, m))
		}
	} else {
		if stopField == "" {
			return nil, fmt.Errorf("stop: missing: spike times need each trial's end (the field or column holding it)")
		}
		var labelRows *spikeRows
		var err error
		switch {
		case s.Spikes.Units != "":
			rec.units, err = nwbSpikes(f, s.Spikes, trials, base)
		case s.Spikes.Field != "":
			rec.units, err = fieldSpikes(r, s.Spikes.Field, trials, scale, base)
		default:
			rec.units, labelRows, err = tableSpikes(f, s, trials, scale, base)
		}
		if err != nil {
			return nil, err
		}
		if err := spikeLabels(s, trials, labelRows, drop); err != nil {
			return nil, err
		}
	}
	if s.Spikes != nil && (s.Spikes.Units != "" || s.Spikes.Unit > 0) {
		// Those units are named base#id by the file's own ids.
		for _, u := range rec.units {
			rec.ids = append(rec.ids, strings.TrimPrefix(u, base+"#"))
		}
	}
	if s.Unit != nil {
		name, err := idx.value(*s.Unit, f.path, "unit")
		if err != nil {
			return nil, err
		}
		if len(rec.units) == 1 {
			rec.units[0] = name
		} else {
			for m := range rec.units {
				rec.units[m] = fmt.Sprintf("%s/%d", name, m)
			}
		}
		rec.ids = slices.Clone(rec.units)
	}
	if err := readLabels(f, r, s, trials, idx, drop); err != nil {
		return nil, err
	}
	for k := range trials {
		if ok[k] {
			rec.trials = append(rec.trials, trials[k])
			rec.index = append(rec.index, k)
		}
	}
	return rec, nil
}

func startFieldName(f string) string {
	if f == "" {
		return "start"
	}
	return f
}

// readActivity reads each trial's binned activity into Counts.
func readActivity(r *rows, s *Source, trials []prepare.Trial) error {
	a := s.Activity
	// A 3-D array's slices are already neurons × bins (tensorRows).
	timeFirst := len(a.Axes) == 2 && a.Axes[0] == AxisTime
	values := a.Values
	if values == "" {
		values = Counts
	}
	for k := range trials {
		where := r.where(k, a.Field)
		n, err := r.field(k, a.Field)
		if err != nil {
			return fmt.Errorf("trial %d: %w", k, err)
		}
		v, err := n.Float64s()
		if err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		if err := sized(v, n, where); err != nil {
			return err
		}
		var M, T int
		switch len(n.Shape) {
		case 1:
			M, T = 1, n.Shape[0]
		case 2:
			M, T = n.Shape[0], n.Shape[1]
			if timeFirst {
				M, T = T, M
			}
		default:
			return fmt.Errorf("%s: shape %v, want a matrix (activity.axes %v)", where, n.Shape, a.Axes)
		}
		counts := make([][]float64, M)
		for m := range M {
			counts[m] = make([]float64, T)
			for t := range T {
				i := m*T + t
				if timeFirst {
					i = t*M + m
				}
				x := v[i]
				if values == Counts && (x < 0 || x != math.Trunc(x) || math.IsInf(x, 0)) {
					return fmt.Errorf("%s: neuron %d, bin %d: %g is not a spike count (values: counts wants non-negative integers; say values: rates or values: continuous for other numbers)", where, m+1, t+1, x)
				}
				if math.IsNaN(x) || math.IsInf(x, 0) {
					return fmt.Errorf("%s: neuron %d, bin %d: %g, want a finite value", where, m+1, t+1, x)
				}
				counts[m][t] = x
			}
		}
		trials[k].Counts = counts
		trials[k].BinWidth = a.BinMs / 1e3
		trials[k].Continuous = values != Counts
	}
	return nil
}

// stream is a continuous recording: T bins × M neurons, time-major, bin i covering
// [t0 + i·w, t0 + (i+1)·w) in seconds.
type stream struct {
	v          []float64
	T, M       int
	t0, w      float64
	continuous bool
	where      string
}

// readStream reads c.Data (an array, or an NWB TimeSeries group) and its time base.
func readStream(f *file, c *Stream, scale float64) (*stream, error) {
	path, stamps := c.Data, c.Timestamps
	st := &stream{t0: c.StartTime * scale, w: c.BinMs / 1e3, continuous: c.Values != Counts, where: c.Data}
	n, err := f.root.Lookup(path)
	if err != nil {
		return nil, err
	}
	if n.Class == "group" {
		// An NWB TimeSeries: data, and timestamps or starting_time with its rate.
		path = c.Data + "/data"
		if _, err := n.Member("timestamps"); err == nil && stamps == "" {
			stamps = c.Data + "/timestamps"
		} else if s0, err := n.Member("starting_time"); err == nil && stamps == "" && c.BinMs == 0 {
			v, _, err := f.floats(c.Data + "/starting_time")
			if err != nil || len(v) != 1 {
				return nil, fmt.Errorf("%s/starting_time: want one number: %v", c.Data, err)
			}
			rate := s0.Attr("rate")
			var r []float64
			if rate != nil {
				r, _ = rate.Float64s()
			}
			if len(r) != 1 || !(r[0] > 0) {
				return nil, fmt.Errorf("%s/starting_time: no positive rate attribute", c.Data)
			}
			st.t0, st.w = v[0]*scale, 1/r[0]
		}
	}
	v, n, err := f.floats(path)
	if err != nil {
		return nil, err
	}
	switch len(n.Shape) {
	case 1:
		st.T, st.M = n.Shape[0], 1
	case 2:
		st.T, st.M = n.Shape[0], n.Shape[1]
	default:
		return nil, fmt.Errorf("%s: shape %v, want time × neurons", path, n.Shape)
	}
	if len(c.Axes) == 2 && c.Axes[0] == AxisNeuron {
		st.T, st.M = st.M, st.T
		w := make([]float64, len(v))
		for m := range st.M {
			for t := range st.T {
				w[t*st.M+m] = v[m*st.T+t]
			}
		}
		v = w
	}
	for i, x := range v {
		bad := math.IsNaN(x) || math.IsInf(x, 0)
		if !st.continuous && (x < 0 || x != math.Trunc(x)) {
			bad = true
		}
		if bad {
			return nil, fmt.Errorf("%s: bin %d, neuron %d: %g is not %s", path, i/st.M+1, i%st.M+1, x, map[bool]string{true: "a finite value", false: "a spike count (values: counts wants non-negative integers; say values: rates or continuous)"}[st.continuous])
		}
	}
	st.v = v
	if stamps != "" {
		ts, _, err := f.floats(stamps)
		if err != nil {
			return nil, err
		}
		if len(ts) != st.T || st.T < 2 {
			return nil, fmt.Errorf("%s: %d timestamps for %d bins", stamps, len(ts), st.T)
		}
		w := (ts[len(ts)-1] - ts[0]) / float64(len(ts)-1)
		for i := 1; i < len(ts); i++ {
			if d := ts[i] - ts[i-1]; !(math.Abs(d-w) <= 1e-6*w) {
				return nil, fmt.Errorf("%s: timestamps %d and %d are %g apart, the mean step is %g: bins must be evenly spaced", stamps, i, i+1, d, w)
			}
		}
		st.t0, st.w = ts[0]*scale, w*scale
	}
	if !(st.w > 0) {
		return nil, fmt.Errorf("%s: no bin width: give continuous.bin_ms or timestamps", c.Data)
	}
	return st, nil
}

// cut gives tr (Start and Duration set on the recording's clock) the full bins inside it, or
// says why it has none.
func (st *stream) cut(tr *prepare.Trial) string {
	const tol = 1e-9
	i0 := max(0, int(math.Ceil((tr.Start-st.t0)/st.w-tol)))
	i1 := min(st.T, int(math.Floor((tr.Start+tr.Duration-st.t0)/st.w+tol)))
	if i1-i0 < 1 {
		return fmt.Sprintf("trial %.10g–%.10g s holds no full bin of %s (%.10g–%.10g s)", tr.Start, tr.Start+tr.Duration, st.where, st.t0, st.t0+float64(st.T)*st.w)
	}
	tr.Counts = make([][]float64, st.M)
	for m := range st.M {
		row := make([]float64, i1-i0)
		for i := range row {
			row[i] = st.v[(i0+i)*st.M+m]
		}
		tr.Counts[m] = row
	}
	tr.Start, tr.Duration, tr.BinWidth, tr.Continuous = st.t0+float64(i0)*st.w, 0, st.w, st.continuous
	return ""
}

// runRows makes one trial of every run of bins with one value of the per-bin label c.Runs:
// fields start and stop (seconds, the run's edges) and value.
func runRows(f *file, c *Stream, st *stream, scale float64) (*rows, error) {
	n, err := f.get(c.Runs)
	if err != nil {
		return nil, err
	}
	var vals []string
	if n.IsNumeric() {
		v, _ := n.Float64s()
		for _, x := range v {
			vals = append(vals, strconv.FormatFloat(x, 'g', -1, 64))
		}
	} else if n.Class == "cell" {
		for i, c := range n.Children {
			t, err := text(c, fmt.Sprintf("%s{%d}", n.Name, i+1))
			if err != nil {
				return nil, err
			}
			vals = append(vals, t)
		}
	} else if vals, err = n.Strings(); err != nil {
		return nil, fmt.Errorf("%s: %w", c.Runs, err)
	}
	if len(vals) != st.T {
		return nil, fmt.Errorf("%s: %d labels for %d bins of %s", c.Runs, len(vals), st.T, c.Data)
	}
	type run struct {
		a, b int
		v    string
	}
	var runs []run
	for i, v := range vals {
		if len(runs) > 0 && runs[len(runs)-1].v == v {
			runs[len(runs)-1].b = i + 1
			continue
		}
		runs = append(runs, run{i, i + 1, v})
	}
	// The edges are in seconds; readFile scales what it reads by time_unit, so undo it here.
	return &rows{path: c.Runs, kind: "runs", n: len(runs),
		field: func(k int, name string) (*formats.Node, error) {
			ru := runs[k]
			switch name {
			case "start_time":
				return &formats.Node{Class: "double", Shape: []int{1, 1}, Data: []float64{(st.t0 + float64(ru.a)*st.w) / scale}}, nil
			case "stop_time":
				return &formats.Node{Class: "double", Shape: []int{1, 1}, Data: []float64{(st.t0 + float64(ru.b)*st.w) / scale}}, nil
			case "value":
				return &formats.Node{Class: "string", Shape: []int{1}, Data: []string{ru.v}}, nil
			}
			return nil, fmt.Errorf("runs of %s have start_time, stop_time and value, not %q", c.Runs, name)
		},
		where: func(k int, name string) string {
			return fmt.Sprintf("run %d (bins %d–%d) of %s", k+1, runs[k].a+1, runs[k].b, c.Runs)
		},
	}, nil
}

// nwbSpikes gives each trial the spikes of the NWB units table (session clock) that fall
// within its edges, for the units whose columns match sp.Where, and returns their names
// (file#id).
func nwbSpikes(f *file, sp *Spikes, trials []prepare.Trial, base string) ([]string, error) {
	if f.h == nil {
		return nil, fmt.Errorf("spikes.units: %s is not an HDF5 (NWB) file", base)
	}
	table, err := f.root.Lookup(sp.Units)
	if err != nil {
		return nil, err
	}
	path := "/" + strings.TrimPrefix(sp.Units, "/")
	u, err := nwb.ReadUnits(f.h, table, path)
	if err != nil {
		return nil, err
	}
	var keep []int
	for i := range u.IDs {
		ok := true
		for _, col := range sortedKeys(sp.Where) {
			want := sp.Where[col]
			switch {
			case u.Labels[col] != nil:
				ok = ok && u.Labels[col][i] == want
			case u.Columns[col] != nil:
				ok = ok && strconv.FormatFloat(u.Columns[col][i], 'g', -1, 64) == want
			default:
				return nil, fmt.Errorf("spikes.where: %s has no column %q with one value per unit (columns: %v)", sp.Units, col, append(sortedKeys(u.Labels), sortedKeys(u.Columns)...))
			}
		}
		if ok {
			keep = append(keep, i)
		}
	}
	if len(keep) == 0 {
		return nil, fmt.Errorf("spikes.where %v: none of the %d units of %s matches", sp.Where, len(u.IDs), sp.Units)
	}
	units := make([]string, len(keep))
	perUnit := make([][]float64, len(keep))
	for j, i := range keep {
		st := slices.Clone(u.Spikes[i])
		for n, t := range st {
			if math.IsNaN(t) || math.IsInf(t, 0) {
				return nil, fmt.Errorf("%s/spike_times: unit %d (id %d), spike %d: %g, want a finite time", path, i, u.IDs[i], n, t)
			}
		}
		sort.Float64s(st)
		perUnit[j] = st
		units[j] = fmt.Sprintf("%s#%d", base, u.IDs[i])
	}
	for k := range trials {
		tr := &trials[k]
		tr.Spikes = make([][]float64, len(units))
		if !(tr.Duration > 0) {
			continue
		}
		a, b := tr.Start, tr.Start+tr.Duration
		for j, st := range perUnit {
			lo := sort.SearchFloat64s(st, a)
			hi := sort.Search(len(st), func(i int) bool { return st[i] > b })
			tr.Spikes[j] = st[lo:hi:hi]
		}
	}
	return units, nil
}

// fieldSpikes reads each trial's field holding a cell array of spike-time vectors, one per
// unit, in time_unit from the trial's start; spikes outside the trial's edges are left out.
func fieldSpikes(r *rows, field string, trials []prepare.Trial, scale float64, base string) ([]string, error) {
	M := -1
	for k := range trials {
		n, err := r.field(k, field)
		if err != nil {
			return nil, fmt.Errorf("trial %d: %w", k, err)
		}
		where := r.where(k, field)
		if n.Class != "cell" || len(n.Children) != n.NumElements() {
			return nil, fmt.Errorf("%s: class %s, want a cell array with one vector of spike times per unit", where, n.Class)
		}
		if M < 0 {
			M = len(n.Children)
		} else if len(n.Children) != M {
			return nil, fmt.Errorf("%s: %d units, trial 0 has %d", where, len(n.Children), M)
		}
		tr := &trials[k]
		tr.Spikes = make([][]float64, M)
		for m, c := range n.Children {
			if c.NumElements() == 0 {
				continue
			}
			v, err := c.Float64s()
			if err != nil {
				return nil, fmt.Errorf("%s{%d}: %w", where, m+1, err)
			}
			for i, t := range v {
				if math.IsNaN(t) || math.IsInf(t, 0) {
					return nil, fmt.Errorf("%s{%d}: spike %d: %g, want a finite time", where, m+1, i+1, t)
				}
				if t = tr.Start + t*scale; t >= tr.Start && t <= tr.Start+tr.Duration {
					tr.Spikes[m] = append(tr.Spikes[m], t)
				}
			}
		}
	}
	units := make([]string, M)
	for m := range units {
		units[m] = fmt.Sprintf("%s#%d", base, m)
	}
	return units, nil
}

// spikeRows are the rows of a spike table by trial, F fields each, row after row.
type spikeRows struct {
	F  int
	of map[int][]float64
}

// tableSpikes reads a spike table into the trials and returns the units' names and the
// table's rows of each trial (for spike_field labels).
func tableSpikes(f *file, s *Source, trials []prepare.Trial, scale float64, base string) ([]string, *spikeRows, error) {
	sp := s.Spikes
	v, n, err := f.floats(sp.Table)
	if err != nil {
		return nil, nil, err
	}
	if len(n.Shape) != 2 {
		return nil, nil, fmt.Errorf("%s: shape %v, want a matrix of spikes × fields", sp.Table, n.Shape)
	}
	// The shorter axis holds the fields.
	F, N := n.Shape[1], n.Shape[0]
	at := func(i, j int) float64 { return v[i*F+j] }
	if n.Shape[0] < n.Shape[1] {
		F, N = n.Shape[0], n.Shape[1]
		at = func(i, j int) float64 { return v[j*N+i] }
	}
	for _, p := range []int{sp.Time, sp.Trial, sp.Unit} {
		if p > F {
			return nil, nil, fmt.Errorf("%s: field %d asked, the table has %d fields per spike", sp.Table, p, F)
		}
	}
	var unitVals []float64
	if sp.Unit > 0 {
		seen := map[float64]bool{}
		for i := range N {
			if u := at(i, sp.Unit-1); !seen[u] && !math.IsNaN(u) {
				seen[u] = true
				unitVals = append(unitVals, u)
			}
		}
		sort.Float64s(unitVals)
	} else {
		unitVals = []float64{0}
	}
	units := make([]string, len(unitVals))
	for m, u := range unitVals {
		units[m] = base
		if sp.Unit > 0 {
			units[m] = fmt.Sprintf("%s#%g", base, u)
		}
	}
	for k := range trials {
		trials[k].Spikes = make([][]float64, len(units))
	}
	relative := sp.Relative == nil || *sp.Relative
	rowsOf := &spikeRows{F: F, of: map[int][]float64{}}
	for i := range N {
		tv := at(i, sp.Trial-1)
		k := int(tv) - sp.FirstTrial
		if tv != math.Trunc(tv) || k < 0 || k >= len(trials) {
			return nil, nil, fmt.Errorf("%s: spike %d: trial %g, want an integer from %d to %d (first_trial %d, %d trials)", sp.Table, i+1, tv, sp.FirstTrial, sp.FirstTrial+len(trials)-1, sp.FirstTrial, len(trials))
		}
		row := make([]float64, F)
		for j := range F {
			row[j] = at(i, j)
		}
		rowsOf.of[k] = append(rowsOf.of[k], row...)
		t := at(i, sp.Time-1)
		if math.IsNaN(t) {
			continue // a trial without spikes, present for its other fields
		}
		m := 0
		if sp.Unit > 0 {
			m, _ = slices.BinarySearch(unitVals, at(i, sp.Unit-1))
		}
		tr := &trials[k]
		t *= scale
		if relative {
			t += tr.Start
		}
		// Spikes outside the trial's edges are not part of the trial.
		if t >= tr.Start && t <= tr.Start+tr.Duration {
			tr.Spikes[m] = append(tr.Spikes[m], t)
		}
	}
	return units, rowsOf, nil
}

// spikeLabels sets the labels read from a spike table's fields: one value per trial, the same
// on every row of the trial; a trial with no row is dropped.
func spikeLabels(s *Source, trials []prepare.Trial, rowsOf *spikeRows, drop func(int, string)) error {
	for _, name := range sortedKeys(s.Labels) {
		l := s.Labels[name]
		if l.SpikeField == 0 {
			continue
		}
		F := rowsOf.F
		if l.SpikeField > F {
			return fmt.Errorf("labels.%s: spike_field %d, the spike table has %d fields", name, l.SpikeField, F)
		}
		for k := range trials {
			rows := rowsOf.of[k]
			if len(rows) == 0 {
				drop(k, fmt.Sprintf("no row in the spike table, so no value for label %s", name))
				continue
			}
			v := rows[l.SpikeField-1]
			for i := 0; i < len(rows); i += F {
				if w := rows[i+l.SpikeField-1]; w != v && !(math.IsNaN(w) && math.IsNaN(v)) {
					return fmt.Errorf("%s: label %s: field %d is %g and %g on two spikes of the same trial, want one value per trial", trials[k].ID, name, l.SpikeField, v, w)
				}
			}
			val, err := l.mapped(strconv.FormatFloat(v, 'g', -1, 64))
			if err != nil {
				return fmt.Errorf("%s: label %s: %w", trials[k].ID, name, err)
			}
			setLabel(&trials[k], name, val)
		}
	}
	return nil
}

func setLabel(tr *prepare.Trial, name, v string) {
	if tr.Labels == nil {
		tr.Labels = map[string]string{}
	}
	tr.Labels[name] = v
}

// mapped applies the label's Map to v.
func (l *LabelSpec) mapped(v string) (string, error) {
	if l.Map == nil {
		return v, nil
	}
	out, ok := l.Map[v]
	if !ok {
		return "", fmt.Errorf("value %q not in map (keys: %v)", v, sortedKeys(l.Map))
	}
	return out, nil
}

// readLabels sets the labels read from trial fields, parallel vectors, constants and index
// tables.
func readLabels(f *file, r *rows, s *Source, trials []prepare.Trial, idx *indexCache, drop func(int, string)) error {
	for _, name := range sortedKeys(s.Labels) {
		l := s.Labels[name]
		switch {
		case l.SpikeField != 0:
			continue
		case l.Value != "" || l.Index != nil:
			v, err := idx.value(l, f.path, name)
			if err != nil {
				return err
			}
			for k := range trials {
				setLabel(&trials[k], name, v)
			}
		case l.Field != "":
			for k := range trials {
				n, err := r.field(k, l.Field)
				if err != nil {
					return fmt.Errorf("label %s: trial %d: %w", name, k, err)
				}
				v, err := text(n, r.where(k, l.Field))
				if err != nil {
					return fmt.Errorf("label %s: %w", name, err)
				}
				if n.IsNumeric() && v == "NaN" {
					drop(k, fmt.Sprintf("label %s: %s is missing (NaN)", name, r.where(k, l.Field)))
					continue
				}
				if v, err = l.mapped(v); err != nil {
					return fmt.Errorf("label %s: %s: %w", name, r.where(k, l.Field), err)
				}
				setLabel(&trials[k], name, v)
			}
		case l.Vector != "":
			n, err := f.get(l.Vector)
			if err != nil {
				return fmt.Errorf("label %s: %w", name, err)
			}
			for k := range trials {
				i := k
				where := fmt.Sprintf("%s(%d)", l.Vector, k+1)
				if l.Element > 0 {
					if len(n.Shape) != 2 || n.Shape[0] != len(trials) || l.Element > n.Shape[1] {
						return fmt.Errorf("label %s: %s: shape %v, want %d rows (one per trial) and at least %d columns", name, l.Vector, n.Shape, len(trials), l.Element)
					}
					i = k*n.Shape[1] + l.Element - 1
					where = fmt.Sprintf("%s(%d,%d)", l.Vector, k+1, l.Element)
				} else if n.NumElements() != len(trials) && !(n.Class == "cell" && len(n.Children) == len(trials)) {
					return fmt.Errorf("label %s: %s: %d elements for %d trials", name, l.Vector, n.NumElements(), len(trials))
				}
				var e *formats.Node
				if n.Class == "cell" {
					if i >= len(n.Children) {
						return fmt.Errorf("label %s: %s: %d cells, element %d asked", name, l.Vector, len(n.Children), i+1)
					}
					e = n.Children[i]
				} else if e, err = element(n, i); err != nil {
					return fmt.Errorf("label %s: %w", name, err)
				}
				v, err := text(e, where)
				if err != nil {
					return fmt.Errorf("label %s: %w", name, err)
				}
				if v, err = l.mapped(v); err != nil {
					return fmt.Errorf("label %s: %s: %w", name, where, err)
				}
				setLabel(&trials[k], name, v)
			}
		}
	}
	return nil
}

// indexCache reads index tables (e.g. toc.npz) once.
type indexCache struct {
	tables map[string]*formats.Node
}

// value returns a per-file label: the constant, or the index table's entry for file path.
func (c *indexCache) value(l LabelSpec, path, name string) (string, error) {
	if l.Value != "" {
		return l.mapped(l.Value)
	}
	x := l.Index
	if c.tables == nil {
		c.tables = map[string]*formats.Node{}
	}
	root, ok := c.tables[x.File]
	if !ok {
		var err error
		if root, err = formats.Inspect(x.File); err != nil {
			return "", fmt.Errorf("%s: index: %w", name, err)
		}
		c.tables[x.File] = root
	}
	keys, err := root.Lookup(x.Key)
	if err != nil {
		return "", fmt.Errorf("%s: index %s: %w", name, x.File, err)
	}
	ks, err := keys.Strings()
	if err != nil {
		return "", fmt.Errorf("%s: index %s: key %s: %w", name, x.File, x.Key, err)
	}
	col, err := root.Lookup(x.Column)
	if err != nil {
		return "", fmt.Errorf("%s: index %s: %w", name, x.File, err)
	}
	base := filepath.Base(path)
	for i, k := range ks {
		if k != base {
			continue
		}
		e, err := element(col, i)
		if err != nil {
			return "", fmt.Errorf("%s: index %s: %s: %w", name, x.File, x.Column, err)
		}
		v, err := text(e, fmt.Sprintf("%s: %s[%d]", x.File, x.Column, i))
		if err != nil {
			return "", err
		}
		return l.mapped(v)
	}
	return "", fmt.Errorf("%s: index %s: no row with %s = %q", name, x.File, x.Key, base)
}
