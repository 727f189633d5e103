package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/croupier-dev/croupier/gameserver/pod"
	"github.com/croupier-dev/croupier/internal/redisserver"
	"github.com/croupier-dev/croupier/roomcontract"
)

// A real game server: the match is dealt from CROUPIER_SEED, and SIGTERM
// closes each player's websocket with 1001, so clients reconnect at once,
// and the server returns cleanly.
func TestGameserverSeedAndSIGTERM(t *testing.T) {
	srv := redisserver.Start(t)
	keys := t.TempDir()
	if err := os.WriteFile(filepath.Join(keys, "2026-11-26"), bytes.Repeat([]byte("k"), 32), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	for k, v := range map[string]string{
		roomcontract.EnvRoomNamespace: "games", roomcontract.EnvRoomName: "sigterm",
		roomcontract.EnvPodName: "sigterm-game", roomcontract.EnvGame: "cassino",
		roomcontract.EnvMaxPlayers: "2", roomcontract.EnvSessionTTL: "1h",
		roomcontract.EnvListenAddr: addr, roomcontract.EnvRedisAddrs: srv.Addr,
		roomcontract.EnvSessionKeysDir: keys, roomcontract.EnvHeartbeatPeriod: "1s",
		roomcontract.EnvSeed: "20261126",
	} {
		t.Setenv(k, v)
	}
	done := make(chan error, 1)
	go func() { done <- pod.Run(nil) }()

	base := "http://" + addr
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the game server never became ready: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	resp, err := http.Post(base+"/join", "application/json", strings.NewReader(`{"name":"ann"}`))
	if err != nil {
		t.Fatal(err)
	}
	var join struct{ Token string }
	if err := decodeJSON(resp, &join); err != nil {
		t.Fatal(err)
	}
	ws, _, err := websocket.DefaultDialer.Dial("ws://"+addr+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if err := ws.WriteJSON(map[string]any{"v": 1, "type": "hello", "token": join.Token}); err != nil {
		t.Fatal(err)
	}
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, _, err := ws.ReadMessage(); err != nil { // the welcome
		t.Fatal(err)
	}

	// The second seat starts the match, dealt from CROUPIER_SEED.
	resp, err = http.Post(base+"/join", "application/json", strings.NewReader(`{"name":"bob"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var setup struct{ Seed int64 }
	raw, err := srv.Client(t).Get(context.Background(), roomcontract.For("games", "sigterm").Setup()).Bytes()
	if err != nil || json.Unmarshal(raw, &setup) != nil || setup.Seed != 20261126 {
		t.Fatalf("stored setup %s (%v), want seed 20261126 from %s", raw, err, roomcontract.EnvSeed)
	}

	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for {
		_, _, err := ws.ReadMessage()
		if err == nil {
			continue
		}
		if !websocket.IsCloseError(err, websocket.CloseGoingAway) {
			t.Fatalf("after SIGTERM: %v, want close 1001", err)
		}
		break
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("the game server stopped with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the game server did not stop after SIGTERM")
	}
}

func decodeJSON(resp *http.Response, v any) error {
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(v)
}
