package data_test

import (
	"errors"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"

	"github.com/jedi-neuro/jedi/data"
)

// Write a small dataset of two ragged segments with a label and read it back.
func ExampleReadNPZ() {
	dir, err := os.MkdirTemp("", "jedi-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	d := data.New(2, 3, 2, 0.02) // 2 segments × 3 bins × 2 neurons, 20 ms bins
	for i := range d.Activity {
		d.Activity[i] = float64(i)
	}
	d.Lengths[1] = 2 // segment 1 has two valid bins; its third is padding
	d.Labels["task"] = data.Label{Kind: data.StringLabel, Values: []string{"reach", "grasp"}}

	path := filepath.Join(dir, "data.npz")
	if err := data.WriteNPZ(path, d); err != nil {
		log.Fatal(err)
	}
	back, err := data.ReadNPZ(path)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(back.S, back.T, back.M, back.Lengths, back.Labels["task"].Values)
	fmt.Println(back.Segment(1))
	// Output:
	// 2 3 2 [3 2] [reach grasp]
	// [6 7 8 9]
}

// Summary describes a dataset one field per line.
func ExampleDataset_Summary() {
	d := data.New(4, 50, 30, 0.01)
	d.Lengths = []int{50, 42, 50, 38}
	d.Labels["task"] = data.Label{Kind: data.StringLabel, Values: []string{"go", "stop", "go", "go"}}
	d.Source = "rates.npz"
	fmt.Print(d.Summary())
	// Output:
	// source         rates.npz
	// segments       4
	// time bins      50 (lengths 38..50, mean 45.0)
	// neurons        30
	// dt             0.01 s (10 ms)
	// label_task     string, 2 distinct: "go" ×3, "stop" ×1
	// inputs         none
}

// Validate names the file, field and index of what is wrong.
func ExampleDataset_Validate() {
	d := data.New(2, 3, 1, 0.01)
	d.Activity[4] = math.Inf(-1) // segment 1, bin 1
	d.Source = "rates.npz"
	fmt.Println(d.Validate())

	var fe *data.FieldError
	if errors.As(d.Validate(), &fe) {
		fmt.Println(fe.Field, fe.Index)
	}
	// Output:
	// rates.npz: activity[1, 1, 0] is -Inf (segment 1, bin 1, neuron 0)
	// activity [1 1 0]
}
