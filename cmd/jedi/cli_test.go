package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/internal/npy"
)

// jediBin is the command built once for the tests that check exit statuses and stderr.
var jediBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "jedi-cli")
	if err != nil {
		panic(err)
	}
	jediBin = filepath.Join(dir, "jedi")
	if runtime.GOOS == "windows" {
		jediBin += ".exe"
	}
	if out, err := exec.Command("go", "build", "-o", jediBin, ".").CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// run executes the jedi binary and returns stdout, stderr and the exit code.
func run(t *testing.T, dir string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(jediBin, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), code
}

func TestHelpOnEveryVerb(t *testing.T) {
	root := newRoot()
	for _, c := range root.Commands() {
		if c.Name() == "help" || c.Name() == "completion" {
			continue
		}
		out, _, code := run(t, t.TempDir(), c.Name(), "--help")
		want := c.Short
		if c.Long != "" {
			want, _, _ = strings.Cut(c.Long, "\n")
		}
		if code != 0 || !strings.Contains(out, "Usage:") || !strings.Contains(out, want) {
			t.Errorf("jedi %s --help: exit %d, output %q", c.Name(), code, out)
		}
	}
}

// Every verb, and every sub-verb, shows an example in its --help; --version names the build.
func TestExamplesAndVersion(t *testing.T) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Name() == "help" || c.Name() == "completion" {
			return
		}
		if strings.TrimSpace(c.Example) == "" || !strings.Contains(c.Example, "jedi") {
			t.Errorf("%q has no example in its --help", c.CommandPath())
		}
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(newRoot())
	out, _, code := run(t, t.TempDir(), "--version")
	if code != 0 || !strings.HasPrefix(out, "jedi version ") || !strings.Contains(out, "go1.") {
		t.Errorf("jedi --version: exit %d, %q", code, out)
	}
}

// The documented build of README.md (Install) carries the commit without the toolchain's VCS
// stamp, which -buildvcs=false (or a tree without .git) leaves out.
func TestVersionLinkedCommit(t *testing.T) {
	if testing.Short() {
		t.Skip("links another jedi binary")
	}
	bin := filepath.Join(t.TempDir(), "jedi")
	cmd := exec.Command("go", "build", "-buildvcs=false", "-o", bin,
		"-ldflags", "-X github.com/jedi-neuro/jedi/internal/version.Commit=0123456789abcdef0123-dirty", ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "commit 0123456789ab (modified)") {
		t.Errorf("jedi --version of a build with the commit linked in: %q", out)
	}
}

func TestBadInputIsOneLineError(t *testing.T) {
	dir := t.TempDir()
	if err := data.WriteNPZ(filepath.Join(dir, "ok.npz"), data.New(2, 3, 2, 0.01)); err != nil {
		t.Fatal(err)
	}
	// A run directory a fit was stopped in before its first checkpoint.
	if err := os.Mkdir(filepath.Join(dir, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	// A file whose activity holds NaN inside a segment: the error names file, field and index.
	nan := filepath.Join(dir, "nan.npz")
	if err := os.WriteFile(nan, nanNPZ(t), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"fit", "--data", "missing.npz", "--out", "run"}, []string{"missing.npz"}},
		{[]string{"fit", "--data", "nan.npz", "--out", "run"}, []string{"nan.npz", "activity[1, 2, 1]", "NaN"}},
		{[]string{"fit", "--data", "ok.npz"}, []string{`"out"`}},
		{[]string{"simulate", "nosuch", "--out", "x.npz"}, []string{"nosuch"}},
		{[]string{"bench", "--size", "huge"}, []string{"huge"}},
		{[]string{"eval", "--run", "norun"}, []string{"norun"}},
		{[]string{"fit", "--data", "ok.npz", "--out", "run", "--resume", "--epochs", "9"}, []string{"--epochs", "run/config.yaml"}},
		{[]string{"fit", "--data", "ok.npz", "--out", "run", "--resume"}, []string{"run", "no such file"}},
		{[]string{"fit", "--data", "ok.npz", "--out", "empty", "--resume"}, []string{"empty", "no checkpoint"}},
	} {
		_, stderr, code := run(t, dir, tc.args...)
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		last := lines[len(lines)-1]
		if code == 0 || !strings.HasPrefix(last, "jedi: ") {
			t.Errorf("jedi %v: exit %d, stderr %q; want a non-zero exit and a 'jedi: ' line", tc.args, code, stderr)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(last, w) {
				t.Errorf("jedi %v: error %q does not name %s", tc.args, last, w)
			}
		}
	}
}

