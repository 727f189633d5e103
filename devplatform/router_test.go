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
	"syscall"
	"testing"
	"time"

	. "github.com/onsi/gomega"
)

// fakeRouter stands in for `croupier router`: it records its command line
// beside the operator's report and serves /readyz on --listen-address.
func fakeRouter(report string) int {
	fs := flag.NewFlagSet("router", flag.ContinueOnError)
	listen := fs.String("listen-address", "", "")
	fs.String("metrics-address", "", "")
	keys := fs.String("session-keys-dir", "", "")
	fs.String("matchmaker-url", "", "")
	fs.String("drain-delay", "", "")
	fs.String("shutdown-grace", "", "")
	if err := fs.Parse(os.Args[2:]); err != nil {
		return 2
	}
	entries, _ := os.ReadDir(*keys)
	_ = os.WriteFile(report+".router", []byte(strings.Join(append(os.Args[1:], "KEYS="+strconv.Itoa(len(entries)), "PID="+strconv.Itoa(os.Getpid())), "\n")), 0o600)
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
	for _, a := range strings.Split(string(op), "\n") {
		g.Expect(a).NotTo(HavePrefix("--allowed-origins"),
			"the router checks browsers' Origin; game pods keep their default, as the chart renders it")
	}

	// A router that crashes is restarted on the same address, and the exit
	// is named.
	first := routerPid(g, report)
	g.Expect(syscall.Kill(first, syscall.SIGKILL)).To(Succeed())
	g.Eventually(out.String, 10*time.Second, 50*time.Millisecond).Should(
		ContainSubstring("router exited: signal: killed; restarting it in=1s restart=1"))
	g.Eventually(out.String, 30*time.Second, 100*time.Millisecond).Should(ContainSubstring("router restarted"))
	g.Eventually(func() int { return routerPid(g, report) }, 10*time.Second).ShouldNot(Equal(first))
	resp, err := http.Get("http://" + listen + "/readyz")
	g.Expect(err).NotTo(HaveOccurred(), "the restarted router serves on the same address")
	resp.Body.Close()
	cancel()
	g.Eventually(done, time.Minute).Should(Receive(BeNil()))
}

// routerPid is the pid the stand-in router last wrote into its report.
func routerPid(g Gomega, report string) int {
	b, err := os.ReadFile(report + ".router")
	g.Expect(err).NotTo(HaveOccurred())
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "PID="); ok {
			pid, err := strconv.Atoi(v)
			g.Expect(err).NotTo(HaveOccurred())
			return pid
		}
	}
	g.Expect(false).To(BeTrue(), "no PID in the router's report")
	return 0
}

// A router address something else listens on is refused before the router
// starts, rather than that other server's readiness being taken for it.
func TestATakenRouterAddressIsRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	err = addrFree(l.Addr().String())
	if err == nil || !strings.Contains(err.Error(), "--router-addr") {
		t.Fatalf("taken address: %v, want an error that says to pass --router-addr", err)
	}
	addr := l.Addr().String()
	l.Close()
	if err := addrFree(addr); err != nil {
		t.Fatalf("free address: %v", err)
	}
}

// The banner suggests the pinned kubectl when it is there: one on the
// PATH may be too far from the API server's version.
func TestTheBannerSuggestsThePinnedKubectl(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "kubectl"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got := kubectlFor(dir); got != filepath.Join(dir, "kubectl") {
		t.Fatalf("with a pinned kubectl: %q", got)
	}
}
