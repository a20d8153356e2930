package train

import (
	"fmt"
	"math"
	"slices"

	"go.yaml.in/yaml/v4"
	"gonum.org/v1/gonum/mat"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/internal/strictyaml"
	"github.com/jedi-neuro/jedi/model"
)

// AlignOptions ties the embeddings of several recording sessions together (off unless
// factors > 0), in the manner of LFADS's multi-session "stitching" (Pandarinath et al. 2018):
//
//  1. the condition-averaged activity of every neuron (its mean over the training segments of
//     each value of Label, bin by bin over the first T_c bins, T_c the shortest training
//     segment; one condition, the mean time course, when Label is empty), z-scored per neuron,
//     forms a matrix X of (conditions·T_c) × M over the union of the sessions' neurons;
//  2. its first Factors principal components Z = X V span a space shared by every session;
//  3. each session k gets a read-in R_k = (X_kᵀX_k + εI)⁻¹ X_kᵀ Z, the ridge regression of the
//     shared factors on its own neurons' condition averages X_k (ε = 10⁻³ · tr(X_kᵀX_k)/M_k);
//  4. a training segment's own z-scored activity Y_s (first T_c bins, its session's neurons)
//     maps to a factor trajectory Y_s R_k, which no longer depends on the session (averaged
//     into windows of a few bins when T_c · Factors > alignColumns: windows);
//  5. the first d principal components of those trajectories (flattened, over the training
//     segments), scaled so the first has unit standard deviation, are each segment's anchor a_s.
//     With Features "moments" the principal components are taken of each trajectory's mean
//     and lagged covariances instead (lagMoments), which do not depend on when in the segment
//     things happen: for segments not aligned to an event, or driven at random phases.
//
// Embeddings start at their anchors, and a penalty Weight/2 · mean_b ‖e_b − a_b‖² over each
// minibatch (beside the embedding prior) keeps them near: segments of one condition start, and
// stay, together whichever session recorded them. Held-out and new segments get their anchors by
// the same map (Alignment, saved with the model) and are inferred with the same start and pull
// (Infer). Label is used only to fit the read-ins
// (step 3), as LFADS uses condition averages; the anchors come from each segment's own activity.
type AlignOptions struct {
	// Factors is the dimension of the shared space; 0 turns alignment off.
	Factors int `yaml:"factors"`
	// Label names the label whose values are the conditions averaged over; empty averages
	// every segment of a session together (the mean time course).
	Label string `yaml:"label"`
	// Weight is λ of the pull toward the anchors; 0 only initialises the embeddings there.
	Weight float64 `yaml:"weight"`
	// Features is what of a segment's factor trajectory the anchors summarise: the trajectory
	// itself, bin by bin (AlignTrajectory), or its time-shift-invariant moments (AlignMoments).
	Features AlignFeatures `yaml:"features"`
}

// AlignFeatures names what the anchors summarise (AlignOptions.Features).
type AlignFeatures string

const (
	// AlignTrajectory: the factor trajectory over the first T_c bins, as it is.
	AlignTrajectory AlignFeatures = "trajectory"
	// AlignMoments: the trajectory's mean and its lagged covariances (lagMoments).
	AlignMoments AlignFeatures = "moments"
)

// Values lists the valid features.
func (AlignFeatures) Values() []AlignFeatures { return []AlignFeatures{AlignTrajectory, AlignMoments} }

// UnmarshalYAML decodes and checks a features name.
func (f *AlignFeatures) UnmarshalYAML(n *yaml.Node) error {
	return strictyaml.DecodeOption(n, f, "align.features")
}

func (a *AlignOptions) validate(p *strictyaml.Problems, tie string) {
	const f = "align."
	// Empty features with alignment off is a configuration written before the key existed.
	if a.Factors > 0 || a.Features != "" {
		if err := strictyaml.CheckOption("config: train.align.features", a.Features); err != nil {
			p.Add(err)
		}
	}
	p.Refuse(a.Factors < 0, f+"factors", "%d, want ≥ 0 (0: no alignment)", a.Factors)
	p.Refuse(!(a.Weight >= 0) || math.IsInf(a.Weight, 0), f+"weight", "%g, want a finite λ ≥ 0", a.Weight)
	p.Refuse(a.Factors <= 0 && a.Weight != 0, f+"weight",
		"%g, but align.factors is %d: alignment is off; set align.factors > 0", a.Weight, a.Factors)
	p.Refuse(a.Factors <= 0 && a.Label != "", f+"label",
		"%q, but align.factors is %d: alignment is off; set align.factors > 0", a.Label, a.Factors)
	p.Refuse(a.Factors > 0 && tie != "", f+"factors",
		"%d, but train.tie_embeddings is %q: aligned embeddings are one per segment", a.Factors, tie)
}

