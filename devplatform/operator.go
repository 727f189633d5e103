package devplatform

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/croupier-dev/croupier/devplatform/sessionkeys"
	"github.com/croupier-dev/croupier/internal/childproc"
	"github.com/croupier-dev/croupier/internal/freeport"
)

func (p *platform) ensureSessionKeys(ctx context.Context) error {
	c, err := p.client()
	if err != nil {
		return err
	}
	now := time.Now()
	created, err := sessionkeys.Ensure(ctx, c, p.opts.SessionKeysNamespace, p.opts.SessionKeysSecret, now)
	if err != nil {
		return err
	}
	secret := p.opts.SessionKeysNamespace + "/" + p.opts.SessionKeysSecret
	if created {
		p.log.Info("      created Secret with one random key", "secret", secret, "keyID", sessionkeys.KeyID(now))
	} else {
		p.log.Info("      Secret exists, left as is", "secret", secret)
	}
	return nil
}

// operatorArgs is the operator's command line: the local Redis, an image
// name the pod runner ignores anyway, and its endpoints on loopback ports
// nothing else uses. The kubeconfig goes through KUBECONFIG.
func (p *platform) operatorArgs(metricsAddr, probeAddr string) []string {
	args := []string{
		"operator",
		"--redis-addrs=" + p.redis.Addr,
		"--gameserver-image=" + p.opts.GameserverImage,
		"--session-keys-secret=" + p.opts.SessionKeysSecret,
		"--metrics-bind-address=" + metricsAddr,
		"--health-probe-bind-address=" + probeAddr,
		"--leader-elect=false",
	}
	return append(args, p.opts.OperatorArgs...)
}

// startOperator runs the operator under supervision: it must become
// ready once, and from then on an exit is followed by a restart.
func (p *platform) startOperator(ctx context.Context) error {
	kubeconfig, err := filepath.Abs(p.opts.KubeconfigOut)
	if err != nil {
		return err
	}
	// The same addresses on every restart, so the printed metrics URL holds.
	metricsAddr, err := freeport.Addr()
	if err != nil {
		return err
	}
	probeAddr, err := freeport.Addr()
	if err != nil {
		return err
	}
	argv := append([]string{p.opts.Binary}, p.operatorArgs(metricsAddr, probeAddr)...)
	env := append(os.Environ(), "KUBECONFIG="+kubeconfig)
	op := child{name: "operator", start: func(ctx context.Context) (*childproc.Process, error) {
		proc, err := childproc.Start(childproc.Spec{Name: "operator", Argv: argv, Env: env, Out: p.state.logFile("operator")})
		if err != nil {
			return nil, err
		}
		if err := p.waitOperatorReady(ctx, proc, probeAddr); err != nil {
			proc.Stop(10 * time.Second)
			return nil, err
		}
		return proc, nil
	}}
	s, err := supervise(ctx, op, p.log, p.state.path("logs", "operator.log"))
	if err != nil {
		return err
	}
	p.supervised = append(p.supervised, s)
	p.log.Info("      operator ready", "pid", s.current().Pid(), "metrics", "http://"+metricsAddr+"/metrics", "log", p.state.path("logs", "operator.log"))
	return nil
}

// waitOperatorReady polls the operator's /readyz, so an operator that
// rejects its flags or cannot reach the API server is reported now rather
// than after the banner.
func (p *platform) waitOperatorReady(ctx context.Context, proc *childproc.Process, probeAddr string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	client := &http.Client{Timeout: time.Second}
	for {
		if resp, err := client.Get("http://" + probeAddr + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-proc.Done():
			return p.died(proc.ExitError(), "operator")
		case <-ctx.Done():
			return p.died(fmt.Errorf("operator not ready on %s: %w", probeAddr, ctx.Err()), "operator")
		case <-time.After(200 * time.Millisecond):
		}
	}
}
