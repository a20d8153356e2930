package recipe

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/jedi-neuro/jedi/data/prepare"
	"github.com/jedi-neuro/jedi/internal/strictyaml"
)

// Axis names of a tensor source.
const (
	AxisTime      = "time"
	AxisNeuron    = "neuron"
	AxisCondition = "condition"
	AxisTrial     = "trial"
)

// Kinds of activity values (Activity.Values).
const (
	Counts     = "counts"     // spike counts: non-negative integers, summed when re-binned
	Rates      = "rates"      // firing rates in Hz, averaged when re-binned
	Continuous = "continuous" // any real values (ΔF/F, z-scores, residuals), averaged
)

// Time units of a source's file (Source.TimeUnit).
const (
	Seconds      = "s"
	Milliseconds = "ms"
)

// How the recordings of several files (or sources) are put together (Recipe.Combine).
const (
	// CombineTrials appends the recordings' trials: more trials of the same neurons, in the
	// same order in every file.
	CombineTrials = "trials"
	// CombineSimultaneous joins the recordings' neurons side by side: units recorded together
	// on the same trials (one file per unit or per array), as jedi stitch --simultaneous does
	// with prepared files.
	CombineSimultaneous = "simultaneous"
)

// Recipe is a whole recipe: where the data are (one or more sources) and how they become
// segments (Prepare). When the sources give more than one recording (several sources, or a
// glob matching several files), the recipe must say what they are: Combine (more trials of the
// same neurons, or simultaneous recordings of different neurons) or Pool (units of different
// sessions pooled into a pseudo-population); Load refuses several recordings with neither.
type Recipe struct {
	// Sources are read in order.
	Sources []Source `yaml:"sources"`
	// Combine says how several recordings are put together: CombineTrials or
	// CombineSimultaneous. Empty with one recording, or with Pool.
	Combine string `yaml:"combine,omitempty"`
	// Prepare is how trials are checked, cut into epochs, binned and smoothed.
	Prepare prepare.Recipe `yaml:"prepare"`
	// Pool, when set, pools units of different files into a pseudo-population (data/prepare.Pool)
	// instead of requiring every trial to hold the same units.
	Pool *prepare.PoolRecipe `yaml:"pool,omitempty"`
}

// Source says where the trials are in one file (or in every file a glob pattern matches, each
// read the same way) and where each trial's activity, events and labels are.
type Source struct {
	// File is the recording, or a glob pattern (e.g. "data/*_*.npz") matching several files
	// read the same way, in sorted order. LoadRecipe makes a relative path relative to the
	// recipe's directory.
	File string `yaml:"file"`
	// TimeUnit is the unit of every time read from the file (events, trial edges, spike
	// times): "s" (default) or "ms".
	TimeUnit string `yaml:"time_unit,omitempty"`

	// Trials is where the trials are: a struct array (one element per trial), a cell array
	// (one cell per trial: its activity matrix, or a struct), a table (an NWB/HDMF
	// DynamicTable such as /intervals/trials: one row per trial, one column per event or
	// condition), or a numeric matrix with one row per trial (e.g. trials × event times,
	// its columns named by Columns). A path inside a 1×1 struct is "S.trials".
	Trials string `yaml:"trials,omitempty"`
	// Columns names the columns of a matrix Trials, in order; ColumnsFrom gives the path of a
	// string array holding those names instead.
	Columns     []string `yaml:"columns,omitempty"`
	ColumnsFrom string   `yaml:"columns_from,omitempty"`
	// Start and Stop are the fields (columns) holding each trial's edges. Defaults: a table's
	// start_time and stop_time; otherwise the trial starts at 0 and, with binned activity,
	// lasts as long as its bins (spike-time sources need Stop).
	Start string `yaml:"start,omitempty"`
	Stop  string `yaml:"stop,omitempty"`

	// Activity is binned activity inside each trial; Spikes is spike times; Continuous is one
	// recording without trial structure, cut into trials by Trials (a table of trial edges and
	// events on the recording's clock) or by the runs of a per-bin label. Give one.
	Activity   *Activity `yaml:"activity,omitempty"`
	Spikes     *Spikes   `yaml:"spikes,omitempty"`
	Continuous *Stream   `yaml:"continuous,omitempty"`

	// Events maps an event name (used by the epochs' align) to the field (column) holding its
	// time on each trial. A table's and a matrix's numeric columns are events under their own
	// names without being listed.
	Events map[string]string `yaml:"events,omitempty"`
	// Labels maps a dataset label to where its value comes from for each trial.
	Labels map[string]LabelSpec `yaml:"labels,omitempty"`
	// Unit names the file's units: the same name in two files is the same unit. Pool matches
	// units of different files by it; combine: trials requires every file to hold the same
	// units, and combine: simultaneous different ones. Default: the file's name and the unit's
	// index (with an NWB units table or a spike table's unit field, the file's unit ids are
	// compared too).
	Unit *LabelSpec `yaml:"unit,omitempty"`

	// Tensor is the path of an array of rates with one axis per Axes name, cut into one
	// segment per condition (an alternative to Trials).
	Tensor string `yaml:"tensor,omitempty"`
	// Axes names the tensor's dimensions in file order: a permutation of time, neuron,
	// condition.
	Axes []string `yaml:"axes,omitempty"`
	// DtMs is the tensor's time step in milliseconds.
	DtMs float64 `yaml:"dt_ms,omitempty"`
}

