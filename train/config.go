// Package train fits JEDI models: minibatch backpropagation through time with Adam, gradient
// clipping, a learning-rate schedule, a held-out split by segment with early stopping, and
// atomic, resumable checkpoints. It also infers the embeddings (and initial states) of segments
// never seen in training, with the shared parameters frozen.
package train

import (
	"fmt"
	"os"

	"github.com/jedi-neuro/jedi/internal/strictyaml"
	"github.com/jedi-neuro/jedi/model"
)

// Config is everything that determines a fit: with the same data, the same Config reproduces
// the same numbers. It is the YAML file users write, and it is saved beside the results.
type Config struct {
	// Seed drives initialisation, the held-out split, minibatch order and process noise.
	Seed uint64 `yaml:"seed"`
	// DType is float32 (fast, the default) or float64.
	DType model.DType  `yaml:"dtype"`
	Model model.Config `yaml:"model"`
	Train Options      `yaml:"train"`
}

// Options are the optimisation settings.
type Options struct {
	// Epochs is the maximum number of passes over the training segments.
	Epochs int `yaml:"epochs"`
	// BatchSize is the number of segments per minibatch.
	BatchSize int `yaml:"batch_size"`
	// LearningRate is Adam's peak step size; Beta1, Beta2, Eps are its other constants.
	LearningRate float64 `yaml:"learning_rate"`
	Beta1        float64 `yaml:"beta1"`
	Beta2        float64 `yaml:"beta2"`
	Eps          float64 `yaml:"eps"`
	// LocalLRScale multiplies the step size of the per-segment parameters (embeddings and
	// initial states). Each of them sees one segment per epoch, against every minibatch for θ,
	// so they need larger steps to keep up.
	LocalLRScale float64 `yaml:"local_lr_scale"`
	// Schedule is constant or cosine (linear warm-up over WarmupSteps, then cosine decay
	// to MinLRRatio × LearningRate at the last epoch).
	Schedule    Schedule `yaml:"schedule"`
	WarmupSteps int      `yaml:"warmup_steps"`
	MinLRRatio  float64  `yaml:"min_lr_ratio"`
	// ClipNorm bounds the global L2 norm of each step's gradient (0 disables clipping).
	ClipNorm float64 `yaml:"clip_norm"`
	// HeldOut is the fraction of segments kept out of training, chosen by Seed.
	HeldOut float64 `yaml:"heldout_fraction"`
	// ValEvery is the number of epochs between validations on the held-out segments
	// (0 disables validation and early stopping).
	ValEvery int `yaml:"val_every"`
	// Patience stops training after this many validations without improvement (0: never).
	Patience int `yaml:"patience"`
	// ValInferSteps is the number of Adam steps used to infer held-out embeddings at each
	// validation; InferSteps and InferLR are used for the final evaluation and `jedi infer`.
	ValInferSteps int     `yaml:"val_infer_steps"`
	InferSteps    int     `yaml:"infer_steps"`
	InferLR       float64 `yaml:"infer_lr"`
	// TieEmbeddings names a label: segments with the same value share one embedding. Empty
	// gives every segment its own embedding; TieAll ("@all") gives all segments one embedding,
	// i.e. a single RNN with no context (the single-dRNN baseline, or a task network).
	TieEmbeddings string `yaml:"tie_embeddings"`
	// CheckpointEvery is the number of epochs between checkpoints.
	CheckpointEvery int `yaml:"checkpoint_every"`
	// Amortise selects and trains the amortised encoder (off unless amortise.bins > 0).
	Amortise AmortiseOptions `yaml:"amortise"`
	// Align ties the embeddings of several recording sessions together (off unless
	// align.factors > 0; see AlignOptions and docs/sessions.md).
	Align AlignOptions `yaml:"align"`
}

// TieAll as train.tie_embeddings shares one embedding among all segments.
const TieAll = "@all"

// Default returns the shipped configuration for data with M neurons. It reaches held-out
// R² ≥ 0.94 on the default multi-task teacher (see README).
func Default(M int) Config {
	return Config{
		Seed:  1,
		DType: model.Float32,
		Model: model.Default(M),
		Train: Options{
			Epochs: 400, BatchSize: 32, LearningRate: 3e-3, LocalLRScale: 10, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8,
			Schedule: Cosine, WarmupSteps: 50, MinLRRatio: 0.05, ClipNorm: 1,
			HeldOut: 0.2, ValEvery: 25, Patience: 0, ValInferSteps: 100, InferSteps: 300,
			InferLR: 0.03, CheckpointEvery: 10, Amortise: defaultAmortise(),
			Align: AlignOptions{Features: AlignTrajectory},
		},
	}
}

