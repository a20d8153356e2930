package sweep

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/train"
)

func TestOverride(t *testing.T) {
	base := train.Default(10)
	cfg, err := override(base, []string{"model.hidden", "model.rank", "train.learning_rate"},
		map[string]any{"model.rank": 3, "train.learning_rate": 0.01, "model.hidden": []any{32, 16}})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Model.Rank != 3 || cfg.Train.LearningRate != 0.01 || !slices.Equal(cfg.Model.Hidden, []int{32, 16}) {
		t.Fatalf("override: rank %d lr %g hidden %v", cfg.Model.Rank, cfg.Train.LearningRate, cfg.Model.Hidden)
	}
	// Everything else is the base's.
	cfg.Model.Rank, cfg.Train.LearningRate, cfg.Model.Hidden = base.Model.Rank, base.Train.LearningRate, base.Model.Hidden
	a, _ := cfg.YAML()
	b, _ := base.YAML()
	if string(a) != string(b) {
		t.Fatalf("override changed other settings:\n%s\nwant\n%s", a, b)
	}
	for _, tc := range []struct {
		key  string
		val  any
		want string
	}{
		{"model.rnak", 2, `no setting "rnak" in model`},
		{"modle.rank", 2, `no setting "modle"`},
		{"model.rank.x", 2, "model.rank is not a section"},
		{"model.rank", "high", "model.rank"},
		{"rank", 2, `no setting "rank" in the configuration`},
		{"model.", 2, "not a setting"},
	} {
		if _, err := override(base, []string{tc.key}, map[string]any{tc.key: tc.val}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("override %s=%v: error %v, want one containing %q", tc.key, tc.val, err, tc.want)
		}
	}
}

func TestExpand(t *testing.T) {
	s := &Spec{Grid: map[string][]any{"model.rank": {1, 2, 4}, "model.embedding_dim": {2, 8}}}
	keys, cfgs, err := expand(s)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(keys, []string{"model.embedding_dim", "model.rank"}) || len(cfgs) != 6 {
		t.Fatalf("keys %v, %d configurations", keys, len(cfgs))
	}
	// The last key varies fastest.
	var got []string
	for _, c := range cfgs {
		got = append(got, c.describe(keys))
	}
	want := []string{"model.embedding_dim=2 model.rank=1", "model.embedding_dim=2 model.rank=2", "model.embedding_dim=2 model.rank=4",
		"model.embedding_dim=8 model.rank=1", "model.embedding_dim=8 model.rank=2", "model.embedding_dim=8 model.rank=4"}
	if !slices.Equal(got, want) {
		t.Fatalf("grid order %v, want %v", got, want)
	}

	// Random draws: reproducible from the seed, inside their ranges, crossed with the grid.
	s = &Spec{Grid: map[string][]any{"model.rank": {1, 2}}, Random: &Random{N: 50, Seed: 7, Params: map[string]Dist{
		"train.learning_rate": {LogUniform: []float64{1e-4, 1e-2}},
		"model.units":         {Choice: []any{64, 128}},
		"model.alpha":         {Uniform: []float64{0.05, 0.2}},
		"train.batch_size":    {Int: []int{8, 12}},
	}}}
	keys, cfgs, err = expand(s)
	if err != nil {
		t.Fatal(err)
	}
	_, again, _ := expand(s)
	if len(cfgs) != 100 || fmt.Sprint(cfgs) != fmt.Sprint(again) {
		t.Fatalf("%d configurations; reproducible: %v", len(cfgs), fmt.Sprint(cfgs) == fmt.Sprint(again))
	}
	seen := map[int]bool{}
	lowDecade := 0
	for _, c := range cfgs {
		lr, u, a, bs := c.Params["train.learning_rate"].(float64), c.Params["model.units"].(int), c.Params["model.alpha"].(float64), c.Params["train.batch_size"].(int)
		if lr < 1e-4 || lr > 1e-2 || (u != 64 && u != 128) || a < 0.05 || a > 0.2 || bs < 8 || bs > 12 {
			t.Fatalf("draw out of range: %v", c.Params)
		}
		if lr < 1e-3 {
			lowDecade++
		}
		seen[bs] = true
	}
	// Log-uniform: about half the draws in the lower decade (binomial, 100 draws: 50 ± 5).
	if lowDecade < 30 || lowDecade > 70 || len(seen) != 5 {
		t.Fatalf("log-uniform draws below 1e-3: %d of 100; batch sizes seen %v", lowDecade, seen)
	}
	// The first 50 (rank 1) and last 50 (rank 2) share the same draws.
	for i := range 50 {
		if fmt.Sprint(cfgs[i].Params["train.learning_rate"]) != fmt.Sprint(cfgs[50+i].Params["train.learning_rate"]) {
			t.Fatal("random draws are not crossed with the grid")
		}
	}
}

