// Package resample gives confidence intervals and tests by resampling, for summaries measured
// on a few independent repetitions (fits with different seeds, resampled pseudo-populations)
// or on labelled items within one repetition.
//
//   - Bootstrap: the percentile interval of a statistic over B resamples with replacement.
//   - SignFlip: the paired test of mean(d) = 0 for differences d_1 … d_n (e.g. one per run),
//     whose null is that each d_i is symmetric about 0: the p-value is the share of the 2ⁿ sign
//     assignments whose |mean| reaches the observed one, exact for n ≤ 16 and estimated from
//     random signs above.
//   - Permutation: the test of equal means of two groups of items, mean(A) − mean(B), under
//     random relabelling of the items; also the two-sample test between repetitions of two
//     kinds (e.g. real against control runs).
//
// Monte-Carlo p-values are (1 + #{null ≥ observed}) / (1 + reps), never 0, so that a p-value
// from R resamples is valid at any level ≥ 1/(1+R).
package resample
