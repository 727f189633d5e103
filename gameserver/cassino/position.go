package cassino

import "fmt"

// Position describes a match in the middle of a hand, for puzzles, tests
// and tutorials. It need not hold all 52 cards: absent cards are out of
// play until the next hand, which is shuffled from the seed as usual.
type Position struct {
	Turn         int             `json:"turn"`
	Dealer       int             `json:"dealer"`
	Table        []Card          `json:"table"`
	Builds       []PositionBuild `json:"builds"`
	Hands        [][]Card        `json:"hands"`
	Deck         []Card          `json:"deck"`
	Captured     [][]Card        `json:"captured"`
	Sweeps       []int           `json:"sweeps"`
	LastCapturer *int            `json:"lastCapturer"`
	Scores       []int           `json:"scores"`
	// Hand and Deal number the hand and the deals made in it (default 1).
	Hand int `json:"hand,omitempty"`
	Deal int `json:"deal,omitempty"`
}

// PositionBuild is a build of a Position; its value is the sum of a set.
type PositionBuild struct {
	ID    string   `json:"id"`
	Sets  [][]Card `json:"sets"`
	Owner int      `json:"owner"`
}

// FromPosition creates a match from a position, checking it like a
// snapshot (cards once, builds well formed, the seat to move holds cards),
// and that it holds no sweeps where the options count none.
func FromPosition(setup Setup, p Position) (*Match, error) {
	o := setup.Options
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if !o.Sweeps {
		for seat, k := range p.Sweeps {
			if k != 0 {
				return nil, fmt.Errorf("position: seat %d has %d sweeps, but sweeps are not counted (sweeps: false)", seat, k)
			}
		}
	}
	n := o.Players
	s := &state{
		Options: o, Seed: setup.Seed, Hand: max(p.Hand, 1), Deal: max(p.Deal, 1),
		Dealer: p.Dealer, Turn: p.Turn, Deck: cloneCards(p.Deck), Table: cloneCards(p.Table),
		Hands: perSeat(p.Hands, n), Piles: perSeat(p.Captured, n),
		Sweeps: zerosIfNil(p.Sweeps, n), Scores: zerosIfNil(p.Scores, n), LastCapturer: -1, NextBuild: 1,
	}
	if p.LastCapturer != nil {
		s.LastCapturer = *p.LastCapturer
	}
	for _, pb := range p.Builds {
		b := TableBuild{ID: pb.ID, Sets: cloneSets(pb.Sets), Owner: pb.Owner}
		if len(pb.Sets) > 0 {
			b.Value = sum(pb.Sets[0])
		}
		s.Builds = append(s.Builds, b)
		var k int
		if _, err := fmt.Sscanf(pb.ID, "b%d", &k); err == nil && k >= s.NextBuild {
			s.NextBuild = k + 1
		}
	}
	if err := s.validate(); err != nil {
		return nil, fmt.Errorf("position: %w", err)
	}
	return &Match{s: *s.canonical()}, nil
}

func perSeat(h [][]Card, n int) [][]Card {
	if h == nil {
		return make([][]Card, n)
	}
	return cloneHands(h)
}

func zerosIfNil(xs []int, n int) []int {
	if xs == nil {
		return make([]int, n)
	}
	return append([]int(nil), xs...)
}
