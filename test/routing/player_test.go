package routing

import (
	"testing"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/internal/playerclient"
)

// throughRouter is how this suite's players reach a room: through the
// platform's router, reconnecting with jittered back-off and last_seq
// whenever their connection closes (the tests move pods and restart the
// router under them).
func throughRouter() playerclient.Options {
	return playerclient.Options{Base: plat.URL(), Reconnect: true}
}

// playMatch plays to the end and returns the first seat's final view;
// between turns, interrupt(turn) may break things.
func playMatch(t testing.TB, players playerclient.Table, interrupt func(turn int)) cassino.View {
	t.Helper()
	players.Play(t, -1, interrupt)
	return *players[0].View
}
