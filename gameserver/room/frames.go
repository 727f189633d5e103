package room

import (
	"encoding/json"
	"strconv"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/protocol"
)

// entryFrames encodes one logged entry for each seat, as
// protocol.Encode(eventMessage(...)) would, byte for byte, but without
// encoding twice what every seat shares: the events, when redaction
// leaves them alone (every entry but a deal), are the JSON already
// written to the log, and the envelope is written by hand. Only the view
// is encoded per seat, since it holds the seat's hand and, for the seat
// to move, its legal actions. frames_test.go holds the equality.
type entryFrames struct {
	seq      int64
	actor    int
	actionID string
	events   []cassino.Event
	// logged is the JSON of events as written to the log; nil when the
	// caller does not have it.
	logged []byte
	// shared reports that every seat gets the same events.
	shared bool
	head   []byte // the envelope up to the events, the same for every seat
}

func newEntryFrames(seq int64, actor int, actionID string, events []cassino.Event, logged []byte) *entryFrames {
	if actionID == startActionID && actor == startSeat {
		actionID = ""
	}
	f := &entryFrames{seq: seq, actor: actor, actionID: actionID, events: events, logged: logged, shared: len(events) > 0}
	for _, e := range events {
		if e.Hands != nil { // the one field Event.For cuts down
			f.shared = false
		}
	}
	f.head = f.appendHead(make([]byte, 0, 96))
	return f
}

// appendHead writes the fields of protocol.Event before "events", in its
// field order.
func (f *entryFrames) appendHead(b []byte) []byte {
	b = append(b, `{"v":`...)
	b = strconv.AppendInt(b, protocol.Version, 10)
	b = append(b, `,"type":`...)
	b = appendJSONString(b, protocol.TypeEvent)
	b = append(b, `,"seq":`...)
	b = strconv.AppendInt(b, f.seq, 10)
	b = append(b, `,"seat":`...)
	b = strconv.AppendInt(b, int64(f.actor), 10)
	if f.actionID != "" {
		b = append(b, `,"action_id":`...)
		b = appendJSONString(b, f.actionID)
	}
	return append(b, `,"events":`...)
}

// frame is the seat's event frame, with the seat's view after the entry.
func (f *entryFrames) frame(seat int, view *cassino.View) []byte {
	events := f.logged
	if !f.shared || events == nil {
		events = protocol.Encode(redact(seat, f.events))
	}
	b := make([]byte, 0, len(f.head)+len(events)+len(`,"view":`)+viewSizeHint+1)
	b = append(b, f.head...)
	b = append(b, events...)
	b = append(b, `,"view":`...)
	b, ok := appendView(b, view)
	if !ok {
		b = append(b, protocol.Encode(view)...)
	}
	return append(b, '}')
}

// viewSizeHint is room for most views' JSON (a crowded table's, with its
// plays listed, takes more).
const viewSizeHint = 1024

// redact returns the copy of events seat may see.
func redact(seat int, events []cassino.Event) []cassino.Event {
	out := make([]cassino.Event, len(events))
	for i, e := range events {
		out[i] = e.For(seat)
	}
	return out
}

// ackFrame is protocol.Encode of the action's Ack, byte for byte, written
// by hand as the event envelope is: it is on every action's path.
func ackFrame(actionID string, seq int64, duplicate bool) []byte {
	b := make([]byte, 0, 64+len(actionID))
	b = append(b, `{"v":`...)
	b = strconv.AppendInt(b, protocol.Version, 10)
	b = append(b, `,"type":`...)
	b = appendJSONString(b, protocol.TypeAck)
	b = append(b, `,"action_id":`...)
	b = appendJSONString(b, actionID)
	b = append(b, `,"seq":`...)
	b = strconv.AppendInt(b, seq, 10)
	if duplicate {
		b = append(b, `,"duplicate":true`...)
	}
	return append(b, '}')
}

// appendJSONString writes s as encoding/json does (HTML-safe escaping
// included), so hand-written envelopes match encoded ones. Strings of
// printable ASCII other than the characters json escapes (action ids,
// message types) are written as they are.
func appendJSONString(b []byte, s string) []byte {
	if plainJSON(s) {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	q, err := json.Marshal(s)
	if err != nil {
		panic("room: encode a string: " + err.Error()) // strings always encode
	}
	return append(b, q...)
}

// plainJSON reports that encoding/json writes s between quotes unchanged.
func plainJSON(s string) bool {
	for i := range len(s) {
		switch c := s[i]; {
		case c < 0x20, c >= 0x7f, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		}
	}
	return true
}
