package browser

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// joinRoom opens a room page and takes a seat under name.
func joinRoom(p *player, roomURL string) {
	p.t.Helper()
	p.do("join "+roomURL, 2*step,
		chromedp.Navigate(roomURL),
		chromedp.WaitVisible(chromedp.ID("join-name")),
		clearField("join-name"),
		chromedp.SendKeys(chromedp.ID("join-name"), p.name),
		chromedp.Click(chromedp.ID("join-submit")),
		chromedp.WaitNotVisible(chromedp.ID("join-form")),
	)
}

// waitTurn waits until it is the page's turn; while it is, nothing in the
// room can change, so the seq it returns is stable.
func waitTurn(p *player, timeout time.Duration) int {
	p.t.Helper()
	if state := poll[string](p, "wait for the turn", turnOrEnd, timeout); state != "turn" {
		p.fail("wait for the turn", errString("the match ended first"))
	}
	return pageSeq(p)
}

func pageSeq(p *player) int {
	p.t.Helper()
	s := eval[string](p, "read the seq", `document.getElementById('room').dataset.seq`, step)
	n, err := strconv.Atoi(s)
	if err != nil {
		p.fail("read the seq", fmt.Errorf("data-seq %q: %w", s, err))
	}
	return n
}

func pageHand(p *player) string {
	return eval[string](p, "read the hand", `[...document.querySelectorAll('#hand [data-card]')].map(b => b.dataset.card).join(' ')`, step)
}

// lastHello is the last hello the page sent.
func lastHello(p *player) map[string]any {
	p.t.Helper()
	sent := p.rec.sent()
	for i := len(sent) - 1; i >= 0; i-- {
		var m map[string]any
		if json.Unmarshal([]byte(sent[i]), &m) == nil && m["type"] == "hello" {
			return m
		}
	}
	p.t.Fatalf("%s: the page sent no hello", p.name)
	return nil
}

// reloadResumes reloads the page on its turn and checks it comes back at
// the same seq with the same hand, having said hello with that last_seq.
func reloadResumes(t *testing.T, p *player) {
	t.Helper()
	seq := waitTurn(p, time.Minute)
	hand := pageHand(p)
	plays := pageLog(p)
	if len(plays) == 0 {
		t.Fatalf("%s: no last plays shown before the reload", p.name)
	}
	p.do("reload", step,
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`#connection[data-state="open"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#hand [data-card]`)),
	)
	if got := waitTurn(p, step); got != seq {
		t.Fatalf("%s: after the reload the page is at seq %d, want %d", p.name, got, seq)
	}
	if got := pageHand(p); got != hand {
		t.Fatalf("%s: after the reload the hand is %q, want %q", p.name, got, hand)
	}
	if got := pageLog(p); !slices.Equal(got, plays) {
		t.Fatalf("%s: after the reload the last plays are %q, want %q", p.name, got, plays)
	}
	hello := lastHello(p)
	if last, ok := hello["last_seq"].(float64); !ok || int(last) != seq {
		t.Fatalf("%s: the hello after the reload carried last_seq %v, want %d", p.name, hello["last_seq"], seq)
	}
}

// pageLog is the "Last plays" list as the page shows it, newest first.
func pageLog(p *player) []string {
	return eval[[]string](p, "read the last plays", `[...document.querySelectorAll('#log li')].map((li) => li.textContent)`, step)
}

// watchConnection records every state the connection badge goes through,
// so a short "reconnecting" is not missed between polls.
func watchConnection(p *player) {
	p.do("watch the connection", step, chromedp.Evaluate[chromedp.Void](`(() => {
		const el = document.getElementById('connection');
		window.connectionStates = [el.dataset.state];
		new MutationObserver(() => window.connectionStates.push(el.dataset.state))
			.observe(el, { attributes: true, attributeFilter: ['data-state'] });
	})()`))
}

func connectionStates(p *player) []string {
	return eval[[]string](p, "read the connection states", `window.connectionStates`, step)
}

