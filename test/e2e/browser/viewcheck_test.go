package browser

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// shownView is what the table shows, read from the page's data-*
// attributes, in the view's own terms.
type shownView struct {
	Hand       []string `json:"hand"`
	Table      []string `json:"table"`
	Builds     []string `json:"builds"`
	HandCounts []string `json:"handCounts"`
	PileCounts []string `json:"pileCounts"`
	Scores     []string `json:"scores"`
	Dealer     []string `json:"dealer"`
	Turn       []string `json:"turn"`
	Deck       string   `json:"deck"`
	HandNumber string   `json:"handNumber"`
	LastDeal   string   `json:"lastDeal"`
	Seq        string   `json:"seq"`
}

const readShown = `(() => {
	const all = (s) => [...document.querySelectorAll(s)];
	const seats = all('#seats [data-seat]').map(e => e.dataset);
	return {
		hand: all('#hand [data-card]').map(e => e.dataset.card),
		table: all('#table-cards [data-card]').map(e => e.dataset.card),
		builds: all('#builds [data-build-id]').map(e => [e.dataset.buildId, e.dataset.value, e.dataset.owner,
			[...e.querySelectorAll('[data-card]')].map(c => c.dataset.card).join('')].join('/')),
		handCounts: seats.map(s => s.handCount),
		pileCounts: seats.map(s => s.pileCount),
		scores: seats.map(s => s.score),
		dealer: seats.map(s => s.dealer),
		turn: seats.map(s => s.turn),
		deck: document.getElementById('deck-count').dataset.count,
		handNumber: document.getElementById('hand-number').dataset.hand,
		lastDeal: document.getElementById('deal-number').dataset.lastDeal,
		seq: document.getElementById('room').dataset.seq,
	};
})()`

// lastView is the newest seat view the page received, with its seq.
func lastView(frames []string) (view map[string]any, seq int, ok bool) {
	for i := len(frames) - 1; i >= 0; i-- {
		var m struct {
			Type string         `json:"type"`
			Seq  int            `json:"seq"`
			View map[string]any `json:"view"`
		}
		if json.Unmarshal([]byte(frames[i]), &m) == nil && (m.Type == "event" || m.Type == "view") && m.View != nil {
			return m.View, m.Seq, true
		}
	}
	return nil, 0, false
}

// expectedShown is what the table must show for a view.
func expectedShown(v map[string]any, seq int) shownView {
	strs := func(key string) []string {
		var out []string
		list, _ := v[key].([]any)
		for _, x := range list {
			out = append(out, fmt.Sprint(x))
		}
		return out
	}
	num := func(key string) int { f, _ := v[key].(float64); return int(f) }
	seats := len(strs("handCounts"))
	flags := func(which int) []string {
		out := make([]string, seats)
		for s := range out {
			out[s] = fmt.Sprint(s == which)
		}
		return out
	}
	var builds []string
	list, _ := v["builds"].([]any)
	for _, x := range list {
		b := x.(map[string]any)
		var cards strings.Builder
		for _, set := range b["sets"].([]any) {
			for _, c := range set.([]any) {
				cards.WriteString(c.(string))
			}
		}
		builds = append(builds, fmt.Sprintf("%s/%v/%v/%s", b["id"], b["value"], b["owner"], cards.String()))
	}
	return shownView{
		Hand: strs("hand"), Table: strs("table"), Builds: builds,
		HandCounts: strs("handCounts"), PileCounts: strs("pileCounts"), Scores: strs("scores"),
		Dealer: flags(num("dealer")), Turn: flags(num("turn")),
		Deck: fmt.Sprint(num("deckCount")), HandNumber: fmt.Sprint(num("handNumber")),
		LastDeal: fmt.Sprint(v["lastDeal"]), Seq: fmt.Sprint(seq),
	}
}

// checkShowsView checks the table shows exactly the newest view the page
// received. Call it on the page's turn, when nothing can change. It
// returns how many builds were on the table.
func checkShowsView(p *player) int {
	p.t.Helper()
	v, seq, ok := lastView(p.rec.received())
	if !ok {
		p.fail("compare the table with the view", errString("the page received no view"))
	}
	got := eval[shownView](p, "read the table", readShown, step)
	want := expectedShown(v, seq)
	norm := func(s *shownView) {
		for _, l := range []*[]string{&s.Hand, &s.Table, &s.Builds} {
			if len(*l) == 0 {
				*l = nil
			}
		}
	}
	norm(&got)
	norm(&want)
	if !reflect.DeepEqual(got, want) {
		p.t.Errorf("%s: the table shows %+v\nbut the view at seq %d is %+v", p.name, got, seq, want)
	}
	return len(want.Builds)
}
