package data

import (
	"strconv"
	"strings"
)

// FieldError says what is wrong with one field of a dataset (or, with Field empty, with the
// file as a whole), precisely enough to find and fix it:
//
//	data.npz: activity[3, 17, 5] is NaN (segment 3, bin 17, neuron 5)
//	data.npz: lengths[4] = 0, want 1..120
//	data.npz: label_task has 9 values, want 10 (one per segment)
//
// Fields are named as in the .npz file: "activity", "lengths", "dt", "inputs", "loss_weight",
// "label_<name>", or an extra array's name.
type FieldError struct {
	File  string // the dataset's Source; "dataset" is printed when empty
	Field string
	Index []int // the offending element, if one
	Msg   string
	Err   error // the underlying cause (a zip or I/O error), if any
}

func (e *FieldError) Error() string {
	var b strings.Builder
	if e.File == "" {
		b.WriteString("dataset")
	} else {
		b.WriteString(e.File)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		if len(e.Index) > 0 {
			b.WriteByte('[')
			for i, k := range e.Index {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(strconv.Itoa(k))
			}
			b.WriteByte(']')
		}
		b.WriteByte(' ')
	}
	b.WriteString(e.Msg)
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying cause, so that errors.Is sees through to it.
func (e *FieldError) Unwrap() error { return e.Err }
