package par

import (
	"slices"
	"testing"
)

func TestForCoversEachIndexOnce(t *testing.T) {
	for _, nw := range []int{1, 3, 8} {
		for _, n := range []int{0, 1, 5, 100} {
			hits := make([]int, n)
			busy := make([]bool, nw)
			For(nw, n, func(w, i int) {
				if busy[w] {
					t.Errorf("nw %d, n %d: worker %d used by two goroutines at once", nw, n, w)
				}
				busy[w] = true
				hits[i]++
				busy[w] = false
			})
			if want := slices.Repeat([]int{1}, n); !slices.Equal(hits, want) {
				t.Errorf("nw %d, n %d: indices hit %v times", nw, n, hits)
			}
		}
	}
}

func TestSetThreads(t *testing.T) {
	prev := SetThreads(5)
	defer SetThreads(prev)
	if got := Threads(); got != 5 {
		t.Fatalf("Threads() = %d after SetThreads(5)", got)
	}
	if got := SetThreads(0); got != 5 || Threads() != 5 {
		t.Fatalf("SetThreads(0) returned %d and left %d, want 5 and unchanged", got, Threads())
	}
}

// Chunks cuts by the size alone: the same chunks, each once, on any number of goroutines.
func TestChunks(t *testing.T) {
	for _, nw := range []int{1, 4} {
		var got [][3]int
		ch := make(chan [3]int, 10)
		Chunks(nw, 10, 4, func(i, lo, hi int) { ch <- [3]int{i, lo, hi} })
		close(ch)
		for c := range ch {
			got = append(got, c)
		}
		slices.SortFunc(got, func(a, b [3]int) int { return a[0] - b[0] })
		if want := [][3]int{{0, 0, 4}, {1, 4, 8}, {2, 8, 10}}; !slices.Equal(got, want) {
			t.Errorf("%d goroutines: chunks %v, want %v", nw, got, want)
		}
	}
}
