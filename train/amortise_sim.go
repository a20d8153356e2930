package train

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"go.yaml.in/yaml/v4"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/internal/strictyaml"
	"github.com/jedi-neuro/jedi/model"
)

// AmortiseData is what the encoder's first stage learns from (AmortiseOptions.Data).
type AmortiseData string

const (
	// AmortiseFitted distils the fitted embeddings and initial states of the training segments
	// from those segments' activity: as many examples as training segments.
	AmortiseFitted AmortiseData = "fitted"
	// AmortiseSimulated draws a fresh minibatch of segments from the fitted model at every
	// step (see simulator): unlimited examples whose embeddings and initial states are known
	// exactly.
	AmortiseSimulated AmortiseData = "simulated"
)

// Values lists the valid sources.
func (AmortiseData) Values() []AmortiseData { return []AmortiseData{AmortiseFitted, AmortiseSimulated} }

// UnmarshalYAML decodes and checks a source name.
func (d *AmortiseData) UnmarshalYAML(n *yaml.Node) error {
	return strictyaml.DecodeOption(n, d, "amortise.data")
}

// simulator draws segments from the fitted model, as the model itself says segments arise:
//
//  1. z = (e, x₀) from a Gaussian kernel density estimate of the n fitted values z_i of the
//     training segments: z = z_i + h·Σ_i^{1/2} w for a uniformly chosen i, w ~ N(0, I), h the
//     spread and Σ_i the kernel's covariance: the sample covariance of all the z_j, or with
//     k neighbours (AmortiseOptions.Neighbours) that of the k values z_j whose embeddings are
//     nearest z_i's (each coordinate scaled by its spread over the n, z_i among them), so that
//     the draws fill the gaps between neighbouring fitted values, where new segments fall,
//     instead of blurring every value by the spread of all of them. Σ_i^{1/2} w is drawn as
//     Σ_j v_j (z_j − z̄)/√(m−1) over the m values of the covariance, v ~ N(0, I_m), which has
//     covariance Σ_i exactly and needs no factorisation of the (D+N)×(D+N) matrix that
//     m < D+N values leave singular.
//  2. the activity: the frozen network run from x₀ with embedding e for the length (and with
//     the inputs) of segment i, plus the observation noise of the loss: Gaussian with each
//     neuron's residual variance over the training segments, or Poisson counts of the rate;
//     in a multi-session dataset, the neurons segment i did not record are 0, as in the data.
//
// h = 0 replays the fitted values with fresh noise; h = 1 draws from a Gaussian fitted to them
// whichever training segment is chosen, blurring their clusters.
type simulator[T model.Float] struct {
	c       *model.Config
	pass    *model.Pass[T]
	st      *staged[T]
	theta   []T
	ll      model.LocalLayout
	loc     []T
	z       []float64 // n×P fitted values
	dev     []float64 // each kernel's m deviations (z_j − z̄)/√(m−1), m×P: one kernel per training row (local) or one for all
	local   bool
	spread  float64
	sigma   []float64 // per-neuron noise standard deviation (Gaussian loss)
	poisson bool
	rng     *rand.Rand
	bt      model.Batch[T]
	v       []float64
	y       []float64
}

