package browser

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/croupier-dev/croupier/router/web"
)

const step = 15 * time.Second

// The pages on their own, with no API behind them: the start page opens a
// room, refuses a malformed one in words, the room page reports a room the
// API does not know, nothing is loaded from another origin, nothing
// overflows a 360 px screen, and a reload revalidates the assets (304).
func TestStaticPages(t *testing.T) {
	srv := httptest.NewServer(web.Handler())
	t.Cleanup(srv.Close)
	b := startBrowser(t)
	p := b.newPlayer("visitor")

	p.do("open the start page", step,
		chromedp.EmulateViewport(360, 740),
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS("#open-room")),
		chromedp.WaitVisible(chromedp.CSS(`#sample-rooms a[data-room="default/cassino-table"]`)),
	)
	p.do("open a malformed room", step,
		chromedp.SendKeys(chromedp.ID("room-address"), "Not A Room"),
		chromedp.Click(chromedp.ID("open-room-submit")),
		chromedp.WaitVisible(chromedp.ID("open-room-error")),
	)
	if msg := eval[string](p, "read the error", `document.getElementById('open-room-error').textContent`, step); !strings.Contains(msg, "namespace/name") {
		t.Errorf("error for a malformed room: %q, want words naming the form namespace/name", msg)
	}
	fitsWidth(p, 360)
	p.screenshot("start-360")
	checkModules(t, p)

	p.do("open a room by name", step,
		clearField("room-address"),
		chromedp.SendKeys(chromedp.ID("room-address"), "default/cassino-table"),
		chromedp.Click(chromedp.ID("open-room-submit")),
		chromedp.WaitVisible(chromedp.CSS(`#notice[data-kind="no-room"]`)),
	)
	if path := eval[string](p, "read the address", `location.pathname`, step); path != "/r/default/cassino-table" {
		t.Errorf("opened %q, want /r/default/cassino-table", path)
	}
	if got := eval[string](p, "read the notice", `document.getElementById('notice-text').textContent`, step); !strings.Contains(got, "no room default/cassino-table") || !strings.Contains(got, "idle timeout") {
		t.Errorf("notice for an unknown room: %q", got)
	}
	fitsWidth(p, 360)
	p.screenshot("no-room-360")

	style := srv.URL + "/assets/style.css"
	p.do("reload the room page", step,
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`#notice[data-kind="no-room"]`)),
	)
	if got := p.rec.statusesOf(style); len(got) < 2 || got[0] != 200 || got[len(got)-1] != 304 {
		t.Errorf("style.css answers across loads: %v; want 200 first and 304 on the reload", got)
	}
	for _, u := range p.rec.requestURLs() {
		if !strings.HasPrefix(u, srv.URL+"/") && !strings.HasPrefix(u, "data:") {
			t.Errorf("the page loaded %s, from another origin", u)
		}
	}

	// A pasted watch link opens the room to watch, as the link would.
	p.do("open a pasted watch link", step,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS("#open-room")),
		chromedp.SendKeys(chromedp.ID("room-address"), "https://play.example/r/default/cassino-table?watch=1"),
		chromedp.Click(chromedp.ID("open-room-submit")),
		chromedp.WaitVisible(chromedp.ID("notice")),
	)
	if addr := eval[string](p, "read the address", `location.pathname + location.search`, step); addr != "/r/default/cassino-table?watch=1" {
		t.Errorf("a pasted watch link opened %q, want /r/default/cassino-table?watch=1", addr)
	}
	p.noPageErrors()
}

// fitsWidth checks that nothing makes the page, or its tally tables,
// scroll sideways.
func fitsWidth(p *player, width int) {
	p.t.Helper()
	if w := eval[int](p, "measure the page", `Math.max(document.documentElement.scrollWidth,
		...[...document.querySelectorAll('#tallies')].map(e => e.scrollWidth - e.clientWidth + document.documentElement.clientWidth))`, step); w > width {
		p.screenshot("too-wide")
		p.t.Errorf("%s: the page is %d px wide on a %d px screen", p.name, w, width)
	}
}

// clearField empties a text field; typing then starts from nothing.
func clearField(id string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`document.getElementById(` + strconv.Quote(id) + `).value = ''`)
}

