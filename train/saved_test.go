package train

import (
	"strings"
	"testing"
)

// TestParseSavedUpgradesAbsentKeys reads a saved configuration as one written before
// train.amortise.schedule and train.amortise.neighbours existed: the keys are absent, and they
// read as the behaviour of that time (a constant learning rate, the covariance of all fitted
// values), so that the configuration still validates and a run resumes as it started. The
// same file read over defaults, as a user's configuration is, would take today's defaults
// instead.
func TestParseSavedUpgradesAbsentKeys(t *testing.T) {
	c := Default(5)
	c.Train.Amortise.Bins = 3
	b, err := c.YAML()
	if err != nil {
		t.Fatal(err)
	}
	var old []string
	inAmortise := false
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "  ") && !strings.HasPrefix(l, "    ") {
			inAmortise = strings.TrimSpace(l) == "amortise:"
		}
		if inAmortise && (strings.HasPrefix(l, "    schedule:") || strings.HasPrefix(l, "    neighbours:")) {
			continue
		}
		old = append(old, l)
	}
	if len(old) != strings.Count(string(b), "\n")+1-2 {
		t.Fatalf("the test did not remove exactly the two keys from\n%s", b)
	}
	got, err := ParseSaved("config.yaml", []byte(strings.Join(old, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	if got.Train.Amortise.Schedule != Constant || got.Train.Amortise.Neighbours != 0 {
		t.Errorf("absent keys read as schedule %q, neighbours %d; want constant and 0", got.Train.Amortise.Schedule, got.Train.Amortise.Neighbours)
	}
	if got.Train.Schedule != c.Train.Schedule {
		t.Errorf("train.schedule %q, want %q as saved", got.Train.Schedule, c.Train.Schedule)
	}
	if err := got.Validate(); err != nil {
		t.Errorf("the upgraded configuration does not validate: %v", err)
	}
	// A file that has the keys keeps them.
	if got, err := ParseSaved("config.yaml", b); err != nil || got.Train.Amortise.Schedule != Cosine || got.Train.Amortise.Neighbours != 30 {
		t.Errorf("a saved cosine schedule and 30 neighbours read as %q, %d (%v)", got.Train.Amortise.Schedule, got.Train.Amortise.Neighbours, err)
	}
}
