package platformtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
	"github.com/croupier-dev/croupier/internal/playerclient"
	"github.com/croupier-dev/croupier/router"
)

// Namespace makes a fresh namespace (restricted Pod Security) holding the
// platform's session-keys Secret, so its rooms' pods sign with the key
// the router verifies.
func (p *Platform) Namespace(t testing.TB) string {
	t.Helper()
	ns := gameroomtest.Namespace(t, p.Client)
	s := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: SessionKeysSecret},
		Data:       map[string][]byte{KeyID: p.key},
	}
	if err := p.Client.Create(context.Background(), s); err != nil {
		t.Fatalf("create session keys: %v", err)
	}
	return ns
}

// CreateRoom creates a room of the given seats and waits until the router
// routes to its ready pod.
func (p *Platform) CreateRoom(t testing.TB, ns, name string, seats int32) *gamesv1.GameRoom {
	t.Helper()
	room := &gamesv1.GameRoom{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec:       gamesv1.GameRoomSpec{MaxPlayers: seats},
	}
	if err := p.Client.Create(context.Background(), room); err != nil {
		t.Fatalf("create room: %v", err)
	}
	p.WaitRoutable(t, ns, name)
	return room
}

// WaitRoutable waits until GET /v1/rooms/ns/name says the room is routable.
func (p *Platform) WaitRoutable(t testing.TB, ns, name string) router.RoomFacts {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		f, status := p.Facts(t, ns, name)
		if status == http.StatusOK && f.Routable {
			return f
		}
		if time.Now().After(deadline) {
			t.Fatalf("room %s/%s not routable within a minute: status %d, facts %+v", ns, name, status, f)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Facts is GET /v1/rooms/ns/name through the router.
func (p *Platform) Facts(t testing.TB, ns, name string) (router.RoomFacts, int) {
	t.Helper()
	var f router.RoomFacts
	resp, err := http.Get(p.URL() + "/v1/rooms/" + ns + "/" + name)
	if err != nil {
		return f, 0
	}
	defer resp.Body.Close()
	_ = json.NewDecoder(resp.Body).Decode(&f)
	return f, resp.StatusCode
}

// Joined is the router's answer to a successful join.
type Joined = playerclient.Joined

// Join takes a seat through the router, retrying while the room is
// unavailable (503).
func (p *Platform) Join(t testing.TB, ns, name, player string) Joined {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	j, err := playerclient.JoinRoom(ctx, p.URL(), ns, name, player)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// Dial opens a websocket through the router the way docs/PROTOCOL.md
// says: path from the join answer, token as a subprotocol.
func (p *Platform) Dial(path, token string, header http.Header) (*websocket.Conn, *http.Response, error) {
	d := websocket.Dialer{
		Subprotocols:     []string{router.ProtocolV1, router.TokenProtocolPrefix + token},
		HandshakeTimeout: 10 * time.Second,
	}
	return d.Dial(p.WSURL(path), header)
}

// WSURL is the ws:// URL of a router path.
func (p *Platform) WSURL(path string) string {
	return "ws://" + strings.TrimPrefix(p.URL(), "http://") + path
}

// PodMetric reads one sample of a game pod's /metrics (0 when absent).
func PodMetric(endpoint, name string) (float64, error) {
	resp, err := http.Get("http://" + endpoint + "/metrics")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	var total float64
	for _, line := range strings.Split(buf.String(), "\n") {
		if strings.HasPrefix(line, name+" ") || strings.HasPrefix(line, name+"{") {
			var v float64
			if _, err := fmt.Sscanf(line[strings.LastIndexByte(line, ' ')+1:], "%g", &v); err == nil {
				total += v
			}
		}
	}
	return total, nil
}
