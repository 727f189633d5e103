package pod

import (
	"encoding/json"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/protocol"
	"github.com/croupier-dev/croupier/gameserver/seating"
	"github.com/croupier-dev/croupier/gameserver/wsserver"
	"github.com/croupier-dev/croupier/roomcontract/session"
)

// warmCodecs has encoding/json build, by reflection, the codecs of what a
// join, a match start and a player's first frames carry. It builds each
// type's codec on first use, which in a new pod was a player's join: in a
// burst of joins into warm rooms that was a tenth of the game pods' CPU
// (docs/BENCHMARKS.md, "Quick play"). Run beside the room's recovery, it
// costs a player nothing.
func warmCodecs() {
	for _, v := range []any{
		wsserver.JoinRequest{}, wsserver.JoinResponse{}, session.Claims{}, seating.Player{},
		cassino.Setup{}, []cassino.Event{},
		protocol.Hello{}, protocol.Act{}, protocol.Welcome{}, protocol.Event{}, protocol.View{},
		protocol.Ack{}, protocol.Error{}, protocol.Presence{},
	} {
		_, _ = json.Marshal(v)
	}
}
