package sweep

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/jedi-neuro/jedi/internal/fsutil"
	"github.com/jedi-neuro/jedi/report"
)

// Files written by Collect into the sweep directory.
const (
	TableCSV     = "table.csv"     // one row per task: settings, seed, fold, scores
	ConfigsCSV   = "configs.csv"   // one row per configuration: mean and spread over replicas
	TableMD      = "table.md"      // both tables in Markdown, the selection first
	TableJSON    = "table.json"    // Results
	CostsCSV     = "costs.csv"     // what each task cost (differs between machines)
	SelectedYAML = "selected.yaml" // the selected configuration, for jedi fit --config
)

// Row is one task's result.
type Row struct {
	Task      int                `json:"task"`
	Config    int                `json:"config"`
	Params    map[string]any     `json:"params"`
	Seed      uint64             `json:"seed"`
	Fold      int                `json:"fold"`
	State     string             `json:"state"`
	Epochs    int                `json:"epochs"`
	R2Train   *float64           `json:"r2_train"`
	R2HeldOut *float64           `json:"r2_heldout"`
	Decode    map[string]float64 `json:"decode,omitempty"`
}

// Summary is one configuration's results over its replicas (seeds × folds) that finished.
type Summary struct {
	Config int            `json:"config"`
	Params map[string]any `json:"params"`
	// N is the number of finished replicas, of Replicas.
	N, Replicas int
	// Held-out R²: mean, standard deviation over replicas, standard error of the mean (NaN
	// without finished replicas).
	R2HeldOut, R2HeldOutSD, R2HeldOutSE float64
	R2Train                             float64
	Decode                              map[string]float64
	// Rung is the last halving rung the configuration ran, Epochs the most epochs a replica
	// reached.
	Rung, Epochs int
	// WithinNoise: the difference from the selected configuration's mean is within one
	// combined standard error, sqrt(SE² + SE_best²).
	WithinNoise bool
}

// Results is what Collect gathers.
type Results struct {
	Keys    []string
	Rows    []Row
	Configs []Summary
	// Selected is the configuration with the best mean held-out R² among those whose every
	// replica finished; −1 when none did.
	Selected int
	// Incomplete counts the tasks not done (pending, running, paused at a rung, failed).
	Incomplete int
}

// Collect gathers the sweep in dir into Results and writes the tables, the plots of held-out
// R² (and decoding accuracy) against each swept key, and the selected configuration.
func Collect(dir string) (*Results, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	states, err := Status(dir, m, LocalProbe)
	if err != nil {
		return nil, err
	}
	res := &Results{Keys: m.Keys, Selected: -1}
	R := len(m.Replicas)
	for i, t := range m.Tasks {
		s := states[i]
		res.Rows = append(res.Rows, Row{Task: i, Config: t.Config, Params: m.Configs[t.Config].Params, Seed: t.Seed, Fold: t.Fold,
			State: s.State, Epochs: s.Epochs, R2Train: s.R2Train, R2HeldOut: s.R2HeldOut, Decode: s.Decode})
		if s.State != Done && s.State != Dropped {
			res.Incomplete++
		}
	}
	for _, c := range m.Configs {
		sum := Summary{Config: c.ID, Params: c.Params, Replicas: R, Decode: map[string]float64{}}
		var held, trn []float64
		dec := map[string][]float64{}
		for k := range R {
			row := res.Rows[c.ID*R+k]
			sum.Rung = max(sum.Rung, states[c.ID*R+k].Rung)
			sum.Epochs = max(sum.Epochs, states[c.ID*R+k].Epochs)
			if row.State != Done || row.R2HeldOut == nil {
				continue
			}
			held = append(held, *row.R2HeldOut)
			if row.R2Train != nil {
				trn = append(trn, *row.R2Train)
			}
			for meth, a := range row.Decode {
				dec[meth] = append(dec[meth], a)
			}
		}
		sum.N = len(held)
		sum.R2HeldOut, sum.R2HeldOutSD = meanSD(held)
		sum.R2HeldOutSE = sum.R2HeldOutSD / math.Sqrt(float64(max(sum.N, 1)))
		sum.R2Train, _ = meanSD(trn)
		for meth, v := range dec {
			sum.Decode[meth], _ = meanSD(v)
		}
		res.Configs = append(res.Configs, sum)
		if sum.N == R && (res.Selected < 0 || sum.R2HeldOut > res.Configs[res.Selected].R2HeldOut) {
			res.Selected = c.ID
		}
	}
	if res.Selected >= 0 {
		best := res.Configs[res.Selected]
		for i := range res.Configs {
			c := &res.Configs[i]
			c.WithinNoise = c.N > 0 && best.R2HeldOut-c.R2HeldOut <= math.Hypot(best.R2HeldOutSE, c.R2HeldOutSE)
		}
	}
	if err := res.write(dir, m, states); err != nil {
		return nil, err
	}
	return res, nil
}

