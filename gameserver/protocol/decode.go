package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/roomcontract/httpjson"
)

// Error codes of refused client messages.
const (
	CodeBadJSON     = "bad_json"
	CodeBadVersion  = "bad_version"
	CodeUnknownType = "unknown_type"
	CodeBadMessage  = "bad_message"
	CodeTooLarge    = "too_large"
	CodeHelloFirst  = "hello_required"
	CodeHelloTwice  = "already_hello"
	CodeRateLimited = "rate_limited"
	CodeNotStarted  = "not_started"
	CodeInternal    = "internal"
	// CodeOutcomeUnknown: the room could not learn whether an action was
	// stored (its storage did not answer); only a resend with the same
	// action_id is safe.
	CodeOutcomeUnknown = "outcome_unknown"
	// CodeDataLost: the room's storage lost its stored match; the room
	// refuses every action and reconnect from then on.
	CodeDataLost = "data_lost"
	// CodeHelloTimeout: no hello within the hello wait; the connection closes.
	CodeHelloTimeout = "hello_timeout"
	CodeTokenPrefix  = "token_" // + session refusal reason
	CodeUnauthorized = "unauthorized"
	// CodeMatchStarted: leave after the match started; a seat is its
	// player's for the rest of the match.
	CodeMatchStarted = "match_started"
)

// DecodeError is why a client message was refused.
type DecodeError struct {
	Code     string
	Message  string
	ActionID string // set when the message got far enough to name one
}

func (e *DecodeError) Error() string { return e.Code + ": " + e.Message }