func TestRungs(t *testing.T) {
	for _, tc := range []struct {
		eta, min, epochs, n int
		at, keep            []int
	}{
		{3, 50, 400, 12, []int{50, 150, 400}, []int{12, 4, 1}},
		{2, 25, 200, 9, []int{25, 50, 100, 200}, []int{9, 4, 2, 1}},
		{2, 100, 150, 2, []int{100, 150}, []int{2, 1}},
	} {
		at, keep, err := rungs(&Halving{Eta: tc.eta, MinEpochs: tc.min}, tc.epochs, tc.n)
		if err != nil || !slices.Equal(at, tc.at) || !slices.Equal(keep, tc.keep) {
			t.Errorf("rungs(η=%d, min %d, %d epochs, %d configs) = %v %v %v, want %v %v", tc.eta, tc.min, tc.epochs, tc.n, at, keep, err, tc.at, tc.keep)
		}
	}
	if _, _, err := rungs(&Halving{Eta: 2, MinEpochs: 400}, 400, 3); err == nil {
		t.Error("min_epochs = epochs accepted")
	}
}

func foldData(t *testing.T, dir string) string {
	t.Helper()
	ds := data.New(23, 5, 2, 0.01)
	cond := make([]string, 23)
	for s := range cond {
		cond[s] = []string{"a", "b", "c"}[s%3]
		if s >= 20 {
			cond[s] = "a" // unbalanced classes: a 10, b 7, c 6
		}
	}
	ds.Labels["cond"] = data.Label{Kind: data.StringLabel, Values: cond}
	path := filepath.Join(dir, "d.npz")
	if err := data.WriteNPZ(path, ds); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestFolds(t *testing.T) {
	ds, err := data.ReadNPZ(foldData(t, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	folds, err := makeFolds(ds, &Folds{K: 4, Stratify: "cond", Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	cond := ds.Labels["cond"].Values
	heldCount := make([]int, ds.S)
	for k, f := range folds {
		if len(f.Train)+len(f.HeldOut) != ds.S {
			t.Fatalf("fold %d: %d + %d segments of %d", k, len(f.Train), len(f.HeldOut), ds.S)
		}
		for _, s := range f.HeldOut {
			heldCount[s]++
			if slices.Contains(f.Train, s) {
				t.Fatalf("fold %d: segment %d both trained on and held out", k, s)
			}
		}
		// Stratified: each class's held-out count is ⌊n/4⌋ or ⌈n/4⌉.
		for class, n := range map[string]int{"a": 10, "b": 7, "c": 6} {
			c := 0
			for _, s := range f.HeldOut {
				if cond[s] == class {
					c++
				}
			}
			if c < n/4 || c > (n+3)/4 {
				t.Errorf("fold %d holds out %d of class %s's %d", k, c, class, n)
			}
		}
	}
	for s, c := range heldCount {
		if c != 1 {
			t.Fatalf("segment %d held out %d times, want once", s, c)
		}
	}
	if _, err := makeFolds(ds, &Folds{K: 4, Stratify: "nope"}); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("unknown stratify label: %v", err)
	}
	if _, err := makeFolds(ds, &Folds{K: 24}); err == nil {
		t.Fatal("24 folds of 23 segments accepted")
	}
}

func writeSpec(t *testing.T, dir, body string) string {
	t.Helper()
	p := filepath.Join(dir, "sweep.yaml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPlan(t *testing.T) {
	dir := t.TempDir()
	foldData(t, dir)
	spec := writeSpec(t, dir, `data: d.npz
set: {train.epochs: 40, train.val_every: 10, model.units: 16}
grid: {model.rank: [1, 2]}
seeds: [5, 6]
folds: {k: 3, stratify: cond}
halving: {eta: 2, min_epochs: 10}
`)
	m, err := Plan(spec, filepath.Join(dir, "sw"), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Tasks) != 2*2*3 || m.Data != filepath.Join("..", "d.npz") || !slices.Equal(m.Rungs, []int{10, 20, 40}) {
		t.Fatalf("%d tasks, data %q, rungs %v", len(m.Tasks), m.Data, m.Rungs)
	}
	// Task 7 = configuration 1, replica 1 = seed 5, fold 1.
	tk := m.Tasks[7]
	if tk.Config != 1 || tk.Seed != 5 || tk.Fold != 1 {
		t.Fatalf("task 7: %+v", tk)
	}
	cfg, err := train.LoadConfig(filepath.Join(dir, "sw", tk.ConfigFile), train.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Seed != 5 || cfg.Model.Rank != 2 || cfg.Model.N != 16 || cfg.Train.Epochs != 40 {
		t.Fatalf("task 7's config: seed %d rank %d units %d epochs %d", cfg.Seed, cfg.Model.Rank, cfg.Model.N, cfg.Train.Epochs)
	}
	back, err := ReadManifest(filepath.Join(dir, "sw"))
	if err != nil || len(back.Tasks) != 12 {
		t.Fatalf("manifest read back: %v", err)
	}
	if _, err := Plan(spec, filepath.Join(dir, "sw"), ""); err == nil || !strings.Contains(err.Error(), "already holds a sweep") {
		t.Fatalf("planning over a sweep: %v", err)
	}

	for _, tc := range []struct{ body, want string }{
		{"grid: {model.rank: [1]}\n", "data: missing"},
		{"data: d.npz\ngrid: {model.rnak: [1]}\n", "model.rnak"},
		{"data: d.npz\ngrid: {model.rank: [1]}\nset: {model.rank: 2}\n", "grid.model.rank: also in set"},
		{"data: d.npz\ngrid: {seed: [1, 2]}\n", "seeds list"},
		{"data: d.npz\ngrid: {model.rank: [-1]}\n", "configuration 0"},
		{"data: d.npz\nseeds: [1, 1]\n", "seeds[1]: 1 repeated"},
		{"data: d.npz\nfolds: {k: 1}\n", "folds.k"},
		{"data: d.npz\nfolds: {k: 3, stratify: nope}\n", "nope"},
		{"data: d.npz\nhalving: {eta: 3, min_epochs: 30}\nset: {train.val_every: 25}\n", "not a multiple of train.val_every"},
		{"data: d.npz\nrandom: {n: 2, params: {train.learning_rate: {uniform: [1, 0]}}}\n", "random.params.train.learning_rate"},
		{"data: d.npz\nbogus: 1\n", "bogus"},
		{"data: d.npz\ndecode_label: nope\n", "decode_label"},
	} {
		sub := t.TempDir()
		foldData(t, sub)
		if _, err := Plan(writeSpec(t, sub, tc.body), filepath.Join(sub, "sw"), ""); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("spec %q: error %v, want one containing %q", tc.body, err, tc.want)
		}
		if _, err := os.Stat(filepath.Join(sub, "sw", ManifestFile)); err == nil {
			t.Errorf("spec %q: a failed plan wrote a manifest", tc.body)
		}
	}
}

// TestRanking checks successive halving's choice against scores written by hand: the mean
// over replicas ranks, a configuration with a failed replica ranks last, and a rung still
// running cannot be ranked.
func TestRanking(t *testing.T) {
	dir := t.TempDir()
	m := &Manifest{Configs: make([]Config, 4), Replicas: make([]Replica, 2), Rungs: []int{10, 20, 40}, Keep: []int{4, 2, 1}, Epochs: 40}
	for i := range 8 {
		m.Tasks = append(m.Tasks, Task{Index: i, Config: i / 2})
	}
	if err := os.MkdirAll(filepath.Join(dir, stateDir), 0o755); err != nil {
		t.Fatal(err)
	}
	// Config means: 0 → 0.5, 1 → 0.7 (0.9 and 0.5: best mean, not best single), 2 → 0.6,
	// 3 → failed (one replica would be the best single score).
	scores := []float64{0.5, 0.5, 0.9, 0.5, 0.6, 0.6, 0.95, 0}
	for i, sc := range scores {
		st := &State{Task: i, State: Paused, Epochs: 10, Scores: []float64{sc}}
		if i == 7 {
			st = &State{Task: i, State: Running}
		}
		if err := writeState(dir, st); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Survivors(dir, m, 1); err == nil || !strings.Contains(err.Error(), "task 7 is running") {
		t.Fatalf("ranking a rung with a running task: %v", err)
	}
	if err := writeState(dir, &State{Task: 7, State: Failed, Error: "boom"}); err != nil {
		t.Fatal(err)
	}
	surv, err := Survivors(dir, m, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(surv, []int{1, 2}) {
		t.Fatalf("survivors %v, want [1 2]", surv)
	}
	rk, _ := ReadRanking(dir, 0)
	order := []int{}
	for _, rc := range rk.Ranked {
		order = append(order, rc.Config)
	}
	if !slices.Equal(order, []int{1, 2, 0, 3}) || math.Abs(rk.Ranked[0].Score-0.7) > 1e-12 || rk.Ranked[3].Complete {
		t.Fatalf("ranking %+v", rk.Ranked)
	}
	// Rank 3 of rung 1 is configuration 2's second replica: task 5.
	if task, err := RankedTask(dir, m, 1, 3); err != nil || task != 5 {
		t.Fatalf("rank 3 → task %d (%v), want 5", task, err)
	}
	if _, err := RankedTask(dir, m, 1, 4); err == nil {
		t.Fatal("rank 4 of a 4-task wave accepted")
	}
	// The ranking is saved: changing the states afterwards does not change the survivors.
	if err := writeState(dir, &State{Task: 0, State: Paused, Epochs: 10, Scores: []float64{1}}); err != nil {
		t.Fatal(err)
	}
	if again, _ := Survivors(dir, m, 1); !slices.Equal(again, surv) {
		t.Fatalf("survivors changed to %v", again)
	}
	// Status reports the paused tasks of configurations 0 and 3 as dropped.
	states, err := Status(dir, m)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range states {
		want := Paused
		switch i / 2 {
		case 0:
			want = Dropped
		case 3:
			want = map[int]string{6: Dropped, 7: Failed}[i]
		}
		if s.State != want {
			t.Errorf("task %d: %s, want %s", i, s.State, want)
		}
	}
}

func TestLocalProbe(t *testing.T) {
	host, _ := os.Hostname()
	if alive, known := LocalProbe(&State{Host: host, PID: os.Getpid()}); !alive || !known {
		t.Fatalf("this process: alive %v known %v", alive, known)
	}
	if _, known := LocalProbe(&State{Host: host + "-elsewhere", PID: 1}); known {
		t.Fatal("a process on another host taken as known")
	}
}

func TestLastLine(t *testing.T) {
	var l lastLine
	l.Write([]byte("a\nsecond line\n"))
	l.Write([]byte("\n  \n"))
	if l.String() != "second line" {
		t.Fatalf("%q", l.String())
	}
	l.Write([]byte("jedi: partial"))
	if l.String() != "jedi: partial" {
		t.Fatalf("%q", l.String())
	}
}

func TestRungScores(t *testing.T) {
	nan := math.NaN()
	h := []train.Record{{Epoch: 1, HeldOutR2: nan}, {Epoch: 2, HeldOutR2: 0.3}, {Epoch: 3, HeldOutR2: nan}, {Epoch: 4, HeldOutR2: 0.2}, {Epoch: 6, HeldOutR2: 0.5}}
	got := rungScores(h, []int{1, 4, 6})
	if got[0] != -1e308 || got[1] != 0.3 || got[2] != 0.5 {
		t.Fatalf("rungScores %v, want [-1e308 0.3 0.5]", got)
	}
}

// TestExampleSpecs plans the shipped examples (on a small dataset in place of the teacher).
func TestExampleSpecs(t *testing.T) {
	dir := t.TempDir()
	d := foldData(t, dir)
	for _, name := range []string{"rank_embedding.yaml", "full.yaml"} {
		spec := filepath.Join("..", "examples", "sweep", name)
		if _, err := LoadSpec(spec, false); err != nil && name == "full.yaml" {
			t.Fatal(err)
		}
		body, err := os.ReadFile(spec)
		if err != nil {
			t.Fatal(err)
		}
		// The base configuration is the repository's; the label "task" is this data's "cond".
		text := strings.ReplaceAll(string(body), "../../configs/", filepath.Join(mustAbs(t, ".."), "configs")+"/")
		text = strings.ReplaceAll(text, "stratify: task", "stratify: cond")
		text = strings.ReplaceAll(text, "decode_label: task", "decode_label: cond")
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := Plan(p, filepath.Join(dir, name+".sweep"), d)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		t.Logf("%s: %d configurations × %d replicas, rungs %v", name, len(m.Configs), len(m.Replicas), m.Rungs)
	}
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
