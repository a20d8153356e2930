package data

import (
	"math"
	"path/filepath"
	"slices"
	"testing"
)

// session returns a one-session dataset of S segments, T bins and M neurons whose activity
// encodes (session k, segment, bin, neuron), labelled by task.
func session(k, S, T, M int) *Dataset {
	d := New(S, T, M, 0.01)
	for s := range S {
		for t := range T {
			for m := range M {
				d.Activity[(s*T+t)*M+m] = 1000*float64(k) + formula(s, t, m)
			}
		}
	}
	tasks := make([]string, S)
	for s := range tasks {
		tasks[s] = []string{"a", "b"}[s%2]
	}
	d.Labels["task"] = Label{Kind: StringLabel, Values: tasks}
	d.Source = filepath.Join("dir", "s"+string(rune('0'+k))+".npz")
	return d
}

func TestStitch(t *testing.T) {
	a, b, c := session(0, 2, 3, 2), session(1, 3, 4, 1), session(2, 1, 2, 3)
	b.Lengths[1] = 2
	d, err := Stitch([]*Dataset{a, b, c}, []string{"A", "B", "C"})
	if err != nil {
		t.Fatal(err)
	}
	if d.S != 6 || d.T != 4 || d.M != 6 {
		t.Fatalf("S T M = %d %d %d, want 6 4 6", d.S, d.T, d.M)
	}
	if want := []string{"A", "A", "B", "B", "B", "C"}; !slices.Equal(d.Labels[SessionLabel].Values, want) {
		t.Errorf("sessions %v, want %v", d.Labels[SessionLabel].Values, want)
	}
	if want := []string{"a", "b", "a", "b", "a", "a"}; !slices.Equal(d.Labels["task"].Values, want) {
		t.Errorf("task %v, want %v", d.Labels["task"].Values, want)
	}
	if want := []int{3, 3, 4, 2, 4, 2}; !slices.Equal(d.Lengths, want) {
		t.Errorf("lengths %v, want %v", d.Lengths, want)
	}
	// Every observed entry is its session's value; the rest is unobserved.
	offs, srcs, firsts := []int{0, 2, 3}, []*Dataset{a, b, c}, []int{0, 2, 5}
	for k, src := range srcs {
		for s := range src.S {
			o := firsts[k] + s
			for m := range d.M {
				own := m >= offs[k] && m < offs[k]+src.M
				if d.IsObserved(o, m) != own {
					t.Fatalf("segment %d neuron %d observed %v, want %v", o, m, d.IsObserved(o, m), own)
				}
				if !own {
					continue
				}
				for tt := range src.Lengths[s] {
					if got, want := d.Activity[(o*d.T+tt)*d.M+m], src.Activity[(s*src.T+tt)*src.M+m-offs[k]]; got != want {
						t.Fatalf("activity[%d,%d,%d] = %v, want %v", o, tt, m, got, want)
					}
				}
			}
		}
	}
	neurons, err := d.SessionNeurons()
	if err != nil {
		t.Fatal(err)
	}
	if want := [][]int{{0, 1}, {2}, {3, 4, 5}}; !slices.EqualFunc(neurons, want, slices.Equal) {
		t.Errorf("session neurons %v, want %v", neurons, want)
	}

	// Through a file, with NaN where a session did not record (as NumPy users write it).
	d.Activity[0*d.M+4] = math.NaN()
	p := filepath.Join(t.TempDir(), "ms.npz")
	if err := WriteNPZ(p, d); err != nil {
		t.Fatal(err)
	}
	back, err := ReadNPZ(p)
	if err != nil {
		t.Fatal(err)
	}
	d.Activity[0*d.M+4] = 0 // read back as 0: unobserved
	if err := sameDataset(back, d); err != nil {
		t.Fatal(err)
	}
}

func TestStitchRefuses(t *testing.T) {
	a, b := session(0, 2, 3, 2), session(1, 2, 3, 2)
	b.Dt = 0.02
	if _, err := Stitch([]*Dataset{a, b}, []string{"A", "B"}); err == nil {
		t.Fatal("sessions of different dt stitched")
	} else {
		wantFieldError(t, err, b.Source, "dt", nil, "share the bin width")
	}
	if _, err := Stitch([]*Dataset{a, a}, []string{"A", "A"}); err == nil {
		t.Fatal("duplicate names accepted")
	}
}

func TestObservedValidation(t *testing.T) {
	base := func() *Dataset {
		d := session(0, 2, 3, 3)
		d.Source = "ms.npz"
		d.Observed = []bool{true, false, true, false, true, true}
		return d
	}
	d := base()
	if err := d.Validate(); err != nil {
		t.Fatalf("valid mask refused: %v", err)
	}
	d.Activity[(0*3+1)*3+1] = math.NaN() // unobserved: allowed
	if err := d.Validate(); err != nil {
		t.Fatalf("NaN at an unobserved entry refused: %v", err)
	}
	d.Activity[(1*3+2)*3+1] = math.NaN() // observed
	wantFieldError(t, d.Validate(), "ms.npz", "activity", []int{1, 2, 1}, "NaN")

	d = base()
	copy(d.Observed[3:], []bool{false, false, false})
	wantFieldError(t, d.Validate(), "ms.npz", observedField, []int{1}, "no neuron of segment 1")
	d = base()
	d.Observed[4] = false
	wantFieldError(t, d.Validate(), "ms.npz", observedField, nil, "neuron 1 as observed in no segment")
	d = base()
	d.Observed = d.Observed[:5]
	wantFieldError(t, d.Validate(), "ms.npz", observedField, nil, "has 5 values")
}

func TestReadObservedBad(t *testing.T) {
	act := npyOf(t, []int{2, 1, 2}, []float64{1, 2, 3, 4})
	for _, tc := range []struct {
		name  string
		obs   []byte
		index []int
		text  string
	}{
		{"value", npyOf(t, []int{2, 2}, []float64{1, 0, 1, 2}), []int{1, 1}, "= 2 (segment 1, neuron 1), want 0 or 1"},
		{"shape", npyOf(t, []int{2, 3}, []float64{1, 0, 1, 1, 1, 1}), nil, "want [2, 2]"},
		{"text", npyOf(t, []int{2, 2}, []string{"a", "b", "c", "d"}), nil, "want bool"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeTemp(t, "ms.npz", zipOf(t, false, member{"activity", act}, member{"observed", tc.obs}))
			_, err := ReadNPZ(p)
			wantFieldError(t, err, p, observedField, tc.index, tc.text)
		})
	}
	// Booleans, as NumPy writes them, are read.
	p := writeTemp(t, "ms.npz", zipOf(t, false, member{"activity", act}, member{"observed", npyOf(t, []int{2, 2}, []bool{true, false, false, true})}))
	d, err := ReadNPZ(p)
	if err != nil {
		t.Fatal(err)
	}
	if want := []bool{true, false, false, true}; !slices.Equal(d.Observed, want) {
		t.Fatalf("observed %v, want %v", d.Observed, want)
	}
	if d.Activity[1] != 0 || d.Activity[2] != 0 || d.Activity[0] != 1 || d.Activity[3] != 4 {
		t.Fatalf("activity %v, want unobserved entries zeroed: [1 0 0 4]", d.Activity)
	}
}
