package browser

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	eventsv1 "k8s.io/api/events/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
	"github.com/croupier-dev/croupier/roomcontract"
)

// Redis loses a room's keys mid-match (what FLUSHALL does to every room):
// the page says the game was lost and keeps the table as it was; the room
// shows DataIntact False with a DataLost event; a reload gets the same
// words, not a fresh match.
func TestLostRoomDataIsShownToThePlayerAndThePlatform(t *testing.T) {
	p := platform(t)
	ns := p.Namespace(t)
	ctx := context.Background()
	room := gameroomtest.MakeGameRoom("lost", ns).Players(2).Bots(1, gamesv1.BotLevelRandom).BotDelay(botDelay).Obj()
	if err := p.Client.Create(ctx, room); err != nil {
		t.Fatal(err)
	}
	p.WaitRoutable(t, ns, "lost")
	b := startBrowser(t)
	ann := b.newPlayer("Ann")
	url := roomPage(p, ns, "lost")
	joinRoom(ann, url)
	ann.do("see the table", step, chromedp.WaitVisible(chromedp.CSS(`#hand [data-card]`)))
	waitRoom(t, p.Client, ns, "lost", func(gr *gamesv1.GameRoom) bool {
		return meta.IsStatusConditionTrue(gr.Status.Conditions, gamesv1.ConditionDataIntact)
	}, "DataIntact True once the match started")

	if err := p.RedisCli.Del(ctx, roomcontract.For(ns, "lost").All()...).Err(); err != nil {
		t.Fatal(err)
	}
	ann.do("see the loss", 2*step,
		chromedp.WaitVisible(chromedp.CSS(`#notice[data-kind="data-lost"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#connection[data-state="lost"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#hand [data-card]`)),
	)
	text := eval[string](ann, "read the notice", `document.getElementById('notice-text').textContent`, step)
	if !strings.Contains(text, "lost") || !strings.Contains(text, "cannot go on") {
		t.Errorf("notice %q, want it to say the saved game was lost and the match cannot go on", text)
	}
	if label := eval[string](ann, "read the button", `document.getElementById('notice-action').textContent`, step); label != "Back to the start page" {
		t.Errorf("notice button %q, want Back to the start page", label)
	}
	if shown := eval[bool](ann, "look for the error line", `!document.getElementById('error').hidden`, step); shown {
		t.Error("the loss is said twice: in the notice and again in the error line")
	}
	ann.screenshot("data-lost")
	if hint := eval[string](ann, "read the turn hint", `document.getElementById('turn-hint').textContent`, step); !strings.Contains(hint, "closed") {
		t.Errorf("turn hint %q under the loss, want it to say the table is closed", hint)
	}
	if n := eval[int](ann, "count the playable cards", `document.querySelectorAll('#hand [data-card]:not([disabled])').length`, step); n != 0 {
		t.Errorf("%d cards still playable on a table whose game was lost", n)
	}

	gr := waitRoom(t, p.Client, ns, "lost", func(gr *gamesv1.GameRoom) bool {
		c := meta.FindStatusCondition(gr.Status.Conditions, gamesv1.ConditionDataIntact)
		return c != nil && c.Status == "False" && c.Reason == "DataLost"
	}, "DataIntact False reason DataLost")
	if r := meta.FindStatusCondition(gr.Status.Conditions, gamesv1.ConditionReady); r == nil || r.Reason != "DataLost" {
		t.Errorf("Ready %+v, want False reason DataLost", r)
	}
	deadline := time.Now().Add(step)
	for !hasEvent(t, p.Client, ns, "lost", "DataLost") {
		if time.Now().After(deadline) {
			t.Fatal("no DataLost event")
		}
		time.Sleep(100 * time.Millisecond)
	}

	ann.do("reload the page", 2*step,
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`#notice[data-kind="data-lost"]`)),
	)
	if n, _ := p.RedisCli.Exists(ctx, roomcontract.For(ns, "lost").Setup()).Result(); n != 0 {
		t.Fatal("a fresh match was dealt")
	}
}

func waitRoom(t *testing.T, c client.Client, ns, name string, ok func(*gamesv1.GameRoom) bool, what string) *gamesv1.GameRoom {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		gr := &gamesv1.GameRoom{}
		err := c.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, gr)
		if err == nil && ok(gr) {
			return gr
		}
		if time.Now().After(deadline) {
			t.Fatalf("room never showed %s: %v %+v", what, err, gr.Status.Conditions)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func hasEvent(t *testing.T, c client.Client, ns, room, reason string) bool {
	t.Helper()
	var list eventsv1.EventList
	if err := c.List(context.Background(), &list, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	for _, e := range list.Items {
		if e.Regarding.Kind == "GameRoom" && e.Regarding.Name == room && e.Reason == reason && e.Type == "Warning" {
			return true
		}
	}
	return false
}
