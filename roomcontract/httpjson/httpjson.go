// Package httpjson writes the JSON answers of Croupier's HTTP endpoints,
// the router's, the matchmaker's and the game pod's, and reads their
// requests' bodies within a time bound (body.go). Their refusals share
// one shape, {"code": ..., "message": ...} (docs/PROTOCOL.md), so a client
// reads a refusal the same way whichever role sent it, and a pod's refusal
// passes through the router unchanged.
package httpjson

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// Refusal is the body of every refused request.
type Refusal struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Write answers status with v as JSON. Answers are never cached: each
// describes a room or a seat as it is now.
func Write(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Refuse answers status with a Refusal.
func Refuse(w http.ResponseWriter, status int, code, msg string) {
	Write(w, status, Refusal{Code: code, Message: msg})
}

// RefuseRetry is a refusal the client should retry after seconds.
func RefuseRetry(w http.ResponseWriter, status, seconds int, code, msg string) {
	w.Header().Set("Retry-After", strconv.Itoa(seconds))
	Refuse(w, status, code, msg)
}
