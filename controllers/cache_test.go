package controllers

import (
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// What the controller reads from a cached pod survives the transform;
// the spec, which it never reads, does not.
func TestCachedPodKeepsWhatTheControllerReads(t *testing.T) {
	g := NewWithT(t)
	room := testRoom().Obj()
	pod := podOf(room, corev1.PodRunning, true, "10.0.0.1")
	pod.ManagedFields = []metav1.ManagedFieldsEntry{{Manager: "kubelet"}}
	before := pod.DeepCopy()

	out, err := stripPodSpec(pod)
	g.Expect(err).NotTo(HaveOccurred())
	got := out.(*corev1.Pod)
	g.Expect(got.Spec).To(Equal(corev1.PodSpec{}))
	g.Expect(got.ManagedFields).To(BeNil())
	g.Expect(got.Status).To(Equal(before.Status))
	g.Expect(got.OwnerReferences).To(Equal(before.OwnerReferences))
	g.Expect(got.Labels).To(Equal(before.Labels))
	g.Expect(judgePod(room, got, nil)).To(Equal(judgePod(room, before, nil)))
	g.Expect(endpoint(room, got)).To(Equal(endpoint(room, before)))
}
