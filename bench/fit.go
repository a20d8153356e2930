package bench

import (
	"context"
	"errors"
	"math"
	"os"
	"time"

	"github.com/jedi-neuro/jedi/internal/par"
	"github.com/jedi-neuro/jedi/sim"
	"github.com/jedi-neuro/jedi/train"
)

// FitResult is one run of the fit benchmark.
type FitResult struct {
	// TargetR2 is the held-out R² the fit ran to; Reached says whether a validation reached it.
	TargetR2 float64 `json:"target_r2"`
	Reached  bool    `json:"reached"`
	// Seconds is the wall time from the start of train.Fit to the end of the validation that
	// reached the target (to the end of the fit when none did); Epoch is that validation's
	// epoch and HeldOutR2 its R² (the best one when the target was not reached).
	Seconds   float64 `json:"seconds"`
	Epoch     int     `json:"epoch"`
	HeldOutR2 float64 `json:"r2_heldout"`
	Seed      uint64  `json:"seed"`
	Threads   int     `json:"threads"`
	Build     string  `json:"build"`
}

// Fit times train.Fit of the shipped defaults (train.Default, the demo's configuration) on the
// default multi-task teacher (sim.DefaultMultitask) drawn with seed, from its start until a
// validation reaches held-out R² target; the fit then stops. Simulating the teacher is not
// timed. The run directory is a temporary one, removed afterwards.
func Fit(ctx context.Context, seed uint64, target float64) (*FitResult, error) {
	ds, err := sim.Multitask(sim.DefaultMultitask(), seed)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "jedi-bench-fit-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	cfg := train.Default(ds.M)
	cfg.Seed = seed
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	res := &FitResult{TargetR2: target, Seed: seed, Threads: par.Threads(), Build: build, HeldOutR2: math.Inf(-1)}
	rep := &fitWatch{res: res, cancel: cancel, begin: time.Now()}
	_, err = train.Fit(ctx, cfg, ds, train.FitOptions{Dir: dir, Reporter: rep})
	if res.Reached && errors.Is(err, train.ErrInterrupted) {
		err = nil
	}
	if err != nil {
		return nil, err
	}
	if !res.Reached {
		res.Seconds = time.Since(rep.begin).Seconds()
	}
	return res, nil
}

// fitWatch is the fit benchmark's reporter: it cancels the fit when a validation reaches the
// target, and otherwise keeps the best validation.
type fitWatch struct {
	res    *FitResult
	cancel context.CancelFunc
	begin  time.Time
}

func (w *fitWatch) Start(int, int) {}
func (w *fitWatch) Finish()        {}

func (w *fitWatch) Epoch(r train.Record) {
	if w.res.Reached || math.IsNaN(r.HeldOutR2) {
		return
	}
	if r.HeldOutR2 > w.res.HeldOutR2 {
		w.res.HeldOutR2, w.res.Epoch = r.HeldOutR2, r.Epoch
	}
	if r.HeldOutR2 >= w.res.TargetR2 {
		w.res.Reached = true
		w.res.HeldOutR2, w.res.Epoch = r.HeldOutR2, r.Epoch
		w.res.Seconds = time.Since(w.begin).Seconds()
		w.cancel()
	}
}
