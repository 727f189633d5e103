package browser

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"sigs.k8s.io/controller-runtime/pkg/client"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
)

// A room deleted and made again under the same name: the stored token is
// still well signed for that name, so the router lets it through, but the
// new room never seated that player and the pod refuses it (4003). The
// page says so in words and offers to join again, which works.
func TestRefusedSessionOffersToJoinAgain(t *testing.T) {
	p := platform(t)
	ns := p.Namespace(t)
	solo := func() *gamesv1.GameRoom {
		return gameroomtest.MakeGameRoom("again", ns).Players(2).Bots(1, gamesv1.BotLevelRandom).BotDelay(botDelay).Obj()
	}
	ctx := context.Background()
	if err := p.Client.Create(ctx, solo()); err != nil {
		t.Fatal(err)
	}
	p.WaitRoutable(t, ns, "again")
	b := startBrowser(t)
	ann := b.newPlayer("Ann")
	url := roomPage(p, ns, "again")
	joinRoom(ann, url)
	ann.do("see the table, then leave the page", step,
		chromedp.WaitVisible(chromedp.CSS(`#hand [data-card]`)),
		chromedp.Navigate(p.URL()+"/"),
	)

	if err := p.Client.Delete(ctx, solo()); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		err := p.Client.Get(ctx, client.ObjectKey{Namespace: ns, Name: "again"}, &gamesv1.GameRoom{})
		if client.IgnoreNotFound(err) == nil && err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the room was not gone within a minute")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := p.Client.Create(ctx, solo()); err != nil {
		t.Fatal(err)
	}
	p.WaitRoutable(t, ns, "again")

	ann.do("come back to the room", step,
		chromedp.Navigate(url),
		chromedp.WaitVisible(chromedp.CSS(`#notice[data-kind="refused"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#connection[data-state="refused"]`)),
	)
	text := eval[string](ann, "read the notice", `document.getElementById('notice-text').textContent`, step)
	if !strings.Contains(text, "refused") || !strings.Contains(text, "join the room again") {
		t.Errorf("notice %q, want it to say the session was refused and offer to join again", text)
	}
	ann.screenshot("refused")
	ann.do("join again", step,
		chromedp.Click(chromedp.ID("notice-action")),
		chromedp.WaitVisible(chromedp.ID("join-name")),
		chromedp.Click(chromedp.ID("join-submit")),
		chromedp.WaitVisible(chromedp.CSS(`#hand [data-card]`)),
		chromedp.WaitVisible(chromedp.CSS(`#connection[data-state="open"]`)),
	)
	waitTurn(ann, step)
	playOne(ann, 0)

	// On its turn the page gets no message, so it does not store its
	// session again before the reload.
	waitTurn(ann, step)
	// The token dropped, the page is a visitor's: the match being played,
	// it says every seat is taken rather than offer a form a join would
	// refuse.
	waitRoomPhase(t, url, "Playing")
	ann.do("let the stored token expire, and reload", step,
		chromedp.Evaluate[chromedp.Void](`(() => {
			const key = 'croupier.room.' + location.pathname.slice(3);
			const s = JSON.parse(localStorage.getItem(key));
			s.expires_at = Math.floor(Date.now() / 1000) - 1;
			localStorage.setItem(key, JSON.stringify(s));
		})()`),
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`#notice[data-kind="full"]`)),
	)
	if stored := eval[bool](ann, "look for the stored token", `localStorage.getItem('croupier.room.' + location.pathname.slice(3)) !== null`, step); stored {
		t.Error("the expired token is still stored")
	}
	ann.noPageErrors()
}
