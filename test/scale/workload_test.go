//go:build scale

package scale

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/croupier-dev/croupier/roomcontract"
)

// clients is how many requests the benchmark keeps in flight, for the
// rooms and for the floor alike.
const clients = 32

// parallel runs f(0..n-1) on `clients` goroutines and returns the first error.
func parallel(n int, f func(i int) error) error {
	var next atomic.Int64
	var first atomic.Value
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				if err := f(i); err != nil {
					first.CompareAndSwap(nil, err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err, ok := first.Load().(error); ok {
		return err
	}
	return nil
}

func roomName(i int) string { return fmt.Sprintf("room-%05d", i) }

// barePod is the floor's pod: the shape of a game pod (one restricted
// container), created straight through client-go.
func barePod(ns string, i int) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("bare-%05d", i), Namespace: ns,
			Labels: map[string]string{"app.kubernetes.io/name": "croupier", "floor": "true"}},
		Spec: corev1.PodSpec{
			AutomountServiceAccountToken: ptr.To(false),
			SecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: ptr.To(true),
				SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
			Containers: []corev1.Container{{
				Name: "game", Image: "croupier:dev", Args: []string{"gameserver"},
				Ports: []corev1.ContainerPort{{Name: "game", ContainerPort: 7350}},
				SecurityContext: &corev1.SecurityContext{AllowPrivilegeEscalation: ptr.To(false),
					ReadOnlyRootFilesystem: ptr.To(true), Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}},
			}},
		},
	}
}

func namespace(ctx context.Context, cs kubernetes.Interface, name string) error {
	_, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name,
		Labels: map[string]string{"pod-security.kubernetes.io/enforce": "restricted"}}}, metav1.CreateOptions{})
	return err
}

// markReady plays the kubelet, which the local control plane lacks, and
// writes the status a kubelet (1.3x, containerd) writes for a running,
// ready pod: every condition, the container's ids, state, mounts and
// user, the node's and the pod's addresses. The operator caches pods, so
// what it keeps of one is measured against what a cluster really sends.
func markReady(ctx context.Context, cs kubernetes.Interface, pod *corev1.Pod, i int) error {
	p := pod.DeepCopy()
	now := metav1.Now()
	ip := fmt.Sprintf("10.%d.%d.%d", 1+i/65536, (i/256)%256, i%256)
	hostIP := "172.18.0.2"
	cond := func(t corev1.PodConditionType) corev1.PodCondition {
		return corev1.PodCondition{Type: t, Status: corev1.ConditionTrue, LastTransitionTime: now}
	}
	p.Status = corev1.PodStatus{
		Phase: corev1.PodRunning,
		Conditions: []corev1.PodCondition{cond("PodReadyToStartContainers"), cond(corev1.PodInitialized),
			cond(corev1.PodReady), cond(corev1.ContainersReady), cond(corev1.PodScheduled)},
		HostIP: hostIP, HostIPs: []corev1.HostIP{{IP: hostIP}},
		PodIP: ip, PodIPs: []corev1.PodIP{{IP: ip}},
		StartTime: &now,
		QOSClass:  pod.Status.QOSClass, // set at creation, immutable
	}
	for _, c := range p.Spec.Containers {
		var mounts []corev1.VolumeMountStatus
		for _, m := range c.VolumeMounts {
			mounts = append(mounts, corev1.VolumeMountStatus{Name: m.Name, MountPath: m.MountPath, ReadOnly: m.ReadOnly,
				RecursiveReadOnly: ptr.To(corev1.RecursiveReadOnlyDisabled)})
		}
		p.Status.ContainerStatuses = append(p.Status.ContainerStatuses, corev1.ContainerStatus{
			Name: c.Name, Image: c.Image, Ready: true, Started: ptr.To(true), RestartCount: 0,
			ImageID:      "docker.io/library/" + c.Image + "@sha256:" + hex64(i, 1),
			ContainerID:  "containerd://" + hex64(i, 2),
			State:        corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: now}},
			VolumeMounts: mounts,
			User: &corev1.ContainerUser{Linux: &corev1.LinuxContainerUser{UID: 65532, GID: 65532,
				SupplementalGroups: []int64{65532}}},
		})
	}
	_, err := cs.CoreV1().Pods(p.Namespace).UpdateStatus(ctx, p, metav1.UpdateOptions{})
	return err
}

// hex64 is a 64-digit hexadecimal id, distinct per pod and kind, as
// container runtimes write them.
func hex64(i, kind int) string {
	return fmt.Sprintf("%056x%08x", i, kind)
}

// beater plays the game pods' heartbeats: every room beats each period,
// in pipelined batches straight into Redis, with the fields of package
// heartbeat. Rooms below idleFrom..idleTo leave (connected 0) when told.
type beater struct {
	rdb     redis.UniversalClient
	ns      string
	rooms   int
	period  time.Duration
	idleLo  int
	idleHi  int
	idleAt  atomic.Pointer[time.Time]
	started time.Time
}

func (w *beater) run(ctx context.Context) {
	t := time.NewTicker(w.period)
	defer t.Stop()
	for {
		w.beatAll(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (w *beater) beatAll(ctx context.Context) {
	now := time.Now()
	const batch = 1000
	for lo := 0; lo < w.rooms; lo += batch {
		_, _ = w.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i := lo; i < min(lo+batch, w.rooms); i++ {
				key := roomcontract.For(w.ns, roomName(i)).Heartbeat()
				connected, activity := 1, w.started
				if idle := w.idleAt.Load(); idle != nil && i >= w.idleLo && i < w.idleHi {
					connected, activity = 0, *idle
				}
				p.HSet(ctx, key, roomcontract.FieldPod, roomName(i)+"-game", roomcontract.FieldTime, now.UnixMilli(),
					roomcontract.FieldSeated, 1, roomcontract.FieldConnected, connected,
					roomcontract.FieldLastActivity, activity.UnixMilli(), roomcontract.FieldPhase, roomcontract.PhaseWaiting)
				p.PExpire(ctx, key, 10*w.period)
			}
			return nil
		})
	}
}

// readAll is the floor of one sweep: one pipelined read of every
// heartbeat, in the sweep's batches. The best of five, since a single
// read on a shared machine can land behind another process.
func readAll(ctx context.Context, rdb redis.UniversalClient, ns string, n int) (time.Duration, error) {
	rooms := make([]roomcontract.Room, n)
	for i := range rooms {
		rooms[i] = roomcontract.For(ns, roomName(i))
	}
	best := time.Duration(1<<63 - 1)
	for range 5 {
		start := time.Now()
		for lo := 0; lo < n; lo += 1000 {
			if _, _, err := roomcontract.ReadBeats(ctx, rdb, rooms[lo:min(lo+1000, n)]); err != nil {
				return 0, err
			}
		}
		best = min(best, time.Since(start))
	}
	return best, nil
}
