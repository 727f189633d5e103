package controllers

import (
	"context"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus/testutil"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
)

func TestCreatesOnePodWithOwnerAndSecurity(t *testing.T) {
	g := NewWithT(t)
	ns := testNamespace(t)
	room := createRoom(t, gameroomtest.MakeGameRoom("table", ns).Players(3))

	pod := waitPod(t, room, "")
	g.Expect(pod.Name).To(Equal("table-game"))
	g.Expect(metav1.IsControlledBy(pod, room)).To(BeTrue())
	ref := metav1.GetControllerOf(pod)
	g.Expect(ref.Kind).To(Equal("GameRoom"))
	g.Expect(*ref.BlockOwnerDeletion).To(BeTrue())
	g.Expect(pod.Labels).To(HaveKeyWithValue("app.kubernetes.io/name", "croupier"))
	g.Expect(pod.Labels).To(HaveKeyWithValue("games.croupier.dev/room", "table"))
	// The namespace enforces Pod Security "restricted": the API server
	// admitted the pod, so it meets the profile.
	g.Expect(*pod.Spec.AutomountServiceAccountToken).To(BeFalse())
	g.Expect(*pod.Spec.Containers[0].SecurityContext.ReadOnlyRootFilesystem).To(BeTrue())
	g.Expect(pod.Spec.Containers[0].Image).To(Equal("croupier:test"))
	g.Expect(envMap(pod.Spec.Containers[0])["CROUPIER_MAX_PLAYERS"].Value).To(Equal("3"))

	g.Eventually(func(g Gomega) {
		r := getRoom(g, room)
		g.Expect(r.Status.Phase).To(Equal(gamesv1.PhaseStarting))
		g.Expect(r.Status.PodName).To(Equal("table-game"))
		g.Expect(r.Status.ObservedGeneration).To(Equal(r.Generation))
		g.Expect(condition(r, gamesv1.ConditionPodHealthy)).To(HaveField("Reason", ReasonPodPending))
	}, waitFor, poll).Should(Succeed())
	// The status says the pod was created; no event repeats it.
	g.Consistently(func(g Gomega) []string { return eventReasons(g, room) }, time.Second, poll).Should(BeEmpty())
}

func TestStatusFollowsPod(t *testing.T) {
	g := NewWithT(t)
	ns := testNamespace(t)
	room := createRoom(t, gameroomtest.MakeGameRoom("table", ns))
	pod := waitPod(t, room, "")

	setPodStatus(t, pod, corev1.PodRunning, false, "10.1.2.3")
	g.Eventually(func(g Gomega) {
		r := getRoom(g, room)
		g.Expect(r.Status.Phase).To(Equal(gamesv1.PhaseStarting))
		g.Expect(r.Status.Endpoint).To(Equal("10.1.2.3:7350"))
		g.Expect(condition(r, gamesv1.ConditionPodHealthy)).To(HaveField("Reason", ReasonPodNotReady))
	}, waitFor, poll).Should(Succeed())

	setPodStatus(t, pod, corev1.PodRunning, true, "10.1.2.3")
	g.Eventually(func(g Gomega) {
		r := getRoom(g, room)
		g.Expect(r.Status.Phase).To(Equal(gamesv1.PhaseReady))
		ready, healthy := condition(r, gamesv1.ConditionReady), condition(r, gamesv1.ConditionPodHealthy)
		g.Expect(ready.Status).To(Equal(metav1.ConditionTrue))
		g.Expect(ready.Reason).To(Equal(ReasonRoomReady))
		g.Expect(ready.ObservedGeneration).To(Equal(r.Generation))
		g.Expect(healthy.Status).To(Equal(metav1.ConditionTrue))
	}, waitFor, poll).Should(Succeed())
	g.Eventually(func(g Gomega) []string { return eventReasons(g, room) }, waitFor, poll).
		Should(ContainElement(EventRoomReady))

	setPodStatus(t, pod, corev1.PodRunning, false, "10.1.2.3")
	g.Eventually(func(g Gomega) {
		r := getRoom(g, room)
		g.Expect(r.Status.Phase).To(Equal(gamesv1.PhaseStarting))
		g.Expect(condition(r, gamesv1.ConditionReady)).To(HaveField("Reason", ReasonPodNotReady))
	}, waitFor, poll).Should(Succeed())
}

func TestObservedGenerationFollowsSpec(t *testing.T) {
	g := NewWithT(t)
	ns := testNamespace(t)
	room := createRoom(t, gameroomtest.MakeGameRoom("table", ns))
	waitPod(t, room, "")
	g.Eventually(func(g Gomega) {
		r := getRoom(g, room)
		r.Spec.IdleTimeout = &metav1.Duration{Duration: time.Hour}
		g.Expect(k8s.Update(context.Background(), r)).To(Succeed())
	}, waitFor, poll).Should(Succeed())
	g.Eventually(func(g Gomega) {
		r := getRoom(g, room)
		g.Expect(r.Generation).To(BeEquivalentTo(2))
		g.Expect(r.Status.ObservedGeneration).To(BeEquivalentTo(2))
		g.Expect(condition(r, gamesv1.ConditionReady)).To(HaveField("ObservedGeneration", BeEquivalentTo(2)))
	}, waitFor, poll).Should(Succeed())
}

