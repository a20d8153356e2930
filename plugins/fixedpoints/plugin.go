package fixedpoints

import (
	"fmt"
	"io"
	"log/slog"
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/plugin"
	"github.com/jedi-neuro/jedi/report"
)

// New returns the plug-in of the fixed points of each label value's network, with its default
// options.
func New() plugin.Plugin {
	return &fixedPointsPlugin{opt: Options{Seed: 1}.WithDefaults(), teacherSegments: true}
}

// Flags binds the options of the fixed-point search that fixedpoints and spectra share.
func Flags(fs *pflag.FlagSet, o *Options) {
	fs.IntVar(&o.Starts, "starts", o.Starts, "fixed-point searches per network")
	fs.Float64Var(&o.Noise, "start-noise", o.Noise, "noise added to the starts, relative to the RMS spread of the trajectories")
	fs.Uint64Var(&o.Seed, "seed", o.Seed, "seed of the starts")
}

// fixedPointsPlugin: the fixed points of each label value's network.
type fixedPointsPlugin struct {
	opt             Options
	heldOut         bool
	teacherSegments bool
}

func (*fixedPointsPlugin) Name() string { return "fixedpoints" }
func (*fixedPointsPlugin) Short() string {
	return "Fixed points of each label value's network, classified and projected"
}
func (*fixedPointsPlugin) InfersHeldOut() {}
func (*fixedPointsPlugin) Report() bool   { return true }
func (p *fixedPointsPlugin) Flags(fs *pflag.FlagSet) {
	fs.BoolVar(&p.heldOut, "heldout", p.heldOut, "also use the held-out segments (embeddings inferred)")
	fs.BoolVar(&p.opt.PerSegment, "per-segment", p.opt.PerSegment, "analyse every segment's network instead of each value's centroid")
	fs.BoolVar(&p.teacherSegments, "teacher-segments", p.teacherSegments, "when the data hold a teacher's fixed points and every segment has its own embedding, also match every segment's network's points, pooled by value, against the teacher's (into OUT/segments)")
	fs.IntVar(&p.opt.Trajectories, "trajectories", p.opt.Trajectories, "trajectories per network to sample starts from")
	fs.Float64Var(&p.opt.MatchRadius, "match-radius", p.opt.MatchRadius, "radius of the coverage match with the teacher's points, as a fraction of the RMS distance of the activity from its mean")
	Flags(fs, &p.opt)
}
func (p *fixedPointsPlugin) Run(c *plugin.Context) (plugin.Result, error) {
	segs, err := c.Segments(p.heldOut)
	if err != nil {
		return nil, err
	}
	slog.Info("analyse: fixed points", "label", c.Label, "per_segment", p.opt.PerSegment)
	res := &Result{}
	if res.Networks, err = Analyze(c.Fitted, c.Data, segs, c.Label, p.opt); err != nil {
		return nil, err
	}
	labels, err := segs.Labels(c.Data, c.Label)
	if err != nil {
		return nil, err
	}
	if p.teacherSegments && !p.opt.PerSegment && c.Fitted.Groups == nil && hasTeacher(c.Data, labels) {
		slog.Info("analyse: fixed points of every segment's network, against the teacher's", "label", c.Label, "networks", len(segs.Idx))
		o := p.opt
		o.PerSegment = true
		if res.Segments, err = Analyze(c.Fitted, c.Data, segs, c.Label, o); err != nil {
			return nil, err
		}
		res.SegmentTeacherMatch = res.Segments.Teacher
	}
	return res, nil
}

// Result is the fixedpoints plug-in's result: the points of each label value's network (the
// centroid's, or every segment's with --per-segment) and, when the data hold a teacher's points
// and each segment has its own embedding, those of every segment's network pooled by value
// against the teacher's (in the subdirectory segments/). Its JSON (in analysis.json) is the
// label values' networks and the pooled teacher match, not every segment's points.
type Result struct {
	Networks *Analysis `json:"networks"`
	Segments *Analysis `json:"-"`
	// SegmentTeacherMatch is Segments.Teacher.
	SegmentTeacherMatch []TeacherMatch `json:"segment_teacher_match,omitempty"`
}

