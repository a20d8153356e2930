package data

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/jedi-neuro/jedi/internal/fsutil"
	"github.com/jedi-neuro/jedi/internal/npy"
)

// DefaultDt is the bin width, in seconds, assumed for a file without dt.
const DefaultDt = 0.01

// weightField is the .npz name of Dataset.Weight.
const weightField = "loss_weight"

// ReadNPZ reads a dataset from an .npz file (a zip archive of .npy arrays, as numpy.savez and
// numpy.savez_compressed write) in this contract:
//
//	activity       [segments, time, neurons]  real numbers, required (float32/float64; integer
//	               counts and booleans are converted)
//	lengths        [segments]  integers 1..time, valid bins per segment; absent: all valid
//	dt             one number (0-d or shape [1]), the bin width in seconds; absent: DefaultDt,
//	               with a warning; a float32 0.05 is read as the float64 0.05
//	label_<name>   [segments]  integers → IntLabel, floats → FloatLabel, unicode ('<U') or
//	               bytes ('|S') → StringLabel; booleans are read as the integers 0 and 1
//	order_<name>   [values]  optional, label_<name>'s values in the order figures, legends and
//	               tables show them (Label.Order): each once, every value of the label listed;
//	               any dtype whose values parse as the label's kind; absent: sorted
//	inputs         [segments, time, inputs]  real numbers, optional
//	loss_weight    [segments, time, neurons]  real numbers ≥ 0, optional (Dataset.Weight)
//	anything else  real numbers of any shape → Extra as float64 (ground truth); other arrays
//	               (text, complex, object, structured) are skipped with a warning
//
// Arrays may be in C or Fortran order, little- or big-endian. The dataset is validated before it
// is returned (see Validate); every error is a *FieldError naming the file and the field, and a
// file that is not an .npz archive or is cut short is an error, not a panic.
func ReadNPZ(path string) (*Dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &FieldError{File: path, Msg: "cannot be opened", Err: unwrapPath(err)}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, &FieldError{File: path, Msg: "cannot be read", Err: unwrapPath(err)}
	}
	return readNPZ(f, st.Size(), path)
}