// Alignment is what maps a segment's activity to its anchor (AlignOptions), fitted on the
// training segments by fitAlignment and saved with the model (modelfile.go), so that held-out
// and new segments get their anchors by the same computation as the training segments.
//
// A segment s of session k, of at least Tc bins, with activity y_s (Tc × M) has the factor
// trajectory z_s = ((y_s − Mean) ⊙ Scale)[:, Neurons[k]] · ReadIn[k] (Tc × Factors, unobserved
// neurons contributing 0), its features f_s (the trajectory averaged into Windows windows,
// flattened, or lagMoments of it), and the anchor a_s = (f_s − FeatureMean) · Project
// (Project: the first D right singular vectors of the centred training features, scaled by
// √n/σ₀ so that the first score has unit standard deviation over the n training segments).
// The factor PCA of step 2 enters only through the read-ins, which regress onto it.
type Alignment struct {
	Features AlignFeatures
	// Tc is the number of leading bins read; Factors the dimension F of the shared space;
	// Windows the number of windows W the trajectory is averaged into (trajectory features).
	Tc, Factors, Windows int
	// Mean and Scale z-score each of the M neurons: (y − Mean)·Scale (Scale 0 for a neuron
	// constant over the condition averages).
	Mean, Scale []float64
	// Sessions names the sessions (data.Dataset.Sessions); Neurons[k] are session k's neurons
	// observed in training and ReadIn[k] its len(Neurons[k]) × Factors read-in, row-major
	// (both nil for a session without training segments).
	Sessions []string
	Neurons  [][]int
	ReadIn   [][]float64
	// FeatureMean (len P) centres the features; Project is P × D, row-major.
	FeatureMean, Project []float64
}

// features returns the number P of features of one segment.
func (a *Alignment) features() int {
	if a.Features == AlignMoments {
		return momentsSize(a.Tc, a.Factors)
	}
	return a.Windows * a.Factors
}

// segmentFeatures writes the features f_s of dataset segment s, of session k, into row.
func (a *Alignment) segmentFeatures(ds *data.Dataset, s, k int, row []float64) {
	Tc, F, M := a.Tc, a.Factors, ds.M
	ns := a.Neurons[k]
	y := ds.Segment(s)
	Ys := mat.NewDense(Tc, len(ns), nil)
	for j, m := range ns {
		if !ds.IsObserved(s, m) {
			continue // the neuron's mean: 0 after z-scoring
		}
		for t := range Tc {
			Ys.Set(t, j, (y[t*M+m]-a.Mean[m])*a.Scale[m])
		}
	}
	var zs mat.Dense
	zs.Mul(Ys, mat.NewDense(len(ns), F, a.ReadIn[k]))
	clear(row)
	if a.Features == AlignMoments {
		copy(row, lagMoments(mat.NewDense(1, Tc*F, zs.RawMatrix().Data), Tc, F).RawRowView(0))
		return
	}
	W := a.Windows
	winSize := make([]float64, W)
	for t := range Tc {
		winSize[t*W/Tc]++ // bin t averages into window ⌊t·W/T_c⌋
	}
	for t := range Tc {
		w := t * W / Tc
		for f, v := range zs.RawRowView(t) {
			row[w*F+f] += v / winSize[w]
		}
	}
}

// Anchors returns the anchors of dataset segments idx, row i of a len(idx)×D slice. A segment
// shorter than Tc bins has no anchor: its row is zero and ok[i] false. A segment of a session
// the alignment does not know (by name), or has no read-in for, is an error naming it.
func (a *Alignment) Anchors(ds *data.Dataset, idx []int) (anchors []float64, ok []bool, err error) {
	if ds.M != len(a.Mean) {
		return nil, nil, fmt.Errorf("%s: %d neurons, the alignment was fitted to %d", name(ds), ds.M, len(a.Mean))
	}
	names, of, err := ds.Sessions()
	if err != nil {
		return nil, nil, err
	}
	// known[k] is the alignment's number of the dataset's session k, −1 if it has none.
	known := make([]int, len(names))
	for k, n := range names {
		known[k] = slices.Index(a.Sessions, n)
	}
	P := a.features()
	D := len(a.Project) / P
	anchors = make([]float64, len(idx)*D)
	ok = make([]bool, len(idx))
	f := make([]float64, P)
	for i, s := range idx {
		if s < 0 || s >= ds.S {
			return nil, nil, fmt.Errorf("%s: segment %d out of range [0, %d)", name(ds), s, ds.S)
		}
		k := known[of[s]]
		if k < 0 || a.ReadIn[k] == nil {
			return nil, nil, fmt.Errorf("%s: segment %d: session %q had no training segment, so train.align has no read-in to anchor it", name(ds), s, names[of[s]])
		}
		if ds.Lengths[s] < a.Tc {
			continue
		}
		a.segmentFeatures(ds, s, k, f)
		row := anchors[i*D : (i+1)*D]
		for p, v := range f {
			v -= a.FeatureMean[p]
			for j, w := range a.Project[p*D : (p+1)*D] {
				row[j] += v * w
			}
		}
		ok[i] = true
	}
	return anchors, ok, nil
}

