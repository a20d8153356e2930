// Package sessions is the analysis of a multi-session fit (docs/sessions.md): R² per recording
// session, a label decoded from the embeddings across sessions, and a single-session reference.
package sessions

import (
	"fmt"
	"io"
	"log/slog"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/pflag"
	"gonum.org/v1/gonum/mat"

	"github.com/jedi-neuro/jedi/analysis/embed"
	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/internal/output"
	"github.com/jedi-neuro/jedi/plugin"
	"github.com/jedi-neuro/jedi/report"
	"github.com/jedi-neuro/jedi/train"
)

// New returns the sessions plug-in with its default options.
func New() plugin.Plugin { return &sessionsPlugin{folds: 5, seed: 1} }

// sessionsPlugin: per-session reconstruction and cross-session decoding of a multi-session fit.
type sessionsPlugin struct {
	label, where, single string
	folds                int
	seed                 uint64
}

func (*sessionsPlugin) Name() string { return "sessions" }
func (*sessionsPlugin) Short() string {
	return "multi-session fits: R² per session, and a label decoded across sessions from the embeddings"
}
func (*sessionsPlugin) InfersHeldOut() {}
func (*sessionsPlugin) Report() bool   { return true }
func (p *sessionsPlugin) Flags(fs *pflag.FlagSet) {
	fs.StringVar(&p.label, "decode", "", "label decoded across sessions (default: the analysis label, or the first label other than session)")
	fs.StringVar(&p.where, "where", "", "decode only from the segments whose label has this value, NAME=VALUE (e.g. epoch=preparation)")
	fs.StringVar(&p.single, "single", "", "run directory of a single-session fit of the same teacher (jedi simulate sessions --full), scored on the same held-out segments")
	fs.IntVar(&p.folds, "folds", p.folds, "cross-validation folds of the within-dataset decoding")
	fs.Uint64Var(&p.seed, "seed", p.seed, "seed of the folds")
}

func (p *sessionsPlugin) Run(c *plugin.Context) (plugin.Result, error) {
	if _, ok := c.Data.Labels[data.SessionLabel]; !ok {
		slog.Info("analyse sessions: skipped, the data have no label_session (docs/sessions.md)")
		return nil, nil
	}
	label := p.label
	if label == "" {
		label = c.Label
		if label == data.SessionLabel {
			label = ""
			for _, name := range slices.Sorted(func(yield func(string) bool) {
				for k := range c.Data.Labels {
					if !yield(k) {
						return
					}
				}
			}) {
				if name != data.SessionLabel {
					label = name
					break
				}
			}
		}
	}
	slog.Info("analyse: sessions", "decode", label)
	emb, err := c.Embeddings()
	if err != nil {
		return nil, err
	}
	return SessionAnalysis(c.Fitted, c.Data, emb, Options{Label: label, Where: p.where, Single: p.single, Folds: p.folds, Seed: p.seed})
}

// Sessions is the per-session account of a multi-session fit.
type Sessions struct {
	// Sessions names the recording sessions (label_session's values, sorted).
	Sessions []string `json:"sessions"`
	// Train and HeldOut are each session's R² over the neurons it recorded: training segments
	// reconstructed with their embeddings, held-out ones with theirs inferred (θ frozen).
	Train   []train.SessionScore `json:"train"`
	HeldOut []train.SessionScore `json:"heldout"`
	// Single is, with a single-session reference fit (--single), that fit's held-out R² per
	// session on the same segments and neurons: its prediction of each recorded unit mapped
	// through the session's gain and offset (the ground truth session_gain, session_offset).
	Single []train.SessionScore `json:"single,omitempty"`
	// Label is the label decoded from the embeddings; empty when the data have no other label.
	// Where (NAME=VALUE) restricts the decoding to the Segments segments with that label value.
	Label    string `json:"label,omitempty"`
	Where    string `json:"where,omitempty"`
	Segments int    `json:"decoded_segments"`
	// Decoding is the label decoded from the embeddings, by logistic regression and by k nearest
	// neighbours (embed.Method); empty without a label or with one session.
	Decoding []CrossDecoding `json:"decoding,omitempty"`
	// SessionDecoding is the cross-validated accuracy of decoding the session itself from the
	// embeddings, SessionChance its chance level: near chance when a context's embeddings from
	// different sessions coincide.
	SessionDecoding float64 `json:"session_decoding_accuracy"`
	SessionChance   float64 `json:"session_decoding_chance"`
	Meaning         string  `json:"meaning"`
}

