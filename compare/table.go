package compare

import (
	"encoding/csv"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/jedi-neuro/jedi/internal/fsutil"
	"github.com/jedi-neuro/jedi/internal/output"
	"github.com/jedi-neuro/jedi/report"
)

// Table is the result of a comparison.
type Table struct {
	Dataset     string    `json:"dataset"`
	Source      string    `json:"source,omitempty"`
	Label       string    `json:"label"`
	Train       int       `json:"train_segments"`
	HeldOut     int       `json:"heldout_segments"`
	Seed        uint64    `json:"seed"`
	Epochs      int       `json:"epochs"`
	NoiseScales []float64 `json:"noise_scales"`
	Rows        []Row     `json:"rows"`
}

// Markdown renders the table for a README or a closing note.
func (t *Table) Markdown() string {
	var b strings.Builder
	noise := t.noiseColumns()
	fmt.Fprintf(&b, "| model | R² train | R² held-out |")
	for _, i := range noise {
		fmt.Fprintf(&b, " R² noise k=%g |", t.NoiseScales[i])
	}
	b.WriteString(" fit (s) | params | effective params |\n|---|---|---|")
	for range noise {
		b.WriteString("---|")
	}
	b.WriteString("---|---|---|\n")
	for _, r := range t.Rows {
		fmt.Fprintf(&b, "| %s | %.3f | %.3f |", r.Name, r.R2Train, r.R2HeldOut)
		for _, i := range noise {
			if r.NoiseR2 == nil {
				b.WriteString(" — |")
			} else {
				fmt.Fprintf(&b, " %.3f |", r.NoiseR2[i])
			}
		}
		fmt.Fprintf(&b, " %.0f | %d | %d |\n", r.FitSeconds, r.Params, r.EffectiveParams)
	}
	return b.String()
}

// noiseColumns are the noise levels shown in the table (k = 0 is the training R² again).
func (t *Table) noiseColumns() []int {
	var out []int
	for i, k := range t.NoiseScales {
		if k > 0 {
			out = append(out, i)
		}
	}
	return out
}

// Write saves the table as table.md, table.csv and table.json in dir, with the plots
// r2.png/.svg (held-out R² per model) and noise.png/.svg (R² against embedding noise).
func (t *Table) Write(dir string) error {
	base := filepath.Join(dir, TableFile)
	head := fmt.Sprintf("# Model comparison\n\n%s; label %s; %d training and %d held-out segments; seed %d; %d epochs.\n\n",
		t.Dataset, t.Label, t.Train, t.HeldOut, t.Seed, t.Epochs)
	if err := fsutil.WriteBytesAtomic(base+".md", []byte(head+t.Markdown())); err != nil {
		return err
	}
	if err := output.WriteJSON(base+".json", t); err != nil {
		return err
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	header := []string{"model", "kind", "r2_train", "r2_heldout"}
	for _, k := range t.NoiseScales {
		header = append(header, "r2_noise_"+strconv.FormatFloat(k, 'g', -1, 64))
	}
	w.Write(append(header, "fit_seconds", "params", "effective_params", "epochs"))
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }
	for _, r := range t.Rows {
		rec := []string{r.Name, r.Kind, f(r.R2Train), f(r.R2HeldOut)}
		for i := range t.NoiseScales {
			if r.NoiseR2 == nil {
				rec = append(rec, "")
			} else {
				rec = append(rec, f(r.NoiseR2[i]))
			}
		}
		w.Write(append(rec, f(r.FitSeconds), strconv.Itoa(r.Params), strconv.Itoa(r.EffectiveParams), strconv.Itoa(r.Epochs)))
	}
	w.Flush()
	if err := fsutil.WriteBytesAtomic(base+".csv", []byte(b.String())); err != nil {
		return err
	}
	return t.plot(dir)
}

// plot draws the held-out R² of every model and the noise curves of those with embeddings.
func (t *Table) plot(dir string) error {
	var names []string
	var held []float64
	var series []report.Series
	for _, r := range t.Rows {
		names = append(names, r.Name)
		// A held-out R² far below zero would squash the other bars; clip it at −1 for the plot.
		held = append(held, math.Max(r.R2HeldOut, -1))
		if r.NoiseR2 != nil {
			series = append(series, report.Series{Name: r.Name, X: t.NoiseScales, Y: r.NoiseR2})
		}
	}
	for _, ext := range []string{".png", ".svg"} {
		if err := report.Bars(filepath.Join(dir, "r2"+ext), "Held-out reconstruction", "R² held-out", names, held, nil, nil); err != nil {
			return err
		}
		if len(series) == 0 {
			continue
		}
		if err := report.Lines(filepath.Join(dir, "noise"+ext), "Embedding noise", "noise k (× std of each dimension)", "R² train", series, report.LineOptions{}); err != nil {
			return err
		}
	}
	return nil
}
