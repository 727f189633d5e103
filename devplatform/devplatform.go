// Package devplatform is `croupier dev`: a whole Croupier platform on one
// machine with no cluster. It starts a real control plane, installs the
// CRDs, starts redis-server, creates the session keys, runs the operator
// and runs game pods as local processes, until its context ends; then it
// stops everything it started. The operator is supervised: when it exits
// it is restarted. The platform itself stops only when its context ends or
// a part it cannot run without (the control plane, redis-server, the pod
// runner) stops.
package devplatform

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/client-go/rest"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/croupier-dev/croupier/internal/controlplane"
	"github.com/croupier-dev/croupier/internal/redisserver"
)

// Options configure Run; dev.go maps its flags onto them.
type Options struct {
	AssetsDir       string
	CRDDir          string
	StateDir        string
	KubeconfigOut   string
	RedisServer     string
	GameserverImage string
	// Binary is the croupier executable: it runs the operator, the router,
	// the matchmaker and any game pod GameserverBinary does not.
	Binary string
	// GameserverBinary is a local build of croupier-gameserver, the program
	// game pods name (/croupier-gameserver); empty runs them with Binary,
	// which takes the same arguments.
	GameserverBinary string
	// OperatorArgs are appended to the operator's command line.
	OperatorArgs []string
	// SessionKeysNamespace and SessionKeysSecret name the signing-key Secret.
	SessionKeysNamespace string
	SessionKeysSecret    string
	// RouterAddr is where the router listens; empty picks a free port.
	RouterAddr string
	// Out receives the progress lines.
	Out io.Writer
}

// platform is what Run started, in start order.
type platform struct {
	opts   Options
	log    logr.Logger
	state  *stateDir
	cp     *controlplane.ControlPlane
	redis  *redisserver.Server
	runner *runnerHandle
	// supervised are the children kept running (operator, matchmaker,
	// router), in start order.
	supervised []*supervisor
	// matchmakerURL is where the router carries quick plays.
	matchmakerURL string
}

// Run starts the platform, blocks until ctx ends or a part the platform
// cannot run without stops, and stops everything it started. Such a part
// makes Run return an error naming it, saying how it ended and quoting its
// log.
func Run(ctx context.Context, opts Options) error {
	p := &platform{opts: opts, log: newProgressLogger(opts.Out)}
	ctrllog.SetLogger(p.log)
	defer p.stop()
	if err := p.start(ctx); err != nil {
		return err
	}
	p.printNextSteps()
	return p.wait(ctx)
}

