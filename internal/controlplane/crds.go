package controlplane

import (
	"context"
	"fmt"
	"os"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// InstallCRDs creates (or updates) every CRD manifest in dirs and waits
// until the API server reports each one Established. It returns their names.
func InstallCRDs(ctx context.Context, cfg *rest.Config, dirs ...string) ([]string, error) {
	for _, d := range dirs {
		if _, err := os.Stat(d); err != nil {
			return nil, fmt.Errorf("CRD directory %s: %w (run from the repository root, or `make manifests` to generate it)", d, err)
		}
	}
	crds, err := envtest.InstallCRDs(cfg, envtest.CRDInstallOptions{
		Paths: dirs, ErrorIfPathMissing: true, MaxTime: time.Minute,
	})
	if err != nil {
		return nil, fmt.Errorf("install CRDs from %v: %w", dirs, err)
	}
	if len(crds) == 0 {
		return nil, fmt.Errorf("no CustomResourceDefinition found in %v (run `make manifests`)", dirs)
	}
	names := make([]string, 0, len(crds))
	for _, crd := range crds {
		names = append(names, crd.Name)
	}
	return names, waitEstablished(ctx, cfg, names)
}

func waitEstablished(ctx context.Context, cfg *rest.Config, names []string) error {
	scheme := newScheme()
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		return err
	}
	for _, name := range names {
		err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
			crd := &apiextensionsv1.CustomResourceDefinition{}
			if err := c.Get(ctx, client.ObjectKey{Name: name}, crd); err != nil {
				return false, nil //nolint:nilerr // retried until the deadline
			}
			return established(crd), nil
		})
		if err != nil {
			return fmt.Errorf("CRD %s not established: %w", name, err)
		}
	}
	return nil
}

func established(crd *apiextensionsv1.CustomResourceDefinition) bool {
	for _, c := range crd.Status.Conditions {
		if c.Type == apiextensionsv1.Established && c.Status == apiextensionsv1.ConditionTrue {
			return true
		}
	}
	return false
}
