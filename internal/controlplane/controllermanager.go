package controlplane

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/croupier-dev/croupier/internal/childproc"
)

func startControllerManager(opts Options, dir string, kubeconfig []byte) (*childproc.Process, error) {
	path := filepath.Join(dir, "kube-controller-manager.kubeconfig")
	if err := os.WriteFile(path, kubeconfig, 0o600); err != nil {
		return nil, fmt.Errorf("write kube-controller-manager kubeconfig: %w", err)
	}
	spec := childproc.Spec{
		Name: KubeControllerManager,
		Argv: append([]string{filepath.Join(opts.AssetsDir, KubeControllerManager)}, controllerManagerArgs(path, opts.Controllers)...),
	}
	if opts.Logs != nil {
		spec.Out = opts.Logs(KubeControllerManager)
	}
	return childproc.Start(spec)
}

func controllerManagerArgs(kubeconfig string, controllers []string) []string {
	return []string{
		"--kubeconfig=" + kubeconfig,
		"--controllers=" + strings.Join(controllers, ","),
		"--leader-elect=false",
		// Nothing scrapes it locally, so it serves nothing.
		"--secure-port=0",
		"--use-service-account-credentials=false",
		"--v=1",
	}
}
