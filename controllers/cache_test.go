package controllers

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unsafe"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
	"github.com/croupier-dev/croupier/roomcontract"
)

// kubeletPod is the room's pod in phase with every field a kubelet and
// the API server fill in, most of which the operator never reads.
func kubeletPod(room *gamesv1.GameRoom, phase corev1.PodPhase, ready bool, mutate ...func(*corev1.Pod)) *corev1.Pod {
	p := podOf(room, phase, ready, "10.1.2.3")
	at := metav1.NewTime(t0)
	p.UID, p.ResourceVersion, p.Generation, p.CreationTimestamp = "pod-uid", "42", 1, metav1.NewTime(t0.Add(-time.Minute))
	p.Annotations = map[string]string{"k8s.v1.cni.cncf.io/network-status": `[{"name":"cbr0","ips":["10.1.2.3"]}]`}
	p.Finalizers = []string{"example.com/keep"}
	p.ManagedFields = []metav1.ManagedFieldsEntry{{Manager: "kubelet", Operation: metav1.ManagedFieldsOperationUpdate}}
	readyStatus := corev1.ConditionFalse
	if ready {
		readyStatus = corev1.ConditionTrue
	}
	p.Status.Conditions = []corev1.PodCondition{
		{Type: "PodReadyToStartContainers", Status: corev1.ConditionTrue, LastTransitionTime: at},
		{Type: corev1.PodInitialized, Status: corev1.ConditionTrue, LastTransitionTime: at},
		{Type: corev1.PodReady, Status: readyStatus, LastTransitionTime: at, LastProbeTime: at, ObservedGeneration: 1},
		{Type: corev1.ContainersReady, Status: readyStatus, LastTransitionTime: at},
		{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: at},
	}
	p.Status.HostIP, p.Status.HostIPs = "172.18.0.2", []corev1.HostIP{{IP: "172.18.0.2"}}
	p.Status.PodIPs = []corev1.PodIP{{IP: "10.1.2.3"}}
	p.Status.StartTime, p.Status.QOSClass, p.Status.ObservedGeneration = &at, corev1.PodQOSBurstable, 1
	p.Status.ContainerStatuses = []corev1.ContainerStatus{{
		Name: gameContainer, Image: "img", ImageID: "docker.io/library/img@sha256:0123", ContainerID: "containerd://abcd",
		Ready: ready, Started: ptr.To(ready), RestartCount: 0,
		State:        corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: at}},
		VolumeMounts: []corev1.VolumeMountStatus{{Name: sessionKeysVol, MountPath: sessionKeysDir, ReadOnly: true}},
		User:         &corev1.ContainerUser{Linux: &corev1.LinuxContainerUser{UID: gameUID, GID: gameUID}},
	}}
	for _, m := range mutate {
		m(p)
	}
	return p
}