func meanSD(x []float64) (mean, sd float64) {
	if len(x) == 0 {
		return math.NaN(), math.NaN()
	}
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	if len(x) < 2 {
		return mean, 0
	}
	for _, v := range x {
		sd += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(sd / float64(len(x)-1))
}

// decodeMethods lists the decoding methods found in any row, sorted.
func (r *Results) decodeMethods() []string {
	var out []string
	for _, row := range r.Rows {
		for k := range row.Decode {
			if !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	slices.Sort(out)
	return out
}

func num(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', 6, 64)
}

func numf(x float64, prec int) string {
	if math.IsNaN(x) {
		return ""
	}
	return strconv.FormatFloat(x, 'f', prec, 64)
}

func (r *Results) write(dir string, m *Manifest, states []*State) error {
	meths := r.decodeMethods()
	// table.csv: the same bytes from any backend for the same seeds (no timings here).
	var b strings.Builder
	head := append(append([]string{"task", "config"}, r.Keys...), "seed", "fold", "state", "epochs", "r2_train", "r2_heldout")
	for _, k := range meths {
		head = append(head, "decode_"+k)
	}
	b.WriteString(csvLine(head))
	for _, row := range r.Rows {
		rec := []string{strconv.Itoa(row.Task), strconv.Itoa(row.Config)}
		for _, k := range r.Keys {
			rec = append(rec, FormatValue(row.Params[k]))
		}
		rec = append(rec, strconv.FormatUint(row.Seed, 10), foldName(row.Fold), row.State, strconv.Itoa(row.Epochs), num(row.R2Train), num(row.R2HeldOut))
		for _, k := range meths {
			if a, ok := row.Decode[k]; ok {
				rec = append(rec, numf(a, 6))
			} else {
				rec = append(rec, "")
			}
		}
		b.WriteString(csvLine(rec))
	}
	if err := fsutil.WriteBytesAtomic(filepath.Join(dir, TableCSV), []byte(b.String())); err != nil {
		return err
	}

	b.Reset()
	head = append(append([]string{"config"}, r.Keys...), "n", "replicas", "rung", "r2_heldout_mean", "r2_heldout_sd", "r2_heldout_se", "r2_train_mean")
	for _, k := range meths {
		head = append(head, "decode_"+k+"_mean")
	}
	head = append(head, "within_noise", "selected")
	b.WriteString(csvLine(head))
	for _, c := range r.Configs {
		rec := []string{strconv.Itoa(c.Config)}
		for _, k := range r.Keys {
			rec = append(rec, FormatValue(c.Params[k]))
		}
		rec = append(rec, strconv.Itoa(c.N), strconv.Itoa(c.Replicas), strconv.Itoa(c.Rung), numf(c.R2HeldOut, 6), numf(c.R2HeldOutSD, 6), numf(c.R2HeldOutSE, 6), numf(c.R2Train, 6))
		for _, k := range meths {
			if a, ok := c.Decode[k]; ok {
				rec = append(rec, numf(a, 6))
			} else {
				rec = append(rec, "")
			}
		}
		rec = append(rec, strconv.FormatBool(c.WithinNoise), strconv.FormatBool(c.Config == r.Selected))
		b.WriteString(csvLine(rec))
	}
	if err := fsutil.WriteBytesAtomic(filepath.Join(dir, ConfigsCSV), []byte(b.String())); err != nil {
		return err
	}

	b.Reset()
	b.WriteString("task,state,attempts,epochs,cpu_seconds,wall_seconds,max_rss_mib,host\n")
	for _, s := range states {
		b.WriteString(csvLine([]string{strconv.Itoa(s.Task), s.State, strconv.Itoa(s.Attempts), strconv.Itoa(s.Epochs),
			numf(s.CPUSeconds, 1), numf(s.WallSeconds, 1), numf(s.MaxRSSMiB, 1), s.Host}))
	}
	if err := fsutil.WriteBytesAtomic(filepath.Join(dir, CostsCSV), []byte(b.String())); err != nil {
		return err
	}

	if err := fsutil.WriteBytesAtomic(filepath.Join(dir, TableMD), []byte(r.Markdown())); err != nil {
		return err
	}
	js, err := json.MarshalIndent(r.jsonSafe(), "", "  ")
	if err != nil {
		return err
	}
	if err := fsutil.WriteBytesAtomic(filepath.Join(dir, TableJSON), append(js, '\n')); err != nil {
		return err
	}
	if err := r.plots(dir, meths); err != nil {
		return err
	}
	sel := filepath.Join(dir, SelectedYAML)
	if r.Selected < 0 {
		os.Remove(sel) // a selection from an earlier collect no longer holds
		return nil
	}
	t := m.Tasks[r.Selected*len(m.Replicas)]
	y, err := os.ReadFile(filepath.Join(dir, t.ConfigFile))
	if err != nil {
		return err
	}
	c := r.Configs[r.Selected]
	header := fmt.Sprintf("# Selected by jedi sweep collect %s: configuration %d (%s),\n# held-out R² %.4f ± %.4f (sd over %d replicas). Fit it with: jedi fit --config %s --data DATA --out RUN\n",
		dir, c.Config, m.Configs[c.Config].describe(m.Keys), c.R2HeldOut, c.R2HeldOutSD, c.N, SelectedYAML)
	return fsutil.WriteBytesAtomic(sel, append([]byte(header), y...))
}

func foldName(f int) string {
	if f < 0 {
		return ""
	}
	return strconv.Itoa(f)
}

func csvLine(rec []string) string {
	for i, f := range rec {
		if strings.ContainsAny(f, ",\"\n") {
			rec[i] = `"` + strings.ReplaceAll(f, `"`, `""`) + `"`
		}
	}
	return strings.Join(rec, ",") + "\n"
}

// jsonSafe replaces the NaN of configurations without results by nothing JSON cannot hold.
func (r *Results) jsonSafe() any {
	type summary struct {
		Config      int                `json:"config"`
		Params      map[string]any     `json:"params"`
		N           int                `json:"n"`
		Replicas    int                `json:"replicas"`
		Rung        int                `json:"rung"`
		Epochs      int                `json:"epochs"`
		R2HeldOut   *float64           `json:"r2_heldout_mean"`
		R2HeldOutSD *float64           `json:"r2_heldout_sd"`
		R2HeldOutSE *float64           `json:"r2_heldout_se"`
		R2Train     *float64           `json:"r2_train_mean"`
		Decode      map[string]float64 `json:"decode_mean,omitempty"`
		WithinNoise bool               `json:"within_noise"`
	}
	cs := make([]summary, len(r.Configs))
	for i, c := range r.Configs {
		cs[i] = summary{c.Config, c.Params, c.N, c.Replicas, c.Rung, c.Epochs, finite(c.R2HeldOut), finite(c.R2HeldOutSD),
			finite(c.R2HeldOutSE), finite(c.R2Train), c.Decode, c.WithinNoise}
	}
	return struct {
		Keys       []string  `json:"keys"`
		Selected   int       `json:"selected"`
		Incomplete int       `json:"incomplete"`
		Configs    []summary `json:"configs"`
		Tasks      []Row     `json:"tasks"`
	}{r.Keys, r.Selected, r.Incomplete, cs, r.Rows}
}

// Markdown renders the selection and the per-configuration table (best first), then the
// per-task table.
func (r *Results) Markdown() string {
	var b strings.Builder
	meths := r.decodeMethods()
	if r.Selected >= 0 {
		c := r.Configs[r.Selected]
		fmt.Fprintf(&b, "Selected: configuration %d (%s), held-out R² %.4f ± %.4f (sd over %d replicas).\n\n", c.Config, r.describe(c.Params), c.R2HeldOut, c.R2HeldOutSD, c.N)
	} else {
		b.WriteString("No configuration has finished every replica yet.\n\n")
	}
	if r.Incomplete > 0 {
		fmt.Fprintf(&b, "%d of %d tasks not done.\n\n", r.Incomplete, len(r.Rows))
	}
	head := append(append([]string{"config"}, r.Keys...), "epochs", "n", "R² held-out (mean ± sd)", "R² train")
	for _, k := range meths {
		head = append(head, "decode "+k)
	}
	head = append(head, "within noise")
	mdRow(&b, head)
	order := make([]int, len(r.Configs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int {
		a, c := r.Configs[i].R2HeldOut, r.Configs[j].R2HeldOut
		switch {
		case math.IsNaN(a) && !math.IsNaN(c) || a < c:
			return 1
		case math.IsNaN(c) && !math.IsNaN(a) || a > c:
			return -1
		}
		return 0
	})
	for _, i := range order {
		c := r.Configs[i]
		id := strconv.Itoa(c.Config)
		if c.Config == r.Selected {
			id = "**" + id + "**"
		}
		rec := []string{id}
		for _, k := range r.Keys {
			rec = append(rec, FormatValue(c.Params[k]))
		}
		held := ""
		if c.N > 0 {
			held = fmt.Sprintf("%.4f ± %.4f", c.R2HeldOut, c.R2HeldOutSD)
		}
		rec = append(rec, strconv.Itoa(c.Epochs), fmt.Sprintf("%d/%d", c.N, c.Replicas), held, numf(c.R2Train, 4))
		for _, k := range meths {
			if a, ok := c.Decode[k]; ok {
				rec = append(rec, numf(a, 3))
			} else {
				rec = append(rec, "")
			}
		}
		w := ""
		if c.WithinNoise {
			w = "yes"
		}
		mdRow(&b, append(rec, w))
	}
	b.WriteString("\nTasks:\n\n")
	head = append(append([]string{"task", "config"}, r.Keys...), "seed", "fold", "state", "epochs", "R² train", "R² held-out")
	mdRow(&b, head)
	for _, row := range r.Rows {
		rec := []string{strconv.Itoa(row.Task), strconv.Itoa(row.Config)}
		for _, k := range r.Keys {
			rec = append(rec, FormatValue(row.Params[k]))
		}
		rec = append(rec, strconv.FormatUint(row.Seed, 10), foldName(row.Fold), row.State, strconv.Itoa(row.Epochs), short(row.R2Train), short(row.R2HeldOut))
		mdRow(&b, rec)
	}
	return b.String()
}

func short(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', 4, 64)
}

func mdRow(b *strings.Builder, rec []string) {
	if b.Len() == 0 || strings.HasSuffix(b.String(), "\n\n") {
		b.WriteString("| " + strings.Join(rec, " | ") + " |\n|" + strings.Repeat("---|", len(rec)) + "\n")
		return
	}
	b.WriteString("| " + strings.Join(rec, " | ") + " |\n")
}

func (r *Results) describe(p map[string]any) string {
	return Config{Params: p}.describe(r.Keys)
}

// plots draws, for each swept key, the configurations' mean held-out R² (error bars: sd over
// replicas) against the key's values, one line per combination of the other keys (at most 8;
// beyond that, the best over them); and the same for each decoding accuracy.
func (r *Results) plots(dir string, meths []string) error {
	metrics := []struct {
		file, label string
		value       func(Summary) (float64, float64)
	}{{"r2_heldout", "held-out R²", func(c Summary) (float64, float64) { return c.R2HeldOut, c.R2HeldOutSD }}}
	for _, k := range meths {
		metrics = append(metrics, struct {
			file, label string
			value       func(Summary) (float64, float64)
		}{"decode_" + k, "decoding accuracy (" + k + ")", func(c Summary) (float64, float64) {
			a, ok := c.Decode[k]
			if !ok {
				return math.NaN(), 0
			}
			return a, 0
		}})
	}
	for _, key := range r.Keys {
		for _, mt := range metrics {
			series, xlabel := r.seriesFor(key, mt.value)
			if len(series) == 0 {
				continue
			}
			path := filepath.Join(dir, mt.file+"-"+strings.ReplaceAll(key, ".", "_")+".png")
			if err := report.Lines(path, mt.label+" against "+key, xlabel, mt.label, series, report.LineOptions{ErrorBars: true}); err != nil {
				return err
			}
		}
	}
	return nil
}

// seriesFor builds the lines of one plot: x is the key's value (its position among the
// values when they are not numbers).
func (r *Results) seriesFor(key string, value func(Summary) (float64, float64)) ([]report.Series, string) {
	var values []string
	numeric := true
	for _, c := range r.Configs {
		v := FormatValue(c.Params[key])
		if !slices.Contains(values, v) {
			values = append(values, v)
		}
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			numeric = false
		}
	}
	xlabel := key
	if !numeric {
		xlabel = fmt.Sprintf("%s (%s)", key, strings.Join(func() []string {
			out := make([]string, len(values))
			for i, v := range values {
				out[i] = fmt.Sprintf("%d: %s", i, v)
			}
			return out
		}(), ", "))
	}
	x := func(v string) float64 {
		if numeric {
			f, _ := strconv.ParseFloat(v, 64)
			return f
		}
		return float64(slices.Index(values, v))
	}
	// Group configurations by the other keys' values.
	var others []string
	for _, k := range r.Keys {
		if k != key {
			others = append(others, k)
		}
	}
	type point struct{ x, y, e float64 }
	groups := map[string][]point{}
	var names []string
	for _, c := range r.Configs {
		y, e := value(c)
		if c.N == 0 || math.IsNaN(y) {
			continue
		}
		var parts []string
		for _, k := range others {
			parts = append(parts, k+"="+FormatValue(c.Params[k]))
		}
		name := strings.Join(parts, " ")
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
		groups[name] = append(groups[name], point{x(FormatValue(c.Params[key])), y, e})
	}
	if len(names) > 8 {
		best := map[float64]point{}
		for _, ps := range groups {
			for _, p := range ps {
				if b, ok := best[p.x]; !ok || p.y > b.y {
					best[p.x] = p
				}
			}
		}
		groups = map[string][]point{"best over the other settings": nil}
		names = []string{"best over the other settings"}
		for _, p := range best {
			groups[names[0]] = append(groups[names[0]], p)
		}
	}
	var series []report.Series
	for _, name := range names {
		ps := groups[name]
		slices.SortFunc(ps, func(a, b point) int {
			switch {
			case a.x < b.x:
				return -1
			case a.x > b.x:
				return 1
			}
			return 0
		})
		s := report.Series{Name: name}
		if s.Name == "" {
			s.Name = key
		}
		for _, p := range ps {
			s.X, s.Y, s.YErr = append(s.X, p.x), append(s.Y, p.y), append(s.YErr, p.e)
		}
		series = append(series, s)
	}
	return series, xlabel
}
