package sim

import "testing"

// BenchmarkMultitaskDefault generates the default multi-task dataset (300 trials).
func BenchmarkMultitaskDefault(b *testing.B) {
	for b.Loop() {
		if _, err := Multitask(DefaultMultitask(), 1); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSinusoidDefault generates the default sinusoid dataset (200 trials).
func BenchmarkSinusoidDefault(b *testing.B) {
	for b.Loop() {
		if _, err := Sinusoid(DefaultSinusoid(), 1); err != nil {
			b.Fatal(err)
		}
	}
}
