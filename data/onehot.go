package data

// WithOneHotInputs returns a shallow copy of d whose inputs are the one-hot code of each
// segment's value of label, constant over its bins: I = the number of distinct values, in
// GroupIndex order, and input channel g of segment s is 1 when s has value groups[g]. Any
// inputs d had are replaced (they are a teacher's drive, which must not leak into a model fed
// the label). This is the context-as-input baseline: one network told the context by an input
// instead of through its weights.
func (d *Dataset) WithOneHotInputs(label string) (out *Dataset, groups []string, err error) {
	groups, idx, err := d.GroupIndex(label)
	if err != nil {
		return nil, nil, err
	}
	c := *d
	K := len(groups)
	c.I = K
	c.Inputs = make([]float64, d.S*d.T*K)
	for s := range d.S {
		for t := range d.T {
			c.Inputs[(s*d.T+t)*K+idx[s]] = 1
		}
	}
	return &c, groups, nil
}