// nanNPZ is an npz in the data contract whose activity [2, 3, 2] is NaN at [1, 2, 1].
func nanNPZ(t *testing.T) []byte {
	var buf bytes.Buffer
	a := npy.NewArchive(&buf, npy.Deflate)
	act := make([]float64, 12)
	act[(1*3+2)*2+1] = math.NaN()
	if err := a.Add("activity", []int{2, 3, 2}, act); err != nil {
		t.Fatal(err)
	}
	if err := a.Add("dt", []int{}, []float64{0.01}); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestSimulateFitEval runs the CLI contract end to end on a short fit: simulate, fit with a
// config file, eval --json (one JSON object with r2_train and r2_heldout), infer, report.
func TestSimulateFitEval(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end CLI run")
	}
	dir := t.TempDir()
	if _, stderr, code := run(t, dir, "simulate", "multitask", "--out", "d.npz", "--seed", "3"); code != 0 {
		t.Fatalf("simulate: %s", stderr)
	}
	cfg := "model:\n  units: 32\n  rank: 2\n  hidden: [16]\ntrain:\n  epochs: 3\n  val_every: 0\n  infer_steps: 5\n" +
		"  amortise: {bins: 3, hidden: [8], distill_steps: 20, tune_steps: 5}\n"
	if err := os.WriteFile(filepath.Join(dir, "c.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := run(t, dir, "-q", "fit", "--data", "d.npz", "--out", "run", "--config", "c.yaml", "--seed", "5"); code != 0 {
		t.Fatalf("fit: %s", stderr)
	}
	saved, err := os.ReadFile(filepath.Join(dir, "run", "config.yaml"))
	if err != nil || !strings.Contains(string(saved), "seed: 5") || !strings.Contains(string(saved), "units: 32") {
		t.Fatalf("run/config.yaml does not hold the resolved config: %v\n%s", err, saved)
	}
	stdout, stderr, code := run(t, dir, "-q", "eval", "--run", "run", "--json")
	if code != 0 {
		t.Fatalf("eval: %s", stderr)
	}
	var res map[string]any
	if err := json.Unmarshal([]byte(strings.TrimSpace(stdout)), &res); err != nil {
		t.Fatalf("eval --json printed %q: %v", stdout, err)
	}
	for _, k := range []string{"r2_train", "r2_heldout", "pvar_train", "pvar_heldout"} {
		if _, ok := res[k].(float64); !ok {
			t.Fatalf("eval --json lacks a number %s: %v", k, res)
		}
	}
	if _, ok := res["bits_per_spike_train"]; ok {
		t.Errorf("eval --json reports bits per spike for a Gaussian model: %v", res)
	}
	if _, stderr, code := run(t, dir, "-q", "fit", "--data", "d.npz", "--out", "run"); code == 0 || !strings.Contains(stderr, "--resume") {
		t.Fatalf("a second fit into the same run directory: exit %d, %q", code, stderr)
	}
	if _, stderr, code := run(t, dir, "-q", "infer", "--run", "run", "--data", "d.npz", "--out", "emb.npz", "--steps", "2"); code != 0 {
		t.Fatalf("infer: %s", stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "emb.npz")); err != nil {
		t.Fatal(err)
	}

	// jedi analyze: each verb is a registered plug-in with its own flags; it prints its
	// summary and writes NAME.json and its figures into --out.
	for _, c := range []struct {
		args  []string
		files []string
	}{
		{[]string{"noise", "--repeats", "1", "--scales", "0,1"}, []string{"noise.json", "noise.npz", "noise.png", "noise.svg"}},
		{[]string{"lyapunov", "--k", "2", "--qr-steps", "20", "--transient", "5", "--starts", "1", "--heldout", "--steps", "2"}, []string{"lyapunov.json", "lyapunov.png"}},
	} {
		out := filepath.Join(dir, "an-"+c.args[0])
		stdout, stderr, code := run(t, dir, append([]string{"-q", "analyze"}, append(c.args, "--run", "run", "--out", out)...)...)
		if code != 0 || stdout == "" {
			t.Fatalf("analyze %s: exit %d, stdout %q, stderr %s", c.args[0], code, stdout, stderr)
		}
		for _, f := range c.files {
			if _, err := os.Stat(filepath.Join(out, f)); err != nil {
				t.Errorf("analyze %s: %v", c.args[0], err)
			}
		}
	}
	// --steps belongs to the verbs that infer held-out segments only.
	if _, stderr, code := run(t, dir, "-q", "analyze", "noise", "--run", "run", "--steps", "3"); code == 0 || !strings.Contains(stderr, "steps") {
		t.Errorf("analyze noise --steps: exit %d, %q", code, stderr)
	}
	// The amortised encoder on the held-out segments alone: one embedding row per held-out
	// segment, and the time per segment.
	if _, stderr, code := run(t, dir, "-q", "infer", "--run", "run", "--data", "d.npz", "--out", "enc.npz", "--amortised", "--heldout", "--steps", "1"); code != 0 {
		t.Fatalf("infer --amortised --heldout: %s", stderr)
	}
	r, err := npy.Open(filepath.Join(dir, "enc.npz"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	e, err := r.Array("embeddings")
	if err != nil {
		t.Fatal(err)
	}
	if want := 60; e.Shape[0] != want { // 20 % of the 300 segments
		t.Errorf("infer --heldout wrote %v embeddings, want %d rows", e.Shape, want)
	}
	if _, err := r.Array("seconds_per_segment"); err != nil {
		t.Error(err)
	}
	// --resume needs only the run directory: it finds the data in run.json (the fit is
	// finished, so it only has to say so, or do nothing, without asking for --data).
	if _, stderr, _ := run(t, dir, "-q", "fit", "--out", "run", "--resume"); strings.Contains(stderr, `"data" not set`) {
		t.Errorf("fit --resume asks for --data: %s", stderr)
	}
	if _, stderr, code := run(t, dir, "-q", "export", "--run", "run"); code != 0 {
		t.Fatalf("export: %s", stderr)
	}
	runPythonDoc(t, dir, "../../docs/python.md")
}

// runPythonDoc runs the Python blocks of the Markdown file doc, joined into one script, in dir
// (where the run is), with /usr/bin/python3 (else python3). It skips when that has no NumPy and
// Matplotlib (.ci/run installs them).
func runPythonDoc(t *testing.T, dir, doc string) {
	t.Helper()
	// Debian's interpreter, where .ci/run installs NumPy, before any other on the PATH.
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		py = "python3"
	}
	if err := exec.Command(py, "-c", "import numpy, matplotlib").Run(); err != nil {
		t.Skipf("%s with numpy and matplotlib: %v", py, err)
	}
	b, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	var script strings.Builder
	for _, block := range strings.Split(string(b), "```python\n")[1:] {
		code, _, ok := strings.Cut(block, "```")
		if !ok {
			t.Fatalf("%s: unterminated python block", doc)
		}
		script.WriteString(code)
	}
	if script.Len() == 0 {
		t.Fatalf("%s: no python block", doc)
	}
	cmd := exec.Command(py, "-")
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(script.String())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: the example fails: %v\n%s", doc, err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "example.png")); err != nil {
		t.Errorf("%s: the example wrote no figure: %v", doc, err)
	}
	t.Logf("%s:\n%s", doc, out)
}

// TestCompare runs `jedi compare` on a small file with two models and a short budget: the
// table goes to stdout and DIR, the resolved configuration beside it, and a bad configuration
// is one error line naming the file and the field.
func TestCompare(t *testing.T) {
	dir := t.TempDir()
	ds := data.New(12, 8, 3, 0.01)
	labels := make([]string, ds.S)
	for s := range ds.S {
		labels[s] = []string{"a", "b"}[s%2]
		for t := range ds.T {
			for m := range ds.M {
				ds.Activity[(s*ds.T+t)*ds.M+m] = math.Sin(float64(t+s) * float64(m+1) * 0.3)
			}
		}
	}
	ds.Labels["cond"] = data.Label{Kind: data.StringLabel, Values: labels}
	if err := data.WriteNPZ(filepath.Join(dir, "d.npz"), ds); err != nil {
		t.Fatal(err)
	}
	cfg := "label: cond\nmodels: [per_label, vae]\njedi:\n  model: {units: 8, hidden: [4]}\n  train: {epochs: 2, batch_size: 4, val_every: 0, infer_steps: 2}\nvae: {latent: 2, hidden: 4}\n"
	if err := os.WriteFile(filepath.Join(dir, "c.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := run(t, dir, "-q", "compare", "--config", "c.yaml", "--data", "d.npz", "--out", "cmp")
	if code != 0 {
		t.Fatalf("compare: %s", stderr)
	}
	if !strings.Contains(stdout, "| per_label |") || !strings.Contains(stdout, "| vae |") {
		t.Errorf("stdout lacks the table:\n%s", stdout)
	}
	saved, err := os.ReadFile(filepath.Join(dir, "cmp", "compare.yaml"))
	if err != nil || !strings.Contains(string(saved), "path: d.npz") || !strings.Contains(string(saved), "epochs: 2") {
		t.Errorf("compare.yaml does not hold the resolved configuration: %v\n%s", err, saved)
	}
	for _, f := range []string{"table.csv", "r2.png", "models/per_label/a/model.npz", "models/vae/row.json"} {
		if _, err := os.Stat(filepath.Join(dir, "cmp", f)); err != nil {
			t.Error(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("models: [single, lstm]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code = run(t, dir, "compare", "--config", "bad.yaml", "--out", "cmp2")
	if code == 0 || !strings.Contains(stderr, "bad.yaml") || !strings.Contains(stderr, "models[1]") {
		t.Errorf("bad config: exit %d, %q", code, stderr)
	}
}

// prepare --file reads another copy of the recording than the recipe names, and the recipe
// written beside the dataset records the copy it read.
func TestPrepareFile(t *testing.T) {
	dir := t.TempDir()
	// An archive holding X, a condition × time × neuron tensor of 3 × 4 × 2.
	var b bytes.Buffer
	v := make([]float64, 3*4*2)
	for i := range v {
		v[i] = float64(i)
	}
	z := npy.NewArchive(&b, npy.Store)
	if err := z.Add("X", []int{3, 4, 2}, v); err != nil {
		t.Fatal(err)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "copy.npz"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	recipe := "file: elsewhere/missing.npz\ntensor: X\naxes: [condition, time, neuron]\ndt_ms: 10\n"
	if err := os.WriteFile(filepath.Join(dir, "r.yaml"), []byte(recipe), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := run(t, dir, "-q", "prepare", "--recipe", "r.yaml", "--out", "d.npz"); code == 0 || !strings.Contains(stderr, "missing.npz") {
		t.Fatalf("the recipe's own file is missing: exit %d, stderr %q; want an error naming it", code, stderr)
	}
	if _, stderr, code := run(t, dir, "-q", "prepare", "--recipe", "r.yaml", "--out", "d.npz", "--file", "copy.npz"); code != 0 {
		t.Fatalf("prepare --file: exit %d: %s", code, stderr)
	}
	resolved, err := os.ReadFile(filepath.Join(dir, "d.npz.recipe.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := filepath.EvalSymlinks(filepath.Join(dir, "copy.npz"))
	if !strings.Contains(string(resolved), "copy.npz") || !strings.Contains(string(resolved), filepath.Base(filepath.Dir(want))) {
		t.Errorf("resolved recipe does not record the file read (%s):\n%s", want, resolved)
	}
}

// TestReproduceQuick runs `jedi reproduce --quick`, what CI runs of the paper's claims: one page
// with every claim of the quick set and a number for each of its checks.
func TestReproduceQuick(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: fits two small models")
	}
	dir := t.TempDir()
	stdout, stderr, code := run(t, dir, "reproduce", "--quick", "--out", "paper")
	if code != 0 {
		t.Fatalf("reproduce --quick: exit %d: %s", code, stderr)
	}
	for _, s := range []string{"multitask", "sinusoid", "expected=", "all_left="} {
		if !strings.Contains(stderr, s) {
			t.Errorf("progress lacks %q:\n%s", s, stderr)
		}
	}
	page, err := os.ReadFile(filepath.Join(dir, "paper", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"Fig. 2", "Fig. 3", "Fig. 6", "Skipped: no Riehle recordings", "task decoded from the embeddings", "Spearman ρ(frequency, std Im λ(W_s))", "data:image/png;base64"} {
		if !strings.Contains(string(page), s) {
			t.Errorf("index.html lacks %q", s)
		}
	}
	var claims []struct {
		ID      string `json:"id"`
		Skipped string `json:"skipped"`
		Checks  []struct {
			Name  string   `json:"name"`
			Value *float64 `json:"value"`
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "paper", "claims.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &claims); err != nil {
		t.Fatal(err)
	}
	// The monkey claim's recordings are not beside the temporary directory: skipped, and said.
	if len(claims) != 3 || claims[2].ID != "monkey" || claims[2].Skipped == "" || !strings.Contains(stdout, "skipped") {
		t.Fatalf("claims.json holds %+v, want multitask, sinusoid and monkey skipped", claims)
	}
	for _, c := range claims[:2] {
		if len(c.Checks) == 0 {
			t.Errorf("claim %s has no checks", c.ID)
		}
		for _, ch := range c.Checks {
			if ch.Value == nil {
				t.Errorf("claim %s, %s: no number", c.ID, ch.Name)
			}
		}
	}
	t.Log(stdout)
}

// A positional argument where a flag is meant, or a missing one, is named with the verb's usage
// and, where the argument looks like a flag's value, that flag; a recording where a dataset is
// meant, or a directory that holds no run, says what is meant.
func TestArgumentMistakes(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "run"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"fit", "data.npz"}, []string{`fit: unexpected argument "data.npz"`, "usage: jedi fit --data", "did you mean --data data.npz?"}},
		{[]string{"report", "run"}, []string{"did you mean --run run?"}},
		{[]string{"prepare", "r.yaml"}, []string{"did you mean --recipe r.yaml?"}},
		{[]string{"demo", "x"}, []string{`unexpected argument "x"`, "usage: jedi demo --out DIR"}},
		{[]string{"simulate"}, []string{"simulate: accepts 1 arg(s), received 0", "multitask|sinusoid|memorypro"}},
		// A recording passed straight to fit, and a run directory that is none.
		{[]string{"fit", "--data", "rec.mat", "--out", "r"}, []string{"rec.mat: jedi fits and analyses a dataset .npz", "jedi prepare --init rec.mat"}},
		{[]string{"eval", "--run", "nowhere"}, []string{"nowhere: no such run directory"}},
		{[]string{"report", "--run", "run"}, []string{"run: no model.npz", "--resume"}},
		{[]string{"export", "--run", "run", "--out", "x.csv"}, []string{"--out x.csv", "ending in .npz"}},
	} {
		_, stderr, code := run(t, dir, tc.args...)
		if code == 0 {
			t.Errorf("jedi %v: exit 0", tc.args)
		}
		for _, w := range tc.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("jedi %v: %q lacks %q", tc.args, stderr, w)
			}
		}
		if strings.Contains(stderr, "jedi: jedi ") || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
			t.Errorf("jedi %v: want one line without a doubled prefix: %q", tc.args, stderr)
		}
	}
}
