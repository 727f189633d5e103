package devplatform

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/croupier-dev/croupier/devplatform/childproc"
)

// routerURL is the one URL players use.
func (p *platform) routerURL() string { return "http://" + p.opts.RouterAddr }

// prepareRouter fixes the router's address, copies the session-keys
// Secret into the state directory as a cluster would mount it, and tells
// the operator that game pods accept browsers from the router's origin.
func (p *platform) prepareRouter(ctx context.Context) error {
	if p.opts.RouterAddr == "" {
		addr, err := freeLoopbackAddr()
		if err != nil {
			return err
		}
		p.opts.RouterAddr = addr
	}
	if err := p.writeRouterKeys(ctx); err != nil {
		return err
	}
	p.opts.OperatorArgs = append([]string{"--allowed-origins=" + p.routerURL()}, p.opts.OperatorArgs...)
	return nil
}

// startRouter runs `croupier router` as a child in front of every game
// pod; it verifies tokens with the keys prepareRouter copied.
func (p *platform) startRouter(ctx context.Context) error {
	keysDir := p.state.path("router-session-keys")
	kubeconfig, err := filepath.Abs(p.opts.KubeconfigOut)
	if err != nil {
		return err
	}
	argv := []string{p.opts.Binary, "router",
		"--listen-address=" + p.opts.RouterAddr,
		"--session-keys-dir=" + keysDir,
		// Ctrl-C should not wait for load balancers there are none of.
		"--drain-delay=0", "--shutdown-grace=5s",
	}
	proc, err := childproc.Start(childproc.Spec{Name: "router", Argv: argv,
		Env: append(os.Environ(), "KUBECONFIG="+kubeconfig), Out: p.state.logFile("router")})
	if err != nil {
		return err
	}
	p.router = proc
	if err := p.waitRouterReady(ctx); err != nil {
		return err
	}
	p.log.Info("      router ready", "url", p.routerURL(), "pid", proc.Pid(), "log", p.state.path("logs", "router.log"))
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

func (p *platform) waitRouterReady(ctx context.Context) error {
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
		case <-p.router.Done():
			return p.died(p.router.ExitError(), "router")
		case <-ctx.Done():
			return p.died(fmt.Errorf("router not ready on %s: %w", p.opts.RouterAddr, ctx.Err()), "router")
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func (p *platform) stopRouter() {
	if p.router != nil {
		p.log.Info("stopping the router")
		p.router.Stop(10 * time.Second)
	}
}
