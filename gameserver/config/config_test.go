package config

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/housebot"
	"github.com/croupier-dev/croupier/roomcontract"
	"github.com/croupier-dev/croupier/roomcontract/session"
)

func keyDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "2026-11-26"), bytes.Repeat([]byte("k"), session.MinKeyBytes), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// env is a complete, valid pod environment; tests change one setting.
func env(t *testing.T) map[string]string {
	return map[string]string{
		roomcontract.EnvRoomNamespace:  "games",
		roomcontract.EnvRoomName:       "table-1",
		roomcontract.EnvPodName:        "table-1-game",
		roomcontract.EnvGame:           "cassino",
		roomcontract.EnvMaxPlayers:     "4",
		roomcontract.EnvRules:          `{"targetScore":11,"partnerships":false}`,
		roomcontract.EnvSessionTTL:     "24h",
		roomcontract.EnvRedisMode:      "single",
		roomcontract.EnvRedisAddrs:     "redis:6379",
		roomcontract.EnvRedisPassword:  "pw",
		roomcontract.EnvSessionKeysDir: keyDir(t),
		roomcontract.EnvAllowedOrigins: "https://play.example.com, https://other.example.com",
	}
}

func load(m map[string]string) (Config, error) { return Load(func(k string) string { return m[k] }) }

func TestLoadReadsTheContract(t *testing.T) {
	c, err := load(env(t))
	if err != nil {
		t.Fatal(err)
	}
	want := cassino.DefaultOptions(4)
	want.TargetScore, want.Partnerships = 11, false
	if c.Options != want {
		t.Fatalf("options %+v, want %+v", c.Options, want)
	}
	if c.Room.Namespace != "games" || c.Room.Name != "table-1" || c.Pod != "table-1-game" {
		t.Fatalf("identity %+v %q", c.Room, c.Pod)
	}
	if c.ListenAddr != ":7350" || c.HeartbeatPeriod != 5*time.Second || c.SessionTTL != 24*time.Hour || c.StandInAfter != time.Minute {
		t.Fatalf("defaults: %q %v %v %v", c.ListenAddr, c.HeartbeatPeriod, c.SessionTTL, c.StandInAfter)
	}
	if c.Redis.Addrs[0] != "redis:6379" || c.Redis.Password != "pw" || len(c.AllowedOrigins) != 2 {
		t.Fatalf("redis %+v origins %v", c.Redis, c.AllowedOrigins)
	}
	if c.Redis.TLS {
		t.Fatal("TLS on without CROUPIER_REDIS_TLS")
	}
	e := env(t)
	e[roomcontract.EnvRedisTLS] = "true"
	if tls, err := load(e); err != nil || !tls.Redis.TLS {
		t.Fatalf("CROUPIER_REDIS_TLS=true: TLS %v, %v", tls.Redis.TLS, err)
	}
	if c.Keys == nil || c.Keys.SigningKeyID() != "2026-11-26" {
		t.Fatal("session keys not loaded")
	}
	if c.MatchStarted {
		t.Fatal("match started without the operator saying so")
	}
	e = env(t)
	e[roomcontract.EnvMatchStarted] = "true"
	if c, err := load(e); err != nil || !c.MatchStarted {
		t.Fatalf("%s=true read as %v (%v)", roomcontract.EnvMatchStarted, c.MatchStarted, err)
	}
}

func TestLoadNamesTheBadSetting(t *testing.T) {
	tests := []struct {
		name, key, value string
	}{
		{"missing namespace", roomcontract.EnvRoomNamespace, ""},
		{"room name with a brace", roomcontract.EnvRoomName, "a}b"},
		{"missing pod name", roomcontract.EnvPodName, ""},
		{"other game", roomcontract.EnvGame, "poker"},
		{"players not a number", roomcontract.EnvMaxPlayers, "two"},
		{"too many players", roomcontract.EnvMaxPlayers, "5"},
		{"rules not JSON", roomcontract.EnvRules, "{"},
		{"unknown rule", roomcontract.EnvRules, `{"jokers":true}`},
		{"players in rules", roomcontract.EnvRules, `{"players":3}`},
		{"rule out of range", roomcontract.EnvRules, `{"targetScore":0}`},
		{"seed not a number", roomcontract.EnvSeed, "lucky"},
		{"missing session TTL", roomcontract.EnvSessionTTL, ""},
		{"bad session TTL", roomcontract.EnvSessionTTL, "1 day"},
		{"negative heartbeat", roomcontract.EnvHeartbeatPeriod, "-5s"},
		{"missing redis address", roomcontract.EnvRedisAddrs, ""},
		{"unknown redis mode", roomcontract.EnvRedisMode, "ring"},
		{"sentinel without master", roomcontract.EnvRedisMode, "sentinel"},
		{"TLS switch mistyped", roomcontract.EnvRedisTLS, "yes"},
		{"no key directory", roomcontract.EnvSessionKeysDir, "/nonexistent/keys"},
		{"wait replicas not a number", roomcontract.EnvRedisWaitReplicas, "one"},
		{"too many wait replicas", roomcontract.EnvRedisWaitReplicas, "6"},
		{"bots not JSON", roomcontract.EnvBots, "one"},
		{"bots in every seat", roomcontract.EnvBots, `{"count":4}`},
		{"unknown bot level", roomcontract.EnvBots, `{"count":1,"level":"genius"}`},
		{"match started not a boolean", roomcontract.EnvMatchStarted, "yes"},
		{"stand-in wait not a duration", roomcontract.EnvStandInAfter, "1 minute"},
		{"stand-in wait too short", roomcontract.EnvStandInAfter, "1s"},
		{"stand-in wait negative", roomcontract.EnvStandInAfter, "-1m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := env(t)
			e[tt.key] = tt.value
			_, err := load(e)
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), tt.key) {
				t.Fatalf("error %q does not name %s", err, tt.key)
			}
		})
	}
}

