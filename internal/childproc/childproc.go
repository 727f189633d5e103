// Package childproc starts helper processes (redis-server, the control
// plane, the operator) so that none of them outlives the process that
// started it: each runs in its own process group, is signalled as a
// group, and dies with its parent. The local platform and the test
// harnesses both start their children through it.
package childproc

import (
	"errors"
	"fmt"
	"io"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// Spec describes one process to start.
type Spec struct {
	Name string   // shown in errors
	Argv []string // Argv[0] is the program
	Env  []string // nil means the parent's environment
	Dir  string
	Out  io.Writer // stdout and stderr; nil discards
}

// Process is a started child. Its zero value is not usable.
type Process struct {
	name string
	cmd  *exec.Cmd
	done chan struct{}

	mu      sync.Mutex
	err     error
	stopped bool
}

// Start launches spec in a new process group. The child receives SIGKILL
// if this process dies first, so an abrupt exit leaks nothing either.
func Start(spec Spec) (*Process, error) {
	if len(spec.Argv) == 0 {
		return nil, fmt.Errorf("%s: empty command line", spec.Name)
	}
	cmd := exec.Command(spec.Argv[0], spec.Argv[1:]...)
	cmd.Env = spec.Env
	cmd.Dir = spec.Dir
	cmd.Stdout = spec.Out
	cmd.Stderr = spec.Out
	cmd.SysProcAttr = groupDyingWithParent()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", spec.Name, err)
	}
	p := &Process{name: spec.Name, cmd: cmd, done: make(chan struct{})}
	go p.wait()
	return p, nil
}

func (p *Process) wait() {
	err := p.cmd.Wait()
	// Grandchildren left in the group must not survive their parent.
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	p.mu.Lock()
	p.err = err
	p.mu.Unlock()
	close(p.done)
}

// Pid is the child's process id (also its process group id).
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Done is closed once the child has exited and been reaped.
func (p *Process) Done() <-chan struct{} { return p.done }

// Err is the exit error once Done is closed: nil for exit status 0.
func (p *Process) Err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// ExitCode is the child's exit status, waiting for it to exit; a child
// ended by a signal reports 128+signal, as a shell (and the kubelet) would.
func (p *Process) ExitCode() int {
	<-p.done
	if ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return p.cmd.ProcessState.ExitCode()
}

// Stopped reports whether Stop was called, which tells an expected exit
// from a crash.
func (p *Process) Stopped() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stopped
}

// Stop sends SIGTERM to the child's group, waits up to grace, then sends
// SIGKILL; it returns once the child is reaped. Calling it again is safe.
func (p *Process) Stop(grace time.Duration) {
	p.mu.Lock()
	p.stopped = true
	p.mu.Unlock()
	select {
	case <-p.done:
		return
	default:
	}
	_ = syscall.Kill(-p.Pid(), syscall.SIGTERM)
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-p.done:
	case <-t.C:
		_ = syscall.Kill(-p.Pid(), syscall.SIGKILL)
		<-p.done
	}
}

// Kill sends SIGKILL to the child's group at once, as a crash would end
// it, and returns once the child is reaped.
func (p *Process) Kill() {
	p.mu.Lock()
	p.stopped = true
	p.mu.Unlock()
	_ = syscall.Kill(-p.Pid(), syscall.SIGKILL)
	<-p.done
}

// ExitError describes how the child ended, for messages shown to a user.
func (p *Process) ExitError() error {
	<-p.done
	err := p.Err()
	if err == nil {
		// A role that handles SIGTERM exits 0; say so, so a line about an
		// unexpected exit always names the status.
		return fmt.Errorf("%s exited: exit status 0", p.name)
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return fmt.Errorf("%s exited: %s", p.name, ee.ProcessState.String())
	}
	return fmt.Errorf("%s: %w", p.name, err)
}