// CrossDecoding is a label decoded from the embeddings by one method, across sessions and within
// the dataset.
type CrossDecoding struct {
	Method string `json:"method"`
	// PerSession[k] is the accuracy of a decoder trained on the embeddings of every session
	// but k and tested on session k's segments (training and held-out alike), Chance[k] that of
	// guessing the training sessions' most common value.
	PerSession []float64 `json:"cross_session_accuracy"`
	Chance     []float64 `json:"cross_session_chance"`
	// Pooled is the accuracy pooled over every left-out session's segments.
	Pooled float64 `json:"cross_session_pooled"`
	// Within is the cross-validated accuracy over all segments, sessions mixed
	// (embed.Classify): the reference for Pooled.
	Within float64 `json:"within_accuracy"`
}

// Options are the settings of SessionAnalysis.
type Options struct {
	// Label is decoded from the embeddings ("" for none). Where, NAME=VALUE or "", restricts
	// the decoding (of the label and of the session) to the segments whose label NAME has
	// VALUE, e.g. epoch=preparation.
	Label, Where string
	// Single is the run directory of a single-session reference fit, or "".
	Single string
	// Folds and Seed set the cross-validation of the decoding within the dataset.
	Folds int
	Seed  uint64
}

// SessionAnalysis computes Sessions for run f on the multi-session dataset ds with the segment
// embeddings emb (SegmentEmbeddings): R² per session, the label decoded across sessions, the
// session decoded from the embeddings, and, with o.Single, the held-out R² per session of a
// single-session fit of the same segments.
func SessionAnalysis(f *train.Fitted, ds *data.Dataset, emb *plugin.Embeddings, o Options) (*Sessions, error) {
	label, single, folds, seed := o.Label, o.Single, o.Folds, o.Seed
	names, of, err := ds.Sessions()
	if err != nil {
		return nil, err
	}
	rows, err := whereRows(ds, o.Where)
	if err != nil {
		return nil, err
	}
	res := &Sessions{Sessions: names, Label: label, Where: o.Where, Segments: len(rows),
		Meaning: "R² per session over the neurons it recorded; decoding[].cross_session_accuracy[k]: a decoder of the label trained on the other sessions' embeddings, tested on session k's; session_decoding_accuracy: the session decoded from the embeddings (5-fold), near chance when sessions share their embeddings"}
	tr, err := train.Evaluate(f, ds, f.Train)
	if err != nil {
		return nil, err
	}
	if res.Train, err = train.SessionR2(tr, ds); err != nil {
		return nil, err
	}
	if emb.Inferred != nil {
		if res.HeldOut, err = train.SessionR2(emb.Inferred, ds); err != nil {
			return nil, err
		}
		if single != "" {
			if res.Single, err = singleSessionR2(single, ds, f.HeldOut); err != nil {
				return nil, fmt.Errorf("--single %s: %w", single, err)
			}
		}
	}
	// The decoding runs on the chosen segments' embeddings only.
	X := mat.NewDense(len(rows), emb.E.RawMatrix().Cols, nil)
	sesLabels := make([]string, len(rows))
	sub := make([]int, len(rows))
	for r, s := range rows {
		X.SetRow(r, emb.E.RawRowView(s))
		sesLabels[r], sub[r] = names[of[s]], of[s]
	}
	if len(names) > 1 {
		cl, err := embed.Classify(X, sesLabels, min(folds, len(rows)), seed, embed.Logistic)
		if err != nil {
			return nil, fmt.Errorf("decoding the session: %w", err)
		}
		res.SessionDecoding, res.SessionChance = cl.Accuracy, cl.Chance
	}
	if label == "" || len(names) < 2 {
		return res, nil
	}
	all, err := ds.LabelValues(label)
	if err != nil {
		return nil, err
	}
	values := make([]string, len(rows))
	for r, s := range rows {
		values[r] = all[s]
	}
	for _, method := range []embed.Method{embed.Logistic, embed.KNN} {
		d, err := crossDecode(X, values, names, sub, method, folds, seed)
		if err != nil {
			return nil, fmt.Errorf("decoding %s: %w", label, err)
		}
		res.Decoding = append(res.Decoding, *d)
	}
	return res, nil
}

