package train

import (
	"fmt"

	"github.com/jedi-neuro/jedi/analysis/metrics"
	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/internal/par"
	"github.com/jedi-neuro/jedi/model"
)

// staged holds chosen segments of a dataset converted once to the training element type.
type staged[T model.Float] struct {
	ds   *data.Dataset
	idx  []int    // dataset index of each staged segment
	y, u [][]T    // per segment: Len×M targets, Len×I inputs (nil without inputs)
	w    [][]T    // per segment: Len×M loss weights (nil when the dataset has none)
	obs  [][]bool // per segment: the M neurons it observed (nil when the dataset observes all)
	len  []int
}

// stage converts segments idx of ds; inputs are staged only when the model takes them.
func stage[T model.Float](ds *data.Dataset, idx []int, inputs bool) *staged[T] {
	s := &staged[T]{ds: ds, idx: idx}
	for _, i := range idx {
		s.len = append(s.len, ds.Lengths[i])
		s.y = append(s.y, convert[T](ds.Segment(i)))
		if inputs {
			s.u = append(s.u, convert[T](ds.SegmentInputs(i)))
		}
		if ds.Weight != nil {
			s.w = append(s.w, convert[T](ds.SegmentWeight(i)))
		}
		if ds.Observed != nil {
			s.maskRow(len(s.y)-1, ds.SegmentObserved(i), ds.M)
		}
	}
	return s
}

// maskRow makes staged segment r of a multi-session dataset score only the neurons in obs: its
// unobserved targets become 0 and their loss weights 0 (weights start at 1 without a dataset
// weight), so that the loss and its gradient ignore them.
func (s *staged[T]) maskRow(r int, obs []bool, M int) {
	s.obs = append(s.obs, obs)
	if s.w == nil {
		s.w = make([][]T, r)
		for i := range r {
			s.w[i] = ones[T](len(s.y[i]))
		}
	}
	if len(s.w) == r {
		s.w = append(s.w, ones[T](len(s.y[r])))
	}
	y, w := s.y[r], s.w[r]
	for i := range y {
		if !obs[i%M] {
			y[i], w[i] = 0, 0
		}
	}
}

func ones[T model.Float](n int) []T {
	x := make([]T, n)
	for i := range x {
		x[i] = 1
	}
	return x
}

// observed returns the masks of staged rows, nil when every neuron is observed.
func (s *staged[T]) observed(rows []int) [][]bool {
	if s.obs == nil {
		return nil
	}
	out := make([][]bool, len(rows))
	for i, r := range rows {
		out[i] = s.obs[r]
	}
	return out
}

// setLocal writes embedding e (length D) into row k of local, laid out by ll, and, when ll holds
// initial states, x0 (length N) into segment k's initial state, converting to T.
func setLocal[T model.Float](local []T, ll *model.LocalLayout, k int, e, x0 []float64) {
	for j, v := range e {
		local[k*ll.D+j] = T(v)
	}
	if ll.X0Off >= 0 {
		for j, v := range x0 {
			local[ll.X0Off+k*ll.N+j] = T(v)
		}
	}
}

func convert[T model.Float](x []float64) []T {
	out := make([]T, len(x))
	for i, v := range x {
		out[i] = T(v)
	}
	return out
}

// fill makes bt the batch of staged segments rows (row r uses embedding emb[r] and initial
// state row seg[r]), padded to the longest.
func (s *staged[T]) fill(bt *model.Batch[T], c *model.Config, rows, emb, seg []int) {
	B, nt := len(rows), 0
	for _, r := range rows {
		nt = max(nt, s.len[r])
	}
	bt.B, bt.T = B, nt
	bt.Y = growT(bt.Y, B*nt*c.M)
	bt.Len = append(bt.Len[:0], make([]int, B)...)
	bt.Emb = append(bt.Emb[:0], emb...)
	bt.Seg = append(bt.Seg[:0], seg...)
	if c.I > 0 {
		bt.U = growT(bt.U, B*nt*c.I)
	}
	if s.w != nil {
		bt.Weight = growT(bt.Weight, B*nt*c.M)
	} else {
		bt.Weight = nil
	}
	// The copies, B·T·M values per step, are spread over the cores with the rows.
	par.For(par.Threads(), B, func(_, b int) {
		r := rows[b]
		L := s.len[r]
		bt.Len[b] = L
		copy(bt.Y[b*nt*c.M:], s.y[r])
		clear(bt.Y[(b*nt+L)*c.M : (b+1)*nt*c.M])
		if s.w != nil {
			copy(bt.Weight[b*nt*c.M:], s.w[r])
			clear(bt.Weight[(b*nt+L)*c.M : (b+1)*nt*c.M])
		}
		if c.I > 0 {
			copy(bt.U[b*nt*c.I:], s.u[r])
			clear(bt.U[(b*nt+L)*c.I : (b+1)*nt*c.I])
		}
	})
}

func growT[T model.Float](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// r2Adder adds a pass's predictions of a batch's valid bins to an R² accumulator, spreading
// the segments over the cores: each segment is accumulated on its own (parts), and the parts
// are merged in segment order, so that the result does not depend on the thread count. It
// keeps its scratch, so that a training step does not allocate it anew.
type r2Adder struct {
	parts []*metrics.R2Acc
	errs  []error
	buf   [][]float64 // per worker: the float64 copies of one segment's predictions and targets
}

// addR2 adds the valid bins of the last Forward of p on bt to acc, of the neurons obs[b] marks
// for batch row b (obs nil: all). On error (a non-finite prediction, the first in segment
// order) acc is unchanged.
func addR2[T model.Float](r *r2Adder, acc *metrics.R2Acc, p *model.Pass[T], bt *model.Batch[T], obs [][]bool) error {
	M := p.Model().Cfg.M
	yhat := p.Yhat()
	for len(r.parts) < bt.B {
		part, err := metrics.NewR2Acc(M)
		if err != nil {
			return err
		}
		r.parts = append(r.parts, part)
	}
	nw := par.Threads()
	for len(r.buf) < nw {
		r.buf = append(r.buf, nil)
	}
	r.errs = append(r.errs[:0], make([]error, bt.B)...)
	par.For(nw, bt.B, func(w, b int) {
		n := bt.Len[b] * M
		off := b * bt.T * M
		if cap(r.buf[w]) < 2*n {
			r.buf[w] = make([]float64, 2*n)
		}
		yh, y := r.buf[w][:n], r.buf[w][n:2*n]
		for i := range n {
			yh[i], y[i] = float64(yhat[off+i]), float64(bt.Y[off+i])
		}
		r.parts[b].Reset()
		if obs == nil || obs[b] == nil {
			r.errs[b] = r.parts[b].Add(yh, y) // Add's finiteness check is the faster
		} else {
			r.errs[b] = r.parts[b].AddMasked(yh, y, obs[b])
		}
	})
	for b, err := range r.errs {
		if err != nil {
			return fmt.Errorf("R², segment %d of the batch: %w", b, err)
		}
	}
	for _, part := range r.parts[:bt.B] {
		if err := acc.Merge(part); err != nil {
			return err
		}
	}
	return nil
}

func toF64[T model.Float](x []T) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}
