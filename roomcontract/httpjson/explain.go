package httpjson

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// Explain says what is wrong with a body or message that encoding/json
// refused, in the client's terms: which field wants which kind of value,
// or where the text stops being JSON. encoding/json names Go types
// ("cannot unmarshal array into Go value of type wsserver.JoinRequest"),
// which mean nothing to a client and show the server's insides.
func Explain(err error) string {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		if te.Field != "" {
			return fmt.Sprintf("%q must be %s, not %s", te.Field, kind(te.Type), te.Value)
		}
		return fmt.Sprintf("must be %s, not %s", kind(te.Type), te.Value)
	case errors.As(err, &se):
		return fmt.Sprintf("not JSON at byte %d: %s", se.Offset, se.Error())
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "not JSON: it ends too early"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// kind names the JSON value that decodes into t.
func kind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "another kind of value"
}
