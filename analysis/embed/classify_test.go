package embed

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// blobs returns Gaussian clusters of the given sizes in d dimensions, centres `sep` apart along
// separate axes, unit spread, labelled "c0", "c1", …
func blobs(rng *rand.Rand, sizes []int, d int, sep float64) (*mat.Dense, []string) {
	var n int
	for _, s := range sizes {
		n += s
	}
	X := mat.NewDense(n, d, nil)
	labels := make([]string, 0, n)
	i := 0
	for c, s := range sizes {
		for range s {
			for j := 0; j < d; j++ {
				v := rng.NormFloat64()
				if j == c%d {
					v += sep
				}
				X.Set(i, j, v)
			}
			labels = append(labels, fmt.Sprintf("c%d", c))
			i++
		}
	}
	return X, labels
}

func TestClassifySeparatedBlobs(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	sizes := []int{40, 30, 20}
	X, labels := blobs(rng, sizes, 4, 12)
	for _, m := range []Method{KNN, Logistic} {
		res, err := Classify(X, labels, 5, 1, m)
		if err != nil {
			t.Fatalf("%v: %v", m, err)
		}
		if res.Accuracy != 1 || res.AccuracySD != 0 {
			t.Errorf("%v: accuracy %v ± %v on separated blobs, want 1 ± 0", m, res.Accuracy, res.AccuracySD)
		}
		if want := 40.0 / 90; math.Abs(res.Chance-want) > 1e-15 {
			t.Errorf("%v: chance %v, want %v", m, res.Chance, want)
		}
		for c := range res.Classes {
			if res.ClassAccuracy[c] != 1 || res.Confusion[c][c] != sizes[c] {
				t.Errorf("%v: class %s accuracy %v, confusion row %v", m, res.Classes[c], res.ClassAccuracy[c], res.Confusion[c])
			}
		}
	}
}

func TestClassifyRandomLabelsNearChance(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	const n = 240
	X := mat.NewDense(n, 3, nil)
	labels := make([]string, n)
	for i := 0; i < n; i++ {
		for j := 0; j < 3; j++ {
			X.Set(i, j, rng.NormFloat64())
		}
		labels[i] = []string{"a", "b", "c"}[i%3]
	}
	for _, m := range []Method{KNN, Logistic} {
		res, err := Classify(X, labels, 8, 2, m)
		if err != nil {
			t.Fatalf("%v: %v", m, err)
		}
		// The labels carry no information: accuracy is chance (1/3) up to sampling noise, whose
		// standard deviation is sqrt(p(1−p)/n) ≈ 0.03 here; allow four of them.
		if math.Abs(res.Chance-1.0/3) > 1e-15 || math.Abs(res.Accuracy-res.Chance) > 0.12 {
			t.Errorf("%v: accuracy %v with random labels, chance %v", m, res.Accuracy, res.Chance)
		}
		// Every segment is held out exactly once: rows sum to class sizes, entries to n.
		var total int
		for c, row := range res.Confusion {
			var s int
			for _, v := range row {
				s += v
			}
			if s != n/3 {
				t.Errorf("%v: confusion row %d sums to %d, want %d", m, c, s, n/3)
			}
			total += s
			if want := float64(row[c]) / float64(s); res.ClassAccuracy[c] != want {
				t.Errorf("%v: class accuracy %v, confusion says %v", m, res.ClassAccuracy[c], want)
			}
		}
		if total != n {
			t.Errorf("%v: confusion total %d, want %d", m, total, n)
		}
		// The mean of the fold accuracies weighs folds equally; folds are equal-sized here (30),
		// so it equals the pooled accuracy.
		var correct int
		for c := range res.Confusion {
			correct += res.Confusion[c][c]
		}
		if math.Abs(res.Accuracy-float64(correct)/n) > 1e-12 {
			t.Errorf("%v: mean fold accuracy %v, pooled %v", m, res.Accuracy, float64(correct)/n)
		}
	}
}

// A class with fewer members than folds is missing from some training folds; both methods must
// cope (logistic regression leaves the class out of those fits) and still hold every segment out
// once.
func TestClassifyRareClass(t *testing.T) {
	rng := rand.New(rand.NewPCG(33, 34))
	X, labels := blobs(rng, []int{20, 20, 2}, 3, 10)
	for _, m := range []Method{KNN, Logistic} {
		res, err := Classify(X, labels, 5, 3, m)
		if err != nil {
			t.Fatalf("%v: %v", m, err)
		}
		for c, n := range []int{20, 20, 2} {
			var s int
			for _, v := range res.Confusion[c] {
				s += v
			}
			if s != n {
				t.Errorf("%v: class %d row sums to %d, want %d", m, c, s, n)
			}
		}
		if res.ClassAccuracy[0] != 1 || res.ClassAccuracy[1] != 1 {
			t.Errorf("%v: common classes decoded at %v", m, res.ClassAccuracy)
		}
	}
}

func TestClassifyDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 26))
	X, labels := blobs(rng, []int{15, 15}, 2, 1.5)
	a, err := Classify(X, labels, 4, 9, KNN)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Classify(X, labels, 4, 9, KNN)
	for f := range a.FoldAccuracy {
		if a.FoldAccuracy[f] != b.FoldAccuracy[f] {
			t.Fatalf("same seed, different folds: %v and %v", a.FoldAccuracy, b.FoldAccuracy)
		}
	}
}

func TestClassifyBadInput(t *testing.T) {
	X := mat.NewDense(4, 1, []float64{1, 2, 3, 4})
	two := []string{"a", "a", "b", "b"}
	if _, err := Classify(X, two[:3], 2, 0, KNN); err == nil {
		t.Error("label count: no error")
	}
	if _, err := Classify(X, []string{"a", "a", "a", "a"}, 2, 0, KNN); err == nil {
		t.Error("one class: no error")
	}
	if _, err := Classify(X, two, 1, 0, KNN); err == nil {
		t.Error("one fold: no error")
	}
	if _, err := Classify(X, two, 5, 0, KNN); err == nil {
		t.Error("more folds than segments: no error")
	}
	if _, err := Classify(X, two, 2, 0, Method(7)); err == nil {
		t.Error("unknown method: no error")
	}
	if _, err := Classify(mat.NewDense(4, 1, []float64{1, math.Inf(1), 3, 4}), two, 2, 0, KNN); err == nil {
		t.Error("Inf: no error")
	}
}

func TestStratifiedFolds(t *testing.T) {
	rng := rand.New(rand.NewPCG(27, 28))
	// Classes of 13, 7 and 3 members into 4 folds.
	var y []int
	for c, n := range []int{13, 7, 3} {
		for range n {
			y = append(y, c)
		}
	}
	folds, err := stratifiedFolds(y, 3, 4, rng)
	if err != nil {
		t.Fatal(err)
	}
	seen := make([]int, len(y))
	for f, fold := range folds {
		if len(fold) < len(y)/4 || len(fold) > len(y)/4+1 {
			t.Errorf("fold %d has %d segments", f, len(fold))
		}
		count := make([]int, 3)
		for _, i := range fold {
			seen[i]++
			count[y[i]]++
		}
		for c, n := range []int{13, 7, 3} {
			if count[c] < n/4 || count[c] > n/4+1 {
				t.Errorf("fold %d holds %d of class %d's %d members", f, count[c], c, n)
			}
		}
	}
	for i, s := range seen {
		if s != 1 {
			t.Errorf("segment %d is in %d test folds, want 1", i, s)
		}
	}
}

func TestKNNHandCases(t *testing.T) {
	train := mat.NewDense(7, 1, []float64{0, 1, 2, 10, 11, 12, 13})
	y := []int{0, 0, 0, 1, 1, 1, 1}
	// From 3 the five nearest are 2, 1, 0 (class 0) and 10, 11; from 9, all of class 1 and 2.
	got := knnPredict(train, y, 2, mat.NewDense(2, 1, []float64{3, 9}))
	if got[0] != 0 || got[1] != 1 {
		t.Errorf("knn = %v, want [0 1]", got)
	}
	// Four training points, a 2–2 vote: the class of the single nearest point wins.
	train = mat.NewDense(4, 1, []float64{0, 1, 3, 10})
	got = knnPredict(train, []int{0, 0, 1, 1}, 2, mat.NewDense(1, 1, []float64{2.4}))
	if got[0] != 1 {
		t.Errorf("knn tie = %v, want class 1 (nearest point 3)", got)
	}
}

// The analytic gradient and Hessian of the logistic loss match central differences.
func TestLogisticDerivatives(t *testing.T) {
	rng := rand.New(rand.NewPCG(29, 30))
	const n, d, K, h = 12, 3, 3, 1e-5
	X := mat.NewDense(n, d, nil)
	y := make([]int, n)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			X.Set(i, j, rng.NormFloat64())
		}
		y[i] = rng.IntN(K)
	}
	theta := make([]float64, K*(d+1))
	for i := range theta {
		theta[i] = rng.NormFloat64()
	}
	l := newLogisticLoss(X, y, K)
	P := len(theta)
	grad := make([]float64, P)
	l.Grad(grad, theta)
	H := l.Hess(theta)
	tp, tm := make([]float64, P), make([]float64, P)
	gp, gm := make([]float64, P), make([]float64, P)
	for a := 0; a < P; a++ {
		copy(tp, theta)
		copy(tm, theta)
		tp[a] += h
		tm[a] -= h
		fd := (l.Func(tp) - l.Func(tm)) / (2 * h)
		if math.Abs(fd-grad[a]) > 1e-8 {
			t.Errorf("grad[%d] = %v, finite difference %v", a, grad[a], fd)
		}
		l.Grad(gp, tp)
		l.Grad(gm, tm)
		for b := 0; b < P; b++ {
			if fd := (gp[b] - gm[b]) / (2 * h); math.Abs(fd-H.At(a, b)) > 1e-8 {
				t.Errorf("H[%d,%d] = %v, finite difference %v", a, b, H.At(a, b), fd)
			}
		}
	}
}

