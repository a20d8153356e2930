package train

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/jedi-neuro/jedi/model"
)

// With a constant gradient g the bias-corrected moments are exactly g and g², so every Adam step
// moves x by −η g / (|g| + ε): after t steps x_t = x_0 − t η g / (|g| + ε). The vector is long
// enough to be split over goroutines.
func TestAdamConstantGradientClosedForm(t *testing.T) {
	const n, steps, lr = 70000, 40, 0.01
	a := NewAdam(n, 0.9, 0.999, 1e-8)
	x, g := make([]float64, n), make([]float64, n)
	for i := range g {
		g[i] = math.Sin(float64(i)) * math.Pow(10, float64(i%7-3))
		x[i] = float64(i % 5)
	}
	for range steps {
		Update(a, lr, x, g)
	}
	for i := range x {
		want := float64(i%5) - steps*lr*g[i]/(math.Abs(g[i])+1e-8)
		if math.Abs(x[i]-want) > 1e-12 {
			t.Fatalf("x[%d] = %.15g after %d steps, closed form %.15g", i, x[i], steps, want)
		}
	}
	if a.Step != steps {
		t.Errorf("Step = %d, want %d", a.Step, steps)
	}
}

// Two steps with different gradients, written out from the update rule.
func TestAdamTwoStepsByHand(t *testing.T) {
	const b1, b2, eps, lr = 0.8, 0.9, 1e-3, 0.5
	a := NewAdam(1, b1, b2, eps)
	x := []float32{1}
	Update(a, lr, x, []float32{2})
	Update(a, lr, x, []float32{-1})
	m1, v1 := (1-b1)*2, (1-b2)*4
	x1 := 1 - lr*(m1/(1-b1))/(math.Sqrt(v1/(1-b2))+eps)
	m2, v2 := b1*m1+(1-b1)*(-1), b2*v1+(1-b2)*1
	x2 := x1 - lr*(m2/(1-b1*b1))/(math.Sqrt(v2/(1-b2*b2))+eps)
	if math.Abs(float64(x[0])-x2) > 1e-6 || math.Abs(a.M[0]-m2) > 1e-15 || math.Abs(a.V[0]-v2) > 1e-15 {
		t.Errorf("x = %v, m = %v, v = %v; by hand %v, %v, %v", x[0], a.M[0], a.V[0], x2, m2, v2)
	}
}

func TestClip(t *testing.T) {
	a, b := []float64{3, 4}, []float64{12}
	if norm := clip(6.5, a, b); norm != 13 {
		t.Errorf("norm %v, want 13", norm)
	}
	if a[0] != 1.5 || a[1] != 2 || b[0] != 6 {
		t.Errorf("clipped to %v %v, want the global norm halved: [1.5 2] [6]", a, b)
	}
	c := []float32{0.3, -0.4}
	if norm := clip(1, c); math.Abs(norm-0.5) > 1e-7 || c[0] != 0.3 || c[1] != -0.4 {
		t.Errorf("below the bound: norm %v, gradient %v changed", norm, c)
	}
	d := []float64{30, 40}
	if norm := clip(0, d); norm != 50 || d[0] != 30 {
		t.Errorf("clip_norm 0 must disable clipping: norm %v, gradient %v", norm, d)
	}
}

func TestLearningRateSchedule(t *testing.T) {
	o := Default(1).Train
	o.LearningRate, o.WarmupSteps, o.MinLRRatio, o.Schedule = 2, 4, 0.1, Cosine
	const total = 104
	for _, c := range []struct {
		step int
		want float64
	}{
		{0, 0.5}, {1, 1}, {3, 2}, // linear warm-up to the peak
		{4, 2},                    // the cosine starts at the peak
		{54, 2 * (0.1 + 0.9*0.5)}, // half-way: the mean of peak and floor
		{104, 0.2}, {500, 0.2},    // the floor, MinLRRatio × peak, and it stays there
		{29, 2 * (0.1 + 0.9*0.5*(1+math.Cos(math.Pi*0.25)))},
	} {
		if got := o.learningRate(c.step, total); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("cosine step %d: %v, want %v", c.step, got, c.want)
		}
	}
	o.Schedule = Constant
	for step, want := range map[int]float64{0: 0.5, 3: 2, 4: 2, 100: 2} {
		if got := o.learningRate(step, total); got != want {
			t.Errorf("constant step %d: %v, want %v", step, got, want)
		}
	}
}