// whereRows returns the segments whose label NAME has VALUE (where = "NAME=VALUE"), or every
// segment when where is empty.
func whereRows(ds *data.Dataset, where string) ([]int, error) {
	var rows []int
	if where == "" {
		for s := range ds.S {
			rows = append(rows, s)
		}
		return rows, nil
	}
	name, value, ok := strings.Cut(where, "=")
	if !ok {
		return nil, fmt.Errorf("--where %q: want NAME=VALUE, e.g. epoch=preparation", where)
	}
	values, err := ds.LabelValues(name)
	if err != nil {
		return nil, fmt.Errorf("--where: %w", err)
	}
	for s, v := range values {
		if v == value {
			rows = append(rows, s)
		}
	}
	if len(rows) < 2 {
		return nil, fmt.Errorf("--where %s: %d segments have %s = %q, need at least 2 to decode from", where, len(rows), name, value)
	}
	return rows, nil
}

// crossDecode decodes values from the embeddings X (a row per segment, of[r] its session) with
// method: leaving out each session in turn, and cross-validated over all rows. A session without
// rows gets NaN.
func crossDecode(X mat.Matrix, values, names []string, of []int, method embed.Method, folds int, seed uint64) (*CrossDecoding, error) {
	S := len(values)
	cl, err := embed.Classify(X, values, min(folds, S), seed, method)
	if err != nil {
		return nil, err
	}
	d := &CrossDecoding{Method: method.String(), Within: cl.Accuracy}
	var correct int
	for k := range names {
		var trainRows, test []int
		for s := range S {
			if of[s] == k {
				test = append(test, s)
			} else {
				trainRows = append(trainRows, s)
			}
		}
		if len(test) == 0 || len(trainRows) == 0 {
			d.PerSession, d.Chance = append(d.PerSession, math.NaN()), append(d.Chance, math.NaN())
			continue
		}
		t, err := embed.TransferDecode(X, values, trainRows, test, method)
		if err != nil {
			return nil, fmt.Errorf("session %s: %w", names[k], err)
		}
		d.PerSession = append(d.PerSession, t.Accuracy)
		d.Chance = append(d.Chance, t.Chance)
		for r, s := range test {
			if t.Predicted[r] == values[s] {
				correct++
			}
		}
	}
	d.Pooled = float64(correct) / float64(S)
	return d, nil
}

