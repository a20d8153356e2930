package train

import (
	"context"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/model"
)

// precision is the float32/float64 choice, made in one place (precisionOf): every entry point
// that runs the model calls the typed implementation it returns.
type precision interface {
	fit(ctx context.Context, cfg Config, ds *data.Dataset, opt FitOptions) (*Fitted, error)
	infer(f *Fitted, ds *data.Dataset, idx []int, steps int, E []float64) (*Inferred, error)
	predict(m *model.Model, ds *data.Dataset, theta []float64, ll *model.LocalLayout, local []float64, idx, seg, emb []int, res *Inferred) error
	evaluate(f *Fitted, ds *data.Dataset, idx []int) (*Inferred, error)
	stepper(cfg Config, ds *data.Dataset) (func() (float64, error), error)
	amortise(ctx context.Context, f *Fitted, ds *data.Dataset) (*model.Amortiser, error)
	refine(f *Fitted, ds *data.Dataset, idx []int, E, X0 []float64, steps int) (*Inferred, error)
}

// typed runs everything in element type T.
type typed[T model.Float] struct{}

func (typed[T]) fit(ctx context.Context, cfg Config, ds *data.Dataset, opt FitOptions) (*Fitted, error) {
	return fit[T](ctx, cfg, ds, opt)
}

func (typed[T]) infer(f *Fitted, ds *data.Dataset, idx []int, steps int, E []float64) (*Inferred, error) {
	return inferR2[T](context.Background(), f, ds, idx, steps, E)
}

func (typed[T]) predict(m *model.Model, ds *data.Dataset, theta []float64, ll *model.LocalLayout, local []float64, idx, seg, emb []int, res *Inferred) error {
	return predict[T](m, ds, theta, ll, local, idx, seg, emb, res)
}

func (typed[T]) evaluate(f *Fitted, ds *data.Dataset, idx []int) (*Inferred, error) {
	return evaluate[T](f, ds, idx)
}

func (typed[T]) stepper(cfg Config, ds *data.Dataset) (func() (float64, error), error) {
	return stepper[T](cfg, ds)
}

func (typed[T]) amortise(ctx context.Context, f *Fitted, ds *data.Dataset) (*model.Amortiser, error) {
	return trainAmortiser[T](ctx, f, ds)
}

func (typed[T]) refine(f *Fitted, ds *data.Dataset, idx []int, E, X0 []float64, steps int) (*Inferred, error) {
	return refine[T](f, ds, idx, E, X0, steps)
}

// precisionOf returns the implementation for the configured element type (validated by
// Config.Validate; anything but float64 is float32).
func precisionOf(d model.DType) precision {
	if d == model.Float64 {
		return typed[float64]{}
	}
	return typed[float32]{}
}
