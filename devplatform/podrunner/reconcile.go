package podrunner

import (
	"context"
	"errors"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// configRetry is how often a pod that cannot start yet (a missing Secret)
// is tried again.
const configRetry = 3 * time.Second

// Reconcile brings one pod's local process in line with the pod object.
func (r *Runner) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	pod := &corev1.Pod{}
	err := r.cache.Get(ctx, req.NamespacedName, pod)
	if apierrors.IsNotFound(err) {
		r.stopStale(req.NamespacedName, "")
		return ctrl.Result{}, nil
	}
	if err != nil {
		return ctrl.Result{}, err
	}
	// A pod recreated under the same name is a new pod: the old process goes.
	r.stopStale(req.NamespacedName, pod.UID)
	switch {
	case pod.Spec.NodeName != "" && pod.Spec.NodeName != r.opts.NodeName:
		return ctrl.Result{}, nil
	case pod.DeletionTimestamp != nil:
		return ctrl.Result{}, r.terminate(ctx, pod)
	case r.tracked(pod.UID) || finished(pod):
		return ctrl.Result{}, nil
	}
	if pod.Spec.NodeName == "" {
		if err := r.bind(ctx, pod); err != nil {
			return ctrl.Result{}, err
		}
	}
	return r.start(ctx, pod)
}

func finished(pod *corev1.Pod) bool {
	return pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed
}

func (r *Runner) tracked(uid types.UID) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.pods[uid] != nil
}

// bind assigns the pod to the local node, as a scheduler would.
func (r *Runner) bind(ctx context.Context, pod *corev1.Pod) error {
	binding := &corev1.Binding{
		ObjectMeta: metav1.ObjectMeta{Name: pod.Name, Namespace: pod.Namespace, UID: pod.UID},
		Target:     corev1.ObjectReference{Kind: "Node", Name: r.opts.NodeName},
	}
	if err := r.api.SubResource("binding").Create(ctx, pod, binding); err != nil {
		return fmt.Errorf("bind pod %s to node %s: %w", client.ObjectKeyFromObject(pod), r.opts.NodeName, err)
	}
	pod.Spec.NodeName = r.opts.NodeName
	return nil
}

// stopStale stops the processes of pods named key other than keep: pods
// deleted outright, or replaced under the same name.
func (r *Runner) stopStale(key types.NamespacedName, keep types.UID) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for uid, gp := range r.pods {
		if gp.key != key || uid == keep {
			continue
		}
		delete(r.pods, uid)
		if gp.markTerminating() {
			r.opts.Log.Info("pod deleted, stopping its process", "pod", key, "pid", gp.pid())
			r.wg.Go(func() { gp.stop(r.opts.MaxGracePeriod) })
		}
	}
}

// terminate handles a graceful deletion as the kubelet does: stop the
// process within the grace period, then remove the pod for good.
func (r *Runner) terminate(ctx context.Context, pod *corev1.Pod) error {
	r.mu.Lock()
	gp := r.pods[pod.UID]
	r.mu.Unlock()
	if gp == nil {
		return r.forceDelete(ctx, pod)
	}
	if !gp.markTerminating() {
		return nil
	}
	grace := r.opts.MaxGracePeriod
	if s := pod.DeletionGracePeriodSeconds; s != nil {
		grace = min(grace, time.Duration(*s)*time.Second)
	}
	r.opts.Log.Info("pod terminating, stopping its process", "pod", gp.key, "pid", gp.pid(), "grace", grace)
	r.wg.Go(func() {
		gp.stop(grace)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := r.forceDelete(ctx, pod); err != nil {
			r.opts.Log.Error(err, "remove terminated pod", "pod", gp.key)
		}
	})
	return nil
}

func (r *Runner) forceDelete(ctx context.Context, pod *corev1.Pod) error {
	err := r.api.Delete(ctx, pod, client.GracePeriodSeconds(0), client.Preconditions{UID: &pod.UID})
	if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
		return nil
	}
	return err
}

// start runs the pod's process, or reports in the pod's status why it
// cannot run yet.
func (r *Runner) start(ctx context.Context, pod *corev1.Pod) (ctrl.Result, error) {
	gp, err := r.launch(ctx, pod)
	var cfgErr *configError
	if errors.As(err, &cfgErr) {
		if pod.Status.ContainerStatuses == nil || waitingMessage(pod) != cfgErr.msg {
			r.opts.Log.Info("pod cannot start yet", "pod", client.ObjectKeyFromObject(pod), "reason", cfgErr.msg)
		}
		o := observed{waitReason: "CreateContainerConfigError", waitMessage: cfgErr.msg}
		return ctrl.Result{RequeueAfter: configRetry}, r.writeStatus(ctx, pod.UID, client.ObjectKeyFromObject(pod), o)
	}
	if err != nil {
		return ctrl.Result{}, err
	}
	r.opts.Log.Info("pod started", "pod", gp.key, "ip", gp.ip, "pid", gp.pid(), "log", gp.logPath)
	return ctrl.Result{}, gp.publish(ctx, r)
}

// waitingMessage is the reason already shown in the pod's status, so a
// retry that fails the same way is not logged again.
func waitingMessage(pod *corev1.Pod) string {
	for _, cs := range pod.Status.ContainerStatuses {
		if cs.State.Waiting != nil {
			return cs.State.Waiting.Message
		}
	}
	return ""
}

// writeStatus writes the status o implies onto the current pod, if the
// pod with that uid still exists.
func (r *Runner) writeStatus(ctx context.Context, uid types.UID, key types.NamespacedName, o observed) error {
	for attempt := 0; ; attempt++ {
		pod := &corev1.Pod{}
		if err := r.api.Get(ctx, key, pod); err != nil {
			return client.IgnoreNotFound(err)
		}
		if pod.UID != uid || pod.DeletionTimestamp != nil {
			return nil
		}
		pod.Status = podStatus(pod, o, metav1.Now())
		err := r.api.Status().Update(ctx, pod)
		if !apierrors.IsConflict(err) || attempt == 5 {
			return client.IgnoreNotFound(err)
		}
	}
}
