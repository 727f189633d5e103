package httpjson

import (
	"encoding/json"
	"testing"
)

func TestRepeatedKey(t *testing.T) {
	for body, want := range map[string]string{
		`{"name":"ann","seat":1}`:                        "",
		`{"name":"ann","name":"bob"}`:                    "name",
		`{"rules":{"sweeps":true,"sweeps":false}}`:       "sweeps",
		`{"a":{"x":1},"b":{"x":2}}`:                      "",
		`{"a":["a","a",{"k":1,"k":2}]}`:                  "k",
		`{"a":"b","b":"a"}`:                              "",
		`{"a":[{"x":1},{"x":1}],"x":3}`:                  "",
		`{"a":{"b":{}},"a":1}`:                           "a",
		`{"name":"ann"`:                                  "",
		`["name","name"]`:                                "",
		`{"request_id":"r1-abcdefgh","request_id":"r2"}`: "request_id",
	} {
		if got := RepeatedKey([]byte(body), 0); got != want {
			t.Errorf("RepeatedKey(%s) = %q, want %q", body, got, want)
		}
	}
	// maxDepth 1 looks at the outermost object only.
	for body, want := range map[string]string{
		`{"type":"hello","type":"leave"}`:                                "type",
		`{"action":{"card":"AH","card":"KS"},"v":1}`:                     "",
		`{"a":[{"k":1,"k":2}],"b":1,"b":2}`:                              "b",
		`{"action":{"x":{"y":1}},"action_id":"a","v":1,"action_id":"b"}`: "action_id",
	} {
		if got := RepeatedKey([]byte(body), 1); got != want {
			t.Errorf("RepeatedKey(%s, 1) = %q, want %q", body, got, want)
		}
	}
}

// FuzzRepeatedKey: whatever arrives, RepeatedKey returns; and the body
// with its first object's first member given again always names a key.
func FuzzRepeatedKey(f *testing.F) {
	for _, s := range []string{`{"a":1,"a":2}`, `{"a":[{"b":1}],"b":{"c":[1,2,{"c":1}]}}`, `[`, `}`, `{"a":}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		RepeatedKey(b, 0)
		var m map[string]json.RawMessage
		if json.Unmarshal(b, &m) != nil || len(m) == 0 {
			return
		}
		for k, v := range m {
			kb, _ := json.Marshal(k)
			twice := append(append(append([]byte("{"), kb...), ':'), v...)
			twice = append(append(append(append(twice, ','), kb...), ':'), v...)
			twice = append(twice, '}')
			if RepeatedKey(twice, 0) != k {
				t.Fatalf("RepeatedKey(%s) = %q, want %q", twice, RepeatedKey(twice, 0), k)
			}
			return
		}
	})
}
