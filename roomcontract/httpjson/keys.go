package httpjson

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
)

// Fields are the members a JSON object may have, spelled exactly, each
// with the Fields of the object it holds; nil for a value whose inside is
// not looked into (a number, a string, a list, or an object its own
// decoder reads strictly).
type Fields map[string]Fields

// FieldsOf is the Fields of struct v's JSON encoding, from its json tags:
// a struct field (or pointer to one) holds its own Fields; a type that
// decodes itself, a map, a list or an interface is not looked into.
func FieldsOf(v any) Fields {
	return fieldsOf(reflect.TypeOf(v))
}

var (
	unmarshaler     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

func fieldsOf(t reflect.Type) Fields {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || reflect.PointerTo(t).Implements(unmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler) {
		return nil
	}
	out := Fields{}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" && f.Anonymous {
			// encoding/json reads an embedded struct's fields as the
			// outer one's own.
			maps.Copy(out, fieldsOf(f.Type))
			continue
		}
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = fieldsOf(f.Type)
	}
	return out
}

// CheckFields says what is wrong with the members of the JSON object b, ""
// when nothing is (or when b is not JSON: its decoder says why): a member
// that is not in fields as spelled there, or one given twice.
// encoding/json matches a member to a field without regard to case and
// keeps the last of two, so {"name":"Ann","NAME":"Bob"} would seat Bob:
// a body that reads one way to a person and another to the server is
// refused first.
func CheckFields(b []byte, fields Fields) string {
	dec := json.NewDecoder(bytes.NewReader(b))
	// One entry per open object or list: the Fields its members (a list:
	// its elements' members) must be among, nil when it is not looked
	// into; for an object, the members seen so far and whether a member's
	// name comes next.
	type open struct {
		fields   Fields
		seen     map[string]bool
		wantName bool
	}
	var stack []*open
	next := fields // the Fields of the value about to be read
	valueDone := func() {
		if len(stack) == 0 {
			return
		}
		top := stack[len(stack)-1]
		top.wantName = top.seen != nil
		next = top.fields
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &open{fields: next, seen: map[string]bool{}, wantName: true})
			continue
		case json.Delim('['):
			stack = append(stack, &open{fields: next})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			valueDone()
			continue
		}
		top := (*open)(nil)
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top == nil || !top.wantName {
			valueDone()
			continue
		}
		name := tok.(string)
		top.wantName = false
		if top.fields == nil {
			next = nil
			continue
		}
		sub, known := top.fields[name]
		switch {
		case !known:
			return fmt.Sprintf("%q is not one of its fields (%s)", name, names(top.fields))
		case top.seen[name]:
			return fmt.Sprintf("%q is given twice", name)
		}
		top.seen[name] = true
		next = sub
	}
}

func names(f Fields) string {
	return strings.Join(slices.Sorted(maps.Keys(f)), ", ")
}
