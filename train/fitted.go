package train

import (
	"fmt"
	"slices"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/model"
)

// Fitted is a trained model: the configuration, θ, the embedding table and the learned
// initial states of the training segments, and the split it was trained on. Values are held in
// float64 whatever the training type (float32 values convert exactly).
type Fitted struct {
	Config Config
	// Theta is θ in the model's Layout.
	Theta []float64
	// Embeddings is G×D: one row per training segment, or per value of the tied label.
	Embeddings []float64
	// X0 is the learned initial state of each training segment, len(Train)×N (nil with the
	// encoder).
	X0 []float64
	// Train and HeldOut are the dataset indices of the two sides of the split.
	Train, HeldOut []int
	// Groups names the embedding rows when embeddings are tied by a label.
	Groups []string
	// Epochs and Steps say how long it trained.
	Epochs, Steps int
	// Amortiser is the amortised encoder (nil unless trained: train.amortise.bins > 0).
	Amortiser *model.Amortiser
	// Align maps a segment to its anchor (train.align); nil when alignment is off, or for a
	// model file written before it was saved. Inference starts anchored segments there and
	// pulls them toward it as training did.
	Align *Alignment
}

// Model returns the model of the fitted configuration.
func (f *Fitted) Model() (*model.Model, error) { return model.New(f.Config.Model) }

// Network returns the rate network the fitted hypernetwork generates for embedding e (length D),
// with the fitted readout (model.Model.Network). For a model that takes inputs it has no Input:
// the network a segment runs, with the segment's input, is plugin.Segments.Network.
func (f *Fitted) Network(e []float64) (*model.Network, error) {
	m, err := f.Model()
	if err != nil {
		return nil, err
	}
	return m.Network(f.Theta, e)
}

// G is the number of embedding rows.
func (f *Fitted) G() int { return len(f.Embeddings) / f.Config.Model.D }

// Embedding returns embedding row g (a view).
func (f *Fitted) Embedding(g int) []float64 {
	D := f.Config.Model.D
	return f.Embeddings[g*D : (g+1)*D]
}

// EmbeddingOf returns the embedding row used by dataset segment s, and whether s has one
// (a training segment, or any segment whose tied label value was seen in training).
func (f *Fitted) EmbeddingOf(ds *data.Dataset, s int) (int, bool) {
	if f.Groups != nil {
		vals, err := tieValues(f.Config.Train.TieEmbeddings, ds)
		if err != nil {
			return 0, false
		}
		g := slices.Index(f.Groups, vals[s])
		return g, g >= 0
	}
	r := slices.Index(f.Train, s)
	return r, r >= 0
}

// localTable assembles the local vector (embeddings then initial states) of the training
// segments in element type T.
func (f *Fitted) localTable() (model.LocalLayout, []float64) {
	ll := model.NewLocalLayout(&f.Config.Model, f.G(), len(f.Train))
	local := make([]float64, ll.Size)
	copy(local, f.Embeddings)
	if ll.X0Off >= 0 {
		copy(local[ll.X0Off:], f.X0)
	}
	return ll, local
}

// check verifies the fitted arrays against the configuration.
func (f *Fitted) check() error {
	m, err := f.Model()
	if err != nil {
		return err
	}
	if len(f.Theta) != m.Layout.Size {
		return fmt.Errorf("model file: theta has %d values, the configuration needs %d", len(f.Theta), m.Layout.Size)
	}
	D := f.Config.Model.D
	if len(f.Embeddings) == 0 || len(f.Embeddings)%D != 0 {
		return fmt.Errorf("model file: embeddings have %d values, not a multiple of embedding_dim %d", len(f.Embeddings), D)
	}
	if f.Config.Model.InitialState == model.Learned && len(f.X0) != len(f.Train)*f.Config.Model.N {
		return fmt.Errorf("model file: x0 has %d values, want %d training segments × %d units", len(f.X0), len(f.Train), f.Config.Model.N)
	}
	if a := f.Amortiser; a != nil {
		c := &f.Config.Model
		if a.M != c.M || a.Out != amortiserOut(c) {
			return fmt.Errorf("model file: the amortised encoder reads %d neurons and emits %d values, the model has %d neurons and needs %d", a.M, a.Out, c.M, amortiserOut(c))
		}
		if err := a.Check(); err != nil {
			return fmt.Errorf("model file: %w", err)
		}
	}
	return nil
}

// tieValues returns the value of the tying label for every segment ("all" for TieAll).
func tieValues(label string, ds *data.Dataset) ([]string, error) {
	if label != TieAll {
		return ds.LabelValues(label)
	}
	v := make([]string, ds.S)
	for i := range v {
		v[i] = "all"
	}
	return v, nil
}
