package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/roomcontract"
)

// rules applies CROUPIER_RULES over the defaults for the room's players.
// The number of players comes from CROUPIER_MAX_PLAYERS alone, so the
// rules may not name it; any other unknown key is refused by the engine.
func (r *reader) rules(players int) cassino.Options {
	if r.err != nil {
		return cassino.Options{}
	}
	raw := strings.TrimSpace(r.getenv(roomcontract.EnvRules))
	if raw == "" {
		raw = "{}"
	}
	var fields map[string]json.RawMessage
	dec := json.NewDecoder(strings.NewReader(raw))
	if err := dec.Decode(&fields); err != nil || fields == nil {
		r.fail(roomcontract.EnvRules, fmt.Errorf("want a JSON object of rule options: %v", err))
		return cassino.Options{}
	}
	if _, ok := fields["players"]; ok {
		r.fail(roomcontract.EnvRules, fmt.Errorf("players is set by %s, not by the rules", roomcontract.EnvMaxPlayers))
		return cassino.Options{}
	}
	fields["players"] = json.RawMessage(fmt.Sprint(players))
	merged, _ := json.Marshal(fields)
	var o cassino.Options
	d := json.NewDecoder(bytes.NewReader(merged))
	if err := d.Decode(&o); err != nil {
		r.fail(roomcontract.EnvRules, err)
		return cassino.Options{}
	}
	r.fail(roomcontract.EnvRules, o.Validate())
	return o
}
