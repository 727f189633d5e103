package soak

import (
	"fmt"
	"strconv"
	"time"
)

// config is one soak's size, seed and length.
type config struct {
	rooms int
	seed  uint64
	// window is how long platform faults are injected; moves are paced
	// so that matches last about that long.
	window time.Duration
	// long draws a stream of faults over the window; the short soak plays
	// a fixed budget, each platform fault once.
	long bool
}

const (
	shortRooms  = 4
	shortSeed   = 1
	shortWindow = 24 * time.Second
	maxRooms    = 500
	maxWindow   = 2 * time.Hour
)

// loadConfig reads SOAK_ROOMS, SOAK_SEED and SOAK_DURATION through
// getenv; without SOAK_DURATION the soak is the short one of make test.
func loadConfig(getenv func(string) string) (config, error) {
	c := config{rooms: shortRooms, seed: shortSeed, window: shortWindow}
	if s := getenv("SOAK_ROOMS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxRooms {
			return c, fmt.Errorf("SOAK_ROOMS=%q: want a number of rooms from 1 to %d", s, maxRooms)
		}
		c.rooms = n
	}
	if s := getenv("SOAK_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return c, fmt.Errorf("SOAK_SEED=%q: want an unsigned integer (the seed a failed run printed)", s)
		}
		c.seed = n
	}
	if s := getenv("SOAK_DURATION"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d < 10*time.Second || d > maxWindow {
			return c, fmt.Errorf("SOAK_DURATION=%q: want a duration from 10s to %s, e.g. 5m", s, maxWindow)
		}
		c.window, c.long = d, true
	}
	return c, nil
}

// hurriedPace is the mean think time of the short soak, and of the long
// one's players once its fault window has closed.
const hurriedPace = 100 * time.Millisecond

// pace is a player's mean think time before a move while faults are
// injected. The long soak spreads about 60 moves of a table over its
// window; a match to 11 points may take twice that, so once the window
// closes its players hurry (hurriedPace) and every match ends soon after
// the faults do. The short soak plays fast throughout; its faults stall
// the matches long enough.
func (c config) pace() time.Duration {
	if !c.long {
		return hurriedPace
	}
	return c.window / 60
}

// faultEvery is the mean time between platform faults of the long soak.
func (c config) faultEvery() time.Duration { return 4 * time.Second }

// walksAway says whether the harness leaves room i on purpose, so that it
// must end Abandoned: the last room of the short soak, one in ten of the
// long one.
func (c config) walksAway(i int) bool {
	if !c.long {
		return c.rooms > 1 && i == c.rooms-1
	}
	return i%10 == 9
}
