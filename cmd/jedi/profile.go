package main

import (
	"fmt"
	"os"
	"runtime/pprof"

	"github.com/spf13/cobra"
)

// addProfiling gives every verb of root the flag --cpuprofile FILE, which writes a CPU profile
// of the command for `go tool pprof`. A fit labels its samples by phase (train, validate,
// checkpoint): `go tool pprof -tags FILE` shows where its time goes. The profile is written
// when the verb succeeds (cobra runs no post-run hook after an error).
func addProfiling(root *cobra.Command) {
	var path string
	var file *os.File
	root.PersistentFlags().StringVar(&path, "cpuprofile", "", "write a CPU profile of the command to `FILE` (go tool pprof FILE)")
	pre := root.PersistentPreRun
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		if pre != nil {
			pre(cmd, args)
		}
		if path == "" {
			return nil
		}
		var err error
		if file, err = os.Create(path); err != nil {
			return fmt.Errorf("--cpuprofile: %w", err)
		}
		return pprof.StartCPUProfile(file)
	}
	root.PersistentPostRunE = func(cmd *cobra.Command, args []string) error {
		if file == nil {
			return nil
		}
		pprof.StopCPUProfile()
		return file.Close()
	}
}
