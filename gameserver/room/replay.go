package room

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/croupier-dev/croupier/gameserver/cassino"
)

// ReplayVersion is the version of the replay format (docs/REPLAY.md). A
// replay is also the archive format of a match: it holds everything needed
// to fold the match again, so it outlives the room's Redis keys.
const ReplayVersion = 1

// MaxReplayEntries bounds a replay. No legal match logs that many entries
// (cassino.MaxTargetScore bounds a match; the longest measured logs
// 7,537), so a log past it is damaged, and is refused rather than served.
const MaxReplayEntries = 10_000

// MaxReplayBytes bounds a replay read back: the longest legal match makes
// one of about 3.6 MB.
const MaxReplayBytes = 16 << 20

// Replay is a finished match with every hand revealed: its setup, its
// players, then every log entry in order, each with the table after it.
type Replay struct {
	Version int            `json:"version"`
	Room    string         `json:"room"` // "<namespace>/<name>"
	Setup   cassino.Setup  `json:"setup"`
	Players []ReplayPlayer `json:"players"`
	Entries []ReplayEntry  `json:"entries"`
}

// ReplayPlayer is a seat's display name; player ids stay private.
type ReplayPlayer struct {
	Seat int    `json:"seat"`
	Name string `json:"name"`
}

// ReplayEntry is one log entry: the action as logged, the engine events
// it produced (full information), and the table those events left.
type ReplayEntry struct {
	Seq      int64           `json:"seq"`
	Seat     int             `json:"seat"` // -1 for the match start
	ActionID string          `json:"action_id"`
	Action   json.RawMessage `json:"action"`
	Events   json.RawMessage `json:"events"`
	Table    Table           `json:"table"`
}

// Table is the whole match at one point, every hand face up: what a
// replay viewer draws. It is derived from the events; Fold checks it.
type Table struct {
	Hands        [][]cassino.Card     `json:"hands"` // per seat
	Table        []cassino.Card       `json:"table"`
	Builds       []cassino.TableBuild `json:"builds"`
	PileCounts   []int                `json:"pileCounts"`
	DeckCount    int                  `json:"deckCount"`
	Sweeps       []int                `json:"sweeps"`
	Scores       []int                `json:"scores"`
	Dealer       int                  `json:"dealer"`
	Turn         int                  `json:"turn"`
	Deal         int                  `json:"deal"`
	HandNumber   int                  `json:"handNumber"`
	LastCapturer int                  `json:"lastCapturer"`
	Finished     bool                 `json:"finished"`
	Winners      []int                `json:"winners"`
}

