package devplatform

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/redis/go-redis/v9"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/croupier-dev/croupier/devplatform/podrunner"
	"github.com/croupier-dev/croupier/internal/childproc"
	"github.com/croupier-dev/croupier/internal/controlplane"
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
	if len(os.Args) > 1 && os.Args[1] == "matchmaker" {
		return fakeMatchmaker(report)
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
	lines := append(os.Args[1:], "KUBECONFIG="+os.Getenv("KUBECONFIG"), fmt.Sprintf("PID=%d", os.Getpid()))
	_ = os.WriteFile(report, []byte(strings.Join(lines, "\n")), 0o600)
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

func testOptions(t *testing.T, out *syncBuffer) Options {
	if err := controlplane.CheckAssets(controlplane.AssetsDir()); err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	state := t.TempDir()
	return Options{
		AssetsDir: controlplane.AssetsDir(), CRDDir: filepath.Join("..", "config", "crd", "bases"),
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

// operatorPid reads the pid the fake operator last reported.
func operatorPid(g Gomega, report string) int {
	b, err := os.ReadFile(report)
	g.Expect(err).NotTo(HaveOccurred())
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "PID="); ok {
			pid, err := strconv.Atoi(v)
			g.Expect(err).NotTo(HaveOccurred())
			return pid
		}
	}
	g.Expect(string(b)).To(ContainSubstring("PID="))
	return 0
}

// childNamed finds this process's child running the named program.
func childNamed(name string) int {
	for _, pid := range childproc.Children() {
		if exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid)); err == nil && filepath.Base(exe) == name {
			return pid
		}
	}
	return 0
}

// An operator that exits is restarted and the exit is named; the platform
// stops only when the control plane does, and says which part stopped.
func TestOperatorIsRestartedAndADeadAPIServerStopsThePlatform(t *testing.T) {
	g := NewWithT(t)
	out := &syncBuffer{}
	opts := testOptions(t, out)
	report := filepath.Join(t.TempDir(), "operator-args")
	t.Setenv(operatorEnv, report)
	done := make(chan error, 1)
	go func() { done <- Run(context.Background(), opts) }()
	g.Eventually(out.String, time.Minute, 100*time.Millisecond).Should(ContainSubstring("The local platform is up"))

	first := operatorPid(g, report)
	g.Expect(syscall.Kill(first, syscall.SIGTERM)).To(Succeed())
	g.Eventually(out.String, 10*time.Second, 50*time.Millisecond).Should(
		ContainSubstring("operator exited: signal: terminated; restarting it in=1s restart=1"))
	g.Eventually(out.String, 30*time.Second, 100*time.Millisecond).Should(ContainSubstring("operator restarted"))
	g.Expect(operatorPid(g, report)).NotTo(Equal(first), "the operator was not started again")
	g.Consistently(done, time.Second).ShouldNot(Receive(), "the platform stopped with its operator")

	apiserver := childNamed("kube-apiserver")
	g.Expect(apiserver).NotTo(BeZero(), "no kube-apiserver child")
	g.Expect(syscall.Kill(apiserver, syscall.SIGKILL)).To(Succeed())
	var err error
	g.Eventually(done, time.Minute).Should(Receive(&err))
	g.Expect(err).To(MatchError(ContainSubstring(fmt.Sprintf("kube-apiserver (pid %d) exited", apiserver))))
	g.Expect(err).To(MatchError(ContainSubstring("kube-apiserver.log")))
	g.Expect(out.String()).To(ContainSubstring(fmt.Sprintf("ERROR a part the platform needs stopped; stopping everything: kube-apiserver (pid %d) exited", apiserver)))
	g.Expect(out.String()).To(ContainSubstring("nothing left running"))
	g.Expect(childproc.Children()).To(BeEmpty(), "processes left behind")
}
