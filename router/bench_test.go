package router

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/gorilla/websocket"

	"github.com/croupier-dev/croupier/internal/benchcpu"
	"github.com/croupier-dev/croupier/roomcontract/session"
)

// benchChildEnv turns the test binary into a lone router for the idle
// benchmark, so the router's memory and CPU are a process of their own.
const benchChildEnv = "ROUTER_BENCH_CHILD_POD"

func TestMain(m *testing.M) {
	if pod := os.Getenv(benchChildEnv); pod != "" {
		os.Exit(serveBenchChild(pod))
	}
	os.Exit(m.Run())
}

// serveBenchChild routes ns/r to pod, prints its address and serves until
// killed.
func serveBenchChild(pod string) int {
	keys, _ := session.NewKeyring(map[string][]byte{"2026-01-01": testKey})
	r, err := New(Options{Keys: func() *session.Keyring { return keys }, Log: logr.Discard(),
		Limits: Limits{MaxConns: 100000, MaxConnsPerIP: 100000, IdleTimeout: time.Hour}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	r.synced.Store(true)
	(&testRouter{r: r}).setRoom("ns", "r", pod)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(l.Addr().String())
	// SIGUSR1: collect garbage, return it to the OS, and report where the
	// live memory is, so the parent measures what connections hold.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGUSR1)
	go func() {
		for range sig {
			runtime.GC()
			debug.FreeOSMemory()
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			fmt.Printf("%d %d %d\n", m.HeapInuse, m.StackInuse, runtime.NumGoroutine())
		}
	}()
	_ = r.Serve(context.Background(), l, 0, time.Second)
	return 0
}

// roundTrips measures n echoes of msg over c.
func roundTrips(b *testing.B, c *websocket.Conn, msg []byte, n int) []time.Duration {
	out := make([]time.Duration, 0, n)
	for range n {
		start := time.Now()
		if err := c.WriteMessage(websocket.TextMessage, msg); err != nil {
			b.Fatal(err)
		}
		if _, _, err := c.ReadMessage(); err != nil {
			b.Fatal(err)
		}
		out = append(out, time.Since(start))
	}
	return out
}

func percentile(d []time.Duration, p float64) float64 {
	slices.Sort(d)
	return float64(d[int(float64(len(d)-1)*p)].Nanoseconds()) / 1e3
}

// BenchmarkAddedLatency sends a message of a view's size to an echoing
// pod and waits for it back, like an action and its ack: direct to the
// pod (the floor) and through the router. Report p50/p99 in µs.
func BenchmarkAddedLatency(b *testing.B) {
	pod := newFakePod(b)
	tr := startRouter(b, nil)
	tr.setRoom("ns", "r", pod.addr())
	msg := []byte(`{"v":1,"type":"action","action_id":"s0-1","action":{"type":"trail","card":"KS"},"pad":"` + strings.Repeat("x", 900) + `"}`)
	for _, via := range []string{"direct", "router"} {
		b.Run(via, func(b *testing.B) {
			var c *websocket.Conn
			var err error
			if via == "direct" {
				c, _, err = websocket.DefaultDialer.Dial("ws://"+pod.addr()+"/ws", nil)
			} else {
				c, _, err = tr.dial("/v1/rooms/ns/r/ws", tr.token("ns/r"), nil)
			}
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			roundTrips(b, c, msg, 200) // warm up
			b.ResetTimer()
			d := roundTrips(b, c, msg, b.N)
			b.ReportMetric(percentile(d, 0.50), "p50-µs")
			b.ReportMetric(percentile(d, 0.99), "p99-µs")
		})
	}
}

// BenchmarkIdleConnections holds conns idle websockets through a router
// process of its own and reports its resident memory per connection and
// its CPU per minute while they idle. Run it once: -benchtime=1x. The
// default of 9,000 fits this machine's hard limit of 20,000 open files
// (the router holds two per connection); ROUTER_BENCH_CONNS overrides it.
func BenchmarkIdleConnections(b *testing.B) {
	conns := 9000
	if v, err := strconv.Atoi(os.Getenv("ROUTER_BENCH_CONNS")); err == nil {
		conns = v
	}
	// The parent holds a client and a pod socket per connection, the
	// router two: both must fit the open-file limit.
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err == nil && int(lim.Cur) < 2*conns+500 {
		conns = (int(lim.Cur) - 500) / 2
	}
	if conns < 1000 {
		b.Fatalf("the open-file limit allows only %d connections; raise it (ulimit -n)", conns)
	}
	idle := 30 * time.Second
	pod := newFakePod(b)
	self, _ := os.Executable()
	cmd := exec.Command(self, "-test.run=^$")
	cmd.Env = append(os.Environ(), benchChildEnv+"="+pod.addr())
	cmd.Stderr = os.Stderr
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	childOut := bufio.NewReader(out)
	addr, err := childOut.ReadString('\n')
	if err != nil {
		b.Fatal(err)
	}
	addr = strings.TrimSpace(addr)
	pid := cmd.Process.Pid
	// settle collects the child's garbage and returns its heap and stack
	// in use and its goroutines.
	settle := func() (heap, stack, goroutines int64) {
		_ = cmd.Process.Signal(syscall.SIGUSR1)
		line, err := childOut.ReadString('\n')
		if err != nil {
			b.Fatal(err)
		}
		_, _ = fmt.Sscan(line, &heap, &stack, &goroutines)
		return heap, stack, goroutines
	}
	keys := testKeys(b)
	token, _, _ := keys.Issue(session.Claims{Room: "ns/r", PlayerID: "p"}, time.Now(), time.Hour)
	d := websocket.Dialer{Subprotocols: []string{ProtocolV1, TokenProtocolPrefix + token}, HandshakeTimeout: 10 * time.Second}
	url := "ws://" + addr + "/v1/rooms/ns/r/ws"
	open := func(n int) []*websocket.Conn {
		cs := make([]*websocket.Conn, 0, n)
		for range n {
			c, _, err := d.Dial(url, nil)
			if err != nil {
				b.Fatalf("connection %d: %v", len(cs), err)
			}
			if err := c.WriteMessage(websocket.TextMessage, []byte(`{"v":1,"type":"hello"}`)); err != nil {
				b.Fatal(err)
			}
			if _, _, err := c.ReadMessage(); err != nil {
				b.Fatal(err)
			}
			cs = append(cs, c)
		}
		return cs
	}
	for range b.N {
		// A few connections first, so the baseline holds the router's
		// pools and code paths, not its start-up.
		warm := open(50)
		heap0, stack0, g0 := settle()
		rssBefore := procRSS(b, pid)
		cs := open(conns - len(warm))
		heap1, stack1, g1 := settle()
		rssAfter := procRSS(b, pid)
		cpuBefore, err := benchcpu.Process(pid)
		if err != nil {
			b.Fatal(err)
		}
		time.Sleep(idle)
		cpuAfter, err := benchcpu.Process(pid)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(rssAfter-rssBefore)/float64(len(cs)), "rss-bytes/conn")
		b.ReportMetric(float64(rssAfter)/1e6, "rss-MB")
		n := float64(len(cs))
		b.ReportMetric(float64(heap1-heap0)/n, "heap-bytes/conn")
		b.ReportMetric(float64(stack1-stack0)/n, "stack-bytes/conn")
		b.ReportMetric(float64(g1-g0)/n, "goroutines/conn")
		b.ReportMetric((cpuAfter-cpuBefore).Seconds()*float64(time.Minute)/float64(idle)*1e3, "idle-cpu-ms/min")
		b.ReportMetric(float64(len(cs)+len(warm)), "conns")
		for _, c := range append(cs, warm...) {
			_ = c.Close()
		}
	}
}

func procRSS(b *testing.B, pid int) int64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	b.Fatal("no VmRSS")
	return 0
}
