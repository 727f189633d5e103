package pod_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/croupier-dev/croupier/internal/freeport"
	"github.com/croupier-dev/croupier/internal/redisserver"
	"github.com/croupier-dev/croupier/roomcontract"
)

// BenchmarkPodProcess starts game servers as processes of their own
// against a real redis-server and measures what a room costs the node:
// start to ready (exec to the first 200 from /readyz), resident memory
// idle (VmRSS from /proc/<pid>/status, 2 s after ready) and with two
// players joined and connected. Three programs are measured in the same
// run: the lean game server (croupier-gameserver), the same role in the
// binary of every role (croupier gameserver), and the floor, a minimal Go
// HTTP, websocket and Redis process (testdata/floor) holding two echo
// websockets. Each figure is the median of b.N starts.
func BenchmarkPodProcess(b *testing.B) {
	dir := b.TempDir()
	bins := map[string][]string{
		"lean":  {filepath.Join(dir, "croupier-gameserver"), "../cmd/croupier-gameserver"},
		"whole": {filepath.Join(dir, "croupier"), "../.."},
		"floor": {filepath.Join(dir, "floor"), "./testdata/floor"},
	}
	for _, name := range []string{"lean", "whole", "floor"} {
		out, pkg := bins[name][0], bins[name][1]
		// Built as the image builds them.
		build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", out, pkg)
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if msg, err := build.CombinedOutput(); err != nil {
			b.Fatalf("build %s: %v\n%s", pkg, err, msg)
		}
	}
	srv := redisserver.Start(b)
	keys := b.TempDir()
	if err := os.WriteFile(filepath.Join(keys, "2026-11-26"), bytes.Repeat([]byte("k"), 32), 0o600); err != nil {
		b.Fatal(err)
	}
	figures := map[string][]float64{}
	add := func(name string, v float64) { figures[name] = append(figures[name], v) }
	b.ResetTimer()
	for i := range b.N {
		for _, name := range []string{"lean", "whole", "floor"} {
			addr, err := freeport.Addr()
			if err != nil {
				b.Fatal(err)
			}
			var cmd *exec.Cmd
			if name == "floor" {
				cmd = exec.Command(bins[name][0])
				cmd.Env = []string{"FLOOR_ADDR=" + addr, "FLOOR_REDIS=" + srv.Addr}
			} else {
				cmd = exec.Command(bins[name][0], "gameserver")
				cmd.Env = gameEnv(fmt.Sprintf("%s-%d", name, i), addr, srv.Addr, keys)
			}
			p := startProcess(b, cmd, addr)
			add(name+"-ready-ms", float64(p.ready.Microseconds())/1e3)
			time.Sleep(2 * time.Second)
			add(name+"-idle-RSS-MB", p.rssMB(b))
			conns := connectTwo(b, name, addr)
			time.Sleep(time.Second)
			add(name+"-2players-RSS-MB", p.rssMB(b))
			for _, c := range conns {
				c.Close()
			}
			p.stop(b)
		}
	}
	b.StopTimer()
	for name, v := range figures {
		slices.Sort(v)
		b.ReportMetric(v[len(v)/2], name)
	}
}

func gameEnv(room, addr, redisAddr, keys string) []string {
	env := map[string]string{
		roomcontract.EnvRoomNamespace: "games", roomcontract.EnvRoomName: room,
		roomcontract.EnvPodName: room + "-game", roomcontract.EnvGame: "cassino",
		roomcontract.EnvMaxPlayers: "2", roomcontract.EnvSessionTTL: "1h",
		roomcontract.EnvListenAddr: addr, roomcontract.EnvRedisAddrs: redisAddr,
		roomcontract.EnvSessionKeysDir: keys, roomcontract.EnvHeartbeatPeriod: "5s",
	}
	out := []string{}
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

type process struct {
	cmd   *exec.Cmd
	ready time.Duration
}

func startProcess(b *testing.B, cmd *exec.Cmd, addr string) *process {
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	began := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	client := &http.Client{Timeout: time.Second}
	for {
		resp, err := client.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return &process{cmd: cmd, ready: time.Since(began)}
			}
		}
		if time.Since(began) > 20*time.Second {
			_ = cmd.Process.Kill()
			b.Fatalf("%s never became ready: %v\n%s", cmd.Path, err, stderr.String())
		}
		time.Sleep(time.Millisecond)
	}
}

func (p *process) rssMB(b *testing.B) float64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "VmRSS:" {
			kb, err := strconv.ParseFloat(f[1], 64)
			if err != nil {
				b.Fatal(err)
			}
			return kb / 1024
		}
	}
	b.Fatal("no VmRSS in /proc/<pid>/status")
	return 0
}

func (p *process) stop(b *testing.B) {
	_ = p.cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
}

// connectTwo seats two players and connects their websockets: a game
// server answers each hello with a welcome and a view; the floor echoes
// a message on each.
func connectTwo(b *testing.B, name, addr string) []*websocket.Conn {
	var conns []*websocket.Conn
	for i := range 2 {
		hello := []byte(`{"v":1,"type":"ping"}`)
		if name != "floor" {
			resp, err := http.Post("http://"+addr+"/join", "application/json", strings.NewReader(fmt.Sprintf(`{"name":"p%d"}`, i)))
			if err != nil {
				b.Fatal(err)
			}
			var join struct{ Token string }
			err = json.NewDecoder(resp.Body).Decode(&join)
			resp.Body.Close()
			if err != nil {
				b.Fatal(err)
			}
			hello, _ = json.Marshal(map[string]any{"v": 1, "type": "hello", "token": join.Token})
		}
		ws, _, err := websocket.DefaultDialer.Dial("ws://"+addr+"/ws", nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := ws.WriteMessage(websocket.TextMessage, hello); err != nil {
			b.Fatal(err)
		}
		_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		if _, _, err := ws.ReadMessage(); err != nil {
			b.Fatalf("%s: first frame: %v", name, err)
		}
		conns = append(conns, ws)
	}
	return conns
}
