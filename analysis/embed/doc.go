// Package embed analyses the per-segment context embeddings e_s ∈ R^d that JEDI learns: principal
// components, cross-validated decoding of a label, robustness of the fit to noise added to the
// embeddings, and how well a group's centroid embedding generalizes to other groups' segments.
//
// Embeddings are an S×d matrix, one row per segment. Where a score needs the model (the R² of the
// network driven by some embedding), the caller passes it as a callback, so this package depends
// on gonum only.
package embed
