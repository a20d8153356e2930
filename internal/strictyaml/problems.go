package strictyaml

import (
	"errors"
	"fmt"
)

// Problems collects every invalid setting of a configuration, so that one run reports them all
// (each on its own line) instead of one per attempt.
type Problems struct {
	prefix string // e.g. "config: train." before each field name
	errs   []error
}

// NewProblems returns an empty collection whose messages start with prefix.
func NewProblems(prefix string) *Problems { return &Problems{prefix: prefix} }

// Refuse records "PREFIXfield: message" when wrong is true.
func (p *Problems) Refuse(wrong bool, field, format string, args ...any) {
	if wrong {
		p.errs = append(p.errs, fmt.Errorf("%s%s: %s", p.prefix, field, fmt.Sprintf(format, args...)))
	}
}

// Add records err as it is, when it is not nil.
func (p *Problems) Add(err error) {
	if err != nil {
		p.errs = append(p.errs, err)
	}
}

// Err returns every recorded problem joined (errors.Join), or nil when there is none.
func (p *Problems) Err() error { return errors.Join(p.errs...) }
