// Package embeddings is the analysis plug-in "embeddings": the principal-component map of the
// context embeddings of a fitted run and the cross-validated decoding of a label from them
// (analysis/embed does the maths).
package embeddings

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"

	"gonum.org/v1/gonum/mat"

	"github.com/jedi-neuro/jedi/analysis/embed"
	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/internal/output"
	"github.com/jedi-neuro/jedi/plugin"
	"github.com/jedi-neuro/jedi/report"
)

// Map is the 2-D principal-component map of the segment embeddings and how well a
// label can be decoded from them.
type Map struct {
	Label string `json:"label"`
	pal   *report.Palette
	// Values are the label's value per segment, HeldOut marks the segments whose embedding was
	// inferred, and PC their coordinates on the first two principal axes (the second is 0 for
	// one-dimensional embeddings) with the fractions of variance Explained.
	Values    []string     `json:"-"`
	HeldOut   []bool       `json:"-"`
	PC        [][2]float64 `json:"-"`
	Explained []float64    `json:"pca_explained"`
	// Classification is the stratified cross-validated decoding of the label (logistic
	// regression, then 5-nearest neighbours), with its chance level (the majority class's
	// frequency); empty when the label has one value or the embeddings are tied.
	Classification []Classification `json:"classification"`
	// Full holds the complete classification results (confusion matrices, per-class accuracy).
	Full  []*embed.Classification `json:"-"`
	Folds int                     `json:"folds"`
	Seed  uint64                  `json:"seed"`
	// numeric says the label has numbers as values, drawn on a continuous colour scale when there
	// are too many of them for categorical colours.
	numeric bool
}

// Analyze projects the embeddings E (S×D, one row per dataset segment) on their first two
// principal components and decodes label from them with `folds`-fold stratified
// cross-validation (embed.Classify, seeded) — unless tied is true (embeddings shared per label
// value, where decoding would be circular), the label has a single value, or it has more than
// S/2 values (a continuous label such as a per-trial frequency, with no classes to learn).
func Analyze(ds *data.Dataset, E *mat.Dense, heldOut []bool, label string, tied bool, folds int, seed uint64) (*Map, error) {
	values, err := ds.LabelValues(label)
	if err != nil {
		return nil, err
	}
	if r, _ := E.Dims(); r != len(values) || (heldOut != nil && len(heldOut) != r) {
		return nil, fmt.Errorf("embeddings: %d rows for %d segments", r, len(values))
	}
	_, D := E.Dims()
	k := min(2, D)
	scores, _, explained, err := embed.PCA(E, k)
	if err != nil {
		return nil, err
	}
	em := &Map{Label: label, Values: values, HeldOut: heldOut, Explained: explained, Folds: folds, Seed: seed,
		Classification: []Classification{}, numeric: ds.Labels[label].Kind != data.StringLabel}
	for s := range values {
		p := [2]float64{scores.At(s, 0), 0}
		if k > 1 {
			p[1] = scores.At(s, 1)
		}
		em.PC = append(em.PC, p)
	}
	if k := distinct(values); k > 1 && 2*k <= len(values) && !tied {
		for _, m := range []embed.Method{embed.Logistic, embed.KNN} {
			c, err := embed.Classify(E, values, folds, seed, m)
			if err != nil {
				return nil, fmt.Errorf("classify %s by %s: %w", label, m, err)
			}
			em.Full = append(em.Full, c)
			em.Classification = append(em.Classification, Classification{c.Method.String(), c.Accuracy, c.AccuracySD, c.Chance})
		}
	}
	em.pal = plugin.Palette(ds, label)
	return em, nil
}

