package devplatform

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/croupier-dev/croupier/internal/childproc"
	"github.com/croupier-dev/croupier/internal/freeport"
)

// routerURL is the one URL players use.
func (p *platform) routerURL() string { return "http://" + p.opts.RouterAddr }

// prepareRouter fixes the router's address and copies the session-keys
// Secret into the state directory as a cluster would mount it.
func (p *platform) prepareRouter(ctx context.Context) error {
	if p.opts.RouterAddr == "" {
		addr, err := freeport.Addr()
		if err != nil {
			return err
		}
		p.opts.RouterAddr = addr
	}
	return p.writeRouterKeys(ctx)
}

// startRouter runs `croupier router` under supervision in front of every
// game pod; it verifies tokens with the keys prepareRouter copied.
func (p *platform) startRouter(ctx context.Context) error {
	keysDir := p.state.path("router-session-keys")
	kubeconfig, err := filepath.Abs(p.opts.KubeconfigOut)
	if err != nil {
		return err
	}
	metricsAddr, err := freeport.Addr()
	if err != nil {
		return err
	}
	argv := []string{p.opts.Binary, "router",
		"--listen-address=" + p.opts.RouterAddr,
		"--metrics-address=" + metricsAddr,
		"--session-keys-dir=" + keysDir,
		"--matchmaker-url=" + p.matchmakerURL,
		// Ctrl-C should not wait for load balancers there are none of.
		"--drain-delay=0", "--shutdown-grace=5s",
	}
	env := append(os.Environ(), "KUBECONFIG="+kubeconfig)
	router := child{name: "router", start: func(ctx context.Context) (*childproc.Process, error) {
		if err := addrFree(p.opts.RouterAddr); err != nil {
			return nil, err
		}
		proc, err := childproc.Start(childproc.Spec{Name: "router", Argv: argv, Env: env, Out: p.state.logFile("router")})
		if err != nil {
			return nil, err
		}
		if err := p.waitRouterReady(ctx, proc); err != nil {
			proc.Stop(10 * time.Second)
			return nil, err
		}
		return proc, nil
	}}
	s, err := supervise(ctx, router, p.log, p.state.path("logs", "router.log"))
	if err != nil {
		return err
	}
	p.supervised = append(p.supervised, s)
	p.log.Info("      router ready", "url", p.routerURL(), "pid", s.current().Pid(), "metrics", "http://"+metricsAddr+"/metrics", "log", p.state.path("logs", "router.log"))
	return nil
}

// writeRouterKeys copies the session-keys Secret into a private directory.
func (p *platform) writeRouterKeys(ctx context.Context) error {
	c, err := p.client()
	if err != nil {
		return err
	}
	s := &corev1.Secret{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: p.opts.SessionKeysNamespace, Name: p.opts.SessionKeysSecret}, s); err != nil {
		return fmt.Errorf("read the session keys for the router: %w", err)
	}
	dir := p.state.path("router-session-keys")
	// Keys of an earlier run must not keep verifying tokens: the router
	// trusts exactly the Secret as it is now.
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("clear old session keys: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	for id, key := range s.Data {
		if err := os.WriteFile(filepath.Join(dir, id), key, 0o600); err != nil {
			return fmt.Errorf("write session key: %w", err)
		}
	}
	return nil
}

// addrFree fails when something already listens on addr: the readiness
// check that follows would reach that other server (another croupier
// dev, say) and take it for this router.
func addrFree(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("the router's address %s is taken (another croupier dev?): stop what listens there, or pass --router-addr: %w", addr, err)
	}
	return l.Close()
}

func (p *platform) waitRouterReady(ctx context.Context, proc *childproc.Process) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	hc := &http.Client{Timeout: time.Second}
	for {
		if resp, err := hc.Get(p.routerURL() + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-proc.Done():
			return p.died(proc.ExitError(), "router")
		case <-ctx.Done():
			return p.died(fmt.Errorf("router not ready on %s: %w", p.opts.RouterAddr, ctx.Err()), "router")
		case <-time.After(200 * time.Millisecond):
		}
	}
}