func (p *platform) start(ctx context.Context) error {
	var err error
	if p.state, err = openStateDir(p.opts.StateDir); err != nil {
		return err
	}
	steps := []struct {
		what string
		run  func(context.Context) error
	}{
		{"control plane and CRDs", p.startControlPlane},
		{"kubeconfig", p.writeKubeconfig},
		{"redis-server", p.startRedis},
		{"session keys", p.ensureSessionKeys},
		{"pod runner", p.startRunner},
		{"router keys", p.prepareRouter},
		{"operator", p.startOperator},
		{"quick-play pool", p.ensureTemplatePool},
		{"matchmaker", p.startMatchmaker},
		{"router", p.startRouter},
	}
	for i, s := range steps {
		p.log.Info(fmt.Sprintf("[%d/%d] %s", i+1, len(steps), s.what))
		if err := s.run(ctx); err != nil {
			return fmt.Errorf("%s: %w", s.what, err)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return nil
}

func (p *platform) startControlPlane(ctx context.Context) error {
	p.log.Info("      starting etcd and kube-apiserver, installing CRDs, starting kube-controller-manager", "assets", p.opts.AssetsDir)
	cp, err := controlplane.Start(ctx, controlplane.Options{
		AssetsDir: p.opts.AssetsDir, CRDDirs: []string{p.opts.CRDDir}, Logs: p.state.logFile,
	})
	if err != nil {
		return err
	}
	p.cp = cp
	p.log.Info("      control plane up", "apiserver", cp.APIServerURL().String(), "controllers", strings.Join(controlplane.DefaultControllers, ","), "logs", p.state.path("logs"))
	p.log.Info("      CRDs established", "crds", strings.Join(cp.CRDs(), ","))
	return nil
}

func (p *platform) writeKubeconfig(context.Context) error {
	if err := os.MkdirAll(filepath.Dir(p.opts.KubeconfigOut), 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(p.opts.KubeconfigOut, p.cp.AdminKubeconfig(), 0o600); err != nil {
		return fmt.Errorf("write %s: %w", p.opts.KubeconfigOut, err)
	}
	p.log.Info("      admin kubeconfig written", "path", p.opts.KubeconfigOut)
	return nil
}

func (p *platform) startRedis(ctx context.Context) error {
	r, err := redisserver.Run(ctx, redisserver.Options{Binary: p.opts.RedisServer, Out: p.state.logFile("redis-server")})
	if err != nil {
		return err
	}
	p.redis = r
	p.log.Info("      redis-server up (no persistence)", "addr", r.Addr)
	return nil
}

func (p *platform) config() *rest.Config { return p.cp.Config() }

// stop stops, in reverse order, whatever start got to.
func (p *platform) stop() {
	for i := len(p.supervised) - 1; i >= 0; i-- {
		p.log.Info("stopping the " + p.supervised[i].child.name)
		p.supervised[i].stop(10 * time.Second)
	}
	if p.runner != nil {
		p.log.Info("stopping the pod runner and every game pod")
		p.runner.stop()
	}
	if p.redis != nil {
		p.log.Info("stopping redis-server")
		p.redis.Close()
	}
	if p.cp != nil {
		p.log.Info("stopping kube-controller-manager, kube-apiserver and etcd")
		if err := p.cp.Stop(); err != nil {
			p.log.Error(err, "stop the control plane")
		}
		// Its credentials die with the control plane.
		_ = os.Remove(p.opts.KubeconfigOut)
	}
	if p.state != nil {
		p.state.close()
	}
	p.log.Info("stopped; nothing left running")
}

// wait blocks until ctx ends (nil) or a part the platform cannot run
// without stops (an error naming it). The supervised children restart on
// their own and are not waited for here.
func (p *platform) wait(ctx context.Context) error {
	var err error
	component := ""
	select {
	case <-ctx.Done():
		p.log.Info("stop requested: stopping everything")
		return nil
	case <-p.redis.Done():
		err, component = p.redis.Err(), "redis-server"
	case <-p.cp.Done():
		err = p.cp.Err()
		var ce *controlplane.ComponentError
		if errors.As(err, &ce) {
			component = ce.Component
		}
	case <-p.runner.done:
		err = errors.Join(errors.New("pod runner stopped"), p.runner.err)
	}
	p.log.Error(err, "a part the platform needs stopped; stopping everything")
	return p.died(err, component)
}

func (p *platform) died(err error, component string) error {
	if component == "" {
		return err
	}
	return fmt.Errorf("%w; last lines of %s:\n%s", err, p.state.path("logs", component+".log"), p.state.tail(component, 15))
}

func (p *platform) printNextSteps() {
	kubeconfig, _ := filepath.Abs(p.opts.KubeconfigOut)
	kubectl := kubectlFor(p.opts.AssetsDir)
	fmt.Fprintf(p.opts.Out, nextSteps, p.routerURL(), kubeconfig, kubectl, kubectl, p.state.path("pods"), p.state.path("logs"))
}

// kubectlFor is the kubectl to suggest: the pinned one beside the control
// plane when it is there (make dev builds it), whose version matches the
// API server's; one on the PATH may be too far from it for kubectl's
// version skew. Else whatever the PATH has.
func kubectlFor(assets string) string {
	pinned, err := filepath.Abs(filepath.Join(assets, "kubectl"))
	if err == nil {
		if _, err := os.Stat(pinned); err == nil {
			return pinned
		}
	}
	if _, err := exec.LookPath("kubectl"); err == nil {
		return "kubectl"
	}
	return pinned
}

const nextSteps = `
The local platform is up. Players reach every room at

    %s

(Play now there seats you at a table with nothing applied.)
In another terminal, from the repository's root:

    export KUBECONFIG=%s
    %s apply -f config/samples/
    %s get gr -w

Game pod logs: %s/<namespace>_<pod>.log   Component logs: %s/
Press Ctrl-C to stop everything.

`
