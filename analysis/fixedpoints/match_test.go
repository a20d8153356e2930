package fixedpoints

import (
	"math"
	"testing"
)

func TestMatch(t *testing.T) {
	truth := []Point{
		{X: []float64{0, 0, 9}, Class: Stable},
		{X: []float64{4, 0, 9}, Class: Saddle},
		{X: []float64{0, 3, 9}, Class: Stable},
	}
	// Found: the truth points in another order, each 0.1 away in the first two coordinates
	// (the third is projected away), one with the wrong class, plus an extra point midway
	// between truth 0 and truth 1, which must stay unmatched.
	found := []Point{
		{X: []float64{4.1, 0, -1}, Class: Saddle},
		{X: []float64{0, 3.1, 5}, Class: Unstable},
		{X: []float64{2, 0.1, 0}, Class: Stable},
		{X: []float64{0.1, 0, 2}, Class: Stable},
	}
	project := func(x []float64) []float64 { return x[:2] }
	s, err := Match(found, truth, project)
	if err != nil {
		t.Fatal(err)
	}
	want := []Pair{{0, 1, 0.1}, {1, 2, 0.1}, {3, 0, 0.1}}
	if len(s.Pairs) != len(want) {
		t.Fatalf("pairs %v, want %v", s.Pairs, want)
	}
	for i, p := range s.Pairs {
		if p.Found != want[i].Found || p.Truth != want[i].Truth || math.Abs(p.Distance-want[i].Distance) > 1e-12 {
			t.Errorf("pair %d = %+v, want %+v", i, p, want[i])
		}
	}
	if math.Abs(s.MeanDistance-0.1) > 1e-12 || s.CountDiff != 1 {
		t.Errorf("mean distance %v, count difference %d", s.MeanDistance, s.CountDiff)
	}
	if math.Abs(s.ClassAgreement-2.0/3) > 1e-12 {
		t.Errorf("class agreement %v, want 2/3", s.ClassAgreement)
	}
	// Chamfer by hand: found → truth minima 0.1, 0.1, √(2²+0.1²) = 2.0025, 0.1;
	// truth → found minima 0.1, 0.1, 0.1.
	wantChamfer := ((0.3+math.Hypot(2, 0.1))/4 + 0.1) / 2
	if math.Abs(s.Chamfer-wantChamfer) > 1e-12 {
		t.Errorf("Chamfer %v, want %v", s.Chamfer, wantChamfer)
	}
	// Spread: centroid (4/3, 1), squared distances 16/9+1, 64/9+1, 16/9+4.
	spread := math.Sqrt((16.0/9 + 1 + 64.0/9 + 1 + 16.0/9 + 4) / 3)
	if math.Abs(s.Spread-spread) > 1e-12 {
		t.Errorf("spread %v, want %v", s.Spread, spread)
	}
	if want := 0.75 / (1 + 0.1/spread); math.Abs(s.Score-want) > 1e-12 {
		t.Errorf("score %v, want %v", s.Score, want)
	}

	// Identical sets score 1 with nil projection.
	s, err = Match(truth, truth, nil)
	if err != nil || s.Score != 1 || s.Chamfer != 0 || s.ClassAgreement != 1 {
		t.Errorf("self match: %+v, %v", s, err)
	}
}

func TestMatchEdgeCases(t *testing.T) {
	one := []Point{{X: []float64{0, 0}}}
	s, err := Match([]Point{{X: []float64{0, 1e-9}}}, one, nil)
	if err != nil {
		t.Fatal(err)
	}
	// One truth point at the origin: S falls back to 1, and the classes are unknown.
	if s.Spread != 1 || math.Abs(s.Score-1/(1+1e-9)) > 1e-15 || !math.IsNaN(s.ClassAgreement) {
		t.Errorf("single point: %+v", s)
	}
	s, err = Match(nil, one, nil)
	if err != nil || s.Score != 0 || !math.IsInf(s.Chamfer, 1) || s.CountDiff != -1 {
		t.Errorf("empty found: %+v, %v", s, err)
	}
	if _, err := Match(one, nil, nil); err == nil {
		t.Error("empty truth: no error")
	}
	if _, err := Match([]Point{{X: []float64{1, 2, 3}}}, one, nil); err == nil {
		t.Error("length mismatch: no error")
	}
	if _, err := Match(one, []Point{{X: []float64{math.NaN(), 0}}}, nil); err == nil {
		t.Error("NaN truth: no error")
	}
	// Many found, few truth: the transposed assignment path.
	found := []Point{{X: []float64{5, 5}}, {X: []float64{0.2, 0}}, {X: []float64{1, 1}}}
	truth := []Point{{X: []float64{1, 1.1}}, {X: []float64{0, 0}}}
	s, err = Match(found, truth, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Pairs) != 2 || s.Pairs[0] != (Pair{1, 1, 0.2}) || s.Pairs[1].Found != 2 || s.Pairs[1].Truth != 0 ||
		math.Abs(s.Pairs[1].Distance-0.1) > 1e-12 {
		t.Errorf("pairs %+v", s.Pairs)
	}
}