// unwrapPath drops the *fs.PathError around err: the FieldError already names the file.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// readNPZ reads a dataset from the size bytes of r, naming it file.
func readNPZ(r io.ReaderAt, size int64, file string) (*Dataset, error) {
	z, err := npy.NewReader(r, size)
	if err != nil {
		return nil, &FieldError{File: file, Msg: "is not a readable .npz archive (truncated, corrupt, or not an .npz at all)", Err: err}
	}
	arrays := map[string]*npy.Array{}
	var names []string
	for _, m := range z.Members {
		name, ok := strings.CutSuffix(m.Name, ".npy")
		if !ok {
			if !strings.HasSuffix(m.Name, "/") {
				slog.Warn("skipping a member of an .npz that is not a .npy array", "file", file, "member", m.Name)
			}
			continue
		}
		if _, dup := arrays[name]; dup {
			return nil, &FieldError{File: file, Field: name, Msg: "appears twice in the archive"}
		}
		b, err := m.Read()
		var tooLarge *npy.LimitError
		if errors.As(err, &tooLarge) {
			return nil, &FieldError{File: file, Field: name, Msg: "is too large to read", Err: err}
		}
		if err != nil {
			return nil, &FieldError{File: file, Field: name, Msg: "cannot be read (truncated or corrupt file)", Err: err}
		}
		a, err := npy.Decode(b)
		if err != nil {
			return nil, &FieldError{File: file, Field: name, Msg: "is not a valid .npy array", Err: err}
		}
		arrays[name] = a
		names = append(names, name)
	}
	d, err := fromArrays(file, names, arrays)
	if err != nil {
		return nil, err
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	d.zeroUnobserved()
	return d, nil
}

// fromArrays maps the decoded arrays of file onto a Dataset (not yet validated).
func fromArrays(file string, names []string, arrays map[string]*npy.Array) (*Dataset, error) {
	bad := func(field string, index []int, format string, args ...any) error {
		return &FieldError{File: file, Field: field, Index: index, Msg: fmt.Sprintf(format, args...)}
	}
	act, ok := arrays["activity"]
	if !ok {
		return nil, bad("activity", nil, "is missing: a dataset needs activity [segments, time, neurons] (arrays in the file: %s)", strings.Join(names, ", "))
	}
	if len(act.Shape) != 3 {
		hint := ""
		if len(act.Shape) == 2 {
			hint = "; one segment of time×neurons needs a leading axis of 1: activity[None]"
		}
		return nil, bad("activity", nil, "has shape %v (rank %d), want rank 3 [segments, time, neurons]%s", act.Shape, len(act.Shape), hint)
	}
	if !act.IsReal() {
		return nil, bad("activity", nil, "has dtype %s, want float32 or float64", act.Descr)
	}
	actF, _ := act.Floats() // real, so no error
	S, T, M := act.Shape[0], act.Shape[1], act.Shape[2]
	d := &Dataset{S: S, T: T, M: M, Activity: actF, Labels: map[string]Label{}, Extra: map[string]Array{}, Source: file}

	var err error

	if l, ok := arrays["lengths"]; ok {
		if d.Lengths, err = readLengths(l); err != nil {
			return nil, &FieldError{File: file, Field: "lengths", Index: fieldIndex(err), Msg: err.Error()}
		}
	} else {
		d.Lengths = make([]int, S)
		for s := range d.Lengths {
			d.Lengths[s] = T
		}
	}

	if a, ok := arrays["dt"]; ok {
		if !a.IsReal() || a.Len() != 1 {
			return nil, bad("dt", nil, "has dtype %s and shape %v, want one number (the bin width in seconds)", a.Descr, a.Shape)
		}
		v, _ := a.Floats()
		d.Dt = v[0]
		if a.Kind == npy.Float && a.ItemSize < 8 {
			// A float32 dt of 0.05 means 0.05, not 0.05000000074505806: take the float64
			// nearest the shortest decimal that the stored value stands for.
			d.Dt, _ = strconv.ParseFloat(strconv.FormatFloat(d.Dt, 'g', -1, 32), 64)
		}
		if d.Dt >= 1 {
			slog.Warn("dt is the bin width in seconds; this one is long", "file", file, "dt", d.Dt)
		}
	} else {
		slog.Warn("no dt in the file: assuming the default bin width", "file", file, "dt", DefaultDt)
		d.Dt = DefaultDt
	}

	if a, ok := arrays["inputs"]; ok {
		if len(a.Shape) != 3 || a.Shape[0] != S || a.Shape[1] != T {
			return nil, bad("inputs", nil, "has shape %v, want [%d, %d, inputs] (segments and time as activity)", a.Shape, S, T)
		}
		if d.Inputs, err = a.Floats(); err != nil {
			return nil, bad("inputs", nil, "%v", err)
		}
		d.I = a.Shape[2]
		if d.I == 0 {
			d.Inputs = nil
		}
	}

	if a, ok := arrays[weightField]; ok {
		if !slices.Equal(a.Shape, act.Shape) {
			return nil, bad(weightField, nil, "has shape %v, want the activity's %v", a.Shape, act.Shape)
		}
		if d.Weight, err = a.Floats(); err != nil {
			return nil, bad(weightField, nil, "%v", err)
		}
	}

	if a, ok := arrays[observedField]; ok {
		if d.Observed, err = readObserved(file, a, S, M); err != nil {
			return nil, err
		}
	}

	orders := map[string]string{} // label name → its order array's name
	for _, name := range names {
		a := arrays[name]
		switch {
		case slices.Contains(fieldNames, name):
		case strings.HasPrefix(name, orderPrefix):
			orders[strings.TrimPrefix(name, orderPrefix)] = name
		case name == labelPrefix:
			return nil, bad(name, nil, "has an empty label name: label arrays are named label_<name>")
		case strings.HasPrefix(name, labelPrefix):
			l, err := readLabel(a)
			if err != nil {
				return nil, &FieldError{File: file, Field: name, Index: fieldIndex(err), Msg: err.Error()}
			}
			d.Labels[strings.TrimPrefix(name, labelPrefix)] = l
		case a.IsReal():
			v, _ := a.Floats()
			d.Extra[name] = Array{Shape: a.Shape, Data: v}
		default:
			slog.Warn("skipping an array that is not real numbers", "file", file, "array", name, "dtype", a.Descr)
		}
	}
	for _, label := range slices.Sorted(maps.Keys(orders)) {
		name := orders[label]
		l, ok := d.Labels[label]
		if !ok {
			return nil, bad(name, nil, "orders the values of %s%s, which the file does not have (labels: %s)", labelPrefix, label, labelList(d))
		}
		if sh := arrays[name].Shape; len(sh) != 1 {
			return nil, bad(name, nil, "has shape %v, want [values] (each value of the label once)", sh)
		}
		o, err := readLabel(arrays[name])
		if err != nil {
			return nil, &FieldError{File: file, Field: name, Index: fieldIndex(err), Msg: err.Error()}
		}
		if len(o.Values) == 0 {
			return nil, bad(name, nil, "is empty: an order lists every value of %s%s", labelPrefix, label)
		}
		l.Order = o.Values
		d.Labels[label] = l
	}
	return d, nil
}

// labelList returns the names of d's labels, sorted, or "none".
func labelList(d *Dataset) string {
	if len(d.Labels) == 0 {
		return "none"
	}
	return strings.Join(slices.Sorted(maps.Keys(d.Labels)), ", ")
}

// indexError is a problem with one element of an array, before the FieldError naming the file.
type indexError struct {
	index int
	msg   string
}

func (e *indexError) Error() string { return e.msg }

// fieldIndex returns the element index an error from readLengths or readLabel points at.
func fieldIndex(err error) []int {
	var ie *indexError
	if errors.As(err, &ie) {
		return []int{ie.index}
	}
	return nil
}

// readLengths converts a lengths array: integers of any width, or floats that hold integers.
// Range checks against T are left to Validate.
func readLengths(a *npy.Array) ([]int, error) {
	if len(a.Shape) != 1 {
		return nil, fmt.Errorf("has shape %v, want [segments]", a.Shape)
	}
	out := make([]int, a.Len())
	implausible := func(i int, v any) error { return &indexError{i, fmt.Sprintf("= %d is not a plausible length", v)} }
	switch a.Kind {
	case npy.Int:
		v, _ := a.Ints() // kind Int: no error
		for i, x := range v {
			if x < math.MinInt32 || x > math.MaxInt32 {
				return nil, implausible(i, x)
			}
			out[i] = int(x)
		}
	case npy.Uint:
		v, _ := a.Uints() // kind Uint: no error
		for i, x := range v {
			if x > math.MaxInt32 {
				return nil, implausible(i, x)
			}
			out[i] = int(x)
		}
	case npy.Float:
		v, _ := a.Floats() // kind Float: no error
		for i, x := range v {
			if x != math.Trunc(x) || math.Abs(x) > math.MaxInt32 {
				return nil, &indexError{i, fmt.Sprintf("= %v, want an integer number of bins", x)}
			}
			out[i] = int(x)
		}
	default:
		return nil, fmt.Errorf("has dtype %s, want integers", a.Descr)
	}
	return out, nil
}

// readLabel converts a label array to its values as text, keeping its kind.
func readLabel(a *npy.Array) (Label, error) {
	if len(a.Shape) != 1 {
		return Label{}, fmt.Errorf("has shape %v, want [segments] (one value per segment)", a.Shape)
	}
	var l Label
	var err error
	switch a.Kind {
	case npy.Unicode, npy.ByteString:
		l.Kind = StringLabel
		l.Values, err = a.Strings()
	case npy.Bool, npy.Uint:
		l.Kind = IntLabel
		l.Values, err = formatAll(a.Uints, func(v uint64) string { return strconv.FormatUint(v, 10) })
	case npy.Int:
		l.Kind = IntLabel
		l.Values, err = formatAll(a.Ints, func(v int64) string { return strconv.FormatInt(v, 10) })
	case npy.Float:
		// The shortest text that reads back as the stored value, at the stored precision:
		// float32 0.1 is "0.1", not "0.10000000149011612".
		bits := 64
		if a.ItemSize < 8 {
			bits = 32
		}
		l.Kind = FloatLabel
		l.Values, err = formatAll(a.Floats, func(v float64) string { return strconv.FormatFloat(v, 'g', -1, bits) })
	default:
		if strings.HasSuffix(a.Descr, "O") {
			return Label{}, errors.New("has dtype object (pickled Python objects); save it as fixed-width text: np.asarray(values, dtype=str)")
		}
		return Label{}, fmt.Errorf("has dtype %s, want integers, floats or text", a.Descr)
	}
	if err != nil {
		return Label{}, err
	}
	return l, nil
}

// formatAll returns the elements that read returns, as text.
func formatAll[T any](read func() ([]T, error), format func(T) string) ([]string, error) {
	v, err := read()
	if err != nil {
		return nil, err
	}
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = format(x)
	}
	return out, nil
}

