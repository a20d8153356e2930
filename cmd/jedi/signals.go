package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/jedi-neuro/jedi/internal/fsutil"
)

// checkpointing marks verbs that stop cleanly when their context is cancelled (they write a
// checkpoint and return): fit, and the verbs that fit (demo, compare, simulate memorypro).
// Every other verb is stopped at once by the first signal, since its files are written
// atomically and nothing of it needs saving.
const checkpointing = "checkpointing"

// stopGrace is how long a checkpointing verb has to stop after the first signal: a training step
// or a checkpoint write of a large model, but not an analysis that does not watch the context.
const stopGrace = 10 * time.Second

// graceful is set while a checkpointing verb runs.
var graceful atomic.Bool

// markGraceful records, before a verb runs, whether it stops cleanly on cancellation.
func markGraceful(cmd *cobra.Command) {
	graceful.Store(cmd.Annotations[checkpointing] != "")
}

// handleSignals returns a context cancelled by the first SIGINT or SIGTERM. A verb that does not
// checkpoint exits then; a checkpointing verb gets stopGrace to return, and a second signal, or
// the end of the grace, exits at once. Exiting at once removes the temporary files of writes in
// progress, leaving every file as it was before the write (and a run directory resumable from
// its last complete checkpoint).
func handleSignals() context.Context {
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	return watchSignals(sig, stopGrace, exitNow)
}

// watchSignals is handleSignals on the signals received from sig, with exit called to exit.
func watchSignals(sig <-chan os.Signal, grace time.Duration, exit func(s os.Signal, why string)) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		s := <-sig
		cancel()
		if !graceful.Load() {
			exit(s, "interrupted")
			return
		}
		fmt.Fprintf(os.Stderr, "jedi: %v: stopping at the next step and writing a checkpoint (again to exit at once)\n", s)
		select {
		case s = <-sig:
			exit(s, "interrupted again: exiting at once; the last complete checkpoint is kept")
		case <-time.After(grace):
			exit(s, fmt.Sprintf("did not stop within %v: exiting; the last complete checkpoint is kept", grace))
		}
	}()
	return ctx
}

// exitNow exits with the shell's status for a death by signal s (128 + its number).
func exitNow(s os.Signal, why string) {
	fsutil.RemovePending()
	fmt.Fprintln(os.Stderr, "jedi:", why)
	code := 130
	if n, ok := s.(syscall.Signal); ok {
		code = 128 + int(n)
	}
	os.Exit(code)
}
