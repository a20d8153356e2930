package train

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/model"
)

// heldAlignSplit is a split of alignedSessions(…, 36, …) over three sessions whose training
// side holds every (session, condition) and whose held-out side holds one segment of each.
func heldAlignSplit() (train, held []int) {
	return seq(0, 27), seq(27, 36)
}

func TestAlignmentAnchorsHeldOut(t *testing.T) {
	ds := alignedSessions(t, []int{2, 3, 4}, 36, 20, 0.2, 0.3, 3)
	train, held := heldAlignSplit()
	const D = 3
	o := &AlignOptions{Factors: 2, Label: "cond", Features: AlignTrajectory}
	al, anchors, err := fitAlignment(o, ds, train, D)
	if err != nil {
		t.Fatal(err)
	}
	// Step 5 as principal component scores, independently of the projection: U_j σ_j / σ₀ · √n
	// of the centred training features.
	n, P := len(train), al.features()
	feat := mat.NewDense(n, P, nil)
	_, of, err := ds.Sessions()
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range train {
		al.segmentFeatures(ds, s, of[s], feat.RawRowView(i))
	}
	for j := range P {
		col := mat.Col(nil, j, feat)
		var mu float64
		for _, v := range col {
			mu += v / float64(n)
		}
		for i := range n {
			feat.Set(i, j, col[i]-mu)
		}
	}
	var svd mat.SVD
	if !svd.Factorize(feat, mat.SVDThin) {
		t.Fatal("SVD failed")
	}
	sv := svd.Values(nil)
	var U mat.Dense
	svd.UTo(&U)
	for i := range n {
		for j := range D {
			want := U.At(i, j) * sv[j] / sv[0] * math.Sqrt(float64(n))
			if got := anchors[i*D+j]; math.Abs(got-want) > 1e-9 {
				t.Fatalf("anchor %d[%d] = %.12g, principal component score %.12g", i, j, got, want)
			}
		}
	}

	// The held-out anchors the fit's alignment gives are those the model file's gives, exactly,
	// and the training anchors are the same computation's.
	heldFit, ok, err := al.Anchors(ds, held)
	if err != nil {
		t.Fatal(err)
	}
	if i := slices.Index(ok, false); i >= 0 {
		t.Fatalf("held-out segment %d not anchored", held[i])
	}
	if again, _, _ := al.Anchors(ds, train); !slices.Equal(again, anchors) {
		t.Fatal("Anchors of the training segments differ from fitAlignment's")
	}
	cfg := smallConfig(ds.M)
	cfg.Model.D = D
	cfg.DType = "float64"
	cfg.Train.Align = *o
	cfg.Train.Align.Weight = 0.5
	tr, err := newTrainer[float64](cfg, ds, train, held)
	if err != nil {
		t.Fatal(err)
	}
	tr.init()
	path := filepath.Join(t.TempDir(), "model.npz")
	if err := SaveModel(path, tr.fitted(false)); err != nil {
		t.Fatal(err)
	}
	f, err := LoadModel(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(f.Align, al) {
		t.Fatalf("the model file's alignment differs from the fit's:\n%+v\n%+v", f.Align, al)
	}
	heldFile, _, err := f.Align.Anchors(ds, held)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(heldFile, heldFit) {
		t.Fatalf("held-out anchors from the model file %v, at fit time %v", heldFile, heldFit)
	}
	// They are anchors: each is nearest the centroid of its condition's training anchors.
	for i, s := range held {
		best, bestD := -1, math.Inf(1)
		for c := range 3 {
			var d2 float64
			for j := range D {
				var mu float64
				k := 0
				for r, u := range train {
					if u%3 == c {
						mu += anchors[r*D+j]
						k++
					}
				}
				d := heldFit[i*D+j] - mu/float64(k)
				d2 += d * d
			}
			if d2 < bestD {
				best, bestD = c, d2
			}
		}
		if best != s%3 {
			t.Errorf("held-out segment %d (condition %d): anchor nearest condition %d", s, s%3, best)
		}
	}

	// A segment shorter than T_c has no anchor; one of a session without training segments is
	// an error naming it.
	short := *ds
	short.Lengths = slices.Clone(ds.Lengths)
	short.Lengths[held[4]] = al.Tc - 1
	if _, ok, err := al.Anchors(&short, held); err != nil || ok[4] || !ok[3] {
		t.Errorf("a segment shorter than T_c: ok %v, error %v; want it alone unanchored", ok, err)
	}
	other := *ds
	other.Labels = map[string]data.Label{}
	for k, v := range ds.Labels {
		other.Labels[k] = v
	}
	ses := slices.Clone(ds.Labels[data.SessionLabel].Values)
	ses[held[2]] = "zz"
	other.Labels[data.SessionLabel] = data.Label{Kind: data.StringLabel, Values: ses}
	if _, _, err := al.Anchors(&other, held); err == nil || !strings.Contains(err.Error(), `"zz"`) || !strings.Contains(err.Error(), "segment 29") {
		t.Errorf("a session unknown to the alignment: error %v, want one naming segment 29 and session \"zz\"", err)
	}
}

func TestInferAligned(t *testing.T) {
	ds, held, f := alignedUnfitted(t, 4, 0.5)
	anchors, _, err := f.Align.Anchors(ds, held)
	if err != nil {
		t.Fatal(err)
	}
	// No steps: the embeddings are the anchors.
	res, err := Infer(f, ds, held, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Embeddings, anchors) || res.Unanchored != nil {
		t.Fatalf("inferred with no steps %v (unanchored %v), want the anchors %v", res.Embeddings, res.Unanchored, anchors)
	}

	// The pull holds the optimised embeddings nearer their anchors than no pull does.
	dist := func(weight float64) float64 {
		g := *f
		g.Config.Train.Align.Weight = weight
		res, err := Infer(&g, ds, held, 30)
		if err != nil {
			t.Fatal(err)
		}
		var d2 float64
		for i, v := range res.Embeddings {
			d2 += (v - anchors[i]) * (v - anchors[i])
		}
		return math.Sqrt(d2)
	}
	if free, pulled := dist(0), dist(20); !(pulled < 0.5*free) || free == 0 {
		t.Errorf("after 30 steps the embeddings are %g from their anchors with λ = 20, %g with λ = 0", pulled, free)
	}

	// A model file without the alignment (one written before it was saved) loads without one
	// and infers as a model fitted without alignment: the usual start, no pull.
	old := *f
	old.Align = nil
	path := filepath.Join(t.TempDir(), "model.npz")
	if err := SaveModel(path, &old); err != nil {
		t.Fatal(err)
	}
	loaded, err := LoadModel(path)
	if err != nil {
		t.Fatal(err)
	}
	if loaded.Align != nil {
		t.Fatal("a model file without align/ arrays loaded with an alignment")
	}
	free := old
	free.Config.Train.Align = AlignOptions{Features: AlignTrajectory}
	for _, steps := range []int{0, 20} {
		a, err := Infer(loaded, ds, held, steps)
		if err != nil {
			t.Fatal(err)
		}
		b, err := Infer(&free, ds, held, steps)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(a.Embeddings, b.Embeddings) || a.R2 != b.R2 {
			t.Errorf("%d steps: the file without alignment infers %v (R² %g), a model without alignment %v (R² %g)", steps, a.Embeddings, a.R2, b.Embeddings, b.R2)
		}
		if steps == 0 && slices.Equal(a.Embeddings, anchors) {
			t.Error("without the alignment the embeddings start at the anchors")
		}
	}
}

func TestInferGradientAligned(t *testing.T) {
	// The inference objective with the pull toward the anchors, against central finite
	// differences in every embedding and some initial-state entries; batches of 4 of the 9
	// segments, one of them unanchored.
	ds, held, f := alignedUnfitted(t, 5, 2)
	pull, err := f.anchorPull(ds, held)
	if err != nil {
		t.Fatal(err)
	}
	pull.ok[5] = false
	m, err := f.Model()
	if err != nil {
		t.Fatal(err)
	}
	ll := model.NewLocalLayout(&m.Cfg, len(held), len(held))
	local := make([]float64, ll.Size)
	rng := rand.New(rand.NewPCG(9, 9))
	for i := range local {
		local[i] = 0.5 * rng.NormFloat64()
	}
	pass := model.NewPass[float64](m)
	st := stage[float64](ds, held, false)
	var bt model.Batch[float64]
	emb := seq(0, len(held))
	g := make([]float64, len(local))
	if _, err := inferGradient(pass, st, &bt, f.Theta, local, &ll, emb, 4, pull, g); err != nil {
		t.Fatal(err)
	}
	// The pull's share, so that the check is known to see it.
	pen := make([]float64, len(local))
	alignPenalty(pull.lambda, 4, ll.D, local, []int{0}, []int{0}, pull.anchors, pen)
	if math.Abs(pen[0]) < 1e-2 {
		t.Fatalf("the pull's gradient is %g: the check would not see it", pen[0])
	}
	loss := func() float64 {
		l, err := inferGradient(pass, st, &bt, f.Theta, local, &ll, emb, 4, pull, make([]float64, len(local)))
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	check := slices.Collect(func(yield func(int) bool) {
		for i := range ll.G * ll.D {
			yield(i)
		}
		for i := ll.X0Off; i < ll.Size; i += 7 {
			yield(i)
		}
	})
	const h = 1e-6
	for _, i := range check {
		fd := centralDifference(&local[i], h, loss)
		if math.Abs(fd-g[i]) > 1e-6*math.Max(1, math.Abs(fd)) {
			t.Errorf("∂L/∂local[%d]: analytic %.9g, finite differences %.9g", i, g[i], fd)
		}
	}
}

func TestAlignmentCheckRefuses(t *testing.T) {
	// A model file's alignment with a wrong shape is refused with the array named.
	ds := alignedSessions(t, []int{2, 3, 4}, 36, 20, 0.2, 0.3, 6)
	train, _ := heldAlignSplit()
	const D = 3
	al, _, err := fitAlignment(&AlignOptions{Factors: 2, Label: "cond", Features: AlignTrajectory}, ds, train, D)
	if err != nil {
		t.Fatal(err)
	}
	if err := al.check(ds.M, D); err != nil {
		t.Fatalf("the fitted alignment: %v", err)
	}
	for want, breakIt := range map[string]func(a *Alignment){
		"align/mean":         func(a *Alignment) { a.Mean = a.Mean[1:] },
		"align/project":      func(a *Alignment) { a.Project = a.Project[1:] },
		"align/neurons/1[0]": func(a *Alignment) { a.Neurons[1] = []int{ds.M} },
		"align/readin/2":     func(a *Alignment) { a.Neurons[2] = nil },
		"features":           func(a *Alignment) { a.Features = "pca" },
		"windows":            func(a *Alignment) { a.Windows = a.Tc + 1 },
	} {
		b := *al
		b.Neurons = slices.Clone(al.Neurons)
		breakIt(&b)
		if err := b.check(ds.M, D); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("broken %s: error %v, want one naming it", want, err)
		}
	}
}

// alignedUnfitted returns aligned sessions drawn with seed, the held-out side of their split,
// and the initial (unfitted) float64 model of D = 3 aligned on them with pull weight w.
func alignedUnfitted(t *testing.T, seed uint64, w float64) (*data.Dataset, []int, *Fitted) {
	t.Helper()
	ds := alignedSessions(t, []int{2, 3, 4}, 36, 20, 0.2, 0.3, seed)
	train, held := heldAlignSplit()
	cfg := smallConfig(ds.M)
	cfg.Model.D = 3
	cfg.DType = "float64"
	cfg.Train.Align = AlignOptions{Factors: 2, Label: "cond", Weight: w, Features: AlignTrajectory}
	tr, err := newTrainer[float64](cfg, ds, train, held)
	if err != nil {
		t.Fatal(err)
	}
	tr.init()
	return ds, held, tr.fitted(false)
}
