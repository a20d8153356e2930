package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/jedi-neuro/jedi/internal/par"
)

// addThreads gives every verb the flag --threads N: the number of threads of all parallel work
// (par.SetThreads, which is GOMAXPROCS). The default is the GOMAXPROCS the process started
// with: the CPUs it may use, or the GOMAXPROCS environment variable. Results do not depend on
// it: every parallel sum is taken in a fixed order.
func addThreads(root *cobra.Command) {
	n := root.PersistentFlags().Int("threads", par.Threads(),
		"threads for all parallel work: training, validation, inference and analyses (results do not depend on it)")
	pre := root.PersistentPreRunE
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		if *n < 1 {
			return fmt.Errorf("--threads %d: want at least 1", *n)
		}
		par.SetThreads(*n)
		if pre != nil {
			return pre(cmd, args)
		}
		return nil
	}
}
