package recipe

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/jedi-neuro/jedi/data/prepare"
)

// Several recordings (files, or sources) are one of three things, and nothing in the files
// tells them apart reliably: two files of one unit each may hold more trials of the same
// neuron, or two neurons recorded together, or two neurons of different sessions. So the
// recipe must say which (Recipe.Combine, Recipe.Pool), and what it says is checked against the
// files as far as they allow (numbers of trials and units, unit ids, trial edges and events).

// howToCombine is the error for several recordings whose recipe says neither combine nor pool;
// hint, when not empty, says what the files look like.
func howToCombine(names []string, hint string) error {
	const show = 4
	list := strings.Join(names[:min(len(names), show)], ", ")
	if len(names) > show {
		list += fmt.Sprintf(" and %d more", len(names)-show)
	}
	if hint != "" {
		hint = " (" + hint + ")"
	}
	return fmt.Errorf("%d recordings (%s), and the recipe does not say how to put them together%s: "+
		"add at its top level `combine: %s` (more trials of the same neurons, in the same order in every file), "+
		"`combine: %s` (different neurons recorded together on the same trials, joined side by side), "+
		"or `pool: {match: [LABEL, ...]}` (units of different sessions pooled into a pseudo-population by condition); "+
		"for sessions of different neurons fitted together, prepare each file alone and join them with jedi stitch (docs/sessions.md)",
		len(names), list, hint, CombineTrials, CombineSimultaneous)
}

// lookLike says what the recordings look like, for the error that asks which they are: the
// same trials (all events and labels equal), or units that cannot be the same.
func lookLike(recs []*recording) string {
	if _, err := joinSimultaneous(recs); err == nil {
		return "they have the same trials, with the same events and labels: units recorded together?"
	}
	if sameUnits(recs) != nil {
		return "their units differ in number or ids: not more trials of the same neurons"
	}
	return ""
}

// sameUnits checks that every recording holds the units of the first, as combine: trials
// needs: as many, and, where both files name their units, the same ones in the same order.
func sameUnits(recs []*recording) error {
	r0 := recs[0]
	for _, rec := range recs[1:] {
		if len(rec.units) != len(r0.units) {
			return fmt.Errorf("combine: %s: %s holds %d units, %s %d: appended trials must hold the same neurons "+
				"(different neurons recorded on the same trials: combine: %s; units of different sessions: pool)",
				CombineTrials, rec.path, len(rec.units), r0.path, len(r0.units), CombineSimultaneous)
		}
		if rec.ids == nil || r0.ids == nil {
			continue
		}
		for m := range rec.ids {
			if rec.ids[m] != r0.ids[m] {
				return fmt.Errorf("combine: %s: unit %d is %q in %s, %q in %s: appended trials must hold the same neurons in the same order "+
					"(different neurons recorded on the same trials: combine: %s; units of different sessions: pool)",
					CombineTrials, m+1, rec.ids[m], rec.path, r0.ids[m], r0.path, CombineSimultaneous)
			}
		}
	}
	return nil
}

// joinSimultaneous joins recordings of the same trials by their units: trial k of the result
// holds the units of every recording's trial k, side by side in recording order, with the
// union of their events and labels. Every recording must have the same number of trials, and a
// trial the recordings share must have the same edges, bins and, for each event or label two
// of them have, the same value. A trial left out of one recording (no valid edges, no label)
// is left out of the join, and reported.
func joinSimultaneous(recs []*recording) (*recording, error) {
	r0 := recs[0]
	name := fmt.Sprintf("%s (+%d simultaneous)", r0.name, len(recs)-1)
	out := &recording{name: name, path: r0.path, n: r0.n}
	pos := make([]map[int]int, len(recs))
	why := make([]map[int]string, len(recs))
	owner := map[string]string{}
	named := true
	for i, rec := range recs {
		if rec.n != r0.n {
			return nil, fmt.Errorf("combine: %s: %s has %d trials, %s %d: simultaneous recordings share their trials "+
				"(more trials of the same neurons: combine: %s; units of different sessions: pool)",
				CombineSimultaneous, rec.path, rec.n, r0.path, r0.n, CombineTrials)
		}
		for _, id := range rec.ids {
			if f, ok := owner[id]; ok {
				return nil, fmt.Errorf("combine: %s: unit %q is in %s and in %s: joining them would hold one neuron twice "+
					"(more trials of the same neurons: combine: %s)", CombineSimultaneous, id, f, rec.path, CombineTrials)
			}
			owner[id] = rec.path
		}
		named = named && rec.ids != nil
		out.units = append(out.units, rec.units...)
		pos[i], why[i] = map[int]int{}, map[int]string{}
		for j, k := range rec.index {
			pos[i][k] = j
		}
		for _, d := range rec.dropped {
			why[i][d.Trial] = d.Reason
		}
	}
	if named {
		for _, rec := range recs {
			out.ids = append(out.ids, rec.ids...)
		}
	}
	for k := range r0.n {
		id := fmt.Sprintf("%s trial %d", name, k)
		var missing []string
		for i, rec := range recs {
			if _, ok := pos[i][k]; !ok {
				missing = append(missing, fmt.Sprintf("%s: %s", rec.name, why[i][k]))
			}
		}
		if len(missing) > 0 {
			out.dropped = append(out.dropped, prepare.TrialNote{Trial: k, ID: id,
				Reason: "left out of every simultaneous file: " + strings.Join(missing, "; ")})
			continue
		}
		tr, err := joinTrial(recs, pos, k)
		if err != nil {
			return nil, fmt.Errorf("combine: %s: trial %d: %w: simultaneous recordings share their trials "+
				"(more trials of the same neurons: combine: %s)", CombineSimultaneous, k, err, CombineTrials)
		}
		tr.ID = id
		out.trials = append(out.trials, tr)
		out.index = append(out.index, k)
	}
	return out, nil
}

