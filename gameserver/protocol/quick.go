package protocol

import (
	"bytes"
	"strconv"

	"github.com/croupier-dev/croupier/gameserver/cassino"
)

// quickAct decodes the action message as clients send it, compact with
// the four fields "v", "type", "action_id" and "action" in any order,
// without the envelope's general decoder: every action passes here, and
// that decoder is most of the cost of reading one. It only accepts: any
// message it does not read whole and well (other fields, whitespace
// between them, escapes, a refused action) is left to decodeEnvelope,
// which accepts it the same way or says what is wrong. The action itself
// goes through its own strict decoder either way.
func quickAct(b []byte) (ClientMessage, bool) {
	if len(b) < 2 || b[0] != '{' || b[len(b)-1] != '}' {
		return ClientMessage{}, false
	}
	var v, typ, id, action []byte
	seen := 0 // one bit per field: a repeated field (the last would win) is left to the envelope's decoder
	for i := 1; ; {
		key, n := plainString(b, i)
		if n < 0 || n >= len(b) || b[n] != ':' {
			return ClientMessage{}, false
		}
		i = n + 1
		field := 0
		switch string(key) {
		case "v":
			field, n = 1, digitsEnd(b, i)
			if n == i {
				n = -1
			}
			v = b[i:max(n, i)]
		case "type":
			field = 2
			typ, n = plainString(b, i)
		case "action_id":
			field = 4
			id, n = plainString(b, i)
		case "action":
			field, n = 8, objectEnd(b, i)
			action = b[i:max(n, i)]
		}
		if field == 0 || seen&field != 0 || n < 0 || n >= len(b) {
			return ClientMessage{}, false
		}
		seen |= field
		if b[n] == '}' {
			if n != len(b)-1 {
				return ClientMessage{}, false
			}
			break
		}
		if b[n] != ',' {
			return ClientMessage{}, false
		}
		i = n + 1
	}
	if seen != 15 || string(v) != strconv.Itoa(Version) || string(typ) != TypeAction || !validActionID(string(id)) || bytes.HasPrefix(id, []byte(BotActionPrefix)) || bytes.HasPrefix(id, []byte(StandInActionPrefix)) {
		return ClientMessage{}, false
	}
	var a cassino.Action
	if !plainActionMembers(action) || a.UnmarshalJSON(action) != nil {
		return ClientMessage{}, false
	}
	return ClientMessage{Type: TypeAction, Act: &Act{ActionID: string(id), Action: a}}, true
}

// plainString reads the JSON string at b[i] when it has no escapes and
// no control characters, and returns its content and the index after it;
// -1 otherwise.
func plainString(b []byte, i int) ([]byte, int) {
	if i >= len(b) || b[i] != '"' {
		return nil, -1
	}
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			return b[i+1 : j], j + 1
		case c == '\\' || c < 0x20:
			return nil, -1
		}
	}
	return nil, -1
}

// digitsEnd is the index after the digits at b[i].
func digitsEnd(b []byte, i int) int {
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	return i
}

// objectEnd is the index after the JSON object at b[i], found by
// matching its braces outside strings; -1 when b[i] opens no object or
// it does not close. Whether the object is valid JSON is for the
// action's decoder, which reads exactly one.
func objectEnd(b []byte, i int) int {
	if i >= len(b) || b[i] != '{' {
		return -1
	}
	depth, inString := 0, false
	for j := i; j < len(b); j++ {
		c := b[j]
		switch {
		case inString && c == '\\':
			j++
		case c == '"':
			inString = !inString
		case inString:
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			depth--
			if depth == 0 {
				return j + 1
			}
		}
	}
	return -1
}

// plainActionMembers tells whether the action object names each of its
// members at most once, spelled exactly as an action's (actionFields, in
// the switch), without escapes: the action's decoder would match "CARD"
// to card and keep the last of two. Anything else goes to the envelope
// path, which refuses it with httpjson.CheckFields or reads the escapes.
// It allocates nothing: every action passes here.
func plainActionMembers(obj []byte) bool {
	var got uint8
	depth, inString, wantKey := 0, false, false
	for j := 0; j < len(obj); j++ {
		c := obj[j]
		switch {
		case inString && c == '\\':
			j++
		case c == '"' && depth == 1 && wantKey && !inString:
			key, end := plainString(obj, j)
			if end < 0 {
				return false
			}
			var bit uint8
			switch string(key) {
			case "type":
				bit = 1
			case "card":
				bit = 2
			case "cards":
				bit = 4
			case "builds":
				bit = 8
			case "value":
				bit = 16
			default:
				return false
			}
			if got&bit != 0 {
				return false
			}
			got |= bit
			wantKey = false
			j = end - 1
		case c == '"':
			inString = !inString
		case inString:
		case c == '{' || c == '[':
			depth++
			wantKey = depth == 1
		case c == '}' || c == ']':
			depth--
		case c == ',' && depth == 1:
			wantKey = true
		}
	}
	return true
}