// Partnerships exist at 4 players only; asking for them in a smaller room
// is refused at start, naming the option, instead of being reported but
// not played.
func TestPartnershipsBelowFourPlayersAreRefused(t *testing.T) {
	for _, players := range []string{"2", "3"} {
		e := env(t)
		e[roomcontract.EnvMaxPlayers] = players
		e[roomcontract.EnvRules] = `{"partnerships":true}`
		_, err := load(e)
		if err == nil || !strings.Contains(err.Error(), roomcontract.EnvRules) || !strings.Contains(err.Error(), "partnerships need 4 players") {
			t.Fatalf("%s players with partnerships: %v", players, err)
		}
	}
	e := env(t)
	e[roomcontract.EnvMaxPlayers] = "3"
	e[roomcontract.EnvRules] = `{}`
	c, err := load(e)
	if err != nil || c.Options.Partnerships {
		t.Fatalf("3 players, default rules: partnerships %v, err %v", c.Options.Partnerships, err)
	}
}

func TestSeedFixesTheShuffle(t *testing.T) {
	e := env(t)
	c, err := load(e)
	if err != nil || c.Seed != nil {
		t.Fatalf("without %s: seed func %v, err %v", roomcontract.EnvSeed, c.Seed != nil, err)
	}
	e[roomcontract.EnvSeed] = "-20261126"
	c, err = load(e)
	if err != nil || c.Seed == nil {
		t.Fatalf("with %s: %v", roomcontract.EnvSeed, err)
	}
	if s, err := c.Seed(); s != -20261126 || err != nil {
		t.Fatalf("seed %d, %v", s, err)
	}
}

func TestShortKeyIsRefused(t *testing.T) {
	e := env(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "k1"), []byte("short"), 0o600); err != nil {
		t.Fatal(err)
	}
	e[roomcontract.EnvSessionKeysDir] = dir
	if _, err := load(e); err == nil || !strings.Contains(err.Error(), "want at least 32") {
		t.Fatalf("short key: %v", err)
	}
}

func TestLoadReadsTheBots(t *testing.T) {
	e := env(t)
	c, err := load(e)
	if err != nil || c.Bots != (housebot.Config{}) {
		t.Fatalf("no %s: bots %+v, %v", roomcontract.EnvBots, c.Bots, err)
	}
	e[roomcontract.EnvBots] = `{"count":3,"level":"random","delay":"2s"}`
	c, err = load(e)
	if err != nil {
		t.Fatal(err)
	}
	if want := (housebot.Config{Count: 3, Level: housebot.LevelRandom, Delay: 2 * time.Second}); c.Bots != want {
		t.Fatalf("bots %+v, want %+v", c.Bots, want)
	}
}

// docs/GAMESERVER.md: CROUPIER_STAND_IN_AFTER is a duration, 0s for never.
func TestStandInAfter(t *testing.T) {
	for v, want := range map[string]time.Duration{"0s": 0, "0": 0, "90s": 90 * time.Second, "5s": 5 * time.Second, "24h": 24 * time.Hour} {
		e := env(t)
		e[roomcontract.EnvStandInAfter] = v
		c, err := load(e)
		if err != nil || c.StandInAfter != want {
			t.Errorf("%s=%q: %v, %v; want %v", roomcontract.EnvStandInAfter, v, c.StandInAfter, err, want)
		}
	}
}
