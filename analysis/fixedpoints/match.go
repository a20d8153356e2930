package fixedpoints

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/floats"
)

// Pair is one found point matched to one ground-truth point.
type Pair struct {
	Found, Truth int     // indices into the found and truth slices given to Match
	Distance     float64 // Euclidean distance in the compared (projected) space
}

// MatchScore compares a set of found points with a ground-truth set. With projected found
// points f₁…f_F and truth points t₁…t_T, and d the Euclidean distance:
type MatchScore struct {
	// Pairs is the one-to-one assignment of min(F, T) pairs that minimises the total distance
	// (Hungarian method), ordered by Found.
	Pairs []Pair
	// MeanDistance is the mean Pair.Distance (NaN when there are no pairs).
	MeanDistance float64
	// Chamfer is the symmetric Chamfer distance
	//	½ (mean_f min_t d(f, t) + mean_t min_f d(f, t)),
	// which, unlike the assignment, also penalises unmatched points (+Inf when found is empty).
	Chamfer float64
	// CountDiff is F − T: positive when too many points were found.
	CountDiff int
	// ClassAgreement is the fraction of pairs whose two Classes are equal, among the pairs
	// where both are known (not Unknown); NaN when there is no such pair.
	ClassAgreement float64
	// Spread is the length scale S that MeanDistance is compared with: the RMS distance of
	// the truth points from their centroid, √(mean_t ‖t − t̄‖²). When that is zero (a single
	// truth point, or all equal) S is the RMS norm √(mean_t ‖t‖²), and when that too is zero,
	// S = 1.
	Spread float64
	// Score in [0, 1] combines counts and distances:
	//	Score = min(F, T)/max(F, T) · 1/(1 + MeanDistance/S),
	// 1 only when the counts agree and every matched pair coincides; 0 when found is empty.
	// A mean matched distance equal to the spread halves the score.
	Score float64
}

// Match compares found points with ground-truth points. project maps a state into the space
// where the two are compared (for example a network state to the rates of the observed
// neurons); nil means the states are compared as they are. All projected points must have the
// same length. The Class fields of the points are used only for ClassAgreement (use
// Characterize to build truth points from known states).
func Match(found, truth []Point, project func([]float64) []float64) (MatchScore, error) {
	if len(truth) == 0 {
		return MatchScore{}, errors.New("fixedpoints: Match: empty truth set")
	}
	if project == nil {
		project = func(x []float64) []float64 { return x }
	}
	ps := func(name string, pts []Point, dim int) ([][]float64, error) {
		out := make([][]float64, len(pts))
		for i, p := range pts {
			y := slices.Clone(project(p.X))
			switch {
			case len(y) == 0:
				return nil, fmt.Errorf("fixedpoints: Match: %s point %d projects to an empty vector", name, i)
			case dim > 0 && len(y) != dim:
				return nil, fmt.Errorf("fixedpoints: Match: %s point %d projects to length %d, want %d", name, i, len(y), dim)
			}
			if err := checkFinite(y); err != nil {
				return nil, fmt.Errorf("fixedpoints: Match: %s point %d: projection %w", name, i, err)
			}
			dim = len(y)
			out[i] = y
		}
		return out, nil
	}
	ty, err := ps("truth", truth, 0)
	if err != nil {
		return MatchScore{}, err
	}
	fy, err := ps("found", found, len(ty[0]))
	if err != nil {
		return MatchScore{}, err
	}

	s := MatchScore{CountDiff: len(found) - len(truth), Spread: spread(ty)}
	if len(found) == 0 {
		s.MeanDistance, s.ClassAgreement, s.Chamfer = math.NaN(), math.NaN(), math.Inf(1)
		return s, nil
	}
	d := make([][]float64, len(fy))
	for i, f := range fy {
		d[i] = make([]float64, len(ty))
		for j, t := range ty {
			d[i][j] = floats.Distance(f, t, 2)
		}
	}
	s.Chamfer = chamfer(d)
	s.Pairs = optimalPairs(d)
	agree, known := 0, 0
	for _, p := range s.Pairs {
		s.MeanDistance += p.Distance
		if cf, ct := found[p.Found].Class, truth[p.Truth].Class; cf != Unknown && ct != Unknown {
			known++
			if cf == ct {
				agree++
			}
		}
	}
	s.MeanDistance /= float64(len(s.Pairs))
	s.ClassAgreement = math.NaN()
	if known > 0 {
		s.ClassAgreement = float64(agree) / float64(known)
	}
	counts := float64(min(len(found), len(truth))) / float64(max(len(found), len(truth)))
	s.Score = counts / (1 + s.MeanDistance/s.Spread)
	return s, nil
}

// optimalPairs returns the minimum-total-distance one-to-one pairs for the F×T distance matrix
// d, ordered by found index. The assignment runs on the orientation with fewer rows.
func optimalPairs(d [][]float64) []Pair {
	nf, nt := len(d), len(d[0])
	var pairs []Pair
	if nf <= nt {
		for i, j := range assign(d) {
			pairs = append(pairs, Pair{Found: i, Truth: j, Distance: d[i][j]})
		}
		return pairs
	}
	dt := make([][]float64, nt)
	for j := range dt {
		dt[j] = make([]float64, nf)
		for i := range d {
			dt[j][i] = d[i][j]
		}
	}
	for j, i := range assign(dt) {
		pairs = append(pairs, Pair{Found: i, Truth: j, Distance: d[i][j]})
	}
	slices.SortFunc(pairs, func(a, b Pair) int { return a.Found - b.Found })
	return pairs
}

// chamfer returns ½ (mean over rows of the row minimum + mean over columns of the column
// minimum) of the distance matrix d.
func chamfer(d [][]float64) float64 {
	colMin := make([]float64, len(d[0]))
	for j := range colMin {
		colMin[j] = math.Inf(1)
	}
	var rows float64
	for _, row := range d {
		rows += floats.Min(row)
		for j, v := range row {
			colMin[j] = min(colMin[j], v)
		}
	}
	return (rows/float64(len(d)) + floats.Sum(colMin)/float64(len(colMin))) / 2
}

// spread returns the RMS distance of the points from their centroid, falling back to their RMS
// norm and then to 1 when that is zero (see MatchScore.Spread).
func spread(pts [][]float64) float64 {
	c := make([]float64, len(pts[0]))
	for _, p := range pts {
		floats.Add(c, p)
	}
	floats.Scale(1/float64(len(pts)), c)
	var ss, nn float64
	for _, p := range pts {
		ss += dist2(p, c)
		nn += floats.Dot(p, p)
	}
	switch {
	case ss > 0:
		return math.Sqrt(ss / float64(len(pts)))
	case nn > 0:
		return math.Sqrt(nn / float64(len(pts)))
	}
	return 1
}
