package browser

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
)

// seatedLimit bounds a quick play that waits for a new room's pod.
const seatedLimit = 2 * time.Minute

// pressPlayNow opens the start page (with query q) and presses Play now
// for a table of two.
func pressPlayNow(p *player, start string) { pressPlayNowFor(p, start, "2") }

func pressPlayNowFor(p *player, start, seats string) {
	p.t.Helper()
	p.do("press Play now", 2*step,
		chromedp.Navigate(start),
		chromedp.WaitVisible(chromedp.ID("play-name")),
		clearField("play-name"),
		chromedp.SendKeys(chromedp.ID("play-name"), p.name),
		chromedp.SetValue(chromedp.ID("play-seats"), seats),
		chromedp.Click(chromedp.ID("play-now")),
	)
}

// atTable waits until the page sits at a table and returns the room path.
func atTable(p *player) string {
	p.t.Helper()
	p.do("sit at the table", seatedLimit, chromedp.WaitVisible(chromedp.CSS(`#hand [data-card]`)))
	return eval[string](p, "read the address", `location.pathname`, step)
}

// Two people press Play now on the start page, one after the other: they
// land on one room page, at two seats, dealt in; the start page lists a
// listed room meanwhile.
func TestTwoBrowsersPressPlayNowAndMeetAtOneTable(t *testing.T) {
	p := platform(t)
	ns := p.Namespace(t)
	listed := gameroomtest.MakeGameRoom("open-table", ns).Players(4).Listed(true).Obj()
	if err := p.Client.Create(context.Background(), listed); err != nil {
		t.Fatal(err)
	}
	b := startBrowser(t)
	ann, bob := b.newPlayer("Ann"), b.newPlayer("Bob")
	ann.do("use a phone-sized screen", step, chromedp.EmulateViewport(360, 780))
	pressPlayNow(ann, p.URL()+"/")
	if s := poll[string](ann, "see the search", `document.getElementById('play-status').textContent`, step); !strings.Contains(s, "Looking for a table") {
		t.Errorf("status while searching: %q", s)
	}
	pressPlayNow(bob, p.URL()+"/")
	annRoom, bobRoom := atTable(ann), atTable(bob)
	if annRoom != bobRoom || !strings.HasPrefix(annRoom, "/r/") {
		t.Fatalf("Ann at %s, Bob at %s: want one table", annRoom, bobRoom)
	}
	if a, b := seatOf(ann), seatOf(bob); a == b {
		t.Errorf("both at seat %d", a)
	}
	ann.screenshot("quick-play-table")
	fitsWidth(ann, 360)

	// The start page lists the listed room (refetched, not only at load).
	bob.do("open the start page", step, chromedp.Navigate(p.URL()+"/"))
	poll[bool](bob, "see the listed room in the lobby", `!!document.querySelector('#lobby-rooms li[data-room="`+ns+`/open-table"] a[href="/r/`+ns+`/open-table"]')`, 20*time.Second)
	if n := eval[int](bob, "look for a Watch button", `document.querySelectorAll('#lobby-rooms li[data-room="`+ns+`/open-table"] a.watch').length`, step); n != 0 {
		t.Error("the lobby offers to watch a room without spectators")
	}
	bob.screenshot("lobby")
	for _, pl := range []*player{ann, bob} {
		pl.noPageErrors()
	}
}

