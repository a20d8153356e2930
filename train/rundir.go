package train

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/jedi-neuro/jedi/internal/fsutil"
	"github.com/jedi-neuro/jedi/model"
)

// Files of a run directory.
const (
	ConfigFile     = "config.yaml"    // the resolved configuration
	RunFile        = "run.json"       // data provenance and the split
	CheckpointFile = "checkpoint.npz" // full training state, for --resume
	ModelFile      = "model.npz"      // the fitted model (best by validation)
	HistoryFile    = "history.csv"    // one line per epoch
)

// RunInfo is run.json: where the data came from and how it was split.
type RunInfo struct {
	Data       string `json:"data"`
	DataSHA256 string `json:"data_sha256,omitempty"`
	Seed       uint64 `json:"seed"`
	Train      []int  `json:"train"`
	HeldOut    []int  `json:"heldout"`
}

// ReadRunInfo reads run.json of run directory dir.
func ReadRunInfo(dir string) (*RunInfo, error) {
	b, err := os.ReadFile(filepath.Join(dir, RunFile))
	if err != nil {
		return nil, err
	}
	var ri RunInfo
	if err := json.Unmarshal(b, &ri); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, RunFile), err)
	}
	return &ri, nil
}

// Resumable returns nil when run directory dir holds a checkpoint to resume, and otherwise an
// error that says why not and what to do.
func Resumable(dir string) error {
	_, err := os.Stat(filepath.Join(dir, CheckpointFile))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if _, derr := os.Stat(dir); derr != nil {
			return fmt.Errorf("--resume: %w", derr)
		}
		return fmt.Errorf("--resume: %s holds no checkpoint: the fit was stopped before writing its first one; run it again without --resume", dir)
	case err != nil:
		return fmt.Errorf("--resume: %w", err)
	}
	return nil
}

type runDir struct{ path string }

func (r *runDir) file(name string) string { return filepath.Join(r.path, name) }

// start creates the run directory for a new fit and writes its configuration and split. It
// refuses a directory that already holds a run, so that nothing is overwritten by accident.
func startRun[T model.Float](r *runDir, tr *trainer[T]) error {
	for _, name := range []string{CheckpointFile, ModelFile} {
		if _, err := os.Stat(r.file(name)); err == nil {
			return fmt.Errorf("%s already holds a run (%s); use --resume to continue it or choose another --out", r.path, name)
		}
	}
	cfg := tr.cfg
	y, err := cfg.YAML()
	if err != nil {
		return err
	}
	if err := fsutil.WriteBytesAtomic(r.file(ConfigFile), y); err != nil {
		return err
	}
	ds := tr.ds
	ri := RunInfo{Data: ds.Source, Seed: cfg.Seed, Train: tr.trainIdx, HeldOut: tr.heldIdx}
	if ri.HeldOut == nil {
		ri.HeldOut = []int{}
	}
	if ds.Source != "" {
		if ri.DataSHA256, err = fsutil.FileSHA256(ds.Source); err != nil {
			return err
		}
		// Absolute, so that eval, report and infer find the data from any directory.
		if ri.Data, err = filepath.Abs(ds.Source); err != nil {
			return err
		}
	}
	b, err := json.MarshalIndent(ri, "", "  ")
	if err != nil {
		return err
	}
	return fsutil.WriteBytesAtomic(r.file(RunFile), append(b, '\n'))
}

// finishRun writes the fitted model and the training history.
func finishRun[T model.Float](r *runDir, tr *trainer[T], f *Fitted) error {
	if err := SaveModel(r.file(ModelFile), f); err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("epoch,step,loss,r2_train,r2_heldout,lr,seconds\n")
	for _, h := range tr.st.history {
		held := ""
		if !math.IsNaN(h.HeldOutR2) {
			held = strconv.FormatFloat(h.HeldOutR2, 'g', 8, 64)
		}
		fmt.Fprintf(&b, "%d,%d,%.8g,%.6g,%s,%.6g,%.3f\n", h.Epoch, h.Step, h.Loss, h.TrainR2, held, h.LR, h.Seconds)
	}
	return fsutil.WriteBytesAtomic(r.file(HistoryFile), []byte(b.String()))
}
