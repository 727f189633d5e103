package router

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// Refusal codes of the router's own answers; pod answers to /join pass
// through with the pod's codes.
const (
	CodeNoSuchRoom         = "no_such_room"
	CodeRoomUnavailable    = "room_unavailable"
	CodeBadRequest         = "bad_request"
	CodeNotFound           = "not_found"
	CodeOriginNotAllowed   = "origin_not_allowed"
	CodeTooManyConns       = "too_many_connections"
	CodeTooManyConnsFromIP = "too_many_connections_from_ip"
	CodeTooManyJoins       = "too_many_joins"
	CodeShuttingDown       = "shutting_down"
	// Token refusals carry the game pod's codes (docs/PROTOCOL.md): a
	// client handles a token refused at the edge as one refused by hello.
	CodeTokenMissing = "token_missing"
)

// errorBody is the body of every refusal, the same shape as the pod's.
type errorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, errorBody{Code: code, Message: msg})
}

// writeRetry is a refusal the client should retry after seconds.
func writeRetry(w http.ResponseWriter, status int, seconds int, code, msg string) {
	w.Header().Set("Retry-After", strconv.Itoa(seconds))
	writeError(w, status, code, msg)
}