// What the operator reads of a cached pod survives the transform, in
// every state a pod can be in; the rest (spec, annotations, ids,
// addresses, unread conditions, times) does not.
func TestTrimPodKeepsWhatTheOperatorReads(t *testing.T) {
	room := testRoom().Obj()
	terminating := func(p *corev1.Pod) { p.DeletionTimestamp = ptr.To(metav1.NewTime(t0)) }
	evicted := func(p *corev1.Pod) {
		p.Status.Reason, p.Status.Message = "Evicted", "The node was low on resource: memory."
	}
	foreign := func(p *corev1.Pod) { p.OwnerReferences[0].UID = "someone-else" }
	told := func(p *corev1.Pod) {
		p.Spec.Containers[0].Env = append(p.Spec.Containers[0].Env, corev1.EnvVar{Name: roomcontract.EnvMatchStarted, Value: "true"})
	}
	initWaiting := func(p *corev1.Pod) {
		waiting("CreateContainerConfigError", `secret "croupier-redis" not found`)(p)
		p.Status.InitContainerStatuses, p.Status.ContainerStatuses = p.Status.ContainerStatuses, nil
	}
	cases := []struct {
		name   string
		pod    *corev1.Pod
		reason string // the PodHealthy reason the pod leads to
	}{
		{"ready", kubeletPod(room, corev1.PodRunning, true), ReasonPodReady},
		{"running, not ready", kubeletPod(room, corev1.PodRunning, false), ReasonPodNotReady},
		{"pending", kubeletPod(room, corev1.PodPending, false), ReasonPodPending},
		{"pending, waiting", kubeletPod(room, corev1.PodPending, false, waiting("ContainerCreating", "")), ReasonPodPending},
		{"image pull back-off", kubeletPod(room, corev1.PodPending, false,
			waiting("ImagePullBackOff", `Back-off pulling image "registry.example/croupier:nope"`)), ReasonImagePullFailed},
		{"secret missing, init container", kubeletPod(room, corev1.PodPending, false, initWaiting), ReasonConfigMissing},
		{"crash loop", kubeletPod(room, corev1.PodRunning, false, crashed(4, corev1.ContainerState{
			Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff", Message: "back-off 40s"}})), ReasonCrashLooping},
		{"running after a second crash", kubeletPod(room, corev1.PodRunning, false,
			crashed(2, corev1.ContainerState{Running: &corev1.ContainerStateRunning{}})), ReasonCrashLooping},
		{"running after one crash", kubeletPod(room, corev1.PodRunning, false,
			crashed(1, corev1.ContainerState{Running: &corev1.ContainerStateRunning{}})), ReasonPodNotReady},
		{"unschedulable", kubeletPod(room, corev1.PodPending, false, func(p *corev1.Pod) {
			p.Status.Conditions = p.Status.Conditions[:4]
			unschedulable(p)
		}), ReasonUnschedulable},
		{"evicted", kubeletPod(room, corev1.PodFailed, false, evicted), ReasonPodFailed},
		{"terminating", kubeletPod(room, corev1.PodRunning, true, terminating), ReasonPodTerminating},
		{"someone else's", kubeletPod(room, corev1.PodRunning, true, foreign), ReasonPodConflict},
		{"told its match had started", kubeletPod(room, corev1.PodRunning, true, told), ReasonPodReady},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			before := tc.pod.DeepCopy()
			out, err := trimPod(tc.pod)
			g.Expect(err).NotTo(HaveOccurred())
			got := out.(*corev1.Pod)

			g.Expect(judgePod(room, got, nil)).To(Equal(judgePod(room, before, nil)))
			g.Expect(judgePod(room, got, nil).reason).To(Equal(tc.reason))
			g.Expect(endpoint(room, got)).To(Equal(endpoint(room, before)))
			g.Expect(podReady(got)).To(Equal(podReady(before)))
			g.Expect(podFinished(got)).To(Equal(podFinished(before)))
			g.Expect(podStopReason(got)).To(Equal(podStopReason(before)))
			g.Expect(waitingReason(got)).To(Equal(waitingReason(before)))
			healthy := &metav1.Condition{LastTransitionTime: metav1.NewTime(t0.Add(-time.Hour))}
			g.Expect(readySince(healthy, got)).To(Equal(readySince(healthy, before)))
			g.Expect(toldMatchStarted(got)).To(Equal(toldMatchStarted(before)))

			// Kept: what the reconciler, the owner watch and the label
			// selector need.
			g.Expect(got.Name).To(Equal(before.Name))
			g.Expect(got.Namespace).To(Equal(before.Namespace))
			g.Expect(got.UID).To(Equal(before.UID))
			g.Expect(got.ResourceVersion).To(Equal(before.ResourceVersion))
			g.Expect(got.CreationTimestamp).To(Equal(before.CreationTimestamp))
			g.Expect(got.DeletionTimestamp).To(Equal(before.DeletionTimestamp))
			g.Expect(got.Labels).To(Equal(before.Labels))
			g.Expect(got.OwnerReferences).To(Equal(before.OwnerReferences))
			g.Expect(got.Status.Phase).To(Equal(before.Status.Phase))
			g.Expect(got.Status.PodIP).To(Equal(before.Status.PodIP))

			// Dropped: all that nothing reads.
			g.Expect(got.Spec).To(Equal(toldSpec(before)), "of the spec, only whether the pod was told")
			g.Expect(got.Annotations).To(BeNil())
			g.Expect(got.Finalizers).To(BeNil())
			g.Expect(got.ManagedFields).To(BeNil())
			g.Expect(got.Generation).To(BeZero())
			g.Expect(got.Status.HostIP).To(BeEmpty())
			g.Expect(got.Status.HostIPs).To(BeNil())
			g.Expect(got.Status.PodIPs).To(BeNil())
			g.Expect(got.Status.StartTime).To(BeNil())
			g.Expect(got.Status.QOSClass).To(BeEmpty())
			g.Expect(got.Status.ObservedGeneration).To(BeZero())
			for _, c := range got.Status.Conditions {
				g.Expect(c.Type).To(BeElementOf(corev1.PodReady, corev1.PodScheduled))
				g.Expect(c.LastProbeTime.IsZero()).To(BeTrue())
				g.Expect(c.ObservedGeneration).To(BeZero())
			}
			for _, cs := range append(got.Status.InitContainerStatuses, got.Status.ContainerStatuses...) {
				g.Expect(cs.ImageID).To(BeEmpty())
				g.Expect(cs.ContainerID).To(BeEmpty())
				g.Expect(cs.Started).To(BeNil())
				g.Expect(cs.VolumeMounts).To(BeNil())
				g.Expect(cs.User).To(BeNil())
				g.Expect(cs.State.Running).To(BeNil())
				if cs.State.Waiting == nil {
					g.Expect(cs.Image).To(BeEmpty(), "the image is kept only while the container waits")
				}
			}

			again, err := trimPod(got)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(again).To(Equal(got), "trimming a trimmed pod changes nothing")
		})
	}
}

// The image of a container that cannot be pulled is kept: the room's
// condition names it.
func TestTrimPodKeepsTheImageOfAWaitingContainer(t *testing.T) {
	g := NewWithT(t)
	room := testRoom().Obj()
	pod := kubeletPod(room, corev1.PodPending, false, waiting("ErrImagePull", "manifest unknown"))
	out, err := trimPod(pod)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(out.(*corev1.Pod).Status.ContainerStatuses[0].Image).To(Equal("registry.example/croupier:nope"))
	g.Expect(judgePod(room, out.(*corev1.Pod), nil).message).To(ContainSubstring(`"registry.example/croupier:nope"`))
}

// Other kinds pass through the pod transform untouched.
func TestTrimPodLeavesOtherKinds(t *testing.T) {
	g := NewWithT(t)
	room := testRoom().Obj()
	out, err := trimPod(room)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(out).To(BeIdenticalTo(room))
}

const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// A cached room or pool keeps the product's annotations, which the
// operator reads, and everything else but managedFields and other tools'
// annotations.
func TestTrimRoomDropsOtherToolsAnnotations(t *testing.T) {
	managed := []metav1.ManagedFieldsEntry{{Manager: "kubectl-client-side-apply"}}
	cases := []struct {
		name string
		in   map[string]string
		want map[string]string
	}{
		{"none", nil, nil},
		{"only kubectl's", map[string]string{lastApplied: `{"apiVersion":"games.croupier.dev/v1alpha1"}`}, nil},
		{"only the product's", map[string]string{gamesv1.AnnotationSkipRedisCleanup: "true"},
			map[string]string{gamesv1.AnnotationSkipRedisCleanup: "true"}},
		{"both", map[string]string{
			lastApplied:                         `{"apiVersion":"games.croupier.dev/v1alpha1"}`,
			"argocd.argoproj.io/tracking-id":    "app:games.croupier.dev/GameRoom:ns/table",
			"games.croupier.dev/draining-since": "2026-11-26T12:00:00Z",
			"games.croupier.dev/claimed-at":     "2026-11-26T12:00:01Z",
		}, map[string]string{
			"games.croupier.dev/draining-since": "2026-11-26T12:00:00Z",
			"games.croupier.dev/claimed-at":     "2026-11-26T12:00:01Z",
		}},
		{"a look-alike prefix", map[string]string{"games.croupier.dev.example.com/x": "y"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			// trimmed: obj loses its managedFields and foreign
			// annotations, and nothing else.
			trimmed := func(obj client.Object) {
				obj.SetAnnotations(tc.in)
				obj.SetManagedFields(managed)
				before := obj.DeepCopyObject().(client.Object)
				out, err := trimRoom(obj)
				g.Expect(err).NotTo(HaveOccurred())
				got := out.(client.Object)
				g.Expect(got.GetAnnotations()).To(Equal(tc.want))
				g.Expect(got.GetManagedFields()).To(BeNil())
				got.SetAnnotations(before.GetAnnotations())
				got.SetManagedFields(before.GetManagedFields())
				g.Expect(got).To(Equal(before), "%T: nothing else is trimmed", obj)
			}
			room := testRoom().Phase(gamesv1.PhaseReady).Obj()
			room.Labels = map[string]string{"games.croupier.dev/pool": "quick"}
			room.Finalizers = []string{gamesv1.FinalizerRedisCleanup, "example.com/keep"}
			trimmed(room)
			trimmed(gameroomtest.MakeGameRoomPool("quick", "ns", 2).Obj())
		})
	}
}

// Strings that repeat across cached objects are held once; the values
// that are unique per object are not kept in the table.
func TestInternerSharesRepeatedStrings(t *testing.T) {
	g := NewWithT(t)
	var in interner
	a, b := strings.Clone("games.croupier.dev/redis-cleanup"), strings.Clone("games.croupier.dev/redis-cleanup")
	g.Expect(addr(a)).NotTo(Equal(addr(b)))
	g.Expect(addr(in.of(a))).To(Equal(addr(in.of(b))))
	g.Expect(in.of("")).To(BeEmpty())

	l1 := map[string]string{LabelName: strings.Clone("croupier"), LabelRoom: strings.Clone("room-1")}
	l2 := map[string]string{LabelName: strings.Clone("croupier"), LabelRoom: strings.Clone("room-1")}
	s1, s2 := in.labels(l1, LabelName), in.labels(l2, LabelName)
	g.Expect(s1).To(Equal(l1))
	g.Expect(addr(s1[LabelName])).To(Equal(addr(s2[LabelName])))
	g.Expect(addr(s1[LabelRoom])).NotTo(Equal(addr(s2[LabelRoom])), "a room's own value is not shared")
	g.Expect(in.m).NotTo(HaveKey("room-1"))
	g.Expect(in.labels(map[string]string{}, LabelName)).To(BeNil())
}

// The table stops growing at its bound; past it, strings are returned
// as they are.
func TestInternerIsBounded(t *testing.T) {
	g := NewWithT(t)
	var in interner
	for i := range maxInterned + 100 {
		in.of(fmt.Sprintf("value-%d", i))
	}
	g.Expect(in.m).To(HaveLen(maxInterned))
	late := fmt.Sprintf("value-%d", maxInterned+1)
	g.Expect(in.of(late)).To(Equal(late))
}

// Two pods of the same namespace, decoded apart, share their namespace,
// label keys and owner kind once cached.
func TestTrimmedPodsShareTheirRepeatedStrings(t *testing.T) {
	g := NewWithT(t)
	room := testRoom().Obj()
	decoded := func() *corev1.Pod {
		p := kubeletPod(room, corev1.PodRunning, true)
		p.Namespace = strings.Clone(p.Namespace)
		p.OwnerReferences[0].Kind = strings.Clone(p.OwnerReferences[0].Kind)
		labels := map[string]string{}
		for k, v := range p.Labels {
			labels[strings.Clone(k)] = strings.Clone(v)
		}
		p.Labels = labels
		return p
	}
	a, err := trimPod(decoded())
	g.Expect(err).NotTo(HaveOccurred())
	b, err := trimPod(decoded())
	g.Expect(err).NotTo(HaveOccurred())
	pa, pb := a.(*corev1.Pod), b.(*corev1.Pod)
	g.Expect(addr(pa.Namespace)).To(Equal(addr(pb.Namespace)))
	g.Expect(addr(pa.OwnerReferences[0].Kind)).To(Equal(addr(pb.OwnerReferences[0].Kind)))
	g.Expect(addr(pa.Labels[LabelName])).To(Equal(addr(pb.Labels[LabelName])))
}

// addr is where s's bytes are: two strings share a copy when it is equal.
func addr(s string) uintptr { return uintptr(unsafe.Pointer(unsafe.StringData(s))) }
