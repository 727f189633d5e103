// Package config reads the game pod's contract (environment and the mounted
// session-key Secret) into a validated Config. Anything missing or malformed
// fails the start with an error that names the setting, so a broken pod
// says what is wrong in its first log line instead of misbehaving later.
package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/housebot"
	"github.com/croupier-dev/croupier/gameserver/room"
	"github.com/croupier-dev/croupier/roomcontract"
	"github.com/croupier-dev/croupier/roomcontract/redisconn"
	"github.com/croupier-dev/croupier/roomcontract/session"
)

// Defaults of the optional settings.
const (
	DefaultListenAddr      = ":7350"
	DefaultHeartbeatPeriod = 5 * time.Second
	DefaultSessionKeysDir  = "/var/run/croupier/session-keys"
	// DefaultStandInAfter: a player gone a minute mid-match has their
	// turns played for them. The server drops a silent connection after
	// 60 s, so a network blip or a reload never gets there.
	DefaultStandInAfter = time.Minute
	// Bounds of CROUPIER_STAND_IN_AFTER other than 0 (never).
	MinStandInAfter = 5 * time.Second
	MaxStandInAfter = 24 * time.Hour
)

// Config is everything the game pod is started with.
type Config struct {
	Room            roomcontract.Room
	Pod             string
	Game            string
	Options         cassino.Options // Players is the number of seats
	SessionTTL      time.Duration
	ListenAddr      string
	HeartbeatPeriod time.Duration
	Redis           redisconn.Options
	SessionKeysDir  string
	Keys            *session.Keyring
	AllowedOrigins  []string // empty: same host only
	// Seed deals the match from a chosen seed (CROUPIER_SEED); nil: a
	// fresh random seed.
	Seed func() (int64, error)
	Bots housebot.Config
	// Spectators who may watch (CROUPIER_SPECTATORS); zero: nobody.
	Spectators room.Spectators
	// MatchStarted: the operator saw the room's match start
	// (CROUPIER_MATCH_STARTED=true); a Redis without its setup lost it.
	MatchStarted bool
	// StandInAfter (CROUPIER_STAND_IN_AFTER): an away player's turns are
	// played for them after this long; zero: never.
	StandInAfter time.Duration
}

// isDNSName accepts Kubernetes object names, ^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$;
// they also keep the room's Redis hash tag intact (no braces or slashes).
// Checked by hand: that regexp, compiled at start, cost every pod 165 kB.
func isDNSName(s string) bool {
	if len(s) == 0 || len(s) > 253 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		inner := i > 0 && i < len(s)-1
		if !alnum && !(inner && (c == '-' || c == '.')) {
			return false
		}
	}
	return true
}

// Load reads the configuration through getenv (os.Getenv in production).
func Load(getenv func(string) string) (Config, error) {
	r := reader{getenv: getenv}
	c := Config{
		Room:            roomcontract.For(r.name(roomcontract.EnvRoomNamespace), r.name(roomcontract.EnvRoomName)),
		Pod:             r.required(roomcontract.EnvPodName),
		Game:            r.required(roomcontract.EnvGame),
		SessionTTL:      r.duration(roomcontract.EnvSessionTTL, 0),
		ListenAddr:      r.optional(roomcontract.EnvListenAddr, DefaultListenAddr),
		HeartbeatPeriod: r.duration(roomcontract.EnvHeartbeatPeriod, DefaultHeartbeatPeriod),
		SessionKeysDir:  r.optional(roomcontract.EnvSessionKeysDir, DefaultSessionKeysDir),
		AllowedOrigins:  redisconn.ParseAddrs(getenv(roomcontract.EnvAllowedOrigins)),
		Redis: redisconn.Options{
			Mode:         r.optional(roomcontract.EnvRedisMode, redisconn.ModeSingle),
			Addrs:        redisconn.ParseAddrs(r.required(roomcontract.EnvRedisAddrs)),
			MasterName:   getenv(roomcontract.EnvRedisMaster),
			Username:     getenv(roomcontract.EnvRedisUsername),
			Password:     getenv(roomcontract.EnvRedisPassword),
			TLS:          r.boolean(roomcontract.EnvRedisTLS),
			WaitReplicas: r.waitReplicas(),
		},
	}
	if c.Game != "" && c.Game != "cassino" {
		r.fail(roomcontract.EnvGame, fmt.Errorf("game %q is not supported (only cassino)", c.Game))
	}
	c.Options = r.rules(r.players())
	c.Seed = r.seed()
	c.MatchStarted = r.boolean(roomcontract.EnvMatchStarted)
	c.Bots = r.bots(c.Options.Players)
	c.Spectators = r.spectators()
	c.StandInAfter = r.standInAfter()
	if r.err == nil {
		if err := c.Redis.Validate(); err != nil {
			r.fail(roomcontract.EnvRedisMode+"/"+roomcontract.EnvRedisAddrs, err)
		}
	}
	if r.err == nil {
		keys, err := session.ReadKeyDir(c.SessionKeysDir)
		r.fail(roomcontract.EnvSessionKeysDir, err)
		c.Keys = keys
	}
	return c, r.err
}

