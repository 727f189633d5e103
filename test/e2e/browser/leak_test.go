package browser

import (
	"encoding/json"
	"fmt"
	"regexp"
)

var cardPattern = regexp.MustCompile(`^[A2-9TJQK][SHDC]$`)

// position orders what a page saw: the frame, then the event inside it
// (a frame's view comes after its events).
type position struct{ frame, item int }

func (a position) before(b position) bool {
	return a.frame < b.frame || a.frame == b.frame && a.item < b.item
}

type handCard struct {
	hand int
	card string
}

type sighting struct {
	at position
	handCard
	where string
}

type play struct {
	at   position
	seat int
}

// findLeaks reads the frames one seat received, in order, and reports every
// place where a card of another seat's hand shows before that seat plays
// it. A card held by a seat goes from the deck to that hand and stays
// unseen until it is played, within one hand (each hand deals a fresh
// deck), so any sighting of it in that hand before the play is a leak. It
// also reports the structural leaks: another seat's dealt cards, or a view
// of another seat.
func findLeaks(seat int, frames []string) []string {
	var leaks []string
	var seen []sighting
	plays := map[handCard]play{}
	hand := 0
	for i, raw := range frames {
		var msg struct {
			Type   string            `json:"type"`
			Seq    int               `json:"seq"`
			Events []json.RawMessage `json:"events"`
			View   json.RawMessage   `json:"view"`
		}
		if err := json.Unmarshal([]byte(raw), &msg); err != nil {
			leaks = append(leaks, fmt.Sprintf("frame %d is not JSON: %v", i, err))
			continue
		}
		if msg.Type != "event" && msg.Type != "view" {
			continue // welcome, presence, ack, error: names and words, no cards
		}
		for j, rawEvent := range msg.Events {
			var e struct {
				Type  string     `json:"type"`
				Seat  int        `json:"seat"`
				Hand  int        `json:"hand"`
				Card  string     `json:"card"`
				Hands [][]string `json:"hands"`
			}
			if err := json.Unmarshal(rawEvent, &e); err != nil {
				leaks = append(leaks, fmt.Sprintf("frame %d event %d: %v", i, j, err))
				continue
			}
			if e.Type == "handStarted" {
				hand = e.Hand
			}
			at := position{i, j}
			for s, cards := range e.Hands {
				if s != seat && cards != nil {
					leaks = append(leaks, fmt.Sprintf("frame %d (seq %d): dealt shows seat %d's cards %v", i, msg.Seq, s, cards))
				}
			}
			switch e.Type {
			case "captured", "built", "trailed":
				if _, again := plays[handCard{hand, e.Card}]; !again {
					plays[handCard{hand, e.Card}] = play{at: at, seat: e.Seat}
				}
			}
			for _, c := range cardsIn(rawEvent) {
				seen = append(seen, sighting{at, handCard{hand, c}, fmt.Sprintf("seq %d %s event", msg.Seq, e.Type)})
			}
		}
		if len(msg.View) > 0 && string(msg.View) != "null" {
			var v struct {
				Seat       int `json:"seat"`
				HandNumber int `json:"handNumber"`
			}
			if err := json.Unmarshal(msg.View, &v); err != nil {
				leaks = append(leaks, fmt.Sprintf("frame %d view: %v", i, err))
				continue
			}
			if v.Seat != seat {
				leaks = append(leaks, fmt.Sprintf("frame %d (seq %d): a view of seat %d", i, msg.Seq, v.Seat))
			}
			hand = v.HandNumber
			at := position{i, len(msg.Events)}
			for _, c := range cardsIn(msg.View) {
				seen = append(seen, sighting{at, handCard{hand, c}, fmt.Sprintf("seq %d view", msg.Seq)})
			}
		}
	}
	for _, s := range seen {
		p, ok := plays[s.handCard]
		if ok && p.seat != seat && s.at.before(p.at) {
			leaks = append(leaks, fmt.Sprintf("%s shows %s, held by seat %d until it plays it (hand %d)", s.where, s.card, p.seat, s.hand))
		}
	}
	return leaks
}

// cardsIn lists every string in a JSON value that is a card.
func cardsIn(raw json.RawMessage) []string {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil
	}
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			if cardPattern.MatchString(v) {
				out = append(out, v)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		case map[string]any:
			for k, x := range v {
				if k != "type" && k != "action_id" && k != "id" && k != "build" && k != "builds" {
					walk(x)
				}
			}
		}
	}
	walk(v)
	return out
}

// playedCards counts the plays each seat made, as one seat's frames show
// them; a test uses it to show the leak check had plays to check.
func playedCards(frames []string) map[int]int {
	out := map[int]int{}
	for _, raw := range frames {
		var msg struct {
			Type   string `json:"type"`
			Events []struct {
				Type string `json:"type"`
				Seat int    `json:"seat"`
			} `json:"events"`
		}
		if json.Unmarshal([]byte(raw), &msg) != nil || msg.Type != "event" {
			continue
		}
		for _, e := range msg.Events {
			switch e.Type {
			case "captured", "built", "trailed":
				out[e.Seat]++
			}
		}
	}
	return out
}
