package main

import (
	"context"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

type exitCall struct {
	sig os.Signal
	why string
}

// watch runs watchSignals with a fake exit that reports its calls.
func watch(t *testing.T, isGraceful bool, grace time.Duration) (chan os.Signal, <-chan exitCall, context.Context) {
	t.Helper()
	graceful.Store(isGraceful)
	t.Cleanup(func() { graceful.Store(false) })
	sig := make(chan os.Signal, 2)
	exits := make(chan exitCall, 2)
	ctx := watchSignals(sig, grace, func(s os.Signal, why string) { exits <- exitCall{s, why} })
	return sig, exits, ctx
}

// Waits in these tests are generous because CI runs packages side by side on two cores: a
// goroutine may wait long for its turn, and only a missing exit or cancellation is an error.
const patience = 10 * time.Second

func waitExit(t *testing.T, exits <-chan exitCall, within time.Duration) exitCall {
	t.Helper()
	select {
	case e := <-exits:
		return e
	case <-time.After(within):
		t.Fatalf("no exit within %v", within)
	}
	return exitCall{}
}

func TestFirstSignalStopsAVerbThatDoesNotCheckpoint(t *testing.T) {
	sig, exits, ctx := watch(t, false, time.Hour)
	sig <- syscall.SIGTERM
	e := waitExit(t, exits, patience)
	if e.sig != syscall.SIGTERM || ctx.Err() == nil {
		t.Fatalf("exit %v, context error %v", e, ctx.Err())
	}
}

func TestSecondSignalExitsAtOnce(t *testing.T) {
	sig, exits, ctx := watch(t, true, time.Hour)
	sig <- os.Interrupt
	select {
	case <-ctx.Done():
	case <-time.After(patience):
		t.Fatal("the first signal did not cancel the context")
	}
	select {
	case e := <-exits:
		t.Fatalf("a checkpointing verb was exited by the first signal: %v", e)
	default:
	}
	sig <- os.Interrupt
	if e := waitExit(t, exits, patience); !strings.Contains(e.why, "again") {
		t.Fatalf("second signal: %v", e)
	}
}

func TestVerbThatDoesNotStopIsExitedAfterTheGrace(t *testing.T) {
	sig, exits, _ := watch(t, true, 50*time.Millisecond)
	sig <- os.Interrupt
	if e := waitExit(t, exits, patience); !strings.Contains(e.why, "did not stop") {
		t.Fatalf("after the grace: %v", e)
	}
}