// singleSessionR2 scores the single-session fit in run on the multi-session dataset ds's
// held-out segments: the reference fit's held-out prediction of unit session_unit[j], times
// session_gain[j] plus session_offset[j], predicts ds's neuron j; R² is then taken per session
// as for the multi-session fit. The two fits must hold out the same segments.
func singleSessionR2(run string, ds *data.Dataset, heldOut []int) ([]train.SessionScore, error) {
	f, err := train.LoadRun(run)
	if err != nil {
		return nil, err
	}
	if !slices.Equal(f.HeldOut, heldOut) {
		return nil, fmt.Errorf("the reference fit holds out other segments than the multi-session fit (fit both with the same seed and heldout_fraction)")
	}
	var truth [3][]float64
	for i, name := range []string{"session_unit", "session_gain", "session_offset"} {
		a, ok := ds.Extra[name]
		if !ok || len(a.Data) != ds.M {
			return nil, fmt.Errorf("%s: no ground truth %s [%d] (data from jedi simulate sessions)", ds.Source, name, ds.M)
		}
		truth[i] = a.Data
	}
	ri, err := train.ReadRunInfo(run)
	if err != nil {
		return nil, err
	}
	full, err := data.ReadNPZ(ri.Data)
	if err != nil {
		return nil, err
	}
	if full.S != ds.S || full.T != ds.T {
		return nil, fmt.Errorf("%s has %d segments of %d bins, %s %d of %d: not the same trials", full.Source, full.S, full.T, ds.Source, ds.S, ds.T)
	}
	slog.Info("analyse sessions: inferring the single-session fit's held-out segments", "run", run, "segments", len(heldOut))
	inf, err := train.Infer(f, full, heldOut, f.Config.Train.InferSteps)
	if err != nil {
		return nil, err
	}
	mapped := &train.Inferred{Segments: heldOut, Prediction: make([]float64, len(heldOut)*ds.T*ds.M)}
	for i := range heldOut {
		for t := range ds.T {
			for j := range ds.M {
				u := int(truth[0][j])
				if u < 0 || u >= full.M {
					return nil, fmt.Errorf("%s: session_unit[%d] = %d, want 0..%d", ds.Source, j, u, full.M-1)
				}
				mapped.Prediction[(i*ds.T+t)*ds.M+j] = truth[1][j]*inf.Prediction[(i*full.T+t)*full.M+u] + truth[2][j]
			}
		}
	}
	return train.SessionR2(mapped, ds)
}

// Write saves sessions.json, sessions.npz and the figure of R² per session.
func (r *Sessions) Write(dir string) ([]report.Figure, error) {
	if err := output.WriteJSON(filepath.Join(dir, "sessions.json"), r); err != nil {
		return nil, err
	}
	arrays := []output.Array{{Name: "r2_train", Data: scoreValues(r.Train)}}
	if r.HeldOut != nil {
		arrays = append(arrays, output.Array{Name: "r2_heldout", Data: scoreValues(r.HeldOut)})
	}
	if r.Single != nil {
		arrays = append(arrays, output.Array{Name: "r2_single", Data: scoreValues(r.Single)})
	}
	for _, d := range r.Decoding {
		arrays = append(arrays, output.Array{Name: "cross_session_accuracy_" + d.Method, Data: d.PerSession}, output.Array{Name: "cross_session_chance_" + d.Method, Data: d.Chance})
	}
	if err := output.WriteNPZ(filepath.Join(dir, "sessions.npz"), arrays...); err != nil {
		return nil, err
	}
	scores, what := r.Train, "training"
	if r.HeldOut != nil {
		scores, what = r.HeldOut, "held-out"
	}
	// A session whose neurons are constant has no R²; it is left out of the figure (the
	// table shows it).
	var names []string
	var values []float64
	for _, s := range scores {
		if !math.IsNaN(s.R2) {
			names, values = append(names, s.Session), append(values, s.R2)
		}
	}
	if len(names) == 0 {
		return nil, nil
	}
	png, err := output.Figure(dir, "sessions", func(path string) error {
		return report.Bars(path, "R² per session ("+what+" segments)", "R²", names, values, nil, nil)
	})
	if err != nil {
		return nil, err
	}
	return []report.Figure{{Caption: "Reconstruction R² of each session's " + what + " segments over the neurons it recorded", Path: png}}, nil
}

func scoreValues(sc []train.SessionScore) []float64 {
	out := make([]float64, len(sc))
	for i, s := range sc {
		out[i] = s.R2
	}
	return out
}