// joinTrial returns trial k of every recording as one trial holding all their units; the
// error names what differs between two of them.
func joinTrial(recs []*recording, pos []map[int]int, k int) (prepare.Trial, error) {
	first := &recs[0].trials[pos[0][k]]
	tr := prepare.Trial{Start: first.Start, Duration: first.Duration, BinWidth: first.BinWidth,
		Continuous: first.Continuous, Events: maps.Clone(first.Events), Labels: maps.Clone(first.Labels)}
	if tr.Events == nil {
		tr.Events = map[string]float64{}
	}
	if tr.Labels == nil {
		tr.Labels = map[string]string{}
	}
	differ := func(what string, a, b any, rec *recording) error {
		return fmt.Errorf("%s %v in %s, %v in %s", what, a, recs[0].path, b, rec.path)
	}
	for i, rec := range recs {
		u := &rec.trials[pos[i][k]]
		spikes := len(u.Spikes) > 0
		switch {
		case spikes != (len(first.Spikes) > 0):
			return tr, fmt.Errorf("%s holds %s, %s %s", recs[0].path, kind(first), rec.path, kind(u))
		case u.Continuous != first.Continuous:
			return tr, differ("values are continuous:", first.Continuous, u.Continuous, rec)
		case !sameTime(u.Start, first.Start):
			return tr, differ("start", first.Start, u.Start, rec)
		case !sameTime(u.Duration, first.Duration):
			return tr, differ("duration (s)", first.Duration, u.Duration, rec)
		case !spikes && !sameTime(u.BinWidth, first.BinWidth):
			return tr, differ("bin width (s)", first.BinWidth, u.BinWidth, rec)
		case !spikes && len(u.Counts) > 0 && len(first.Counts) > 0 && len(u.Counts[0]) != len(first.Counts[0]):
			return tr, differ("bins", len(first.Counts[0]), len(u.Counts[0]), rec)
		}
		for _, e := range slices.Sorted(maps.Keys(u.Events)) {
			x, ok := tr.Events[e]
			if !ok {
				tr.Events[e] = u.Events[e]
			} else if !sameTime(x, u.Events[e]) {
				return tr, differ("event "+e, x, u.Events[e], rec)
			}
		}
		for _, l := range slices.Sorted(maps.Keys(u.Labels)) {
			x, ok := tr.Labels[l]
			if !ok {
				tr.Labels[l] = u.Labels[l]
			} else if x != u.Labels[l] {
				return tr, differ("label "+l, fmt.Sprintf("%q", x), fmt.Sprintf("%q", u.Labels[l]), rec)
			}
		}
		tr.Spikes = append(tr.Spikes, u.Spikes...)
		tr.Counts = append(tr.Counts, u.Counts...)
	}
	return tr, nil
}

func kind(tr *prepare.Trial) string {
	if len(tr.Spikes) > 0 {
		return "spike times"
	}
	return "binned activity"
}

// sameTime reports whether two times (s) read from two files are the same: equal to within
// rounding of the files' own numbers (1e-9 relative), or both missing (NaN).
func sameTime(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= 1e-9*max(1, math.Abs(a), math.Abs(b))
}
