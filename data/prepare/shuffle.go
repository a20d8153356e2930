package prepare

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
)

// shuffleTimes returns a copy of trials with the timing within each trial destroyed and every
// spike count kept (see Recipe.ShuffleSpikes): spike times are redrawn uniformly over the
// trial, binned counts are permuted across the trial's bins, neuron by neuron. The draws come
// from a PCG seeded with seed and a hash of stream (e.g. the recording's name), so that every
// recording of a pool gets its own, reproducible draws. The trials given are not modified.
func shuffleTimes(trials []Trial, seed uint64, stream string) ([]Trial, error) {
	h := fnv.New64a()
	h.Write([]byte(stream))
	rng := rand.New(rand.NewPCG(seed, h.Sum64()))
	out := make([]Trial, len(trials))
	for i, tr := range trials {
		if tr.Continuous {
			return nil, fmt.Errorf("%s: shuffle_spikes needs spikes or spike counts; the trial holds rates or continuous values", tr.name(i))
		}
		out[i] = tr
		switch {
		case len(tr.Spikes) > 0:
			span := tr.span()
			out[i].Spikes = make([][]float64, len(tr.Spikes))
			for m, sp := range tr.Spikes {
				ns := make([]float64, len(sp))
				for k := range ns {
					ns[k] = tr.Start + rng.Float64()*span
				}
				out[i].Spikes[m] = ns
			}
		case len(tr.Counts) > 0:
			out[i].Counts = make([][]float64, len(tr.Counts))
			for m, c := range tr.Counts {
				nc := make([]float64, len(c))
				for k, j := range rng.Perm(len(c)) {
					nc[k] = c[j]
				}
				out[i].Counts[m] = nc
			}
		}
	}
	return out, nil
}