func TestDeletedPodIsRecreatedOnce(t *testing.T) {
	g := NewWithT(t)
	ns := testNamespace(t)
	room := createRoom(t, gameroomtest.MakeGameRoom("table", ns))
	first := waitPod(t, room, "")
	// The counter moves before the status write: wait for that write.
	g.Eventually(func(g Gomega) string { return getRoom(g, room).Status.PodName }, waitFor, poll).
		Should(Equal(first.Name))
	created := testutil.ToFloat64(podsCreated)

	g.Expect(k8s.Delete(context.Background(), first)).To(Succeed())
	second := waitPod(t, room, string(first.UID))
	g.Consistently(func(g Gomega) {
		pods := podsOf(g, room)
		g.Expect(pods).To(HaveLen(1))
		g.Expect(pods[0].UID).To(Equal(second.UID))
	}, 2*time.Second, poll).Should(Succeed())
	g.Eventually(func(g Gomega) []string { return eventReasons(g, room) }, waitFor, poll).
		Should(HaveExactElements(EventPodReplaced))
	g.Expect(testutil.ToFloat64(podsCreated)).To(Equal(created + 1))
}

func TestFailedPodIsReplaced(t *testing.T) {
	g := NewWithT(t)
	ns := testNamespace(t)
	room := createRoom(t, gameroomtest.MakeGameRoom("table", ns))
	first := waitPod(t, room, "")
	setPodStatus(t, first, corev1.PodRunning, true, "10.1.2.3")
	g.Eventually(func(g Gomega) gamesv1.GameRoomPhase { return getRoom(g, room).Status.Phase }, waitFor, poll).
		Should(Equal(gamesv1.PhaseReady))

	stopped := testutil.ToFloat64(stoppedPodsDeleted)
	setPodStatus(t, first, corev1.PodFailed, false, "10.1.2.3")
	second := waitPod(t, room, string(first.UID))
	g.Expect(testutil.ToFloat64(stoppedPodsDeleted)).To(Equal(stopped + 1))
	g.Consistently(func(g Gomega) []corev1.Pod { return podsOf(g, room) }, 2*time.Second, poll).Should(HaveLen(1))
	g.Expect(podsOf(g, room)[0].UID).To(Equal(second.UID))
	g.Eventually(func(g Gomega) {
		r := getRoom(g, room)
		g.Expect(r.Status.Phase).To(Equal(gamesv1.PhaseStarting))
		g.Expect(r.Status.Endpoint).To(BeEmpty())
	}, waitFor, poll).Should(Succeed())
	g.Eventually(func(g Gomega) []string { return eventReasons(g, room) }, waitFor, poll).
		Should(ContainElements(EventPodFailed, EventPodReplaced))
}

func TestDeletingRoomDeletesItsPod(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	ns := testNamespace(t)
	room := createRoom(t, gameroomtest.MakeGameRoom("table", ns))
	pod := waitPod(t, room, "")
	g.Expect(metav1.IsControlledBy(pod, room)).To(BeTrue())

	// The suite runs kube-controller-manager's garbage collector, so this
	// is the cascade a cluster performs.
	g.Expect(k8s.Delete(ctx, room)).To(Succeed())
	g.Eventually(func(g Gomega) []corev1.Pod { return podsOf(g, room) }, waitFor, poll).Should(BeEmpty())
	// The finalizer deletes the pod before it clears Redis and lets the
	// room go, so the room may outlive its pod for a moment.
	g.Eventually(func() bool {
		return apierrors.IsNotFound(k8s.Get(ctx, client.ObjectKeyFromObject(room), &gamesv1.GameRoom{}))
	}, waitFor, poll).Should(BeTrue())
	g.Consistently(func(g Gomega) []corev1.Pod { return podsOf(g, room) }, time.Second, poll).Should(BeEmpty())
}

func TestInvalidTemplateFailsTheRoom(t *testing.T) {
	g := NewWithT(t)
	ns := testNamespace(t)
	room := createRoom(t, gameroomtest.MakeGameRoom("table", ns).NodeSelector("not a label key", "x"))
	g.Eventually(func(g Gomega) {
		r := getRoom(g, room)
		g.Expect(r.Status.Phase).To(Equal(gamesv1.PhaseFailed))
		ready := condition(r, gamesv1.ConditionReady)
		g.Expect(ready.Reason).To(Equal(ReasonPodInvalid))
		g.Expect(ready.Message).To(ContainSubstring("nodeSelector"))
	}, waitFor, poll).Should(Succeed())
	g.Expect(podsOf(g, room)).To(BeEmpty())
	g.Eventually(func(g Gomega) []string { return eventReasons(g, room) }, waitFor, poll).
		Should(ContainElements(EventPodCreateFailed, EventRoomFailed))
}

