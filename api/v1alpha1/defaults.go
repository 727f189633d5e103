package v1alpha1

import "time"

// Defaults the API server applies to an unset field. The reconciler reads
// rooms through the API server, so these matter only to code that builds a
// GameRoom by hand (tests, the local platform).
const (
	DefaultMaxPlayers       = 2
	DefaultIdleTimeout      = 5 * time.Minute
	DefaultHeartbeatTimeout = 30 * time.Second
	DefaultStartTimeout     = 5 * time.Minute
	DefaultSessionTTL       = 24 * time.Hour
	DefaultBotLevel         = BotLevelGreedy
	DefaultBotDelay         = 700 * time.Millisecond
	DefaultSpectatorsMax    = 10
)

// MaxPlayersOrDefault returns spec.maxPlayers, or its default when unset.
func (s *GameRoomSpec) MaxPlayersOrDefault() int32 {
	if s.MaxPlayers == 0 {
		return DefaultMaxPlayers
	}
	return s.MaxPlayers
}

// IdleTimeoutOrDefault returns spec.idleTimeout, or its default when unset.
func (s *GameRoomSpec) IdleTimeoutOrDefault() time.Duration {
	if s.IdleTimeout == nil {
		return DefaultIdleTimeout
	}
	return s.IdleTimeout.Duration
}

// HeartbeatTimeoutOrDefault returns spec.heartbeatTimeout, or its default when unset.
func (s *GameRoomSpec) HeartbeatTimeoutOrDefault() time.Duration {
	if s.HeartbeatTimeout == nil {
		return DefaultHeartbeatTimeout
	}
	return s.HeartbeatTimeout.Duration
}

// StartTimeoutOrDefault returns spec.startTimeout, or its default when unset.
func (s *GameRoomSpec) StartTimeoutOrDefault() time.Duration {
	if s.StartTimeout == nil {
		return DefaultStartTimeout
	}
	return s.StartTimeout.Duration
}

// SessionTTLOrDefault returns spec.sessionTTL, or its default when unset.
func (s *GameRoomSpec) SessionTTLOrDefault() time.Duration {
	if s.SessionTTL == nil {
		return DefaultSessionTTL
	}
	return s.SessionTTL.Duration
}

// GameOrDefault returns spec.game, or its default when unset.
func (s *GameRoomSpec) GameOrDefault() Game {
	if s.Game == "" {
		return GameCassino
	}
	return s.Game
}

// LevelOrDefault returns bots.level, or its default when unset.
func (b *Bots) LevelOrDefault() BotLevel {
	if b.Level == "" {
		return DefaultBotLevel
	}
	return b.Level
}

// DelayOrDefault returns bots.delay, or its default when unset.
func (b *Bots) DelayOrDefault() time.Duration {
	if b.Delay == nil {
		return DefaultBotDelay
	}
	return b.Delay.Duration
}

// MaxOrDefault returns spectators.max, or its default when unset.
func (s *Spectators) MaxOrDefault() int32 {
	if s.Max == 0 {
		return DefaultSpectatorsMax
	}
	return s.Max
}
