package controlplane

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"syscall"
	"time"

	"k8s.io/client-go/rest"

	"github.com/croupier-dev/croupier/internal/childproc"
)

// RestartAPIServer stops kube-apiserver (SIGTERM, as a rolling restart of
// the control plane does) and starts it again with the same flags,
// certificates and port, then waits until it is ready. etcd keeps every
// object, so clients that retry see an outage, not a new cluster. The
// watch (Done) does not count the planned exit.
func (cp *ControlPlane) RestartAPIServer(ctx context.Context) error {
	cp.watchMu.Lock()
	idx := -1
	for i, c := range cp.watched {
		if c.name == KubeAPIServer {
			idx = i
		}
	}
	if idx < 0 || cp.watched[idx].pid == 0 {
		cp.watchMu.Unlock()
		return errors.New("restart kube-apiserver: it is not running")
	}
	pid := cp.watched[idx].pid
	cp.watched[idx].pid = 0
	old := cp.restarted
	cp.watchMu.Unlock()

	argv, err := procStrings(pid, "cmdline")
	if err != nil {
		return fmt.Errorf("restart kube-apiserver: %w", err)
	}
	env, err := procStrings(pid, "environ")
	if err != nil {
		return fmt.Errorf("restart kube-apiserver: %w", err)
	}
	if old != nil {
		old.Stop(20 * time.Second)
	} else if err := stopPid(ctx, pid, 20*time.Second); err != nil {
		return fmt.Errorf("restart kube-apiserver: %w", err)
	}
	var out io.Writer
	if cp.logs != nil {
		out = cp.logs(KubeAPIServer)
	}
	proc, err := childproc.Start(childproc.Spec{Name: KubeAPIServer, Argv: argv, Env: env, Out: out})
	if err != nil {
		return fmt.Errorf("restart kube-apiserver: %w", err)
	}
	cp.watchMu.Lock()
	cp.restarted = proc
	cp.watched[idx].pid = proc.Pid()
	cp.watchMu.Unlock()
	return waitReady(ctx, cp.env.Config, proc)
}

// procStrings reads a NUL-separated /proc file of a child: its command
// line or environment.
func procStrings(pid int, file string) ([]string, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/%s", pid, file))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range bytes.Split(bytes.TrimRight(b, "\x00"), []byte{0}) {
		out = append(out, string(f))
	}
	return out, nil
}

// stopPid ends a process envtest started (and reaps): SIGTERM, then
// SIGKILL after grace.
func stopPid(ctx context.Context, pid int, grace time.Duration) error {
	_ = syscall.Kill(pid, syscall.SIGTERM)
	deadline := time.Now().Add(grace)
	for !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) {
		if time.Now().After(deadline) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			deadline = time.Now().Add(grace)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	return nil
}

// waitReady polls /readyz with the admin credentials until it answers 200.
func waitReady(ctx context.Context, cfg *rest.Config, proc *childproc.Process) error {
	hc, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	last := "no answer"
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(cfg.Host, "/")+"/readyz", nil)
		resp, err := hc.Do(req)
		if err == nil {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = fmt.Sprintf("%d %s", resp.StatusCode, body)
		} else {
			last = err.Error()
		}
		select {
		case <-proc.Done():
			return fmt.Errorf("restarted kube-apiserver exited: %w", proc.ExitError())
		case <-ctx.Done():
			return fmt.Errorf("restarted kube-apiserver not ready (%s): %w", last, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}
