package router

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/roomcontract/httpjson"
)

// The lobby's bounds: one answer lists at most maxLobbyLimit rooms.
const (
	defaultLobbyLimit = 50
	maxLobbyLimit     = 100
)

// LobbyRoom is one room of GET /v1/rooms.
type LobbyRoom struct {
	Room      string               `json:"room"` // "<namespace>/<name>"
	Namespace string               `json:"namespace"`
	Name      string               `json:"name"`
	Game      string               `json:"game"`
	Seats     int32                `json:"seats"`
	Seated    int32                `json:"seated"`
	Free      int32                `json:"free"`
	Bots      int32                `json:"bots"`
	Phase     string               `json:"phase"`
	Rules     gamesv1.CassinoRules `json:"rules"`
	Routable  bool                 `json:"routable"`
	// Spectators: as in room facts; Watch is set when they are allowed.
	Spectators RoomSpectators `json:"spectators"`
	Watch      string         `json:"watch,omitempty"` // the room's page in watch mode
	Join       string         `json:"join"`            // POST here to take a seat
	Link       string         `json:"link"`            // the room's page in the browser client
}

// Lobby is the answer of GET /v1/rooms.
type Lobby struct {
	Rooms []LobbyRoom `json:"rooms"`
	// More counts the listed rooms of the game left out by the limit.
	More int `json:"more"`
}

// lobby answers GET /v1/rooms?game=<game>[&limit=n] from the route table:
// listed rooms of the game, the ones a player can sit at now first.
func (r *Router) lobby(w http.ResponseWriter, req *http.Request) {
	game, limit, msg := lobbyQuery(req.URL.Query())
	if msg != "" {
		httpjson.Refuse(w, http.StatusBadRequest, CodeBadRequest, msg)
		return
	}
	rooms := r.table.listed(game)
	slices.SortFunc(rooms, func(a, b LobbyRoom) int {
		if c := lobbyRank(a) - lobbyRank(b); c != 0 {
			return c
		}
		if a.Free != b.Free {
			return int(a.Free - b.Free)
		}
		return strings.Compare(a.Room, b.Room)
	})
	out := Lobby{Rooms: rooms}
	if len(rooms) > limit {
		out.Rooms, out.More = rooms[:limit], len(rooms)-limit
	}
	if out.Rooms == nil {
		out.Rooms = []LobbyRoom{}
	}
	httpjson.Write(w, http.StatusOK, out)
}

func lobbyQuery(q url.Values) (game string, limit int, msg string) {
	for k, v := range q {
		if k != "game" && k != "limit" {
			return "", 0, "unknown query parameter " + strconv.Quote(k) + ": the lobby takes game and limit"
		}
		if len(v) != 1 {
			return "", 0, "query parameter " + k + " given more than once"
		}
	}
	game = q.Get("game")
	if game != string(gamesv1.GameCassino) {
		return "", 0, "game must be one of: cassino"
	}
	limit = defaultLobbyLimit
	if v, ok := q["limit"]; ok {
		n, err := strconv.Atoi(v[0])
		if err != nil || n < 1 || n > maxLobbyLimit {
			return "", 0, "limit must be a number from 1 to " + strconv.Itoa(maxLobbyLimit)
		}
		limit = n
	}
	return game, limit, ""
}

// lobbyRank orders the lobby: rooms that can seat a player now, then
// rooms still starting, then rooms whose seats are all taken.
func lobbyRank(l LobbyRoom) int {
	switch {
	case l.Free > 0 && l.Routable && l.Phase == string(gamesv1.PhaseReady):
		return 0
	case l.Free > 0 && (l.Phase == string(gamesv1.PhasePending) || l.Phase == string(gamesv1.PhaseStarting) || !l.Routable):
		return 1
	default:
		return 2
	}
}

// listed are the listed rooms of game that are not over.
func (t *table) listed(game string) []LobbyRoom {
	t.mu.RLock()
	defer t.mu.RUnlock()
	var out []LobbyRoom
	for _, rt := range t.routes {
		f := rt.facts
		if !rt.listed || f.Game != game || over(f.Phase) {
			continue
		}
		ns, name, _ := strings.Cut(f.Room, "/")
		out = append(out, LobbyRoom{
			Room: f.Room, Namespace: ns, Name: name, Game: f.Game,
			Seats: f.Seats, Seated: f.Seated, Free: f.Seats - max(f.Seated, rt.bots), Bots: rt.bots,
			Phase: f.Phase, Rules: f.Rules, Routable: f.Routable,
			Join: "/v1/rooms/" + f.Room + "/join", Link: "/r/" + f.Room,
			Spectators: f.Spectators, Watch: watchLink(f),
		})
	}
	return out
}

// watchLink is the room's page in watch mode, or "" when the room takes
// no spectators.
func watchLink(f RoomFacts) string {
	if !f.Spectators.Allowed {
		return ""
	}
	return "/r/" + f.Room + "?watch=1"
}

func over(phase string) bool {
	switch gamesv1.GameRoomPhase(phase) {
	case gamesv1.PhaseFinished, gamesv1.PhaseAbandoned, gamesv1.PhaseFailed:
		return true
	}
	return false
}
