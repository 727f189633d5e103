package cassino

import "fmt"

// Codes of RuleError, stable for clients and tests.
const (
	CodeNotYourTurn      = "not_your_turn"
	CodeCardNotInHand    = "card_not_in_hand"
	CodeIllegalCapture   = "illegal_capture"
	CodeIllegalBuild     = "illegal_build"
	CodeNoCapturingCard  = "no_capturing_card"
	CodeMultipleFixed    = "multiple_build_fixed"
	CodeOwnBuild         = "own_build"
	CodeCourtInBuild     = "court_in_build"
	CodeGameOver         = "game_over"
	CodeBadAction        = "bad_action"
	CodeMustCapture      = "must_capture"
	CodeIncreaseOwnBuild = "increase_own_build"
)

// RuleError is why an action was refused, in words a player understands.
// A refused action changes nothing.
type RuleError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *RuleError) Error() string { return e.Message }

func ruleErr(code, format string, args ...any) *RuleError {
	return &RuleError{Code: code, Message: fmt.Sprintf(format, args...)}
}
