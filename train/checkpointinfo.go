package train

import (
	"fmt"
	"path/filepath"

	"github.com/jedi-neuro/jedi/internal/npy"
)

// CheckpointHistory reads the training history saved in run directory dir's checkpoint: one
// Record per epoch trained so far, with the held-out R² of each validation. A fit paused with
// `jedi fit --stop-after` is scored from it before it is continued.
func CheckpointHistory(dir string) ([]Record, error) {
	path := filepath.Join(dir, CheckpointFile)
	rd, err := npy.Open(path)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	var meta checkpointMeta
	if err := readJSON(rd, "checkpoint_json", &meta); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return meta.History, nil
}
