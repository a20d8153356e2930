package h5_test

import (
	"context"
	"fmt"

	"github.com/jedi-neuro/jedi/data/formats/h5"
	"github.com/jedi-neuro/jedi/data/formats/internal/fixture"
)

// Open a file, read one column of a 2-D dataset, and follow references.
func Example() {
	f, err := h5.Open(fixture.Testdata("types_latest.h5"))
	if err != nil {
		panic(err)
	}
	defer f.Close()
	ctx := context.Background()

	// Column 2 of the 7×10 dataset: only the chunks holding it are read.
	col, err := f.LoadSlice(ctx, "/layout/gzip", []int{0, 2}, []int{7, 1})
	if err != nil {
		panic(err)
	}
	fmt.Println(col.Class, col.Shape, col.Data)

	// Object references are the targets' paths; Deref loads a target.
	refs, err := f.Load("/refs/objects")
	if err != nil {
		panic(err)
	}
	paths, _ := refs.Strings()
	target, err := f.Deref(ctx, paths[2])
	if err != nil {
		panic(err)
	}
	words, _ := target.Strings()
	fmt.Println(paths[2], "→", target.Class, target.Shape, words[:3])

	// A region reference names the dataset and the selection; Deref gathers the elements.
	regions, _ := f.Load("/refs/regions")
	r, _ := regions.Strings()
	sel, err := f.Deref(ctx, r[1])
	if err != nil {
		panic(err)
	}
	fmt.Println(r[1], "→", sel.Data)
	// Output:
	// int32 [7 1] [2 12 22 32 42 52 62]
	// /str/vlen → string [4] [x  héllo wörld]
	// /num/matrix[1:2,0:3,3:4] → [7.5 9.5 11.5]
}
