package train

import (
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// NewReporter returns a progress bar (epochs, loss, R², ETA) when w is a terminal of known
// width, and plain log lines through logger otherwise (about 20 per fit, plus every
// validation), so that redirected output stays readable and a terminal without a size still
// shows progress.
func NewReporter(w io.Writer, logger *slog.Logger) Reporter {
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 && termWidth(f) > 0 {
			return &barReporter{w: w}
		}
	}
	return &logReporter{log: logger}
}

type barReporter struct {
	w    io.Writer
	p    *mpb.Progress
	bar  *mpb.Bar
	last Record
	held float64
}

func (b *barReporter) Start(start, epochs int) {
	b.held = math.NaN()
	b.p = mpb.New(mpb.WithOutput(b.w), mpb.WithWidth(32))
	b.bar = b.p.AddBar(int64(epochs),
		mpb.PrependDecorators(decor.Name("fit "), decor.CountersNoUnit("epoch %d/%d")),
		mpb.AppendDecorators(
			decor.Any(func(decor.Statistics) string {
				s := fmt.Sprintf("loss %.4g  R² minibatch %.3f", b.last.Loss, b.last.TrainR2)
				if !math.IsNaN(b.held) {
					s += fmt.Sprintf("  held-out R² (validation) %.3f", b.held)
				}
				return s
			}),
			decor.Name("  "), decor.AverageETA(decor.ET_STYLE_GO)))
	b.bar.SetCurrent(int64(start))
}

func (b *barReporter) Epoch(r Record) {
	b.last = r
	if !math.IsNaN(r.HeldOutR2) {
		b.held = r.HeldOutR2
	}
	b.bar.SetCurrent(int64(r.Epoch))
}

func (b *barReporter) Finish() {
	b.bar.Abort(false)
	b.p.Wait()
}

type logReporter struct {
	log          *slog.Logger
	epochs, each int
}

func (l *logReporter) Start(start, epochs int) {
	l.epochs, l.each = epochs, max(1, epochs/20)
	l.log.Info("fit: r2_minibatch is the R² of the epoch's minibatches as trained (with process noise); r2_heldout_val is the held-out R² at a validation (embeddings inferred in train.val_infer_steps steps). " +
		"model.npz keeps the best validated parameters, and jedi eval infers held-out embeddings in train.infer_steps steps, so its numbers differ from these lines")
	if start > 0 {
		l.log.Info("resuming", "epoch", start, "of", epochs)
	}
}

func (l *logReporter) Epoch(r Record) {
	held := !math.IsNaN(r.HeldOutR2)
	if r.Epoch%l.each != 0 && r.Epoch != l.epochs && !held {
		return
	}
	args := []any{"epoch", r.Epoch, "of", l.epochs, "loss", fmt.Sprintf("%.5g", r.Loss),
		"r2_minibatch", fmt.Sprintf("%.4f", r.TrainR2), "lr", fmt.Sprintf("%.3g", r.LR), "seconds", fmt.Sprintf("%.1f", r.Seconds)}
	if held {
		args = append(args, "r2_heldout_val", fmt.Sprintf("%.4f", r.HeldOutR2))
	}
	l.log.Info("fit", args...)
}

func (l *logReporter) Finish() {}
