package matchmaker

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"unicode/utf8"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/roomcontract"
	"github.com/croupier-dev/croupier/roomcontract/httpjson"
)

// MaxRequestBody bounds a quick-play request.
const MaxRequestBody = 4 << 10

// PlayRequest is the body of POST /v1/play (docs/PROTOCOL.md).
type PlayRequest struct {
	Game      gamesv1.Game          `json:"game"`
	Players   int32                 `json:"players"`
	Rules     *gamesv1.CassinoRules `json:"rules,omitempty"`
	Bots      int32                 `json:"bots,omitempty"`
	Name      string                `json:"name"`
	RequestID string                `json:"request_id"`
}

var playRequestFields = httpjson.FieldsOf(PlayRequest{})

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{8,64}$`)

// badRequest is a refusal of the request's content, answered 400 with its code.
type badRequest struct{ code, msg string }

func (e *badRequest) Error() string { return e.msg }

func bad(code, format string, args ...any) error {
	return &badRequest{code: code, msg: fmt.Sprintf(format, args...)}
}

// ParsePlayRequest reads and checks a request body: one JSON object, no
// unknown fields, none given twice, at most MaxRequestBody bytes.
func ParsePlayRequest(r io.Reader) (PlayRequest, error) {
	var req PlayRequest
	body, err := io.ReadAll(io.LimitReader(r, MaxRequestBody+1))
	if err != nil {
		return req, bad(CodeBadRequest, "body unreadable: %v", err)
	}
	if len(body) > MaxRequestBody {
		return req, bad(CodeBadRequest, "body over %d bytes", MaxRequestBody)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return req, bad(CodeBadRequest, `body must be {"game","players","rules","bots","name","request_id"}: %s`, httpjson.Explain(err))
	}
	if dec.More() {
		return req, bad(CodeBadRequest, "body must be one JSON object")
	}
	if !utf8.Valid(body) {
		return req, bad(CodeBadRequest, "body is not UTF-8") // encoding/json would read each bad byte as U+FFFD
	}
	if what := httpjson.CheckFields(body, playRequestFields); what != "" {
		return req, bad(CodeBadRequest, "body: %s", what)
	}
	return req, req.Validate()
}

// Validate checks every field; the room the request asks for must be one
// the API server would accept.
func (r *PlayRequest) Validate() error {
	name, nameErr := roomcontract.CheckName(r.Name)
	r.Name = name
	switch {
	case !requestIDPattern.MatchString(r.RequestID):
		return bad(CodeBadRequest, "request_id must be 8 to 64 characters of A-Z, a-z, 0-9, _ and -")
	case r.Game != gamesv1.GameCassino:
		return bad(CodeBadGame, "game %q is not offered; games: cassino", r.Game)
	case r.Players < 2 || r.Players > 4:
		return bad(CodeBadPlayers, "players must be 2, 3 or 4")
	case r.Bots < 0 || r.Bots >= r.Players:
		return bad(CodeBadPlayers, "bots must be 0 to players-1: at least one seat is for a person")
	case nameErr != nil:
		return bad(CodeBadName, "%s", nameErr.Error())
	}
	if r.Rules != nil {
		if t := r.Rules.TargetScore; t != nil && (*t < 11 || *t > 121) {
			return bad(CodeBadRules, "rules.targetScore must be 11 to 121")
		}
		if p := r.Rules.Partnerships; p != nil && *p && r.Players != 4 {
			return bad(CodeBadRules, "rules.partnerships needs 4 players (partners sit opposite each other)")
		}
	}
	return nil
}

// Table is what a player asks to sit at: rooms that match are
// interchangeable. Rules carry every default, so two ways of writing the
// same rules are one table.
type Table struct {
	Game    gamesv1.Game
	Players int32
	Rules   gamesv1.CassinoRules
	Bots    int32
}

// Table is the request's table.
func (r *PlayRequest) Table() Table {
	var rules gamesv1.CassinoRules
	if r.Rules != nil {
		rules = *r.Rules
	}
	return Table{Game: r.Game, Players: r.Players, Rules: normalRules(rules, r.Players), Bots: r.Bots}
}

// TableOf is the table a room seats players at.
func TableOf(spec *gamesv1.GameRoomSpec) Table {
	t := Table{Game: spec.GameOrDefault(), Players: spec.MaxPlayersOrDefault()}
	t.Rules = normalRules(spec.Rules, t.Players)
	if spec.Bots != nil {
		t.Bots = spec.Bots.Count
	}
	return t
}

// HumanSeats is how many players a room of this table seats.
func (t Table) HumanSeats() int32 { return t.Players - t.Bots }

// Bucket names the table in Redis: a short digest of its canonical form.
func (t Table) Bucket() string {
	b, _ := json.Marshal(t)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// Digest of a request's content: a request_id reused with another body is refused.
func (r *PlayRequest) digest() string {
	b, _ := json.Marshal(struct {
		T    Table
		Name string
	}{r.Table(), r.Name})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// normalRules fills every default of the API (docs/API.md).
func normalRules(r gamesv1.CassinoRules, players int32) gamesv1.CassinoRules {
	boolOr := func(p *bool, d bool) *bool {
		if p == nil {
			return &d
		}
		v := *p
		return &v
	}
	out := gamesv1.CassinoRules{
		Partnerships:              boolOr(r.Partnerships, players == 4),
		Sweeps:                    boolOr(r.Sweeps, true),
		CourtCapturesAll:          boolOr(r.CourtCapturesAll, false),
		IncreaseOwnBuild:          boolOr(r.IncreaseOwnBuild, true),
		TrailWhenCaptureAvailable: boolOr(r.TrailWhenCaptureAvailable, true),
	}
	target := int32(21)
	if r.TargetScore != nil {
		target = *r.TargetScore
	}
	out.TargetScore = &target
	return out
}