// reader keeps the first error, so Load reads like the contract's table.
type reader struct {
	getenv func(string) string
	err    error
}

func (r *reader) fail(setting string, err error) {
	if err != nil && r.err == nil {
		r.err = fmt.Errorf("%s: %w", setting, err)
	}
}

func (r *reader) required(name string) string {
	v := strings.TrimSpace(r.getenv(name))
	if v == "" {
		r.fail(name, fmt.Errorf("is required"))
	}
	return v
}

func (r *reader) optional(name, def string) string {
	if v := strings.TrimSpace(r.getenv(name)); v != "" {
		return v
	}
	return def
}

func (r *reader) name(env string) string {
	v := r.required(env)
	if v != "" && !isDNSName(v) {
		r.fail(env, fmt.Errorf("%q is not a Kubernetes object name", v))
	}
	return v
}

func (r *reader) duration(name string, def time.Duration) time.Duration {
	v := strings.TrimSpace(r.getenv(name))
	if v == "" {
		if def == 0 {
			r.fail(name, fmt.Errorf("is required"))
		}
		return def
	}
	d, err := time.ParseDuration(v)
	if err == nil && d <= 0 {
		err = fmt.Errorf("%s is not a positive duration", v)
	}
	r.fail(name, err)
	return d
}

// standInAfter reads CROUPIER_STAND_IN_AFTER: 0 turns stand-ins off.
func (r *reader) standInAfter() time.Duration {
	v := strings.TrimSpace(r.getenv(roomcontract.EnvStandInAfter))
	if v == "" {
		return DefaultStandInAfter
	}
	d, err := time.ParseDuration(v)
	if err == nil && d != 0 && (d < MinStandInAfter || d > MaxStandInAfter) {
		err = fmt.Errorf("%s: want 0s (never) or %s to %s", v, MinStandInAfter, MaxStandInAfter)
	}
	r.fail(roomcontract.EnvStandInAfter, err)
	return d
}

// boolean reads "true" or "false" (empty is false). Anything else is an
// error rather than false: a mistyped TLS switch must not quietly send a
// password in clear text.
func (r *reader) boolean(name string) bool {
	switch v := strings.TrimSpace(r.getenv(name)); v {
	case "", "false":
		return false
	case "true":
		return true
	default:
		r.fail(name, fmt.Errorf("%q is neither true nor false", v))
		return false
	}
}

// waitReplicas reads the replicas an action waits for; unset is 0.
func (r *reader) waitReplicas() int {
	v := strings.TrimSpace(r.getenv(roomcontract.EnvRedisWaitReplicas))
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > redisconn.MaxWaitReplicas {
		r.fail(roomcontract.EnvRedisWaitReplicas, fmt.Errorf("%q: want 0 to %d", v, redisconn.MaxWaitReplicas))
	}
	return n
}

func (r *reader) seed() func() (int64, error) {
	v := strings.TrimSpace(r.getenv(roomcontract.EnvSeed))
	if v == "" {
		return nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		r.fail(roomcontract.EnvSeed, fmt.Errorf("%q is not a 64-bit integer", v))
		return nil
	}
	return func() (int64, error) { return n, nil }
}

func (r *reader) players() int {
	v := r.required(roomcontract.EnvMaxPlayers)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err == nil && (n < 2 || n > 4) {
		err = fmt.Errorf("%d players: want 2, 3 or 4", n)
	}
	r.fail(roomcontract.EnvMaxPlayers, err)
	return n
}
