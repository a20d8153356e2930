package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/jedi-neuro/jedi/train"
)

// readSplit reads a `jedi fit --split` file: {"train": [...], "heldout": [...]}, the fields
// of run.json, so that a run's own run.json also serves.
func readSplit(path string) (trainIdx, heldOut []int, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	var s train.RunInfo
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if s.Train == nil {
		return nil, nil, fmt.Errorf("%s: train: missing", path)
	}
	return s.Train, s.HeldOut, nil
}

// pauseAfter makes a fit stop after epoch n (n > 0) as if interrupted, so that it writes its
// checkpoint and can be continued with --resume; paused reports whether it did.
func pauseAfter(ctx context.Context, n int, opt *train.FitOptions) (context.Context, func() bool) {
	if n <= 0 {
		return ctx, func() bool { return false }
	}
	ctx, cancel := context.WithCancel(ctx)
	p := &pauser{Reporter: opt.Reporter, after: n, cancel: cancel}
	opt.Reporter = p
	return ctx, func() bool { return p.hit }
}

// pauser passes progress on and cancels the fit's context once epoch `after` is done; the
// engine then checkpoints before its next step, with the state of exactly that epoch.
type pauser struct {
	train.Reporter
	after  int
	cancel context.CancelFunc
	hit    bool
}

func (p *pauser) Epoch(r train.Record) {
	p.Reporter.Epoch(r)
	if r.Epoch >= p.after {
		p.hit = true
		p.cancel()
	}
}
