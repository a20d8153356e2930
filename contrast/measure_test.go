package contrast

import (
	"cmp"
	"math"
	"math/cmplx"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/model"
)

// A network resting at its fixed point x = 0 (b = 0) has the Jacobian J = (1 − α) I + α W
// at every bin, so every measure has a closed form: for W = r [[cos θ, −sin θ], [sin θ,
// cos θ]], the eigenvalues of W are r e^{±iθ}, those of J are μ = 1 − α + α r e^{±iθ}, and
// both Lyapunov exponents are log|μ| / dt.
func TestMeasureClosedForm(t *testing.T) {
	const alpha, dt, r, theta = 0.2, 0.02, 1.3, 0.7
	W := mat.NewDense(2, 2, []float64{r * math.Cos(theta), -r * math.Sin(theta), r * math.Sin(theta), r * math.Cos(theta)})
	b := []float64{0, 0}
	net := &model.Network{W: W, B: b, Alpha: alpha}
	we := []complex128{cmplx.Rect(r, theta), cmplx.Rect(r, -theta)}
	v, err := measure(net, we, []float64{0, 0}, 30, dt, Options{}.withDefaults())
	if err != nil {
		t.Fatal(err)
	}
	mu := complex(1-alpha, 0) + complex(alpha, 0)*cmplx.Rect(r, theta)
	want := map[string]float64{
		"w_radius": r, "w_near": 0, "w_imag": r * math.Sin(theta), "w_real": 0,
		"j_radius": cmplx.Abs(mu), "j_near": 1, "j_imag": imag(mu), "j_real": 0,
		"ftle": math.Log(cmplx.Abs(mu)) / dt, "lyap": math.Log(cmplx.Abs(mu)) / dt,
	}
	// |μ| = 1.0235…: within 0.05 of the circle, so j_near = 1.
	if math.Abs(cmplx.Abs(mu)-1) > 0.05 {
		t.Fatalf("test set-up: |μ| = %g should be near 1", cmplx.Abs(mu))
	}
	for _, k := range Measures {
		if math.Abs(v[k]-want[k]) > 1e-9*math.Max(1, math.Abs(want[k])) {
			t.Errorf("%s = %.12g, want %.12g", k, v[k], want[k])
		}
	}
}

