// Package version says which build of jedi is running: the module version and the commit the
// Go toolchain stamped into the binary (runtime/debug.ReadBuildInfo). Reports and exports
// record it so that a result can be traced to the code that made it.
package version

import (
	"runtime"
	"runtime/debug"
	"strings"
)

// Info is what the build says about itself.
type Info struct {
	// Module is the module version: "v1.2.3" when installed with `go install …@v1.2.3`,
	// "(devel)" when built from a checkout.
	Module string `json:"module"`
	// Commit is the VCS revision and Modified whether the working tree had changes; both are
	// empty when the toolchain did not stamp them (go run, go test, -buildvcs=false).
	Commit   string `json:"commit,omitempty"`
	Time     string `json:"commit_time,omitempty"`
	Modified bool   `json:"modified,omitempty"`
	Go       string `json:"go"`
}

// Get returns the running binary's Info.
func Get() Info {
	in := Info{Module: "(unknown)", Go: runtime.Version()}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return in
	}
	if bi.Main.Version != "" {
		in.Module = bi.Main.Version
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			in.Commit = s.Value
		case "vcs.time":
			in.Time = s.Value
		case "vcs.modified":
			in.Modified = s.Value == "true"
		}
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
		parts = append(parts, "commit unknown (built without VCS stamping, e.g. go run)")
	}
	parts = append(parts, in.Go)
	return strings.Join(parts, ", ")
}