// Validate checks every field and names every wrong one, each on its own line.
func (c *Config) Validate() error {
	p := strictyaml.NewProblems("config: train.")
	if err := strictyaml.CheckOption("dtype", c.DType); err != nil {
		p.Add(fmt.Errorf("config: %w", err))
	}
	p.Add(c.Model.Validate())
	o := &c.Train
	p.Refuse(o.Epochs < 1, "epochs", "%d, want ≥ 1", o.Epochs)
	p.Refuse(o.BatchSize < 1, "batch_size", "%d, want ≥ 1", o.BatchSize)
	p.Refuse(!(o.LearningRate > 0), "learning_rate", "%g, want > 0", o.LearningRate)
	p.Refuse(!(o.LocalLRScale > 0), "local_lr_scale", "%g, want > 0", o.LocalLRScale)
	p.Refuse(!(o.Beta1 >= 0 && o.Beta1 < 1), "beta1", "%g, want 0 ≤ beta1 < 1", o.Beta1)
	p.Refuse(!(o.Beta2 >= 0 && o.Beta2 < 1), "beta2", "%g, want 0 ≤ beta2 < 1", o.Beta2)
	p.Refuse(!(o.Eps > 0), "eps", "%g, want > 0", o.Eps)
	if err := strictyaml.CheckOption("schedule", o.Schedule); err != nil {
		p.Add(fmt.Errorf("config: train.%w", err))
	}
	p.Refuse(o.WarmupSteps < 0, "warmup_steps", "%d, want ≥ 0", o.WarmupSteps)
	p.Refuse(!(o.MinLRRatio >= 0 && o.MinLRRatio <= 1), "min_lr_ratio", "%g, want 0..1", o.MinLRRatio)
	p.Refuse(o.ClipNorm < 0, "clip_norm", "%g, want ≥ 0", o.ClipNorm)
	p.Refuse(!(o.HeldOut >= 0 && o.HeldOut < 1), "heldout_fraction", "%g, want 0 ≤ f < 1", o.HeldOut)
	p.Refuse(o.ValEvery < 0, "val_every", "%d, want ≥ 0", o.ValEvery)
	p.Refuse(o.Patience < 0, "patience", "%d, want ≥ 0", o.Patience)
	p.Refuse(o.ValInferSteps < 0, "val_infer_steps", "%d, want ≥ 0", o.ValInferSteps)
	p.Refuse(o.InferSteps < 0, "infer_steps", "%d, want ≥ 0", o.InferSteps)
	p.Refuse(!(o.InferLR > 0), "infer_lr", "%g, want > 0", o.InferLR)
	p.Refuse(o.CheckpointEvery < 1, "checkpoint_every", "%d, want ≥ 1", o.CheckpointEvery)
	o.Amortise.validate(p, o.TieEmbeddings)
	o.Align.validate(p, o.TieEmbeddings)
	return p.Err()
}

// ParseConfig decodes YAML over base (so absent keys keep base's values), rejecting unknown
// keys; name is used in error messages.
func ParseConfig(name string, b []byte, base Config) (Config, error) {
	c := base
	if err := strictyaml.Decode(name, b, &c); err != nil {
		return Config{}, err
	}
	return c, nil
}

// LoadConfig reads a YAML file over base.
func LoadConfig(path string, base Config) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, err
	}
	return ParseConfig(path, b, base)
}

// LoadSaved reads a configuration that jedi wrote (a run directory's config.yaml, the
// config_yaml of a model or checkpoint file): every field spelled out, so it is decoded over
// nothing, not over defaults that may have changed since. A key added after the file was
// written is absent from it and reads as what jedi did before the key existed (upgradeSaved).
func LoadSaved(path string) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, err
	}
	return ParseSaved(path, b)
}

// ParseSaved decodes a configuration that jedi wrote, as LoadSaved; name is used in errors.
func ParseSaved(name string, b []byte) (Config, error) {
	c, err := ParseConfig(name, b, Config{})
	if err != nil {
		return Config{}, err
	}
	c.upgradeSaved()
	return c, nil
}

// upgradeSaved gives the keys that files written before they existed lack the behaviour of
// that time. Keys whose zero value is already that behaviour (model.cell, train.align,
// train.amortise.neighbours: 0, all fitted values; train.amortise.adapt_rounds: 0, no
// adaptation) need no entry here.
func (c *Config) upgradeSaved() {
	// The encoder's learning rate was constant before train.amortise.schedule.
	if c.Train.Amortise.Schedule == "" {
		c.Train.Amortise.Schedule = Constant
	}
}

// YAML returns the configuration as YAML, every field spelled out.
func (c *Config) YAML() ([]byte, error) {
	return strictyaml.Encode(c)
}
