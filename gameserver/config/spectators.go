package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/croupier-dev/croupier/gameserver/room"
	"github.com/croupier-dev/croupier/roomcontract"
)

// spectators reads CROUPIER_SPECTATORS; unset means nobody may watch. The
// limits are the API's, checked again: a pod started by hand gets the
// same answer as a GameRoom.
func (r *reader) spectators() room.Spectators {
	v := strings.TrimSpace(r.getenv(roomcontract.EnvSpectators))
	if v == "" || r.err != nil {
		return room.Spectators{}
	}
	var s struct {
		Allowed bool `json:"allowed"`
		Max     *int `json:"max"`
		Delay   int  `json:"delay"`
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(v)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		r.fail(roomcontract.EnvSpectators, fmt.Errorf("want {\"allowed\":bool,\"max\":1..1000,\"delay\":0..1000}: %w", err))
		return room.Spectators{}
	}
	max := 10
	if s.Max != nil {
		max = *s.Max
	}
	switch {
	case max < 1 || max > 1000:
		r.fail(roomcontract.EnvSpectators, fmt.Errorf("max %d: want 1 to 1000", max))
	case s.Delay < 0 || s.Delay > 1000:
		r.fail(roomcontract.EnvSpectators, fmt.Errorf("delay %d: want 0 to 1000 actions", s.Delay))
	}
	return room.Spectators{Allowed: s.Allowed, Max: max, Delay: int64(s.Delay)}
}
