package gameroomtest

import (
	"context"
	"path/filepath"
	"runtime"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
)

// RepoPath joins elem to the repository's root, found from this file so
// every package's tests find the manifests whatever their working directory.
func RepoPath(elem ...string) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(append([]string{filepath.Dir(file), "..", "..", ".."}, elem...)...)
}

// Namespace creates a fresh namespace for one test, enforcing the Pod
// Security "restricted" profile so the API server itself rejects a game pod
// that does not meet it.
func Namespace(t testing.TB, c client.Client) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{
		GenerateName: "test-",
		Labels: map[string]string{
			"pod-security.kubernetes.io/enforce":         "restricted",
			"pod-security.kubernetes.io/enforce-version": "latest",
		},
	}}
	if err := c.Create(context.Background(), ns); err != nil {
		t.Fatalf("create test namespace: %v", err)
	}
	t.Cleanup(func() {
		// envtest has no namespace controller: delete the rooms, so an
		// operator under test does not keep working on them afterwards.
		_ = c.DeleteAllOf(context.Background(), &gamesv1.GameRoom{}, client.InNamespace(ns.Name))
		_ = c.Delete(context.Background(), ns)
	})
	return ns.Name
}
