package sim

import (
	"fmt"

	"github.com/jedi-neuro/jedi/data"
)

// GroundTruth returns copies of the teacher's parameters as named arrays, the names under which
// datasets keep them: teacher_J [N,N], teacher_b [N], teacher_alpha [1], teacher_W_ext [N,I]
// when I > 0, and teacher_P, teacher_Q [N,R] when R > 0.
func (tc *Teacher) GroundTruth() map[string]data.Array {
	arr := func(v []float64, shape ...int) data.Array {
		return data.Array{Shape: shape, Data: append([]float64(nil), v...)}
	}
	gt := map[string]data.Array{
		"teacher_J":     arr(tc.J, tc.N, tc.N),
		"teacher_b":     arr(tc.B, tc.N),
		"teacher_alpha": arr([]float64{tc.Alpha}, 1),
	}
	if tc.I > 0 {
		gt["teacher_W_ext"] = arr(tc.WExt, tc.N, tc.I)
	}
	if tc.R > 0 {
		gt["teacher_P"] = arr(tc.P, tc.N, tc.R)
		gt["teacher_Q"] = arr(tc.Q, tc.N, tc.R)
	}
	return gt
}

// TeacherFromDataset rebuilds the teacher whose ground truth d holds (teacher_J, teacher_alpha,
// and teacher_b, teacher_W_ext, teacher_P, teacher_Q where present; dt is d.Dt), for analyses
// of the true dynamics such as its fixed points or Lyapunov exponents. The teacher shares
// memory with d.Extra.
func TeacherFromDataset(d *data.Dataset) (*Teacher, error) {
	src := d.Source
	if src == "" {
		src = "dataset"
	}
	j, okJ := d.Extra["teacher_J"]
	alpha, okA := d.Extra["teacher_alpha"]
	if !okJ || !okA || len(j.Shape) != 2 || j.Shape[0] != j.Shape[1] || len(alpha.Data) != 1 {
		return nil, fmt.Errorf("sim: %s: need ground truth teacher_J [N,N] and teacher_alpha [1]", src)
	}
	n := j.Shape[0]
	tc := &Teacher{N: n, Dt: d.Dt, Alpha: alpha.Data[0], J: j.Data, B: make([]float64, n)}
	if b, ok := d.Extra["teacher_b"]; ok {
		tc.B = b.Data
	}
	if w, ok := d.Extra["teacher_W_ext"]; ok && len(w.Shape) == 2 {
		tc.I, tc.WExt = w.Shape[1], w.Data
	}
	if p, ok := d.Extra["teacher_P"]; ok && len(p.Shape) == 2 {
		tc.R, tc.P, tc.Q = p.Shape[1], p.Data, d.Extra["teacher_Q"].Data
	}
	if err := tc.Validate(); err != nil {
		return nil, fmt.Errorf("%w (ground truth of %s)", err, src)
	}
	return tc, nil
}
