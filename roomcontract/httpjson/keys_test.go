package httpjson

import (
	"encoding/json"
	"strings"
	"testing"
)

type testRules struct {
	Sweeps *bool  `json:"sweeps,omitempty"`
	Target *int32 `json:"targetScore,omitempty"`
}

type testEmbedded struct {
	Kind string `json:"kind"`
}

type testBody struct {
	testEmbedded
	Name   string          `json:"name"`
	Seat   *int            `json:"seat,omitempty"`
	Rules  *testRules      `json:"rules,omitempty"`
	List   []testRules     `json:"list"`
	Action json.RawMessage `json:"action"`
	Opaque any             `json:"opaque"`
	hidden int
}

func TestFieldsOf(t *testing.T) {
	got := FieldsOf(testBody{})
	rules := Fields{"sweeps": nil, "targetScore": nil}
	want := Fields{"kind": nil, "name": nil, "seat": nil, "rules": rules, "list": nil, "action": nil, "opaque": nil}
	if names(got) != names(want) || names(got["rules"]) != names(rules) || got["action"] != nil || got["list"] != nil {
		t.Fatalf("FieldsOf = %v, want %v", got, want)
	}
}

func TestCheckFields(t *testing.T) {
	fields := FieldsOf(testBody{})
	for body, want := range map[string]string{
		`{"name":"ann","seat":1}`:                          "",
		`{"name":"ann","name":"bob"}`:                      `"name" is given twice`,
		`{"name":"ann","NAME":"bob"}`:                      `"NAME" is not one of its fields`,
		`{"Name":"ann"}`:                                   `"Name" is not one of its fields`,
		`{"ſeat":1}`:                                       `"ſeat" is not one of its fields`, // encoding/json folds ſ to s
		`{"rules":{"sweeps":true,"sweeps":false}}`:         `"sweeps" is given twice`,
		`{"rules":{"Sweeps":true}}`:                        `"Sweeps" is not one of its fields`,
		`{"rules":{"sweeps":true},"seat":2}`:               "",
		`{"name":"seat","seat":1}`:                         "", // a value that spells a field is a value
		`{"action":{"card":"AH","card":"KS","CARD":1}}`:    "", // its own decoder's
		`{"opaque":{"a":{"b":1}},"name":"x"}`:              "",
		`{"list":[{"x":1},{"x":1}],"name":"a","name":"b"}`: `"name" is given twice`,
		`{"action":[{"a":1},"name"],"seat":1,"Seat":2}`:    `"Seat" is not one of its fields`,
		`{"rules":{"targetScore":21},"rules":{}}`:          `"rules" is given twice`,
		`{"name":"ann"`:                                    "",
		`["name","name"]`:                                  "",
		`{"rules":{"sweeps":[true,{"x":1}]},"name":"a"}`:   "",
		`{"rules":{"sweeps":[true,{"x":1}]},"nam":"a"}`:    `"nam" is not one of its fields`,
	} {
		if got := CheckFields([]byte(body), fields); !strings.HasPrefix(got, want) || (want == "") != (got == "") {
			t.Errorf("CheckFields(%s) = %q, want %q", body, got, want)
		}
	}
}

// FuzzCheckFields: whatever arrives, CheckFields returns; what
// encoding/json reads into a struct with unknown fields refused is either
// spelled exactly and once, or refused here.
func FuzzCheckFields(f *testing.F) {
	for _, s := range []string{`{"name":"a","NAME":"b"}`, `{"rules":{"sweeps":true,"Sweeps":false}}`, `{"seat":1,"seat":2}`,
		`{"list":[{"sweeps":true}],"action":{"a":1}}`, `[`, `}`, `{"a":}`} {
		f.Add([]byte(s))
	}
	fields := FieldsOf(testBody{})
	f.Fuzz(func(t *testing.T, b []byte) {
		verdict := CheckFields(b, fields)
		var m map[string]json.RawMessage
		if verdict != "" || json.Unmarshal(b, &m) != nil {
			return
		}
		for k := range m {
			if _, ok := fields[k]; !ok {
				t.Fatalf("CheckFields(%s) passed member %q", b, k)
			}
		}
		var r struct {
			Rules map[string]json.RawMessage `json:"rules"`
		}
		if json.Unmarshal(b, &r) == nil {
			for k := range r.Rules {
				if _, ok := fields["rules"][k]; !ok {
					t.Fatalf("CheckFields(%s) passed rules member %q", b, k)
				}
			}
		}
	})
}