// check verifies the shapes of a (read from a model file) against M neurons and D dimensions.
func (a *Alignment) check(M, D int) error {
	if err := strictyaml.CheckOption("align/meta_json: features", a.Features); err != nil {
		return err
	}
	if a.Tc < 1 || a.Factors < 1 || (a.Features == AlignTrajectory && (a.Windows < 1 || a.Windows > a.Tc)) {
		return fmt.Errorf("align/meta_json: tc %d, factors %d, windows %d: want tc, factors ≥ 1 and 1 ≤ windows ≤ tc", a.Tc, a.Factors, a.Windows)
	}
	if len(a.Mean) != M || len(a.Scale) != M {
		return fmt.Errorf("align/mean, align/scale: %d and %d values, want %d (neurons)", len(a.Mean), len(a.Scale), M)
	}
	P := a.features()
	if len(a.FeatureMean) != P || len(a.Project) != P*D {
		return fmt.Errorf("align/feature_mean, align/project: %d and %d values, want %d and %d×%d", len(a.FeatureMean), len(a.Project), P, P, D)
	}
	if len(a.Neurons) != len(a.Sessions) || len(a.ReadIn) != len(a.Sessions) {
		return fmt.Errorf("align: %d sessions but %d neuron lists and %d read-ins", len(a.Sessions), len(a.Neurons), len(a.ReadIn))
	}
	for k, ns := range a.Neurons {
		for j, m := range ns {
			if m < 0 || m >= M || (j > 0 && m <= ns[j-1]) {
				return fmt.Errorf("align/neurons/%d[%d] = %d: want increasing neuron indices in [0, %d)", k, j, m, M)
			}
		}
		if a.ReadIn[k] != nil && (len(ns) == 0 || len(a.ReadIn[k]) != len(ns)*a.Factors) {
			return fmt.Errorf("align/readin/%d: %d values for %d neurons, want ≥ 1 neuron and %d×%d values", k, len(a.ReadIn[k]), len(ns), len(ns), a.Factors)
		}
	}
	return nil
}