// checkModules runs the client's pure functions in the page itself: the
// reconnect back-off, the parsing of a typed room, and which connections
// a page coming back from another reopens.
func checkModules(t *testing.T, p *player) {
	t.Helper()
	got := eval[map[string]any](p, "run the modules", `(async () => {
		const c = await import('/assets/js/connection.js');
		const s = await import('/assets/js/start.js');
		const backoff = [];
		for (let a = 0; a < 8; a++) backoff.push([c.backoff(a, () => 0), c.backoff(a, () => 0.999999)]);
		const rooms = ['default/cassino-table', ' games/t1 ', '/r/games/t1/', location.origin + '/r/games/table.one',
			'Games/t1', 'games', 'games/t_1', 'a/b/c'].map(r => s.parseRoom(r));
		// Left for another page and back: a live connection (a socket, or
		// a retry waiting) reopens; one given up on (replaced, stopped)
		// does not.
		const away = {};
		for (const [name, set] of Object.entries({
			open: (k) => { k.ws = { close() {} }; },
			retrying: (k) => { k.timer = setTimeout(() => {}, 60000); },
			replaced: () => {},
			stopped: (k) => { k.stopped = true; },
		})) {
			const k = new c.Connection('/nowhere', 'token', {});
			set(k);
			let opened = 0;
			k.open = () => { opened++; };
			k.closeWhileAway();
			k.resumeIfAway();
			away[name] = opened;
		}
		// A play unanswered means a connection that died without closing
		// (docs/PLAYING.md): the page drops it and reconnects; one that
		// is answered in time stays.
		const silence = {};
		for (const answered of [false, true]) {
			const k = new c.Connection('/nowhere', 'token', {});
			k.ws = { readyState: WebSocket.OPEN, send() {}, close() {} };
			k.answerWait = 50;
			let resyncs = 0;
			k.resync = () => { resyncs++; };
			k.send({ v: 1, type: 'action' }, { answered: true });
			if (answered) setTimeout(() => k.heard(), 10);
			await new Promise((r) => setTimeout(r, 200));
			silence[answered ? 'answered' : 'silent'] = resyncs;
		}
		// While nothing is sent, the page pings once nothing has been
		// heard for a while: a ping left unanswered reconnects, and
		// answered pings keep the connection.
		for (const answered of [false, true]) {
			const k = new c.Connection('/nowhere', 'token', {});
			const sent = [];
			k.ws = { readyState: WebSocket.OPEN, close() {}, send(m) {
				sent.push(JSON.parse(m).type);
				if (answered) setTimeout(() => k.heard(), 10);
			} };
			k.idlePing = 30;
			k.answerWait = 50;
			let resyncs = 0;
			k.resync = () => { resyncs++; k.stop(); };
			k.heard(); // the welcome
			await new Promise((r) => setTimeout(r, 300));
			k.stop();
			silence[answered ? 'idleAnswered' : 'idleSilent'] = resyncs + ':' + [...new Set(sent)].join(',');
		}
		// An opening whose handshake never ends (a network that passes
		// nothing) is given up and tried again, not left to the browser's
		// minutes-long limit; one that opens is kept.
		const RealWebSocket = window.WebSocket;
		for (const opens of [false, true]) {
			window.WebSocket = class {
				static CONNECTING = 0;
				static OPEN = 1;
				constructor() {
					this.readyState = 0;
					if (opens) setTimeout(() => { this.readyState = 1; this.onopen?.(); }, 10);
				}
				send() {}
				close() { this.readyState = 3; }
			};
			const k = new c.Connection('/nowhere', 'token', { onState() {}, hello: () => ({ v: 1, type: 'hello' }) });
			k.connectWait = 50;
			k.answerWait = 10000;
			let retries = 0;
			k.retry = () => { retries++; };
			k.open();
			await new Promise((r) => setTimeout(r, 200));
			k.stop();
			silence[opens ? 'handshakeDone' : 'handshakeHung'] = retries;
		}
		window.WebSocket = RealWebSocket;
		// The last plays in words: a capture names what a build held, as
		// its play button does; a dealer is named in the right person.
		const g = await import('/assets/js/game.js');
		const game = new g.Game({ seat: 0 });
		game.players = [{ seat: 0, name: 'Ann' }, { seat: 1, name: 'Bob' }];
		game.view = { builds: [{ id: 'b1', value: 6, sets: [['2D', '4D']], owner: 1 }] };
		game.note({ type: 'captured', seat: 0, card: '6D', sets: [['3H', '3C']], builds: ['b1'] });
		game.note({ type: 'handStarted', seat: 0, hand: 2 });
		game.note({ type: 'handStarted', seat: 0, hand: 3, dealer: 1 });
		// A move played for an away player says so (PROTOCOL.md, event).
		game.event({ type: 'event', seq: 9, seat: 1, action_id: 'standin-1-8', events: [{ type: 'trailed', seat: 1, card: '5C' }] });
		// A seat given back before the start (its session ended) leaves
		// the table; a seat taken after it is shown.
		const seats = new g.Game({ seat: 1 });
		seats.apply({ type: 'welcome', seat: 1, seats: 3, phase: 'waiting', players: [{ seat: 0, name: 'Ann' }, { seat: 1, name: 'Bob' }] });
		seats.apply({ type: 'presence', seat: 0, name: 'Ann', connected: false, last_seen: 1, left: true });
		seats.apply({ type: 'presence', seat: 2, name: 'Cy', connected: true, last_seen: 2 });
		const seated = seats.players.filter(Boolean).map((p) => p.name);
		// A player who never connected is away from when the page first
		// saw them so, as one who left is from their last_seen.
		const ghost = new g.Game({ seat: 0 });
		ghost.apply({ type: 'welcome', seat: 0, seats: 2, phase: 'playing', players: [{ seat: 0, name: 'Ann', connected: true, last_seen: 1 }, { seat: 1, name: 'Ghost', connected: false, last_seen: 0 }] });
		ghost.apply({ type: 'welcome', seat: 0, seats: 2, phase: 'playing', players: [{ seat: 0, name: 'Ann', connected: true, last_seen: 2 }, { seat: 1, name: 'Ghost', connected: false, last_seen: 0 }] });
		const ghostAway = ghost.awayFor(1, Date.now() + 31000) >= 30000;
		// A hand's tally with long names fits a 360 px screen: no column
		// hides behind the box's edge.
		const r = await import('/assets/js/render.js');
		const box = document.createElement('div');
		box.id = 'tallies';
		document.querySelector('main').append(box);
		const long = new g.Game({ seat: 2 });
		long.players = [{ seat: 0, name: 'Bartholomew Longname-Smith' }, { seat: 1, name: 'Bot 1 (greedy)' }];
		long.tallies = [{ hand: 1, points: [11, 2], scores: [121, 21], tally: [
			{ cards: 27, spades: 7, aces: 2, bigCasino: true, littleCasino: true, sweeps: 13 },
			{ cards: 25, spades: 6, aces: 2, bigCasino: false, littleCasino: false, sweeps: 0 }] }];
		r.tallies(long);
		const tallyOverflow = box.scrollWidth - box.clientWidth;
		box.remove();
		return { backoff, rooms, away, silence, log: game.log, seated, ghostAway, tallyOverflow };
	})()`, step)
	if o, ok := got["tallyOverflow"].(float64); !ok || o > 0 {
		t.Errorf("a tally with long names overflows its box at 360 px by %v px", got["tallyOverflow"])
	}
	if got["ghostAway"] != true {
		t.Error("a player who never connected is not away 31 s after the page first saw them")
	}
	if s := fmt.Sprint(got["seated"]); s != "[Bob Cy]" {
		t.Errorf("seated after a seat was given back and another taken: %s, want [Bob Cy]", s)
	}
	if a := fmt.Sprint(got["away"]); a != "map[open:1 replaced:0 retrying:1 stopped:0]" {
		t.Errorf("connections reopened on coming back to the page: %s, want the open and the retrying one only", a)
	}
	if s := fmt.Sprint(got["silence"]); s != "map[answered:0 handshakeDone:0 handshakeHung:1 idleAnswered:0:ping idleSilent:1:ping silent:1]" {
		t.Errorf("reconnects after a play, after idle pings (reconnects:messages sent) and after a handshake: %s, want one for the play or ping left unanswered and the handshake that hung, none for the answered or opened", s)
	}
	wantBackoff := "[[125 250] [250 500] [500 1000] [1000 2000] [2000 4000] [2500 5000] [2500 5000] [2500 5000]]"
	if b := fmt.Sprint(got["backoff"]); b != wantBackoff {
		t.Errorf("reconnect back-off (lowest, highest) per attempt: %s, want %s", b, wantBackoff)
	}
	wantLog := "[You captured 3♥ + 3♣, build of 6 (2♦ + 4♦) with 6♦. Hand 2: You deal. Hand 3: Bob deals. Bob trailed 5♣ (played for them while away).]"
	if l := fmt.Sprint(got["log"]); l != wantLog {
		t.Errorf("last plays: %s, want %s", l, wantLog)
	}
	wantRooms := "[default/cassino-table games/t1 games/t1 games/table.one <nil> <nil> <nil> <nil>]"
	if r := fmt.Sprint(got["rooms"]); r != wantRooms {
		t.Errorf("parsed rooms: %s, want %s", r, wantRooms)
	}
}

