package config

import (
	"fmt"
	"strings"
	"testing"

	"github.com/croupier-dev/croupier/roomcontract"
)

// The game server's own bound on targetScore is the engine's, 1 to 500
// (docs/GAMESERVER.md); a GameRoom narrows it to 11..121.
func TestTargetScoreBoundsOfTheGameServer(t *testing.T) {
	for _, tc := range []struct {
		target int
		ok     bool
	}{
		{1, true},
		{500, true},
		{0, false},
		{501, false},
	} {
		e := env(t)
		e[roomcontract.EnvRules] = fmt.Sprintf(`{"targetScore":%d}`, tc.target)
		c, err := load(e)
		switch {
		case tc.ok && err != nil:
			t.Errorf("targetScore %d refused: %v", tc.target, err)
		case tc.ok && c.Options.TargetScore != tc.target:
			t.Errorf("targetScore %d loaded as %d", tc.target, c.Options.TargetScore)
		case !tc.ok && (err == nil || !strings.Contains(err.Error(), roomcontract.EnvRules)):
			t.Errorf("targetScore %d: want an error naming %s, got %v", tc.target, roomcontract.EnvRules, err)
		}
	}
}
