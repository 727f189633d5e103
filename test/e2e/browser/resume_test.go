package browser

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// twoAtTable opens a two-seat room, seats two pages in it and plays a few
// turns, so the match is under way.
func twoAtTable(t *testing.T, name string, turns int) (b *browserProcess, url string, ann, bob *player) {
	t.Helper()
	p := platform(t)
	ns := p.Namespace(t)
	p.CreateRoom(t, ns, name, 2)
	url = roomPage(p, ns, name)
	b = startBrowser(t)
	ann, bob = b.newPlayer("Ann"), b.newPlayer("Bob")
	joinRoom(ann, url)
	joinRoom(bob, url)
	for i := 0; i < turns; i++ {
		pl := whoseTurn(t, ann, bob)
		waitTurn(pl, step)
		playOne(pl, i)
	}
	return b, url, ann, bob
}

// A reload in the middle of a match comes back at the same seq with the
// same hand: the page keeps its token and last seq per room and says
// hello with them. Then the takeover by a second tab of the same session.
func TestReloadResumesAtTheSameSeq(t *testing.T) {
	_, url, ann, bob := twoAtTable(t, "reload", 6)
	reloadResumes(t, whoseTurn(t, ann, bob))
	playOne(whoseTurn(t, ann, bob), 1)
	takeOver(t, ann, url)
	for i := 0; i < 4; i++ {
		pl := whoseTurn(t, ann, bob)
		waitTurn(pl, step)
		playOne(pl, i)
	}
	for _, pl := range []*player{ann, bob} {
		pl.noPageErrors()
	}
	checkNoLeaks(t, map[int]*player{seatOf(ann): ann, seatOf(bob): bob})
}

// The room's pod is deleted in the middle of a match: the pages show they
// are reconnecting, come back by themselves on the new pod at the same
// seq, and the match goes on to the end.
func TestPodDeletedMidMatchPagesResume(t *testing.T) {
	p := platform(t)
	_, _, ann, bob := twoAtTable(t, "podloss", 6)
	mover := whoseTurn(t, ann, bob)
	seq := waitTurn(mover, step)
	hand := pageHand(mover)
	for _, pl := range []*player{ann, bob} {
		watchConnection(pl)
	}
	ns := eval[string](ann, "read the namespace", `location.pathname.split('/')[2]`, step)
	old := deletePod(t, p, ns, "podloss")
	t.Logf("deleted pod %s at seq %d", old, seq)
	for _, pl := range []*player{ann, bob} {
		poll[bool](pl, "reconnect by itself", `window.connectionStates.includes('reconnecting') &&
			document.getElementById('connection').dataset.state === 'open'`, time.Minute)
	}
	mover.screenshot("resumed")
	if got := waitTurn(mover, step); got != seq {
		t.Fatalf("%s: after the pod was replaced the page is at seq %d, want %d", mover.name, got, seq)
	}
	if got := pageHand(mover); got != hand {
		t.Fatalf("%s: after the pod was replaced the hand is %q, want %q", mover.name, got, hand)
	}
	hello := lastHello(mover)
	if last, ok := hello["last_seq"].(float64); !ok || int(last) != seq {
		t.Fatalf("%s: the hello on the new pod carried last_seq %v, want %d", mover.name, hello["last_seq"], seq)
	}
	states := connectionStates(mover)
	t.Logf("%s went through %v", mover.name, states)
	moves := playToEnd(t, []*player{ann, bob}, matchLimit)
	t.Logf("%d more plays to the end", moves)
	for _, pl := range []*player{ann, bob} {
		checkResult(t, pl)
		pl.noPageErrors()
	}
	checkNoLeaks(t, map[int]*player{seatOf(ann): ann, seatOf(bob): bob})
}

// The router restarts (every websocket closed with 1001, then refused
// while it is down): the pages reconnect by themselves and play on at the
// same seq. A play made while the router is down says it is on its way,
// and is played once the page is back.
func TestRouterRestartPagesResume(t *testing.T) {
	p := platform(t)
	_, _, ann, bob := twoAtTable(t, "restart", 4)
	mover := whoseTurn(t, ann, bob)
	seq := waitTurn(mover, step)
	for _, pl := range []*player{ann, bob} {
		watchConnection(pl)
	}
	p.StopRouter()
	poll[bool](mover, "see the connection lost", `document.getElementById('connection').dataset.state === 'reconnecting'`, step)
	own := fmt.Sprintf(`document.querySelector('#seats li[data-seat="%d"]').dataset.connected`, seatOf(mover))
	poll[bool](mover, "see its own seat not connected", own+` === 'false'`, step)
	playOne(mover, 0)
	if hint := eval[string](mover, "read the hint", `document.getElementById('turn-hint').textContent`, step); !strings.Contains(hint, "on its way") {
		t.Errorf("%s: a play made while the connection is down: hint %q, want it to say the play is on its way", mover.name, hint)
	}
	if err := p.StartRouter(); err != nil {
		t.Fatalf("start the router again: %v", err)
	}
	for _, pl := range []*player{ann, bob} {
		poll[bool](pl, "reconnect by itself", `window.connectionStates.includes('reconnecting') &&
			document.getElementById('connection').dataset.state === 'open'`, time.Minute)
	}
	poll[bool](mover, "see the play made while away played", fmt.Sprintf(`Number(document.getElementById('room').dataset.seq) === %d`, seq+1), step)
	for i := 0; i < 4; i++ {
		pl := whoseTurn(t, ann, bob)
		waitTurn(pl, step)
		playOne(pl, i)
	}
	for _, pl := range []*player{ann, bob} {
		pl.noPageErrors()
	}
}

