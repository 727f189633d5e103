// Package protocol is the game pod's websocket wire format: versioned JSON
// messages, one per frame. The client's messages are decoded strictly,
// because anything the server silently ignores is a bug waiting in a client.
package protocol

import (
	"encoding/json"

	"github.com/croupier-dev/croupier/gameserver/cassino"
)

// Version is carried as "v" in every message, both ways.
const Version = 1

// MaxClientMessage bounds one client frame; the largest legal action (a
// capture naming many sets) is a few hundred bytes.
const MaxClientMessage = 4096

// Client message types.
const (
	TypeHello  = "hello"
	TypeAction = "action"
	TypeLeave  = "leave"
	// TypePing asks for a pong: a browser cannot send a websocket ping,
	// and without an answer it cannot tell a live connection from one
	// whose network stopped carrying data while it waits.
	TypePing = "ping"
)

// Server message types.
const (
	TypeWelcome  = "welcome"
	TypeEvent    = "event"
	TypeView     = "view"
	TypeAck      = "ack"
	TypeError    = "error"
	TypePresence = "presence"
	TypePong     = "pong"
)

// PongFrame answers a ping; it is the same for every connection.
var PongFrame = []byte(`{"v":1,"type":"pong"}`)

// Hello is the first message on a connection: who it is and what it saw.
type Hello struct {
	Token string `json:"token"`
	// LastSeq is the sequence of the last event the client holds; nil means
	// it holds nothing and wants a full view.
	LastSeq *int64 `json:"last_seq,omitempty"`
}

// Act plays one card. ActionID is made by the client, unique per seat; a
// resend with the same id is answered with the original ack.
type Act struct {
	ActionID string         `json:"action_id"`
	Action   cassino.Action `json:"action"`
}

// Player is one seat as every player at the table sees it.
type Player struct {
	Seat      int    `json:"seat"`
	Name      string `json:"name"`
	Connected bool   `json:"connected"`
	LastSeen  int64  `json:"last_seen"` // Unix ms; 0 if never connected
	// Bot: a house bot holds the seat; the pod plays it, and it is never
	// connected.
	Bot bool `json:"bot,omitempty"`
	// Left: the seat is free again, before the match started: its
	// player sent leave, or their session ended or they were gone past
	// the seat hold, with nobody connected.
	Left bool `json:"left,omitempty"`
}

// Welcome answers an accepted hello.
type Welcome struct {
	V        int      `json:"v"`
	Type     string   `json:"type"`
	Room     string   `json:"room"`
	Seat     int      `json:"seat"`
	PlayerID string   `json:"player_id"`
	Seats    int      `json:"seats"`
	Players  []Player `json:"players"`
	Phase    string   `json:"phase"`
	Seq      int64    `json:"seq"` // the room's latest sequence (a spectator's: its delayed one)
	// Role is RoleSpectator on a spectator's connection (Seat -1), else empty.
	Role string `json:"role,omitempty"`
}

// Event is one logged action (or the match start) redacted for the
// receiving seat. View is the seat's view after it; it is left out of the
// catch-up events sent on reconnect, which end with one View message.
type Event struct {
	V        int             `json:"v"`
	Type     string          `json:"type"`
	Seq      int64           `json:"seq"`
	Seat     int             `json:"seat"` // who acted; -1 for the match start
	ActionID string          `json:"action_id,omitempty"`
	Events   []cassino.Event `json:"events"`
	View     *cassino.View   `json:"view,omitempty"`
}

// View is the whole state as the seat may see it, as of Seq.
type View struct {
	V     int           `json:"v"`
	Type  string        `json:"type"`
	Seq   int64         `json:"seq"`
	Phase string        `json:"phase"`
	View  *cassino.View `json:"view,omitempty"` // nil while waiting
}

// Ack confirms the sender's action is logged at Seq.
type Ack struct {
	V         int    `json:"v"`
	Type      string `json:"type"`
	ActionID  string `json:"action_id"`
	Seq       int64  `json:"seq"`
	Duplicate bool   `json:"duplicate,omitempty"`
}

// Error refuses a message; nothing changed.
type Error struct {
	V        int    `json:"v"`
	Type     string `json:"type"`
	Code     string `json:"code"`
	Message  string `json:"message"`
	ActionID string `json:"action_id,omitempty"`
}

// Presence tells the table a seat was taken, connected or left.
type Presence struct {
	V    int    `json:"v"`
	Type string `json:"type"`
	Player
}

// Encode marshals a server message; they are plain structs, so it cannot fail.
func Encode(msg any) []byte {
	b, err := json.Marshal(msg)
	if err != nil {
		panic("protocol: encode: " + err.Error())
	}
	return b
}

// NewError builds an error message.
func NewError(code, message, actionID string) Error {
	return Error{V: Version, Type: TypeError, Code: code, Message: message, ActionID: actionID}
}