// takeOver opens the room in a second tab of the same browser context (the
// same stored session): the first tab must say it was opened elsewhere,
// and "Play here" must take the seat back.
func takeOver(t *testing.T, p *player, roomURL string) {
	t.Helper()
	tab, cancel := chromedp.NewContext(p.ctx)
	defer cancel()
	second := &player{t: p.t, name: p.name + "-second-tab", ctx: tab, rec: newRecorder()}
	withWatchdog(t, "open a second tab", startTimeout, cancel, func() error { return chromedp.Do(tab) })
	second.do("open the room again", step,
		chromedp.Navigate(roomURL),
		chromedp.WaitVisible(chromedp.CSS(`#connection[data-state="open"]`)),
	)
	p.do("see the first tab replaced", step,
		chromedp.WaitVisible(chromedp.CSS(`#notice[data-kind="replaced"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#connection[data-state="replaced"]`)),
	)
	if text := eval[string](p, "read the notice", `document.getElementById('notice-text').textContent`, step); !strings.Contains(text, "another tab") {
		t.Errorf("%s: notice %q, want it to say the room is open in another tab", p.name, text)
	}
	p.screenshot("replaced")
	p.do("play here again", step,
		chromedp.Click(chromedp.ID("notice-action")),
		chromedp.WaitVisible(chromedp.CSS(`#connection[data-state="open"]`)),
		chromedp.WaitNotVisible(chromedp.ID("notice")),
	)
	second.do("see the second tab replaced", step,
		chromedp.WaitVisible(chromedp.CSS(`#notice[data-kind="replaced"]`)),
	)
}

// openNameForm has a third person open the room while a seat is still
// free, and type a name.
func openNameForm(b *browserProcess, roomURL string) *player {
	late := b.newPlayer("late")
	late.do("open the room while a seat is free", 2*step,
		chromedp.Navigate(roomURL),
		chromedp.WaitVisible(chromedp.ID("join-name")),
		chromedp.SendKeys(chromedp.ID("join-name"), "Late"),
	)
	return late
}

// roomFullInWords has the third person, whose form was open before the
// last seat was taken, try the full room: the refusal is shown in words.
// Opened again once the room's phase says its match is on, the room
// offers no name form at all.
func roomFullInWords(t *testing.T, late *player, roomURL string) {
	t.Helper()
	late.do("try the full room", 2*step,
		chromedp.Click(chromedp.ID("join-submit")),
		chromedp.WaitVisible(chromedp.ID("join-error")),
	)
	if text := eval[string](late, "read the refusal", `document.getElementById('join-error').textContent`, step); !strings.Contains(text, "Every seat") {
		t.Errorf("refusal of a full room: %q, want words saying every seat is taken", text)
	}
	waitRoomPhase(t, roomURL, "Playing")
	late.do("open the room being played", 2*step,
		chromedp.Navigate(roomURL),
		chromedp.WaitVisible(chromedp.CSS(`#notice[data-kind="full"]`)),
	)
	if text := eval[string](late, "read the notice", `document.getElementById('notice-text').textContent`, step); !strings.Contains(text, "Every seat") {
		t.Errorf("a room being played says %q, want words saying every seat is taken", text)
	}
	if formShown := eval[bool](late, "look for the name form", `!document.getElementById('join-form').hidden`, step); formShown {
		t.Error("a room being played still shows the name form")
	}
}

// waitRoomPhase waits until the room facts of the room page at roomURL
// (GET /v1/rooms/{ns}/{name}) say phase.
func waitRoomPhase(t *testing.T, roomURL, phase string) {
	t.Helper()
	waitRoomFacts(t, roomURL, "phase "+phase, func(f roomFacts) bool { return f.Phase == phase })
}

type roomFacts struct {
	Phase  string
	Seated int
}

// waitRoomFacts waits until the room facts of the room page at roomURL
// hold what ok wants.
func waitRoomFacts(t *testing.T, roomURL, what string, ok func(roomFacts) bool) {
	t.Helper()
	facts := strings.Replace(roomURL, "/r/", "/v1/rooms/", 1)
	deadline := time.Now().Add(30 * time.Second)
	var got roomFacts
	for time.Now().Before(deadline) {
		resp, err := http.Get(facts)
		if err == nil {
			err = json.NewDecoder(resp.Body).Decode(&got)
			resp.Body.Close()
		}
		if err == nil && ok(got) {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("room %s: %+v, still not %s", facts, got, what)
}
