package protocol

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// actionIDPattern is the documented form of an action id, the reference
// validActionID is held to.
var actionIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

func TestValidActionIDIsThePattern(t *testing.T) {
	ids := []string{"", "a", "a-1", "s0-12", "A.b_c:d-9", "a b", "a/b", "a\n", "é", "a\x00", "<a>", "a\"b",
		strings.Repeat("a", 64), strings.Repeat("a", 65), strings.Repeat("é", 10)}
	for c := range 256 {
		ids = append(ids, string(rune(c)), "x"+string([]byte{byte(c)}))
	}
	for _, id := range ids {
		if got, want := validActionID(id), actionIDPattern.MatchString(id); got != want {
			t.Errorf("validActionID(%q) = %v, the pattern says %v", id, got, want)
		}
	}
}

func TestDecodeClient(t *testing.T) {
	tests := []struct {
		name, in, code string
	}{
		{"hello", `{"v":1,"type":"hello","token":"t"}`, ""},
		{"hello with last_seq", `{"v":1,"type":"hello","token":"t","last_seq":7}`, ""},
		{"action", `{"v":1,"type":"action","action_id":"a-1","action":{"type":"trail","card":"AH"}}`, ""},
		{"empty", ``, CodeBadJSON},
		{"array", `[]`, CodeBadJSON},
		{"trailing data", `{"v":1,"type":"hello","token":"t"} x`, CodeBadJSON},
		{"not UTF-8", "{\"v\":1,\"type\":\"hello\",\"token\":\"\xff\"}", CodeBadJSON},
		{"unknown field", `{"v":1,"type":"hello","token":"t","admin":true}`, CodeBadJSON},
		// encoding/json would keep the last: a hello read as a leave.
		{"type given twice", `{"v":1,"type":"hello","type":"leave"}`, CodeBadJSON},
		{"token given twice", `{"v":1,"type":"hello","token":"t","token":"u"}`, CodeBadJSON},
		{"action_id given twice", `{"v":1,"type":"action","action_id":"a","action":{"type":"trail","card":"AH"},"action_id":"b"}`, CodeBadJSON},
		// encoding/json matches a field without regard to case.
		{"a field in another case", `{"v":1,"type":"hello","TOKEN":"t"}`, CodeBadJSON},
		{"type in another case", `{"v":1,"Type":"leave"}`, CodeBadJSON},
		{"type in two cases", `{"v":1,"type":"hello","TYPE":"leave","token":"t"}`, CodeBadJSON},
		{"an action member in another case", `{"v":1,"type":"action","action_id":"a","action":{"type":"trail","CARD":"AH"}}`, CodeBadMessage},
		{"an action member given twice", `{"v":1,"type":"action","action_id":"a","action":{"type":"trail","type":"capture","card":"AH"}}`, CodeBadMessage},
		{"an action member spelled with ſ", `{"v":1,"type":"action","action_id":"a","action":{"type":"build","card":"AH","value":3,"cardſ":["2H"]}}`, CodeBadMessage},
		{"leave", `{"v":1,"type":"leave"}`, ""},
		{"leave with a token", `{"v":1,"type":"leave","token":"t"}`, CodeBadMessage},
		{"ping", `{"v":1,"type":"ping"}`, ""},
		{"ping with an action id", `{"v":1,"type":"ping","action_id":"a"}`, CodeBadMessage},
		{"ping without version", `{"type":"ping"}`, CodeBadVersion},
		{"no version", `{"type":"hello","token":"t"}`, CodeBadVersion},
		{"no type", `{"v":1}`, CodeBadMessage},
		{"unknown type", `{"v":1,"type":"chat"}`, CodeUnknownType},
		// The order docs/PROTOCOL.md gives: fields, then version, then type.
		{"unknown type with a field of its own", `{"v":1,"type":"chat","text":"hi"}`, CodeBadJSON},
		{"unknown type without version", `{"type":"chat"}`, CodeBadVersion},
		{"unknown field and no version", `{"type":"hello","token":"t","admin":true}`, CodeBadJSON},
		{"hello without token", `{"v":1,"type":"hello"}`, CodeBadMessage},
		{"hello with action", `{"v":1,"type":"hello","token":"t","action_id":"a"}`, CodeBadMessage},
		{"negative last_seq", `{"v":1,"type":"hello","token":"t","last_seq":-1}`, CodeBadMessage},
		{"action with token", `{"v":1,"type":"action","token":"t","action_id":"a","action":{"type":"trail","card":"AH"}}`, CodeBadMessage},
		{"action id with a space", `{"v":1,"type":"action","action_id":"a b","action":{"type":"trail","card":"AH"}}`, CodeBadMessage},
		{"action id too long", `{"v":1,"type":"action","action_id":"` + strings.Repeat("a", 65) + `","action":{"type":"trail","card":"AH"}}`, CodeBadMessage},
		{"null action", `{"v":1,"type":"action","action_id":"a","action":null}`, CodeBadMessage},
		{"trail with extras", `{"v":1,"type":"action","action_id":"a","action":{"type":"trail","card":"AH","value":3}}`, CodeBadMessage},
		// docs/PROTOCOL.md: a card in lower case reads as in upper case.
		{"card in lower case", `{"v":1,"type":"action","action_id":"a","action":{"type":"trail","card":"ah"}}`, ""},
		// docs/PROTOCOL.md: a field of the wrong JSON type is bad_json.
		{"version as a string", `{"v":"1","type":"hello","token":"t"}`, CodeBadJSON},
		{"version as a fraction", `{"v":1.5,"type":"hello","token":"t"}`, CodeBadJSON},
		{"version 2", `{"v":2,"type":"hello","token":"t"}`, CodeBadVersion},
		{"last_seq as a string", `{"v":1,"type":"hello","token":"t","last_seq":"3"}`, CodeBadJSON},
		{"last_seq as a fraction", `{"v":1,"type":"hello","token":"t","last_seq":1.5}`, CodeBadJSON},
		{"token as a number", `{"v":1,"type":"hello","token":123}`, CodeBadJSON},
		{"too large", `{"v":1,"type":"hello","token":"` + strings.Repeat("t", MaxClientMessage) + `"}`, CodeTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeClient([]byte(tt.in))
			code := ""
			if err != nil {
				code = err.(*DecodeError).Code
			}
			if code != tt.code {
				t.Fatalf("code %q (%v), want %q", code, err, tt.code)
			}
		})
	}
}

