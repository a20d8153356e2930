package train

import (
	"context"
	"runtime/pprof"
)

// The phases of a fit, as CPU-profile labels: `jedi --cpuprofile FILE fit ...` then
// `go tool pprof -tags FILE` splits the fit's time into training steps, validations and
// checkpoints. A label set on a goroutine also marks the goroutines it starts (the pass's
// workers), so the split is complete.
const (
	phaseTrain      = "train"
	phaseValidate   = "validate"
	phaseCheckpoint = "checkpoint"
)

var phaseLabels = map[string]context.Context{}

func init() {
	for _, p := range []string{phaseTrain, phaseValidate, phaseCheckpoint} {
		phaseLabels[p] = pprof.WithLabels(context.Background(), pprof.Labels("phase", p))
	}
}

// setPhase labels the calling goroutine's profile samples with phase p from now on; "" removes
// the label.
func setPhase(p string) {
	ctx, ok := phaseLabels[p]
	if !ok {
		ctx = context.Background()
	}
	pprof.SetGoroutineLabels(ctx)
}
