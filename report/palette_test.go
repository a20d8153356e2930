package report

import (
	"slices"
	"testing"
)

// TestPaletteOneColourPerValue checks that a value's colour depends on the palette only, not
// on the order or the subset of values a figure shows, and that the nil palette orders values
// naturally.
func TestPaletteOneColourPerValue(t *testing.T) {
	pal := NewPalette([]string{"sine", "square", "bursts"})
	for i, v := range []string{"sine", "square", "bursts"} {
		if got, want := pal.Color(v), Categorical(i); got != want {
			t.Errorf("Color(%q) = %v, want %v", v, got, want)
		}
	}
	// A figure showing bursts first, and only two values, keeps the colours and the order.
	if got := pal.Order([]string{"bursts", "bursts", "sine"}); !slices.Equal(got, []string{"sine", "bursts"}) {
		t.Errorf("Order = %q, want [sine bursts]", got)
	}
	if got := pal.extend([]string{"bursts"}).Color("bursts"); got != Categorical(2) {
		t.Errorf("extended palette: bursts %v, want %v", got, Categorical(2))
	}
	// Unknown values come after the known ones, in natural order.
	if got := pal.Order([]string{"zeta", "10", "2", "sine"}); !slices.Equal(got, []string{"sine", "2", "10", "zeta"}) {
		t.Errorf("Order with unknown values = %q", got)
	}
	if got := pal.Color("2"); got != Categorical(3) {
		t.Errorf("unknown value 2: %v, want %v", got, Categorical(3))
	}
	var none *Palette
	if got := none.Order([]string{"10", "b", "2", "a", "-1.5"}); !slices.Equal(got, []string{"-1.5", "2", "10", "a", "b"}) {
		t.Errorf("nil palette order = %q", got)
	}
	if none.Color("10") != none.extend([]string{"10"}).Color("10") || none.Color("a") != Categorical(0) {
		t.Error("nil palette: a lone value takes the first colour")
	}
}
