package recipe

import (
	"strings"
	"testing"
)

// Unknown keys are all reported, each with its line, the valid keys at its place (not Go type
// names) and the nearest one.
func TestParseUnknownKeys(t *testing.T) {
	y := `file: f.mat
trials: D
activty: {field: data, bin_ms: 1}
labels:
  direction: {spike_feild: 3}
prepare:
  bin_ms: 20
  smoth_ms: 30
`
	_, err := Parse("r.yaml", []byte(y))
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, want := range []string{
		`r.yaml: line 3: top level: unknown key "activty" (did you mean "activity"?); valid keys: activity, axes, columns, columns_from, combine, continuous, dt_ms, events, file, labels, pool, prepare`,
		`r.yaml: line 5: labels.direction: unknown key "spike_feild" (did you mean "spike_field"?)`,
		`r.yaml: line 8: prepare: unknown key "smoth_ms" (did you mean "smooth_ms"?)`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "rawSource") || strings.Contains(msg, "recipe.") {
		t.Errorf("error names Go types:\n%s", msg)
	}
	if n := strings.Count(msg, "unknown key"); n != 3 {
		t.Errorf("%d unknown keys reported, want 3:\n%s", n, msg)
	}
}

// Every invalid setting is reported at once, with its key and line.
func TestParseAllProblems(t *testing.T) {
	y := `file: f.mat
trials: D
activity: {field: data, values: spikes, bin_ms: 0}
time_unit: hours
labels:
  a: {value: x, field: y}
prepare:
  bin_ms: 20
  epochs: [{name: e, align: go, from_ms: 0, to_ms: 10}]
`
	_, err := Parse("r.yaml", []byte(y))
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, want := range []string{
		`line 4: time_unit: "hours", want s or ms`,
		`line 3: activity.values: "spikes", want counts, rates or continuous`,
		`line 3: activity.bin_ms: 0, want > 0`,
		`line 6: labels.a: give exactly one of field, vector, value, spike_field and index`,
		`line 9: prepare.epochs[0] (e): window 10 ms, want a positive multiple of bin_ms 20`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"{trials: D, activity: {field: data, bin_ms: 1}}", "file: missing"},
		{"{file: f, activity: {field: data, bin_ms: 1}}", "give exactly one of trials, tensor and continuous.runs"},
		{"{file: f, trials: D}", "give exactly one of activity"},
		{"{file: f, tensor: X, axes: [time, neuron], dt_ms: 1}", "axes"},
		{"{file: f, tensor: X, axes: [time, neuron, condition]}", "dt_ms"},
		{"{file: f, trials: D, spikes: {table: S, time: 1}, stop: e}", "table needs time and trial"},
		{"{file: f, trials: D, spikes: {units: /units, time: 1}, stop: e}", "apply to a spike table only"},
		{"{file: f, trials: D, activity: {bin_ms: 1}, labels: {d: {spike_field: 2}}}", "needs spikes.table"},
		{"{file: f, trials: D, activity: {bin_ms: 1}, unit: {field: x}}", "unit: names a file's units"},
		{"{file: f, trials: D, activity: {bin_ms: 1}, sources: [{file: g}]}", "a source's keys at the top level and a sources list"},
		{"{file: f, trials: D, activity: {bin_ms: 1}, pool: {}}", "line 1: pool.match: none"},
		{"{file: f, trials: D, activity: {bin_ms: 1}, pool: {match: [c], mode: avg}}", `pool.mode: "avg"`},
		{"{file: f, tensor: X, axes: [time, neuron, condition], dt_ms: 1, pool: {match: [c]}}", "pool: applies to trials sources only"},
	} {
		_, err := Parse("r.yaml", []byte(c.yaml))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.yaml, err, c.want)
		}
	}
}

// The resolved recipe written beside a dataset parses back to the same recipe.
func TestYAMLRoundTrip(t *testing.T) {
	for _, path := range []string{"../../examples/recipes/riehle.yaml", "../../examples/recipes/mc_maze.yaml", "../../examples/monkey/datahigh_ex2.yaml"} {
		r, err := LoadRecipe(path)
		if err != nil {
			t.Fatal(err)
		}
		b, err := r.YAML()
		if err != nil {
			t.Fatal(err)
		}
		back, err := Parse("back", b)
		if err != nil {
			t.Fatalf("%s: %v\n%s", path, err, b)
		}
		b2, _ := back.YAML()
		if string(b) != string(b2) {
			t.Errorf("%s: round trip differs:\n%s\n---\n%s", path, b, b2)
		}
	}
}