// Activity is binned activity held in each trial.
type Activity struct {
	// Field is the trial's field (struct array, or struct in a cell) holding a matrix of
	// neurons × bins; empty for a cell array whose cells are the matrices themselves.
	Field string `yaml:"field,omitempty"`
	// Axes orders that matrix: [neuron, time] (default) or [time, neuron]; when Trials is a
	// 3-D array, a permutation of [trial, neuron, time] in file order.
	Axes []string `yaml:"axes,omitempty"`
	// Values says what the numbers are: counts (default; checked to be non-negative
	// integers), rates (Hz) or continuous (any real values).
	Values string `yaml:"values,omitempty"`
	// BinMs is the width of the matrix's bins in milliseconds.
	BinMs float64 `yaml:"bin_ms"`
}

// Stream is activity recorded without trials: one time × neurons array (or an NWB
// TimeSeries), whose bins lie on one clock with the trial table's times.
type Stream struct {
	// Data is the array, or an NWB TimeSeries group (its data, with timestamps or
	// starting_time and its rate attribute).
	Data string `yaml:"data"`
	// Axes orders the array: [time, neuron] (default) or [neuron, time].
	Axes []string `yaml:"axes,omitempty"`
	// Values: counts, rates or continuous (default), as Activity.Values.
	Values string `yaml:"values,omitempty"`
	// BinMs is the bin width in milliseconds and StartTime the time of bin 0's left edge (in
	// time_unit), unless Timestamps (the path of one time per bin, evenly spaced) or the
	// TimeSeries says them.
	BinMs      float64 `yaml:"bin_ms,omitempty"`
	StartTime  float64 `yaml:"start_time,omitempty"`
	Timestamps string  `yaml:"timestamps,omitempty"`
	// Runs is the path of a label per bin: every run of bins with one value is a trial, and
	// that value its label RunsLabel (default "run"). Used instead of Trials.
	Runs      string `yaml:"runs,omitempty"`
	RunsLabel string `yaml:"runs_label,omitempty"`
}

// Spikes is spike times: an NWB units table or a table of spikes.
type Spikes struct {
	// Units is an NWB units table (e.g. /units): ragged spike_times, one row per unit, in
	// seconds on the session clock; each trial takes the spikes between its start and stop.
	Units string `yaml:"units,omitempty"`
	// Where keeps the units of Units whose columns hold the values given, e.g.
	// {quality: good} or {location: M1}; default every unit.
	Where map[string]string `yaml:"where,omitempty"`
	// Field is the trial's field (struct array, struct in a cell) holding a cell array with
	// one vector of spike times per unit, measured from the trial's start (MATLAB's
	// trial(k).spikes{u}).
	Field string `yaml:"field,omitempty"`
	// Table is a numeric matrix with one spike per row (or per column: the longer axis is the
	// spikes), giving for each spike its time and the trial it belongs to (and optionally its
	// unit). Time, Trial and Unit are positions (1 = first) of those fields. A spike with a NaN
	// time marks a trial without spikes, whose other fields still count for labels.
	Table string `yaml:"table,omitempty"`
	Time  int    `yaml:"time,omitempty"`
	Trial int    `yaml:"trial,omitempty"`
	Unit  int    `yaml:"unit,omitempty"`
	// FirstTrial is the trial number of the first trial in Table (0 or 1). Default 0.
	FirstTrial int `yaml:"first_trial,omitempty"`
	// Relative says the table's times are measured from each trial's start (true), not on the
	// session clock. Default true for a Table.
	Relative *bool `yaml:"relative,omitempty"`
}

