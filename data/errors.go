package data

import (
	"fmt"
	"strings"
)

// FieldError is a problem with one field of a dataset (an array of the file), at an index.
type FieldError struct {
	// File is the dataset's file, empty when it was built in memory.
	File string
	// Field is the array, e.g. "activity", "lengths", "label_task".
	Field string
	// Index locates the offending element (nil when the whole field is at fault).
	Index []int
	// Msg says what is wrong.
	Msg string
}

func (e *FieldError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	b.WriteString(e.Field)
	if len(e.Index) > 0 {
		b.WriteByte('[')
		for i, v := range e.Index {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprint(&b, v)
		}
		b.WriteByte(']')
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

func fieldErr(file, field string, index []int, format string, args ...any) *FieldError {
	return &FieldError{File: file, Field: field, Index: index, Msg: fmt.Sprintf(format, args...)}
}