// At the fitted θ the gradient of the loss vanishes.
func TestFitLogisticConverges(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	X, labels := blobs(rng, []int{25, 25, 25}, 2, 2)
	_, y := encode(labels)
	theta, err := fitLogistic(X, y, 3)
	if err != nil {
		t.Fatal(err)
	}
	g := make([]float64, len(theta))
	newLogisticLoss(X, y, 3).Grad(g, theta)
	for i, v := range g {
		if math.Abs(v) > 1e-9 {
			t.Errorf("gradient[%d] = %v at the fit", i, v)
		}
	}
}

// The fitted class probabilities match scipy.optimize.minimize (BFGS with the analytic gradient,
// stopped at max |∇f| = 4.5e-9) on the same objective, f = (Σ_i CE_i + ‖W‖²/2)/n with
// unpenalised intercepts; its minimum is 0.7457830813193325.
func TestFitLogisticScipyCrossCheck(t *testing.T) {
	X := mat.NewDense(9, 2, []float64{0, 1, 1, 0.5, 0.3, -0.2, 2, 2, 1.5, 2.5, -1, 0, 0.2, 1.8, -0.5, -1, 1, 1})
	y := []int{0, 0, 0, 1, 1, 2, 1, 2, 2}
	want := []float64{
		0.381219436001, 0.238310706803, 0.380469857196,
		0.504039279189, 0.182536693437, 0.313424027374,
		0.466340692151, 0.052445304884, 0.481214002965,
		0.188413436389, 0.759312365569, 0.052274198042,
		0.111133712851, 0.851400651523, 0.037465635626,
		0.314929634767, 0.037036985118, 0.648033380116,
		0.256393952221, 0.543296916128, 0.200309131651,
		0.348379599863, 0.010294822886, 0.641325577251,
		0.429150265719, 0.325365548112, 0.245484186169,
	}
	theta, err := fitLogistic(X, y, 3)
	if err != nil {
		t.Fatal(err)
	}
	l := newLogisticLoss(X, y, 3)
	if f := l.Func(theta); math.Abs(f-0.7457830813193325) > 1e-13 {
		t.Errorf("minimum %.16g, scipy 0.7457830813193325", f)
	}
	l.probs(theta)
	for i, p := range l.z {
		if math.Abs(p-want[i]) > 1e-8 {
			t.Errorf("p[%d,%d] = %.12f, scipy %.12f", i/3, i%3, p, want[i])
		}
	}
}

// Features are standardised: a label carried by a feature of tiny scale is still decoded next to a
// feature of huge scale that carries only noise, which unstandardised distances would follow.
func TestClassifyStandardises(t *testing.T) {
	rng := rand.New(rand.NewPCG(35, 36))
	const n = 90
	X := mat.NewDense(n, 2, nil)
	labels := make([]string, n)
	for i := 0; i < n; i++ {
		c := i % 2
		X.Set(i, 0, 1e-3*(float64(6*c)+rng.NormFloat64()))
		X.Set(i, 1, 1e3*rng.NormFloat64())
		labels[i] = []string{"x", "y"}[c]
	}
	for _, m := range []Method{KNN, Logistic} {
		res, err := Classify(X, labels, 3, 4, m)
		if err != nil {
			t.Fatal(err)
		}
		if res.Accuracy < 0.95 {
			t.Errorf("%v: accuracy %v, want ≈ 1 after standardising", m, res.Accuracy)
		}
	}
}

// The scaler uses only the rows it is fitted on, and maps a constant column to zero.
func TestScaler(t *testing.T) {
	X := mat.NewDense(4, 2, []float64{1, 7, 3, 7, 100, 7, -50, 7})
	sc := fitScaler(X, []int{0, 1})
	Z := sc.apply(X, []int{0, 1, 2})
	want := mat.NewDense(3, 2, []float64{-1, 0, 1, 0, 98, 0})
	if !mat.EqualApprox(Z, want, 1e-15) {
		t.Errorf("standardised\n%v\nwant\n%v", mat.Formatted(Z), mat.Formatted(want))
	}
}
