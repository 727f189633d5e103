package install

import (
	"context"
	"fmt"
	"sync"
	"testing"

	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
)

func (in *installation) uninstall(t *testing.T) {
	g := NewWithT(t)
	kept := keptSecrets(in.release)
	helm(t, "uninstall", releaseName, "--namespace", releaseNS)
	// The Deployments are gone: so are their pods.
	var wg sync.WaitGroup
	wg.Go(in.router.stop)
	wg.Go(in.operator.stop)
	wg.Wait()

	// docs/INSTALL.md, "Uninstall": the CRDs, and the Secrets
	// <fullname>-session-keys and <fullname>-redis in every namespace,
	// stay; nothing else does. (It names the bundled Redis's volume claim
	// too, which a StatefulSet controller makes; none runs here.)
	var want []string
	for _, ns := range roomNamespaces {
		for _, name := range []string{in.sessionKeysSecret(t), redisSecret} {
			want = append(want, fmt.Sprintf("Secret %s/%s", ns, name))
		}
	}
	var annotated []string
	for _, s := range kept {
		annotated = append(annotated, objectID(s))
	}
	g.Expect(annotated).To(ConsistOf(want), "the Secrets the chart marks helm.sh/resource-policy: keep")
	for _, o := range in.release.objects {
		err := getObject(t, o)
		if o.GetAnnotations()["helm.sh/resource-policy"] == "keep" {
			g.Expect(err).NotTo(HaveOccurred(), "%s was kept", objectID(o))
		} else {
			g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "%s outlived the release: %v", objectID(o), err)
		}
	}
	g.Expect(leftovers(t)).To(ConsistOf(want))

	// CRDs stay, by Helm's convention, and still serve.
	for _, crd := range chartCRDs(t) {
		g.Expect(getObject(t, crd)).To(Succeed(), "CRD %s was deleted", crd.GetName())
	}
	g.Expect(env.c.List(context.Background(), &gamesv1.GameRoomList{})).To(Succeed())
}

func objectID(o client.Object) string {
	kind := o.GetObjectKind().GroupVersionKind().Kind
	if o.GetNamespace() == "" {
		return kind + " " + o.GetName()
	}
	return fmt.Sprintf("%s %s/%s", kind, o.GetNamespace(), o.GetName())
}

// keptSecrets are the release's Secrets the chart marks to outlive it.
func keptSecrets(rel release) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	for _, s := range rel.find("Secret") {
		if s.GetAnnotations()["helm.sh/resource-policy"] == "keep" {
			out = append(out, s)
		}
	}
	return out
}
