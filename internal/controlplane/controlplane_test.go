package controlplane

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

func TestCheckAssetsNamesWhatIsMissing(t *testing.T) {
	g := NewWithT(t)
	dir := t.TempDir()
	g.Expect(os.WriteFile(filepath.Join(dir, Etcd), []byte("#!/bin/sh\n"), 0o755)).To(Succeed())
	err := CheckAssets(dir)
	g.Expect(err).To(MatchError(ContainSubstring("kube-apiserver, kube-controller-manager")))
	g.Expect(err).To(MatchError(ContainSubstring("make tools")))
	g.Expect(err.Error()).NotTo(ContainSubstring("etcd,"))
}

func TestControlPlaneCascadesOwnerReferencesAndStopsCleanly(t *testing.T) {
	if err := CheckAssets(AssetsDir()); err != nil {
		t.Fatal(err)
	}
	g := NewWithT(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	cp, err := Start(ctx, Options{AssetsDir: AssetsDir(), CRDDirs: []string{filepath.Join("testdata", "crds")}})
	g.Expect(err).NotTo(HaveOccurred())
	stopped := false
	defer func() {
		if !stopped {
			_ = cp.Stop()
		}
	}()
	g.Expect(cp.CRDs()).To(ConsistOf("widgets.test.croupier.dev"))

	c, err := client.New(cp.Config(), client.Options{Scheme: newScheme()})
	g.Expect(err).NotTo(HaveOccurred())

	t.Run("deleting an owner deletes its children", func(t *testing.T) {
		widget := &unstructured.Unstructured{}
		widget.SetAPIVersion("test.croupier.dev/v1")
		widget.SetKind("Widget")
		cm := &corev1.ConfigMap{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"}}
		for name, owner := range map[string]client.Object{"custom resource": widget, "ConfigMap": cm} {
			t.Run(name, func(t *testing.T) {
				g := NewWithT(t)
				owner.SetNamespace("default")
				owner.SetName("room-" + strings.ToLower(owner.GetObjectKind().GroupVersionKind().Kind))
				gvk := owner.GetObjectKind().GroupVersionKind()
				g.Expect(c.Create(ctx, owner)).To(Succeed())
				owner.GetObjectKind().SetGroupVersionKind(gvk)
				child := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{
					Name: owner.GetName() + "-game", Namespace: "default",
					OwnerReferences: []metav1.OwnerReference{{
						APIVersion: gvk.GroupVersion().String(), Kind: gvk.Kind, Name: owner.GetName(), UID: owner.GetUID(),
						Controller: ptr.To(true),
					}},
				}}
				g.Expect(c.Create(ctx, child)).To(Succeed())
				g.Expect(c.Delete(ctx, owner)).To(Succeed())
				g.Eventually(func() bool {
					return apierrors.IsNotFound(c.Get(ctx, client.ObjectKeyFromObject(child), &corev1.ConfigMap{}))
				}, 45*time.Second, 200*time.Millisecond).Should(BeTrue(), "the garbage collector never deleted the child")
			})
		}
	})

	t.Run("a deleted namespace is emptied and removed", func(t *testing.T) {
		g := NewWithT(t)
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "doomed"}}
		g.Expect(c.Create(ctx, ns)).To(Succeed())
		g.Expect(c.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "x", Namespace: "doomed"}})).To(Succeed())
		g.Expect(c.Delete(ctx, ns)).To(Succeed())
		g.Eventually(func() bool {
			return apierrors.IsNotFound(c.Get(ctx, client.ObjectKeyFromObject(ns), &corev1.Namespace{}))
		}, 45*time.Second, 200*time.Millisecond).Should(BeTrue(), "the namespace controller never removed the namespace")
	})

	kcm, api := cp.Pids()[KubeControllerManager], cp.APIServerURL()
	g.Expect(cp.Done()).NotTo(BeClosed())
	g.Expect(syscall.Kill(kcm, syscall.SIGKILL)).To(Succeed())
	g.Eventually(cp.Done(), 10*time.Second).Should(BeClosed())
	g.Expect(cp.Err()).To(MatchError("kube-controller-manager exited: signal: killed"))
	g.Expect(cp.Stop()).To(Succeed())
	stopped = true
	g.Expect(syscall.Kill(kcm, 0)).To(MatchError(syscall.ESRCH), "kube-controller-manager still running")
	insecure := &http.Client{Timeout: time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} //nolint:gosec // probing a stopped local server
	_, err = insecure.Get(api.String() + "healthz")
	g.Expect(err).To(HaveOccurred(), "kube-apiserver still serving")
}

// A component that stops on its own is reported by name; an empty
// controller list starts no kube-controller-manager.
func TestADeadComponentIsNamed(t *testing.T) {
	g := NewWithT(t)
	cp, err := Start(context.Background(), Options{AssetsDir: AssetsDir(), Controllers: []string{}})
	g.Expect(err).NotTo(HaveOccurred())
	defer func() { _ = cp.Stop() }()
	pids := cp.Pids()
	g.Expect(pids).NotTo(HaveKey(KubeControllerManager))
	g.Expect(pids).To(HaveKey(Etcd))
	g.Expect(pids).To(HaveKey(KubeAPIServer))
	g.Consistently(cp.Done(), time.Second).ShouldNot(BeClosed())

	g.Expect(syscall.Kill(pids[Etcd], syscall.SIGKILL)).To(Succeed())
	g.Eventually(cp.Done(), 10*time.Second).Should(BeClosed())
	var ce *ComponentError
	g.Expect(errors.As(cp.Err(), &ce)).To(BeTrue())
	g.Expect(ce.Component).To(Equal(Etcd))
	g.Expect(cp.Err()).To(MatchError(fmt.Sprintf("etcd (pid %d) exited", pids[Etcd])))
}
