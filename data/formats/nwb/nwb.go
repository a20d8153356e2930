// Package nwb reads the spike trains and the trial table of a Neurodata Without Borders (NWB 2)
// file: the Units table (/units) and the TimeIntervals table of trials (/intervals/trials).
// It only reads; binning spikes into trials is the job of package data/prepare.
//
// NWB tables are HDMF DynamicTables: a group whose colnames attribute lists its columns, each a
// VectorData dataset with one value per row, plus an ElementIdentifiers dataset id. A ragged
// column, such as the spike times of every unit, is a flat VectorData with a VectorIndex
// "<column>_index" whose k-th value is the end (exclusive) of row k's values.
package nwb

import (
	"fmt"
	"slices"
	"sort"

	"github.com/jedi-neuro/jedi/data/formats"
	"github.com/jedi-neuro/jedi/data/formats/h5"
)

// Recording is what an NWB file holds for JEDI: spike times per unit and the trials.
type Recording struct {
	// Units[u] are the spike times of unit u in seconds, in file order.
	Units [][]float64
	// UnitIDs[u] is the id of unit u (/units/id).
	UnitIDs []int64
	// Trials is the trial table; empty when the file has none.
	Trials Trials
	// Source is the file path.
	Source string
}

// Trials is the trial table, one entry per trial in every slice.
type Trials struct {
	// Start and Stop are each trial's start_time and stop_time in seconds.
	Start, Stop []float64
	// Columns holds every other numeric or boolean (0/1) column: event times such as
	// go_cue_time, or values such as a target number.
	Columns map[string][]float64
	// Labels holds every string column, such as a condition name.
	Labels map[string][]string
	// Skipped lists the columns that are not one value per trial (ragged, multi-dimensional,
	// references), as "name: reason".
	Skipped []string
}

// Read reads the units and trials tables of the NWB file at path. A file without /units yields
// no units, one without /intervals/trials no trials; anything present but malformed or in an
// HDF5 feature the reader does not handle is an error naming the dataset.
func Read(path string) (*Recording, error) {
	f, err := h5.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	root, err := f.Tree()
	if err != nil {
		return nil, err
	}
	if t := root.AttrText("neurodata_type"); t != "NWBFile" {
		return nil, fmt.Errorf("%s: not an NWB 2 file (the root's neurodata_type is %q, want \"NWBFile\")", path, t)
	}
	rec := &Recording{Source: path}
	if units, err := root.Lookup("/units"); err == nil {
		if err := readUnits(f, units, rec); err != nil {
			return nil, err
		}
	}
	if trials, err := root.Lookup("/intervals/trials"); err == nil {
		if err := readTrials(f, trials, rec); err != nil {
			return nil, err
		}
	}
	return rec, nil
}

// unreadable reports a table member the HDF5 layer could not load.
func unreadable(f *h5.File, path string, n *formats.Node) error {
	if n.Unsupported != "" {
		return fmt.Errorf("%s: %s: unsupported: %s", f.Name(), path, n.Unsupported)
	}
	return nil
}

func readUnits(f *h5.File, units *formats.Node, rec *Recording) error {
	u, err := ReadUnits(f, units, "/units")
	if err != nil {
		return err
	}
	rec.UnitIDs, rec.Units = u.IDs, u.Spikes
	return nil
}

// Units is an NWB units table: one row per unit.
type Units struct {
	// IDs[u] is unit u's id; Spikes[u] its spike times in seconds, in file order.
	IDs    []int64
	Spikes [][]float64
	// Columns holds every other numeric or boolean (0/1) column with one value per unit,
	// Labels every string column (quality, brain area, electrode group name).
	Columns map[string][]float64
	Labels  map[string][]string
	// Skipped lists the columns that are not one value per unit, as "name: reason".
	Skipped []string
}

// ReadUnits reads the units table at path (e.g. "/units") of f, whose tree node is table: ids,
// the ragged spike_times through spike_times_index, and the other one-value-per-unit columns.
// Malformed tables are errors naming the dataset.
func ReadUnits(f *h5.File, table *formats.Node, path string) (*Units, error) {
	if err := unreadable(f, path, table); err != nil {
		return nil, err
	}
	ids, err := loadColumn(f, path+"/id")
	if err != nil {
		return nil, err
	}
	u := &Units{}
	if u.IDs, err = ids.Int64s(); err != nil {
		return nil, fmt.Errorf("%s: %s/id: %w", f.Name(), path, err)
	}
	if _, err := table.Member("spike_times"); err != nil {
		return nil, fmt.Errorf("%s: %s has no spike_times column", f.Name(), path)
	}
	if u.Spikes, err = ragged(f, path, "spike_times", len(u.IDs)); err != nil {
		return nil, err
	}
	u.Columns, u.Labels, u.Skipped, err = readColumns(f, table, path, len(u.IDs), "spike_times")
	if err != nil {
		return nil, err
	}
	return u, nil
}

