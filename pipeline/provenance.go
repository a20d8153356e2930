package pipeline

import (
	"strings"
	"time"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/internal/fsutil"
	"github.com/jedi-neuro/jedi/internal/version"
	"github.com/jedi-neuro/jedi/report"
)

// Provenance says what made a report of ds: jedi's version and commit, the date, the command
// line args (nil: left out) and the data file with its SHA-256, so that a reader can trace every
// figure to the code and the data that made it.
func Provenance(ds *data.Dataset, args []string) []report.Metric {
	v := version.Get()
	out := []report.Metric{
		{Name: "jedi", Value: v.String()},
		{Name: "date", Value: time.Now().UTC().Format("2006-01-02 15:04:05 UTC")},
	}
	if args != nil {
		out = append(out, report.Metric{Name: "command", Value: strings.Join(args, " ")})
	}
	if ds != nil && ds.Source != "" {
		out = append(out, report.Metric{Name: "data", Value: ds.Source})
		sum, err := fsutil.FileSHA256(ds.Source)
		if err != nil {
			sum = "unavailable: " + err.Error()
		}
		out = append(out, report.Metric{Name: "data SHA-256", Value: sum})
	}
	return out
}