func TestForeignPodIsNotTaken(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	ns := testNamespace(t)
	// Someone else's pod already has the name; the operator's cache does
	// not see it (no room label), so only the API server can tell.
	foreign := buildPod(gameroomtest.MakeGameRoom("table", ns).Obj(), suitePods)
	foreign.OwnerReferences, foreign.Labels = nil, map[string]string{"owner": "someone"}
	g.Expect(k8s.Create(ctx, foreign)).To(Succeed())

	room := createRoom(t, gameroomtest.MakeGameRoom("table", ns))
	g.Eventually(func(g Gomega) {
		r := getRoom(g, room)
		g.Expect(r.Status.Phase).To(Equal(gamesv1.PhaseFailed))
		g.Expect(condition(r, gamesv1.ConditionPodHealthy)).To(HaveField("Reason", ReasonPodConflict))
	}, waitFor, poll).Should(Succeed())
	got := &corev1.Pod{}
	g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(foreign), got)).To(Succeed())
	g.Expect(got.UID).To(Equal(foreign.UID), "the operator must leave a pod it does not own alone")
	g.Expect(got.OwnerReferences).To(BeEmpty())
}

// A reconciler whose cache has never seen the pod, racing the running
// operator, still leaves exactly one pod: the name is deterministic and
// AlreadyExists means "the room's pod exists".
func TestStaleCacheCannotDoubleCreate(t *testing.T) {
	g := NewWithT(t)
	ns := testNamespace(t)
	room := createRoom(t, gameroomtest.MakeGameRoom("table", ns))
	blind := staleReconciler(t, func(ctx context.Context, c client.WithWatch, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
		if _, ok := obj.(*corev1.Pod); ok {
			return apierrors.NewNotFound(corev1.Resource("pods"), key.Name)
		}
		return c.Get(ctx, key, obj, opts...)
	})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			_, err := blind.Reconcile(context.Background(), ctrl.Request{NamespacedName: client.ObjectKeyFromObject(room)})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		g.Expect(err).NotTo(HaveOccurred(), "AlreadyExists means the room's pod exists: not an error")
	}
	pod := waitPod(t, room, "")
	g.Consistently(func(g Gomega) {
		pods := podsOf(g, room)
		g.Expect(pods).To(HaveLen(1))
		g.Expect(pods[0].UID).To(Equal(pod.UID))
	}, time.Second, poll).Should(Succeed())
}

// A reconciler that still sees the failed pod after its replacement exists
// must not delete the replacement: the delete names the failed pod's UID.
func TestStaleFailedPodDoesNotKillReplacement(t *testing.T) {
	g := NewWithT(t)
	ns := testNamespace(t)
	room := createRoom(t, gameroomtest.MakeGameRoom("table", ns))
	first := waitPod(t, room, "")
	setPodStatus(t, first, corev1.PodFailed, false, "")
	second := waitPod(t, room, string(first.UID))

	stale := first.DeepCopy()
	stale.Status.Phase = corev1.PodFailed
	blind := staleReconciler(t, func(ctx context.Context, c client.WithWatch, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
		if p, ok := obj.(*corev1.Pod); ok {
			stale.DeepCopyInto(p)
			return nil
		}
		return c.Get(ctx, key, obj, opts...)
	})
	_, err := blind.Reconcile(context.Background(), ctrl.Request{NamespacedName: client.ObjectKeyFromObject(room)})
	g.Expect(err).NotTo(HaveOccurred())
	g.Consistently(func(g Gomega) {
		pods := podsOf(g, room)
		g.Expect(pods).To(HaveLen(1))
		g.Expect(pods[0].UID).To(Equal(second.UID))
	}, time.Second, poll).Should(Succeed())
}

// staleReconciler is a second reconciler over the real API server whose
// reads of pods go through get, to play a cache that lags.
func staleReconciler(t *testing.T, get func(context.Context, client.WithWatch, client.ObjectKey, client.Object, ...client.GetOption) error) *GameRoomReconciler {
	t.Helper()
	w, err := client.NewWithWatch(cfg, client.Options{Scheme: scheme})
	NewWithT(t).Expect(err).NotTo(HaveOccurred())
	c := interceptor.NewClient(w, interceptor.Funcs{Get: get})
	return &GameRoomReconciler{
		Client: c, APIReader: k8s, Recorder: events.NewFakeRecorder(100), Clock: clock.RealClock{}, Pods: suitePods,
	}
}
