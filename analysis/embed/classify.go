package embed

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// Method is a classifier for Classify. Both standardise every feature to zero mean and unit
// variance with the training fold's statistics before fitting.
type Method int

const (
	// KNN votes among the k = 5 nearest training embeddings (Euclidean), ties going to the tied
	// class with the closest member.
	KNN Method = iota
	// Logistic is multinomial logistic regression with an L2 penalty on the weights (not the
	// intercepts) of strength 1/(2C), C = 1 as in scikit-learn, fitted by Newton's method.
	Logistic
)

// String returns "knn" or "logistic".
func (m Method) String() string {
	switch m {
	case KNN:
		return "knn"
	case Logistic:
		return "logistic"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// Classification is the cross-validated decoding of a label from embeddings.
type Classification struct {
	Method Method
	// Classes are the distinct labels in sorted order; they index ClassAccuracy and Confusion.
	Classes []string
	// Accuracy is the mean over folds of the fraction of held-out segments labelled correctly,
	// AccuracySD its sample standard deviation over folds (divisor folds−1), and FoldAccuracy
	// the per-fold values.
	Accuracy, AccuracySD float64
	FoldAccuracy         []float64
	// ClassAccuracy[c] is the fraction of class c's segments labelled correctly when held out
	// (its recall, pooled over folds): Confusion[c][c] / Σ_j Confusion[c][j].
	ClassAccuracy []float64
	// Confusion[i][j] counts the segments of class i labelled j when held out. Every segment is
	// held out exactly once, so row i sums to the number of segments of class i.
	Confusion [][]int
	// Chance is the frequency of the most common class: the accuracy of always guessing it.
	Chance float64
}

// Classify estimates how well labels can be decoded from embeddings X (S×d, one row per segment,
// labels[s] the label of row s) by stratified k-fold cross-validation: the segments are split
// into folds (2 ≤ folds ≤ S) that each hold every class in about its overall proportion (a class
// with fewer members than folds is missing from some), and each fold is labelled by method
// trained on the others. The split is a deterministic function of seed. At least two classes are
// needed.
func Classify(X mat.Matrix, labels []string, folds int, seed uint64, method Method) (*Classification, error) {
	S, d := X.Dims()
	if err := checkLabels("Classify", S, labels); err != nil {
		return nil, err
	}
	if d < 1 {
		return nil, fmt.Errorf("embed: Classify: embeddings have no dimensions")
	}
	if method != KNN && method != Logistic {
		return nil, fmt.Errorf("embed: Classify: unknown method %v", method)
	}
	if err := checkFinite("X", X); err != nil {
		return nil, err
	}
	classes, y := encode(labels)
	K := len(classes)
	if K < 2 {
		return nil, fmt.Errorf("embed: Classify: classes %q: need at least two to decode", classes)
	}
	rng := rand.New(rand.NewPCG(seed, 0x6a09e667f3bcc908))
	testFolds, err := stratifiedFolds(y, K, folds, rng)
	if err != nil {
		return nil, err
	}

	res := &Classification{
		Method:        method,
		Classes:       classes,
		FoldAccuracy:  make([]float64, folds),
		ClassAccuracy: make([]float64, K),
		Confusion:     make([][]int, K),
	}
	for c := range res.Confusion {
		res.Confusion[c] = make([]int, K)
	}
	inTest := make([]bool, S)
	for f, test := range testFolds {
		clear(inTest)
		for _, i := range test {
			inTest[i] = true
		}
		train := make([]int, 0, S-len(test))
		for i := range S {
			if !inTest[i] {
				train = append(train, i)
			}
		}
		pred, err := trainPredict(X, y, K, train, test, method)
		if err != nil {
			return nil, fmt.Errorf("%w (fold %d)", err, f)
		}
		var correct int
		for r, i := range test {
			res.Confusion[y[i]][pred[r]]++
			if pred[r] == y[i] {
				correct++
			}
		}
		res.FoldAccuracy[f] = float64(correct) / float64(len(test))
	}
	res.Accuracy, res.AccuracySD = stat.MeanStdDev(res.FoldAccuracy, nil)
	var most int
	for c, row := range res.Confusion {
		var n int
		for _, v := range row {
			n += v
		}
		res.ClassAccuracy[c] = float64(row[c]) / float64(n)
		most = max(most, n)
	}
	res.Chance = float64(most) / float64(S)
	return res, nil
}

// logisticFold fits logistic regression on the classes present in ytrain (values in 0…K−1) and
// labels the rows of test. A class absent from the training fold (possible when it has fewer
// members than there are folds) is left out of the fit, since its likelihood would push its
// intercept to −∞; it is then never predicted, which is all the training data can support.
func logisticFold(train *mat.Dense, ytrain []int, K int, test *mat.Dense) ([]int, error) {
	local := make([]int, K) // class → index among present classes, or −1
	for c := range local {
		local[c] = -1
	}
	var present []int
	for _, c := range ytrain {
		if local[c] < 0 {
			local[c] = 0
			present = append(present, c)
		}
	}
	slices.Sort(present)
	for i, c := range present {
		local[c] = i
	}
	m, _ := test.Dims()
	pred := make([]int, m)
	if len(present) == 1 {
		for i := range pred {
			pred[i] = present[0]
		}
		return pred, nil
	}
	y := make([]int, len(ytrain))
	for i, c := range ytrain {
		y[i] = local[c]
	}
	theta, err := fitLogistic(train, y, len(present))
	if err != nil {
		return nil, err
	}
	for i, c := range logisticPredict(theta, len(present), test) {
		pred[i] = present[c]
	}
	return pred, nil
}

// trainPredict standardises every feature with the statistics of the rows train of X, fits
// method to those rows (y[i] the class of row i, K classes) and returns the class it gives each
// of the rows test, in their order: the one train-then-predict step of Classify's folds and of
// TransferDecode.
func trainPredict(X mat.Matrix, y []int, K int, train, test []int, method Method) ([]int, error) {
	ytrain := make([]int, len(train))
	for r, i := range train {
		ytrain[r] = y[i]
	}
	sc := fitScaler(X, train)
	Ztrain, Ztest := sc.apply(X, train), sc.apply(X, test)
	if method == KNN {
		return knnPredict(Ztrain, ytrain, K, Ztest), nil
	}
	return logisticFold(Ztrain, ytrain, K, Ztest)
}
