package plugin

import (
	"fmt"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/model"
	"github.com/jedi-neuro/jedi/train"
)

// Segments is a set of dataset segments with the embedding, initial state and input each is run
// with (copies: changing them changes nothing in the fitted model).
type Segments struct {
	// Idx are the dataset indices.
	Idx []int
	// E[i] is segment Idx[i]'s embedding (length D), X0[i] its initial state (length N).
	E, X0 [][]float64
	// In[i] is segment Idx[i]'s input, its bins × I values, for a model that takes inputs
	// (nil otherwise): part of the network the segment runs (Network).
	In [][]float64
}

// TrainingSegments returns the training segments of f with their trained embeddings (their tied
// label value's, with tied embeddings) and initial states (learned, encoded from the data's
// first bins, or zero, as the model defines them).
func TrainingSegments(f *train.Fitted, ds *data.Dataset) (*Segments, error) {
	s := &Segments{Idx: f.Train}
	for _, i := range f.Train {
		g, ok := f.EmbeddingOf(ds, i)
		if !ok {
			return nil, fmt.Errorf("segment %d: no trained embedding", i)
		}
		s.E = append(s.E, slices.Clone(f.Embedding(g)))
	}
	var err error
	if s.In, err = inputs(f, ds, s.Idx); err != nil {
		return nil, err
	}
	s.X0, err = InitialStates(f, ds, f.Train, f.X0)
	return s, err
}

// InferredSegments returns the segments of an inference (train.Infer or train.InferInitial)
// with the embeddings and initial states it found.
func InferredSegments(f *train.Fitted, ds *data.Dataset, inf *train.Inferred) (*Segments, error) {
	D := f.Config.Model.D
	if len(inf.Embeddings) != len(inf.Segments)*D {
		return nil, fmt.Errorf("inference holds %d embedding values for %d segments of dimension %d", len(inf.Embeddings), len(inf.Segments), D)
	}
	s := &Segments{Idx: inf.Segments}
	for i := range inf.Segments {
		s.E = append(s.E, slices.Clone(inf.Embeddings[i*D:(i+1)*D]))
	}
	var err error
	if s.In, err = inputs(f, ds, s.Idx); err != nil {
		return nil, err
	}
	s.X0, err = InitialStates(f, ds, inf.Segments, inf.X0)
	return s, err
}

// AllSegments joins the training segments and the inferred held-out ones (held may be nil).
func AllSegments(f *train.Fitted, ds *data.Dataset, held *train.Inferred) (*Segments, error) {
	s, err := TrainingSegments(f, ds)
	if err != nil || held == nil {
		return s, err
	}
	h, err := InferredSegments(f, ds, held)
	if err != nil {
		return nil, err
	}
	out := &Segments{Idx: append(append([]int(nil), s.Idx...), h.Idx...), E: append(s.E, h.E...), X0: append(s.X0, h.X0...)}
	if s.In != nil {
		out.In = append(s.In, h.In...)
	}
	return out, nil
}

// inputs returns the input of each dataset segment in idx (copies) when f's model takes inputs,
// else nil.
func inputs(f *train.Fitted, ds *data.Dataset, idx []int) ([][]float64, error) {
	I := f.Config.Model.I
	if I == 0 {
		return nil, nil
	}
	if ds.I != I {
		return nil, fmt.Errorf("%s: the model takes %d inputs, the data have %d input channels", ds.Source, I, ds.I)
	}
	out := make([][]float64, len(idx))
	for i, s := range idx {
		if s < 0 || s >= ds.S {
			return nil, fmt.Errorf("%s: segment %d of %d", ds.Source, s, ds.S)
		}
		out[i] = slices.Clone(ds.SegmentInputs(s))
	}
	return out, nil
}

