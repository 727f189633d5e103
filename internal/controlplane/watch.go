package controlplane

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/croupier-dev/croupier/internal/childproc"
)

// watchPeriod is how often the watch looks for a component that is gone.
const watchPeriod = 250 * time.Millisecond

// component is one envtest-started process: envtest keeps its handle (and
// reaps it), so only its pid is known here.
type component struct {
	name string
	pid  int
}

// childSet is this process's children now, to tell the ones envtest
// starts next from those already there.
func childSet() map[int]bool {
	set := map[int]bool{}
	for _, pid := range childproc.Children() {
		set[pid] = true
	}
	return set
}

// envtestChildren finds etcd and kube-apiserver among the children that
// were not in before; after the die-with-parent wrapper's exec they run
// under their own names.
func envtestChildren(before map[int]bool) []component {
	var found []component
	for _, pid := range childproc.Children() {
		if before[pid] {
			continue
		}
		exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
		if err != nil {
			continue
		}
		if name := filepath.Base(exe); name == Etcd || name == KubeAPIServer {
			found = append(found, component{name: name, pid: pid})
		}
	}
	return found
}

// watch closes cp.died when etcd, kube-apiserver or kube-controller-manager
// exits before Stop. envtest reaps etcd and kube-apiserver itself and
// keeps their exit status, so for those the watch can say that they
// exited, not how; their logs say why.
func (cp *ControlPlane) watch(envtestProcs []component) {
	cp.watchMu.Lock()
	cp.watched = envtestProcs
	cp.watchMu.Unlock()
	var kcmDone <-chan struct{} // nil, so never ready, without one
	if cp.kcm != nil {
		kcmDone = cp.kcm.Done()
	}
	go func() {
		t := time.NewTicker(watchPeriod)
		defer t.Stop()
		for {
			select {
			case <-cp.stopWatch:
				return
			case <-kcmDone:
				cp.die(cp.kcm.ExitError(), KubeControllerManager)
				return
			case <-t.C:
				for _, c := range cp.watchedNow() {
					if errors.Is(syscall.Kill(c.pid, 0), syscall.ESRCH) {
						cp.die(fmt.Errorf("%s (pid %d) exited", c.name, c.pid), c.name)
						return
					}
				}
			}
		}
	}()
}

func (cp *ControlPlane) die(err error, name string) {
	select {
	case <-cp.stopWatch:
		return // stopping: an exit now is expected
	default:
	}
	cp.diedErr = &ComponentError{Component: name, Err: err}
	close(cp.died)
}

// ComponentError is a control plane component that stopped on its own.
type ComponentError struct {
	// Component is etcd, kube-apiserver or kube-controller-manager.
	Component string
	Err       error
}

func (e *ComponentError) Error() string { return e.Err.Error() }

func (e *ComponentError) Unwrap() error { return e.Err }

// Done is closed if etcd, kube-apiserver or kube-controller-manager stops
// on its own; Err then says which.
func (cp *ControlPlane) Done() <-chan struct{} { return cp.died }

// Err describes the component that stopped, once Done is closed.
func (cp *ControlPlane) Err() error {
	<-cp.died
	return cp.diedErr
}

// Pids are the process ids of etcd, kube-apiserver and
// kube-controller-manager, by name, as the watch knows them.
func (cp *ControlPlane) Pids() map[string]int {
	pids := map[string]int{}
	if cp.kcm != nil {
		pids[KubeControllerManager] = cp.kcm.Pid()
	}
	for _, c := range cp.watchedNow() {
		pids[c.name] = c.pid
	}
	return pids
}

// watchedNow is the watched processes; a restart swaps one, and leaves
// it out while it is down.
func (cp *ControlPlane) watchedNow() []component {
	cp.watchMu.Lock()
	defer cp.watchMu.Unlock()
	var out []component
	for _, c := range cp.watched {
		if c.pid != 0 {
			out = append(out, c)
		}
	}
	return out
}
