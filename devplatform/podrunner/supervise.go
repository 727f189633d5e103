package podrunner

import (
	"context"
	"os"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/croupier-dev/croupier/internal/childproc"
)

// Restart back-off: shorter than the kubelet's (10s doubling to 5m) so a
// local crash loop stays easy to watch, and reset after a healthy run.
const (
	firstBackoff = time.Second
	maxBackoff   = 30 * time.Second
	healthyRun   = time.Minute
)

// restartDelay is the wait before restarting a process that ran for ran,
// given the back-off so far, and the back-off after it: doubling up to
// maxBackoff, back to firstBackoff after a healthy run (docs/LOCAL.md).
func restartDelay(backoff, ran time.Duration) (delay, next time.Duration) {
	if ran > healthyRun {
		backoff = firstBackoff
	}
	return backoff, min(2*backoff, maxBackoff)
}

// publish writes the pod's first Running status and starts supervising
// its process.
func (gp *gamePod) publish(ctx context.Context, r *Runner) error {
	gp.mu.Lock()
	err := r.writeStatus(ctx, gp.uid, gp.key, gp.obs)
	gp.statusBehind = err != nil
	gp.mu.Unlock()
	r.wg.Go(func() { r.supervise(gp) })
	return err
}

// supervise follows the process through its runs: probes each run,
// restarts it when the pod's restart policy says so, and reports the final
// phase (Succeeded for exit status 0, Failed otherwise) when it does not.
func (r *Runner) supervise(gp *gamePod) {
	finished, synced := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(synced)
		r.syncVolumes(gp, finished)
	}()
	retried := make(chan struct{})
	go func() {
		defer close(retried)
		r.retryStatus(gp, finished)
	}()
	defer func() {
		close(finished)
		<-synced
		<-retried
		gp.cleanup(r)
	}()
	backoff := firstBackoff
	for {
		gp.mu.Lock()
		proc, startedAt := gp.proc, gp.obs.startedAt.Time
		gp.mu.Unlock()
		probeCtx, stopProbes := context.WithCancel(context.Background())
		r.wg.Go(func() { r.probe(probeCtx, gp, proc) })
		<-proc.Done()
		stopProbes()
		code := int32(proc.ExitCode())
		delay := time.Duration(0)
		if restarts(gp.policy, code) {
			delay, backoff = restartDelay(backoff, time.Since(startedAt))
		}
		if !r.recordExit(gp, code, delay) || delay == 0 {
			return
		}
		select {
		case <-gp.term:
			return
		case <-time.After(delay):
		}
		if !r.restart(gp) {
			return
		}
	}
}

// syncVolumes keeps the pod's Secret and ConfigMap volumes current until
// finished is closed, as the kubelet does.
func (r *Runner) syncVolumes(gp *gamePod, finished <-chan struct{}) {
	if len(gp.volumes) == 0 {
		return
	}
	t := time.NewTicker(r.opts.VolumeSyncPeriod)
	defer t.Stop()
	for {
		select {
		case <-finished:
			return
		case <-t.C:
		}
		for _, v := range gp.volumes {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			if err := v.sync(ctx, r.api, gp.key.Namespace); err != nil {
				r.opts.Log.Error(err, "refresh volume; the pod keeps the previous content", "pod", gp.key, "volume", v.spec.Name)
			}
			cancel()
		}
	}
}

func restarts(policy corev1.RestartPolicy, code int32) bool {
	return policy == corev1.RestartPolicyAlways || (policy == corev1.RestartPolicyOnFailure && code != 0)
}

// recordExit reports an exit the runner did not cause; it returns false
// when the runner is stopping the pod itself.
func (r *Runner) recordExit(gp *gamePod, code int32, restartAfter time.Duration) bool {
	gp.mu.Lock()
	defer gp.mu.Unlock()
	if gp.terminating {
		return false
	}
	gp.obs.ended(code, metav1.Now(), restartAfter)
	if restartAfter > 0 {
		r.opts.Log.Info("pod process exited, restarting", "pod", gp.key, "exitCode", code, "in", restartAfter, "log", gp.logPath)
	} else {
		r.opts.Log.Info("pod process exited", "pod", gp.key, "exitCode", code, "log", gp.logPath)
	}
	r.writeStatusLocked(gp)
	return true
}

func (r *Runner) restart(gp *gamePod) bool {
	gp.mu.Lock()
	defer gp.mu.Unlock()
	if gp.terminating {
		return false
	}
	if err := gp.spawn(r); err != nil {
		r.opts.Log.Error(err, "restart pod process", "pod", gp.key)
		gp.obs.ended(gp.obs.last.ExitCode, metav1.Now(), 0)
		r.writeStatusLocked(gp)
		return false
	}
	r.opts.Log.Info("pod process restarted", "pod", gp.key, "pid", gp.proc.Pid(), "restarts", gp.obs.restarts)
	r.writeStatusLocked(gp)
	return true
}

