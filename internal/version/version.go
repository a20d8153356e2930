// Package version says which build of jedi is running: the module version and the commit the
// binary was built from. Reports and exports record it so that a result can be traced to the
// code that made it.
//
// The commit comes from one of two places, never from git at run time:
//
//   - the Go toolchain's VCS stamp (runtime/debug.ReadBuildInfo), which `go build` and
//     `go install` write when they run in a git checkout with -buildvcs on (the default; this
//     is also what records uncommitted changes as "modified");
//
//   - failing that, the variable Commit, set at link time for builds without the stamp
//     (GOFLAGS=-buildvcs=false, a source tarball, a build system that copies the tree):
//
//     go build -ldflags "-X github.com/jedi-neuro/jedi/internal/version.Commit=$(git rev-parse HEAD)" ./cmd/jedi
//
// A build with neither says "commit unknown".
package version

import (
	"runtime"
	"runtime/debug"
	"strings"
)

// Commit is the commit the binary was built from, set with -ldflags "-X …/version.Commit=SHA"
// where the toolchain does not stamp it. A value that ends in "-dirty" (the convention of
// `git describe --dirty`) marks uncommitted changes.
var Commit string

// Info is what the build says about itself.
type Info struct {
	// Module is the module version: "v1.2.3" when installed with `go install …@v1.2.3`,
	// "(devel)" when built from a checkout.
	Module string `json:"module"`
	// Commit is the VCS revision and Modified whether the working tree had changes; both are
	// empty when neither the toolchain nor the link flags stamped them (go run, go test,
	// -buildvcs=false without -ldflags).
	Commit   string `json:"commit,omitempty"`
	Time     string `json:"commit_time,omitempty"`
	Modified bool   `json:"modified,omitempty"`
	// Source says where Commit came from: "vcs" (the toolchain's stamp) or "ldflags".
	Source string `json:"commit_source,omitempty"`
	Go     string `json:"go"`
}

// Get returns the running binary's Info.
func Get() Info {
	bi, _ := debug.ReadBuildInfo()
	return get(bi, Commit)
}

// get reads the toolchain's stamp from bi (nil: none) and falls back to the link-time commit.
func get(bi *debug.BuildInfo, linked string) Info {
	in := Info{Module: "(unknown)", Go: runtime.Version()}
	if bi != nil {
		if bi.Main.Version != "" {
			in.Module = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				in.Commit, in.Source = s.Value, "vcs"
			case "vcs.time":
				in.Time = s.Value
			case "vcs.modified":
				in.Modified = s.Value == "true"
			}
		}
	}
	if in.Commit == "" && linked != "" {
		in.Commit, in.Source = strings.TrimSuffix(linked, "-dirty"), "ldflags"
		in.Modified = strings.HasSuffix(linked, "-dirty")
	}
	return in
}

// String is the one line `jedi --version` prints, e.g.
// "(devel), commit 218e445c3a1f (modified), go1.26.0".
func (in Info) String() string {
	parts := []string{in.Module}
	if in.Commit != "" {
		c := "commit " + in.Commit[:min(12, len(in.Commit))]
		if in.Modified {
			c += " (modified)"
		}
		parts = append(parts, c)
	} else {
		parts = append(parts, "commit unknown (built without the commit: README.md says how to build with it)")
	}
	parts = append(parts, in.Go)
	return strings.Join(parts, ", ")
}