// WriteNPZ writes d to path in the contract ReadNPZ reads, atomically (a crash leaves any
// previous file intact): activity float64 [S, T, M], lengths int64 [S], dt float64 (0-d),
// label_<name> by kind (int64, or uint64 for values beyond int64; float64; unicode '<U') and
// its order_<name> (the same type) when the label has an Order, inputs float64 [S, T, I] when I > 0, loss_weight float64 [S, T, M] when Weight is set, and
// every Extra array as float64 of its shape. Members are stored uncompressed, in a fixed order,
// so equal datasets give identical files. An invalid dataset is refused (see Validate).
func WriteNPZ(path string, d *Dataset) error {
	if err := d.Validate(); err != nil {
		return err
	}
	return fsutil.WriteFileAtomic(path, func(w io.Writer) error { return writeNPZ(w, d) })
}

// writeNPZ writes a validated dataset as an .npz archive to w.
func writeNPZ(w io.Writer, d *Dataset) error {
	z := npy.NewArchive(w, npy.Store)
	add := func(name string, shape []int, data any) error {
		if shape == nil {
			shape = []int{} // a nil shape is 0-d here (see Validate), 1-D to npy.Encode
		}
		if err := z.Add(name, shape, data); err != nil {
			// Unwrap: Add's error names the array, which the FieldError does already.
			return &FieldError{File: d.Source, Field: name, Msg: "cannot be written", Err: errors.Unwrap(err)}
		}
		return nil
	}
	lengths := make([]int64, d.S)
	for s, L := range d.Lengths {
		lengths[s] = int64(L)
	}
	if err := add("activity", []int{d.S, d.T, d.M}, d.Activity); err != nil {
		return err
	}
	if err := add("lengths", []int{d.S}, lengths); err != nil {
		return err
	}
	if err := add("dt", []int{}, []float64{d.Dt}); err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(d.Labels)) {
		data, err := labelData(d.Labels[name])
		if err != nil {
			return &FieldError{File: d.Source, Field: labelPrefix + name, Msg: "cannot be written", Err: err}
		}
		if err := add(labelPrefix+name, []int{d.S}, data); err != nil {
			return err
		}
		l := d.Labels[name]
		if l.Order == nil {
			continue
		}
		data, err = labelData(Label{Kind: l.Kind, Values: l.Order})
		if err != nil {
			return &FieldError{File: d.Source, Field: orderPrefix + name, Msg: "cannot be written", Err: err}
		}
		if err := add(orderPrefix+name, []int{len(l.Order)}, data); err != nil {
			return err
		}
	}
	if d.I > 0 {
		if err := add("inputs", []int{d.S, d.T, d.I}, d.Inputs); err != nil {
			return err
		}
	}
	if d.Weight != nil {
		if err := add(weightField, []int{d.S, d.T, d.M}, d.Weight); err != nil {
			return err
		}
	}
	if d.Observed != nil {
		if err := add(observedField, []int{d.S, d.M}, d.Observed); err != nil {
			return err
		}
	}
	for _, name := range slices.Sorted(maps.Keys(d.Extra)) {
		e := d.Extra[name]
		if err := add(name, e.Shape, e.Data); err != nil {
			return err
		}
	}
	return z.Close()
}

