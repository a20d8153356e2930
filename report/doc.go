// Package report draws the figures of a JEDI analysis and assembles them,
// with the configuration and the metrics of a run, into one self-contained
// HTML file.
//
// Every plotting function takes plain data (slices of float64, complex128
// and string, and the small structs defined here) so that the package
// depends on no other part of the project. The output format is chosen by
// the extension of the path: ".png" is rasterised at DPI dots per inch and
// ".svg" is vector graphics. Files are written atomically: a partly written
// figure is never left under its final name.
//
// Categorical data use the Okabe–Ito palette, extended with four colours
// of Paul Tol's "muted" scheme to twelve groups (see Categorical), and
// continuous values use the perceptually uniform, colour-blind-safe viridis
// map (see Viridis).
package report
