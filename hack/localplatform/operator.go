package localplatform

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/croupier-dev/croupier/hack/localplatform/childproc"
	"github.com/croupier-dev/croupier/hack/localplatform/sessionkeys"
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

// operatorArgs is the operator's command line: the admin kubeconfig, the
// local Redis, and an image name the pod runner ignores anyway.
func (p *platform) operatorArgs(kubeconfig string) []string {
	args := []string{
		"operator",
		"--kubeconfig=" + kubeconfig,
		"--redis-addrs=" + p.redis.Addr,
		"--gameserver-image=" + p.opts.GameserverImage,
		"--session-keys-secret=" + p.opts.SessionKeysSecret,
	}
	return append(args, p.opts.OperatorArgs...)
}

func (p *platform) startOperator(context.Context) error {
	kubeconfig, err := filepath.Abs(p.opts.KubeconfigOut)
	if err != nil {
		return err
	}
	argv := append([]string{p.opts.Binary}, p.operatorArgs(kubeconfig)...)
	env := append(os.Environ(), "KUBECONFIG="+kubeconfig)
	proc, err := childproc.Start(childproc.Spec{Name: "operator", Argv: argv, Env: env, Out: p.state.logFile("operator")})
	if err != nil {
		return err
	}
	p.operator = proc
	p.log.Info("      operator running", "pid", proc.Pid(), "log", p.state.path("logs", "operator.log"))
	// An operator that rejects its flags dies at once: say so now rather
	// than after the banner.
	select {
	case <-proc.Done():
		return p.died(proc.ExitError(), "operator")
	case <-time.After(2 * time.Second):
		return nil
	}
}
