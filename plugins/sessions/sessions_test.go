package sessions

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/internal/toyfit"
	"github.com/jedi-neuro/jedi/model"
	"github.com/jedi-neuro/jedi/plugin"
	"github.com/jedi-neuro/jedi/train"
)

// TestSessionAnalysis records the toy model's data in two sessions — segments 0–3, 8–11, …
// record units 0–2, segments 4–7, 12–15, … units 2–5, each through its own gain and offset — and gives the multi-session
// model the toy's readout rows mapped the same way, so that it is exact on the training
// segments. Its R² per session is then 1, the clusters decode across sessions, the sessions do
// not decode from the embeddings, and the toy itself, as the single-session reference, scores
// as well as the multi-session model on the held-out segments.
func TestSessionAnalysis(t *testing.T) {
	c := toyfit.Config()
	c.Cell = model.CellTanh // spelled out, as a saved model's configuration has it
	tt := toyfit.New(t, c, 48, 20, 5)
	full := tt.DS
	units := [][]int{{0, 1, 2}, {2, 3, 4, 5}}
	var unit, ses []int
	var gain, off []float64
	for k, us := range units {
		for i, u := range us {
			unit, ses = append(unit, u), append(ses, k)
			gain, off = append(gain, 0.5+0.3*float64(i+k)), append(off, 0.2*float64(i)-0.3*float64(k))
		}
	}
	M := len(unit)
	ms := data.New(full.S, full.T, M, full.Dt)
	ms.Observed = make([]bool, full.S*M)
	sesLabel := make([]string, full.S)
	for s := range full.S {
		k := (s / 4) % 2
		sesLabel[s] = strconv.Itoa(k)
		for j := range M {
			if ses[j] != k {
				continue
			}
			ms.Observed[s*M+j] = true
			for b := range full.T {
				ms.Activity[(s*full.T+b)*M+j] = gain[j]*full.Activity[(s*full.T+b)*full.M+unit[j]] + off[j]
			}
		}
	}
	ms.Labels["cluster"] = full.Labels["cluster"]
	ms.Labels[data.SessionLabel] = data.Label{Kind: data.IntLabel, Values: sesLabel}
	toF := func(x []int) []float64 {
		out := make([]float64, len(x))
		for i, v := range x {
			out[i] = float64(v)
		}
		return out
	}
	ms.Extra["session_unit"] = data.Array{Shape: []int{M}, Data: toF(unit)}
	ms.Extra["session_gain"] = data.Array{Shape: []int{M}, Data: gain}
	ms.Extra["session_offset"] = data.Array{Shape: []int{M}, Data: off}
	if err := ms.Validate(); err != nil {
		t.Fatal(err)
	}

	// The multi-session model: the toy's θ with readout row j = gain_j × the unit's row, bias
	// gain_j × the unit's bias + offset_j.
	cm := c
	cm.M = M
	m0, _ := model.New(c)
	m1, err := model.New(cm)
	if err != nil {
		t.Fatal(err)
	}
	theta := make([]float64, m1.Layout.Size)
	for b := range m1.Layout.Blocks {
		dst, src := model.View(theta, &m1.Layout, b), model.View(tt.F.Theta, &m0.Layout, b)
		switch b {
		case m1.Layout.ReadW:
			for j := range M {
				for n := range c.N {
					dst[j*c.N+n] = gain[j] * src[unit[j]*c.N+n]
				}
			}
		case m1.Layout.ReadB:
			for j := range M {
				dst[j] = gain[j]*src[unit[j]] + off[j]
			}
		default:
			copy(dst, src)
		}
	}
	f := *tt.F
	f.Config.Model = cm
	f.Theta = theta

	// The toy as a single-session run on the full data.
	dir := t.TempDir()
	fullPath := filepath.Join(dir, "full.npz")
	if err := data.WriteNPZ(fullPath, full); err != nil {
		t.Fatal(err)
	}
	ref := filepath.Join(dir, "ref")
	os.Mkdir(ref, 0o755)
	if err := train.SaveModel(filepath.Join(ref, train.ModelFile), tt.F); err != nil {
		t.Fatal(err)
	}
	ri, _ := json.Marshal(train.RunInfo{Data: fullPath, Train: tt.F.Train, HeldOut: tt.F.HeldOut})
	os.WriteFile(filepath.Join(ref, train.RunFile), ri, 0o644)

	emb, err := plugin.SegmentEmbeddings(&f, ms, f.Config.Train.InferSteps)
	if err != nil {
		t.Fatal(err)
	}
	r, err := SessionAnalysis(&f, ms, emb, Options{Label: "cluster", Single: ref, Folds: 4, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	r.Print(&b)
	t.Log("\n" + b.String())
	if !slices.Equal(r.Sessions, []string{"0", "1"}) || len(r.Train) != 2 || len(r.HeldOut) != 2 || len(r.Single) != 2 {
		t.Fatalf("sessions %v, %d/%d/%d scores", r.Sessions, len(r.Train), len(r.HeldOut), len(r.Single))
	}
	for k, sc := range r.Train {
		if math.Abs(sc.R2-1) > 1e-9 || sc.Neurons != len(units[k]) {
			t.Errorf("training %+v, want R² 1 over %d neurons", sc, len(units[k]))
		}
		if r.HeldOut[k].R2 < 0.9 || r.Single[k].R2 < 0.9 || math.Abs(r.HeldOut[k].R2-r.Single[k].R2) > 0.1 {
			t.Errorf("session %d held-out R² %.4f, single-session fit %.4f: want both ≥ 0.9 and close", k, r.HeldOut[k].R2, r.Single[k].R2)
		}
	}
	if len(r.Decoding) != 2 {
		t.Fatalf("%d decoding methods, want 2", len(r.Decoding))
	}
	for _, d := range r.Decoding {
		if d.Pooled < 0.85 || d.Pooled < d.Within-0.05 {
			t.Errorf("%s: cluster decoded across sessions %.3f, within %.3f: want ≥ 0.85 and as well as within", d.Method, d.Pooled, d.Within)
		}
	}
	if r.SessionDecoding > 0.75 {
		t.Errorf("session decoded from the embeddings with accuracy %.3f (chance %.3f): the sessions share their embeddings", r.SessionDecoding, r.SessionChance)
	}
	if _, err := r.Write(t.TempDir()); err != nil {
		t.Fatal(err)
	}

	// --where: the decoding from half of the segments only.
	half := make([]string, ms.S)
	for s := range half {
		half[s] = strconv.Itoa(s % 2)
	}
	ms.Labels["half"] = data.Label{Kind: data.IntLabel, Values: half}
	w, err := SessionAnalysis(&f, ms, emb, Options{Label: "cluster", Where: "half=0", Folds: 4, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if w.Segments != ms.S/2 || len(w.Decoding) != 2 || w.Decoding[0].Pooled < 0.8 {
		t.Errorf("--where half=0: %d segments decoded (want %d), decoding %+v", w.Segments, ms.S/2, w.Decoding)
	}
	for _, bad := range []string{"half", "half=7", "nolabel=1"} {
		if _, err := SessionAnalysis(&f, ms, emb, Options{Label: "cluster", Where: bad, Folds: 4, Seed: 1}); err == nil {
			t.Errorf("--where %s accepted", bad)
		}
	}
}