// FuzzDecodeClient: whatever arrives, the decoder returns a message or a
// *DecodeError, never panics, and a message it accepts is well formed.
func FuzzDecodeClient(f *testing.F) {
	for _, s := range []string{
		`{"v":1,"type":"hello","token":"v1.k.p.s","last_seq":3}`,
		`{"v":1,"type":"action","action_id":"a1","action":{"type":"capture","card":"9S","cards":[["9D"],["5H","4C"]],"builds":["b1"]}}`,
		`{"v":1,"type":"action","action_id":"a2","action":{"type":"build","card":"3H","cards":["2C"],"builds":[],"value":5}}`,
		`{"v":1,"type":"action","action_id":"a3","action":{"type":"trail","card":"AH"}}`,
		`{"v":1,"type":"leave"}`, `{"v":1,"type":"leave","token":"t"}`,
		`{"v":1,"type":"ping"}`, `{"v":1,"type":"ping","last_seq":1}`,
		`{"v":1,"type":"chat"}`, `{}`, `[]`, `null`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		quickAgreesWithEnvelope(t, b)
		msg, err := DecodeClient(b)
		if err != nil {
			if _, ok := err.(*DecodeError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		switch msg.Type {
		case TypeHello:
			if msg.Hello == nil || msg.Hello.Token == "" || (msg.Hello.LastSeq != nil && *msg.Hello.LastSeq < 0) {
				t.Fatalf("accepted a bad hello: %q", b)
			}
		case TypeAction:
			if msg.Act == nil || !actionIDPattern.MatchString(msg.Act.ActionID) {
				t.Fatalf("accepted a bad action: %q", b)
			}
		case TypeLeave:
			if !msg.Leave || msg.Hello != nil || msg.Act != nil {
				t.Fatalf("accepted a bad leave: %q", b)
			}
		case TypePing:
			if !msg.Ping || msg.Leave || msg.Hello != nil || msg.Act != nil {
				t.Fatalf("accepted a bad ping: %q", b)
			}
		default:
			t.Fatalf("accepted type %q", msg.Type)
		}
	})
}

// quickAgreesWithEnvelope: what the quick path accepts, the envelope's
// decoder accepts as the same message.
func quickAgreesWithEnvelope(t *testing.T, b []byte) {
	t.Helper()
	quick, ok := quickAct(b)
	if !ok {
		return
	}
	if !utf8.Valid(b) {
		return // DecodeClient refuses it before either path
	}
	full, err := decodeEnvelope(b)
	if err != nil {
		t.Fatalf("quick path accepted %q, the envelope's decoder refuses it: %v", b, err)
	}
	if !reflect.DeepEqual(quick, full) {
		t.Fatalf("%q: quick path read %+v, the envelope's decoder %+v", b, *quick.Act, full)
	}
}

// The quick path reads the action messages clients send, in any field
// order, and leaves everything else to the envelope's decoder; what it
// reads, it reads as that decoder does.
func TestQuickActAgreesWithTheEnvelopeDecoder(t *testing.T) {
	action := `{"type":"build","card":"3H","cards":["2C"],"builds":["b1"],"value":5}`
	fields := []string{`"v":1`, `"type":"action"`, `"action_id":"s0-12"`, `"action":` + action}
	var accepted []string
	for _, order := range [][]int{{0, 1, 2, 3}, {3, 2, 1, 0}, {2, 0, 3, 1}} {
		var parts []string
		for _, i := range order {
			parts = append(parts, fields[i])
		}
		accepted = append(accepted, "{"+strings.Join(parts, ",")+"}")
	}
	accepted = append(accepted,
		`{"v":1,"type":"action","action_id":"a3","action":{"type":"trail","card":"AH"}}`,
		`{"v":1,"type":"action","action_id":"a1","action":{"type":"capture","card":"9S","cards":[["9D"],["5H","4C"]],"builds":["b1"]}}`,
		`{"v":1,"type":"action","action_id":"a4","action":{ "type" : "trail", "card":"AH" }}`,
		`{"v":1,"type":"action","action_id":"a5","action":{"card":"AH","type":"trail"}}`,
	)
	for _, m := range accepted {
		if _, ok := quickAct([]byte(m)); !ok {
			t.Errorf("quick path left %s to the envelope's decoder", m)
		}
		quickAgreesWithEnvelope(t, []byte(m))
	}
	left := []string{
		`{"v":1,"type":"action","action_id":"a","action":{"type":"trail","card":"AH"},"v":1}`, // repeated
		`{"v":1, "type":"action","action_id":"a","action":{"type":"trail","card":"AH"}}`,      // whitespace
		`{"v":1,"type":"action","action_id":"a","action":{"type":"trail","card":"AH"}} `,
		`{"V":1,"type":"action","action_id":"a","action":{"type":"trail","card":"AH"}}`,
		`{"v":1,"type":"act\u0069on","action_id":"a","action":{"type":"trail","card":"AH"}}`,
		`{"v":1,"type":"action","action_id":"a b","action":{"type":"trail","card":"AH"}}`,
		`{"v":2,"type":"action","action_id":"a","action":{"type":"trail","card":"AH"}}`,
		`{"v":01,"type":"action","action_id":"a","action":{"type":"trail","card":"AH"}}`,
		`{"v":1.0,"type":"action","action_id":"a","action":{"type":"trail","card":"AH"}}`,
		`{"v":1,"type":"action","action_id":"a","action":null}`,
		`{"v":1,"type":"action","action_id":"a","action":{"type":"trail","card":"AH",}}`,
		`{"v":1,"type":"action","action_id":"a","action":{"type":"trail","card":"AH"}x}`,
		`{"v":1,"type":"action","action_id":"a","action":{"type":"trail","card":"AH","value":3}}`,
		`{"v":1,"type":"action","action_id":"a","token":"t","action":{"type":"trail","card":"AH"}}`,
		`{"v":1,"type":"action","action_id":"a"}`,
		`{"v":1,"type":"hello","token":"t"}`,
		`{"v":1,"type":"action","action_id":"a","action":{"type":"trail","card":"A\"}"}}`,
	}
	for _, m := range left {
		if msg, ok := quickAct([]byte(m)); ok {
			t.Errorf("quick path read %s as %+v; it is the envelope decoder's to judge", m, msg)
		}
	}
}

// Refusals speak of JSON fields and values, never of the server's Go types.
func TestRefusalsNameNoGoType(t *testing.T) {
	for _, in := range []string{
		`[1]`,
		`{"v":1,"type":"hello","token":123}`,
		`{"v":1,"type":"action","action_id":"a","action":"trail"}`,
		`{"v":1,"type":"action","action_id":"a","action":{"type":"trail","card":7}}`,
		`{"v":1,"type":"action","action_id":"a","action":{"type":"build","card":"AH","cards":["2H"],"value":"3"}}`,
	} {
		_, err := DecodeClient([]byte(in))
		if err == nil {
			t.Fatalf("%s decoded", in)
		}
		if msg := err.(*DecodeError).Message; strings.Contains(msg, "Go ") || strings.Contains(msg, "struct") || strings.Contains(msg, "cassino.") {
			t.Errorf("%s: %q names Go", in, msg)
		}
	}
}

// The quick path takes an action only when its members are spelled
// exactly, once each; anything else is the envelope's to decide, so both
// paths give one answer.
func TestPlainActionMembers(t *testing.T) {
	for obj, want := range map[string]bool{
		`{"type":"trail","card":"AH"}`: true,
		`{"type":"capture","card":"9S","cards":[["9D"],["5H","4C"]],"builds":["b1"]}`: true,
		`{"type":"build","card":"3H","cards":["2C"],"builds":[],"value":5}`:           true,
		`{"type":"trail","CARD":"AH"}`:                                                false,
		`{"type":"trail","type":"capture","card":"AH"}`:                               false,
		`{"type":"capture","card":"9S","cards":[["9D"]],"cards":[]}`:                  false,
		`{"type":"trail","card":"A\"H"}`:                                              true, // the value is the decoder's
		`{"type":"trail","c\u0061rd":"AH"}`:                                           false,
		`{"type":"capture","card":"9S","cards":[{"card":1,"card":2}]}`:                true, // nested: the decoder refuses it
		`{"type":"trail","card":"AH","x":{"type":1}}`:                                 false,
	} {
		if got := plainActionMembers([]byte(obj)); got != want {
			t.Errorf("plainActionMembers(%s) = %v, want %v", obj, got, want)
		}
	}
	// Its switch spells actionFields: each alone is taken.
	for name := range actionFields {
		if !plainActionMembers([]byte(`{"` + name + `":1}`)) {
			t.Errorf("plainActionMembers does not take %q, one of actionFields", name)
		}
	}
	if n := testing.AllocsPerRun(100, func() { plainActionMembers([]byte(`{"type":"capture","card":"9S","cards":[["9D"]],"builds":["b1"]}`)) }); n != 0 {
		t.Errorf("plainActionMembers allocates %v times", n)
	}
}

// A refusal repeats at most the start of an unknown type: the error
// frame of a near-4 KB type is not itself 4 KB.
func TestUnknownTypeIsEchoedClipped(t *testing.T) {
	long := strings.Repeat("é", 2000)
	_, err := DecodeClient([]byte(`{"v":1,"type":"` + long + `"}`))
	de, ok := err.(*DecodeError)
	if !ok || de.Code != CodeUnknownType {
		t.Fatalf("a long unknown type: %v, want unknown_type", err)
	}
	if len(de.Message) > 120 || !strings.Contains(de.Message, strings.Repeat("é", 16)+"…") || !utf8.ValidString(de.Message) {
		t.Fatalf("refusal of a %d-byte type is %d bytes: %q", len(long), len(de.Message), de.Message)
	}
}