func bad(code, format string, args ...any) *DecodeError {
	return &DecodeError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ClientMessage is a decoded client message: exactly one of Hello, Act,
// Leave, Ping.
type ClientMessage struct {
	Type  string
	Hello *Hello
	Act   *Act
	Leave bool
	Ping  bool
}

// validActionID holds action ids to 1-64 characters of A-Z a-z 0-9 . _ : -:
// they are client-made, and bounded and printable they are safe to
// store, log and echo. A loop rather than a regular expression: every
// action passes here, on the way to the room.
func validActionID(id string) bool {
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for i := range len(id) {
		switch c := id[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '_', c == ':', c == '-':
		default:
			return false
		}
	}
	return true
}

// The action ids of the server's own moves: a house bot's is
// bot-<seat>-<seq>, a stand-in's standin-<seat>-<seq>.
const (
	BotActionPrefix     = "bot-"
	StandInActionPrefix = "standin-"
)

// ServerActionID reports whether id is of the form the server gives its
// own moves. A client may not use them: its move under the id a
// stand-in would take later would make that stand-in a duplicate, never
// played, and the table would wait on the seat for ever.
func ServerActionID(id string) bool {
	return strings.HasPrefix(id, BotActionPrefix) || strings.HasPrefix(id, StandInActionPrefix)
}

// envelope holds every field any client message may carry; which are
// allowed depends on the type.
type envelope struct {
	V        *int            `json:"v"`
	Type     string          `json:"type"`
	Token    *string         `json:"token"`
	LastSeq  *int64          `json:"last_seq"`
	ActionID *string         `json:"action_id"`
	Action   json.RawMessage `json:"action"`
}

var envelopeFields = httpjson.FieldsOf(envelope{})

// actionFields are the members of an action (docs/PROTOCOL.md), which
// cassino.Action's decoder reads without regard to case, keeping the
// last of two.
var actionFields = httpjson.Fields{"type": nil, "card": nil, "cards": nil, "builds": nil, "value": nil}

// DecodeClient parses one client frame. Every refusal is a *DecodeError.
func DecodeClient(b []byte) (ClientMessage, error) {
	if len(b) > MaxClientMessage {
		return ClientMessage{}, bad(CodeTooLarge, "message is %d bytes, the limit is %d", len(b), MaxClientMessage)
	}
	if !utf8.Valid(b) {
		return ClientMessage{}, bad(CodeBadJSON, "message is not UTF-8")
	}
	if msg, ok := quickAct(b); ok {
		return msg, nil
	}
	return decodeEnvelope(b)
}

// decodeEnvelope decodes any client message, and names what is wrong
// with a refused one.
func decodeEnvelope(b []byte) (ClientMessage, error) {
	var env envelope
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&env); err != nil {
		return ClientMessage{}, bad(CodeBadJSON, "message is not a JSON object of known fields: %s", httpjson.Explain(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return ClientMessage{}, bad(CodeBadJSON, "one JSON object per message")
	}
	// The message's own fields here, the action's in decodeAct.
	if what := httpjson.CheckFields(b, envelopeFields); what != "" {
		return ClientMessage{}, bad(CodeBadJSON, "message: %s", what)
	}
	if env.V == nil || *env.V != Version {
		return ClientMessage{}, bad(CodeBadVersion, "\"v\" must be %d", Version)
	}
	switch env.Type {
	case TypeHello:
		return decodeHello(env)
	case TypeAction:
		return decodeAct(env)
	case TypeLeave:
		if env.Token != nil || env.LastSeq != nil || env.ActionID != nil || env.Action != nil {
			return ClientMessage{}, bad(CodeBadMessage, "leave carries nothing but v and type")
		}
		return ClientMessage{Type: TypeLeave, Leave: true}, nil
	case TypePing:
		if env.Token != nil || env.LastSeq != nil || env.ActionID != nil || env.Action != nil {
			return ClientMessage{}, bad(CodeBadMessage, "ping carries nothing but v and type")
		}
		return ClientMessage{Type: TypePing, Ping: true}, nil
	case "":
		return ClientMessage{}, bad(CodeBadMessage, "\"type\" is missing")
	default:
		return ClientMessage{}, bad(CodeUnknownType, "unknown message type %q (want hello, action, leave or ping)", clipEcho(env.Type))
	}
}

func decodeHello(env envelope) (ClientMessage, error) {
	if env.ActionID != nil || env.Action != nil {
		return ClientMessage{}, bad(CodeBadMessage, "hello carries only token and last_seq")
	}
	if env.Token == nil || *env.Token == "" {
		return ClientMessage{}, bad(CodeBadMessage, "hello needs a \"token\"")
	}
	if env.LastSeq != nil && *env.LastSeq < 0 {
		return ClientMessage{}, bad(CodeBadMessage, "\"last_seq\" cannot be negative")
	}
	return ClientMessage{Type: TypeHello, Hello: &Hello{Token: *env.Token, LastSeq: env.LastSeq}}, nil
}

func decodeAct(env envelope) (ClientMessage, error) {
	if env.Token != nil || env.LastSeq != nil {
		return ClientMessage{}, bad(CodeBadMessage, "action carries only action_id and action")
	}
	if env.ActionID == nil || !validActionID(*env.ActionID) {
		return ClientMessage{}, bad(CodeBadMessage, "\"action_id\" must be 1-64 characters of A-Z a-z 0-9 . _ : -")
	}
	id := *env.ActionID
	if ServerActionID(id) {
		return ClientMessage{}, bad(CodeBadMessage, "\"action_id\" may not begin with bot- or standin-: those name the server's own moves")
	}
	if len(env.Action) == 0 || bytes.Equal(env.Action, []byte("null")) {
		return ClientMessage{}, &DecodeError{Code: CodeBadMessage, Message: "action needs an \"action\"", ActionID: id}
	}
	if what := httpjson.CheckFields(env.Action, actionFields); what != "" {
		return ClientMessage{}, &DecodeError{Code: CodeBadMessage, Message: "action: " + what, ActionID: id}
	}
	// The envelope's decoder checked the JSON already: the action's own
	// strict decoder is all that is left (json.Unmarshal would scan it
	// once more first, and return the same error).
	var a cassino.Action
	if err := a.UnmarshalJSON(env.Action); err != nil {
		return ClientMessage{}, &DecodeError{Code: CodeBadMessage, Message: actionRefusal(err), ActionID: id}
	}
	return ClientMessage{Type: TypeAction, Act: &Act{ActionID: id, Action: a}}, nil
}

// actionRefusal is the action decoder's error as the client reads it: its
// own words, or what JSON it wanted where encoding/json would name Go
// types.
func actionRefusal(err error) string {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	if errors.As(err, &te) || errors.As(err, &se) {
		return "action: " + httpjson.Explain(err)
	}
	return err.Error()
}

// clipEcho bounds what a refusal repeats of the client's own text: a
// 4 KB type is not worth sending back in full.
func clipEcho(s string) string {
	const most = 32
	if len(s) <= most {
		return s
	}
	cut := most
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
