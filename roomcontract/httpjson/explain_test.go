package httpjson

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestExplainSpeaksJSONNotGo(t *testing.T) {
	type rules struct {
		Sweeps *bool `json:"sweeps"`
	}
	type body struct {
		Name  string `json:"name"`
		Seat  *int   `json:"seat"`
		Rules *rules `json:"rules"`
		Cards []string
	}
	for in, want := range map[string]string{
		`[1]`:                        "must be an object, not array",
		`{"name":3}`:                 `"name" must be a string, not number`,
		`{"seat":1.5}`:               `"seat" must be an integer, not number 1.5`,
		`{"rules":{"sweeps":"yes"}}`: `"rules.sweeps" must be true or false, not string`,
		`{"name":"a"`:                "not JSON: it ends too early",
		`{"name":x}`:                 "not JSON at byte 9: invalid character 'x' looking for beginning of value",
		`{"admin":true}`:             `unknown field "admin"`,
	} {
		dec := json.NewDecoder(bytes.NewReader([]byte(in)))
		dec.DisallowUnknownFields()
		var b body
		err := dec.Decode(&b)
		if err == nil {
			t.Fatalf("%s decoded", in)
		}
		got := Explain(err)
		if got != want {
			t.Errorf("Explain(%s) = %q, want %q (encoding/json: %v)", in, got, want, err)
		}
		if strings.Contains(got, "Go") || strings.Contains(got, "httpjson") {
			t.Errorf("Explain(%s) = %q names Go", in, got)
		}
	}
}