// LabelSpec says where one label's value comes from for each trial. Written as a plain string
// it is Field.
type LabelSpec struct {
	// Field is the trial's field, table column or matrix column.
	Field string `yaml:"field,omitempty"`
	// Vector is the path of an array parallel to the trials: element k for trial k, or with
	// Element = j, element j (1 = first) of row k of a matrix with one row per trial.
	Vector  string `yaml:"vector,omitempty"`
	Element int    `yaml:"element,omitempty"`
	// Value is a constant, e.g. "before" for every trial of a source.
	Value string `yaml:"value,omitempty"`
	// SpikeField is the position (1 = first) of a field of Spikes.Table, constant over the
	// trial's spikes (e.g. a direction stored with every spike).
	SpikeField int `yaml:"spike_field,omitempty"`
	// Index looks the value up in a table of files: the row whose Key equals the file's name.
	Index *Index `yaml:"index,omitempty"`
	// Map translates the value found, e.g. {1: left, 2: right}; a value not in it is an error.
	Map map[string]string `yaml:"map,omitempty"`
}

// Index is a table of contents with one row per file, such as riehle-joe's toc.npz.
type Index struct {
	// File holds the table (relative to the recipe's directory).
	File string `yaml:"file"`
	// Key is the column of file names (base names) and Column the column read.
	Key    string `yaml:"key"`
	Column string `yaml:"column"`
}

// UnmarshalYAML reads a plain string as Field, and a mapping as the full form.
func (l *LabelSpec) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*l = LabelSpec{Field: n.Value}
		return nil
	}
	type plain LabelSpec
	return n.Decode((*plain)(l))
}

// MarshalYAML writes a Field-only spec as the plain string.
func (l LabelSpec) MarshalYAML() (any, error) {
	if l.Field != "" && l.Vector == "" && l.Element == 0 && l.Value == "" && l.SpikeField == 0 && l.Index == nil && l.Map == nil {
		return l.Field, nil
	}
	type plain LabelSpec
	return plain(l), nil
}

// document is a recipe as written: one source's keys may stand at the top level.
type document struct {
	Source  `yaml:",inline"`
	Sources []Source            `yaml:"sources"`
	Combine string              `yaml:"combine"`
	Prepare prepare.Recipe      `yaml:"prepare"`
	Pool    *prepare.PoolRecipe `yaml:"pool"`
}

// Parse decodes and validates a YAML recipe; name (its path) starts every message. Every
// unknown key is reported with its line, the valid keys and the nearest one, and every invalid
// setting with its key and line, all at once.
func Parse(name string, b []byte) (*Recipe, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	problems, lines := strictyaml.Keys(&root, &document{})
	if len(problems) > 0 {
		errs := make([]error, len(problems))
		for i, p := range problems {
			errs[i] = fmt.Errorf("%s: %w", name, p)
		}
		return nil, errors.Join(errs...)
	}
	doc := document{Prepare: prepare.DefaultRecipe()}
	if _, ok := lines["pool"]; ok {
		p := prepare.DefaultPool()
		doc.Pool = &p
	}
	if err := strictyaml.Decode(name, b, &doc); err != nil {
		return nil, err
	}
	r := &Recipe{Sources: doc.Sources, Combine: doc.Combine, Prepare: doc.Prepare, Pool: doc.Pool}
	var errs []error
	inline := !isZero(doc.Source)
	switch {
	case inline && len(doc.Sources) > 0:
		errs = append(errs, fmt.Errorf("sources: a source's keys at the top level and a sources list; give one"))
	case inline:
		r.Sources = []Source{doc.Source}
	}
	errs = append(errs, r.problems()...)
	if len(errs) > 0 {
		for i, e := range errs {
			errs[i] = fmt.Errorf("%s: %s", name, withLine(e.Error(), lines, len(r.Sources) == 1 && inline))
		}
		return nil, errors.Join(errs...)
	}
	return r, nil
}

