package data

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/jedi-neuro/jedi/internal/fsutil"
)

// DefaultDt is the bin width, in seconds, assumed for a file without dt.
const DefaultDt = 0.01

// weightField is the .npz name of Dataset.Weight.
const weightField = "loss_weight"

// maxInflation bounds how much larger than its compressed bytes an .npz member may claim to be:
// deflate cannot expand more than about 1032:1, so a larger claim is a forged header that would
// otherwise make the reader allocate without limit.
const maxInflation = 1100

// maxPrealloc bounds the buffer allocated for a member before its bytes are read.
const maxPrealloc = 64 << 20

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
	z, err := zip.NewReader(r, size)
	if err != nil {
		return nil, &FieldError{File: file, Msg: "is not a readable .npz archive (truncated, corrupt, or not an .npz at all)", Err: err}
	}
	arrays := map[string]*npyArray{}
	var names []string
	for _, m := range z.File {
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
		b, err := readMember(m, size)
		if err != nil {
			return nil, &FieldError{File: file, Field: name, Msg: "cannot be read (truncated or corrupt file)", Err: err}
		}
		a, err := decodeNPY(b)
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
	return d, nil
}

// readMember returns the uncompressed bytes of one archive member, checking its declared sizes
// against the file's before allocating; archive/zip checks the size and CRC as it reads.
func readMember(m *zip.File, fileSize int64) ([]byte, error) {
	if m.CompressedSize64 > uint64(fileSize) {
		return nil, fmt.Errorf("member declares %d compressed bytes, more than the file's %d", m.CompressedSize64, fileSize)
	}
	declared := m.UncompressedSize64
	if declared > m.CompressedSize64*maxInflation+1024 {
		return nil, fmt.Errorf("member declares %d bytes from %d compressed, more than deflate can produce", declared, m.CompressedSize64)
	}
	rc, err := m.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	// Preallocate what the header declares, up to a bound: a forged header could declare far
	// more than the member holds, and the buffer grows as real bytes arrive anyway.
	buf := bytes.NewBuffer(make([]byte, 0, min(declared, maxPrealloc)))
	// archive/zip fails the read if the bytes run past or stop short of the declared size.
	if _, err := io.Copy(buf, rc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// fromArrays maps the decoded arrays of file onto a Dataset (not yet validated).
func fromArrays(file string, names []string, arrays map[string]*npyArray) (*Dataset, error) {
	bad := func(field string, index []int, format string, args ...any) error {
		return &FieldError{File: file, Field: field, Index: index, Msg: fmt.Sprintf(format, args...)}
	}
	act, ok := arrays["activity"]
	if !ok {
		return nil, bad("activity", nil, "is missing: a dataset needs activity [segments, time, neurons] (arrays in the file: %s)", strings.Join(names, ", "))
	}
	if len(act.shape) != 3 {
		hint := ""
		if len(act.shape) == 2 {
			hint = "; one segment of time×neurons needs a leading axis of 1: activity[None]"
		}
		return nil, bad("activity", nil, "has shape %v (rank %d), want rank 3 [segments, time, neurons]%s", act.shape, len(act.shape), hint)
	}
	if !act.isReal() {
		return nil, bad("activity", nil, "has dtype %s, want float32 or float64", act.descr)
	}
	actF, _ := act.floats() // real, so no error
	S, T, M := act.shape[0], act.shape[1], act.shape[2]
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
		if !a.isReal() || a.count() != 1 {
			return nil, bad("dt", nil, "has dtype %s and shape %v, want one number (the bin width in seconds)", a.descr, a.shape)
		}
		v, _ := a.floats()
		d.Dt = v[0]
		if a.kind == 'f' && a.size < 8 {
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
		if len(a.shape) != 3 || a.shape[0] != S || a.shape[1] != T {
			return nil, bad("inputs", nil, "has shape %v, want [%d, %d, inputs] (segments and time as activity)", a.shape, S, T)
		}
		if d.Inputs, err = a.floats(); err != nil {
			return nil, bad("inputs", nil, "%v", err)
		}
		d.I = a.shape[2]
		if d.I == 0 {
			d.Inputs = nil
		}
	}

	if a, ok := arrays[weightField]; ok {
		if !slices.Equal(a.shape, act.shape) {
			return nil, bad(weightField, nil, "has shape %v, want the activity's %v", a.shape, act.shape)
		}
		if d.Weight, err = a.floats(); err != nil {
			return nil, bad(weightField, nil, "%v", err)
		}
	}

	for _, name := range names {
		a := arrays[name]
		switch {
		case slices.Contains(fieldNames, name):
		case name == labelPrefix:
			return nil, bad(name, nil, "has an empty label name: label arrays are named label_<name>")
		case strings.HasPrefix(name, labelPrefix):
			l, err := readLabel(a)
			if err != nil {
				return nil, &FieldError{File: file, Field: name, Index: fieldIndex(err), Msg: err.Error()}
			}
			d.Labels[strings.TrimPrefix(name, labelPrefix)] = l
		case a.isReal():
			v, _ := a.floats()
			d.Extra[name] = Array{Shape: a.shape, Data: v}
		default:
			slog.Warn("skipping an array that is not real numbers", "file", file, "array", name, "dtype", a.descr)
		}
	}
	return d, nil
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
func readLengths(a *npyArray) ([]int, error) {
	if len(a.shape) != 1 {
		return nil, fmt.Errorf("has shape %v, want [segments]", a.shape)
	}
	out := make([]int, a.count())
	for i := range out {
		switch a.kind {
		case 'i':
			v := a.intAt(i)
			if v < math.MinInt32 || v > math.MaxInt32 {
				return nil, &indexError{i, fmt.Sprintf("= %d is not a plausible length", v)}
			}
			out[i] = int(v)
		case 'u':
			v := a.uintAt(i)
			if v > math.MaxInt32 {
				return nil, &indexError{i, fmt.Sprintf("= %d is not a plausible length", v)}
			}
			out[i] = int(v)
		case 'f':
			v := a.floatAt(i)
			if v != math.Trunc(v) || math.Abs(v) > math.MaxInt32 {
				return nil, &indexError{i, fmt.Sprintf("= %v, want an integer number of bins", v)}
			}
			out[i] = int(v)
		default:
			return nil, fmt.Errorf("has dtype %s, want integers", a.descr)
		}
	}
	return out, nil
}

// readLabel converts a label array to its values as text, keeping its kind.
func readLabel(a *npyArray) (Label, error) {
	if len(a.shape) != 1 {
		return Label{}, fmt.Errorf("has shape %v, want [segments] (one value per segment)", a.shape)
	}
	n := a.count()
	l := Label{Values: make([]string, n)}
	switch a.kind {
	case 'U', 'S':
		var err error
		l.Kind = StringLabel
		if l.Values, err = a.strings(); err != nil {
			return Label{}, err
		}
	case 'b', 'u':
		l.Kind = IntLabel
		for i := range n {
			l.Values[i] = strconv.FormatUint(a.uintAt(i), 10)
		}
	case 'i':
		l.Kind = IntLabel
		for i := range n {
			l.Values[i] = strconv.FormatInt(a.intAt(i), 10)
		}
	case 'f':
		// The shortest text that reads back as the stored value, at the stored precision:
		// float32 0.1 is "0.1", not "0.10000000149011612".
		l.Kind = FloatLabel
		bits := 64
		if a.size < 8 {
			bits = 32
		}
		for i := range n {
			l.Values[i] = strconv.FormatFloat(a.floatAt(i), 'g', -1, bits)
		}
	default:
		if strings.HasSuffix(a.descr, "O") {
			return Label{}, errors.New("has dtype object (pickled Python objects); save it as fixed-width text: np.asarray(values, dtype=str)")
		}
		return Label{}, fmt.Errorf("has dtype %s, want integers, floats or text", a.descr)
	}
	return l, nil
}

// WriteNPZ writes d to path in the contract ReadNPZ reads, atomically (a crash leaves any
// previous file intact): activity float64 [S, T, M], lengths int64 [S], dt float64 (0-d),
// label_<name> by kind (int64, or uint64 for values beyond int64; float64; unicode '<U'),
// inputs float64 [S, T, I] when I > 0, loss_weight float64 [S, T, M] when Weight is set, and
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
	z := zip.NewWriter(w)
	add := func(name string, shape []int, data any) error {
		f, err := z.CreateHeader(&zip.FileHeader{Name: name + ".npy", Method: zip.Store})
		if err != nil {
			return err
		}
		if err := encodeNPY(f, shape, data); err != nil {
			return &FieldError{File: d.Source, Field: name, Msg: "cannot be written", Err: err}
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
	if err := add("dt", nil, []float64{d.Dt}); err != nil {
		return err
	}
	for _, name := range sortedKeys(d.Labels) {
		data, err := labelData(d.Labels[name])
		if err != nil {
			return &FieldError{File: d.Source, Field: labelPrefix + name, Msg: "cannot be written", Err: err}
		}
		if err := add(labelPrefix+name, []int{d.S}, data); err != nil {
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
	for _, name := range sortedKeys(d.Extra) {
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
