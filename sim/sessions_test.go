package sim

import (
	"math"
	"slices"
	"strconv"
	"testing"

	"github.com/jedi-neuro/jedi/data"
)

func TestSplitSessions(t *testing.T) {
	full := data.New(30, 5, 8, 0.01)
	for i := range full.Activity {
		full.Activity[i] = math.Sin(float64(i))
	}
	full.Lengths[3] = 2
	task := make([]string, full.S)
	for s := range task {
		task[s] = strconv.Itoa(s % 3)
	}
	full.Labels["task"] = data.Label{Kind: data.IntLabel, Values: task}
	cfg := SessionsConfig{Sessions: 4, MinNeurons: 1, MaxNeurons: 3, GainMin: 0.5, GainMax: 2, OffsetStd: 0.3}
	d, err := SplitSessions(full, cfg, 7)
	if err != nil {
		t.Fatal(err)
	}
	unit, gain, off, ses := d.Extra["session_unit"].Data, d.Extra["session_gain"].Data, d.Extra["session_offset"].Data, d.Extra["session_of_neuron"].Data
	if len(unit) != d.M || d.M < 4 || d.M > 12 {
		t.Fatalf("%d neurons (%d units recorded), want 4..12", d.M, len(unit))
	}
	names, of, err := d.Sessions()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(names, []string{"0", "1", "2", "3"}) {
		t.Fatalf("sessions %v", names)
	}
	count := make([]int, 4)
	for s := range d.S {
		k := of[s]
		count[k]++
		if d.Labels["task"].Values[s] != task[s] || d.Lengths[s] != full.Lengths[s] {
			t.Fatalf("segment %d: labels or length not full's", s)
		}
		for j := range d.M {
			own := int(ses[j]) == k
			if d.IsObserved(s, j) != own {
				t.Fatalf("segment %d (session %d) neuron %d (session %v): observed %v", s, k, j, ses[j], d.IsObserved(s, j))
			}
			if !own {
				continue
			}
			for tt := range d.Lengths[s] {
				want := gain[j]*full.Activity[(s*full.T+tt)*full.M+int(unit[j])] + off[j]
				if got := d.Activity[(s*d.T+tt)*d.M+j]; math.Abs(got-want) > 1e-15 {
					t.Fatalf("activity[%d,%d,%d] = %v, want %v", s, tt, j, got, want)
				}
			}
		}
	}
	for k, n := range count {
		if n < 7 || n > 8 {
			t.Errorf("session %d has %d segments, want 7 or 8 of 30", k, n)
		}
	}
	for j, g := range gain {
		if g < 0.5 || g > 2 {
			t.Errorf("gain[%d] = %v outside [0.5, 2]", j, g)
		}
	}
	again, _ := SplitSessions(full, cfg, 7)
	if !slices.Equal(again.Activity, d.Activity) {
		t.Error("the same seed gave other sessions")
	}
	other, _ := SplitSessions(full, cfg, 8)
	if slices.Equal(other.Observed, d.Observed) {
		t.Error("another seed gave the same sessions")
	}
	// Shared units: one neuron per distinct unit, observed by every session that drew it.
	cfg.SharedUnits = true
	sh, err := SplitSessions(full, cfg, 7)
	if err != nil {
		t.Fatal(err)
	}
	su := sh.Extra["session_unit"].Data
	seen := map[float64]bool{}
	for _, u := range su {
		if seen[u] {
			t.Fatalf("unit %v is two neurons with shared units", u)
		}
		seen[u] = true
	}
	_, shOf, _ := sh.Sessions()
	for s := range sh.S {
		for j := range sh.M {
			if !sh.IsObserved(s, j) {
				continue
			}
			for tt := range sh.Lengths[s] {
				want := sh.Extra["session_gain"].Data[j]*full.Activity[(s*full.T+tt)*full.M+int(su[j])] + sh.Extra["session_offset"].Data[j]
				if got := sh.Activity[(s*sh.T+tt)*sh.M+j]; math.Abs(got-want) > 1e-15 {
					t.Fatalf("shared: activity[%d,%d,%d] = %v, want %v", s, tt, j, got, want)
				}
			}
		}
		if of[s] != shOf[s] {
			t.Fatalf("segment %d in session %d, %d with shared units", s, of[s], shOf[s])
		}
	}
	if len(su) > len(unit) || !slices.Equal(sh.Labels[data.SessionLabel].Values, d.Labels[data.SessionLabel].Values) {
		t.Errorf("shared units: %d neurons (disjoint: %d), or other sessions", len(su), len(unit))
	}
	cfg.SharedUnits = false
	cfg.MaxNeurons = 9
	if _, err := SplitSessions(full, cfg, 7); err == nil {
		t.Error("more neurons per session than units accepted")
	}
}
