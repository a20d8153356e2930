package contrast

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/jedi-neuro/jedi/internal/fsutil"
	"github.com/jedi-neuro/jedi/internal/output"
	"github.com/jedi-neuro/jedi/report"
)

// MeasureMeaning says in words what each measure is, for tables.
var MeasureMeaning = map[string]string{
	"w_radius":  "spectral radius of W_s",
	"w_near":    "fraction of W_s eigenvalues with ||λ|−1| ≤ tol",
	"w_imag":    "max |Im λ| of W_s",
	"w_real":    "fraction of real W_s eigenvalues",
	"j_radius":  "spectral radius of the Jacobian along the trajectory (mean over bins)",
	"j_near":    "fraction of Jacobian eigenvalues with ||λ|−1| ≤ tol",
	"j_imag":    "max |Im λ| of the Jacobian (mean over bins)",
	"j_real":    "fraction of real Jacobian eigenvalues",
	"ftle":      "largest finite-time Lyapunov exponent along the segment (1/s)",
	"lyap":      "largest Lyapunov exponent of the network's long-run dynamics (1/s)",
	"fp_count":  "number of fixed points of the group's centroid network",
	"fp_stable": "number of those that are stable",
}

// Write saves the result in dir: contrast.json (every number), contrast.md (the tables) and,
// per contrast, contrast_<i>.png and .svg (the difference of every measure, real against
// controls), and returns the figures.
func (r *Result) Write(dir string) ([]report.Figure, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := output.WriteJSON(filepath.Join(dir, "contrast.json"), r); err != nil {
		return nil, err
	}
	if err := atomic(filepath.Join(dir, "contrast.md"), []byte(r.Markdown())); err != nil {
		return nil, err
	}
	var figs []report.Figure
	for i, c := range r.Contrasts {
		var panels []report.IntervalPanel
		for _, m := range c.Measures {
			pn := report.IntervalPanel{Title: m.Measure}
			add := func(name string, iv Interval) {
				pn.Names = append(pn.Names, name)
				pn.Mean, pn.Lo, pn.Hi = append(pn.Mean, iv.Mean), append(pn.Lo, iv.Lo), append(pn.Hi, iv.Hi)
			}
			add("real", m.Real.Diff)
			add("permuted", m.Real.Permuted)
			for _, k := range slices.Sorted(mapKeys(m.Controls)) {
				add(k, m.Controls[k].Diff)
			}
			panels = append(panels, pn)
		}
		png, err := output.Figure(dir, fmt.Sprintf("contrast_%d", i), func(path string) error {
			return report.Intervals(path, 5, panels)
		})
		if err != nil {
			return nil, err
		}
		figs = append(figs, report.Figure{Path: png, Caption: c.Spec.Name + ": " + c.Spec.Label + " = " + c.Spec.A + " − " + c.Spec.B + " of every measure" + within(c.Spec.Within) +
			", mean over runs with its interval: the real fits (black), the same fits with the labels permuted, and each control (greys)"})
	}
	return figs, nil
}

// within says in words which segments a contrast or decoding keeps ("" for all).
func within(w map[string]string) string {
	if len(w) == 0 {
		return ""
	}
	var parts []string
	for _, k := range slices.Sorted(mapKeys(w)) {
		parts = append(parts, k+" = "+w[k])
	}
	return " within " + strings.Join(parts, ", ")
}

