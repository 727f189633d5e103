package housebot

import (
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/croupier-dev/croupier/gameserver/cassino"
)

// Level is how well a bot plays.
type Level string

// Levels: the game engine's own players.
const (
	LevelRandom Level = "random" // any legal move, uniformly
	LevelGreedy Level = "greedy" // the move with the best immediate gain
)

// A level's move depends only on the seat's view and the log sequence it
// answers: a pod that replaces another mid-turn decides the same move,
// so the move it logs under the same action id is the one already logged.
type decideFunc func(v cassino.View, seq int64) cassino.Action

var levels = map[Level]decideFunc{
	LevelRandom: func(v cassino.View, seq int64) cassino.Action {
		return cassino.RandomLegal(v, rand.New(rand.NewPCG(uint64(seq), uint64(v.Seat))))
	},
	LevelGreedy: func(v cassino.View, _ int64) cassino.Action { return cassino.Greedy(v) },
}

func levelNames() string {
	names := make([]string, 0, len(levels))
	for l := range levels {
		names = append(names, string(l))
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}
