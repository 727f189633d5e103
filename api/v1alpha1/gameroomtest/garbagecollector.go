package gameroomtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// StartGarbageCollector runs kube-controller-manager's garbage collector
// against env, which envtest lacks, so deleting an owner really deletes
// what it owns. stop kills it.
func StartGarbageCollector(env *envtest.Environment, cfg *rest.Config) (stop func(), err error) {
	bin := filepath.Join(os.Getenv("KUBEBUILDER_ASSETS"), "kube-controller-manager")
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("kube-controller-manager is not in KUBEBUILDER_ASSETS: run `make tools` to build it: %w", err)
	}
	user, err := env.AddUser(envtest.User{Name: "garbage-collector", Groups: []string{"system:masters"}}, cfg)
	if err != nil {
		return nil, fmt.Errorf("garbage collector credentials: %w", err)
	}
	kubeconfig, err := user.KubeConfig()
	if err != nil {
		return nil, fmt.Errorf("garbage collector kubeconfig: %w", err)
	}
	dir, err := os.MkdirTemp("", "croupier-gc-")
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(path, kubeconfig, 0o600); err != nil {
		return nil, err
	}
	logs, err := os.Create(filepath.Join(dir, "kube-controller-manager.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "--kubeconfig="+path, "--controllers=garbagecollector",
		"--leader-elect=false", "--secure-port=0", "--use-service-account-credentials=false")
	cmd.Stdout, cmd.Stderr = logs, logs
	// Die with the test binary, even if it crashes before stop runs.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start kube-controller-manager: %w", err)
	}
	return func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		_ = logs.Close()
		_ = os.RemoveAll(dir)
	}, nil
}