// fitAlignment fits the alignment (AlignOptions) on training segments trainIdx and returns it
// with their anchors, row i of a len(trainIdx)×D slice (by Alignment.Anchors).
func fitAlignment(o *AlignOptions, ds *data.Dataset, trainIdx []int, D int) (*Alignment, []float64, error) {
	if len(trainIdx) < 2 {
		return nil, nil, fmt.Errorf("train.align: %d training segment(s), want ≥ 2", len(trainIdx))
	}
	names, of, err := ds.Sessions()
	if err != nil {
		return nil, nil, err
	}
	cond := make([]string, ds.S)
	if o.Label != "" {
		if cond, err = ds.LabelValues(o.Label); err != nil {
			return nil, nil, fmt.Errorf("train.align.label: %w", err)
		}
	}
	values, ci := codeFirstSeen(cond, trainIdx)
	Tc := ds.T
	for _, s := range trainIdx {
		Tc = min(Tc, ds.Lengths[s])
	}
	C, M := len(values), ds.M
	// Every session must hold every condition: a read-in fitted on some conditions would put
	// the others anywhere.
	has := make([][]bool, len(names))
	for k := range has {
		has[k] = make([]bool, C)
	}
	inSession := make([]bool, len(names))
	for i, s := range trainIdx {
		has[of[s]][ci[i]], inSession[of[s]] = true, true
	}
	for k, h := range has {
		if !inSession[k] {
			continue
		}
		if c := slices.Index(h, false); c >= 0 {
			return nil, nil, fmt.Errorf("%s: train.align.label %q: session %q has no training segment with value %q; every session needs every condition to be aligned (choose another label, or leave it empty)",
				name(ds), o.Label, names[k], values[c])
		}
	}
	// Step 1: the condition averages, per neuron over the segments that observed it.
	sum := make([]float64, C*Tc*M)
	cnt := make([]float64, C*M)
	for i, s := range trainIdx {
		y := ds.Segment(s)
		for m := range M {
			if !ds.IsObserved(s, m) {
				continue
			}
			cnt[ci[i]*M+m]++
			for t := range Tc {
				sum[(ci[i]*Tc+t)*M+m] += y[t*M+m]
			}
		}
	}
	X := mat.NewDense(C*Tc, M, nil)
	al := &Alignment{Features: o.Features, Tc: Tc, Sessions: names,
		Mean: make([]float64, M), Scale: make([]float64, M)}
	for m := range M {
		for c := range C {
			for t := range Tc {
				if cnt[c*M+m] > 0 {
					X.Set(c*Tc+t, m, sum[(c*Tc+t)*M+m]/cnt[c*M+m])
				}
			}
		}
		col := mat.Col(nil, m, X)
		var mu, v float64
		for _, x := range col {
			mu += x
		}
		mu /= float64(len(col))
		for _, x := range col {
			v += (x - mu) * (x - mu)
		}
		sd := math.Sqrt(v / float64(len(col)))
		al.Mean[m] = mu
		if sd > 0 {
			al.Scale[m] = 1 / sd
		}
		for r := range col {
			X.Set(r, m, (col[r]-mu)*al.Scale[m])
		}
	}
	// Step 2: the shared factors.
	F := min(o.Factors, C*Tc, M)
	al.Factors = F
	al.Windows = windows(Tc, F)
	var svd mat.SVD
	if !svd.Factorize(X, mat.SVDThin) {
		return nil, nil, fmt.Errorf("train.align: the SVD of the condition averages did not converge")
	}
	var V mat.Dense
	svd.VTo(&V)
	Z := mat.NewDense(C*Tc, F, nil)
	Z.Mul(X, V.Slice(0, M, 0, F))
	// Step 3: each session's read-in, over the neurons its training segments observed.
	al.Neurons = make([][]int, len(names))
	al.ReadIn = make([][]float64, len(names))
	for k := range names {
		seen := make([]bool, M)
		for _, s := range trainIdx {
			if of[s] != k {
				continue
			}
			for m := range M {
				seen[m] = seen[m] || ds.IsObserved(s, m)
			}
		}
		for m, ok := range seen {
			if ok {
				al.Neurons[k] = append(al.Neurons[k], m)
			}
		}
	}
	for k, ns := range al.Neurons {
		if len(ns) == 0 {
			continue
		}
		Xk := mat.NewDense(C*Tc, len(ns), nil)
		for j, m := range ns {
			Xk.SetCol(j, mat.Col(nil, m, X))
		}
		var G mat.SymDense
		G.SymOuterK(1, Xk.T())
		eps := 1e-3 * mat.Trace(&G) / float64(len(ns))
		if eps == 0 {
			eps = 1e-3
		}
		for j := range ns {
			G.SetSym(j, j, G.At(j, j)+eps)
		}
		var rhs, Rk mat.Dense
		rhs.Mul(Xk.T(), Z)
		var ch mat.Cholesky
		if !ch.Factorize(&G) {
			return nil, nil, fmt.Errorf("train.align: session %q: the read-in's normal equations are not positive definite", names[k])
		}
		if err := ch.SolveTo(&Rk, &rhs); err != nil {
			return nil, nil, fmt.Errorf("train.align: session %q: %w", names[k], err)
		}
		al.ReadIn[k] = mat.DenseCopyOf(&Rk).RawMatrix().Data
	}
	// Step 4: every training segment's factor trajectory, flattened (or its moments).
	n := len(trainIdx)
	P := al.features()
	traj := mat.NewDense(n, P, nil)
	for i, s := range trainIdx {
		al.segmentFeatures(ds, s, of[s], traj.RawRowView(i))
	}
	// Step 5: the first D principal directions of the centred features, as a projection.
	al.FeatureMean = make([]float64, P)
	for j := range P {
		var mu float64
		for i := range n {
			mu += traj.At(i, j)
		}
		mu /= float64(n)
		al.FeatureMean[j] = mu
		for i := range n {
			traj.Set(i, j, traj.At(i, j)-mu)
		}
	}
	if !svd.Factorize(traj, mat.SVDThin) {
		return nil, nil, fmt.Errorf("train.align: the SVD of the factor trajectories did not converge")
	}
	sv := svd.Values(nil)
	if len(sv) == 0 || sv[0] == 0 {
		return nil, nil, fmt.Errorf("%s: train.align: the training segments' factor trajectories are all equal; nothing to align", name(ds))
	}
	var Vf mat.Dense
	svd.VTo(&Vf)
	// The scores (f_s − f̄)·v_j = U_sj σ_j; the first has standard deviation σ₀/√n, scaled to 1.
	al.Project = make([]float64, P*D)
	scale := math.Sqrt(float64(n)) / sv[0]
	for j := range min(D, len(sv)) {
		for p := range P {
			al.Project[p*D+j] = Vf.At(p, j) * scale
		}
	}
	anchors, ok, err := al.Anchors(ds, trainIdx)
	if err != nil {
		return nil, nil, err
	}
	if i := slices.Index(ok, false); i >= 0 { // Tc is the shortest training segment
		return nil, nil, fmt.Errorf("train.align: training segment %d shorter than T_c = %d", trainIdx[i], Tc)
	}
	return al, anchors, nil
}