// Network returns the network that the segments at positions idx of s run with embedding e:
// f.Network(e), driven, for a model that takes inputs, by the segments' input
// (model.Network.WithInput: a constant input makes it the autonomous map of the segment, a
// series drives its trajectory). Segments pooled into one network (a label value's centroid)
// must share their input; the error names the first two that differ.
func (s *Segments) Network(f *train.Fitted, e []float64, idx ...int) (*model.Network, error) {
	net, err := f.Network(e)
	if err != nil || net.Inputs() == 0 {
		return net, err
	}
	if len(idx) == 0 || len(s.In) != len(s.Idx) {
		return nil, fmt.Errorf("network of embedding %v: the model takes %d inputs and no segment gives them", e, net.Inputs())
	}
	var first *model.Network
	for k, i := range idx {
		c, err := net.WithInput(s.In[i])
		if err != nil {
			return nil, fmt.Errorf("input of segment %d: %w", s.Idx[i], err)
		}
		if k == 0 {
			first = c
		} else if !slices.Equal(c.Input, first.Input) {
			return nil, fmt.Errorf("segments %d and %d have different inputs: one network of both has none of its own", s.Idx[idx[0]], s.Idx[i])
		}
	}
	return first, nil
}

// Matrix returns the embeddings as a len(Idx)×D matrix, row i that of segment Idx[i].
func (s *Segments) Matrix() *mat.Dense {
	if len(s.E) == 0 {
		return &mat.Dense{}
	}
	M := mat.NewDense(len(s.E), len(s.E[0]), nil)
	for i, e := range s.E {
		M.SetRow(i, e)
	}
	return M
}

// Centroid returns the mean of the embeddings of the segments at positions idx of s.
func (s *Segments) Centroid(idx []int) []float64 {
	out := make([]float64, len(s.E[idx[0]]))
	for _, i := range idx {
		for j, v := range s.E[i] {
			out[j] += v
		}
	}
	for j := range out {
		out[j] /= float64(len(idx))
	}
	return out
}

// Groups returns the values of label among the segments of s, in the order of ds.GroupIndex,
// and the members of each: the positions i in s of the segments with that value.
func (s *Segments) Groups(ds *data.Dataset, label string) (groups []string, members [][]int, err error) {
	values, err := s.Labels(ds, label)
	if err != nil {
		return nil, nil, err
	}
	return GroupsOf(ds, label, values)
}

// Labels returns the value of label name of every segment of s.
func (s *Segments) Labels(ds *data.Dataset, name string) ([]string, error) {
	all, err := ds.LabelValues(name)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(s.Idx))
	for i, j := range s.Idx {
		out[i] = all[j]
	}
	return out, nil
}

// InitialStates returns the initial state x_0 of each dataset segment in idx as the model defines
// it (model.InitialState): for learned initial states the rows of x0 (len(idx)×N: the trained or
// inferred ones), for the encoder the map of the segment's first K bins, and zero otherwise.
func InitialStates(f *train.Fitted, ds *data.Dataset, idx []int, x0 []float64) ([][]float64, error) {
	m, err := f.Model()
	if err != nil {
		return nil, err
	}
	c := m.Cfg
	N := c.N
	if c.InitialState == model.Learned && len(x0) != len(idx)*N {
		return nil, fmt.Errorf("initial states: %d values for %d segments of %d units", len(x0), len(idx), N)
	}
	out := make([][]float64, len(idx))
	for i, s := range idx {
		var learned, y []float64
		switch c.InitialState {
		case model.Learned:
			learned = x0[i*N : (i+1)*N]
		case model.Encoder:
			if s < 0 || s >= ds.S || ds.Lengths[s] < c.EncoderBins {
				return nil, fmt.Errorf("initial states: segment %d has no %d leading bins to encode", s, c.EncoderBins)
			}
			y = ds.Activity[s*ds.T*ds.M : s*ds.T*ds.M+c.EncoderBins*c.M]
		}
		if out[i], err = m.InitialState(f.Theta, learned, y); err != nil {
			return nil, fmt.Errorf("initial state of segment %d: %w", s, err)
		}
	}
	return out, nil
}

// GroupsOf returns the values of label among the given per-segment values, in the order of
// ds.GroupIndex (the data's declared order, else sorted), and the members of each: the
// positions i of values with values[i] = groups[g].
func GroupsOf(ds *data.Dataset, label string, values []string) (groups []string, members [][]int, err error) {
	all, _, err := ds.GroupIndex(label)
	if err != nil {
		return nil, nil, err
	}
	for _, g := range all {
		var m []int
		for i, v := range values {
			if v == g {
				m = append(m, i)
			}
		}
		if m != nil {
			groups = append(groups, g)
			members = append(members, m)
		}
	}
	return groups, members, nil
}
