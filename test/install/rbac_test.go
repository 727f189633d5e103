package install

import (
	"context"
	"fmt"
	"slices"
	"testing"

	. "github.com/onsi/gomega"
	authorizationv1 "k8s.io/api/authorization/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// access is one question to the authorizer; namespace "" means cluster-wide
// (every namespace).
type access struct {
	verb, group, resource, subresource, namespace string
}

func (a access) String() string {
	r := a.resource
	if a.group != "" {
		r += "." + a.group
	}
	if a.subresource != "" {
		r += "/" + a.subresource
	}
	ns := a.namespace
	if ns == "" {
		ns = "<all namespaces>"
	}
	return fmt.Sprintf("%s %s in %s", a.verb, r, ns)
}

// allowed asks the API server, as the ServiceAccount itself, whether it
// may do a: the answer its real requests get.
func (sa serviceAccount) allowed(t testing.TB, a access) bool {
	t.Helper()
	review, err := sa.cs.AuthorizationV1().SelfSubjectAccessReviews().Create(context.Background(), &authorizationv1.SelfSubjectAccessReview{
		Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &authorizationv1.ResourceAttributes{
			Verb: a.verb, Group: a.group, Resource: a.resource, Subresource: a.subresource, Namespace: a.namespace,
		}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("%s: SelfSubjectAccessReview of %s: %v", sa.user(), a, err)
	}
	return review.Status.Allowed
}

// namespacesToCheck are where a permission must not reach: the room
// namespaces, one the chart was not told of, kube-system, and all of them
// at once.
func namespacesToCheck() []string { return []string{releaseNS, extraNS, strangerNS, "kube-system", ""} }

func (in *installation) operatorCannotReadSecrets(t *testing.T) {
	g := NewWithT(t)
	sa := in.operatorSA
	// It can do its job, so a "no" below is about Secrets.
	for _, ns := range roomNamespaces {
		for _, a := range []access{
			{verb: "create", resource: "pods", namespace: ns},
			{verb: "patch", group: "games.croupier.dev", resource: "gamerooms", subresource: "status", namespace: ns},
		} {
			g.Expect(sa.allowed(t, a)).To(BeTrue(), "%s may not %s", sa.user(), a)
		}
	}
	for _, ns := range namespacesToCheck() {
		for _, verb := range []string{"get", "list", "watch"} {
			a := access{verb: verb, resource: "secrets", namespace: ns}
			g.Expect(sa.allowed(t, a)).To(BeFalse(), "%s may %s", sa.user(), a)
		}
	}
	// Pods only in the namespaces the chart prepared for rooms.
	for _, ns := range []string{strangerNS, "kube-system", ""} {
		for _, verb := range []string{"create", "delete", "list"} {
			a := access{verb: verb, resource: "pods", namespace: ns}
			g.Expect(sa.allowed(t, a)).To(BeFalse(), "%s may %s", sa.user(), a)
		}
	}
	// And real requests are refused.
	ctx := context.Background()
	for _, ns := range roomNamespaces {
		_, err := sa.cs.CoreV1().Secrets(ns).Get(ctx, redisSecret, metav1.GetOptions{})
		g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "reading the Redis password in %s as the operator: %v", ns, err)
	}
	_, err := sa.cs.CoreV1().Secrets(releaseNS).Get(ctx, in.sessionKeysSecret(t), metav1.GetOptions{})
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "reading the session keys as the operator: %v", err)
	_, err = sa.cs.CoreV1().Secrets("").List(ctx, metav1.ListOptions{})
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "listing every Secret as the operator: %v", err)
}

func (in *installation) routerIsReadOnly(t *testing.T) {
	g := NewWithT(t)
	sa := in.routerSA
	// It reads rooms in the room namespaces, and only there.
	for _, ns := range namespacesToCheck() {
		for _, verb := range []string{"get", "list", "watch"} {
			a := access{verb: verb, group: "games.croupier.dev", resource: "gamerooms", namespace: ns}
			g.Expect(sa.allowed(t, a)).To(Equal(slices.Contains(roomNamespaces, ns)), "%s may %s: %t", sa.user(), a, sa.allowed(t, a))
		}
	}
	resources := []access{
		{group: "games.croupier.dev", resource: "gamerooms"},
		{group: "games.croupier.dev", resource: "gamerooms", subresource: "status"},
		{group: "games.croupier.dev", resource: "gamerooms", subresource: "finalizers"},
		{resource: "pods"},
		{resource: "pods", subresource: "eviction"},
		{resource: "secrets"},
		{resource: "configmaps"},
		{resource: "services"},
		{resource: "events"},
		{group: "events.k8s.io", resource: "events"},
		{group: "coordination.k8s.io", resource: "leases"},
		{group: "apps", resource: "deployments"},
		{resource: "serviceaccounts", subresource: "token"},
		{group: "rbac.authorization.k8s.io", resource: "rolebindings"},
	}
	for _, ns := range namespacesToCheck() {
		for _, r := range resources {
			for _, verb := range []string{"create", "update", "patch", "delete", "deletecollection"} {
				a := r
				a.verb, a.namespace = verb, ns
				g.Expect(sa.allowed(t, a)).To(BeFalse(), "%s may %s", sa.user(), a)
			}
		}
	}
	for _, ns := range namespacesToCheck() {
		for _, verb := range []string{"get", "list", "watch"} {
			a := access{verb: verb, resource: "secrets", namespace: ns}
			g.Expect(sa.allowed(t, a)).To(BeFalse(), "%s may %s", sa.user(), a)
		}
	}
	// Real requests are refused too.
	_, err := sa.cs.CoreV1().Secrets(releaseNS).Get(context.Background(), in.sessionKeysSecret(t), metav1.GetOptions{})
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "reading the session keys as the router: %v", err)
	_, err = sa.cs.CoreV1().ServiceAccounts(releaseNS).Patch(context.Background(), sa.name, types.MergePatchType,
		[]byte(`{"metadata":{"labels":{"touched":"yes"}}}`), metav1.PatchOptions{})
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "patching its own ServiceAccount as the router: %v", err)
}