// Nobody else comes: after the configured wait the page offers a bot, and
// taking it seats the person at a table with a bot, dealt in at once. The
// offer comes from the start page while the search goes on, or from the
// room page when the search found an empty table first (a new room's pod
// may start within the wait): either way the person is offered bots.
func TestPlayABotInsteadAfterTheWait(t *testing.T) {
	p := platform(t)
	b := startBrowser(t)
	ann := b.newPlayer("Ann")
	ann.do("ask for three seats, which nobody else wants", 2*step,
		chromedp.Navigate(p.URL()+"/?bot_after=1"),
		chromedp.WaitVisible(chromedp.ID("play-name")),
		clearField("play-name"),
		chromedp.SendKeys(chromedp.ID("play-name"), ann.name),
		chromedp.SetValue(chromedp.ID("play-seats"), "3"),
		chromedp.Click(chromedp.ID("play-now")),
	)
	where := acrossPages(ann, "see the bot offer", `(() => {
		const b = document.getElementById('play-bot');
		return b && !b.hidden && !b.disabled && b.offsetParent !== null ? location.pathname : '';
	})()`, 20*time.Second)
	t.Logf("bots offered on %s", where)
	if where != "/" && eval[string](ann, "read the phase", `document.getElementById('room').dataset.phase`, step) != "waiting" {
		t.Error("the room page offers bots at a table that is not waiting for players")
	}
	ann.do("take the bot offer", step, chromedp.Click(chromedp.ID("play-bot")))
	if got := atTable(ann); got == where {
		t.Errorf("still at %s after taking the bot offer", got)
	}
	if where != "/" {
		// The seat left behind is given back, so nobody is seated there
		// against an empty chair.
		waitRoomFacts(t, p.URL()+where, "no seat taken", func(f roomFacts) bool { return f.Seated == 0 })
	}
	if bots := eval[int](ann, "count the bots' seats", `document.querySelectorAll('#seats [data-connected="false"]').length`, step); bots != 2 {
		t.Errorf("%d seats not connected at a 3-seat table with bots; want the 2 bots", bots)
	}
	ann.noPageErrors()
}

// The wait before the bot offer is bot_after seconds when that is above 0
// and at most 600, and 20 seconds for anything else.
func TestBotAfterOutsideItsRangeKeepsTwentySeconds(t *testing.T) {
	p := platform(t)
	b := startBrowser(t)
	ann := b.newPlayer("Ann")
	for query, want := range map[string]string{
		"": "20", "?bot_after=1": "1", "?bot_after=600": "600", "?bot_after=2.5": "2.5",
		"?bot_after=0": "20", "?bot_after=601": "20", "?bot_after=-3": "20", "?bot_after=soon": "20", "?bot_after=": "20",
	} {
		ann.do("open the start page with "+query, step,
			chromedp.Navigate(p.URL()+"/"+query),
			chromedp.WaitVisible(chromedp.CSS(`#play-form[data-bot-after]`)),
		)
		if got := eval[string](ann, "read the wait", `document.getElementById('play-form').dataset.botAfter`, step); got != want {
			t.Errorf("/%s: the bot offer waits %s s, want %s", query, got, want)
		}
	}
	ann.noPageErrors()
}

// acrossPages evaluates expr until it gives a non-empty string, through
// navigations (an evaluation cut by one is tried again on the next page).
func acrossPages(p *player, what, expr string, timeout time.Duration) string {
	p.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ctx, cancel := context.WithTimeout(p.ctx, step)
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		cancel()
		if err == nil && v != "" {
			return v
		}
		if time.Now().After(deadline) {
			if err == nil {
				err = errors.New("still empty")
			}
			p.fail(what, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Someone who leaves a table Play now found while it still waits for
// players, and presses Play now again, goes back to their seat there: not
// to a second seat at that table, against their own empty chair, where
// the match would start and wait on them for good.
func TestPlayNowAgainGoesBackToTheTableYouLeft(t *testing.T) {
	p := platform(t)
	b := startBrowser(t)
	ann := b.newPlayer("Ann")
	waiting := `(() => {
		const r = document.getElementById('room');
		return r && r.dataset.phase === 'waiting' && r.dataset.seat !== '' ? location.pathname + '#' + r.dataset.seat : '';
	})()`
	pressPlayNowFor(ann, p.URL()+"/", "4")
	first := acrossPages(ann, "wait at a table for four", waiting, seatedLimit)
	pressPlayNowFor(ann, p.URL()+"/", "4") // the start page: the table is left
	again := acrossPages(ann, "be back at a table", waiting, seatedLimit)
	if again != first {
		t.Fatalf("Play now again sat Ann at %s; she left her seat at %s (path#seat)", again, first)
	}
	if got := poll[string](ann, "read who sits there", `document.getElementById('waiting-text').textContent`, step); got != "Waiting for players: 1 of 4 seats taken." {
		t.Errorf("the table says %q, want Ann alone at it", got)
	}
	ann.noPageErrors()
}
