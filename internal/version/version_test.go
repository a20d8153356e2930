package version

import (
	"runtime"
	"runtime/debug"
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

// The toolchain's stamp wins over the link-time commit; the link-time commit serves when the
// stamp is missing, with "-dirty" read as modified; neither gives no commit.
func TestSources(t *testing.T) {
	stamped := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "aaaaaaaaaaaaaaaa"}, {Key: "vcs.modified", Value: "false"}}}
	bare := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{{Key: "-buildvcs", Value: "false"}}}
	for _, c := range []struct {
		bi                   *debug.BuildInfo
		linked               string
		commit, source, line string
		modified             bool
	}{
		{stamped, "bbbbbbbbbbbbbbbb", "aaaaaaaaaaaaaaaa", "vcs", "commit aaaaaaaaaaaa,", false},
		{bare, "bbbbbbbbbbbbbbbb-dirty", "bbbbbbbbbbbbbbbb", "ldflags", "commit bbbbbbbbbbbb (modified),", true},
		{bare, "cccc", "cccc", "ldflags", "commit cccc,", false},
		{bare, "", "", "", "commit unknown", false},
		{nil, "", "", "", "commit unknown", false},
	} {
		in := get(c.bi, c.linked)
		if in.Commit != c.commit || in.Source != c.source || in.Modified != c.modified || !strings.Contains(in.String(), c.line) {
			t.Errorf("get(%v, %q) = %+v (%q); want commit %q from %q, modified %v, %q", c.bi != nil, c.linked, in, in.String(), c.commit, c.source, c.modified, c.line)
		}
	}
}
