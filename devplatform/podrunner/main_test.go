package podrunner

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-logr/logr/funcr"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
)

// childEnv switches the test binary into a stand-in game server when the
// runner starts it as a pod.
const childEnv = "PODRUNNER_TEST_CHILD"

var (
	k8s    client.Client
	logDir string
	// leanBinary is the local build the runner runs for the program
	// /croupier-gameserver: the test binary again, under that name.
	leanBinary string
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(serveChild())
	}
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	if assets == "" {
		assets = filepath.Join("..", "..", "bin", "k8s", "1.36.3-etcd-v3.6.16")
	}
	env := &envtest.Environment{BinaryAssetsDirectory: assets, ControlPlaneStartTimeout: time.Minute}
	env.ControlPlane.Etcd = &envtest.Etcd{Path: filepath.Join(assets, "etcd")}
	env.ControlPlane.APIServer = &envtest.APIServer{Path: filepath.Join(assets, "kube-apiserver")}
	cfg, err := env.Start()
	if err != nil {
		fmt.Fprintf(os.Stderr, "start envtest from %s (build it with `make tools`): %v\n", assets, err)
		return 1
	}
	defer func() { _ = env.Stop() }()
	if k8s, err = client.New(cfg, client.Options{}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	dir, err := os.MkdirTemp("", "podrunner-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	logDir = filepath.Join(dir, "pods")
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	leanBinary = filepath.Join(dir, "croupier-gameserver")
	if err := os.Symlink(self, leanBinary); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	stop, err := startRunner(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	code := m.Run()
	stop()
	return code
}

func startRunner(cfg *rest.Config) (stop func(), err error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	log := funcr.New(func(prefix, args string) { fmt.Fprintln(os.Stderr, "runner:", prefix, args) }, funcr.Options{})
	ctrllog.SetLogger(log)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, cfg, Options{Binary: self, Programs: map[string]string{"/croupier-gameserver": leanBinary}, DefaultArgs: []string{"gameserver"}, LogDir: logDir, Log: log, MaxGracePeriod: 5 * time.Second, VolumeSyncPeriod: 200 * time.Millisecond})
	}()
	return func() {
		cancel()
		if err := <-done; err != nil {
			fmt.Fprintln(os.Stderr, "runner:", err)
		}
	}, nil
}

// childReport is what the stand-in game server tells the test about the
// process the runner started.
type childReport struct {
	Program string            `json:"program"`
	Args    []string          `json:"args"`
	Env     []string          `json:"env"`
	Keys    map[string]string `json:"keys"`
}

// serveChild is the stand-in game server: it serves /readyz (503 until
// POST /ready), /healthz (500 after POST /sick) and /report on
// CROUPIER_LISTEN_ADDR; or it exits at once with CHILD_EXIT; or, with
// CHILD_EXIT_ONCE, it exits with 3 the first time.
func serveChild() int {
	if code := os.Getenv("CHILD_EXIT"); code != "" {
		n, _ := strconv.Atoi(code)
		return n
	}
	if marker := os.Getenv("CHILD_EXIT_ONCE"); marker != "" {
		if _, err := os.Stat(marker); err != nil {
			_ = os.WriteFile(marker, nil, 0o600)
			return 3
		}
	}
	var ready, sick atomic.Bool
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		if sick.Load() {
			w.WriteHeader(http.StatusInternalServerError)
		}
	})
	mux.HandleFunc("POST /sick", func(http.ResponseWriter, *http.Request) { sick.Store(true) })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if !ready.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	})
	mux.HandleFunc("POST /ready", func(http.ResponseWriter, *http.Request) { ready.Store(true) })
	mux.HandleFunc("GET /report", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(childReport{Program: os.Args[0], Args: os.Args[1:], Env: os.Environ(), Keys: readKeys()})
	})
	fmt.Fprintln(os.Stderr, "serving on", os.Getenv("CROUPIER_LISTEN_ADDR"))
	if err := http.ListenAndServe(os.Getenv("CROUPIER_LISTEN_ADDR"), mux); err != nil { //nolint:gosec // test server
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func readKeys() map[string]string {
	dir := os.Getenv("CROUPIER_SESSION_KEYS_DIR")
	entries, _ := os.ReadDir(dir)
	keys := map[string]string{}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue // the atomic-update bookkeeping, as a kubelet writes it
		}
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		keys[e.Name()] = string(b)
	}
	return keys
}
