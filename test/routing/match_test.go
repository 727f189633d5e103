package routing

import (
	"context"
	"encoding/json"
	"testing"

	. "github.com/onsi/gomega"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/internal/playerclient"
	"github.com/croupier-dev/croupier/roomcontract"
)

// reference plays the room's match (its stored options and seed) with the
// engine alone, without interruption.
func reference(t *testing.T, ns, room string) cassino.View {
	t.Helper()
	raw, err := plat.RedisCli.Get(context.Background(), roomcontract.For(ns, room).Setup()).Bytes()
	if err != nil {
		t.Fatalf("read the match setup: %v", err)
	}
	var setup cassino.Setup
	if err := json.Unmarshal(raw, &setup); err != nil {
		t.Fatal(err)
	}
	m, _, err := cassino.New(setup)
	if err != nil {
		t.Fatal(err)
	}
	for !m.Finished() {
		s := m.Turn()
		if _, err := m.Apply(s, cassino.Greedy(m.View(s))); err != nil {
			t.Fatal(err)
		}
	}
	return m.View(0)
}

func TestAMatchPlayedThroughTheRouter(t *testing.T) {
	g := NewWithT(t)
	ns := plat.Namespace(t)
	plat.CreateRoom(t, ns, "table", 2)
	players := playerclient.Seat(t, throughRouter(), ns, "table", 2)
	g.Expect(players[0].Joined.WS).To(Equal("/v1/rooms/" + ns + "/table/ws"))
	// A ping through the router gets its pong (docs/PROTOCOL.md, ping).
	players[1].Write(map[string]any{"v": 1, "type": "ping"})
	for {
		f, err := players[1].Read()
		g.Expect(err).NotTo(HaveOccurred())
		if f.Type == "pong" {
			break
		}
	}
	final := playMatch(t, players, nil)
	want := reference(t, ns, "table")
	g.Expect(final.Scores).To(Equal(want.Scores))
	g.Expect(final.Winners).To(Equal(want.Winners))
	for _, p := range players {
		g.Expect(p.Closes).To(BeEmpty())
	}
}
