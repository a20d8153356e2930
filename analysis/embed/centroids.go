package embed

import (
	"fmt"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// Centroids returns the distinct labels in sorted order (G groups) and the G×d matrix C whose row
// g is the mean of the rows of X (S×d) labelled groups[g]: C_g = (1/|g|) Σ_{s: labels[s] = g} X_s.
func Centroids(X mat.Matrix, labels []string) (groups []string, C *mat.Dense, err error) {
	S, d := X.Dims()
	if err := checkLabels("Centroids", S, labels); err != nil {
		return nil, nil, err
	}
	if S == 0 {
		return nil, nil, fmt.Errorf("embed: Centroids: no segments")
	}
	if err := checkFinite("X", X); err != nil {
		return nil, nil, err
	}
	groups, y := encode(labels)
	C = mat.NewDense(len(groups), d, nil)
	count := make([]float64, len(groups))
	for s, g := range y {
		row := C.RawRowView(g)
		for j := range row {
			row[j] += X.At(s, j)
		}
		count[g]++
	}
	for g, n := range count {
		row := C.RawRowView(g)
		for j := range row {
			row[j] /= n
		}
	}
	return groups, C, nil
}

// GeneralizationMatrix returns the G×G matrix M of how well each group's centroid embedding
// explains each group's held-out segments:
//
//	M_ij = score(C_i, {s : heldOutLabels[s] = groups[j]}),
//
// row i being the group whose centroid (row i of C, G×d) drives the model and column j the
// held-out group scored. heldOutLabels has one label per held-out segment, and segs are indices
// into it, in increasing order. Every group must have held-out segments, and every held-out label
// must be a group. score (the caller's: typically the R² of the model driven by the centroid on
// those segments) receives a slice it may keep.
func GeneralizationMatrix(groups []string, C mat.Matrix, heldOutLabels []string,
	score func(centroid []float64, segs []int) (float64, error)) (*mat.Dense, error) {
	G := len(groups)
	if r, _ := C.Dims(); r != G {
		return nil, fmt.Errorf("embed: GeneralizationMatrix: %d centroids for %d groups", r, G)
	}
	if G == 0 {
		return nil, fmt.Errorf("embed: GeneralizationMatrix: no groups")
	}
	index := make(map[string]int, G)
	for g, name := range groups {
		if _, dup := index[name]; dup {
			return nil, fmt.Errorf("embed: GeneralizationMatrix: group %q appears twice", name)
		}
		index[name] = g
	}
	segs := make([][]int, G)
	for s, l := range heldOutLabels {
		g, ok := index[l]
		if !ok {
			return nil, fmt.Errorf("embed: GeneralizationMatrix: held-out segment %d has label %q, not one of the groups %v", s, l, groups)
		}
		segs[g] = append(segs[g], s)
	}
	for g, ss := range segs {
		if len(ss) == 0 {
			return nil, fmt.Errorf("embed: GeneralizationMatrix: group %q has no held-out segments", groups[g])
		}
	}
	M := mat.NewDense(G, G, nil)
	for i := 0; i < G; i++ {
		for j := 0; j < G; j++ {
			v, err := score(mat.Row(nil, i, C), slices.Clone(segs[j]))
			if err != nil {
				return nil, fmt.Errorf("embed: GeneralizationMatrix: centroid of %q on %q: %w", groups[i], groups[j], err)
			}
			M.Set(i, j, v)
		}
	}
	return M, nil
}

// DiagonalDominant reports whether every diagonal entry of the square matrix M exceeds every other
// entry of its column, M_jj > M_ij for all i ≠ j: each held-out group is explained best by its own
// centroid. violations lists each (i, j) where M_ij ≥ M_jj, or where either is NaN, by column.
func DiagonalDominant(M mat.Matrix) (ok bool, violations [][2]int, err error) {
	r, c := M.Dims()
	if r != c {
		return false, nil, fmt.Errorf("embed: DiagonalDominant of a %d×%d matrix: not square", r, c)
	}
	for j := 0; j < c; j++ {
		for i := 0; i < r; i++ {
			if i != j && !(M.At(j, j) > M.At(i, j)) {
				violations = append(violations, [2]int{i, j})
			}
		}
	}
	return len(violations) == 0, violations, nil
}
