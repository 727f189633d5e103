// Package podrunner is a tiny kubelet for game pods: it runs every pod
// labelled games.croupier.dev/room as a local process on its own loopback
// address and reports the pod's status through the API server, so the
// operator sees the same pod lifecycle as in a cluster.
package podrunner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/selection"
	"k8s.io/apimachinery/pkg/types"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
)

// RoomLabel marks game pods; the runner ignores every other pod.
const RoomLabel = "games.croupier.dev/room"

// DefaultNodeName is the Node the runner registers and binds pods to.
const DefaultNodeName = "croupier-dev"

// Options configure a Runner.
type Options struct {
	// Binary is the local build of the image's entrypoint: it runs a
	// container that names no command, or a program Programs lacks.
	Binary string
	// Programs map a program of the image, as a container's command names
	// it (e.g. /croupier-gameserver), to its local build.
	Programs map[string]string
	// DefaultArgs are used for a container that gives neither command nor
	// args (it relies on its image's entrypoint).
	DefaultArgs []string
	// LogDir receives one log file per pod, <namespace>_<pod>.log.
	LogDir string
	// NodeName is the Node pods are bound to (default DefaultNodeName).
	NodeName string
	// MaxGracePeriod caps how long a stopping pod may take before it is
	// killed (default 10s).
	MaxGracePeriod time.Duration
	// VolumeSyncPeriod is how often Secret and ConfigMap volumes are
	// refreshed from the API (default 10s).
	VolumeSyncPeriod time.Duration
	Log              logr.Logger
}

// Runner runs game pods as local processes.
type Runner struct {
	opts   Options
	cache  client.Reader
	api    client.Client // uncached: Secrets are read on demand, writes go straight through
	pool   *addressPool
	tmpDir string

	mu   sync.Mutex
	pods map[types.UID]*gamePod
	wg   sync.WaitGroup
}

// Run registers the node, then runs pods until ctx ends; it returns once
// every process it started has exited.
func Run(ctx context.Context, cfg *rest.Config, opts Options) error {
	if err := opts.defaults(); err != nil {
		return err
	}
	r, mgr, err := newRunner(cfg, opts)
	if err != nil {
		return err
	}
	if err := ensureNode(ctx, r.api, opts.NodeName); err != nil {
		return err
	}
	if r.tmpDir, err = os.MkdirTemp("", "croupier-pods-"); err != nil {
		return fmt.Errorf("create pod dir: %w", err)
	}
	defer os.RemoveAll(r.tmpDir)
	err = mgr.Start(ctx)
	r.stopAll()
	return err
}

func newRunner(cfg *rest.Config, opts Options) (*Runner, ctrl.Manager, error) {
	if cfg.QPS == 0 && cfg.Burst == 0 {
		// client-go's default (5 a second) makes a burst of pods wait in
		// the runner: each costs a binding, a Secret read and status
		// writes. A kubelet's own default budget instead.
		cfg = rest.CopyConfig(cfg)
		cfg.QPS, cfg.Burst = 50, 100
	}
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return nil, nil, err
	}
	mgr, err := newManager(cfg, scheme, opts.Log)
	if err != nil {
		return nil, nil, err
	}
	api, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		return nil, nil, err
	}
	r := &Runner{opts: opts, cache: mgr.GetClient(), api: api, pool: newAddressPool(), pods: map[types.UID]*gamePod{}}
	// Each pod is reconciled by one worker at a time; several pods start
	// in parallel. A start mostly waits on the API server (binding,
	// Secret, status), so a burst of rooms needs many workers.
	err = ctrl.NewControllerManagedBy(mgr).Named("podrunner").For(&corev1.Pod{}).
		WithOptions(controller.Options{SkipNameValidation: ptr.To(true), MaxConcurrentReconciles: 16}).
		Complete(r)
	return r, mgr, err
}

func (o *Options) defaults() error {
	if o.Binary == "" {
		return errors.New("podrunner: no binary to run")
	}
	if o.LogDir == "" {
		return errors.New("podrunner: no log directory")
	}
	if err := os.MkdirAll(o.LogDir, 0o700); err != nil {
		return fmt.Errorf("create pod log directory: %w", err)
	}
	if o.NodeName == "" {
		o.NodeName = DefaultNodeName
	}
	if o.MaxGracePeriod == 0 {
		o.MaxGracePeriod = 10 * time.Second
	}
	if o.VolumeSyncPeriod == 0 {
		o.VolumeSyncPeriod = 10 * time.Second
	}
	return nil
}

func newManager(cfg *rest.Config, scheme *runtime.Scheme, log logr.Logger) (ctrl.Manager, error) {
	hasRoom, err := labels.NewRequirement(RoomLabel, selection.Exists, nil)
	if err != nil {
		return nil, err
	}
	return ctrl.NewManager(cfg, ctrl.Options{
		Scheme: scheme,
		// The manager's own chatter is debug-level; its errors still show.
		Logger:                 log.V(1),
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Cache: cache.Options{ByObject: map[client.Object]cache.ByObject{
			&corev1.Pod{}: {Label: labels.NewSelector().Add(*hasRoom)},
		}},
	})
}

// stopAll stops every process at shutdown; the API server may already be
// going away, so nothing is written back.
func (r *Runner) stopAll() {
	r.mu.Lock()
	for _, gp := range r.pods {
		r.wg.Go(func() { gp.stop(r.opts.MaxGracePeriod) })
	}
	r.mu.Unlock()
	r.wg.Wait()
}