// withLine prefixes a "key.path: message" problem with the line of the key, as Keys found it.
// In a single-source recipe written at the top level, "sources[0]." paths are its top level.
func withLine(msg string, lines map[string]int, inline bool) string {
	key, _, _ := strings.Cut(msg, ": ")
	key, _, _ = strings.Cut(key, " (")
	if inline {
		key = strings.TrimPrefix(key, "sources[0].")
		msg = strings.TrimPrefix(msg, "sources[0].")
	}
	for k := key; k != ""; {
		if line, ok := lines[k]; ok {
			return fmt.Sprintf("line %d: %s", line, msg)
		}
		i := strings.LastIndexAny(k, ".[")
		if i < 0 {
			break
		}
		k = k[:i]
	}
	return msg
}

func isZero(s Source) bool {
	return s.File == "" && s.Trials == "" && s.Tensor == "" && s.Activity == nil && s.Spikes == nil &&
		len(s.Labels) == 0 && len(s.Events) == 0 && s.TimeUnit == "" && len(s.Axes) == 0 && s.DtMs == 0 &&
		len(s.Columns) == 0 && s.ColumnsFrom == "" && s.Start == "" && s.Stop == "" && s.Unit == nil && s.Continuous == nil
}

// LoadRecipe reads a YAML recipe and makes the relative paths in it (files, index tables)
// relative to the recipe's directory.
func LoadRecipe(path string) (*Recipe, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	r, err := Parse(path, b)
	if err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, err
	}
	r.resolve(dir)
	return r, nil
}

// resolve makes every relative path of the recipe relative to dir.
func (r *Recipe) resolve(dir string) {
	abs := func(p *string) {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	for i := range r.Sources {
		s := &r.Sources[i]
		abs(&s.File)
		for name, l := range s.Labels {
			if l.Index != nil {
				abs(&l.Index.File)
				s.Labels[name] = l
			}
		}
		if s.Unit != nil && s.Unit.Index != nil {
			abs(&s.Unit.Index.File)
		}
	}
}

// SetFile points a one-source recipe at another copy of its recording: path replaces File,
// or, when File is a glob pattern and path a directory, the pattern is applied in path; index
// tables in the recording's directory are then read from path's. Relative paths are relative
// to the working directory.
func (r *Recipe) SetFile(path string) error {
	if len(r.Sources) != 1 {
		return fmt.Errorf("--file: the recipe has %d sources; give each its file in the recipe", len(r.Sources))
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	s := &r.Sources[0]
	if st, err := os.Stat(abs); err == nil && st.IsDir() && hasMeta(s.File) {
		abs = filepath.Join(abs, filepath.Base(s.File))
	}
	// Index tables that sat beside the recording are read from beside the new one.
	from, to := filepath.Dir(s.File), filepath.Dir(abs)
	move := func(x *Index) {
		if x != nil && filepath.Dir(x.File) == from {
			x.File = filepath.Join(to, filepath.Base(x.File))
		}
	}
	for _, l := range s.Labels {
		move(l.Index)
	}
	if s.Unit != nil {
		move(s.Unit.Index)
	}
	s.File = abs
	return nil
}

// Validate returns every problem of the recipe at once, or nil.
func (r *Recipe) Validate() error {
	return errors.Join(r.problems()...)
}

func (r *Recipe) problems() []error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...)))
	}
	if len(r.Sources) == 0 {
		bad("sources", "none: give file and trials (or tensor)")
	}
	tensors := 0
	for i := range r.Sources {
		s := &r.Sources[i]
		if s.Tensor != "" {
			tensors++
		}
		s.problems(fmt.Sprintf("sources[%d].", i), bad)
	}
	if tensors > 0 && tensors < len(r.Sources) {
		bad("sources", "tensor and trials sources cannot be mixed")
	}
	// The prepare and pool checks say "recipe: field: …" and "pool: field: …"; as keys of
	// this recipe those are prepare.field and pool.field.
	if err := r.Prepare.Validate(); err != nil {
		errs = append(errs, errors.New("prepare."+strings.TrimPrefix(err.Error(), "recipe: ")))
	}
	if r.Pool != nil {
		if err := r.Pool.Validate(); err != nil {
			errs = append(errs, errors.New("pool."+strings.TrimPrefix(err.Error(), "pool: ")))
		}
		if tensors > 0 {
			bad("pool", "applies to trials sources only")
		}
	}
	switch r.Combine {
	case "", CombineTrials, CombineSimultaneous:
	default:
		bad("combine", "%q, want %s (more trials of the same neurons) or %s (different neurons recorded on the same trials)", r.Combine, CombineTrials, CombineSimultaneous)
	}
	if r.Combine != "" && r.Pool != nil {
		bad("combine", "%s with pool: pool puts together files of different units by their conditions; give one", r.Combine)
	}
	return errs
}