// probe runs one process's probes as the kubelet does: the startup probe
// first, then liveness (a failure kills the process, and its restart
// policy decides what follows) and readiness.
func (r *Runner) probe(ctx context.Context, gp *gamePod, proc *childproc.Process) {
	kill := func(why string) {
		r.opts.Log.Info(why+", stopping the process", "pod", gp.key, "pid", proc.Pid())
		r.wg.Go(func() { proc.Stop(r.opts.MaxGracePeriod) })
	}
	if p := gp.probes.startup; p != nil {
		passed := false
		p.run(ctx, nil, func(ok bool) bool {
			passed = ok
			return true
		})
		if !passed {
			if ctx.Err() == nil {
				kill("startup probe failed")
			}
			return
		}
	}
	r.update(gp, proc, func(o *observed) { o.started = true; o.ready = gp.probes.readiness == nil })
	if p := gp.probes.liveness; p != nil {
		r.wg.Go(func() {
			p.run(ctx, ptrTo(true), func(bool) bool {
				kill("liveness probe failed")
				return true
			})
		})
	}
	if p := gp.probes.readiness; p != nil {
		p.run(ctx, ptrTo(false), func(ok bool) bool {
			r.opts.Log.Info("pod readiness changed", "pod", gp.key, "ready", ok)
			r.update(gp, proc, func(o *observed) { o.ready = ok })
			return false
		})
	}
}

func ptrTo[T any](v T) *T { return &v }

// update changes what was observed of the current run of proc and writes
// the status; a late result about an earlier run is dropped.
func (r *Runner) update(gp *gamePod, proc *childproc.Process, change func(*observed)) {
	gp.mu.Lock()
	defer gp.mu.Unlock()
	if gp.terminating || gp.proc != proc || gp.obs.exited || gp.obs.backoff > 0 {
		return
	}
	before := gp.obs
	change(&gp.obs)
	if before.started != gp.obs.started || before.ready != gp.obs.ready {
		r.writeStatusLocked(gp)
	}
}

// writeStatusLocked writes gp's status; holding gp.mu keeps the writes of
// one pod in order. A write that fails is retried by retryStatus, and
// logged once until one succeeds.
func (r *Runner) writeStatusLocked(gp *gamePod) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := r.writeStatus(ctx, gp.uid, gp.key, gp.obs)
	switch {
	case err != nil && !gp.statusBehind:
		r.opts.Log.Error(err, "write pod status; retrying every second", "pod", gp.key)
	case err == nil && gp.statusBehind:
		r.opts.Log.Info("pod status written after failed writes", "pod", gp.key)
	}
	gp.statusBehind = err != nil
}

// statusRetryEvery: how often a status the API server refused, or did
// not answer, is written again. Without it a pod that became ready while
// the API server was restarting would stay not ready there for good,
// since the runner writes on a change only.
const statusRetryEvery = time.Second

// finalStatusRetry bounds the retries of a finished pod's last status
// (Succeeded or Failed), which hold back the pod's cleanup.
const finalStatusRetry = time.Minute

// retryStatus writes gp's status again while the last write failed: while
// the pod runs, and once finished is closed, until its last status is
// written or finalStatusRetry has passed. A pod being stopped is not
// retried: it is being deleted.
func (r *Runner) retryStatus(gp *gamePod, finished <-chan struct{}) {
	t := time.NewTicker(statusRetryEvery)
	defer t.Stop()
	var giveUp <-chan time.Time
	for {
		select {
		case <-finished:
			finished, giveUp = nil, time.After(finalStatusRetry)
		case <-giveUp:
			return
		case <-t.C:
		}
		gp.mu.Lock()
		if gp.statusBehind && !gp.terminating {
			r.writeStatusLocked(gp)
		}
		behind := gp.statusBehind && !gp.terminating
		gp.mu.Unlock()
		if finished == nil && !behind {
			return
		}
	}
}

// markTerminating records that the runner itself is stopping the pod; it
// reports false if that was already the case.
func (gp *gamePod) markTerminating() bool {
	gp.mu.Lock()
	defer gp.mu.Unlock()
	if gp.terminating {
		return false
	}
	gp.terminating = true
	close(gp.term)
	return true
}

// stop stops the current process; no restart follows.
func (gp *gamePod) stop(grace time.Duration) {
	gp.markTerminating()
	gp.mu.Lock()
	proc := gp.proc
	gp.mu.Unlock()
	proc.Stop(grace)
}

// pid is the current process's id, for messages.
func (gp *gamePod) pid() int {
	gp.mu.Lock()
	defer gp.mu.Unlock()
	return gp.proc.Pid()
}

// cleanup returns the pod's address and deletes its copies of Secrets.
func (gp *gamePod) cleanup(r *Runner) {
	if gp.dir != "" {
		_ = os.RemoveAll(gp.dir)
	}
	if gp.ip.IsValid() {
		r.pool.release(gp.ip)
	}
}
