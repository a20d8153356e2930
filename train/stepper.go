package train

import (
	"context"
	"fmt"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/model"
)

// Stepper takes single optimisation steps of a JEDI fit exactly as Fit's engine takes them —
// staging the minibatch, forward pass, R² accumulation, backward pass, gradient clipping, the
// scheduled learning rate and the Adam updates of θ and of the embeddings and initial states —
// so that a benchmark (package bench) times the step `jedi fit` runs. Every step uses all of
// the data's segments as one minibatch.
type Stepper struct {
	step func() (float64, error)
}

// NewStepper prepares steps of cfg on all segments of ds (cfg.Train.BatchSize is set to ds.S),
// in cfg.DType, from the parameters cfg.Seed draws.
func NewStepper(cfg Config, ds *data.Dataset) (*Stepper, error) {
	if ds.S < 1 {
		return nil, fmt.Errorf("stepper: %s has no segments", ds.Source)
	}
	cfg.Train.BatchSize = ds.S
	step, err := precisionOf(cfg.DType).stepper(cfg, ds)
	if err != nil {
		return nil, err
	}
	return &Stepper{step: step}, nil
}

// Step takes one step and returns the minibatch loss before it.
func (s *Stepper) Step() (float64, error) { return s.step() }

// stepper returns the step of a trainer over all of ds: one epoch of the engine, whose one
// minibatch is every segment.
func stepper[T model.Float](cfg Config, ds *data.Dataset) (func() (float64, error), error) {
	all := make([]int, ds.S)
	for i := range all {
		all[i] = i
	}
	tr, err := newTrainer[T](cfg, ds, all, []int{})
	if err != nil {
		return nil, err
	}
	tr.init()
	o := tr.cfg.Train
	return func() (float64, error) {
		if err := tr.st.runEpoch(context.Background(), &o, tr.cfg.Seed, len(all), tr.m.Cfg.M, tr); err != nil {
			return 0, err
		}
		loss := tr.st.pending.Loss
		tr.st.pending = nil // nothing validates or records it
		return loss, nil
	}, nil
}