// Real eigenvalues count as real, conjugate pairs do not; near counts moduli within tol.
func TestSummarize(t *testing.T) {
	s, err := summarize([]complex128{0.5, complex(0.95, 0.3), complex(0.95, -0.3), -1.02}, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	want := summary{radius: 1.02, near: 0.75, imag: 0.3, real: 0.5} // |0.95 ± 0.3i| = 0.9962
	if math.Abs(s.radius-want.radius) > 1e-12 || s.near != want.near || math.Abs(s.imag-want.imag) > 1e-12 || s.real != want.real {
		t.Errorf("summary %+v, want %+v", s, want)
	}
}

// synthetic builds runs whose segments of epoch a and b have measure j_radius drawn around
// mA and mB, every other measure around 0.
func synthetic(n int, mA, mB float64, seed uint64) []*Run {
	var runs []*Run
	for r := range n {
		run := &Run{Dir: "run", R2Train: 0.6, R2HeldOut: 0.5}
		for s := range 40 {
			// A per-run shift of A's mean (±0.03): runs differ more than segments average out.
			ep, m := "a", mA+0.03*math.Sin(float64(11*r)+2*float64(seed))
			if s%2 == 1 {
				ep, m = "b", mB
			}
			// A deterministic spread (no RNG needed): ±0.05 around the mean, varying by run.
			noise := 0.05 * math.Sin(float64(7*s+13*r)+float64(seed))
			v := map[string]float64{}
			for _, k := range Measures {
				v[k] = 0.05 * math.Cos(float64(3*s+5*r)+float64(seed))
			}
			v["j_radius"] = m + noise
			run.Segments = append(run.Segments, Segment{Index: s, Labels: map[string]string{"epoch": ep}, Values: v, Embedding: []float64{float64(s % 2), 0}})
		}
		runs = append(runs, run)
	}
	return runs
}

func testConfig(expect string) Config {
	c := DefaultConfig()
	c.Bootstrap, c.Permutations = 1000, 500
	c.Contrasts = []Spec{{Name: "t", Label: "epoch", A: "a", B: "b", Claims: []Claim{{Claim: "c", Measure: "j_radius", Expect: expect}}}}
	return c
}

func verdictOf(t *testing.T, runs map[string][]*Run, expect string) ClaimResult {
	t.Helper()
	res, err := Compare(runs, testConfig(expect))
	if err != nil {
		t.Fatal(err)
	}
	return res.Contrasts[0].Claims[0]
}

func TestVerdicts(t *testing.T) {
	real := synthetic(8, 1.0, 0.8, 1)
	none := synthetic(6, 0.9, 0.9, 2)
	same := synthetic(6, 1.0, 0.8, 3)
	cases := []struct {
		name   string
		runs   map[string][]*Run
		expect string
		want   string
	}{
		{"reproduced", map[string][]*Run{Real: real, "shuffled": none}, Greater, "reproduced"},
		{"differ", map[string][]*Run{Real: real, "shuffled": none}, Differ, "reproduced"},
		{"opposite", map[string][]*Run{Real: real, "shuffled": none}, Less, "not"},
		{"no difference", map[string][]*Run{Real: none, "shuffled": none}, Greater, "not"},
		{"the control shows it too", map[string][]*Run{Real: real, "shuffled": same}, Greater, "partly"},
	}
	for _, c := range cases {
		got := verdictOf(t, c.runs, c.expect)
		if got.Verdict != c.want {
			t.Errorf("%s: verdict %q (%s), want %q", c.name, got.Verdict, got.Why, c.want)
		}
	}
}

// The numbers behind a verdict: the per-run differences are 0.2 up to the spread, the
// interval is around it, and the exact sign-flip p of 8 positive differences is 2/256.
func TestCompareNumbers(t *testing.T) {
	res, err := Compare(map[string][]*Run{Real: synthetic(8, 1.0, 0.8, 1), "shuffled": synthetic(6, 0.9, 0.9, 2)}, testConfig(Greater))
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(res.Contrasts[0].Measures, func(m MeasureResult) bool { return m.Measure == "j_radius" })
	m := res.Contrasts[0].Measures[i]
	d := m.Real.Diff
	if math.Abs(d.Mean-0.2) > 0.03 || !(d.Lo < d.Mean && d.Mean < d.Hi) || d.Lo < 0.1 || d.P != 2.0/256 {
		t.Errorf("real difference %+v, want about 0.2 with p = 2/256", d)
	}
	if len(m.Real.PerRun) != 8 || slices.MinFunc(m.Real.LabelP, cmp.Compare[float64]) > 0.01 {
		t.Errorf("within-run label permutation p %v, want 8 values < 0.01", m.Real.LabelP)
	}
	if c := m.Controls["shuffled"]; c.Diff.Excludes0() && c.Diff.P < 0.05 || c.VsRealP > 0.01 {
		t.Errorf("shuffled control %+v, want no difference and p against real < 0.01", c)
	}
	if md := res.Markdown(); len(md) == 0 {
		t.Error("no Markdown")
	}
}

func TestConfigValidate(t *testing.T) {
	c := testConfig("sideways")
	if err := c.Validate(); err == nil {
		t.Error("expect sideways accepted")
	}
	c = testConfig(Greater)
	c.Contrasts[0].Claims[0].Measure = "nope"
	if err := c.Validate(); err == nil {
		t.Error("an unknown measure accepted")
	}
}

// Every measure is explained in the tables.
func TestMeasureMeanings(t *testing.T) {
	for _, m := range append(slices.Clone(Measures), FixedPointMeasures...) {
		if MeasureMeaning[m] == "" {
			t.Errorf("measure %s has no meaning for the tables", m)
		}
	}
}

// A contrast whose a comes after b in the data's order of its label gets a note; one in the
// data's order, or on a label or value the data lack, does not.
func TestOrderNotes(t *testing.T) {
	ds := data.New(4, 2, 1, 0.02)
	ds.Labels["epoch"] = data.Label{Kind: data.StringLabel, Values: []string{"preparation", "execution", "preparation", "execution"},
		Order: []string{"preparation", "execution"}}
	cfg := Config{Contrasts: []Spec{
		{Name: "as declared", Label: "epoch", A: "preparation", B: "execution"},
		{Name: "reversed", Label: "epoch", A: "execution", B: "preparation"},
		{Name: "no such label", Label: "phase", A: "x", B: "y"},
		{Name: "no such value", Label: "epoch", A: "rest", B: "preparation"},
	}}
	notes := cfg.OrderNotes(ds)
	if len(notes) != 1 || !strings.Contains(notes[0], `contrasts[1] (reversed): a = "execution" comes after b = "preparation"`) {
		t.Errorf("notes %q, want one on contrasts[1]", notes)
	}
}
