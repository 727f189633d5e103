package matchmaker

// Refusal codes of POST /v1/play (docs/PROTOCOL.md, section Router).
const (
	CodeBadRequest     = "bad_request"
	CodeBadGame        = "bad_game"
	CodeBadPlayers     = "bad_players"
	CodeBadRules       = "bad_rules"
	CodeBadName        = "bad_name"
	CodeRequestIDReuse = "request_id_reused"
	CodeNoRoom         = "no_room"
	CodeUnavailable    = "matchmaker_unavailable"
)
