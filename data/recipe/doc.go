// Package recipe turns recording files (MATLAB v5/v7.3, HDF5, NWB, NumPy) into a JEDI dataset
// from a YAML recipe: where the trials are, where each trial's activity, events and labels
// are, and how the trials become segments (data/prepare). The language, with one worked
// example per layout, is documented in docs/recipes.md; the types below carry the same
// documentation key by key.
//
// A recipe has one or more sources (Source; one source's keys may stand at the top level), a
// prepare section (prepare.Recipe: checks, epochs, binning, smoothing, units) and, when its
// sources give several recordings (files, or sources), what they are: combine: trials (more
// trials of the same neurons, appended), combine: simultaneous (different neurons recorded on
// the same trials, joined side by side) or a pool section (prepare.PoolRecipe: units of
// different sessions pooled into a pseudo-population). Several recordings without one of these
// are refused: the files cannot tell the three apart.
//
// A source's trials are a struct array, a cell array, an NWB/HDMF table, a matrix with one row
// per trial, a 3-D array with named axes, or windows of a continuous recording (cut by a trial
// table or by the runs of a per-bin label). Activity is binned (counts, rates or continuous
// values), spike times (an NWB units table, or a table of spikes with their trial), or a
// continuous recording. Labels come from a field, a parallel vector, an element of a matrix
// row, a constant, a field of the spike table, or a table of files, optionally mapped.
//
//	file: ../shared/data/nlb-mc_maze_small/sub-Jenkins_ses-small_desc-test_ecephys.nwb
//	trials: /intervals/trials
//	spikes: {units: /units}
//	prepare:
//	  bin_ms: 20
//	  epochs: [{name: reach, align: move_onset_time, from_ms: -240, to_ms: 440}]
//
// Load reads the files and returns the dataset with a prepare.Report of every trial, unit and
// window left out and why; Propose writes a starting recipe for a file (jedi prepare --init).
package recipe
