package data

import (
	"fmt"
	"log/slog"
	"maps"
	"slices"

	"github.com/jedi-neuro/jedi/internal/npy"
)

// observedField is the .npz name of Dataset.Observed.
const observedField = "observed"

// SessionLabel is the label that names each segment's recording session in a multi-session
// dataset (Stitch writes it; per-session figures group by it).
const SessionLabel = "session"

// A multi-session dataset holds recordings whose neurons differ: its M neurons are the union of
// every session's, and Observed[s·M+m] says whether segment s recorded neuron m. A fit scores
// only observed entries (their loss weight is multiplied by the mask, and R² runs over observed
// entries only), so one readout row per neuron serves as that neuron's session's readout, with
// its own gain and offset, while the hypernetwork and the dynamics are shared by all sessions.
// See docs/sessions.md.

// IsObserved reports whether segment s recorded neuron m (always true without a mask).
func (d *Dataset) IsObserved(s, m int) bool {
	return d.Observed == nil || d.Observed[s*d.M+m]
}

// SegmentObserved returns segment s's row of the mask, M values sharing memory with the dataset,
// or nil when every neuron is observed.
func (d *Dataset) SegmentObserved(s int) []bool {
	if d.Observed == nil {
		return nil
	}
	return d.Observed[s*d.M : (s+1)*d.M]
}

// zeroUnobserved sets the activity of every unobserved entry to 0, so that whatever a file
// holds there (NaN, typically) reaches no computation.
func (d *Dataset) zeroUnobserved() {
	if d.Observed == nil {
		return
	}
	for s := range d.S {
		obs := d.SegmentObserved(s)
		for t := range d.T {
			row := d.Activity[(s*d.T+t)*d.M : (s*d.T+t+1)*d.M]
			for m, ok := range obs {
				if !ok {
					row[m] = 0
				}
			}
		}
	}
}

// observed checks the mask: S·M values, every segment observing at least one neuron and every
// neuron observed in at least one segment (a neuron never observed has no data to fit its
// readout row to).
func (v validator) observed() error {
	d := v.d
	if d.Observed == nil {
		return nil
	}
	if len(d.Observed) != d.S*d.M {
		return v.errorf(observedField, nil, "has %d values, want %d×%d (segments×neurons)", len(d.Observed), d.S, d.M)
	}
	seen := make([]bool, d.M)
	for s := range d.S {
		row := d.SegmentObserved(s)
		if !slices.Contains(row, true) {
			return v.errorf(observedField, []int{s}, "marks no neuron of segment %d as observed, want at least one", s)
		}
		for m, ok := range row {
			seen[m] = seen[m] || ok
		}
	}
	if m := slices.Index(seen, false); m >= 0 {
		return v.errorf(observedField, nil, "marks neuron %d as observed in no segment: drop the neuron, its readout could not be fitted", m)
	}
	return nil
}

// readObserved converts file's `observed` array, [segments, neurons] of booleans or of 0 and 1.
func readObserved(file string, a *npy.Array, S, M int) ([]bool, error) {
	bad := func(index []int, format string, args ...any) error {
		return &FieldError{File: file, Field: observedField, Index: index, Msg: fmt.Sprintf(format, args...)}
	}
	if len(a.Shape) != 2 || a.Shape[0] != S || a.Shape[1] != M {
		return nil, bad(nil, "has shape %v, want [%d, %d] (segments, neurons as activity)", a.Shape, S, M)
	}
	if !a.IsReal() {
		return nil, bad(nil, "has dtype %s, want bool (or integers 0 and 1)", a.Descr)
	}
	v, _ := a.Floats() // real, so no error
	out := make([]bool, len(v))
	for i, x := range v {
		switch x {
		case 0:
		case 1:
			out[i] = true
		default:
			return nil, bad([]int{i / M, i % M}, "= %v (segment %d, neuron %d), want 0 or 1", x, i/M, i%M)
		}
	}
	return out, nil
}

// Sessions returns the sessions of a dataset: the distinct values of its "session" label
// (in GroupIndex's order) and each segment's session index. A dataset without the
// label is one session, named "all".
func (d *Dataset) Sessions() (names []string, of []int, err error) {
	if _, ok := d.Labels[SessionLabel]; !ok {
		return []string{"all"}, make([]int, d.S), nil
	}
	return d.GroupIndex(SessionLabel)
}