// newSimulator prepares draws for f's training segments of ds, whose fitted values are z
// (len(f.Train) rows of D, or D+N with learned initial states).
func newSimulator[T model.Float](f *Fitted, ds *data.Dataset, z []float64, spread float64, neighbours int, rng *rand.Rand) (*simulator[T], error) {
	m, err := f.Model()
	if err != nil {
		return nil, err
	}
	c := &m.Cfg
	n := len(f.Train)
	P := len(z) / n
	s := &simulator[T]{c: c, pass: model.NewPass[T](m), st: stage[T](ds, f.Train, c.I > 0),
		theta: convert[T](f.Theta), z: z, spread: spread, poisson: c.Loss == model.Poisson, rng: rng}
	if neighbours > 0 && neighbours < n {
		s.local = true
		for i := range n {
			s.dev = append(s.dev, deviations(z, P, nearest(z, P, c.D, i, neighbours))...)
		}
		s.v = make([]float64, neighbours)
	} else {
		s.dev = deviations(z, P, seq(0, n))
		s.v = make([]float64, n)
	}
	if !s.poisson {
		if s.sigma, err = residualStd(f, ds); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// deviations returns (z_j − z̄)/√(m−1) for the m rows j of rows of z (rows of width P), z̄
// their mean: m×P values whose outer products sum to the rows' sample covariance (all zero
// for one row).
func deviations(z []float64, P int, rows []int) []float64 {
	m := len(rows)
	zbar := make([]float64, P)
	for _, j := range rows {
		for q := range P {
			zbar[q] += z[j*P+q] / float64(m)
		}
	}
	dev := make([]float64, m*P)
	if m < 2 {
		return dev
	}
	for k, j := range rows {
		for q := range P {
			dev[k*P+q] = (z[j*P+q] - zbar[q]) / math.Sqrt(float64(m-1))
		}
	}
	return dev
}

// nearest returns the k rows of z (rows of width P, n of them) whose first D values, each
// scaled by its standard deviation over the n rows, are nearest row i's, row i first; ties
// keep the lower row.
func nearest(z []float64, P, D, i, k int) []int {
	n := len(z) / P
	e := make([]float64, n*D)
	for j := range n {
		copy(e[j*D:(j+1)*D], z[j*P:j*P+D])
	}
	_, sd := standardise(e, D)
	dist := make([]float64, n)
	for j := range n {
		for q := range D {
			d := (e[j*D+q] - e[i*D+q]) / sd[q]
			dist[j] += d * d
		}
	}
	rows := seq(0, n)
	slices.SortStableFunc(rows, func(a, b int) int { return cmp.Compare(dist[a], dist[b]) })
	if rows[0] != i { // another row at distance 0: i still comes first
		rows = append([]int{i}, slices.DeleteFunc(rows, func(j int) bool { return j == i })...)
	}
	return rows[:k]
}

// residualStd returns each neuron's root-mean-square residual of the fitted model over its
// training segments (weighted by the dataset's loss weights where it has them, over the
// segments that recorded it in a multi-session dataset).
func residualStd(f *Fitted, ds *data.Dataset) ([]float64, error) {
	ev, err := Evaluate(f, ds, f.Train)
	if err != nil {
		return nil, err
	}
	M, T := ds.M, ds.T
	ss, ws := make([]float64, M), make([]float64, M)
	for k, s := range f.Train {
		y, w, obs := ds.Segment(s), ds.SegmentWeight(s), ds.SegmentObserved(s)
		p := ev.Prediction[k*T*M:]
		for i, v := range y {
			wi := 1.0
			if w != nil {
				wi = w[i]
			}
			if obs != nil && !obs[i%M] {
				continue
			}
			d := v - p[i]
			ss[i%M] += wi * d * d
			ws[i%M] += wi
		}
	}
	for j := range ss {
		if ws[j] > 0 {
			ss[j] = math.Sqrt(ss[j] / ws[j])
		}
	}
	return ss, nil
}

// draw simulates one segment for each training row of rows: it writes the drawn values z of
// segment b to target[b*P:(b+1)*P] and calls use(b, y) with its noisy activity y (L×M, L the
// length of training segment rows[b]; y is reused by the next call). Afterwards s.bt is the
// batch of the simulated segments: their noisy activity as targets, with the lengths, inputs
// and loss weights of the training segments they were drawn for.
func (s *simulator[T]) draw(rows []int, target []float64, use func(b int, y []float64) error) error {
	c := s.c
	B, D, M := len(rows), c.D, c.M
	P := len(s.z) / len(s.st.idx)
	if s.ll.Size == 0 || s.ll.G != B {
		s.ll = model.NewLocalLayout(c, B, B)
		s.loc = make([]T, s.ll.Size)
	}
	for b, i := range rows {
		t := target[b*P : (b+1)*P]
		copy(t, s.z[i*P:(i+1)*P])
		if s.spread > 0 {
			dev := s.dev
			if m := len(s.v); s.local {
				dev = dev[i*m*P : (i+1)*m*P]
			}
			for j := range s.v {
				s.v[j] = s.spread * s.rng.NormFloat64()
			}
			for j, vj := range s.v {
				d := dev[j*P : (j+1)*P]
				for q := range t {
					t[q] += vj * d[q]
				}
			}
		}
		setLocal(s.loc, &s.ll, b, t[:D], t[D:])
	}
	slots := seq(0, B)
	s.st.fill(&s.bt, c, rows, slots, slots)
	if _, err := s.pass.Forward(s.theta, s.loc, &s.ll, &s.bt); err != nil {
		return err
	}
	yhat := s.pass.Yhat()
	nt := s.bt.T
	for b := range B {
		L := s.bt.Len[b]
		s.y = growF(s.y, L*M)
		ybt := s.bt.Y[b*nt*M : (b*nt+L)*M]
		var obs []bool
		if s.st.obs != nil {
			obs = s.st.obs[rows[b]]
		}
		for q, v := range yhat[b*nt*M : (b*nt+L)*M] {
			switch {
			case obs != nil && !obs[q%M]:
				s.y[q] = 0
			case s.poisson:
				s.y[q] = distuv.Poisson{Lambda: float64(v), Src: s.rng}.Rand()
			default:
				s.y[q] = float64(v) + s.sigma[q%M]*s.rng.NormFloat64()
			}
			ybt[q] = T(s.y[q])
		}
		if err := use(b, s.y[:L*M]); err != nil {
			return fmt.Errorf("simulated segment of training segment %d: %w", s.st.idx[rows[b]], err)
		}
	}
	return nil
}

func growF(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}
