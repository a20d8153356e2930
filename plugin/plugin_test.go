package plugin

import (
	"testing"

	"github.com/spf13/pflag"
)

type named string

func (n named) Name() string               { return string(n) }
func (named) Short() string                { return "" }
func (named) Flags(*pflag.FlagSet)         {}
func (named) Report() bool                 { return false }
func (named) Run(*Context) (Result, error) { return nil, nil }

// Register keeps the registration order and refuses a name taken or empty.
func TestRegister(t *testing.T) {
	saved := registry
	t.Cleanup(func() { registry = saved })
	registry = nil
	Register(func() Plugin { return named("b") })
	Register(func() Plugin { return named("a") })
	if got := Names(); len(got) != 2 || got[0] != "b" || got[1] != "a" {
		t.Errorf("names %v, want [b a]", got)
	}
	for _, name := range []string{"a", ""} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("registering %q did not panic", name)
				}
			}()
			Register(func() Plugin { return named(name) })
		}()
	}
}
