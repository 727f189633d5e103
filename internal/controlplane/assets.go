package controlplane

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Binaries the local control plane runs, all from one assets directory.
const (
	Etcd                  = "etcd"
	KubeAPIServer         = "kube-apiserver"
	KubeControllerManager = "kube-controller-manager"
)

// DefaultAssetsDir is where `make tools` builds the control plane binaries.
const DefaultAssetsDir = "bin/k8s/1.36.3-etcd-v3.6.16"

// AssetsDir is where the binaries are: KUBEBUILDER_ASSETS when set (the
// Makefile exports it), else DefaultAssetsDir in the repository holding
// the working directory, so `croupier dev` and the tests of any package
// find them wherever they run from.
func AssetsDir() string {
	if d := os.Getenv("KUBEBUILDER_ASSETS"); d != "" {
		return d
	}
	dir, err := os.Getwd()
	if err != nil {
		return DefaultAssetsDir
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, DefaultAssetsDir)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return DefaultAssetsDir
		}
		dir = parent
	}
}

// CheckAssets reports every required binary missing from dir in one error
// that says how to build them.
func CheckAssets(dir string) error {
	var missing []string
	for _, name := range []string{Etcd, KubeAPIServer, KubeControllerManager} {
		info, err := os.Stat(filepath.Join(dir, name))
		if err != nil || info.IsDir() || info.Mode().Perm()&0o111 == 0 {
			missing = append(missing, name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("control plane binaries missing from %s: %s; build them with `make tools` (or point --assets / KUBEBUILDER_ASSETS at a directory holding them)",
		dir, strings.Join(missing, ", "))
}
