package embed_test

import (
	"fmt"

	"github.com/jedi-neuro/jedi/analysis/embed"
	"gonum.org/v1/gonum/mat"
)

// Project 3-D embeddings on their first two principal axes.
func ExamplePCA() {
	X := mat.NewDense(4, 3, []float64{
		2, 0, 1,
		-2, 0, 1,
		0, 1, 1,
		0, -1, 1,
	})
	scores, components, explained, err := embed.PCA(X, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("explained variance: %.2f\n", explained)
	fmt.Printf("axes (columns):\n%.2f\n", mat.Formatted(components))
	fmt.Printf("scores:\n%.2f\n", mat.Formatted(scores))
	// Output:
	// explained variance: [0.80 0.20]
	// axes (columns):
	// ⎡1.00  0.00⎤
	// ⎢0.00  1.00⎥
	// ⎣0.00  0.00⎦
	// scores:
	// ⎡ 2.00   0.00⎤
	// ⎢-2.00   0.00⎥
	// ⎢ 0.00   1.00⎥
	// ⎣ 0.00  -1.00⎦
}

// Decode a task label from 2-D embeddings by 3-fold cross-validated k-NN.
func ExampleClassify() {
	X := mat.NewDense(9, 2, []float64{
		0.0, 0.1, 0.2, -0.1, -0.1, 0.0, // task "go"
		3.0, 3.1, 3.2, 2.9, 2.8, 3.0, // task "memory"
		0.1, 3.0, -0.2, 2.9, 0.0, 3.2, // task "anti"
	})
	labels := []string{"go", "go", "go", "memory", "memory", "memory", "anti", "anti", "anti"}
	res, err := embed.Classify(X, labels, 3, 1, embed.KNN)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s accuracy %.2f ± %.2f (chance %.2f)\n", res.Method, res.Accuracy, res.AccuracySD, res.Chance)
	for c, name := range res.Classes {
		fmt.Printf("%-6s %v\n", name, res.Confusion[c])
	}
	// Output:
	// knn accuracy 1.00 ± 0.00 (chance 0.33)
	// anti   [3 0 0]
	// go     [0 3 0]
	// memory [0 0 3]
}
