package recipe

import (
	"bytes"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"github.com/jedi-neuro/jedi/data/formats"
)

// Propose returns a commented starting recipe for the recording at path, from what the file
// holds: the file's listing as comments, then the layout recognised (an NWB trials and units
// table or TimeSeries; a struct array or cell array of trial matrices; a 3-D array of trials;
// a matrix of event times per trial with a table of spikes), every guess commented. Where a
// layout is recognised, the recipe is one that Load accepts as it is; otherwise it is a
// skeleton naming what to fill in. file is written as given.
func Propose(path string) ([]byte, error) {
	f, err := openFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var b bytes.Buffer
	var listing bytes.Buffer
	if err := f.root.List(&listing); err != nil {
		return nil, err
	}
	fmt.Fprintf(&b, "# A starting recipe for %s, proposed by `jedi prepare --init`.\n", filepath.Base(path))
	b.WriteString("# Every line marked GUESS is a guess from the file's layout: check it. The keys are\n")
	b.WriteString("# documented in docs/recipes.md. The file holds:\n#\n")
	for _, line := range strings.Split(strings.TrimRight(listing.String(), "\n"), "\n") {
		fmt.Fprintf(&b, "#   %s\n", clipLine(line))
	}
	b.WriteString("#\n")
	fmt.Fprintf(&b, "file: %s\n", yamlString(path))
	p := proposer{f: f, b: &b}
	switch {
	case f.root.AttrText("neurodata_type") == "NWBFile":
		p.nwb()
	default:
		if !p.trialArrays() && !p.eventMatrix() {
			p.skeleton()
		}
	}
	return b.Bytes(), nil
}

func clipLine(s string) string {
	if r := []rune(s); len(r) > 110 {
		return string(r[:109]) + "…"
	}
	return s
}

// yamlString quotes s when YAML would not read it back as the same plain string.
func yamlString(s string) string {
	if s == "" || strings.ContainsAny(s, ":#{}[],&*?|<>=!%@`'\"\\") || strings.TrimSpace(s) != s {
		return fmt.Sprintf("%q", s)
	}
	return s
}

type proposer struct {
	f *file
	b *bytes.Buffer
}

func (p *proposer) line(format string, args ...any) {
	fmt.Fprintf(p.b, format+"\n", args...)
}

// nwb proposes the trials table with the units' spike times (or a TimeSeries), aligned to the
// first event column.
func (p *proposer) nwb() {
	root := p.f.root
	trials, errT := root.Lookup("/intervals/trials")
	units, errU := root.Lookup("/units/spike_times")
	series := findSeries(root, "")
	if errT != nil {
		p.line("# No /intervals/trials table: cut the recording by the runs of a per-bin label")
		p.line("# (continuous.runs), or add a trials table. Then fill in:")
		p.skeleton()
		return
	}
	p.line("trials: /intervals/trials")
	switch {
	case errU == nil && units != nil:
		p.line("spikes: {units: /units}        # ragged spike_times of every unit, session clock (s)")
	case series != "":
		p.line("continuous: {data: %s, values: continuous}   # GUESS: a TimeSeries (rates: values: rates)", series)
	default:
		p.line("# No /units and no TimeSeries found: give spikes or continuous.")
	}
	var events, labels []string
	for _, c := range trials.Children {
		if c.Name == "id" || c.Name == "start_time" || c.Name == "stop_time" || strings.HasSuffix(c.Name, "_index") || len(c.Shape) != 1 {
			continue
		}
		if _, err := trials.Member(c.Name + "_index"); err == nil {
			continue
		}
		switch {
		case c.Class == "string":
			labels = append(labels, c.Name)
		case strings.HasSuffix(c.Name, "_time"):
			events = append(events, c.Name)
		case c.Class != "reference":
			labels = append(labels, c.Name)
		}
	}
	if len(labels) > 0 {
		p.line("labels:                        # GUESS: the table's condition columns")
		for _, l := range labels {
			p.line("  %s: %s", l, l)
		}
	}
	p.line("prepare:")
	p.line("  bin_ms: 20")
	p.line("  smooth_ms: 40                # Gaussian σ; 0 for none")
	if errU == nil {
		p.line("  units: rates")
		p.line("  soft_norm: 5                 # rate / (range + 5 Hz): unit scale for the fit")
		p.line("  min_rate_hz: 1")
	} else {
		p.line("  units: rates                 # continuous values are kept as they are")
	}
	p.line("  skip_incomplete: true        # windows leaving a trial are skipped and reported")
	if len(events) > 0 {
		ev := events[0]
		if i := slices.IndexFunc(events, func(e string) bool { return strings.Contains(e, "move") }); i >= 0 {
			ev = events[i]
		}
		from, to := p.window("/intervals/trials", ev)
		p.line("  checks: {events: [%s]}   # trials where it is missing (NaN) are dropped and reported", ev)
		if to-from >= 40 {
			p.line("  epochs:                      # GUESS: a window around %s that fits every trial (event columns: %s)", ev, strings.Join(events, ", "))
			p.line("    - {name: %s, align: %s, from_ms: %g, to_ms: %g}", strings.TrimSuffix(ev, "_time"), ev, from, to)
		} else {
			p.line("  epochs: [{name: trial, align: start, to_align: end}]   # the whole trial (event columns: %s)", strings.Join(events, ", "))
		}
	} else {
		p.line("  epochs: [{name: trial, align: start, to_align: end}]   # the whole trial")
	}
}

