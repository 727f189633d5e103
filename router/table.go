package router

import (
	"sync"

	"k8s.io/apimachinery/pkg/api/meta"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
)

// RoomFacts are what GET /v1/rooms/{namespace}/{name} tells anyone.
type RoomFacts struct {
	Room   string               `json:"room"` // "<namespace>/<name>"
	Game   string               `json:"game"`
	Seats  int32                `json:"seats"`
	Seated int32                `json:"seated"`
	Phase  string               `json:"phase"`
	Rules  gamesv1.CassinoRules `json:"rules"`
	// Routable: the room's pod is ready; join and ws reach it.
	Routable   bool           `json:"routable"`
	Spectators RoomSpectators `json:"spectators"`
}

// RoomSpectators say whether the room may be watched and how, from its
// spec, so a client offers watch mode only where POST .../watch can
// succeed.
type RoomSpectators struct {
	Allowed bool  `json:"allowed"`
	Max     int32 `json:"max"`   // watchers at once
	Delay   int32 `json:"delay"` // actions the watchers' table trails
}

// route is one room of the table. endpoint is empty while the room is
// not routable.
type route struct {
	facts    RoomFacts
	endpoint string
	// listed: the room is in the lobby (spec.listed, not being deleted).
	listed bool
	bots   int32
}

// table is room → route, fed by the GameRoom watch. A room is routable
// while its pod is ready (condition PodHealthy) and has an endpoint; the
// endpoint is taken from the room's status and nowhere else.
type table struct {
	mu     sync.RWMutex
	routes map[string]route
	// moved is told a room whose endpoint changed or that stopped being
	// routable, so its connections to the old pod are closed.
	moved func(room string)
	size  func(n int)
}

func newTable(moved func(string), size func(int)) *table {
	return &table{routes: map[string]route{}, moved: moved, size: size}
}

func roomKey(namespace, name string) string { return namespace + "/" + name }

// routeOf is a room's route as its status describes it.
func routeOf(gr *gamesv1.GameRoom) route {
	healthy := meta.IsStatusConditionTrue(gr.Status.Conditions, gamesv1.ConditionPodHealthy)
	r := route{facts: RoomFacts{
		Room:   roomKey(gr.Namespace, gr.Name),
		Game:   string(gr.Spec.GameOrDefault()),
		Seats:  gr.Spec.MaxPlayersOrDefault(),
		Seated: gr.Status.Players.Seated,
		Phase:  string(gr.Status.Phase),
		Rules:  gr.Spec.Rules,
		Spectators: RoomSpectators{
			Allowed: gr.Spec.Spectators.Allowed,
			Max:     gr.Spec.Spectators.MaxOrDefault(),
			Delay:   gr.Spec.Spectators.Delay,
		},
	}}
	r.listed = listedRoom(gr) && gr.DeletionTimestamp == nil
	if gr.Spec.Bots != nil {
		r.bots = gr.Spec.Bots.Count
	}
	if healthy && gr.Status.Endpoint != "" && gr.DeletionTimestamp == nil {
		r.endpoint = gr.Status.Endpoint
		r.facts.Routable = true
	}
	return r
}

func (t *table) set(gr *gamesv1.GameRoom) {
	r := routeOf(gr)
	t.mu.Lock()
	old, had := t.routes[r.facts.Room]
	t.routes[r.facts.Room] = r
	n := len(t.routes)
	t.mu.Unlock()
	t.size(n)
	if had && old.endpoint != "" && old.endpoint != r.endpoint {
		t.moved(r.facts.Room)
	}
}

func (t *table) remove(namespace, name string) {
	key := roomKey(namespace, name)
	t.mu.Lock()
	old, had := t.routes[key]
	delete(t.routes, key)
	n := len(t.routes)
	t.mu.Unlock()
	t.size(n)
	if had && old.endpoint != "" {
		t.moved(key)
	}
}

func (t *table) lookup(key string) (route, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	r, ok := t.routes[key]
	return r, ok
}
