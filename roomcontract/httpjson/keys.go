package httpjson

import (
	"bytes"
	"encoding/json"
)

// RepeatedKey names the first key given twice in one object of the JSON
// text b, or is "" when there is none (or b is not JSON: its decoder says
// why). encoding/json keeps the last of repeated keys, so a body that
// reads one way to a person and another to the server is refused first.
// Objects nested deeper than maxDepth (1: the outermost object only) are
// not looked into; 0 looks into all.
func RepeatedKey(b []byte, maxDepth int) string {
	dec := json.NewDecoder(bytes.NewReader(b))
	// Each open object's keys so far; nil for an open array.
	var open []map[string]bool
	expectKey := func() bool { return len(open) > 0 && open[len(open)-1] != nil }
	key := true // the next string in an object is a key
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				open = append(open, map[string]bool{})
				key = true
				continue
			case '[':
				open = append(open, nil)
			default:
				open = open[:len(open)-1]
			}
		case string:
			if expectKey() && key {
				keys := open[len(open)-1]
				if keys[t] && (maxDepth == 0 || len(open) <= maxDepth) {
					return t
				}
				keys[t] = true
				key = false
				continue
			}
		}
		key = expectKey()
	}
}
