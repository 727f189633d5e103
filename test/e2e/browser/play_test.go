package browser

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// turnOrEnd waits until it is this page's turn with a card to play, or the
// match is over and its result is shown.
const turnOrEnd = `(() => {
	const room = document.getElementById('room');
	if (room.dataset.phase === 'finished' && !document.getElementById('result').hidden) return 'finished';
	if (room.dataset.myTurn === 'true' && document.querySelector('#hand [data-legal="true"]')) return 'turn';
	return false;
})()`

// playOne plays one turn by clicking: a card that has plays, then one of
// its plays, picked by the turn number so a match mixes captures, builds
// and trails. First it checks the table shows the newest view.
func playOne(p *player, turn int) {
	p.t.Helper()
	if n := checkShowsView(p); n > 0 {
		p.buildsSeen++
	}
	cards := eval[[]string](p, "list the playable cards", `[...document.querySelectorAll('#hand [data-legal="true"]')].map(b => b.dataset.card)`, step)
	if len(cards) == 0 {
		p.fail("pick a card", errNoPlayable)
	}
	card := cards[turn%len(cards)]
	p.do("pick "+card, step,
		chromedp.Click(chromedp.CSS(`#hand [data-card="`+card+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#plays[data-card="`+card+`"] [data-play-index="0"]`)),
	)
	n := eval[int](p, "count the plays", `document.querySelectorAll('#plays [data-play-index]').length`, step)
	choice := turn % n
	if turn%2 == 0 {
		// Builds are the rarest play when chosen blindly; taking them when
		// offered puts builds on the table for the other page to show.
		if b := eval[int](p, "look for a build", `Number(document.querySelector('#plays [data-play-type="build"]')?.dataset.playIndex ?? -1)`, step); b >= 0 {
			choice = b
		}
	}
	p.do("play "+card, step,
		chromedp.Click(chromedp.CSS(`#plays [data-play-index="`+strconv.Itoa(choice)+`"]`)),
	)
}

type errString string

func (e errString) Error() string { return string(e) }

const errNoPlayable = errString("the page offers no playable card on its turn")

// playToEnd plays the pages against each other (and against any bots)
// until every page shows the match result; it returns the plays made.
func playToEnd(t *testing.T, players []*player, limit time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(limit)
	moves := 0
	finished := make([]bool, len(players))
	for {
		done := true
		for i, p := range players {
			if finished[i] {
				continue
			}
			done = false
			if time.Now().After(deadline) {
				p.fail("play to the end", errString("the match did not end within "+limit.String()))
			}
			// Short waits: while one page waits for its turn, another may
			// hold it.
			state := eval[any](p, "look for the turn", turnOrEnd, step)
			switch state {
			case "finished":
				finished[i] = true
			case "turn":
				playOne(p, moves)
				moves++
			}
		}
		if done {
			return moves
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// playOneByKeyboard plays a turn with the keyboard alone: focus the hand,
// arrow to a playable card, Enter to pick it, a digit to choose the play.
func playOneByKeyboard(p *player) {
	p.t.Helper()
	seq := waitTurn(p, time.Minute)
	focused := func() string {
		return eval[string](p, "read the focus", `(() => { const d = document.activeElement.dataset; return d.playIndex ?? d.card ?? ''; })()`, step)
	}
	p.do("focus the hand", step,
		chromedp.Focus(chromedp.CSS(`#hand [data-legal="true"]`)),
	)
	firstCard := focused()
	p.do("arrow right", step, chromedp.KeyEvent(kb.ArrowRight))
	if next := focused(); next == firstCard || next == "" {
		p.t.Errorf("%s: the right arrow left the focus on %q", p.name, next)
	}
	p.do("arrow left, Enter", step,
		chromedp.KeyEvent(kb.ArrowLeft),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`#plays [data-play-index="0"]`)),
	)
	if got := eval[string](p, "read the picked card", `document.getElementById('plays').dataset.card`, step); got != firstCard {
		p.t.Errorf("%s: Enter picked %q, want the card the arrows came back to, %q", p.name, got, firstCard)
	}
	plays := eval[int](p, "count the plays", `document.querySelectorAll('#plays [data-play-index]').length`, step)
	p.do("arrow down", step, chromedp.KeyEvent(kb.ArrowDown))
	if want := fmt.Sprint(min(1, plays-1)); focused() != want {
		p.t.Errorf("%s: after the down arrow the focus is on %q, want play %s", p.name, focused(), want)
	}
	p.do("play 1", step, chromedp.KeyEvent("1"))
	poll[bool](p, "see the play land", fmt.Sprintf(`Number(document.getElementById('room').dataset.seq) > %d`, seq), step)
}
