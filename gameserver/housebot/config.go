package housebot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// Defaults and bounds of the bots' settings (docs/GAMESERVER.md).
const (
	DefaultLevel = LevelGreedy
	DefaultDelay = 700 * time.Millisecond
	MaxDelay     = 10 * time.Second
	// maxSettings bounds the setting's size before it is decoded.
	maxSettings = 1 << 10
)

// Config is the room's house bots.
type Config struct {
	Count int           // seats the bots take: the last ones
	Level Level         // how every bot plays
	Delay time.Duration // think time before each move
}

// Parse reads the bots' setting, {"count":1,"level":"greedy","delay":"700ms"},
// for a room of players seats. An empty setting means no bots. Level and
// delay may be left out for their defaults; anything else unknown, out of
// range, or a count that leaves no seat for a person, is refused.
func Parse(raw string, players int) (Config, error) {
	raw = string(bytes.TrimSpace([]byte(raw)))
	if raw == "" {
		return Config{}, nil
	}
	if len(raw) > maxSettings {
		return Config{}, fmt.Errorf("%d bytes: want at most %d", len(raw), maxSettings)
	}
	var in struct {
		Count *int    `json:"count"`
		Level *Level  `json:"level"`
		Delay *string `json:"delay"`
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return Config{}, fmt.Errorf(`want a JSON object like {"count":1,"level":"greedy","delay":"700ms"}: %w`, err)
	}
	if dec.More() {
		return Config{}, fmt.Errorf("want one JSON object, found more after it")
	}
	if in.Count == nil {
		return Config{}, fmt.Errorf("count is required")
	}
	c := Config{Count: *in.Count, Level: DefaultLevel, Delay: DefaultDelay}
	if c.Count < 0 || c.Count >= players {
		return Config{}, fmt.Errorf("count %d: want 0 to %d, so a %d-seat room keeps a seat for a person", c.Count, players-1, players)
	}
	if in.Level != nil {
		if _, ok := levels[*in.Level]; !ok {
			return Config{}, fmt.Errorf("level %q: want one of %s", *in.Level, levelNames())
		}
		c.Level = *in.Level
	}
	if in.Delay != nil {
		d, err := time.ParseDuration(*in.Delay)
		if err != nil {
			return Config{}, fmt.Errorf("delay: %w", err)
		}
		if d < 0 || d > MaxDelay {
			return Config{}, fmt.Errorf("delay %s: want 0s to %s", d, MaxDelay)
		}
		c.Delay = d
	}
	return c, nil
}

// Seats are the seats the bots take in a room of players seats: the last
// ones, so people joining without a preference fill the room from seat 0.
func (c Config) Seats(players int) []int {
	out := make([]int, 0, c.Count)
	for s := players - c.Count; s < players; s++ {
		out = append(out, s)
	}
	return out
}
