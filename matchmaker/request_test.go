package matchmaker

import (
	"errors"
	"strings"
	"testing"

	"k8s.io/utils/ptr"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
)

func TestParsePlayRequestRefusesWhatNoRoomCouldSeat(t *testing.T) {
	ok := `"game":"cassino","players":2,"name":"Ann","request_id":"abcdefgh"`
	for _, tt := range []struct {
		name, body, code string
	}{
		{"valid", `{` + ok + `}`, ""},
		{"valid with rules and a bot", `{"game":"cassino","players":4,"bots":3,"rules":{"partnerships":false,"targetScore":11},"name":"Ann","request_id":"abcdefgh"}`, ""},
		{"not JSON", `game=cassino`, CodeBadRequest},
		{"not UTF-8", "{\"game\":\"cassino\",\"players\":2,\"name\":\"a\xffb\",\"request_id\":\"abcdefgh\"}", CodeBadRequest},
		{"two objects", `{` + ok + `}{}`, CodeBadRequest},
		{"unknown field", `{` + ok + `,"seat":1}`, CodeBadRequest},
		{"unknown rule", `{` + ok + `,"rules":{"jokers":true}}`, CodeBadRequest},
		{"a field given twice", `{"game":"cassino","players":2,"players":3,"name":"Ann","request_id":"abcdefgh"}`, CodeBadRequest},
		{"a field in two cases", `{"game":"cassino","players":9,"PLAYERS":2,"name":"Ann","request_id":"abcdefgh"}`, CodeBadRequest},
		{"a rule in another case", `{` + ok + `,"rules":{"Sweeps":true}}`, CodeBadRequest},
		{"a rule given twice", `{` + ok + `,"rules":{"sweeps":true,"sweeps":false}}`, CodeBadRequest},
		{"over 4 KiB", `{` + ok + `,"x":"` + strings.Repeat("a", 5000) + `"}`, CodeBadRequest},
		{"missing request_id", `{"game":"cassino","players":2,"name":"Ann"}`, CodeBadRequest},
		{"short request_id", `{"game":"cassino","players":2,"name":"Ann","request_id":"abc"}`, CodeBadRequest},
		{"request_id of 64 characters", `{"game":"cassino","players":2,"name":"Ann","request_id":"` + strings.Repeat("r", 64) + `"}`, ""},
		{"request_id of 65 characters", `{"game":"cassino","players":2,"name":"Ann","request_id":"` + strings.Repeat("r", 65) + `"}`, CodeBadRequest},
		{"request_id with a slash", `{"game":"cassino","players":2,"name":"Ann","request_id":"abcdefgh/"}`, CodeBadRequest},
		{"missing game", `{"players":2,"name":"Ann","request_id":"abcdefgh"}`, CodeBadGame},
		{"unknown game", `{"game":"poker","players":2,"name":"Ann","request_id":"abcdefgh"}`, CodeBadGame},
		{"one player", `{"game":"cassino","players":1,"name":"Ann","request_id":"abcdefgh"}`, CodeBadPlayers},
		{"five players", `{"game":"cassino","players":5,"name":"Ann","request_id":"abcdefgh"}`, CodeBadPlayers},
		{"players as a string", `{"game":"cassino","players":"2","name":"Ann","request_id":"abcdefgh"}`, CodeBadRequest},
		{"bots fill every seat", `{"game":"cassino","players":2,"bots":2,"name":"Ann","request_id":"abcdefgh"}`, CodeBadPlayers},
		{"negative bots", `{"game":"cassino","players":2,"bots":-1,"name":"Ann","request_id":"abcdefgh"}`, CodeBadPlayers},
		{"target too low", `{` + ok + `,"rules":{"targetScore":5}}`, CodeBadRules},
		{"partnerships with 2", `{` + ok + `,"rules":{"partnerships":true}}`, CodeBadRules},
		// The game pod's rule (roomcontract.CheckName): a name the pod
		// refuses would claim a room and then fail the join.
		{"an invisible character", `{"game":"cassino","players":2,"name":"c\u200b","request_id":"abcdefgh"}`, CodeBadName},
		{"a bidi override", `{"game":"cassino","players":2,"name":"d\u202e","request_id":"abcdefgh"}`, CodeBadName},
		{"a lone surrogate", `{"game":"cassino","players":2,"name":"A\ud800B","request_id":"abcdefgh"}`, CodeBadName},
		{"empty name", `{"game":"cassino","players":2,"name":"  ","request_id":"abcdefgh"}`, CodeBadName},
		{"long name", `{"game":"cassino","players":2,"name":"` + strings.Repeat("n", 33) + `","request_id":"abcdefgh"}`, CodeBadName},
		{"control character", `{"game":"cassino","players":2,"name":"A\u0007n","request_id":"abcdefgh"}`, CodeBadName},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParsePlayRequest(strings.NewReader(tt.body))
			var br *badRequest
			switch {
			case tt.code == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.code != "" && !errors.As(err, &br):
				t.Fatalf("got %v, want a %s refusal", err, tt.code)
			case tt.code != "" && br.code != tt.code:
				t.Fatalf("code %s (%s), want %s", br.code, br.msg, tt.code)
			}
		})
	}
}

func TestTableIgnoresHowDefaultsAreWritten(t *testing.T) {
	implicit := PlayRequest{Game: "cassino", Players: 2}
	explicit := PlayRequest{Game: "cassino", Players: 2, Rules: &gamesv1.CassinoRules{
		Sweeps: ptr.To(true), TargetScore: ptr.To[int32](21), Partnerships: ptr.To(false),
	}}
	room := gamesv1.GameRoomSpec{} // every field left to the API's defaults
	if a, b, c := implicit.Table().Bucket(), explicit.Table().Bucket(), TableOf(&room).Bucket(); a != b || b != c {
		t.Errorf("one table, three buckets: %s %s %s", a, b, c)
	}
	other := PlayRequest{Game: "cassino", Players: 2, Rules: &gamesv1.CassinoRules{TargetScore: ptr.To[int32](11)}}
	withBot := PlayRequest{Game: "cassino", Players: 2, Bots: 1}
	four := PlayRequest{Game: "cassino", Players: 4}
	seen := map[string]string{}
	for name, r := range map[string]PlayRequest{"default": implicit, "target 11": other, "with a bot": withBot, "four": four} {
		b := r.Table().Bucket()
		if prev, dup := seen[b]; dup {
			t.Errorf("%s and %s share bucket %s", name, prev, b)
		}
		seen[b] = name
	}
}