// Every field of the configuration is refused when wrong, by an error that names it. The test
// walks the YAML fields of Config, Options and model.Config, so a new field without a case here
// fails it; the fields that accept any value of their type are listed with the reason.
func TestConfigValidationRefusesEveryField(t *testing.T) {
	anyValue := map[string]string{
		"seed":           "any integer is a seed",
		"hyper_bias":     "a boolean",
		"tie_embeddings": "a label name, checked against the data when fitting",
	}
	cases := map[string]func(c *Config){
		"dtype":                        func(c *Config) { c.DType = "float16" },
		"model.units":                  func(c *Config) { c.Model.N = 0 },
		"model.neurons":                func(c *Config) { c.Model.M = 0 },
		"model.inputs":                 func(c *Config) { c.Model.I = -1 },
		"model.embedding_dim":          func(c *Config) { c.Model.D = 0 },
		"model.rank":                   func(c *Config) { c.Model.Rank = c.Model.N + 1 },
		"model.hidden":                 func(c *Config) { c.Model.Hidden = []int{8, 0} },
		"model.cell":                   func(c *Config) { c.Model.Cell = "relu" },
		"model.alpha":                  func(c *Config) { c.Model.Alpha = 1.5 },
		"model.noise_std":              func(c *Config) { c.Model.NoiseStd = -0.1 },
		"model.readout":                func(c *Config) { c.Model.Readout = "affine" },
		"model.loss":                   func(c *Config) { c.Model.Loss = "gamma" },
		"model.embedding_prior":        func(c *Config) { c.Model.EmbeddingPrior = -1 },
		"model.initial_state":          func(c *Config) { c.Model.InitialState = "random" },
		"model.encoder_bins":           func(c *Config) { c.Model.InitialState, c.Model.EncoderBins = model.Encoder, 0 },
		"train.epochs":                 func(c *Config) { c.Train.Epochs = 0 },
		"train.batch_size":             func(c *Config) { c.Train.BatchSize = 0 },
		"train.learning_rate":          func(c *Config) { c.Train.LearningRate = math.NaN() },
		"train.beta1":                  func(c *Config) { c.Train.Beta1 = 1 },
		"train.beta2":                  func(c *Config) { c.Train.Beta2 = -0.1 },
		"train.eps":                    func(c *Config) { c.Train.Eps = 0 },
		"train.local_lr_scale":         func(c *Config) { c.Train.LocalLRScale = 0 },
		"train.schedule":               func(c *Config) { c.Train.Schedule = "step" },
		"train.warmup_steps":           func(c *Config) { c.Train.WarmupSteps = -1 },
		"train.min_lr_ratio":           func(c *Config) { c.Train.MinLRRatio = 1.5 },
		"train.clip_norm":              func(c *Config) { c.Train.ClipNorm = -1 },
		"train.heldout_fraction":       func(c *Config) { c.Train.HeldOut = 1 },
		"train.val_every":              func(c *Config) { c.Train.ValEvery = -1 },
		"train.patience":               func(c *Config) { c.Train.Patience = -1 },
		"train.val_infer_steps":        func(c *Config) { c.Train.ValInferSteps = -1 },
		"train.infer_steps":            func(c *Config) { c.Train.InferSteps = -1 },
		"train.infer_lr":               func(c *Config) { c.Train.InferLR = 0 },
		"train.checkpoint_every":       func(c *Config) { c.Train.CheckpointEvery = 0 },
		"train.amortise.bins":          func(c *Config) { c.Train.Amortise.Bins = -1 },
		"train.amortise.hidden":        func(c *Config) { c.Train.Amortise.Hidden = []int{0} },
		"train.amortise.distill_steps": func(c *Config) { c.Train.Amortise.DistillSteps = -1 },
		"train.amortise.tune_steps":    func(c *Config) { c.Train.Amortise.TuneSteps = -1 },
		"train.amortise.learning_rate": func(c *Config) { c.Train.Amortise.Bins, c.Train.Amortise.LearningRate = 3, 0 },
		"train.amortise.refine_steps":  func(c *Config) { c.Train.Amortise.RefineSteps = -1 },
		"train.amortise.refine_lr":     func(c *Config) { c.Train.Amortise.Bins, c.Train.Amortise.RefineLR = 3, 0 },
		"train.amortise.feature_noise": func(c *Config) { c.Train.Amortise.FeatureNoise = math.NaN() },
		"train.amortise.windows":       func(c *Config) { c.Train.Amortise.Bins, c.Train.Amortise.Windows = 3, 0 },
		"train.amortise.data":          func(c *Config) { c.Train.Amortise.Bins, c.Train.Amortise.Data = 3, "replay" },
		"train.amortise.spread":        func(c *Config) { c.Train.Amortise.Spread = -1 },
		"train.amortise.neighbours":    func(c *Config) { c.Train.Amortise.Neighbours = 1 },
		"train.amortise.schedule":      func(c *Config) { c.Train.Amortise.Bins, c.Train.Amortise.Schedule = 3, "step" },
		"train.amortise.adapt_rounds":  func(c *Config) { c.Train.Amortise.AdaptRounds = 2 }, // without an encoder
		"train.amortise.adapt_steps":   func(c *Config) { c.Train.Amortise.AdaptSteps = -1 },
		"train.amortise.adapt_lr":      func(c *Config) { a := &c.Train.Amortise; a.Bins, a.AdaptRounds, a.AdaptLR = 3, 1, 0 },
		"train.align.factors":          func(c *Config) { c.Train.Align.Factors = -1 },
		"train.align.label":            func(c *Config) { c.Train.Align.Label = "task" },
		"train.align.weight":           func(c *Config) { c.Train.Align.Weight = math.Inf(1) },
		"train.align.features":         func(c *Config) { c.Train.Align.Features = "pca" },
	}
	// Every YAML field has a case or a reason.
	var walk func(prefix string, ty reflect.Type)
	walk = func(prefix string, ty reflect.Type) {
		for i := range ty.NumField() {
			f := ty.Field(i)
			tag := strings.Split(f.Tag.Get("yaml"), ",")[0]
			if f.Type.Kind() == reflect.Struct {
				walk(prefix+tag+".", f.Type)
				continue
			}
			if _, ok := cases[prefix+tag]; !ok && anyValue[tag] == "" {
				t.Errorf("config field %s%s has no refusal case in this test", prefix, tag)
			}
		}
	}
	walk("", reflect.TypeFor[Config]())
	for field, mutate := range cases {
		c := Default(5)
		if err := c.Validate(); err != nil {
			t.Fatalf("the default config is refused: %v", err)
		}
		mutate(&c)
		err := c.Validate()
		name := field[strings.LastIndex(field, ".")+1:]
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: error %v, want one naming %s", field, err, name)
		}
	}
	// Every wrong field is reported at once, one line each, not only the first.
	all := Default(5)
	for _, mutate := range cases {
		mutate(&all)
	}
	err := all.Validate()
	if err == nil {
		t.Fatal("a config with every field wrong is accepted")
	}
	if lines := strings.Count(err.Error(), "\n") + 1; lines < len(cases)-2 {
		t.Errorf("%d problems reported for %d wrong fields:\n%v", lines, len(cases), err)
	}
	// Closed choices list what is valid.
	c := Default(5)
	c.Train.Schedule = "step"
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "want one of constant, cosine") {
		t.Errorf("schedule: %v", err)
	}
	_, err = ParseConfig("c.yaml", []byte("dtype: float16\n"), Default(5))
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("%q, want one of float32, float64", "float16")) {
		t.Errorf("dtype from YAML: %v", err)
	}
}
