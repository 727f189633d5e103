package devplatform

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/internal/childproc"
	"github.com/croupier-dev/croupier/internal/freeport"
)

// TemplatePool is the GameRoomPool `croupier dev` makes in the session
// keys' namespace: quick play claims its warm rooms and makes new rooms
// from its template, so Play now works out of the box.
const (
	TemplatePool         = "quickplay"
	templatePoolReplicas = 2
)

// ensureTemplatePool creates the template pool unless it exists; one the
// user changed is left as is.
func (p *platform) ensureTemplatePool(ctx context.Context) error {
	c, err := p.client()
	if err != nil {
		return err
	}
	gp := &gamesv1.GameRoomPool{
		ObjectMeta: metav1.ObjectMeta{Namespace: p.opts.SessionKeysNamespace, Name: TemplatePool},
		Spec:       gamesv1.GameRoomPoolSpec{Replicas: templatePoolReplicas},
	}
	name := p.opts.SessionKeysNamespace + "/" + TemplatePool
	switch err := c.Create(ctx, gp); {
	case apierrors.IsAlreadyExists(err):
		p.log.Info("      GameRoomPool exists, left as is", "pool", name)
	case err != nil:
		return fmt.Errorf("create GameRoomPool %s: %w", name, err)
	default:
		p.log.Info("      GameRoomPool created: quick play's warm rooms and template", "pool", name, "replicas", templatePoolReplicas)
	}
	return nil
}

// startMatchmaker runs `croupier matchmaker` under supervision on a
// loopback port; the router carries POST /v1/play to it.
func (p *platform) startMatchmaker(ctx context.Context) error {
	kubeconfig, err := filepath.Abs(p.opts.KubeconfigOut)
	if err != nil {
		return err
	}
	addr, err := freeport.Addr()
	if err != nil {
		return err
	}
	p.matchmakerURL = "http://" + addr
	argv := []string{p.opts.Binary, "matchmaker",
		"--listen-address=" + addr,
		"--redis-addrs=" + p.redis.Addr,
		"--template-pool=" + p.opts.SessionKeysNamespace + "/" + TemplatePool,
		"--shutdown-grace=5s",
	}
	env := append(os.Environ(), "KUBECONFIG="+kubeconfig)
	mm := child{name: "matchmaker", start: func(ctx context.Context) (*childproc.Process, error) {
		proc, err := childproc.Start(childproc.Spec{Name: "matchmaker", Argv: argv, Env: env, Out: p.state.logFile("matchmaker")})
		if err != nil {
			return nil, err
		}
		if err := p.waitReady(ctx, proc, "matchmaker", p.matchmakerURL+"/readyz"); err != nil {
			proc.Stop(10 * time.Second)
			return nil, err
		}
		return proc, nil
	}}
	s, err := supervise(ctx, mm, p.log, p.state.path("logs", "matchmaker.log"))
	if err != nil {
		return err
	}
	p.supervised = append(p.supervised, s)
	p.log.Info("      matchmaker ready", "url", p.matchmakerURL, "pid", s.current().Pid(), "log", p.state.path("logs", "matchmaker.log"))
	return nil
}

// waitReady polls url until it answers 200, the child exits, or a minute passes.
func (p *platform) waitReady(ctx context.Context, proc *childproc.Process, component, url string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	hc := &http.Client{Timeout: time.Second}
	for {
		if resp, err := hc.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-proc.Done():
			return p.died(proc.ExitError(), component)
		case <-ctx.Done():
			return p.died(fmt.Errorf("%s not ready at %s: %w", component, url, ctx.Err()), component)
		case <-time.After(200 * time.Millisecond):
		}
	}
}