// SessionNeurons returns, for each session (as Sessions numbers them), the neurons observed in
// at least one of its segments, in increasing order.
func (d *Dataset) SessionNeurons() ([][]int, error) {
	names, of, err := d.Sessions()
	if err != nil {
		return nil, err
	}
	seen := make([][]bool, len(names))
	for k := range seen {
		seen[k] = make([]bool, d.M)
	}
	for s, k := range of {
		for m := range d.M {
			if d.IsObserved(s, m) {
				seen[k][m] = true
			}
		}
	}
	out := make([][]int, len(names))
	for k, row := range seen {
		for m, ok := range row {
			if ok {
				out[k] = append(out[k], m)
			}
		}
	}
	return out, nil
}

// Stitch joins sessions recorded with different neurons into one multi-session dataset: its
// neurons are the union of the sessions' (session k's M_k neurons occupy columns
// off_k … off_k+M_k−1, off_k = Σ_{j<k} M_j), its segments are session 0's, then session 1's, …,
// T is the longest session's, and Observed marks each segment's own session's neurons. Every
// session needs the same dt. The label "session" holds names[k] for session k's segments; a
// label is kept when every session has it with the same kind, and dropped (with a log line)
// otherwise. Inputs are kept when every session has the same number of channels. Extra arrays
// (ground truth about one file) are dropped. Each session is validated first; its errors name
// its file.
func Stitch(sessions []*Dataset, names []string) (*Dataset, error) {
	if len(sessions) == 0 {
		return nil, fmt.Errorf("stitch: no sessions")
	}
	if len(names) != len(sessions) {
		return nil, fmt.Errorf("stitch: %d names for %d sessions", len(names), len(sessions))
	}
	if i := firstDuplicate(names); i >= 0 {
		return nil, fmt.Errorf("stitch: session %d's name %q is also an earlier session's", i, names[i])
	}
	S, T, M, I := 0, 0, 0, sessions[0].I
	for _, d := range sessions {
		if err := d.Validate(); err != nil {
			return nil, err
		}
		if _, ok := d.Labels[SessionLabel]; ok {
			return nil, &FieldError{File: d.Source, Field: labelPrefix + SessionLabel, Msg: "is already set: stitch a file of one session"}
		}
		if d.Observed != nil {
			return nil, &FieldError{File: d.Source, Field: observedField, Msg: "is already set: stitch files of one session each"}
		}
		if d.Dt != sessions[0].Dt {
			return nil, &FieldError{File: d.Source, Field: "dt", Msg: fmt.Sprintf("= %v, but session 0 (%s) has dt = %v: sessions must share the bin width", d.Dt, sessions[0].Source, sessions[0].Dt)}
		}
		if d.I != I {
			I = -1
		}
		S += d.S
		T = max(T, d.T)
		M += d.M
	}
	if I < 0 {
		slog.Warn("stitch: the sessions have different numbers of input channels; inputs dropped")
		I = 0
	}
	out := New(S, T, M, sessions[0].Dt)
	out.Observed = make([]bool, S*M)
	out.I = I
	if I > 0 {
		out.Inputs = make([]float64, S*T*I)
	}
	weighted := slices.ContainsFunc(sessions, func(d *Dataset) bool { return d.Weight != nil })
	if weighted {
		out.Weight = make([]float64, S*T*M)
	}
	session := make([]string, 0, S)
	s0, off := 0, 0
	for k, d := range sessions {
		for s := range d.S {
			o := s0 + s
			out.Lengths[o] = d.Lengths[s]
			session = append(session, names[k])
			for m := range d.M {
				out.Observed[o*M+off+m] = true
			}
			for t := range d.Lengths[s] {
				copy(out.Activity[(o*T+t)*M+off:(o*T+t)*M+off+d.M], d.Activity[(s*d.T+t)*d.M:(s*d.T+t+1)*d.M])
				if weighted {
					w := out.Weight[(o*T+t)*M+off : (o*T+t)*M+off+d.M]
					if d.Weight == nil {
						for i := range w {
							w[i] = 1
						}
					} else {
						copy(w, d.Weight[(s*d.T+t)*d.M:(s*d.T+t+1)*d.M])
					}
				}
				if I > 0 {
					copy(out.Inputs[(o*T+t)*I:(o*T+t+1)*I], d.Inputs[(s*d.T+t)*I:(s*d.T+t+1)*I])
				}
			}
		}
		s0 += d.S
		off += d.M
	}
	for _, name := range slices.Sorted(maps.Keys(sessions[0].Labels)) {
		kind := sessions[0].Labels[name].Kind
		values := make([]string, 0, S)
		var parts []Label
		for _, d := range sessions {
			l, ok := d.Labels[name]
			if !ok || l.Kind != kind {
				values = nil
				break
			}
			values = append(values, l.Values...)
			parts = append(parts, l)
		}
		if values == nil {
			slog.Warn("stitch: a label not in every session (or of different kinds) is dropped", "label", name)
			continue
		}
		out.Labels[name] = Label{Kind: kind, Values: values, Order: JoinOrders(parts...)}
	}
	out.Labels[SessionLabel] = Label{Kind: StringLabel, Values: session}
	return out, out.Validate()
}

