// Package prepare turns recordings into the segments JEDI fits: spike times (or fine-binned
// spike counts, such as DataHigh's 1 ms bins) per trial → binned counts → smoothed rates, cut
// into one segment per (trial, epoch window), with labels, silent units dropped and neurons
// optionally soft-normalised. Everything it does is set by a Recipe, a YAML document that is saved
// beside the output so that the preparation can be repeated.
//
// # Checks
//
// Recipe.Checks drops, before anything else, every trial whose listed events are missing
// (absent or NaN) or out of order, or whose gaps between two events are out of bounds; the
// Report lists each dropped trial with its reason. Units are then selected on the trials kept.
//
// # Continuous values
//
// Trials whose Counts are rates or other real values (Trial.Continuous) are re-binned by
// averaging rather than summing, kept in their own units (never divided by the bin width), and
// no unit is dropped for its rate.
//
// # Pseudo-populations
//
// Pool builds one population from units recorded in different sessions, matched by condition
// labels: condition averages, or pseudo-trials drawn with a seed (see Pool and PoolRecipe).
//
// # Clock and trials
//
// Every time of a Trial (spike times, Start, event times) is in seconds on the trial's own clock;
// the trial spans [Start, Start+Duration]. Epoch windows are placed on that clock by an
// alignment time: "start" (Start), "end" (Start+Duration) or the name of an event of the trial
// (these two names always mean the trial's edges, even if an event shares them).
//
// # Binning
//
// An epoch window of the recipe, [a+from_ms, b+to_ms) with a and b its alignment times, is
// binned on its own grid: bin k covers [g₀ + k·w, g₀ + (k+1)·w) with g₀ the window's start and
// w = bin_ms, so bins line up with the alignment event on every trial. Bins are closed on the
// left and open on the right, with two refinements:
//   - a spike time within 10⁻⁹ bin widths below an edge counts as lying on that edge, so that
//     decimal times such as 0.03 s land in the bin they name despite binary rounding
//     (0.03/0.01 is 2.9999999999999996 in float64);
//   - when the trial's end falls on a bin edge, the trial's last bin is closed on the right, so a
//     spike at exactly Start+Duration is counted in it (numpy.histogram's convention).
//
// Only the trial's full bins are used: a bin that sticks out of [Start, Start+Duration] is never
// read, neither as part of a segment nor as context for smoothing.
//
// Fine-binned counts (Trial.Counts, bins of width Trial.BinWidth from Trial.Start) are re-binned by
// summing whole input bins: bin_ms must be an integer multiple of the input bin width, and a
// window's start is moved to the nearest input-bin edge (Report.MaxShift records the largest
// move; it is 0 when the event times lie on the input grid).
//
// # Smoothing
//
// With smooth_ms = σ > 0 the binned counts c_k are convolved with a Gaussian sampled at the bin
// centres, K_j ∝ exp(−(j·w)²/(2σ²)) for |j| ≤ J = ⌊3σ/w⌋ (truncated at ±3σ), normalised to
// Σ K_j = 1. Near the trial's edges, where part of the kernel falls outside the trial, the
// kernel is renormalised over the part inside:
//
//	s_k = Σ_j K_j c_{k+j} / Σ_j K_j,   both sums over the j with bin k+j inside the trial,
//
// so a constant rate stays constant up to the edges, and the total count is preserved when no
// spike lies within 2J bins of an edge (bins within J of an edge are scaled up by the
// renormalisation). Smoothing uses the whole trial as context: the bins around an
// epoch window, inside the trial, are read even though they are not part of the segment.
//
// # Units and normalisation
//
// units: rates gives s_k / w in Hz; units: counts gives s_k, counts per bin (what a Poisson
// likelihood needs; unsmoothed when smooth_ms is 0). soft_norm = c > 0 divides each kept
// neuron's rates by (range + c), range being max − min of that neuron's rates over every valid
// bin of every segment (Churchland et al. 2012), so that strongly modulated neurons end up with
// a range near 1 and weak ones are not amplified into noise.
//
// A unit is dropped when its mean rate, pooled over all trials (spikes ÷ total trial duration),
// is below min_rate_hz, and always when it has no spike at all.
package prepare
