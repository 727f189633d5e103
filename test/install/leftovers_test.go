package install

import (
	"context"
	"slices"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
)

// leftovers lists every object of every resource type the API server
// serves that carries the release's instance label, as "Kind ns/name".
func leftovers(t testing.TB) []string {
	t.Helper()
	lists, err := env.cs.Discovery().ServerPreferredResources()
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	cfg := rest.CopyConfig(env.admin)
	cfg.WarningHandler = rest.NoWarnings{} // deprecated kinds are listed on purpose
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	selector := "app.kubernetes.io/instance=" + releaseName
	var found []string
	for _, list := range lists {
		gv, err := schema.ParseGroupVersion(list.GroupVersion)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range list.APIResources {
			if strings.Contains(r.Name, "/") || !slices.Contains(r.Verbs, "list") {
				continue
			}
			items, err := dyn.Resource(gv.WithResource(r.Name)).List(context.Background(), metav1.ListOptions{LabelSelector: selector})
			if err != nil {
				t.Fatalf("list %s: %v", r.Name, err)
			}
			for i := range items.Items {
				found = append(found, objectID(&items.Items[i]))
			}
		}
	}
	return found
}