// firstDuplicate returns the index of the first string equal to an earlier one, or −1.
func firstDuplicate(x []string) int {
	seen := map[string]bool{}
	for i, v := range x {
		if seen[v] {
			return i
		}
		seen[v] = true
	}
	return -1
}

// JoinNeurons joins recordings of the same segments by different units — the files of units
// recorded simultaneously, one file per unit — into one dataset whose neurons are the parts'
// neurons side by side, in order. Every part must have the same segments: the same S, T, dt,
// lengths and labels (names, kinds and values), as recordings of the same trials prepared by
// the same recipe have. Inputs and weights are refused (a recording has none); extra arrays are
// dropped.
func JoinNeurons(parts []*Dataset) (*Dataset, error) {
	if len(parts) == 0 {
		return nil, fmt.Errorf("join: no recordings")
	}
	p0 := parts[0]
	M := 0
	for _, d := range parts {
		if err := d.Validate(); err != nil {
			return nil, err
		}
		bad := func(field, format string, args ...any) error {
			return &FieldError{File: d.Source, Field: field, Msg: fmt.Sprintf(format, args...) + fmt.Sprintf(" (%s): not the same segments", p0.Source)}
		}
		switch {
		case d.S != p0.S || d.T != p0.T:
			return nil, bad("activity", "has %d segments of %d bins, the first recording %d of %d", d.S, d.T, p0.S, p0.T)
		case d.Dt != p0.Dt:
			return nil, bad("dt", "= %v, the first recording's %v", d.Dt, p0.Dt)
		case !slices.Equal(d.Lengths, p0.Lengths):
			return nil, bad("lengths", "differ from the first recording's")
		case d.I > 0 || d.Weight != nil || d.Observed != nil:
			return nil, bad("activity", "comes with inputs, weights or a mask: join plain recordings")
		}
		if len(d.Labels) != len(p0.Labels) {
			return nil, bad("activity", "has labels %v, the first recording %v", slices.Sorted(maps.Keys(d.Labels)), slices.Sorted(maps.Keys(p0.Labels)))
		}
		for name, l := range p0.Labels {
			dl, ok := d.Labels[name]
			if !ok || dl.Kind != l.Kind || !slices.Equal(dl.Values, l.Values) || !slices.Equal(dl.Order, l.Order) {
				return nil, bad(labelPrefix+name, "differs from the first recording's")
			}
		}
		M += d.M
	}
	out := New(p0.S, p0.T, M, p0.Dt)
	copy(out.Lengths, p0.Lengths)
	out.Source = p0.Source
	off := 0
	for _, d := range parts {
		for st := range d.S * d.T {
			copy(out.Activity[st*M+off:st*M+off+d.M], d.Activity[st*d.M:(st+1)*d.M])
		}
		off += d.M
	}
	for name, l := range p0.Labels {
		out.Labels[name] = l.clone()
	}
	return out, out.Validate()
}
