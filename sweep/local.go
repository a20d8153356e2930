package sweep

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
)

// LocalJobs is how many tasks of CPUs threads each fit side by side on this machine.
func LocalJobs(cpusPerTask int) int {
	return max(1, runtime.NumCPU()/max(cpusPerTask, 1))
}

// Run is the local backend: it runs the sweep in dir on this machine, jobs tasks at a time,
// rung by rung when it halves (each rung's survivors continue from their checkpoints). Tasks
// already done are skipped, so running it again finishes what failed or was interrupted.
// Cancelling ctx lets the running fits write their checkpoints and starts no more.
func Run(ctx context.Context, dir, jedi string, jobs int, log *slog.Logger) error {
	m, err := ReadManifest(dir)
	if err != nil {
		return err
	}
	if jobs < 1 {
		jobs = LocalJobs(m.Resources.CPUs)
	}
	failed := 0
	for r := range m.Rungs {
		tasks, err := WaveTasks(dir, m, r)
		if err != nil {
			return err
		}
		if tasks == nil {
			return fmt.Errorf("rung %d cannot be ranked: a task of it is still recorded as running (see jedi sweep status)", r-1)
		}
		log.Info("rung", "rung", r, "epochs", m.Rungs[r], "tasks", len(tasks), "jobs", jobs)
		work := make(chan int)
		var mu sync.Mutex
		var wg sync.WaitGroup
		done := 0
		for range min(jobs, len(tasks)) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range work {
					st, err := RunTask(ctx, dir, TaskOptions{Jedi: jedi, Rung: r, Index: i, Rank: -1})
					mu.Lock()
					done++
					if err != nil {
						failed++
						log.Error("task failed", "task", i, "err", err)
					} else {
						log.Info("task", "task", i, "state", st.State, "epochs", st.Epochs, "done", fmt.Sprintf("%d/%d", done, len(tasks)))
					}
					mu.Unlock()
				}
			}()
		}
	feed:
		for _, i := range tasks {
			select {
			case work <- i:
			case <-ctx.Done():
				break feed
			}
		}
		close(work)
		wg.Wait()
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("sweep interrupted: run it again to continue (%w)", err)
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d task runs failed; see jedi sweep status %s", failed, dir)
	}
	return nil
}
