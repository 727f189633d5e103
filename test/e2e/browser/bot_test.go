package browser

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
)

// botDelay keeps the bot quick: the test plays a whole match.
const botDelay = 30 * time.Millisecond

// One person opens a room with a house bot, plays a whole match by
// clicking and sees the result; the bot's cards never reach the page
// before the bot plays them.
func TestOnePersonPlaysABotToTheEnd(t *testing.T) {
	p := platform(t)
	ns := p.Namespace(t)
	room := gameroomtest.MakeGameRoom("solo", ns).Players(2).Bots(1, gamesv1.BotLevelGreedy).BotDelay(botDelay).Obj()
	if err := p.Client.Create(context.Background(), room); err != nil {
		t.Fatalf("create a room with a bot: %v", err)
	}
	p.WaitRoutable(t, ns, "solo")

	b := startBrowser(t)
	ann := b.newPlayer("Ann")
	joinRoom(ann, roomPage(p, ns, "solo"))
	ann.do("see the table", step, chromedp.WaitVisible(chromedp.CSS(`#hand [data-card]`)))
	if seat := seatOf(ann); seat != 0 {
		t.Fatalf("the person got seat %d; the bot takes the last seat", seat)
	}
	if bot := eval[string](ann, "read the bot's seat", `document.querySelector('#seats [data-seat="1"]').dataset.connected`, step); bot != "false" {
		t.Errorf("the bot's seat shows connected=%s; a bot is never connected", bot)
	}
	if label := eval[string](ann, "read the bot's badge", `document.querySelector('#seats [data-seat="1"][data-bot="true"] .bot-badge')?.textContent || ''`, step); label != "house bot" {
		t.Errorf("the bot's seat badge is %q, want \"house bot\"", label)
	}
	ann.screenshot("table")
	start := time.Now()
	for i := 0; i < 5; i++ {
		waitTurn(ann, step)
		playOne(ann, i)
	}
	showPlays(ann)
	moves := 5 + playToEnd(t, []*player{ann}, matchLimit)
	t.Logf("a match against the bot: %d clicked plays in %s", moves, time.Since(start).Round(time.Millisecond))
	checkResult(t, ann)
	if log := eval[string](ann, "read the last plays", `document.getElementById('log').textContent`, step); !strings.Contains(log, "Bot 1") {
		t.Errorf("the last plays do not mention the bot: %q", log)
	}
	ann.screenshot("result")
	ann.noPageErrors()
	checkNoLeaks(t, map[int]*player{0: ann})

	// Someone with no seat who opens the finished room is offered its
	// replay, not a name form for a table with no seat left.
	waitRoom(t, p.Client, ns, "solo", func(gr *gamesv1.GameRoom) bool { return gr.Status.Phase == gamesv1.PhaseFinished }, "phase Finished")
	bea := b.newPlayer("Bea")
	bea.do("open the finished room", step,
		chromedp.Navigate(roomPage(p, ns, "solo")),
		chromedp.WaitVisible(chromedp.CSS(`#notice[data-kind="finished"]`)),
	)
	if text := eval[string](bea, "read the notice", `document.getElementById('notice-text').textContent`, step); text != "This match is over." {
		t.Errorf("a visitor of the finished room reads %q", text)
	}
	if hidden := eval[bool](bea, "look for the name form", `document.getElementById('join-form').hidden`, step); !hidden {
		t.Errorf("a visitor of the finished room is shown the name form")
	}
	bea.do("open its replay", step,
		chromedp.Click(chromedp.CSS(`#notice-action`)),
		chromedp.WaitVisible(chromedp.CSS(`#replay[data-seq]`)),
	)
	if url := eval[string](bea, "read the address", `location.pathname`, step); url != "/r/"+ns+"/solo/replay" {
		t.Errorf("Watch its replay led to %s", url)
	}
	bea.noPageErrors()
}

// showPlays picks a card with more than one play and saves a screenshot of
// the table with its plays offered (the picture docs/table.png is), then
// puts the card back with Escape.
func showPlays(p *player) {
	p.t.Helper()
	waitTurn(p, step)
	cards := eval[[]string](p, "list the playable cards", `[...document.querySelectorAll('#hand [data-legal="true"]')].map(b => b.dataset.card)`, step)
	for _, c := range cards {
		p.do("pick "+c, step,
			chromedp.Click(chromedp.CSS(`#hand [data-card="`+c+`"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#plays[data-card="`+c+`"] [data-play-index="0"]`)),
		)
		if eval[int](p, "count the plays", `document.querySelectorAll('#plays [data-play-index]').length`, step) > 1 {
			break
		}
	}
	if eval[string](p, "read the first play", `document.querySelector('#plays [data-play-index="0"]').dataset.playType`, step) != "trail" &&
		eval[int](p, "count what the play lights up", `document.querySelectorAll('.involved').length`, step) == 0 {
		p.t.Errorf("%s: the focused play lights up nothing on the table", p.name)
	}
	p.screenshot("table-picked")
	picked := eval[string](p, "read the picked card", `document.getElementById('plays').dataset.card`, step)
	p.do("put the card back", step,
		chromedp.KeyEvent(kb.Escape),
		chromedp.WaitNotPresent(chromedp.CSS(`#plays [data-play-index]`)),
	)
	if f := eval[string](p, "read the focus", `document.activeElement?.dataset?.card || ''`, step); f != picked {
		p.t.Errorf("%s: after Escape the focus is on %q, want the card put back, %s", p.name, f, picked)
	}
}

// At a table of four in partnerships, every seat shows its team, and the
// seat opposite is marked as your partner: partners share one score.
func TestATableOfFourShowsYourPartner(t *testing.T) {
	p := platform(t)
	ns := p.Namespace(t)
	room := gameroomtest.MakeGameRoom("four", ns).Players(4).Bots(3, gamesv1.BotLevelRandom).BotDelay(botDelay).Obj()
	if err := p.Client.Create(context.Background(), room); err != nil {
		t.Fatalf("create a room of four with bots: %v", err)
	}
	p.WaitRoutable(t, ns, "four")
	b := startBrowser(t)
	ann := b.newPlayer("Ann")
	joinRoom(ann, roomPage(p, ns, "four"))
	ann.do("see the table", step, chromedp.WaitVisible(chromedp.CSS(`#hand [data-card]`)))
	me := seatOf(ann)
	got := eval[[]string](ann, "read the team badges", `[...document.querySelectorAll('#seats li')].map((li) =>
		li.dataset.seat + ':' + li.dataset.partner + ':' + (li.querySelector('.team-badge')?.textContent || ''))`, step)
	for _, line := range got {
		var seat int
		var partner, badge string
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			t.Fatalf("seat line %q", line)
		}
		seat = int(parts[0][0] - '0')
		partner, badge = parts[1], parts[2]
		team := "team " + string(rune('1'+seat%2))
		switch {
		case seat == me && (partner != "false" || badge != team):
			t.Errorf("your own seat %d: partner=%s badge %q, want %q", seat, partner, badge, team)
		case seat != me && seat%2 == me%2 && (partner != "true" || badge != "your partner · "+team):
			t.Errorf("seat %d opposite yours: partner=%s badge %q, want your partner", seat, partner, badge)
		case seat%2 != me%2 && (partner != "false" || badge != team):
			t.Errorf("opponent seat %d: partner=%s badge %q, want %q", seat, partner, badge, team)
		}
	}
	if len(got) != 4 {
		t.Errorf("%d seats shown, want 4", len(got))
	}
	ann.screenshot("four-partners")
	ann.noPageErrors()
}
