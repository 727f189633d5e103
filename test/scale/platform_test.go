//go:build scale

package scale

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"k8s.io/client-go/rest"

	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
	"github.com/croupier-dev/croupier/internal/childproc"
	"github.com/croupier-dev/croupier/internal/controlplane"
	"github.com/croupier-dev/croupier/internal/freeport"
	"github.com/croupier-dev/croupier/internal/redisserver"
)

// The parts the benchmark runs: a control plane, a redis-server, and the
// operator as its own process, so its CPU and memory are its own.

func startControlPlane(b *testing.B) *controlplane.ControlPlane {
	b.Helper()
	cp, err := controlplane.Start(context.Background(), controlplane.Options{
		AssetsDir: controlplane.AssetsDir(),
		CRDDirs:   []string{gameroomtest.RepoPath("config", "crd", "bases")},
		// No kube-controller-manager: what is measured is the operator's
		// work on the API server, not a garbage collector's.
		Controllers: []string{},
	})
	if err != nil {
		b.Fatalf("start the control plane: %v", err)
	}
	b.Cleanup(func() { _ = cp.Stop() })
	return cp
}

// fullSpeed is cp's admin configuration without client-go's throttle: the
// benchmark plays every client at full speed; the floor and the
// operator's work are what is measured.
func fullSpeed(cp *controlplane.ControlPlane) *rest.Config {
	cfg := cp.Config()
	cfg.QPS, cfg.Burst = -1, 0
	return cfg
}

func startRedis(b *testing.B) redis.UniversalClient {
	b.Helper()
	srv := redisserver.Start(b)
	c := redis.NewClient(&redis.Options{Addr: srv.Addr, PoolSize: 64})
	b.Cleanup(func() { _ = c.Close() })
	return c
}

// operator is `croupier operator` running as its own process.
type operator struct {
	proc        *childproc.Process
	metricsAddr string
	pprofAddr   string
	log         string
}

func buildCroupier(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "croupier")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = gameroomtest.RepoPath()
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build croupier: %v\n%s", err, out)
	}
	return bin
}

func startOperator(b *testing.B, cp *controlplane.ControlPlane, bin string, rdb redis.UniversalClient) *operator {
	b.Helper()
	dir := b.TempDir()
	kc := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(kc, cp.AdminKubeconfig(), 0o600); err != nil {
		b.Fatal(err)
	}
	metricsAddr, err := freeport.Addr()
	must(b, err)
	probe, err := freeport.Addr()
	must(b, err)
	pprofAddr, err := freeport.Addr()
	must(b, err)
	op := &operator{metricsAddr: metricsAddr, pprofAddr: pprofAddr, log: filepath.Join(dir, "operator.log")}
	logf, err := os.Create(op.log)
	if err != nil {
		b.Fatal(err)
	}
	redisAddr := rdb.(*redis.Client).Options().Addr
	op.proc, err = childproc.Start(childproc.Spec{
		Name: "operator",
		Argv: []string{bin, "operator", "--redis-addrs=" + redisAddr,
			"--metrics-bind-address=" + op.metricsAddr, "--health-probe-bind-address=" + probe,
			"--pprof-bind-address=" + op.pprofAddr,
			"--kube-api-qps=1000", "--kube-api-burst=2000", "--workers=" + strconv.Itoa(envInt("SCALE_WORKERS", 16)), "--zap-log-level=error"},
		Env: append(os.Environ(), "KUBECONFIG="+kc),
		Out: logf,
	})
	if err != nil {
		b.Fatalf("start the operator: %v", err)
	}
	b.Cleanup(func() { op.proc.Stop(10 * time.Second); _ = logf.Close() })
	waitFor(b, time.Minute, "operator /readyz", func() bool {
		resp, err := http.Get("http://" + probe + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return op
}

func waitFor(b *testing.B, limit time.Duration, what string, ok func() bool) {
	b.Helper()
	for deadline := time.Now().Add(limit); !ok(); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			b.Fatal(fmt.Errorf("%s: not after %s", what, limit))
		}
	}
}
