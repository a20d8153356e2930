package train

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/jedi-neuro/jedi/data"
)

// run.json names the data by its absolute path even when the fit was given a relative one, so
// that eval and report find it from any directory.
func TestRunInfoDataAbsolute(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	ds := teacherData(t, 8, 10, 3)
	if err := data.WriteNPZ("d.npz", ds); err != nil {
		t.Fatal(err)
	}
	ds.Source = "d.npz"
	cfg := smallConfig(ds.M)
	cfg.Train.Epochs = 1
	if _, err := Fit(context.Background(), cfg, ds, FitOptions{Dir: "run"}); err != nil {
		t.Fatal(err)
	}
	ri, err := ReadRunInfo("run")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := filepath.EvalSymlinks(filepath.Join(dir, "d.npz"))
	got, _ := filepath.EvalSymlinks(ri.Data)
	if !filepath.IsAbs(ri.Data) || got != want {
		t.Errorf("run.json data %q, want the absolute path %q", ri.Data, want)
	}
}
