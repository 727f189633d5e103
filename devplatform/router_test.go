package devplatform

import (
	"context"
	"flag"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
)

// fakeRouter stands in for `croupier router`: it records its command line
// beside the operator's report and serves /readyz on --listen-address.
func fakeRouter(report string) int {
	fs := flag.NewFlagSet("router", flag.ContinueOnError)
	listen := fs.String("listen-address", "", "")
	keys := fs.String("session-keys-dir", "", "")
	fs.String("drain-delay", "", "")
	fs.String("shutdown-grace", "", "")
	if err := fs.Parse(os.Args[2:]); err != nil {
		return 2
	}
	entries, _ := os.ReadDir(*keys)
	_ = os.WriteFile(report+".router", []byte(strings.Join(append(os.Args[1:], "KEYS="+strconv.Itoa(len(entries))), "\n")), 0o600)
	mux := http.NewServeMux()
	mux.HandleFunc("/readyz", func(http.ResponseWriter, *http.Request) {})
	_ = http.ListenAndServe(*listen, mux) //nolint:gosec // test server
	return 1
}

func TestRunStartsTheRouterWithTheSessionKeys(t *testing.T) {
	g := NewWithT(t)
	out := &syncBuffer{}
	opts := testOptions(t, out)
	report := filepath.Join(t.TempDir(), "operator-args")
	t.Setenv(operatorEnv, report)
	// A key an earlier run left behind must not reach this router.
	stale := filepath.Join(opts.StateDir, "router-session-keys")
	g.Expect(os.MkdirAll(stale, 0o700)).To(Succeed())
	g.Expect(os.WriteFile(filepath.Join(stale, "2020-01-01"), []byte(strings.Repeat("o", 32)), 0o600)).To(Succeed())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- Run(ctx, opts) }()
	g.Eventually(out.String, time.Minute, 100*time.Millisecond).Should(ContainSubstring("The local platform is up"))
	b, err := os.ReadFile(report + ".router")
	g.Expect(err).NotTo(HaveOccurred())
	args := strings.Split(string(b), "\n")
	g.Expect(args[0]).To(Equal("router"))
	g.Expect(args).To(ContainElement("KEYS=1"), "the router got the Secret's key, and no key of an earlier run")
	var listen string
	for _, a := range args {
		if v, ok := strings.CutPrefix(a, "--listen-address="); ok {
			listen = v
		}
	}
	g.Expect(out.String()).To(ContainSubstring("Players reach every room at\n\n    http://" + listen + "\n"))
	op, err := os.ReadFile(report)
	g.Expect(err).NotTo(HaveOccurred())
	_, port, err := net.SplitHostPort(listen)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(strings.Split(string(op), "\n")).To(ContainElement("--allowed-origins=http://"+listen+",http://localhost:"+port),
		"game pods accept browsers from the router's origin, by address or as localhost")
	cancel()
	g.Eventually(done, time.Minute).Should(Receive(BeNil()))
}
