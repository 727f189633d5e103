package cassino

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestActionJSONForms(t *testing.T) {
	c := MustParseCards
	for _, tc := range []struct {
		a    Action
		json string
	}{
		{CaptureAction(c("9S")[0], [][]Card{c("9D"), c("5H 4C")}, "b1"),
			`{"type":"capture","card":"9S","cards":[["9D"],["5H","4C"]],"builds":["b1"]}`},
		{CaptureAction(c("9S")[0], nil, "b1"), `{"type":"capture","card":"9S","cards":[],"builds":["b1"]}`},
		{BuildAction(c("3H")[0], 5, c("2C"), "b1"), `{"type":"build","card":"3H","cards":["2C"],"builds":["b1"],"value":5}`},
		{BuildAction(c("3H")[0], 7, c("4D")), `{"type":"build","card":"3H","cards":["4D"],"builds":[],"value":7}`},
		{TrailAction(c("AH")[0]), `{"type":"trail","card":"AH"}`},
	} {
		b, err := json.Marshal(tc.a)
		if err != nil || string(b) != tc.json {
			t.Fatalf("marshal %+v = %s, %v; want %s", tc.a, b, err, tc.json)
		}
		var back Action
		if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, tc.a) {
			t.Fatalf("unmarshal %s = %+v, %v; want %+v", b, back, err, tc.a)
		}
	}
}

func TestActionJSONRejects(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"type":"capture","card":"9S","cards":[["9D"]],"extra":1}`, "unknown field"},
		{`{"type":"capture","cards":[["9D"]]}`, "name the card"},
		{`{"type":"capture","card":"9S","cards":[["9D"]],"value":9}`, "has no \"value\""},
		{`{"type":"capture","card":"9S","cards":["9D"]}`, "list of sets"},
		{`{"type":"build","card":"3H","cards":["2C"]}`, "announces its \"value\""},
		{`{"type":"build","card":"3H","cards":[["2C"]],"value":5}`, "list of cards"},
		{`{"type":"trail","card":"AH","cards":[]}`, "only its card"},
		{`{"type":"steal","card":"AH"}`, "capture, build or trail"},
		{`{"type":"trail","card":"ZZ"}`, "not a card"},
		{`[]`, "action"},
	} {
		var a Action
		err := json.Unmarshal([]byte(tc.in), &a)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.in, err, tc.want)
		}
	}
}

// Actions made in Go (not from JSON) can be malformed in ways JSON cannot
// express; the engine refuses them with bad_action.
func TestDecideRefusesMalformedActions(t *testing.T) {
	m, _, err := New(Setup{Options: DefaultOptions(2), Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	card := m.s.Hands[0][0]
	for _, a := range []Action{
		{Type: Trail},
		{Type: "steal", Card: card},
		{Type: Trail, Card: card, Value: 3},
		{Type: Capture, Card: card, Cards: m.s.Table[:1]},
		{Type: Build, Card: card, Sets: [][]Card{m.s.Table[:1]}, Value: 5},
	} {
		_, err := m.Decide(0, a)
		var re *RuleError
		if !asRuleError(err, &re) || re.Code != CodeBadAction {
			t.Errorf("%+v: got %v, want bad_action", a, err)
		}
	}
}

func asRuleError(err error, re **RuleError) bool {
	r, ok := err.(*RuleError)
	*re = r
	return ok
}