// window returns a window around event ev of the table, in 20 ms steps, at most −200 … +400
// ms, inside every trial that has the event.
func (p *proposer) window(table, ev string) (from, to float64) {
	start, _, err1 := p.f.floats(table + "/start_time")
	stop, _, err2 := p.f.floats(table + "/stop_time")
	at, _, err3 := p.f.floats(table + "/" + ev)
	if err1 != nil || err2 != nil || err3 != nil || len(start) != len(at) || len(stop) != len(at) {
		return 0, 0
	}
	pre, post := 200.0, 400.0
	for k, t := range at {
		if math.IsNaN(t) {
			continue
		}
		pre = min(pre, math.Floor((t-start[k])*1e3/20+1e-9)*20)
		post = min(post, math.Floor((stop[k]-t)*1e3/20+1e-9)*20)
	}
	return -pre, post
}

// findSeries returns the path of the first group with data and timestamps or starting_time.
func findSeries(n *formats.Node, path string) string {
	for _, c := range n.Children {
		if c.Class != "group" {
			continue
		}
		cp := path + "/" + c.Name
		_, errD := c.Member("data")
		_, errT := c.Member("timestamps")
		_, errS := c.Member("starting_time")
		if errD == nil && (errT == nil || errS == nil) {
			return cp
		}
		if s := findSeries(c, cp); s != "" {
			return s
		}
	}
	return ""
}

// trialArrays proposes a struct array, cell array or 3-D array of trials.
func (p *proposer) trialArrays() bool {
	var found func(n *formats.Node, path string) bool
	found = func(n *formats.Node, path string) bool {
		for _, c := range n.Children {
			cp := c.Name
			if path != "" {
				cp = path + "." + c.Name
			}
			switch {
			case (c.Class == "struct" || c.Class == "object") && c.NumElements() > 1:
				if field, m := matrixField(c); field != "" {
					p.line("trials: %s                    # %d trials", cp, c.NumElements())
					p.activity(field, m, nil)
					var labels []string
					for _, fl := range c.Fields {
						if fl != field && scalarField(c, fl) {
							labels = append(labels, fl)
						}
					}
					if len(labels) > 0 {
						p.line("labels:                        # GUESS: the trials' scalar and text fields")
						for _, l := range labels {
							p.line("  %s: %s", l, l)
						}
					}
					p.prepareCounts(m)
					return true
				}
			case c.Class == "struct" && c.NumElements() == 1:
				if found(&formats.Node{Children: structChildren(c)}, cp) {
					return true
				}
			case c.Class == "cell" && c.NumElements() > 1 && allMatrices(c.Children):
				m := c.Children[0]
				p.line("trials: %s                    # %d trials, one matrix per cell", cp, c.NumElements())
				p.activity("", m, c.Children)
				p.prepareCounts(m)
				return true
			case c.IsNumeric() && len(c.Shape) == 3:
				p.line("trials: %s                    # a %v array", cp, c.Shape)
				p.line("activity:")
				p.line("  axes: %s  # GUESS: the longest axis time, the shortest trials; name the %v axes in file order", guessAxes(c.Shape), c.Shape)
				p.values(c)
				p.prepareCounts(c)
				return true
			}
		}
		return false
	}
	return found(p.f.root, "")
}

