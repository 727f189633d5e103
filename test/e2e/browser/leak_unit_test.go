package browser

import (
	"strings"
	"testing"
)

// A short hand as seat 0 receives it: the deal, seat 0 trails 7H, seat 1
// trails KD, then a second hand in which KD is dealt to the table.
var cleanStream = []string{
	`{"v":1,"type":"welcome","room":"g/t","seat":0,"players":[{"seat":1,"name":"KD","connected":true}],"phase":"playing","seq":0}`,
	`{"v":1,"type":"event","seq":1,"seat":-1,"events":[{"type":"handStarted","seat":0,"hand":1},{"type":"dealt","seat":0,"deal":1,"hands":[["7H","2S"],null],"counts":[2,2],"table":["4C","9D"]}],"view":{"seat":0,"hand":["7H","2S"],"table":["4C","9D"],"builds":[],"handNumber":1,"legal":[{"type":"trail","card":"7H"}]}}`,
	`{"v":1,"type":"ack","action_id":"a-1","seq":2}`,
	`{"v":1,"type":"event","seq":2,"seat":0,"action_id":"a-1","events":[{"type":"trailed","seat":0,"card":"7H"}],"view":{"seat":0,"hand":["2S"],"table":["4C","9D","7H"],"builds":[],"handNumber":1}}`,
	`{"v":1,"type":"event","seq":3,"seat":1,"action_id":"b-1","events":[{"type":"trailed","seat":1,"card":"KD"}],"view":{"seat":0,"hand":["2S"],"table":["4C","9D","7H","KD"],"builds":[],"handNumber":1}}`,
	`{"v":1,"type":"event","seq":4,"seat":0,"events":[{"type":"handStarted","seat":0,"hand":2},{"type":"dealt","seat":0,"deal":1,"hands":[["3H"],null],"counts":[1,1],"table":["KD"]}],"view":{"seat":0,"hand":["3H"],"table":["KD"],"builds":[],"handNumber":2}}`,
}

func withFrame(i int, replace func(string) string) []string {
	out := append([]string(nil), cleanStream...)
	out[i] = replace(out[i])
	return out
}

func TestFindLeaks(t *testing.T) {
	tests := []struct {
		name   string
		frames []string
		want   string // a leak report must contain this; "" means no leak
	}{
		{"clean stream", cleanStream, ""},
		{"another seat's dealt cards", withFrame(1, func(s string) string {
			return strings.Replace(s, `["7H","2S"],null`, `["7H","2S"],["KD","5C"]`, 1)
		}), "dealt shows seat 1's cards"},
		{"a card of the other hand on the table before it is played", withFrame(3, func(s string) string {
			return strings.Replace(s, `"table":["4C","9D","7H"]`, `"table":["4C","9D","7H","KD"]`, 1)
		}), "shows KD, held by seat 1"},
		{"a card of the other hand in this seat's hand", withFrame(1, func(s string) string {
			return strings.Replace(s, `"hand":["7H","2S"]`, `"hand":["7H","2S","KD"]`, 1)
		}), "shows KD, held by seat 1"},
		{"a view of another seat", withFrame(3, func(s string) string {
			return strings.Replace(s, `"view":{"seat":0`, `"view":{"seat":1`, 1)
		}), "a view of seat 1"},
		{"a frame that is not JSON", withFrame(2, func(string) string { return "{" }), "not JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			leaks := findLeaks(0, tt.frames)
			if tt.want == "" {
				if len(leaks) > 0 {
					t.Fatalf("leaks in a clean stream: %v", leaks)
				}
				return
			}
			for _, l := range leaks {
				if strings.Contains(l, tt.want) {
					return
				}
			}
			t.Fatalf("leaks %v, want one saying %q", leaks, tt.want)
		})
	}
}

func TestPlayedCards(t *testing.T) {
	got := playedCards(cleanStream)
	if got[0] != 1 || got[1] != 1 {
		t.Fatalf("plays per seat %v, want one each", got)
	}
}
