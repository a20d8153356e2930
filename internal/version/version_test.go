package version

import (
	"runtime"
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	in := Info{Module: "v1.2.3", Commit: "0123456789abcdef0123", Modified: true, Go: "go1.26.0"}
	if got, want := in.String(), "v1.2.3, commit 0123456789ab (modified), go1.26.0"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	g := Get()
	if g.Go != runtime.Version() || g.Module == "" {
		t.Errorf("Get() = %+v", g)
	}
	if g.Commit == "" && !strings.Contains(g.String(), "commit unknown") {
		t.Errorf("an unstamped build must say so: %q", g.String())
	}
}
