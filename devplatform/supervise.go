package devplatform

import (
	"context"
	"sync"
	"time"

	"github.com/go-logr/logr"

	"github.com/croupier-dev/croupier/internal/childproc"
)

// Restart back-off of a supervised child: it doubles from the first to the
// last, and starts over once the child has run for stableRun.
const (
	firstBackoff = time.Second
	lastBackoff  = 30 * time.Second
	stableRun    = time.Minute
)

// child is a process the platform keeps running: the operator, and any
// other role run as a child of `croupier dev`.
type child struct {
	// name is shown in the log lines and names the log file.
	name string
	// start launches the child and returns once it serves, or fails if it
	// exits (or does not become ready) first.
	start func(ctx context.Context) (*childproc.Process, error)
}

// supervisor keeps one child running: when it exits it says how, waits
// the back-off and starts it again, until stop.
type supervisor struct {
	child child
	log   logr.Logger
	// logPath is the child's log, named in the line of each exit.
	logPath string

	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}

	mu       sync.Mutex
	proc     *childproc.Process
	restarts int
}

// supervise starts c and keeps it running in the background. The first
// start is not retried: a child that cannot start on a fresh platform
// (bad flags, say) is an error to show, not to hide behind restarts.
func supervise(ctx context.Context, c child, log logr.Logger, logPath string) (*supervisor, error) {
	proc, err := c.start(ctx)
	if err != nil {
		return nil, err
	}
	s := &supervisor{child: c, log: log, logPath: logPath, proc: proc, done: make(chan struct{})}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	go s.run(proc)
	return s, nil
}

func (s *supervisor) run(proc *childproc.Process) {
	defer close(s.done)
	var backoff time.Duration
	started := time.Now()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-proc.Done():
		}
		if s.ctx.Err() != nil {
			return // stopped on purpose
		}
		backoff = nextBackoff(backoff, time.Since(started))
		s.mu.Lock()
		s.restarts++
		n := s.restarts
		s.mu.Unlock()
		s.log.Info(proc.ExitError().Error()+"; restarting it", "in", backoff, "restart", n, "log", s.logPath)
		for {
			select {
			case <-s.ctx.Done():
				return
			case <-time.After(backoff):
			}
			started = time.Now()
			next, err := s.child.start(s.ctx)
			if err == nil {
				s.mu.Lock()
				s.proc = next
				s.mu.Unlock()
				s.log.Info(s.child.name+" restarted", "pid", next.Pid(), "restart", n)
				proc = next
				break
			}
			if s.ctx.Err() != nil {
				return
			}
			backoff = nextBackoff(backoff, 0)
			s.log.Error(err, "restart "+s.child.name+" failed; trying again", "in", backoff, "log", s.logPath)
		}
	}
}

// nextBackoff is the wait before the next start: firstBackoff the first
// time, then double the last one up to lastBackoff; firstBackoff again
// after a run of stableRun, so a child that crashes once a day is not
// punished for yesterday's crash.
func nextBackoff(last, ran time.Duration) time.Duration {
	if last == 0 || ran >= stableRun {
		return firstBackoff
	}
	return min(2*last, lastBackoff)
}

// current is the running process (or the last one, between restarts).
func (s *supervisor) current() *childproc.Process {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.proc
}

// stop ends the supervision and stops the child.
func (s *supervisor) stop(grace time.Duration) {
	s.cancel()
	<-s.done
	s.current().Stop(grace)
}
