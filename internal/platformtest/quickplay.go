package platformtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/roomcontract/pool"
)

// The platform's template pool: quick play makes a room from its template
// when no room can be claimed, as `croupier dev` does.
const (
	PlayNamespace = "croupier-play"
	TemplatePool  = "quickplay"
)

// makePlayNamespace makes the template pool's namespace (restricted Pod
// Security, the session keys) and the pool, with no warm rooms.
func (p *Platform) makePlayNamespace() error {
	ctx := context.Background()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: PlayNamespace, Labels: map[string]string{
		"pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "latest",
	}}}
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: PlayNamespace, Name: SessionKeysSecret}, Data: map[string][]byte{KeyID: p.key}}
	gp := &gamesv1.GameRoomPool{
		ObjectMeta: metav1.ObjectMeta{Namespace: PlayNamespace, Name: TemplatePool},
		Spec:       gamesv1.GameRoomPoolSpec{Replicas: 0},
	}
	if err := p.Client.Create(ctx, ns); err != nil {
		return fmt.Errorf("play namespace: %w", err)
	}
	if err := p.Client.Create(ctx, s); err != nil {
		return fmt.Errorf("play namespace keys: %w", err)
	}
	if err := p.Client.Create(ctx, gp); err != nil {
		return fmt.Errorf("template pool: %w", err)
	}
	return nil
}

// WarmPool makes a GameRoomPool of replicas rooms of spec in ns and waits
// until each is ready and routed; the test's end deletes the pool before
// the namespace's rooms, so it does not refill them.
func (p *Platform) WarmPool(t testing.TB, ns, name string, replicas int32, spec gamesv1.GameRoomSpec) {
	t.Helper()
	gp := &gamesv1.GameRoomPool{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec:       gamesv1.GameRoomPoolSpec{Replicas: replicas, Template: gamesv1.GameRoomTemplate{Spec: *spec.DeepCopy()}},
	}
	if err := p.Client.Create(context.Background(), gp); err != nil {
		t.Fatalf("create pool: %v", err)
	}
	t.Cleanup(func() { _ = p.Client.Delete(context.Background(), gp) })
	deadline := time.Now().Add(5 * time.Minute)
	for {
		var list gamesv1.GameRoomList
		if err := p.Client.List(context.Background(), &list, client.InNamespace(ns), client.MatchingLabels{pool.LabelPool: name}); err != nil {
			t.Fatal(err)
		}
		ready := 0
		for i := range list.Items {
			gr := &list.Items[i]
			if f, status := p.Facts(t, ns, gr.Name); status == http.StatusOK && f.Routable && pool.Claimable(gr) {
				ready++
			}
		}
		if ready >= int(replicas) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("pool %s/%s: %d of %d rooms ready within 5 minutes", ns, name, ready, replicas)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// WaitReady waits until the room's phase is Ready and the router routes to it.
func (p *Platform) WaitReady(t testing.TB, ns, name string) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		f, status := p.Facts(t, ns, name)
		if status == http.StatusOK && f.Routable && f.Phase == string(gamesv1.PhaseReady) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("room %s/%s not ready within 3 minutes: status %d, facts %+v", ns, name, status, f)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Seat is a quick play's answer: the join's, the room's name, the websocket path.
type Seat struct {
	Joined
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
}

// Play posts body to POST /v1/play at base (the router's URL, or a
// matchmaker replica's) and returns the status and the raw answer.
func Play(base string, body any) (int, []byte, error) {
	var rd io.Reader
	switch b := body.(type) {
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		raw, _ := json.Marshal(b)
		rd = bytes.NewReader(raw)
	}
	resp, err := http.Post(base+"/v1/play", "application/json", rd)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp.StatusCode, raw, err
}