// Write writes the analyses (Segments into dir/segments).
func (r *Result) Write(dir string) ([]report.Figure, error) {
	figs, err := r.Networks.Write(dir)
	if err != nil || r.Segments == nil {
		return figs, err
	}
	sf, err := r.Segments.Write(filepath.Join(dir, "segments"))
	if err != nil {
		return nil, err
	}
	if len(r.Segments.Teacher) > 0 && len(sf) > 1 {
		// With a teacher, the second figure compares the pooled points with its points.
		figs = append(figs, sf[1])
	}
	return figs, nil
}

// Print writes the points found per network and the teacher matches.
func (r *Result) Print(w io.Writer) {
	for _, a := range []*Analysis{r.Networks, r.Segments} {
		if a == nil {
			continue
		}
		for _, n := range a.Networks {
			counts := map[string]int{}
			for _, p := range n.Points {
				counts[p.Class]++
			}
			line := fmt.Sprintf("%-12s %d fixed points %v", n.Group, len(n.Points), counts)
			if n.Segment >= 0 {
				line = fmt.Sprintf("segment %-5d ", n.Segment) + line
			}
			fmt.Fprintln(w, line)
		}
		for _, m := range a.Teacher {
			fmt.Fprintf(w, "%-12s teacher match of %d network(s): recall %.2f, precision %.2f, F1 %.2f within %.3f of the teacher's %d fixed and %d slow points; one-to-one score %.3f (%d found, mean distance %.3f)\n",
				m.Group, m.Networks, m.Recall, m.Precision, m.F1, m.Radius, m.TeacherPoints, m.TeacherSlow, m.Score, m.Found, m.MeanDistance)
		}
	}
}

// Section is the fixed points' part of a report.
func (r *Result) Section(figs []report.Figure) (report.Section, []report.Metric) {
	fp := r.Networks
	label := fp.Label
	sec := report.Section{Title: "Fixed points",
		Text:    "The fixed points of each " + label + "'s centroid network, found by minimising ½‖F(x) − x‖² from states on its trajectories plus noise, classified by their Jacobian's eigenvalues, and drawn on the principal axes of the predicted activity of the recorded neurons.",
		Figures: figs}
	tbl := report.Table{Caption: "Fixed points per " + label, Header: []string{label, "fixed points", "stable", "saddle", "other", "teacher match"}}
	for _, n := range fp.Networks {
		var stable, saddle int
		for _, p := range n.Points {
			switch p.Class {
			case "stable":
				stable++
			case "saddle":
				saddle++
			}
		}
		match := "—"
		for _, m := range fp.Teacher {
			if m.Group == n.Group {
				match = fmt.Sprintf("F1 %.2f, score %.3f", m.F1, m.Score)
			}
		}
		tbl.Rows = append(tbl.Rows, []string{n.Group, fmt.Sprint(len(n.Points)), fmt.Sprint(stable), fmt.Sprint(saddle), fmt.Sprint(len(n.Points) - stable - saddle), match})
	}
	sec.Tables = append(sec.Tables, tbl)
	if sf := r.Segments; sf != nil && len(sf.Teacher) > 0 {
		tbl := report.Table{Caption: fmt.Sprintf("The fixed points of every training segment's own network, pooled by %s, against the teacher's fixed and slow points: "+
			"recall, the share of the teacher's points with a fitted point within the radius; precision, the share of fitted points within it of a teacher point; "+
			"the radius is a fraction of the RMS distance of the recorded activity from its mean", label),
			Header: []string{label, "networks", "fixed points found", "teacher fixed + slow points", "radius", "recall", "precision", "F1"}}
		for _, m := range sf.Teacher {
			tbl.Rows = append(tbl.Rows, []string{m.Group, fmt.Sprint(m.Networks), fmt.Sprint(m.Found), fmt.Sprintf("%d + %d", m.TeacherPoints, m.TeacherSlow),
				fmt.Sprintf("%.3f (%.2g × size)", m.Radius, m.RadiusFraction), fmt.Sprintf("%.2f", m.Recall), fmt.Sprintf("%.2f", m.Precision), fmt.Sprintf("%.2f", m.F1)})
		}
		sec.Tables = append(sec.Tables, tbl)
	}
	return sec, nil
}

// hasTeacher reports whether ds holds teacher_fixed_points_<v> for a value v among
// values.
func hasTeacher(ds *data.Dataset, values []string) bool {
	for _, v := range values {
		if _, ok := ds.Extra["teacher_fixed_points_"+v]; ok {
			return true
		}
	}
	return false
}