// labelData returns a label's values in the array type that keeps its kind.
func labelData(l Label) (any, error) {
	switch l.Kind {
	case IntLabel:
		signed := make([]int64, len(l.Values))
		unsigned := make([]uint64, len(l.Values))
		fitsSigned, fitsUnsigned := true, true
		for i, x := range l.Values {
			v, ok := parseLabelInt(x)
			if !ok {
				return nil, fmt.Errorf("value %d = %q is not an integer", i, x)
			}
			fitsSigned = fitsSigned && v.IsInt64()
			fitsUnsigned = fitsUnsigned && v.IsUint64()
			signed[i], unsigned[i] = v.Int64(), v.Uint64()
		}
		switch {
		case fitsSigned:
			return signed, nil
		case fitsUnsigned:
			return unsigned, nil
		}
		return nil, errors.New("values span more than int64 or uint64 can hold")
	case FloatLabel:
		v := make([]float64, len(l.Values))
		for i, x := range l.Values {
			f, err := strconv.ParseFloat(x, 64)
			if err != nil {
				return nil, fmt.Errorf("value %d = %q is not a number", i, x)
			}
			v[i] = f
		}
		return v, nil
	}
	return l.Values, nil
}

// product returns the number of elements of an array of the given shape (0 if a dimension is
// 0), or -1 if a dimension is negative or the count overflows an int: npy.Size, for Validate.
func product(shape []int) int { return npy.Size(shape) }