// ragged splits the VectorData column name of table by its VectorIndex into rows rows.
func ragged(f *h5.File, table, name string, rows int) ([][]float64, error) {
	data, err := loadFloats(f, table+"/"+name)
	if err != nil {
		return nil, err
	}
	ip := table + "/" + name + "_index"
	idx, err := loadFloats(f, ip)
	if err != nil {
		return nil, err
	}
	if len(idx) != rows {
		return nil, fmt.Errorf("%s: %s: %d entries for %d rows (ids)", f.Name(), ip, len(idx), rows)
	}
	out := make([][]float64, rows)
	lo := 0
	for k, v := range idx {
		hi := int(v)
		if float64(hi) != v || hi < lo || hi > len(data) {
			return nil, fmt.Errorf("%s: %s: entry %d is %v after %d; want a non-decreasing end index ≤ %d", f.Name(), ip, k, v, lo, len(data))
		}
		out[k] = data[lo:hi:hi]
		lo = hi
	}
	if lo != len(data) {
		return nil, fmt.Errorf("%s: %s: the last row ends at %d, %s has %d values", f.Name(), ip, lo, name, len(data))
	}
	return out, nil
}

func loadColumn(f *h5.File, path string) (*formats.Node, error) {
	n, err := f.Load(path)
	if err != nil {
		return nil, err
	}
	if len(n.Shape) != 1 {
		return nil, fmt.Errorf("%s: %s: shape %v, want a 1-D column", f.Name(), path, n.Shape)
	}
	return n, nil
}

func loadFloats(f *h5.File, path string) ([]float64, error) {
	n, err := loadColumn(f, path)
	if err != nil {
		return nil, err
	}
	v, err := n.Float64s()
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", f.Name(), path, err)
	}
	return v, nil
}

func readTrials(f *h5.File, trials *formats.Node, rec *Recording) error {
	const table = "/intervals/trials"
	if err := unreadable(f, table, trials); err != nil {
		return err
	}
	t := &rec.Trials
	var err error
	if t.Start, err = loadFloats(f, table+"/start_time"); err != nil {
		return err
	}
	if t.Stop, err = loadFloats(f, table+"/stop_time"); err != nil {
		return err
	}
	n := len(t.Start)
	if len(t.Stop) != n {
		return fmt.Errorf("%s: %s: %d start times but %d stop times", f.Name(), table, n, len(t.Stop))
	}
	t.Columns, t.Labels, t.Skipped, err = readColumns(f, trials, table, n, "start_time", "stop_time")
	return err
}

// readColumns loads every column of table (at path, n rows) but those in except: numeric and
// boolean ones into columns, string ones into labels; those that are not one value per row
// (ragged, multi-dimensional, references) are listed in skipped as "name: reason".
func readColumns(f *h5.File, table *formats.Node, path string, n int, except ...string) (columns map[string][]float64, labels map[string][]string, skipped []string, err error) {
	columns, labels = map[string][]float64{}, map[string][]string{}
	for _, name := range columnNames(table) {
		if slices.Contains(except, name) {
			continue
		}
		c, err := table.Member(name)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("%s: %s: colnames lists %q, which is absent", f.Name(), path, name)
		}
		if err := unreadable(f, path+"/"+name, c); err != nil {
			return nil, nil, nil, err
		}
		if _, err := table.Member(name + "_index"); err == nil {
			skipped = append(skipped, name+": ragged (several values per row)")
			continue
		}
		if len(c.Shape) != 1 || c.Shape[0] != n {
			skipped = append(skipped, fmt.Sprintf("%s: shape %v, not one value per row", name, c.Shape))
			continue
		}
		if c.Class == "reference" {
			skipped = append(skipped, name+": object references")
			continue
		}
		v, err := f.Load(path + "/" + name)
		if err != nil {
			return nil, nil, nil, err
		}
		switch d := v.Data.(type) {
		case []float64:
			columns[name] = d
		case []string:
			labels[name] = d
		}
	}
	return columns, labels, skipped, nil
}

// columnNames returns a table's columns in colnames order, falling back to its datasets
// (without id and indexes) when the attribute is missing.
func columnNames(table *formats.Node) []string {
	if a := table.Attr("colnames"); a != nil {
		if s, err := a.Strings(); err == nil {
			return s
		}
	}
	var out []string
	for _, c := range table.Children {
		if c.Name != "id" && c.Class != "group" && !hasIndexSuffix(c.Name, table) {
			out = append(out, c.Name)
		}
	}
	sort.Strings(out)
	return out
}

// hasIndexSuffix reports whether name is the VectorIndex of another column of table.
func hasIndexSuffix(name string, table *formats.Node) bool {
	const suffix = "_index"
	if len(name) <= len(suffix) || name[len(name)-len(suffix):] != suffix {
		return false
	}
	_, err := table.Member(name[:len(name)-len(suffix)])
	return err == nil
}
