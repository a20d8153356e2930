package bench

import (
	"math"
	"testing"
)

func TestStepLowersLoss(t *testing.T) {
	st, err := NewStepper(Sizes["small"])
	if err != nil {
		t.Fatal(err)
	}
	first, err := st.Step()
	if err != nil {
		t.Fatal(err)
	}
	var last float64
	for range 20 {
		if last, err = st.Step(); err != nil {
			t.Fatal(err)
		}
	}
	// Random targets: the readout bias alone can remove part of the loss; a step that
	// did not train would leave it unchanged.
	if !(last < first) || math.IsNaN(last) {
		t.Fatalf("loss %g after 20 steps, %g at first", last, first)
	}
}

// BenchmarkStep times one training step per size: go test -bench Step -run ^$ ./bench/
func BenchmarkStep(b *testing.B) {
	for _, name := range []string{"small", "large"} {
		b.Run(name, func(b *testing.B) {
			s := Sizes[name]
			st, err := NewStepper(s)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := st.Step(); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := st.Step(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(s.FLOPs()*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
