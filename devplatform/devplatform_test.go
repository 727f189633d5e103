package devplatform

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/redis/go-redis/v9"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/croupier-dev/croupier/devplatform/childproc"
	"github.com/croupier-dev/croupier/devplatform/controlplane"
	"github.com/croupier-dev/croupier/devplatform/podrunner"
)

// The test binary stands in for `croupier operator` when Run starts it.
const operatorEnv = "LOCALPLATFORM_TEST_OPERATOR"

func TestMain(m *testing.M) {
	switch os.Getenv(operatorEnv) {
	case "":
		os.Exit(m.Run())
	case "crash":
		fmt.Fprintln(os.Stderr, "flag provided but not defined: -nonsense")
		os.Exit(2)
	default:
		os.Exit(fakeOperator(os.Getenv(operatorEnv)))
	}
}

// fakeOperator records its command line and KUBECONFIG in report, then
// serves /readyz on --health-probe-bind-address until stopped.
func fakeOperator(report string) int {
	if len(os.Args) > 1 && os.Args[1] == "router" {
		return fakeRouter(report)
	}
	fs := flag.NewFlagSet("operator", flag.ContinueOnError)
	probe := fs.String("health-probe-bind-address", "", "")
	fs.String("metrics-bind-address", "", "")
	fs.String("redis-addrs", "", "")
	fs.String("gameserver-image", "", "")
	fs.String("session-keys-secret", "", "")
	fs.Bool("leader-elect", true, "")
	fs.String("allowed-origins", "", "")
	if err := fs.Parse(os.Args[2:]); err != nil {
		return 2
	}
	_ = os.WriteFile(report, []byte(strings.Join(append(os.Args[1:], "KUBECONFIG="+os.Getenv("KUBECONFIG")), "\n")), 0o600)
	mux := http.NewServeMux()
	mux.HandleFunc("/readyz", func(http.ResponseWriter, *http.Request) {})
	_ = http.ListenAndServe(*probe, mux) //nolint:gosec // test server
	return 1
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func assetsDir() string {
	if d := os.Getenv("KUBEBUILDER_ASSETS"); d != "" {
		return d
	}
	return filepath.Join("..", "..", controlplane.DefaultAssetsDir)
}

func testOptions(t *testing.T, out *syncBuffer) Options {
	if err := controlplane.CheckAssets(assetsDir()); err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	state := t.TempDir()
	return Options{
		AssetsDir: assetsDir(), CRDDir: filepath.Join("controlplane", "testdata", "crds"),
		StateDir: state, KubeconfigOut: filepath.Join(state, "kubeconfig"),
		RedisServer: "redis-server", GameserverImage: "croupier:dev", Binary: self,
		SessionKeysNamespace: "default", SessionKeysSecret: "croupier-session-keys", Out: out,
	}
}

func TestRunStartsThePlatformAndLeavesNothingBehind(t *testing.T) {
	g := NewWithT(t)
	out := &syncBuffer{}
	opts := testOptions(t, out)
	report := filepath.Join(t.TempDir(), "operator-args")
	t.Setenv(operatorEnv, report)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- Run(ctx, opts) }()
	g.Eventually(out.String, time.Minute, 100*time.Millisecond).Should(ContainSubstring("The local platform is up"))

	kubeconfig, err := os.ReadFile(opts.KubeconfigOut)
	g.Expect(err).NotTo(HaveOccurred())
	cfg, err := clientcmd.RESTConfigFromKubeConfig(kubeconfig)
	g.Expect(err).NotTo(HaveOccurred())
	c, err := client.New(cfg, client.Options{})
	g.Expect(err).NotTo(HaveOccurred())

	t.Run("the admin kubeconfig reaches a cluster with the keys and the node", func(t *testing.T) {
		g := NewWithT(t)
		keys := &corev1.Secret{}
		g.Expect(c.Get(ctx, client.ObjectKey{Namespace: "default", Name: "croupier-session-keys"}, keys)).To(Succeed())
		g.Expect(keys.Data).To(HaveLen(1))
		g.Eventually(func() error {
			return c.Get(ctx, client.ObjectKey{Name: podrunner.DefaultNodeName}, &corev1.Node{})
		}, 10*time.Second, 100*time.Millisecond).Should(Succeed())
	})

	t.Run("the operator gets the local Redis and the kubeconfig", func(t *testing.T) {
		g := NewWithT(t)
		b, err := os.ReadFile(report)
		g.Expect(err).NotTo(HaveOccurred())
		args := strings.Split(string(b), "\n")
		kubeconfigPath, _ := filepath.Abs(opts.KubeconfigOut)
		g.Expect(args).To(ContainElements("operator", "--gameserver-image=croupier:dev", "--leader-elect=false", "KUBECONFIG="+kubeconfigPath))
		var addr string
		for _, a := range args {
			if v, ok := strings.CutPrefix(a, "--redis-addrs="); ok {
				addr = v
			}
		}
		rdb := redis.NewClient(&redis.Options{Addr: addr})
		defer rdb.Close()
		g.Expect(rdb.Ping(ctx).Err()).To(Succeed())
	})

	t.Run("the state directory is ignored by git and locked", func(t *testing.T) {
		g := NewWithT(t)
		ignore, err := os.ReadFile(filepath.Join(opts.StateDir, ".gitignore"))
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(string(ignore)).To(ContainSubstring("\n*\n"))
		_, err = openStateDir(opts.StateDir)
		g.Expect(err).To(MatchError(ContainSubstring("already running")))
		g.Expect(filepath.Join(opts.StateDir, "logs", "kube-apiserver.log")).To(BeARegularFile())
	})

	cancel()
	g.Eventually(done, time.Minute).Should(Receive(BeNil()))
	g.Expect(childproc.Children()).To(BeEmpty(), "processes left behind")
	g.Expect(opts.KubeconfigOut).NotTo(BeAnExistingFile())
	g.Expect(out.String()).To(ContainSubstring("nothing left running"))
}

func TestRunReportsAnOperatorThatDies(t *testing.T) {
	g := NewWithT(t)
	out := &syncBuffer{}
	t.Setenv(operatorEnv, "crash")
	err := Run(context.Background(), testOptions(t, out))
	g.Expect(err).To(MatchError(ContainSubstring("operator exited: exit status 2")))
	g.Expect(err).To(MatchError(ContainSubstring("flag provided but not defined: -nonsense")))
	g.Expect(childproc.Children()).To(BeEmpty(), "processes left behind")
}
