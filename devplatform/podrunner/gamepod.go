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

	"github.com/croupier-dev/croupier/internal/childproc"
	"github.com/croupier-dev/croupier/roomcontract"
)

// Where a game pod expects its signing keys (docs/GAMESERVER.md) when the env
// does not say otherwise, and the env var that says otherwise.
const (
	sessionKeysEnv             = roomcontract.EnvSessionKeysDir
	sessionKeysMountPath       = "/var/run/croupier/session-keys"
	listenAddrEnv              = roomcontract.EnvListenAddr
	defaultGamePort      int32 = 7350
)

// gamePod is one pod's process (restarted as its restart policy says)
// and what the runner observed of it.
type gamePod struct {
	key     types.NamespacedName
	uid     types.UID
	ip      netip.Addr
	dir     string
	logPath string
	argv    []string
	env     []string
	policy  corev1.RestartPolicy
	probes  probes
	volumes []*volume

	mu          sync.Mutex // orders status writes; guards the fields below
	proc        *childproc.Process
	obs         observed
	terminating bool
	term        chan struct{} // closed once terminating
	// statusBehind: the last status write failed (the API server was
	// down, say), so the API shows an older status than obs; retried
	// until one succeeds, as a kubelet's status manager does.
	statusBehind bool
}

// launch resolves the pod's container into a local process and starts it.
func (r *Runner) launch(ctx context.Context, pod *corev1.Pod) (*gamePod, error) {
	if len(pod.Spec.Containers) != 1 {
		return nil, configErrorf("the local runner runs pods of exactly one container, this one has %d", len(pod.Spec.Containers))
	}
	gp := &gamePod{key: client.ObjectKeyFromObject(pod), uid: pod.UID, policy: pod.Spec.RestartPolicy, term: make(chan struct{})}
	if err := gp.prepare(ctx, r, pod); err != nil {
		gp.cleanup(r)
		return nil, err
	}
	gp.mu.Lock()
	err := gp.spawn(r)
	gp.mu.Unlock()
	if err != nil {
		gp.cleanup(r)
		return nil, err
	}
	r.mu.Lock()
	r.pods[gp.uid] = gp
	r.mu.Unlock()
	return gp, nil
}

// prepare resolves everything the process needs: its address, env,
// volumes, probes and command line.
func (gp *gamePod) prepare(ctx context.Context, r *Runner, pod *corev1.Pod) (err error) {
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
	mounts, volumes, err := mountVolumes(ctx, r.api, pod, c, gp.dir)
	if err != nil {
		return err
	}
	gp.volumes = volumes
	if gp.probes, err = newProbes(c, gp.ip.String()); err != nil {
		return err
	}
	gp.env = processEnv(pod, env, mounts, listenAddr(gp.ip, port))
	gp.argv = argv(r.opts.Binary, r.opts.Programs, r.opts.DefaultArgs, c)
	gp.logPath = filepath.Join(r.opts.LogDir, gp.key.Namespace+"_"+gp.key.Name+".log")
	gp.obs.ip = gp.ip.String()
	return nil
}

// spawn starts (or restarts) the process; gp.mu must be held.
func (gp *gamePod) spawn(r *Runner) error {
	log, err := os.OpenFile(gp.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("open pod log: %w", err)
	}
	// The child holds its own copy of the descriptor.
	defer log.Close()
	fmt.Fprintf(log, "=== %s pod %s (uid %s, restarts %d) on %s: %s\n",
		time.Now().Format(time.RFC3339), gp.key, gp.uid, gp.obs.restarts, gp.ip, strings.Join(gp.argv, " "))
	proc, err := childproc.Start(childproc.Spec{Name: "pod " + gp.key.String(), Argv: gp.argv, Env: gp.env, Out: log})
	if err != nil {
		return err
	}
	gp.proc = proc
	gp.obs.running(fmt.Sprintf("croupier-dev://%d", proc.Pid()), metav1.Now())
	return nil
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