// Write saves the map in dir as embeddings.json, embeddings.npz (pc [S, 2], values [S],
// heldout [S] as 0/1) and the plot embeddings_pca.png / .svg (plus the confusion matrix
// confusion.png / .svg when the label was decoded into at most 30 classes), and returns the
// figures for a report.
func (em *Map) Write(dir string) ([]report.Figure, error) {
	if err := output.WriteJSON(filepath.Join(dir, "embeddings.json"), em); err != nil {
		return nil, err
	}
	var pc [][]float64
	held := make([]uint8, len(em.Values))
	for s, p := range em.PC {
		pc = append(pc, p[:])
		if em.HeldOut != nil && em.HeldOut[s] {
			held[s] = 1
		}
	}
	ps, pd := output.Flat(pc)
	if err := output.WriteNPZ(filepath.Join(dir, "embeddings.npz"), output.Array{Name: "pc", Shape: ps, Data: pd}, output.Array{Name: "values", Shape: nil, Data: em.Values}, output.Array{Name: "heldout", Shape: nil, Data: held}); err != nil {
		return nil, err
	}
	title := fmt.Sprintf("Embeddings, PCA (%.0f%% + %.0f%% of variance)", report.Percent(em.Explained, 0), report.Percent(em.Explained, 1))
	png, err := output.Figure(dir, "embeddings_pca", func(path string) error {
		if em.numeric && distinct(em.Values) > 12 {
			v := make([]float64, len(em.Values))
			for s, x := range em.Values {
				var err error
				if v[s], err = strconv.ParseFloat(x, 64); err != nil {
					return fmt.Errorf("label %s: value %q of segment %d: %w", em.Label, x, s, err)
				}
			}
			return report.ScatterValues(path, title, "PC 1", "PC 2", em.PC, v, em.Label)
		}
		return report.Scatter2D(path, title, "PC 1", "PC 2", em.PC, em.Values, em.pal)
	})
	if err != nil {
		return nil, err
	}
	figs := []report.Figure{{Caption: "Embeddings coloured by " + em.Label, Path: png}}
	if len(em.Full) > 0 && len(em.Full[0].Classes) <= 30 {
		c := em.Full[0]
		png, err := output.Figure(dir, "confusion", func(path string) error {
			classes, frac := ConfusionFractions(c, em.pal)
			return report.Heatmap(path, "Decoding "+em.Label+" from embeddings ("+c.Method.String()+")", classes, classes, frac,
				report.HeatmapOptions{Annotate: true, XLabel: "predicted", YLabel: "true", ValueLabel: "fraction", Min: 0, Max: 1})
		})
		if err != nil {
			return nil, err
		}
		figs = append(figs, report.Figure{Caption: fmt.Sprintf("Cross-validated confusion matrix (%s, %d folds): accuracy %.3f ± %.3f, chance %.3f", c.Method, em.Folds, c.Accuracy, c.AccuracySD, c.Chance), Path: png})
	}
	return figs, nil
}

// ConfusionFractions returns the classes of a confusion matrix in the palette's order (the order
// of the run's other figures and tables; nil: natural order) and the matrix in that order,
// each row (true class) normalised to fractions of its class.
func ConfusionFractions(c *embed.Classification, pal *report.Palette) (classes []string, M [][]float64) {
	classes = pal.Order(c.Classes)
	at := make(map[string]int, len(c.Classes))
	for i, v := range c.Classes {
		at[v] = i
	}
	M = make([][]float64, len(classes))
	for i, ci := range classes {
		row := c.Confusion[at[ci]]
		n := 0
		for _, v := range row {
			n += v
		}
		M[i] = make([]float64, len(classes))
		for j, cj := range classes {
			M[i][j] = float64(row[at[cj]]) / float64(max(1, n))
		}
	}
	return classes, M
}

func distinct(v []string) int {
	s := slices.Clone(v)
	slices.Sort(s)
	return len(slices.Compact(s))
}

// Classification is one cross-validated decoding of the label from the embeddings.
type Classification struct {
	Method     string  `json:"method"`
	Accuracy   float64 `json:"accuracy"`
	AccuracySD float64 `json:"accuracy_sd"`
	Chance     float64 `json:"chance"`
}
