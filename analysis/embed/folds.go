package embed

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// encode maps string labels to class indices 0…K−1, classes in sorted order.
func encode(labels []string) (classes []string, y []int) {
	classes = slices.Clone(labels)
	slices.Sort(classes)
	classes = slices.Compact(classes)
	y = make([]int, len(labels))
	for i, l := range labels {
		y[i], _ = slices.BinarySearch(classes, l)
	}
	return classes, y
}

// stratifiedFolds splits the indices 0…len(y)−1 into k test folds in which every class is spread
// as evenly as possible: each class's members are shuffled, the classes are laid end to end, and
// position i goes to fold i mod k. Fold sizes, and each class's count per fold, then differ by at
// most one.
func stratifiedFolds(y []int, nClasses, k int, rng *rand.Rand) ([][]int, error) {
	if k < 2 || k > len(y) {
		return nil, fmt.Errorf("embed: %d folds for %d segments: need 2 ≤ folds ≤ segments", k, len(y))
	}
	byClass := make([][]int, nClasses)
	for i, c := range y {
		byClass[c] = append(byClass[c], i)
	}
	folds := make([][]int, k)
	pos := 0
	for _, members := range byClass {
		rng.Shuffle(len(members), func(i, j int) { members[i], members[j] = members[j], members[i] })
		for _, i := range members {
			folds[pos%k] = append(folds[pos%k], i)
			pos++
		}
	}
	for _, f := range folds {
		slices.Sort(f)
	}
	return folds, nil
}

// foldStream is the PCG stream of StratifiedFolds ("folds").
const foldStream = 0x666f6c6473

// StratifiedFolds splits the indices 0…len(labels)−1 into k test folds stratified by the label
// values, as the cross-validation of Classify does, with the shuffles drawn from seed. labels
// holds one value per segment; the same value for every segment gives plain k-fold.
func StratifiedFolds(labels []string, k int, seed uint64) ([][]int, error) {
	classes, y := encode(labels)
	return stratifiedFolds(y, len(classes), k, rand.New(rand.NewPCG(seed, foldStream)))
}
