package model

import (
	"strings"
	"testing"

	"github.com/jedi-neuro/jedi/internal/strictyaml"
)

// Each typed option decodes its valid values and refuses anything else with an error that
// names the field and lists what is valid.
func TestOptionsFromYAML(t *testing.T) {
	c := Default(3)
	if err := strictyaml.Decode("ok.yaml", []byte("loss: poisson\nreadout: identity\ninitial_state: zero\n"), &c); err != nil {
		t.Fatal(err)
	}
	if c.Loss != Poisson || c.Readout != Identity || c.InitialState != Zero {
		t.Errorf("decoded %s, %s, %s", c.Loss, c.Readout, c.InitialState)
	}
	for _, bad := range []struct{ doc, want string }{
		{"loss: poison\n", `loss: "poison", want one of gaussian, poisson`},
		{"readout: lin\n", `readout: "lin", want one of linear, identity`},
		{"\ninitial_state: learnt\n", `line 2: initial_state: "learnt", want one of learned, encoder, zero`},
	} {
		c := Default(3)
		err := strictyaml.Decode("bad.yaml", []byte(bad.doc), &c)
		if err == nil || !strings.Contains(err.Error(), bad.want) || !strings.HasPrefix(err.Error(), "bad.yaml: ") {
			t.Errorf("%q: error %v, want it to contain %q", bad.doc, err, bad.want)
		}
	}
	// Set in code rather than decoded, a wrong value is caught by Validate with the same list.
	c = Default(3)
	c.Loss = "gamma"
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "want one of gaussian, poisson") {
		t.Errorf("Validate with loss gamma: %v", err)
	}
}
