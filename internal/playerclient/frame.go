package playerclient

import (
	"encoding/json"

	"github.com/croupier-dev/croupier/gameserver/cassino"
)

// Frame is any server message (PROTOCOL.md, Server messages), decoded
// loosely: each type fills the fields it has.
type Frame struct {
	Type      string          `json:"type"`
	Seq       int64           `json:"seq"`
	ActionID  string          `json:"action_id"`
	Duplicate bool            `json:"duplicate"`
	Code      string          `json:"code"`
	Phase     string          `json:"phase"`
	Events    json.RawMessage `json:"events"`
	View      *cassino.View   `json:"view"`
	// Raw is the message as received, for failure messages.
	Raw []byte `json:"-"`
}

// Decode reads one server message.
func Decode(raw []byte) (Frame, error) {
	var f Frame
	if err := json.Unmarshal(raw, &f); err != nil {
		return Frame{}, err
	}
	f.Raw = raw
	return f, nil
}

// Hello is the first message on a connection: with last_seq once the
// player has held a sequence, so the pod sends only what it missed.
func Hello(token string, lastSeq int64, seen bool) map[string]any {
	msg := map[string]any{"v": 1, "type": "hello", "token": token}
	if seen {
		msg["last_seq"] = lastSeq
	}
	return msg
}
