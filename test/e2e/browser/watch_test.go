package browser

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
)

// watchDelay is the room's spectator delay in the watch test.
const watchDelay = 2

// readWatcher is what a spectator's page shows that must stay empty or
// hidden: its hand, the plays, any enabled control at the table.
const readWatcher = `(() => {
	const room = document.getElementById('room');
	return {
		seq: room.dataset.seq,
		phase: room.dataset.phase,
		seat: room.dataset.seat,
		hand: document.querySelectorAll('#hand [data-card]').length,
		handArea: !document.getElementById('hand-area').hidden,
		plays: document.querySelectorAll('#plays button').length,
		controls: [...document.querySelectorAll('#game button')].filter(b => !b.disabled).length,
		banner: !document.getElementById('watching').hidden,
		bannerText: document.getElementById('watching-text').textContent,
	};
})()`

type watcherPage struct {
	Seq        string `json:"seq"`
	Phase      string `json:"phase"`
	Seat       string `json:"seat"`
	Hand       int    `json:"hand"`
	HandArea   bool   `json:"handArea"`
	Plays      int    `json:"plays"`
	Controls   int    `json:"controls"`
	Banner     bool   `json:"banner"`
	BannerText string `json:"bannerText"`
}

// readWatcherTable is the public table a spectator's page shows, in the
// replay's terms, to compare the two.
const readWatcherTable = `(() => {
	const cards = (el) => [...el.querySelectorAll('[data-card]')].map(c => c.dataset.card);
	return {
		hand: Number(document.getElementById('hand-number').dataset.hand),
		table: cards(document.getElementById('table-cards')),
		builds: [...document.querySelectorAll('#builds [data-build-id]')].map(b => b.dataset.buildId),
		scores: [...document.querySelectorAll('#seats li.seat')].map(s => Number(s.dataset.score)),
	};
})()`

