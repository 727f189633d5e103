//go:build scale

package scale

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
	"github.com/croupier-dev/croupier/internal/redistest"
)

// The parts the benchmark runs: a control plane, a redis-server, and the
// operator as its own process, so its CPU and memory are its own.

func startControlPlane(b *testing.B) (*envtest.Environment, *rest.Config) {
	b.Helper()
	env, err := gameroomtest.NewEnvironment()
	if err != nil {
		b.Fatal(err)
	}
	cfg, err := env.Start()
	if err != nil {
		b.Fatalf("start the control plane: %v", err)
	}
	b.Cleanup(func() { _ = env.Stop() })
	// The benchmark plays every client at full speed; the floor and the
	// operator's work are what is measured, not client-go's throttle.
	cfg.QPS, cfg.Burst = -1, 0
	return env, cfg
}

func startRedis(b *testing.B) redis.UniversalClient {
	b.Helper()
	srv := redistest.Start(b)
	c := redis.NewClient(&redis.Options{Addr: srv.Addr, PoolSize: 64})
	b.Cleanup(func() { _ = c.Close() })
	return c
}

// operator is `croupier operator` running as its own process.
type operator struct {
	cmd         *exec.Cmd
	metricsAddr string
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

func startOperator(b *testing.B, env *envtest.Environment, cfg *rest.Config, bin string, rdb redis.UniversalClient) *operator {
	b.Helper()
	user, err := env.AddUser(envtest.User{Name: "croupier-operator", Groups: []string{"system:masters"}}, cfg)
	if err != nil {
		b.Fatal(err)
	}
	kubeconfig, err := user.KubeConfig()
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	kc := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(kc, kubeconfig, 0o600); err != nil {
		b.Fatal(err)
	}
	op := &operator{metricsAddr: freeAddr(b), log: filepath.Join(dir, "operator.log")}
	probe := freeAddr(b)
	logf, err := os.Create(op.log)
	if err != nil {
		b.Fatal(err)
	}
	redisAddr := rdb.(*redis.Client).Options().Addr
	op.cmd = exec.Command(bin, "operator", "--redis-addrs="+redisAddr,
		"--metrics-bind-address="+op.metricsAddr, "--health-probe-bind-address="+probe,
		"--kube-api-qps=1000", "--kube-api-burst=2000", "--workers=16", "--zap-log-level=error")
	op.cmd.Env = append(os.Environ(), "KUBECONFIG="+kc)
	op.cmd.Stdout, op.cmd.Stderr = logf, logf
	op.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := op.cmd.Start(); err != nil {
		b.Fatalf("start the operator: %v", err)
	}
	b.Cleanup(func() { _ = op.cmd.Process.Kill(); _ = op.cmd.Wait(); _ = logf.Close() })
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

func freeAddr(b *testing.B) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func waitFor(b *testing.B, limit time.Duration, what string, ok func() bool) {
	b.Helper()
	for deadline := time.Now().Add(limit); !ok(); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			b.Fatal(fmt.Errorf("%s: not after %s", what, limit))
		}
	}
}