// guessAxes names a 3-D shape's axes: the longest time, the shortest trial, the other neuron.
func guessAxes(shape []int) string {
	idx := []int{0, 1, 2}
	slices.SortStableFunc(idx, func(a, b int) int { return shape[a] - shape[b] })
	names := make([]string, 3)
	names[idx[0]], names[idx[1]], names[idx[2]] = AxisTrial, AxisNeuron, AxisTime
	return "[" + strings.Join(names, ", ") + "]"
}

// structChildren returns a 1×1 struct's fields as named nodes.
func structChildren(n *formats.Node) []*formats.Node {
	out := make([]*formats.Node, len(n.Fields))
	for i, name := range n.Fields {
		c := *n.Children[i]
		c.Name = name
		out[i] = &c
	}
	return out
}

// matrixField returns the first field that is a numeric matrix in every element.
func matrixField(st *formats.Node) (string, *formats.Node) {
	k := len(st.Fields)
	for j, name := range st.Fields {
		ok := true
		for e := range st.NumElements() {
			c := st.Children[e*k+j]
			if !c.IsNumeric() || len(c.Shape) != 2 || c.Shape[0] < 1 || c.Shape[1] < 2 {
				ok = false
				break
			}
		}
		if ok {
			return name, st.Children[j]
		}
	}
	return "", nil
}

func scalarField(st *formats.Node, name string) bool {
	j := slices.Index(st.Fields, name)
	c := st.Children[j]
	if c.IsNumeric() {
		return c.NumElements() == 1
	}
	_, err := c.Text()
	return err == nil && c.Class != "cell" && c.Class != "struct"
}

func allMatrices(ns []*formats.Node) bool {
	for _, n := range ns {
		if !n.IsNumeric() || len(n.Shape) != 2 {
			return false
		}
	}
	return true
}

// activity writes the activity block for trial matrices like m (all of them in all, when given).
func (p *proposer) activity(field string, m *formats.Node, all []*formats.Node) {
	axes := "[neuron, time]"
	// Time is the dimension whose length varies between trials; otherwise the longer one.
	varies := [2]bool{}
	for _, n := range all {
		for d := range 2 {
			varies[d] = varies[d] || n.Shape[d] != m.Shape[d]
		}
	}
	if varies[0] && !varies[1] || varies[0] == varies[1] && m.Shape[0] > m.Shape[1] {
		axes = "[time, neuron]"
	}
	p.line("activity:")
	if field != "" {
		p.line("  field: %s", field)
	}
	p.line("  axes: %s          # GUESS: the order of each %d×%d matrix", axes, m.Shape[0], m.Shape[1])
	p.values(m)
}

// isCounts reports whether every number of m is a non-negative integer.
func isCounts(m *formats.Node) bool {
	v, _ := m.Float64s()
	for _, x := range v {
		if x < 0 || x != math.Trunc(x) {
			return false
		}
	}
	return true
}

// values writes values (counts when every number is a non-negative integer) and bin_ms.
func (p *proposer) values(m *formats.Node) {
	if isCounts(m) {
		p.line("  values: counts               # every number is a non-negative integer")
	} else {
		p.line("  values: continuous           # GUESS: not counts (rates: values: rates)")
	}
	p.line("  bin_ms: 1                    # GUESS: the width of the file's bins in ms")
}

