package controlplane

import (
	"context"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

func TestRestartAPIServerKeepsObjectsCredentialsAndTheWatch(t *testing.T) {
	if err := CheckAssets(AssetsDir()); err != nil {
		t.Fatal(err)
	}
	g := NewWithT(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cp, err := Start(ctx, Options{AssetsDir: AssetsDir(), CRDDirs: []string{filepath.Join("testdata", "crds")}, Controllers: []string{}})
	g.Expect(err).NotTo(HaveOccurred())
	defer func() { _ = cp.Stop() }()
	c, err := client.New(cp.Config(), client.Options{Scheme: newScheme()})
	g.Expect(err).NotTo(HaveOccurred())
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "kept"}, Data: map[string]string{"k": "v"}}
	g.Expect(c.Create(ctx, cm)).To(Succeed())
	before := cp.Pids()[KubeAPIServer]

	g.Expect(cp.RestartAPIServer(ctx)).To(Succeed())

	after := cp.Pids()[KubeAPIServer]
	g.Expect(after).NotTo(BeZero())
	g.Expect(after).NotTo(Equal(before), "the same process answered")
	got := &corev1.ConfigMap{}
	g.Expect(c.Get(ctx, client.ObjectKeyFromObject(cm), got)).To(Succeed(), "the old client's certificates still work")
	g.Expect(got.Data).To(HaveKeyWithValue("k", "v"))
	g.Consistently(cp.Done(), time.Second).ShouldNot(BeClosed(), "the planned exit was reported as a death")

	g.Expect(cp.RestartAPIServer(ctx)).To(Succeed(), "a restarted server restarts again")
	after2 := cp.Pids()[KubeAPIServer]
	g.Expect(c.Get(ctx, client.ObjectKeyFromObject(cm), got)).To(Succeed())
	g.Expect(cp.Stop()).To(Succeed())
	g.Expect(syscall.Kill(after2, 0)).To(MatchError(syscall.ESRCH), "Stop left the restarted server running")
}