// A person plays a house bot to the end while someone, who found the room
// by the lobby's Watch button, watches it in watch mode: at each of the
// person's turns (when nothing moves) the watcher's table is exactly the
// delay behind, it shows no hand and no control, and at the end it shows
// the final table. No frame the watcher received holds a card hidden at
// that moment. Then the watcher follows the result's link to the replay,
// whose last entry is the table the watcher saw at the end, and steps
// through it with every hand face up.
func TestWatchALiveMatchThenItsReplay(t *testing.T) {
	p := platform(t)
	ns := p.Namespace(t)
	room := gameroomtest.MakeGameRoom("watched", ns).Players(2).Bots(1, gamesv1.BotLevelGreedy).BotDelay(botDelay).
		Spectators(true, 3, watchDelay).Listed(true).Obj()
	if err := p.Client.Create(context.Background(), room); err != nil {
		t.Fatalf("create a room with spectators: %v", err)
	}
	p.WaitRoutable(t, ns, "watched")

	b := startBrowser(t)
	viewer := b.newPlayer("viewer")
	viewer.do("open the room page", 2*step,
		chromedp.Navigate(roomPage(p, ns, "watched")),
		chromedp.WaitVisible(chromedp.ID("watch-link")),
	)
	ann := b.newPlayer("Ann")
	joinRoom(ann, roomPage(p, ns, "watched"))
	replayURL := roomPage(p, ns, "watched") + "/replay"
	viewer.do("open the replay mid-match", step,
		chromedp.Navigate(replayURL),
		chromedp.WaitVisible(chromedp.CSS(`#replay[data-state="in-progress"] #notice`)),
	)
	viewer.screenshot("in-progress")

	wes := b.newPlayer("Wes")
	watchButton := `#lobby-rooms li[data-room="` + ns + `/watched"] a.watch`
	wes.do("open the start page", step, chromedp.Navigate(p.URL()+"/"))
	poll[bool](wes, "see the room's Watch button in the lobby", `!!document.querySelector('`+watchButton+`')`, 20*time.Second)
	wes.do("press Watch", 2*step,
		chromedp.Click(chromedp.CSS(watchButton)),
		chromedp.WaitVisible(chromedp.ID("watching")),
	)
	if addr := eval[string](wes, "read the address", `location.href`, step); addr != roomPage(p, ns, "watched")+"?watch=1" {
		t.Errorf("the Watch button opened %q", addr)
	}
	checkWatcher := func(want int) watcherPage {
		t.Helper()
		expr := `document.getElementById('room').dataset.seq === ` + strconv.Quote(strconv.Itoa(want))
		poll[bool](wes, "follow the table to seq "+strconv.Itoa(want), expr, step)
		w := eval[watcherPage](wes, "read the watcher's page", readWatcher, step)
		if w.Hand != 0 || w.HandArea || w.Plays != 0 || w.Controls != 0 {
			t.Fatalf("the watcher's page shows a hand or controls at seq %d: %+v", want, w)
		}
		if !w.Banner || !strings.Contains(w.BannerText, "Watching") || !strings.Contains(w.BannerText, "2 actions behind") {
			t.Fatalf("the watcher's page has no watching banner: %+v", w)
		}
		if w.Seat != "-1" {
			t.Fatalf("the watcher's page holds seat %q", w.Seat)
		}
		return w
	}
	advanced := 0
	for turn := 0; ; turn++ {
		if poll[string](ann, "wait for the turn or the end", turnOrEnd, matchLimit) == "finished" {
			break
		}
		seq := pageSeq(ann)
		w := checkWatcher(max(0, seq-watchDelay))
		if seq > watchDelay && w.Phase == "playing" {
			advanced++
			if turn%7 == 3 && checkShowsView(wes) > 0 {
				wes.buildsSeen++
			}
		}
		if turn == 5 {
			wes.screenshot("watching")
		}
		playOne(ann, turn)
	}
	final := pageSeq(ann)
	checkWatcher(final) // the delay is released when the match is over
	wes.do("see the result", step, chromedp.WaitVisible(chromedp.ID("result")))
	checkShowsView(wes)
	if txt := eval[string](wes, "read the result", `document.getElementById('result').textContent`, step); !strings.Contains(txt, "won the match") {
		t.Errorf("the watcher's result reads %q", txt)
	}
	if o := eval[string](wes, "read the outcome", `document.getElementById('result').dataset.outcome`, step); o != "watched" {
		t.Errorf("the watcher's result has outcome %q, want watched: a spectator neither won nor lost", o)
	}
	wes.screenshot("result")
	if advanced < 10 {
		t.Fatalf("the watcher's table advanced at only %d of the person's turns", advanced)
	}

	frames := wes.rec.received()
	if leaks := findLeaks(-1, frames); len(leaks) > 0 {
		t.Fatalf("the watcher received hidden cards:\n%s", strings.Join(leaks, "\n"))
	}
	if plays := playedCards(frames); plays[0] == 0 || plays[1] == 0 {
		t.Fatalf("the watcher's frames show plays %v: nothing to check the leaks against", plays)
	}
	for _, raw := range wes.rec.sent() {
		var m map[string]any
		if json.Unmarshal([]byte(raw), &m) == nil && m["type"] != "hello" {
			t.Errorf("the watcher's page sent %s", raw)
		}
	}

	// From the watcher's page to the replay.
	seen := eval[shownTable](wes, "read the watcher's final table", readWatcherTable, step)
	link := eval[string](wes, "read the replay link", `(() => { const a = document.getElementById('replay-link'); return a && !a.closest('[hidden]') ? a.href : ''; })()`, step)
	if link != replayURL {
		t.Fatalf("the watcher's result links to the replay at %q, want %q", link, replayURL)
	}
	data := fetchReplay(t, p, ns, "watched")
	wes.do("follow the link to the replay", 2*step,
		chromedp.Click(chromedp.ID("replay-link")),
		chromedp.WaitVisible(chromedp.CSS(`#replay[data-state="ready"][data-seq="1"]`)),
	)
	stepThroughReplay(t, b, wes, replayURL, data)

	n := len(data.Entries)
	wes.do("go to the end", step,
		chromedp.Click(chromedp.ID("last")),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#replay[data-seq="%d"]`, n))),
		chromedp.WaitVisible(chromedp.ID("result")),
	)
	checkShown(t, wes, data, n)
	end := eval[shownTable](wes, "read the replay's end", readReplayShown, step)
	if end.Hand != seen.Hand || !slices.Equal(end.Table, seen.Table) || !slices.Equal(end.Builds, seen.Builds) || !slices.Equal(end.Scores, seen.Scores) {
		t.Fatalf("the replay ends on %+v, the watcher saw the match end on %+v", end, seen)
	}
	wes.screenshot("replay-end")
	wes.do("step back from the end", step,
		chromedp.Click(chromedp.ID("back")),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#replay[data-seq="%d"]`, n-1))),
	)
	checkShown(t, wes, data, n-1)
	if up := eval[int](wes, "count the cards face up in hands", `document.querySelectorAll('#seats .hand [data-card]').length`, step); up == 0 {
		t.Fatal("one entry before the end, no hand is shown face up")
	}
	wes.noPageErrors()
	ann.noPageErrors()
	viewer.noPageErrors()
}

