package train

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
)

// ReadHistory reads the per-epoch history.csv of run directory dir.
func ReadHistory(dir string) ([]Record, error) {
	path := filepath.Join(dir, HistoryFile)
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	rows, err := csv.NewReader(fh).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []Record
	for i, row := range rows {
		if i == 0 {
			continue
		}
		if len(row) != 7 {
			return nil, fmt.Errorf("%s: line %d has %d fields, want 7", path, i+1, len(row))
		}
		var v [7]float64
		for j, f := range row {
			if f == "" {
				v[j] = math.NaN()
				continue
			}
			if v[j], err = strconv.ParseFloat(f, 64); err != nil {
				return nil, fmt.Errorf("%s: line %d, field %d: %w", path, i+1, j+1, err)
			}
		}
		out = append(out, Record{Epoch: int(v[0]), Step: int(v[1]), Loss: v[2], TrainR2: v[3],
			HeldOutR2: v[4], LR: v[5], Seconds: v[6]})
	}
	return out, nil
}
