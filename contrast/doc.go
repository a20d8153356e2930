// Package contrast measures how the dynamics of fitted networks differ between two groups of
// segments (e.g. epoch preparation against execution), with the uncertainty of repeated fits
// and the controls that tell a difference from an artefact.
//
// Measure computes, for every segment of one fitted run, numbers that describe its network:
// the spectrum of W_s, the spectrum of the Jacobian along its trajectory, its finite-time and
// long-run largest Lyapunov exponents (see Measures). A Contrast compares the segments of
// label value A with those of B, optionally within a subset (e.g. condition 1 against 3
// within the preparation epoch):
//
//   - in each run r, d_r = mean over A's segments − mean over B's, and a permutation p-value
//     with the label shuffled among the run's segments (the permuted-label control: the
//     segments' labels never enter a JEDI fit, so shuffling them after the fit is the same
//     as before it);
//   - across runs (seeds and resampled pseudo-populations), the mean of d_r with a bootstrap
//     interval and the exact sign-flip p-value;
//   - the same for the control runs (fits of time-shuffled spikes; one network told the
//     context by a one-hot input), and a two-sample permutation test of the real runs' d_r
//     against each control's.
//
// Claims give an expected sign to a contrast of one measure; Verdict turns the numbers into
// reproduced, partly or not by the rule documented there.
package contrast
