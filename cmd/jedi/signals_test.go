package main

import (
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
func watch(t *testing.T, isGraceful bool, grace time.Duration) (chan os.Signal, <-chan exitCall, func() bool) {
	t.Helper()
	graceful.Store(isGraceful)
	t.Cleanup(func() { graceful.Store(false) })
	sig := make(chan os.Signal, 2)
	exits := make(chan exitCall, 2)
	ctx := watchSignals(sig, grace, func(s os.Signal, why string) { exits <- exitCall{s, why} })
	return sig, exits, func() bool { return ctx.Err() != nil }
}

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
	sig, exits, cancelled := watch(t, false, time.Hour)
	sig <- syscall.SIGTERM
	e := waitExit(t, exits, time.Second)
	if e.sig != syscall.SIGTERM || !cancelled() {
		t.Fatalf("exit %v, context cancelled %v", e, cancelled())
	}
}

func TestSecondSignalExitsAtOnce(t *testing.T) {
	sig, exits, cancelled := watch(t, true, time.Hour)
	sig <- os.Interrupt
	time.Sleep(20 * time.Millisecond)
	if !cancelled() {
		t.Fatal("the first signal did not cancel the context")
	}
	select {
	case e := <-exits:
		t.Fatalf("a checkpointing verb was exited by the first signal: %v", e)
	default:
	}
	sig <- os.Interrupt
	if e := waitExit(t, exits, time.Second); !strings.Contains(e.why, "again") {
		t.Fatalf("second signal: %v", e)
	}
}

func TestVerbThatDoesNotStopIsExitedAfterTheGrace(t *testing.T) {
	sig, exits, _ := watch(t, true, 50*time.Millisecond)
	sig <- os.Interrupt
	if e := waitExit(t, exits, time.Second); !strings.Contains(e.why, "did not stop") {
		t.Fatalf("after the grace: %v", e)
	}
}