// The player to move closes the page: after 30 s the other's page says
// they are away and what can be done; once they are back it says it no
// more, and the match goes on.
func TestAnAwayPlayersTurnIsSaidSo(t *testing.T) {
	_, url, ann, bob := twoAtTable(t, "away", 2)
	mover, other := moverAndOther(t, ann, bob)
	seq := waitTurn(mover, step)
	mover.do("close the page", step, chromedp.Navigate("about:blank"))
	hint := poll[string](other, "see the mover away", `(() => {
		const el = document.getElementById('turn-hint');
		return el.dataset.away === 'true' ? el.textContent : '';
	})()`, time.Minute)
	if !strings.Contains(hint, "away for") || !strings.Contains(hint, "Play now") {
		t.Errorf("%s: hint %q, want it to say %s is away and offer Play now", other.name, hint, mover.name)
	}
	other.screenshot("opponent-away")
	mover.do("come back", 2*step,
		chromedp.Navigate(url),
		chromedp.WaitVisible(chromedp.CSS(`#connection[data-state="open"]`)),
	)
	if got := waitTurn(mover, step); got != seq {
		t.Fatalf("%s: back at seq %d, want %d", mover.name, got, seq)
	}
	poll[bool](other, "see the mover back", `document.getElementById('turn-hint').dataset.away === 'false'`, step)
	playOne(mover, 0)
	for _, pl := range []*player{ann, bob} {
		pl.noPageErrors()
	}
}

// A player who leaves the room's page for another is shown as gone at
// once, even though the browser keeps the page in its back/forward cache;
// going back brings the page out of that cache connected again, at the
// same seq, and the other player sees them back.
func TestAPageLeftForAnotherShowsItsPlayerGoneAndBackAgain(t *testing.T) {
	_, _, ann, bob := twoAtTable(t, "left", 2)
	mover, other := moverAndOther(t, ann, bob)
	seq := waitTurn(mover, step)
	watchConnection(mover)
	connected := fmt.Sprintf(`document.querySelector('#seats li[data-seat="%d"]').dataset.connected`, seatOf(mover))
	mover.do("leave for another page", step, chromedp.Navigate("about:blank"))
	poll[bool](other, "see the mover gone", connected+` === 'false'`, step)
	// history.back, not chromedp.NavigateBack: a page restored from the
	// cache fires no load event for it to wait for. Called a moment after
	// the evaluation returns, which the navigation would cut off.
	mover.do("go back", step, chromedp.Evaluate[chromedp.Void](`setTimeout(() => history.back(), 0)`))
	poll[bool](other, "see the mover back", connected+` === 'true'`, step)
	// The states recorded before leaving are still there: the page came
	// back from the cache, not from a new load, and reopened its socket.
	states := eval[[]string](mover, "read the connection states", `window.connectionStates || []`, step)
	if len(states) == 0 || states[len(states)-1] != "open" || !slices.Contains(states, "reconnecting") && !slices.Contains(states, "connecting") {
		t.Fatalf("%s: connection states %q: want the page back from the cache, reconnected", mover.name, states)
	}
	// Read with eval: chromedp's polling loses the page's frame when it
	// comes back from the cache.
	if got := pageSeq(mover); got != seq {
		t.Fatalf("%s: back at seq %d, want %d", mover.name, got, seq)
	}
	if !eval[bool](mover, "read whose turn", `document.getElementById('room').dataset.myTurn === 'true'`, step) {
		t.Fatalf("%s: back from the cache, it is not their turn any more", mover.name)
	}
	other.noPageErrors()
}

// moverAndOther tells which of two players is to move, and the other.
func moverAndOther(t *testing.T, ann, bob *player) (mover, other *player) {
	t.Helper()
	if mover = whoseTurn(t, ann, bob); mover == ann {
		return ann, bob
	}
	return bob, ann
}