// Play now asks again after a too_many_joins refusal no sooner than the
// answer's Retry-After (docs/PLAYING.md, Play now): every ask counts
// against the address's joins, so an early one is only refused again.
func TestPlayNowWaitsTheRetryAfterItIsGiven(t *testing.T) {
	var mu sync.Mutex
	var asks []time.Time
	mux := http.NewServeMux()
	mux.Handle("/", web.Handler())
	mux.HandleFunc("/v1/play", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asks = append(asks, time.Now())
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Retry-After", "2")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = io.WriteString(w, `{"code":"too_many_joins","message":"too many joins from your address; retry later"}`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	p := startBrowser(t).newPlayer("ann")
	p.do("press Play now", step,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("play-form")),
		chromedp.SendKeys(chromedp.ID("play-name"), "Ann"),
		chromedp.Click(chromedp.ID("play-now")),
	)
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		got := append([]time.Time(nil), asks...)
		mu.Unlock()
		if len(got) >= 3 {
			for i := 1; i < len(got); i++ {
				if gap := got[i].Sub(got[i-1]); gap < 2*time.Second {
					t.Errorf("ask %d came %s after the one refused with Retry-After: 2", i+1, gap.Round(time.Millisecond))
				}
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Play now asked %d times in 20 s after refusals with Retry-After: 2, want it to keep asking", len(got))
		}
		time.Sleep(100 * time.Millisecond)
	}
	p.noPageErrors()
}