func (p *proposer) prepareCounts(m *formats.Node) {
	p.line("prepare:")
	p.line("  bin_ms: 20                   # a multiple of the file's bins")
	p.line("  smooth_ms: 40                # Gaussian σ; 0 for none")
	p.line("  units: rates")
	if isCounts(m) {
		p.line("  soft_norm: 5                 # rate / (range + 5 Hz): unit scale for the fit")
	}
	p.line("  epochs: [{name: trial, align: start, to_align: end}]   # the whole trial; see docs/recipes.md for events")
}

// eventMatrix proposes a matrix of event times per trial with a spike table (the layout of
// riehle-joe's files).
func (p *proposer) eventMatrix() bool {
	var ev, names, spikes, fields *formats.Node
	for _, c := range p.f.root.Children {
		switch {
		case c.IsNumeric() && len(c.Shape) == 2 && strings.Contains(strings.ToLower(c.Name), "event"):
			ev = c
		case c.IsNumeric() && len(c.Shape) == 2 && strings.Contains(strings.ToLower(c.Name), "spike"):
			spikes = c
		}
	}
	if ev == nil || spikes == nil {
		return false
	}
	short := min(spikes.Shape[0], spikes.Shape[1])
	for _, c := range p.f.root.Children {
		if s, err := c.Strings(); err == nil && c.Class != "char" && len(c.Shape) == 1 {
			switch {
			case len(s) == ev.Shape[1] && names == nil:
				names = c
			case len(s) == short && fields == nil && c != names:
				fields = c
			}
		}
	}
	if names == nil {
		return false
	}
	en, _ := names.Strings()
	pos := func(want string, def int) int {
		if fields != nil {
			fs, _ := fields.Strings()
			for i, f := range fs {
				if strings.Contains(strings.ToLower(f), want) {
					return i + 1
				}
			}
		}
		return def
	}
	tPos, kPos := pos("time", 1), pos("trial", 2)
	p.line("time_unit: ms                  # GUESS: the times look like milliseconds")
	p.line("trials: %s              # %d trials × events", ev.Name, ev.Shape[0])
	p.line("columns_from: %s         # %s", names.Name, strings.Join(en, " "))
	p.line("start: %s                      # GUESS: the trial's first and last events", en[0])
	p.line("stop: %s", en[len(en)-1])
	p.line("spikes: {table: %s, time: %d, trial: %d}   # GUESS: fields of each spike (1 = first)", spikes.Name, tPos, kPos)
	if fields != nil {
		fs, _ := fields.Strings()
		var extra []string
		for i, f := range fs {
			if i+1 != tPos && i+1 != kPos {
				extra = append(extra, fmt.Sprintf("  %s: {spike_field: %d}", f, i+1))
			}
		}
		if len(extra) > 0 {
			p.line("labels:                        # GUESS: the spike table's other fields, one value per trial")
			for _, e := range extra {
				p.line("%s", e)
			}
		}
	}
	p.line("prepare:")
	p.line("  bin_ms: 20")
	p.line("  smooth_ms: 40")
	p.line("  units: rates")
	p.line("  soft_norm: 5                 # rate / (range + 5 Hz): unit scale for the fit")
	p.line("  skip_incomplete: true")
	p.line("  checks: {events: [%s]}   # present and in this order, or the trial is dropped and reported", strings.Join(en, ", "))
	p.line("  epochs: [{name: trial, align: %s, to_align: %s}]   # the whole trial", en[0], en[len(en)-1])
	p.line("# Files holding different units (one per unit and condition): use a glob in file, name the")
	p.line("# units with unit: {index: ...} and pool them; see the Riehle example in docs/recipes.md.")
	return true
}

// skeleton writes a recipe to fill in.
func (p *proposer) skeleton() {
	p.line("trials: TRIALS           # FILL IN: the struct array, cell array, table or matrix of trials")
	p.line("activity: {field: FIELD, axes: [neuron, time], values: counts, bin_ms: 1}   # FILL IN")
	p.line("prepare: {bin_ms: 20, smooth_ms: 40}")
}
