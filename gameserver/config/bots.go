package config

import (
	"github.com/croupier-dev/croupier/gameserver/housebot"
	"github.com/croupier-dev/croupier/roomcontract"
)

// bots reads CROUPIER_BOTS for a room of players seats.
func (r *reader) bots(players int) housebot.Config {
	if r.err != nil {
		return housebot.Config{}
	}
	c, err := housebot.Parse(r.getenv(roomcontract.EnvBots), players)
	r.fail(roomcontract.EnvBots, err)
	return c
}