func atomic(path string, b []byte) error {
	return fsutil.WriteFileAtomic(path, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func fmtIv(iv Interval) string {
	return fmt.Sprintf("%.3g [%.3g, %.3g]", iv.Mean, iv.Lo, iv.Hi)
}

// Markdown returns the result as Markdown tables: the fits, each contrast's claims with their
// verdicts, every measure of every contrast, and the decoding.
func (r *Result) Markdown() string {
	var b strings.Builder
	lvl := fmt.Sprintf("%g %%", 100*r.Config.Level)
	fmt.Fprintf(&b, "Means over runs with %s bootstrap intervals; p: exact sign-flip test over runs.\n\n", lvl)
	b.WriteString("| runs | n | R² train | R² held-out |\n|---|---|---|---|\n")
	for _, k := range slices.Sorted(mapKeys(r.Fits)) {
		f := r.Fits[k]
		fmt.Fprintf(&b, "| %s | %d | %s | %s |\n", k, f.R2Train.N, fmtIv(f.R2Train), fmtIv(f.R2HeldOut))
	}
	b.WriteString("\nMeasures:\n\n")
	for _, m := range append(slices.Clone(Measures), FixedPointMeasures...) {
		fmt.Fprintf(&b, "- %s: %s\n", m, MeasureMeaning[m])
	}
	for _, c := range r.Contrasts {
		s := c.Spec
		fmt.Fprintf(&b, "\n### %s: %s = %s (A) against %s (B)%s\n\n", s.Name, s.Label, s.A, s.B, within(s.Within))
		if len(c.Claims) > 0 {
			b.WriteString("| claim | measure | expected A − B | verdict | evidence |\n|---|---|---|---|---|\n")
			for _, cl := range c.Claims {
				fmt.Fprintf(&b, "| %s | %s | %s | **%s** | %s |\n", cl.Claim.Claim, cl.Measure, cl.Expect, cl.Verdict, cl.Why)
			}
			b.WriteString("\n")
		}
		var kinds []string
		if len(c.Measures) > 0 {
			kinds = slices.Sorted(mapKeys(c.Measures[0].Controls))
		}
		b.WriteString("| measure | A | B | A − B | p | runs with label-permutation p < α | permuted labels A − B |")
		for _, k := range kinds {
			fmt.Fprintf(&b, " %s A − B (vs real p) |", k)
		}
		b.WriteString("\n|---|---|---|---|---|---|---|" + strings.Repeat("---|", len(kinds)) + "\n")
		for _, m := range c.Measures {
			sig := 0
			for _, p := range m.Real.LabelP {
				if p < r.Config.Alpha {
					sig++
				}
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %.3g | %d / %d | %s |", m.Measure, fmtIv(m.Real.A), fmtIv(m.Real.B), fmtIv(m.Real.Diff), m.Real.Diff.P, sig, len(m.Real.LabelP), fmtIv(m.Real.Permuted))
			for _, k := range kinds {
				a := m.Controls[k]
				fmt.Fprintf(&b, " %s (%.3g) |", fmtIv(a.Diff), a.VsRealP)
			}
			b.WriteString("\n")
		}
		if len(c.FixedPoints) > 0 {
			b.WriteString("\nFixed points of each group's centroid network (slow points excluded):\n\n| runs | measure | A | B | A − B | p |\n|---|---|---|---|---|---|\n")
			for _, fp := range c.FixedPoints {
				fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %.3g |\n", fp.Kind, fp.Measure, fmtIv(fp.A), fmtIv(fp.B), fmtIv(fp.Diff), fp.Diff.P)
			}
		}
	}
	if len(r.Decoding) > 0 {
		var w map[string]string
		if r.Config.Decode != nil {
			w = r.Config.Decode.Within
		}
		fmt.Fprintf(&b, "\n### Decoding labels from the embeddings%s (logistic regression, cross-validated)\n\n", within(w))
		b.WriteString("| runs | label | classes | chance (most common class) | accuracy | permuted-label accuracy | p (accuracy > permuted) |\n|---|---|---|---|---|---|---|\n")
		for _, k := range slices.Sorted(mapKeys(r.Decoding)) {
			for _, d := range r.Decoding[k] {
				fmt.Fprintf(&b, "| %s | %s | %d | %.3f | %s | %s | %.3g |\n", k, d.Label, d.Classes, d.Chance, fmtIv(d.Accuracy), fmtIv(d.Permuted), d.Accuracy.P)
			}
		}
	}
	return b.String()
}
