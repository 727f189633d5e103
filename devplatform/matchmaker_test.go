package devplatform

import (
	"context"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
)

// fakeMatchmaker stands in for `croupier matchmaker`: it records its
// command line beside the operator's report and serves /readyz.
func fakeMatchmaker(report string) int {
	fs := flag.NewFlagSet("matchmaker", flag.ContinueOnError)
	listen := fs.String("listen-address", "", "")
	fs.String("redis-addrs", "", "")
	fs.String("template-pool", "", "")
	fs.String("shutdown-grace", "", "")
	if err := fs.Parse(os.Args[2:]); err != nil {
		return 2
	}
	lines := append(os.Args[1:], "KUBECONFIG="+os.Getenv("KUBECONFIG"))
	_ = os.WriteFile(report+".matchmaker", []byte(strings.Join(lines, "\n")), 0o600)
	mux := http.NewServeMux()
	mux.HandleFunc("/readyz", func(http.ResponseWriter, *http.Request) {})
	_ = http.ListenAndServe(*listen, mux) //nolint:gosec // test server
	return 1
}

func flagValue(args []string, name string) string {
	for _, a := range args {
		if v, ok := strings.CutPrefix(a, "--"+name+"="); ok {
			return v
		}
	}
	return ""
}

// croupier dev runs the matchmaker with the local Redis and the template
// pool it made, and the router carries quick plays to it.
func TestRunStartsTheMatchmakerBehindTheRouter(t *testing.T) {
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

	b, err := os.ReadFile(report + ".matchmaker")
	g.Expect(err).NotTo(HaveOccurred())
	mm := strings.Split(string(b), "\n")
	g.Expect(mm[0]).To(Equal("matchmaker"))
	g.Expect(flagValue(mm, "template-pool")).To(Equal("default/" + TemplatePool))
	g.Expect(flagValue(mm, "redis-addrs")).NotTo(BeEmpty())
	b, err = os.ReadFile(report + ".router")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(flagValue(strings.Split(string(b), "\n"), "matchmaker-url")).To(Equal("http://"+flagValue(mm, "listen-address")),
		"the router carries POST /v1/play to the matchmaker")

	kubeconfig, err := os.ReadFile(opts.KubeconfigOut)
	g.Expect(err).NotTo(HaveOccurred())
	cfg, err := clientcmd.RESTConfigFromKubeConfig(kubeconfig)
	g.Expect(err).NotTo(HaveOccurred())
	c, err := client.New(cfg, client.Options{Scheme: scheme()})
	g.Expect(err).NotTo(HaveOccurred())
	var gp gamesv1.GameRoomPool
	g.Expect(c.Get(ctx, client.ObjectKey{Namespace: "default", Name: TemplatePool}, &gp)).To(Succeed())
	g.Expect(gp.Spec.Replicas).To(BeNumerically(">", 0))
	cancel()
	g.Eventually(done, time.Minute).Should(Receive(BeNil()))
}
