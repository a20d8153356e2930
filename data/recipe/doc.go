// Package recipe turns a recording file (MATLAB, HDF5, NumPy) into a JEDI dataset from a short
// YAML source recipe that names where the trials are in the file and how to prepare them.
//
// Two layouts are read. Single trials of binned spike counts, as a struct array with one
// element per trial:
//
//	file: ex2_rawspiketrains.mat
//	trials: D                   # struct array, one element per trial
//	counts: data                # field: neurons × bins spike counts
//	bin_ms: 1                   # width of those bins
//	labels: {condition: condition}   # dataset label ← struct field (char or number)
//	prepare: {bin_ms: 20, ...}  # a data/prepare.Recipe: epochs, binning, smoothing, units
//
// and a trial-averaged tensor of rates, cut into one segment per condition:
//
//	file: exampleData.mat
//	tensor: dataTensor          # e.g. 61 time × 50 neurons × 10 conditions
//	axes: [time, neuron, condition]
//	dt_ms: 10
//
// A relative file is relative to the recipe's own directory.
package recipe
