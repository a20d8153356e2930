package report_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/jedi-neuro/jedi/report"
)

// Example draws two figures and assembles them, with the metrics and the
// configuration of a run, into one self-contained HTML file.
func Example() {
	dir, err := os.MkdirTemp("", "jedi-report-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	pca := filepath.Join(dir, "embeddings.png")
	err = report.Scatter2D(pca, "Embeddings (PCA)", "PC 1", "PC 2",
		[][2]float64{{-1, 0.2}, {-1.2, -0.1}, {1, 0.1}, {0.9, -0.3}},
		[]string{"preparation", "preparation", "execution", "execution"}, nil)
	if err != nil {
		log.Fatal(err)
	}
	loss := filepath.Join(dir, "loss.svg")
	err = report.Lines(loss, "Training loss", "epoch", "loss",
		[]report.Series{{Name: "train", Y: []float64{1, 0.4, 0.2, 0.12, 0.1}}},
		report.LineOptions{LogY: true})
	if err != nil {
		log.Fatal(err)
	}

	r := report.Report{
		Title:   "JEDI fit: monkey reaching",
		Metrics: []report.Metric{{Name: "R²", Value: 0.9312}, {Name: "segments", Value: 160}},
		Sections: []report.Section{{
			Title:   "Embeddings",
			Text:    "Each point is one trial epoch.",
			Figures: []report.Figure{{Caption: "Embeddings by epoch", Path: pca}, {Caption: "Loss", Path: loss}},
		}},
		Config: "model:\n  units: 64\n  rank: 2\n",
	}
	out := filepath.Join(dir, "report.html")
	if err := r.WriteHTML(out); err != nil {
		log.Fatal(err)
	}
	html, err := os.ReadFile(out)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("embedded figures:", strings.Count(string(html), `<img src="data:image/`))
	fmt.Println("external references:", strings.Contains(string(html), `src="http`) || strings.Contains(string(html), `href="http`))
	// Output:
	// embedded figures: 2
	// external references: false
}
