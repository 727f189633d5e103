package podrunner

import (
	"context"
	"net/http"
	"testing"

	. "github.com/onsi/gomega"
	admissionv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// refuseStatusLabel marks the pods whose status writes the API server
// refuses while refusePodStatus is in place.
const refuseStatusLabel = "test.croupier.dev/refuse-status"

// refusePodStatus makes the API server refuse every status write of the
// pods labelled refuseStatusLabel, as it refuses everything while it
// restarts; the returned function lifts it. It waits until a write is
// refused, since the API server picks up a new policy shortly after it
// is created.
func refusePodStatus(t *testing.T, g Gomega, probe *corev1.Pod) (lift func()) {
	t.Helper()
	ctx := context.Background()
	policy := &admissionv1.ValidatingAdmissionPolicy{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "refuse-pod-status-"},
		Spec: admissionv1.ValidatingAdmissionPolicySpec{
			FailurePolicy: ptr.To(admissionv1.Fail),
			MatchConstraints: &admissionv1.MatchResources{ResourceRules: []admissionv1.NamedRuleWithOperations{{
				RuleWithOperations: admissionv1.RuleWithOperations{
					Operations: []admissionv1.OperationType{admissionv1.Update},
					Rule:       admissionv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"pods/status"}},
				},
			}}},
			Validations: []admissionv1.Validation{{
				Expression: `!has(object.metadata.labels) || !('` + refuseStatusLabel + `' in object.metadata.labels)`,
				Message:    "status writes refused by the test",
			}},
		},
	}
	g.Expect(k8s.Create(ctx, policy)).To(Succeed())
	binding := &admissionv1.ValidatingAdmissionPolicyBinding{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "refuse-pod-status-"},
		Spec: admissionv1.ValidatingAdmissionPolicyBindingSpec{
			PolicyName:        policy.Name,
			ValidationActions: []admissionv1.ValidationAction{admissionv1.Deny},
		},
	}
	g.Expect(k8s.Create(ctx, binding)).To(Succeed())
	lift = func() {
		g.Expect(k8s.Delete(ctx, binding)).To(Succeed())
		g.Expect(k8s.Delete(ctx, policy)).To(Succeed())
	}
	t.Cleanup(func() { _ = k8s.Delete(ctx, binding); _ = k8s.Delete(ctx, policy) })
	g.Eventually(func() error {
		return k8s.Status().Patch(ctx, probe, client.RawPatch(types.MergePatchType, []byte(`{"status":{"message":"probe"}}`)))
	}, timeout, poll).Should(HaveOccurred(), "the API server never applied the policy")
	return lift
}

// A pod that becomes ready while the API server refuses its status
// writes (as when it restarts) is shown Ready once the API server takes
// them again: the runner retries a failed status write instead of
// waiting for the next change, which may never come.
func TestRunnerRetriesAStatusTheAPIServerRefused(t *testing.T) {
	g := NewWithT(t)
	ns := newNamespace(t)
	pod := MakePod(ns, "refused-game").ReadinessPath("/readyz").Obj()
	pod.Labels[refuseStatusLabel] = "true"
	g.Expect(k8s.Create(context.Background(), pod)).To(Succeed())
	var running *corev1.Pod
	g.Eventually(func(g Gomega) {
		running = getPod(g, pod)
		g.Expect(running.Status.Phase).To(Equal(corev1.PodRunning))
		g.Expect(running.Status.PodIP).NotTo(BeEmpty())
	}, timeout, poll).Should(Succeed())
	g.Expect(condition(running, corev1.PodReady)).To(Equal(corev1.ConditionFalse))

	lift := refusePodStatus(t, g, running)
	g.Eventually(func() error { // the process may not listen yet
		resp, err := http.Post("http://"+running.Status.PodIP+":7350/ready", "", nil)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}, timeout, poll).Should(Succeed())
	// The probe passes and the runner's write of Ready is refused.
	g.Consistently(func(g Gomega) {
		g.Expect(condition(getPod(g, pod), corev1.PodReady)).To(Equal(corev1.ConditionFalse))
	}, 3*statusRetryEvery, poll).Should(Succeed())

	lift()
	g.Eventually(func(g Gomega) {
		g.Expect(condition(getPod(g, pod), corev1.PodReady)).To(Equal(corev1.ConditionTrue))
	}, timeout, poll).Should(Succeed())
	g.Expect(k8s.Delete(context.Background(), pod)).To(Succeed())
}
