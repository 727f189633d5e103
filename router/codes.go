package router

// Refusal codes of the router's own answers; pod answers to /join pass
// through with the pod's codes.
const (
	CodeNoSuchRoom         = "no_such_room"
	CodeRoomUnavailable    = "room_unavailable"
	CodeBadRequest         = "bad_request"
	CodeNotFound           = "not_found"
	CodeMethodNotAllowed   = "method_not_allowed"
	CodeOriginNotAllowed   = "origin_not_allowed"
	CodeTooManyConns       = "too_many_connections"
	CodeTooManyConnsFromIP = "too_many_connections_from_ip"
	CodeTooManyJoins       = "too_many_joins"
	CodeShuttingDown       = "shutting_down"
	// Token refusals carry the game pod's codes (docs/PROTOCOL.md): a
	// client handles a token refused at the edge as one refused by hello.
	CodeTokenMissing = "token_missing"
)
