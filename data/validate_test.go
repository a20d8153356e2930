package data

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestFieldErrorText(t *testing.T) {
	cause := errors.New("zip: not a valid zip file")
	for _, c := range []struct {
		e    FieldError
		want string
	}{
		{FieldError{File: "data.npz", Field: "activity", Index: []int{3, 17, 5}, Msg: "is NaN (segment 3, bin 17, neuron 5)"},
			"data.npz: activity[3, 17, 5] is NaN (segment 3, bin 17, neuron 5)"},
		{FieldError{File: "data.npz", Field: "lengths", Index: []int{4}, Msg: "= 0, want 1..120"},
			"data.npz: lengths[4] = 0, want 1..120"},
		{FieldError{File: "data.npz", Field: "label_task", Msg: "has 9 values, want 10 (one per segment)"},
			"data.npz: label_task has 9 values, want 10 (one per segment)"},
		{FieldError{File: "data.npz", Msg: "is not an .npz file", Err: cause},
			"data.npz: is not an .npz file: zip: not a valid zip file"},
		{FieldError{Field: "dt", Msg: "= -1, want a positive bin width in seconds"},
			"dataset: dt = -1, want a positive bin width in seconds"},
	} {
		if got := c.e.Error(); got != c.want {
			t.Errorf("Error() = %q, want %q", got, c.want)
		}
	}
	err := error(&FieldError{File: "f", Err: cause})
	if !errors.Is(err, cause) {
		t.Error("FieldError does not unwrap to its cause")
	}
}

func TestValidateAcceptsSample(t *testing.T) {
	d := sample()
	// Padding may hold anything: NaN (as sample has), Inf, in activity, inputs and weights.
	d.Activity[(2*4+3)*2] = math.Inf(1)
	d.Inputs[(1*4+3)*2] = math.NaN()
	d.Weight[(1*4+2)*2] = -5
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestValidateRejects(t *testing.T) {
	for _, c := range []struct {
		name  string
		edit  func(d *Dataset)
		field string
		index []int
		text  string
	}{
		{"no segments", func(d *Dataset) { *d = *New(0, 4, 2, 0.02) }, "activity", nil, "want each at least 1"},
		{"no bins", func(d *Dataset) { *d = *New(3, 0, 2, 0.02) }, "activity", nil, "want each at least 1"},
		{"no neurons", func(d *Dataset) { *d = *New(3, 4, 0, 0.02) }, "activity", nil, "want each at least 1"},
		{"short activity", func(d *Dataset) { d.Activity = d.Activity[1:] }, "activity", nil, "has 23 values, want 3×4×2"},
		{"overflowing shape", func(d *Dataset) { d.T = math.MaxInt / 2 }, "activity", nil, "want"},
		{"NaN dt", func(d *Dataset) { d.Dt = math.NaN() }, "dt", nil, "= NaN, want a positive"},
		{"infinite dt", func(d *Dataset) { d.Dt = math.Inf(1) }, "dt", nil, "want a positive"},
		{"negative dt", func(d *Dataset) { d.Dt = -0.01 }, "dt", nil, "= -0.01"},
		{"nil lengths", func(d *Dataset) { d.Lengths = nil }, "lengths", nil, "has 0 values, want 3 (one per segment)"},
		{"length 0", func(d *Dataset) { d.Lengths[2] = 0 }, "lengths", []int{2}, "= 0, want 1..4"},
		{"length past T", func(d *Dataset) { d.Lengths[0] = 5 }, "lengths", []int{0}, "= 5, want 1..4"},
		{"Inf activity", func(d *Dataset) { d.Activity[(2*4+2)*2+1] = math.Inf(-1) }, "activity", []int{2, 2, 1}, "is -Inf (segment 2, bin 2, neuron 1)"},
		{"isolated NaN", func(d *Dataset) { d.Activity[(0*4+1)*2+0] = math.NaN() }, "activity", []int{0, 1, 0}, "is NaN (segment 0, bin 1, neuron 0)"},
		{"NaN counted by lengths", func(d *Dataset) { d.Lengths[1] = 4 }, "activity", []int{1, 2, 0},
			"bins 2..3 of segment 1 are all NaN, like padding, but lengths[1] = 4 counts them as data: want lengths[1] = 2"},
		{"all-NaN segment", func(d *Dataset) {
			for i := range 8 {
				d.Activity[16+i] = math.NaN()
			}
		}, "activity", []int{2, 0, 0}, "every valid bin of segment 2 is NaN"},
		{"negative I", func(d *Dataset) { d.I = -1 }, "inputs", nil, "want ≥ 0"},
		{"inputs without I", func(d *Dataset) { d.I = 0 }, "inputs", nil, "has 24 values, want 3×4×0"},
		{"short inputs", func(d *Dataset) { d.Inputs = d.Inputs[:10] }, "inputs", nil, "has 10 values, want 3×4×2"},
		{"NaN input", func(d *Dataset) { d.Inputs[(1*4+1)*2+1] = math.NaN() }, "inputs", []int{1, 1, 1}, "is NaN (segment 1, bin 1, input 1)"},
		{"short weight", func(d *Dataset) { d.Weight = d.Weight[:3] }, "loss_weight", nil, "has 3 values"},
		{"NaN weight", func(d *Dataset) { d.Weight[1] = math.NaN() }, "loss_weight", []int{0, 0, 1}, "is NaN"},
		{"negative weight", func(d *Dataset) { d.Weight[2] = -1 }, "loss_weight", []int{0, 1, 0}, "= -1, want ≥ 0"},
		{"empty label name", func(d *Dataset) { d.Labels[""] = Label{Values: []string{"a", "b", "c"}} }, "label_", nil, "empty label name"},
		{"short label", func(d *Dataset) { d.Labels["task"] = Label{Values: []string{"a", "b"}} }, "label_task", nil, "label_task has 2 values, want 3 (one per segment)"},
		{"bad int label", func(d *Dataset) { d.Labels["trial"].Values[1] = "1.5" }, "label_trial", []int{1}, `"1.5" is not an integer`},
		{"bad float label", func(d *Dataset) { d.Labels["theta"].Values[2] = "pi" }, "label_theta", []int{2}, `"pi" is not a number`},
		{"unknown label kind", func(d *Dataset) { d.Labels["x"] = Label{Kind: 9, Values: []string{"a", "b", "c"}} }, "label_x", nil, "unknown kind"},
		{"extra with a field's name", func(d *Dataset) { d.Extra["dt"] = Array{Shape: []int{}, Data: []float64{1}} }, "dt", nil, "named like a dataset field"},
		{"extra with a label's name", func(d *Dataset) { d.Extra["label_x"] = Array{Shape: []int{1}, Data: []float64{1}} }, "label_x", nil, "named like a dataset field"},
		{"extra of the wrong size", func(d *Dataset) { d.Extra["J"] = Array{Shape: []int{2, 2}, Data: []float64{1}} }, "J", nil, "has 1 values, but its shape [2 2] holds 4"},
		{"unnamed extra", func(d *Dataset) { d.Extra[""] = Array{Shape: []int{}, Data: []float64{1}} }, "", nil, "empty name"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := sample()
			d.Source = "data.npz"
			c.edit(d)
			d.Source = "data.npz"
			wantFieldError(t, d.Validate(), "data.npz", c.field, c.index, c.text)
		})
	}
}

func TestValidateNamesInMemoryDatasets(t *testing.T) {
	d := sample()
	d.Dt = 0
	if err := d.Validate(); err == nil || !strings.HasPrefix(err.Error(), "dataset: dt") {
		t.Errorf("error %v, want one starting %q", err, "dataset: dt")
	}
}
