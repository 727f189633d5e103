package cassino

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Options are the rule choices of a match, fixed for its whole length.
type Options struct {
	Players                   int  `json:"players"`                   // 2..4
	Partnerships              bool `json:"partnerships"`              // seats 0+2 vs 1+3; 4 players only
	Sweeps                    bool `json:"sweeps"`                    // a capture that clears the table scores 1
	TargetScore               int  `json:"targetScore"`               // hands are dealt until someone reaches it
	CourtCapturesAll          bool `json:"courtCapturesAll"`          // a court takes every card of its rank
	IncreaseOwnBuild          bool `json:"increaseOwnBuild"`          // a player may increase a build they own
	TrailWhenCaptureAvailable bool `json:"trailWhenCaptureAvailable"` // a card that could capture may be trailed
}

// MaxTargetScore bounds targetScore so that a match always ends.
const MaxTargetScore = 500

// DefaultOptions returns the standard game for that many players:
// partnerships at 4 players, every seat for itself below.
func DefaultOptions(players int) Options {
	return Options{
		Players:                   players,
		Partnerships:              players == 4,
		Sweeps:                    true,
		TargetScore:               21,
		IncreaseOwnBuild:          true,
		TrailWhenCaptureAvailable: true,
	}
}

// Validate returns a readable error naming the first bad option.
func (o Options) Validate() error {
	if o.Players < 2 || o.Players > 4 {
		return fmt.Errorf("players must be 2, 3 or 4, not %d", o.Players)
	}
	if o.TargetScore < 1 || o.TargetScore > MaxTargetScore {
		return fmt.Errorf("targetScore must be between 1 and %d, not %d", MaxTargetScore, o.TargetScore)
	}
	if o.Partnerships && o.Players != 4 {
		return fmt.Errorf("partnerships need 4 players (seats 0+2 against 1+3), not %d", o.Players)
	}
	return nil
}

// InForce is o as it is played: partnerships only count at 4 players.
// Matches set up before partnerships were refused below 4 players carry
// the flag in Redis; their views report what is played.
func (o Options) InForce() Options {
	o.Partnerships = o.partnered()
	return o
}

// partnered reports whether seats play in two sides.
func (o Options) partnered() bool { return o.Players == 4 && o.Partnerships }

// side is the seat's team: itself, or seat%2 in partnerships.
func (o Options) side(seat int) int {
	if o.partnered() {
		return seat % 2
	}
	return seat
}

// UnmarshalJSON starts from DefaultOptions, so an absent option keeps its
// default, and rejects unknown options instead of ignoring them.
func (o *Options) UnmarshalJSON(b []byte) error {
	var raw struct {
		Players                   *int  `json:"players"`
		Partnerships              *bool `json:"partnerships"`
		Sweeps                    *bool `json:"sweeps"`
		TargetScore               *int  `json:"targetScore"`
		CourtCapturesAll          *bool `json:"courtCapturesAll"`
		IncreaseOwnBuild          *bool `json:"increaseOwnBuild"`
		TrailWhenCaptureAvailable *bool `json:"trailWhenCaptureAvailable"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return fmt.Errorf("rules: %w", err)
	}
	players := 2
	if raw.Players != nil {
		players = *raw.Players
	}
	d := DefaultOptions(players)
	setBool(&d.Partnerships, raw.Partnerships)
	setBool(&d.Sweeps, raw.Sweeps)
	setBool(&d.CourtCapturesAll, raw.CourtCapturesAll)
	setBool(&d.IncreaseOwnBuild, raw.IncreaseOwnBuild)
	setBool(&d.TrailWhenCaptureAvailable, raw.TrailWhenCaptureAvailable)
	if raw.TargetScore != nil {
		d.TargetScore = *raw.TargetScore
	}
	*o = d
	return nil
}

func setBool(dst *bool, v *bool) {
	if v != nil {
		*dst = *v
	}
}

// Setup is everything a match is created from.
type Setup struct {
	Options Options `json:"options"`
	Seed    int64   `json:"seed"`
}