// tableOf reveals m: the public facts from any seat's view, and each
// seat's hand from its own.
func tableOf(m *cassino.Match) Table {
	n := m.Options().Players
	v := m.View(0)
	t := Table{
		Hands: make([][]cassino.Card, n), Table: v.Table, Builds: v.Builds,
		PileCounts: v.PileCounts, DeckCount: v.DeckCount, Sweeps: v.Sweeps, Scores: v.Scores,
		Dealer: v.Dealer, Turn: v.Turn, Deal: v.Deal, HandNumber: v.HandNumber,
		LastCapturer: v.LastCapturer, Finished: v.Finished, Winners: v.Winners,
	}
	t.Hands[0] = v.Hand
	for s := 1; s < n; s++ {
		t.Hands[s] = m.View(s).Hand
	}
	// Empty lists are [] rather than null, so a viewer never meets null.
	for s := range t.Hands {
		t.Hands[s] = nonNil(t.Hands[s])
	}
	t.Table, t.Builds, t.Winners = nonNil(t.Table), nonNil(t.Builds), nonNil(t.Winners)
	return t
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// fold applies one entry to m (nil before the match start, which deals
// from the setup) and returns the match after it. Entries must come in
// order from 1.
func fold(m *cassino.Match, setup cassino.Setup, seq int64, events json.RawMessage) (*cassino.Match, error) {
	evs, err := decodeEvents(events)
	if err != nil {
		return nil, fmt.Errorf("entry %d: %w", seq, err)
	}
	if seq == 1 {
		m, opening, err := cassino.New(setup)
		if err != nil {
			return nil, fmt.Errorf("deal from the setup: %w", err)
		}
		want, _ := json.Marshal(opening)
		got, _ := json.Marshal(evs)
		if !bytes.Equal(want, got) {
			return nil, errors.New("entry 1 is not the opening deal of the setup")
		}
		return m, nil
	}
	if err := m.Evolve(evs...); err != nil {
		return nil, fmt.Errorf("fold entry %d: %w", seq, err)
	}
	return m, nil
}

// decided: an entry after the start is its seat's action and exactly the
// events that action causes in the match before it, so neither the
// action, the seat nor any event (a matchWon's scores, say) is altered.
// m is nil before the start entry, which fold checks against the setup.
func decided(m *cassino.Match, e ReplayEntry) error {
	if m == nil {
		if e.Seat != -1 {
			return fmt.Errorf("the match start has seat %d, want -1", e.Seat)
		}
		return nil
	}
	var a cassino.Action
	if err := json.Unmarshal(e.Action, &a); err != nil {
		return fmt.Errorf("action: %w", err)
	}
	want, err := m.Decide(e.Seat, a)
	if err != nil {
		return fmt.Errorf("seat %d's action is refused: %w", e.Seat, err)
	}
	got, err := decodeEvents(e.Events)
	if err != nil {
		return err
	}
	wantJSON, _ := json.Marshal(want)
	gotJSON, _ := json.Marshal(got)
	if !bytes.Equal(wantJSON, gotJSON) {
		return errors.New("its events are not what its action causes")
	}
	return nil
}

// ErrBadReplay means a replay does not fold into the match it describes.
var ErrBadReplay = errors.New("replay does not fold")

// ReadReplay decodes a replay (an archive, or the pod's GET /replay) of
// at most MaxReplayBytes and folds it: every entry in order from the setup, each table checked
// against the fold. It returns the final match, which equals the match
// the room ended with.
func ReadReplay(rd io.Reader) (Replay, *cassino.Match, error) {
	b, err := io.ReadAll(io.LimitReader(rd, MaxReplayBytes+1))
	if err != nil {
		return Replay{}, nil, fmt.Errorf("read replay: %w", err)
	}
	if len(b) > MaxReplayBytes {
		return Replay{}, nil, fmt.Errorf("%w: over %d bytes", ErrBadReplay, MaxReplayBytes)
	}
	var rp Replay
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rp); err != nil {
		return Replay{}, nil, fmt.Errorf("%w: %w", ErrBadReplay, err)
	}
	m, err := rp.Fold()
	return rp, m, err
}

// Fold rebuilds the match from the setup through every entry, checking
// the order and each entry's table, and returns the finished match.
func (rp *Replay) Fold() (*cassino.Match, error) {
	if rp.Version != ReplayVersion {
		return nil, fmt.Errorf("%w: version %d, want %d", ErrBadReplay, rp.Version, ReplayVersion)
	}
	if len(rp.Entries) == 0 || len(rp.Entries) > MaxReplayEntries {
		return nil, fmt.Errorf("%w: %d entries, want 1 to %d", ErrBadReplay, len(rp.Entries), MaxReplayEntries)
	}
	var m *cassino.Match
	for i, e := range rp.Entries {
		if e.Seq != int64(i)+1 {
			return nil, fmt.Errorf("%w: entry %d has sequence %d", ErrBadReplay, i+1, e.Seq)
		}
		if err := decided(m, e); err != nil {
			return nil, fmt.Errorf("%w: entry %d: %w", ErrBadReplay, e.Seq, err)
		}
		var err error
		if m, err = fold(m, rp.Setup, e.Seq, e.Events); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBadReplay, err)
		}
		want, _ := json.Marshal(tableOf(m))
		got, _ := json.Marshal(e.Table)
		if !bytes.Equal(want, got) {
			return nil, fmt.Errorf("%w: the table of entry %d is not what its events leave", ErrBadReplay, e.Seq)
		}
	}
	if !m.Finished() {
		return nil, fmt.Errorf("%w: the match is not finished after entry %d", ErrBadReplay, len(rp.Entries))
	}
	return m, nil
}
