package train

import (
	"fmt"
	"math"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/model"
)

// name is how messages call ds: its file, or "dataset" when it has none.
func name(ds *data.Dataset) string {
	if ds.Source == "" {
		return "dataset"
	}
	return ds.Source
}

// checkRange returns an error naming the first value of segments idx's valid activity that
// the element type T cannot hold: activity beyond ±3.4×10³⁸ would become ±Inf in float32.
func checkRange[T model.Float](ds *data.Dataset, idx []int) error {
	if _, ok := any(T(0)).(float32); !ok {
		return nil
	}
	for _, s := range idx {
		for i, v := range ds.Segment(s) {
			if math.Abs(v) > math.MaxFloat32 {
				t, m := i/ds.M, i%ds.M
				return &data.FieldError{File: ds.Source, Field: "activity", Index: []int{s, t, m},
					Msg: fmt.Sprintf("= %g overflows float32 (segment %d, bin %d, neuron %d); rescale the data, or set dtype: float64", v, s, t, m)}
			}
		}
	}
	return nil
}

// minR2 is the floor below which a fitted model is reported as failed: R² < 0 means it
// predicts the activity worse than each neuron's mean does.
const minR2 = 0

// fitWarnings says what is wrong with a finished fit's history, if anything: a last training
// R² or a best held-out R² below minR2.
func fitWarnings(o *Options, history []Record, bestR2 float64) []string {
	if len(history) == 0 {
		return nil
	}
	var w []string
	last := history[len(history)-1]
	fix := fmt.Sprintf("check train.learning_rate (now %g: too large diverges, too small does not move), train.epochs (now %d) and that the activity is near unit scale", o.LearningRate, o.Epochs)
	if last.TrainR2 < minR2 {
		w = append(w, fmt.Sprintf("the fit failed: training R² %.4g at epoch %d is worse than predicting each neuron's mean; %s", last.TrainR2, last.Epoch, fix))
	}
	if !math.IsInf(bestR2, -1) && bestR2 < minR2 {
		w = append(w, fmt.Sprintf("the fit failed on held-out segments: the best held-out R² %.4g is worse than predicting each neuron's mean; %s", bestR2, fix))
	}
	return w
}

// checkVariance refuses training activity whose every valid value is the same: its variance
// is zero, so R² is undefined and a fit has nothing to explain.
func checkVariance(ds *data.Dataset, idx []int) error {
	first := math.NaN()
	for _, s := range idx {
		for _, x := range ds.Segment(s) {
			if math.IsNaN(first) {
				first = x
			} else if x != first {
				return nil
			}
		}
	}
	return &data.FieldError{File: ds.Source, Field: "activity",
		Msg: fmt.Sprintf("is constant over the %d training segments (every valid value is %g): there is nothing to fit, and R² is undefined; is this the right field or file?", len(idx), first)}
}
