package plugin

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/train"
)

// Embeddings holds one embedding per dataset segment: the trained one for training segments
// (or their tied label value's), the inferred one for held-out segments.
type Embeddings struct {
	// E is S×D, in dataset order.
	E *mat.Dense
	// HeldOut marks the segments whose embedding was inferred with θ frozen.
	HeldOut []bool
	// Inferred is the inference of the held-out segments (nil when there are none).
	Inferred *train.Inferred
}

// SegmentEmbeddings collects the embedding of every segment of ds, inferring the held-out
// ones with `steps` Adam steps.
func SegmentEmbeddings(f *train.Fitted, ds *data.Dataset, steps int) (*Embeddings, error) {
	D := f.Config.Model.D
	out := &Embeddings{E: mat.NewDense(ds.S, D, nil), HeldOut: make([]bool, ds.S)}
	for r, s := range f.Train {
		g := r
		if f.Groups != nil {
			var ok bool
			if g, ok = f.EmbeddingOf(ds, s); !ok {
				return nil, fmt.Errorf("segment %d: no embedding for its label", s)
			}
		}
		out.E.SetRow(s, f.Embedding(g))
	}
	if len(f.HeldOut) > 0 {
		inf, err := train.Infer(f, ds, f.HeldOut, steps)
		if err != nil {
			return nil, err
		}
		for i, s := range f.HeldOut {
			out.E.SetRow(s, inf.Embeddings[i*D:(i+1)*D])
			out.HeldOut[s] = true
		}
		out.Inferred = inf
	}
	return out, nil
}
