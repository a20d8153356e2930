package embed

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// Transfer is the decoding of a label on one set of segments by a classifier trained on another.
type Transfer struct {
	Method Method
	// Accuracy is the fraction of test rows labelled correctly.
	Accuracy float64
	// Chance is the accuracy of always guessing the training rows' most common class.
	Chance float64
	// Predicted holds the label given to each test row, in the order of test.
	Predicted []string
}

// TransferDecode trains method on the rows train of X (labels[i] the label of row i),
// standardising every feature with those rows' statistics as Classify does, and labels the rows
// test: how well a decoder fitted on some segments (one set of recording sessions) reads the
// label of others (another set). A class absent from the training rows is never predicted.
func TransferDecode(X mat.Matrix, labels []string, train, test []int, method Method) (*Transfer, error) {
	S, d := X.Dims()
	if err := checkLabels("TransferDecode", S, labels); err != nil {
		return nil, err
	}
	if d < 1 || len(train) == 0 || len(test) == 0 {
		return nil, fmt.Errorf("embed: TransferDecode: %d dimensions, %d training and %d test rows: need at least one of each", d, len(train), len(test))
	}
	if method != KNN && method != Logistic {
		return nil, fmt.Errorf("embed: TransferDecode: unknown method %v", method)
	}
	for _, i := range append(append([]int(nil), train...), test...) {
		if i < 0 || i >= S {
			return nil, fmt.Errorf("embed: TransferDecode: row %d of %d", i, S)
		}
	}
	if err := checkFinite("X", X); err != nil {
		return nil, err
	}
	classes, y := encode(labels)
	K := len(classes)
	count := make([]int, K)
	for _, i := range train {
		count[y[i]]++
	}
	pred, err := trainPredict(X, y, K, train, test, method)
	if err != nil {
		return nil, err
	}
	most := 0
	for c := range count {
		if count[c] > count[most] {
			most = c
		}
	}
	res := &Transfer{Method: method, Predicted: make([]string, len(test))}
	var correct, guess int
	for r, i := range test {
		res.Predicted[r] = classes[pred[r]]
		if pred[r] == y[i] {
			correct++
		}
		if y[i] == most {
			guess++
		}
	}
	res.Accuracy = float64(correct) / float64(len(test))
	res.Chance = float64(guess) / float64(len(test))
	return res, nil
}
