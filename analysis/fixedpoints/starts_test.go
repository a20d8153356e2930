package fixedpoints

import (
	"math"
	"reflect"
	"slices"
	"testing"
)

func TestStarts(t *testing.T) {
	traj := [][]float64{{0, 0}, {10, 10}, {-10, 20}}
	// Without noise every start is one of the trajectory's states, and all are drawn.
	s, err := Starts(traj, 300, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	drawn := make([]int, len(traj))
	for _, x := range s {
		k := slices.IndexFunc(traj, func(y []float64) bool { return slices.Equal(x, y) })
		if k < 0 {
			t.Fatalf("start %v is not a trajectory state", x)
		}
		drawn[k]++
	}
	for k, c := range drawn {
		if c < 60 {
			t.Errorf("state %d drawn %d times of 300", k, c)
		}
	}
	// The noise has the requested standard deviation and mean 0 in every coordinate.
	s, err = Starts([][]float64{{1, -2}}, 20000, 0.5, 2)
	if err != nil {
		t.Fatal(err)
	}
	for j, c := range []float64{1, -2} {
		var m, v float64
		for _, x := range s {
			m += x[j] - c
			v += (x[j] - c) * (x[j] - c)
		}
		m /= float64(len(s))
		sd := math.Sqrt(v/float64(len(s)) - m*m)
		if math.Abs(m) > 0.02 || math.Abs(sd-0.5) > 0.01 {
			t.Errorf("coordinate %d: noise mean %v, sd %v; want 0, 0.5", j, m, sd)
		}
	}
	a, _ := Starts(traj, 10, 0.3, 7)
	b, _ := Starts(traj, 10, 0.3, 7)
	c, _ := Starts(traj, 10, 0.3, 8)
	if !reflect.DeepEqual(a, b) || reflect.DeepEqual(a, c) {
		t.Error("starts are not a function of the seed")
	}
	a[0][0] = 99
	if a[1][0] == 99 || traj[0][0] == 99 {
		t.Error("starts share storage")
	}
}

func TestStartsErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		traj  [][]float64
		n     int
		noise float64
	}{
		"empty":    {nil, 1, 0},
		"zero n":   {[][]float64{{1}}, 0, 0},
		"ragged":   {[][]float64{{1, 2}, {1}}, 1, 0},
		"NaN":      {[][]float64{{1}, {math.NaN()}}, 1, 0},
		"bad sd":   {[][]float64{{1}}, 1, -1},
		"empty x":  {[][]float64{{}}, 1, 0},
		"Inf sd":   {[][]float64{{1}}, 1, math.Inf(1)},
		"NaN sd":   {[][]float64{{1}}, 1, math.NaN()},
		"Inf traj": {[][]float64{{math.Inf(-1)}}, 1, 0},
	} {
		if _, err := Starts(tc.traj, tc.n, tc.noise, 0); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