// alignPenalty adds λ/2 · (1/B) Σ_b ‖e_b − a_b‖² over the embedding rows emb of a minibatch
// of B segments (anchor rows anchorRows; emb may leave out a batch's unanchored segments) to
// the loss it returns, and its gradient λ/B (e_b − a_b) to gLocal. local holds the embedding
// table first, D values per row (model.LocalLayout). The 1/B matches the embedding prior's and
// the data term's batch mean (model.Pass), in training and in inference alike.
func alignPenalty[T model.Float](lambda float64, B, D int, local []T, emb, anchorRows []int, anchors []float64, gLocal []T) float64 {
	if lambda == 0 || len(emb) == 0 {
		return 0
	}
	w := lambda / float64(B)
	var sum float64
	for b, g := range emb {
		a := anchors[anchorRows[b]*D : (anchorRows[b]+1)*D]
		e := local[g*D : (g+1)*D]
		ge := gLocal[g*D : (g+1)*D]
		for j := range D {
			d := float64(e[j]) - a[j]
			sum += d * d
			ge[j] += T(w * d)
		}
	}
	return 0.5 * w * sum
}

// alignColumns bounds the features of one segment's flattened trajectory (T_c × F values),
// which with the training segments make the matrix of step 5: 24 000 segments of 1 000 bins and 8
// factors would need 1.5 GB, bounded so to 200 MB.
const alignColumns = 1024

// windows returns the number of time windows W ≤ T_c the trajectory is averaged into, so that
// W·F ≤ alignColumns (W = T_c, the trajectory itself, when it fits).
func windows(Tc, F int) int {
	return max(1, min(Tc, alignColumns/F))
}

// momentsSize is the number of values lagMoments gives a trajectory of T_c bins and F factors.
func momentsSize(Tc, F int) int {
	n := F
	for _, L := range alignLags {
		if L < Tc {
			n += F * F
		}
	}
	return n
}

// alignLags are the lags, in bins, of the covariances lagMoments takes.
var alignLags = []int{0, 1, 2, 4, 8}

// lagMoments maps each row of traj, a flattened T_c × F trajectory z_t, to its moments: the
// mean z̄ (F values) and, for each lag L of alignLags below T_c, the lagged covariance
// (1/(T_c−L)) Σ_t (z_t − z̄)(z_{t+L} − z̄)ᵀ (F × F values). Shifting a periodic trajectory in
// time leaves them unchanged (up to the ends).
func lagMoments(traj *mat.Dense, Tc, F int) *mat.Dense {
	n, _ := traj.Dims()
	var lags []int
	for _, L := range alignLags {
		if L < Tc {
			lags = append(lags, L)
		}
	}
	out := mat.NewDense(n, momentsSize(Tc, F), nil)
	mu := make([]float64, F)
	for i := range n {
		z := traj.RawRowView(i)
		row := out.RawRowView(i)
		clear(mu)
		for t := range Tc {
			for a := range F {
				mu[a] += z[t*F+a] / float64(Tc)
			}
		}
		copy(row, mu)
		for li, L := range lags {
			c := row[F+li*F*F : F+(li+1)*F*F]
			for t := 0; t+L < Tc; t++ {
				for a := range F {
					za := z[t*F+a] - mu[a]
					for b := range F {
						c[a*F+b] += za * (z[(t+L)*F+b] - mu[b])
					}
				}
			}
			for j := range c {
				c[j] /= float64(Tc - L)
			}
		}
	}
	return out
}
