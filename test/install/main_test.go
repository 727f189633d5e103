// Package install installs the Helm chart with the helm binary the
// repository builds into a real control plane (etcd, kube-apiserver,
// kube-controller-manager) and runs what it installed: the operator and
// the router as `croupier` processes with exactly the flags the chart
// rendered for them and the ServiceAccount tokens of the chart's own
// ServiceAccounts, game pods under the local pod runner, Redis as a local
// redis-server with the password the chart generated. A match played
// through that router shows the chart's RBAC is enough; access reviews
// show it is no more than that; an upgrade and an uninstall show what a
// platform engineer keeps.
package install

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-logr/logr"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/internal/controlplane"
	"github.com/croupier-dev/croupier/internal/platformtest"
)

// env is what every test of the package shares: one control plane, one
// croupier binary, one helm home.
var env struct {
	cp         *controlplane.ControlPlane
	admin      *rest.Config
	c          client.Client // admin, uncached
	cs         kubernetes.Interface
	binary     string
	gameserver string // the program game pods run
	helm       string
	// dir holds the kubeconfigs, helm's home, the values and every
	// process's log.
	dir        string
	kubeconfig string
}

func TestMain(m *testing.M) {
	flag.Parse()
	// controller-runtime's pieces started in this process (the pod runner)
	// log nowhere; the processes' logs are files under env.dir.
	ctrllog.SetLogger(logr.Discard())
	code, err := run(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	os.Exit(code)
}

func run(m *testing.M) (int, error) {
	dir, err := os.MkdirTemp("", "croupier-install-")
	if err != nil {
		return 0, err
	}
	env.dir = dir
	keep := false
	defer func() {
		if !keep {
			_ = os.RemoveAll(dir)
		}
	}()
	if env.helm, err = helmBinary(); err != nil {
		return 0, err
	}
	// The binary builds while the control plane starts: two slow things
	// at once on a loaded machine.
	built := make(chan error, 1)
	go func() { built <- buildBinary() }()
	env.cp, err = controlplane.Start(context.Background(), controlplane.Options{
		AssetsDir: controlplane.AssetsDir(),
		Logs:      logsTo(filepath.Join(dir, "logs")),
	})
	if berr := <-built; berr != nil || err != nil {
		if env.cp != nil {
			_ = env.cp.Stop()
		}
		return 0, errors.Join(berr, err)
	}
	defer func() { _ = env.cp.Stop() }()
	env.admin = env.cp.Config()
	if env.c, err = client.New(env.admin, client.Options{Scheme: scheme}); err != nil {
		return 0, err
	}
	if env.cs, err = kubernetes.NewForConfig(env.admin); err != nil {
		return 0, err
	}
	env.kubeconfig = filepath.Join(dir, "admin.kubeconfig")
	if err := os.WriteFile(env.kubeconfig, env.cp.AdminKubeconfig(), 0o600); err != nil {
		return 0, err
	}
	start := time.Now()
	code := m.Run()
	if code != 0 {
		// The processes' logs say why; keep them.
		keep = true
		fmt.Fprintf(os.Stderr, "install tests failed after %s; logs kept in %s\n", time.Since(start).Round(time.Millisecond), filepath.Join(dir, "logs"))
	}
	return code, nil
}

// scheme knows the built-in kinds and GameRooms.
var scheme = func() *runtime.Scheme {
	s := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(s)
	_ = gamesv1.AddToScheme(s)
	_ = apiextensionsv1.AddToScheme(s)
	return s
}()

// buildBinary builds the image's two programs once: croupier for the
// operator, the router and the matchmaker, croupier-gameserver for every
// game pod.
func buildBinary() (err error) {
	env.binary, env.gameserver, err = platformtest.BuildBinaries(env.dir)
	return err
}