func (s *Source) problems(at string, bad func(string, string, ...any)) {
	positive := func(v float64) bool { return v > 0 && !math.IsInf(v, 0) }
	if s.File == "" {
		bad(at+"file", "missing")
	}
	runs := s.Continuous != nil && s.Continuous.Runs != ""
	if n := btoi(s.Trials != "") + btoi(s.Tensor != "") + btoi(runs); n != 1 {
		bad(at+"trials", "give exactly one of trials, tensor and continuous.runs")
	}
	if s.TimeUnit != "" && s.TimeUnit != Seconds && s.TimeUnit != Milliseconds {
		bad(at+"time_unit", "%q, want s or ms", s.TimeUnit)
	}
	if s.Tensor != "" {
		if s.Activity != nil || s.Spikes != nil || s.Continuous != nil || len(s.Labels) > 0 || len(s.Events) > 0 {
			bad(at+"tensor", "activity, spikes, continuous, events and labels apply to trials sources only")
		}
		if !positive(s.DtMs) {
			bad(at+"dt_ms", "%g, want > 0", s.DtMs)
		}
		want := []string{AxisCondition, AxisNeuron, AxisTime}
		if got := slices.Sorted(slices.Values(s.Axes)); !slices.Equal(got, want) {
			bad(at+"axes", "%v, want a permutation of [time neuron condition]", s.Axes)
		}
		return
	}
	if s.Axes != nil || s.DtMs != 0 {
		bad(at+"axes", "axes and dt_ms apply to tensor sources only (binned trials give activity.bin_ms)")
	}
	if btoi(s.Activity != nil)+btoi(s.Spikes != nil)+btoi(s.Continuous != nil) != 1 {
		bad(at+"activity", "give exactly one of activity (binned in each trial), spikes (spike times) and continuous (one recording cut into trials)")
	}
	if c := s.Continuous; c != nil {
		if !knownValues(c.Values) {
			bad(at+"continuous.values", "%q, want counts, rates or continuous", c.Values)
		}
		if c.Data == "" {
			bad(at+"continuous.data", "missing: the path of the time × neurons array or TimeSeries")
		}
		if c.BinMs < 0 || math.IsInf(c.BinMs, 0) || c.BinMs > 0 && c.Timestamps != "" {
			bad(at+"continuous.bin_ms", "%g: give bin_ms (> 0) or timestamps, not both", c.BinMs)
		}
		if c.Axes != nil && !slices.Equal(c.Axes, []string{AxisNeuron, AxisTime}) && !slices.Equal(c.Axes, []string{AxisTime, AxisNeuron}) {
			bad(at+"continuous.axes", "%v, want [time, neuron] or [neuron, time]", c.Axes)
		}
		if c.RunsLabel != "" && c.Runs == "" {
			bad(at+"continuous.runs_label", "applies with runs only")
		}
	}
	if len(s.Columns) > 0 && s.ColumnsFrom != "" {
		bad(at+"columns", "give columns or columns_from, not both")
	}
	if a := s.Activity; a != nil {
		if !knownValues(a.Values) {
			bad(at+"activity.values", "%q, want counts, rates or continuous", a.Values)
		}
		if !positive(a.BinMs) {
			bad(at+"activity.bin_ms", "%g, want > 0: the width of the bins in the file", a.BinMs)
		}
		two := slices.Equal(a.Axes, []string{AxisNeuron, AxisTime}) || slices.Equal(a.Axes, []string{AxisTime, AxisNeuron})
		three := slices.Equal(slices.Sorted(slices.Values(a.Axes)), []string{AxisNeuron, AxisTime, AxisTrial})
		if a.Axes != nil && !two && !three {
			bad(at+"activity.axes", "%v, want [neuron, time] or [time, neuron] (each trial's matrix), or a permutation of [trial, neuron, time] (a 3-D array of trials)", a.Axes)
		}
	}
	if sp := s.Spikes; sp != nil {
		switch {
		case btoi(sp.Units != "")+btoi(sp.Table != "")+btoi(sp.Field != "") != 1:
			bad(at+"spikes", "give exactly one of units (an NWB units table), table (a spike table) and field (each trial's spike times per unit)")
		case sp.Table != "" && (sp.Time < 1 || sp.Trial < 1 || sp.Time == sp.Trial || sp.Unit < 0 || sp.Unit > 0 && (sp.Unit == sp.Time || sp.Unit == sp.Trial)):
			bad(at+"spikes", "table needs time and trial (and optionally unit): distinct positions, 1 = first field")
		case sp.Table == "" && (sp.Time != 0 || sp.Trial != 0 || sp.Unit != 0 || sp.Relative != nil || sp.FirstTrial != 0):
			bad(at+"spikes", "time, trial, unit, first_trial and relative apply to a spike table only")
		case sp.Units == "" && sp.Where != nil:
			bad(at+"spikes.where", "applies to an NWB units table only")
		}
		if sp.FirstTrial < 0 {
			bad(at+"spikes.first_trial", "%d, want ≥ 0", sp.FirstTrial)
		}
	}
	for _, name := range sortedKeys(s.Labels) {
		l := s.Labels[name]
		l.problems(at+"labels."+name, s, bad)
	}
	if s.Unit != nil {
		s.Unit.problems(at+"unit", s, bad)
		if s.Unit.Field != "" || s.Unit.Vector != "" || s.Unit.SpikeField != 0 {
			bad(at+"unit", "names a file's units: give value or index (the units inside a file are told apart by their position)")
		}
	}
	for _, name := range sortedKeys(s.Events) {
		if name == "" || s.Events[name] == "" || name == prepare.AlignStart || name == prepare.AlignEnd {
			bad(at+"events."+name, "want an event name (not start or end) and the field holding it")
		}
	}
}

func (l *LabelSpec) problems(at string, s *Source, bad func(string, string, ...any)) {
	n := 0
	for _, set := range []bool{l.Field != "", l.Vector != "", l.Value != "", l.SpikeField != 0, l.Index != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		bad(at, "give exactly one of field, vector, value, spike_field and index")
	}
	if l.Element < 0 || l.Element > 0 && l.Vector == "" {
		bad(at+".element", "%d: element (≥ 1) applies to vector only", l.Element)
	}
	if l.SpikeField != 0 && (s.Spikes == nil || s.Spikes.Table == "" || l.SpikeField < 1) {
		bad(at+".spike_field", "%d: needs spikes.table and a position ≥ 1", l.SpikeField)
	}
	if x := l.Index; x != nil && (x.File == "" || x.Key == "" || x.Column == "") {
		bad(at+".index", "want file, key and column")
	}
}

// YAML returns the recipe with every setting spelled out, for saving beside the prepared data.
func (r *Recipe) YAML() ([]byte, error) {
	return strictyaml.Encode(r)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// knownValues reports whether v names a kind of activity values (empty: the source's default).
func knownValues(v string) bool {
	switch v {
	case "", Counts, Rates, Continuous:
		return true
	}
	return false
}