// table is one row per session: segments, neurons, R² (training, held-out, single-session) and
// the cross-session decoding.
func (r *Sessions) table() report.Table {
	header := []string{"session", "neurons", "segments (train)", "R² train"}
	if r.HeldOut != nil {
		header = append(header, "R² held-out")
	}
	if r.Single != nil {
		header = append(header, "R² held-out, single-session fit")
	}
	for _, d := range r.Decoding {
		header = append(header, r.Label+" decoded by "+d.Method+" trained on the other sessions")
	}
	if r.Decoding != nil {
		header = append(header, "chance (always the training sessions' most common value)")
	}
	find := func(sc []train.SessionScore, name string) string {
		for _, s := range sc {
			if s.Session == name {
				return fmt.Sprintf("%.4f", s.R2)
			}
		}
		return "—"
	}
	t := report.Table{Caption: "Per session", Header: header}
	for k, name := range r.Sessions {
		row := []string{name, "—", "0", find(r.Train, name)}
		for _, s := range r.Train {
			if s.Session == name {
				row[1], row[2] = fmt.Sprint(s.Neurons), fmt.Sprint(s.Segments)
			}
		}
		if r.HeldOut != nil {
			row = append(row, find(r.HeldOut, name))
		}
		if r.Single != nil {
			row = append(row, find(r.Single, name))
		}
		for _, d := range r.Decoding {
			row = append(row, fmt.Sprintf("%.3f", d.PerSession[k]))
		}
		if r.Decoding != nil {
			row = append(row, fmt.Sprintf("%.3f", r.Decoding[0].Chance[k]))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// Print writes the per-session table and the decoding figures.
func (r *Sessions) Print(w io.Writer) {
	t := r.table()
	for _, h := range t.Header {
		fmt.Fprintf(w, "%s | ", h)
	}
	fmt.Fprintln(w)
	for _, row := range t.Rows {
		for _, v := range row {
			fmt.Fprintf(w, "%s | ", v)
		}
		fmt.Fprintln(w)
	}
	if r.Where != "" {
		fmt.Fprintf(w, "decoding from the %d segments with %s\n", r.Segments, r.Where)
	}
	for _, d := range r.Decoding {
		fmt.Fprintf(w, "%s decoded by %s across sessions (leave one session out): %.3f pooled; within the dataset (sessions mixed, cross-validated): %.3f\n", r.Label, d.Method, d.Pooled, d.Within)
	}
	if len(r.Sessions) > 1 {
		fmt.Fprintf(w, "session decoded from the embeddings: %.3f (chance %.3f)\n", r.SessionDecoding, r.SessionChance)
	}
}

// Section is the per-session part of a report.
func (r *Sessions) Section(figs []report.Figure) (report.Section, []report.Metric) {
	text := fmt.Sprintf("%d recording sessions share one hypernetwork and one dynamics; each neuron's readout row is its session's readout, and every R² runs over the neurons a segment's session recorded.", len(r.Sessions))
	var ms []report.Metric
	if r.Decoding != nil {
		text += "\n\n"
		if r.Where != "" {
			text += fmt.Sprintf("Decoding from the %d segments with %s. ", r.Segments, r.Where)
		}
	}
	for _, d := range r.Decoding {
		text += fmt.Sprintf("A %s decoder of %s trained on the embeddings of all sessions but one labels the left-out session's segments with accuracy %.3f (pooled), against %.3f when sessions are mixed in cross-validation. ", d.Method, r.Label, d.Pooled, d.Within)
		ms = append(ms, report.Metric{Name: fmt.Sprintf("%s decoded across sessions (%s)", r.Label, d.Method), Value: fmt.Sprintf("%.3f (within %.3f)", d.Pooled, d.Within)})
	}
	if len(r.Sessions) > 1 {
		text += fmt.Sprintf(" The session itself is decoded from the embeddings with accuracy %.3f (chance %.3f).", r.SessionDecoding, r.SessionChance)
		ms = append(ms, report.Metric{Name: "session decoded from the embeddings", Value: fmt.Sprintf("%.3f (chance %.3f)", r.SessionDecoding, r.SessionChance)})
	}
	return report.Section{Title: "Sessions", Text: text, Figures: figs, Tables: []report.Table{r.table()}}, ms
}
