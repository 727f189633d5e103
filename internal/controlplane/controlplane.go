// Package controlplane runs a real, local Kubernetes control plane from the
// repository's own binaries: etcd and kube-apiserver through envtest, plus a
// kube-controller-manager running the controllers a single-node platform
// needs (garbage collection, so owner references cascade, and namespace
// deletion). `croupier dev` and the envtest suites all start it here, and
// every process it starts dies with the process that started it.
package controlplane

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/croupier-dev/croupier/internal/childproc"
)

// DefaultControllers run in kube-controller-manager unless Options say
// otherwise: enough for owner references to cascade and namespaces to be
// deleted.
var DefaultControllers = []string{"garbagecollector", "namespace"}

// Options configure Start.
type Options struct {
	// AssetsDir holds etcd, kube-apiserver and kube-controller-manager.
	AssetsDir string
	// CRDDirs hold CRD manifests, installed (and Established) before
	// kube-controller-manager starts, so its garbage collector watches the
	// custom resources from the first moment.
	CRDDirs []string
	// Logs receives the output of etcd, kube-apiserver and
	// kube-controller-manager; nil discards it.
	Logs func(component string) io.Writer
	// Controllers run in kube-controller-manager; nil means
	// DefaultControllers, and an empty list means no
	// kube-controller-manager at all (a bare envtest).
	Controllers []string
	// StartTimeout bounds the start of each component (default 60s: two
	// busy cores can make kube-apiserver slow to become healthy).
	StartTimeout time.Duration
}

// ControlPlane is a running etcd + kube-apiserver + kube-controller-manager.
type ControlPlane struct {
	env        *envtest.Environment
	kcm        *childproc.Process
	tmpDir     string
	kubeconfig []byte
	crds       []string

	// stopWatch ends the watch on the components; died is closed when one
	// of them exits on its own, and diedErr says which and how.
	stopWatch chan struct{}
	stopOnce  sync.Once
	died      chan struct{}
	diedErr   error
	watchMu   sync.Mutex
	watched   []component

	// restarted is the kube-apiserver RestartAPIServer started, which
	// envtest does not know about; Stop stops it.
	restarted *childproc.Process
	logs      func(component string) io.Writer
}

// Start checks the binaries, then starts etcd and kube-apiserver, installs
// the CRDs and starts kube-controller-manager. On error nothing is left
// running.
func Start(ctx context.Context, opts Options) (cp *ControlPlane, err error) {
	if err := CheckAssets(opts.AssetsDir); err != nil {
		return nil, err
	}
	if opts.Controllers == nil {
		opts.Controllers = DefaultControllers
	}
	if opts.StartTimeout == 0 {
		opts.StartTimeout = 60 * time.Second
	}
	tmpDir, err := os.MkdirTemp("", "croupier-controlplane-")
	if err != nil {
		return nil, fmt.Errorf("create temp dir: %w", err)
	}
	env, err := newEnvironment(opts, tmpDir)
	if err != nil {
		_ = os.RemoveAll(tmpDir)
		return nil, err
	}
	cp = &ControlPlane{env: env, tmpDir: tmpDir, stopWatch: make(chan struct{}), died: make(chan struct{}), logs: opts.Logs}
	before := childSet()
	if _, err := cp.env.Start(); err != nil {
		_ = cp.env.Stop()
		_ = os.RemoveAll(tmpDir)
		return nil, fmt.Errorf("start etcd and kube-apiserver: %w", err)
	}
	defer func() {
		if err != nil {
			_ = cp.Stop()
			cp = nil
		}
	}()
	cp.kubeconfig = cp.env.KubeConfig
	if len(opts.CRDDirs) > 0 {
		if cp.crds, err = InstallCRDs(ctx, cp.env.Config, opts.CRDDirs...); err != nil {
			return cp, err
		}
	}
	if len(opts.Controllers) > 0 {
		if cp.kcm, err = startControllerManager(opts, cp.tmpDir, cp.kubeconfig); err != nil {
			return cp, err
		}
	}
	cp.watch(envtestChildren(before))
	return cp, nil
}

func newEnvironment(opts Options, tmpDir string) (*envtest.Environment, error) {
	env := &envtest.Environment{
		ControlPlaneStartTimeout: opts.StartTimeout,
		ControlPlaneStopTimeout:  20 * time.Second,
	}
	// Explicit paths, so KUBEBUILDER_ASSETS cannot override the caller's choice.
	etcd, err := childproc.DieWithParentWrapper(filepath.Join(opts.AssetsDir, Etcd), tmpDir)
	if err != nil {
		return nil, err
	}
	apiserver, err := childproc.DieWithParentWrapper(filepath.Join(opts.AssetsDir, KubeAPIServer), tmpDir)
	if err != nil {
		return nil, err
	}
	env.ControlPlane.Etcd = &envtest.Etcd{Path: etcd}
	env.ControlPlane.APIServer = &envtest.APIServer{Path: apiserver}
	if opts.Logs != nil {
		env.ControlPlane.Etcd.Out = opts.Logs(Etcd)
		env.ControlPlane.Etcd.Err = opts.Logs(Etcd)
		env.ControlPlane.APIServer.Out = opts.Logs(KubeAPIServer)
		env.ControlPlane.APIServer.Err = opts.Logs(KubeAPIServer)
	}
	return env, nil
}

// CRDs are the names of the CRDs Start installed.
func (cp *ControlPlane) CRDs() []string { return cp.crds }

// Config is an admin (system:masters) client configuration.
func (cp *ControlPlane) Config() *rest.Config { return rest.CopyConfig(cp.env.Config) }

// AdminKubeconfig is a kubeconfig file's content for an admin user.
func (cp *ControlPlane) AdminKubeconfig() []byte { return cp.kubeconfig }

// APIServerURL is the address kube-apiserver serves on.
func (cp *ControlPlane) APIServerURL() *url.URL {
	u, _ := url.Parse(cp.env.Config.Host)
	return u
}

// Stop stops kube-controller-manager, kube-apiserver and etcd, in that
// order, and removes their data.
func (cp *ControlPlane) Stop() error {
	cp.stopOnce.Do(func() { close(cp.stopWatch) })
	if cp.kcm != nil {
		cp.kcm.Stop(10 * time.Second)
	}
	cp.watchMu.Lock()
	restarted := cp.restarted
	cp.watchMu.Unlock()
	if restarted != nil {
		restarted.Stop(20 * time.Second)
	}
	err := cp.env.Stop()
	if cp.tmpDir != "" {
		_ = os.RemoveAll(cp.tmpDir)
	}
	if err != nil {
		return fmt.Errorf("stop kube-apiserver and etcd: %w", err)
	}
	return nil
}
