package browser

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// matchLimit bounds a whole match; a match between pages takes seconds.
const matchLimit = 4 * time.Minute

// Two people in two browser contexts share a room link and play each
// other to the end, one turn by keyboard; a third is refused in words;
// neither page ever receives the other's cards.
func TestTwoBrowsersPlayEachOther(t *testing.T) {
	p := platform(t)
	ns := p.Namespace(t)
	p.CreateRoom(t, ns, "friends", 2)
	url := roomPage(p, ns, "friends")

	b := startBrowser(t)
	ann, bob := b.newPlayer("Ann"), b.newPlayer("Bob")
	ann.do("use a phone-sized screen", step, chromedp.EmulateViewport(360, 780))
	joinRoom(ann, url)
	ann.do("wait for the second player", step, chromedp.WaitVisible(chromedp.ID("waiting")))
	if w := eval[string](ann, "read the waiting line", `document.getElementById('waiting-text').textContent`, step); !strings.Contains(w, "1 of 2 seats taken") {
		t.Errorf("waiting line %q, want it to say 1 of 2 seats taken", w)
	}
	late := openNameForm(b, url)
	joinRoom(bob, url)
	roomFullInWords(t, late, url)

	for _, pl := range []*player{ann, bob} {
		pl.do("see the table", step, chromedp.WaitVisible(chromedp.CSS(`#hand [data-card]`)))
	}
	first := whoseTurn(t, ann, bob)
	checkTable(t, first)
	playOneByKeyboard(first)

	start := time.Now()
	moves := playToEnd(t, []*player{ann, bob}, matchLimit)
	t.Logf("a match of %d clicked plays in %s", moves, time.Since(start).Round(time.Millisecond))
	for _, pl := range []*player{ann, bob} {
		checkResult(t, pl)
		pl.screenshot("result")
		pl.noPageErrors()
	}
	fitsWidth(ann, 360)
	if ann.buildsSeen+bob.buildsSeen == 0 {
		t.Error("no turn had a build on the table: builds were never checked against the view")
	}
	t.Logf("turns with builds on the table: %d", ann.buildsSeen+bob.buildsSeen)
	checkNoLeaks(t, map[int]*player{seatOf(ann): ann, seatOf(bob): bob})
}

// checkTable checks the table shows what a player needs: a hand of four,
// the loose cards, both seats with counts, score, dealer, turn, presence,
// and the deck.
func checkTable(t *testing.T, p *player) {
	t.Helper()
	got := eval[map[string]any](p, "read the table", `(() => {
		const q = (s) => document.querySelectorAll(s);
		const seats = [...q('#seats [data-seat]')].map(e => ({...e.dataset}));
		return {
			hand: q('#hand [data-card]').length,
			table: q('#table-cards [data-card]').length,
			seats: seats.length,
			connected: seats.filter(s => s.connected === 'true').length,
			handCounts: seats.map(s => s.handCount).join(','),
			dealers: seats.filter(s => s.dealer === 'true').length,
			turns: seats.filter(s => s.turn === 'true').length,
			deck: document.getElementById('deck-count').dataset.count,
			hint: document.getElementById('turn-hint').textContent,
		};
	})()`, step)
	want := map[string]any{"hand": 4.0, "table": 4.0, "seats": 2.0, "connected": 2.0, "handCounts": "4,4", "dealers": 1.0, "turns": 1.0, "deck": "40"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: table %s = %v, want %v (all: %v)", p.name, k, got[k], v, got)
		}
	}
	if hint, _ := got["hint"].(string); !strings.Contains(hint, "Your turn") {
		t.Errorf("%s: turn hint %q, want it to say it is this player's turn", p.name, hint)
	}
	p.screenshot("table")
}

// checkResult checks the end of the match is shown: the result with the
// winners, and a tally table per hand played.
func checkResult(t *testing.T, p *player) {
	t.Helper()
	got := eval[map[string]any](p, "read the result", `({
		outcome: document.getElementById('result').dataset.outcome,
		winners: document.getElementById('result').dataset.winners,
		text: document.getElementById('result').textContent,
		tallies: document.querySelectorAll('#tallies table.tally').length,
		hands: Number(document.getElementById('hand-number').dataset.hand),
	})`, step)
	if o := got["outcome"]; o != "won" && o != "lost" {
		t.Errorf("%s: result outcome %v, want won or lost", p.name, o)
	}
	if w, _ := got["winners"].(string); w == "" {
		t.Errorf("%s: the result names no winner", p.name)
	}
	if txt, _ := got["text"].(string); !strings.Contains(txt, "won the match") || !strings.Contains(txt, "Final scores") {
		t.Errorf("%s: result text %q", p.name, txt)
	}
	if got["tallies"] != got["hands"] {
		t.Errorf("%s: %v tally tables for %v hands", p.name, got["tallies"], got["hands"])
	}
}

// whoseTurn returns the page whose turn it is (with its last play landed).
func whoseTurn(t *testing.T, players ...*player) *player {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		for _, p := range players {
			if eval[any](p, "read the turn", turnOrEnd, step) == "turn" {
				return p
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("no page had the turn within a minute")
	return nil
}
