package podrunner

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/croupier-dev/croupier/hack/localplatform/childproc"
)

// Where a game pod expects its signing keys (POD_CONTRACT) when the env
// does not say otherwise, and the env var that says otherwise.
const (
	sessionKeysEnv             = "CROUPIER_SESSION_KEYS_DIR"
	sessionKeysMountPath       = "/var/run/croupier/session-keys"
	listenAddrEnv              = "CROUPIER_LISTEN_ADDR"
	defaultGamePort      int32 = 7350
)

// gamePod is one pod's running process and what the runner observed of it.
type gamePod struct {
	key     types.NamespacedName
	uid     types.UID
	ip      netip.Addr
	dir     string
	logPath string
	proc    *childproc.Process
	probe   *readiness

	mu          sync.Mutex // orders status writes; guards the fields below
	obs         observed
	terminating bool
	stopProbe   context.CancelFunc
}

// launch resolves the pod's container into a local process and starts it.
func (r *Runner) launch(ctx context.Context, pod *corev1.Pod) (*gamePod, error) {
	if len(pod.Spec.Containers) != 1 {
		return nil, configErrorf("the local runner runs pods of exactly one container, this one has %d", len(pod.Spec.Containers))
	}
	gp := &gamePod{key: client.ObjectKeyFromObject(pod), uid: pod.UID}
	if err := gp.prepareAndStart(ctx, r, pod); err != nil {
		gp.cleanup(r)
		return nil, err
	}
	r.mu.Lock()
	r.pods[gp.uid] = gp
	r.mu.Unlock()
	return gp, nil
}

func (gp *gamePod) prepareAndStart(ctx context.Context, r *Runner, pod *corev1.Pod) (err error) {
	c := &pod.Spec.Containers[0]
	port := gamePort(c)
	if gp.ip, err = r.pool.take(port); err != nil {
		return err
	}
	if gp.dir, err = os.MkdirTemp(r.tmpDir, pod.Namespace+"_"+pod.Name+"_"); err != nil {
		return fmt.Errorf("create pod dir: %w", err)
	}
	env, err := podEnv(ctx, r.api, pod, c, gp.ip.String())
	if err != nil {
		return err
	}
	mounts, err := mountVolumes(ctx, r.api, pod, c, gp.dir)
	if err != nil {
		return err
	}
	if gp.probe, err = newReadiness(c, gp.ip.String()); err != nil {
		return err
	}
	env = processEnv(pod, env, mounts, listenAddr(gp.ip, port))
	if err := gp.startProcess(r, argv(r.opts.Binary, r.opts.DefaultArgs, c), env); err != nil {
		return err
	}
	gp.obs = observed{
		ip: gp.ip.String(), containerID: fmt.Sprintf("croupier-dev://%d", gp.proc.Pid()),
		startedAt: metav1.Now(), ready: gp.probe == nil,
	}
	return nil
}

func (gp *gamePod) startProcess(r *Runner, argv, env []string) error {
	gp.logPath = filepath.Join(r.opts.LogDir, gp.key.Namespace+"_"+gp.key.Name+".log")
	log, err := os.OpenFile(gp.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("open pod log: %w", err)
	}
	// The child holds its own copy of the descriptor.
	defer log.Close()
	fmt.Fprintf(log, "=== %s pod %s (uid %s) on %s: %s\n", time.Now().Format(time.RFC3339), gp.key, gp.uid, gp.ip, strings.Join(argv, " "))
	gp.proc, err = childproc.Start(childproc.Spec{Name: "pod " + gp.key.String(), Argv: argv, Env: env, Out: log})
	return err
}

// gamePort is the port the pod serves on: the port named "game", else the
// first declared port, else the contract's default.
func gamePort(c *corev1.Container) int32 {
	for _, p := range c.Ports {
		if p.Name == "game" {
			return p.ContainerPort
		}
	}
	if len(c.Ports) > 0 {
		return c.Ports[0].ContainerPort
	}
	return defaultGamePort
}

// processEnv is the whole environment of the process: nothing of the
// host's but PATH, the container's variables with mount paths pointed at
// their local copies, and the pod's own listen address.
func processEnv(pod *corev1.Pod, env []string, mounts map[string]string, listen string) []string {
	out := []string{"PATH=" + os.Getenv("PATH"), "HOSTNAME=" + pod.Name}
	hasKeysDir := false
	for _, kv := range env {
		name, value, _ := strings.Cut(kv, "=")
		hasKeysDir = hasKeysDir || name == sessionKeysEnv
		out = append(out, name+"="+localPath(value, mounts))
	}
	if local, ok := mounts[sessionKeysMountPath]; ok && !hasKeysDir {
		out = append(out, sessionKeysEnv+"="+local)
	}
	// Later entries win: every pod listens on its own address.
	return append(out, listenAddrEnv+"="+listen)
}

// localPath rewrites a value naming a path inside a mounted volume.
func localPath(value string, mounts map[string]string) string {
	for mountPath, local := range mounts {
		if value == mountPath {
			return local
		}
		if rest, ok := strings.CutPrefix(value, strings.TrimSuffix(mountPath, "/")+"/"); ok {
			return filepath.Join(local, rest)
		}
	}
	return value
}

// publish writes the pod's Running status and starts watching the process
// and its readiness.
func (gp *gamePod) publish(ctx context.Context, r *Runner) error {
	probeCtx, stop := context.WithCancel(context.Background())
	gp.mu.Lock()
	gp.stopProbe = stop
	err := r.writeStatus(ctx, gp.uid, gp.key, gp.obs)
	gp.mu.Unlock()
	r.wg.Go(func() { r.awaitExit(gp) })
	if gp.probe != nil {
		r.wg.Go(func() { gp.probe.run(probeCtx, func(ready bool) { r.setReady(gp, ready) }) })
	}
	return err
}

func (r *Runner) setReady(gp *gamePod, ready bool) {
	gp.mu.Lock()
	defer gp.mu.Unlock()
	if gp.terminating || gp.obs.exited {
		return
	}
	gp.obs.ready = ready
	r.opts.Log.Info("pod readiness changed", "pod", gp.key, "ready", ready)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.writeStatus(ctx, gp.uid, gp.key, gp.obs); err != nil {
		r.opts.Log.Error(err, "write pod status", "pod", gp.key)
	}
}

// awaitExit reports a process that ends by itself as the pod's final
// phase: Succeeded for exit status 0, Failed otherwise.
func (r *Runner) awaitExit(gp *gamePod) {
	<-gp.proc.Done()
	code := gp.proc.ExitCode()
	gp.mu.Lock()
	gp.stopProbe()
	gp.obs.exited, gp.obs.exitCode, gp.obs.finishedAt = true, int32(code), metav1.Now()
	if !gp.terminating {
		r.opts.Log.Info("pod process exited", "pod", gp.key, "exitCode", code, "log", gp.logPath)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if err := r.writeStatus(ctx, gp.uid, gp.key, gp.obs); err != nil {
			r.opts.Log.Error(err, "write pod status", "pod", gp.key)
		}
		cancel()
	}
	gp.mu.Unlock()
	gp.cleanup(r)
}

// markTerminating records that the runner itself is stopping the process;
// it reports false if that was already the case.
func (gp *gamePod) markTerminating() bool {
	gp.mu.Lock()
	defer gp.mu.Unlock()
	if gp.terminating {
		return false
	}
	gp.terminating = true
	return true
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
