package plugin

import (
	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/report"
)

// Palette returns the colours of the values of label for every figure of a run: the values in
// the order of ds.GroupIndex (the data's declared order, else numbers numerically and text by
// its bytes), the order of every table
// of the report too, so that one colour is one value across all figures and legends read in
// table order. A plug-in that draws label values passes it to the report package's plots. It
// returns nil (the plots' natural order) when ds has no such label.
func Palette(ds *data.Dataset, label string) *report.Palette {
	groups, _, err := ds.GroupIndex(label)
	if err != nil {
		return nil
	}
	return report.NewPalette(groups)
}