// A room that does not allow spectators says so in watch mode.
func TestWatchModeOfARoomWithoutSpectators(t *testing.T) {
	p := platform(t)
	ns := p.Namespace(t)
	p.CreateRoom(t, ns, "private", 2)
	b := startBrowser(t)
	wes := b.newPlayer("Wes")
	wes.do("open the room page", 2*step,
		chromedp.Navigate(roomPage(p, ns, "private")),
		chromedp.WaitVisible(chromedp.ID("join-name")),
	)
	// The facts arrive after the form shows: wait for them, then look.
	poll[bool](wes, "read the room facts", `document.getElementById('room-facts').textContent !== ''`, step)
	if shown := eval[bool](wes, "look for the watch link", `!document.getElementById('watch-offer').hidden`, step); shown {
		t.Error("the room page offers to watch a room without spectators")
	}
	wes.do("open watch mode", 2*step,
		chromedp.Navigate(roomPage(p, ns, "private")+"?watch=1"),
		chromedp.WaitVisible(chromedp.ID("notice")),
	)
	if txt := eval[string](wes, "read the notice", `document.getElementById('notice-text').textContent`, step); !strings.Contains(txt, "does not allow spectators") {
		t.Fatalf("watch mode of a room without spectators says %q", txt)
	}
	if n := eval[int](wes, "look for a join form", `document.getElementById('join-form').hidden ? 0 : 1`, step); n != 0 {
		t.Fatal("watch mode offers the join form")
	}
	// Watch mode of a room that does not exist says so as the room page
	// does, and why rooms go.
	wes.do("watch a room that does not exist", 2*step,
		chromedp.Navigate(roomPage(p, ns, "gone")+"?watch=1"),
		chromedp.WaitVisible(chromedp.CSS(`#notice[data-kind="no-room"]`)),
	)
	if txt := eval[string](wes, "read the notice", `document.getElementById('notice-text').textContent`, step); !strings.Contains(txt, "There is no room "+ns+"/gone") || !strings.Contains(txt, "idle timeout") {
		t.Errorf("watch mode of a room that does not exist says %q", txt)
	}
	wes.noPageErrors()
}

// A room with as many spectators as it allows asks the next one, in
// words, to come back later.
func TestWatchModeOfAFullRoom(t *testing.T) {
	p := platform(t)
	ns := p.Namespace(t)
	room := gameroomtest.MakeGameRoom("popular", ns).Spectators(true, 1, 0).Obj()
	if err := p.Client.Create(context.Background(), room); err != nil {
		t.Fatalf("create a room for one spectator: %v", err)
	}
	p.WaitRoutable(t, ns, "popular")
	b := startBrowser(t)
	wes := b.newPlayer("Wes")
	wes.do("watch the room", 2*step,
		chromedp.Navigate(roomPage(p, ns, "popular")+"?watch=1"),
		chromedp.WaitVisible(chromedp.ID("watching")),
	)
	poll[bool](wes, "be connected", `document.getElementById('connection').dataset.state === 'open'`, step)
	if w := eval[watcherPage](wes, "read the watcher's page", readWatcher, step); w.Phase != "waiting" || w.BannerText != "Watching: you see what every player sees." {
		t.Fatalf("the spectator of an empty room: %+v", w)
	}
	xena := b.newPlayer("Xena")
	xena.do("watch the full room", 2*step,
		chromedp.Navigate(roomPage(p, ns, "popular")+"?watch=1"),
		chromedp.WaitVisible(chromedp.ID("notice")),
	)
	if txt := eval[string](xena, "read the notice", `document.getElementById('notice-text').textContent`, step); !strings.Contains(txt, "as many spectators as it allows") {
		t.Fatalf("watch mode of a full room says %q", txt)
	}
	wes.noPageErrors()
	xena.noPageErrors()
}
