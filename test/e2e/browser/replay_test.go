package browser

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/internal/platformtest"
)

// replayData is the router's replay as docs/REPLAY.md describes it, read
// by the test on its own to check what the page draws.
type replayData struct {
	Players []struct {
		Seat int    `json:"seat"`
		Name string `json:"name"`
	} `json:"players"`
	Entries []struct {
		Seq   int `json:"seq"`
		Table struct {
			Hands  [][]string `json:"hands"`
			Table  []string   `json:"table"`
			Builds []struct {
				ID string `json:"id"`
			} `json:"builds"`
			Scores     []int `json:"scores"`
			HandNumber int   `json:"handNumber"`
			Finished   bool  `json:"finished"`
		} `json:"table"`
	} `json:"entries"`
}

// shownTable is what the replay page draws, read from its DOM.
type shownTable struct {
	Seq    int        `json:"seq"`
	Hand   int        `json:"hand"`
	Hands  [][]string `json:"hands"`
	Table  []string   `json:"table"`
	Builds []string   `json:"builds"`
	Scores []int      `json:"scores"`
}

const readReplayShown = `(() => {
	const cards = (el) => [...el.querySelectorAll('[data-card]')].map(c => c.dataset.card);
	const main = document.getElementById('replay');
	return {
		seq: Number(main.dataset.seq),
		hand: Number(main.dataset.hand),
		hands: [...document.querySelectorAll('#seats .hand')].map(cards),
		table: cards(document.getElementById('table-cards')),
		builds: [...document.querySelectorAll('#builds [data-build-id]')].map(b => b.dataset.buildId),
		scores: [...document.querySelectorAll('#seats li.seat')].map(s => Number(s.dataset.score)),
	};
})()`

// A finished match opens as a replay: every hand face up, step forward
// and back, jump to a hand, and a link that opens at the point shown.
// Before the end, the page says the replay is not open yet.
func TestReplayOfAFinishedMatch(t *testing.T) {
	p := platform(t)
	ns := p.Namespace(t)
	gr := gameroomtest.MakeGameRoom("replayed", ns).Players(2).Bots(1, gamesv1.BotLevelGreedy).BotDelay(botDelay).Obj()
	if err := p.Client.Create(context.Background(), gr); err != nil {
		t.Fatalf("create a room with a bot: %v", err)
	}
	p.WaitRoutable(t, ns, "replayed")
	ws := dialSeat(t, p, ns, "replayed", "Ann")

	b := startBrowser(t)
	viewer := b.newPlayer("viewer")
	replayURL := roomPage(p, ns, "replayed") + "/replay"
	viewer.do("open the replay mid-match", step,
		chromedp.Navigate(replayURL),
		chromedp.WaitVisible(chromedp.CSS(`#replay[data-state="in-progress"] #notice`)),
	)
	viewer.screenshot("in-progress")

	ws.playToEnd(t)
	data := fetchReplay(t, p, ns, "replayed")
	n := len(data.Entries)
	if n < 20 || !data.Entries[n-1].Table.Finished {
		t.Fatalf("replay of %d entries, last finished=%v", n, n > 0 && data.Entries[n-1].Table.Finished)
	}

	viewer.do("open the replay of the finished match", step,
		chromedp.Navigate(replayURL),
		chromedp.WaitVisible(chromedp.CSS(`#replay[data-state="ready"][data-seq="1"]`)),
	)
	checkShown(t, viewer, data, 1)
	names := eval[[]string](viewer, "read the names", `[...document.querySelectorAll('#seats .who')].map(e => e.textContent)`, step)
	if len(names) != 2 || names[0] != "Ann" || len(data.Players) != 2 || names[1] != data.Players[1].Name {
		t.Errorf("seats named %q, want Ann and the bot's name in the replay (%+v)", names, data.Players)
	}
	viewer.screenshot("replay-start")

	for i := 2; i <= 4; i++ {
		viewer.do("step forward", step,
			chromedp.Click(chromedp.ID("forward")),
			chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#replay[data-seq="%d"]`, i))),
		)
		checkShown(t, viewer, data, i)
	}
	viewer.do("step back", step,
		chromedp.Click(chromedp.ID("back")),
		chromedp.WaitVisible(chromedp.CSS(`#replay[data-seq="3"]`)),
	)
	checkShown(t, viewer, data, 3)
	viewer.do("step forward by keyboard", step,
		chromedp.KeyEvent(kb.ArrowRight),
		chromedp.WaitVisible(chromedp.CSS(`#replay[data-seq="4"]`)),
	)
	checkShown(t, viewer, data, 4)

	// Jump to the second hand: the page lands on its first entry.
	second := 0
	for _, e := range data.Entries {
		if e.Table.HandNumber == 2 {
			second = e.Seq
			break
		}
	}
	if second == 0 {
		t.Fatalf("the match had one hand; the test needs two to jump between")
	}
	viewer.do("jump to hand 2", step,
		chromedp.SetValue(chromedp.ID("hand-jump"), "2"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('hand-jump').dispatchEvent(new Event('change'))`),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#replay[data-seq="%d"]`, second))),
	)
	checkShown(t, viewer, data, second)
	viewer.screenshot("replay-hand-2")

	// The link says where the page is, and opens there in a fresh browser.
	at := second + 5
	viewer.do("move on", step,
		chromedp.KeyEvent(kb.ArrowRight), chromedp.KeyEvent(kb.ArrowRight), chromedp.KeyEvent(kb.ArrowRight),
		chromedp.KeyEvent(kb.ArrowRight), chromedp.KeyEvent(kb.ArrowRight),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#replay[data-seq="%d"]`, at))),
	)
	link := eval[string](viewer, "read the link", `document.getElementById('share-link').href`, step)
	if want := replayURL + "#seq=" + strconv.Itoa(at); link != want {
		t.Fatalf("shareable link %q, want %q", link, want)
	}
	if addr := eval[string](viewer, "read the address", `location.href`, step); addr != link {
		t.Errorf("the address %q does not follow the point shown (%q)", addr, link)
	}
	friend := b.newPlayer("friend")
	friend.do("open the shared link on a phone-sized screen", step,
		chromedp.EmulateViewport(360, 780),
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#replay[data-state="ready"][data-seq="%d"]`, at))),
	)
	checkShown(t, friend, data, at)
	friend.do("go to the end", step,
		chromedp.Click(chromedp.ID("last")),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#replay[data-seq="%d"]`, n))),
		chromedp.WaitVisible(chromedp.ID("result")),
	)
	checkShown(t, friend, data, n)
	friend.screenshot("replay-end")
	fitsWidth(friend, 360)
	friend.do("open the replay of a room that does not exist", step,
		chromedp.Navigate(roomPage(p, ns, "never-was")+"/replay"),
		chromedp.WaitVisible(chromedp.CSS(`#replay[data-state="no-room"] #notice`)),
	)
	viewer.noPageErrors()
	friend.noPageErrors()
}

// checkShown compares the page's table with the replay's entry at seq.
func checkShown(t *testing.T, p *player, data replayData, seq int) {
	t.Helper()
	got := eval[shownTable](p, "read the shown table", readReplayShown, step)
	e := data.Entries[seq-1].Table
	want := shownTable{Seq: seq, Hand: e.HandNumber, Hands: e.Hands, Table: e.Table, Scores: e.Scores, Builds: []string{}}
	for _, b := range e.Builds {
		want.Builds = append(want.Builds, b.ID)
	}
	if want.Table == nil {
		want.Table = []string{}
	}
	same := got.Seq == want.Seq && got.Hand == want.Hand && slices.Equal(got.Table, want.Table) &&
		slices.Equal(got.Builds, want.Builds) && slices.Equal(got.Scores, want.Scores) && len(got.Hands) == len(want.Hands)
	for s := 0; same && s < len(want.Hands); s++ {
		same = slices.Equal(got.Hands[s], want.Hands[s])
	}
	if !same {
		t.Fatalf("%s: at entry %d the page shows %+v, the replay holds %+v", p.name, seq, got, want)
	}
	held := 0
	for _, h := range want.Hands {
		held += len(h)
	}
	if seq == 1 && held != 4*len(want.Hands) {
		t.Fatalf("%s: the opening shows %d cards in hands, want every dealt hand face up", p.name, held)
	}
}

func fetchReplay(t *testing.T, p *platformtest.Platform, ns, name string) replayData {
	t.Helper()
	resp, err := http.Get(p.URL() + "/v1/rooms/" + ns + "/" + name + "/replay")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("replay: %d %s (%v)", resp.StatusCode, body, err)
	}
	var data replayData
	if err := json.Unmarshal(body, &data); err != nil {
		t.Fatal(err)
	}
	return data
}

// wsSeat is a person playing from Go over the router's websocket, fast,
// so the test's browser time goes to the replay.
type wsSeat struct {
	seat int
	send func(any) error
	read func() (wsFrame, error)
}

type wsFrame struct {
	Type     string        `json:"type"`
	ActionID string        `json:"action_id"`
	View     *cassino.View `json:"view"`
	raw      []byte
}

func dialSeat(t *testing.T, p *platformtest.Platform, ns, name, who string) *wsSeat {
	t.Helper()
	j := p.Join(t, ns, name, who)
	conn, _, err := p.Dial(j.WS, j.Token, nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	s := &wsSeat{
		seat: j.Seat,
		send: conn.WriteJSON,
		read: func() (wsFrame, error) {
			_ = conn.SetReadDeadline(time.Now().Add(time.Minute))
			_, b, err := conn.ReadMessage()
			var f wsFrame
			if err == nil {
				err = json.Unmarshal(b, &f)
			}
			f.raw = b
			return f, err
		},
	}
	if err := s.send(map[string]any{"v": 1, "type": "hello", "token": j.Token}); err != nil {
		t.Fatal(err)
	}
	return s
}

// playToEnd plays cassino.Greedy on each of the seat's turns until the
// match is over.
func (s *wsSeat) playToEnd(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(matchLimit)
	pending := ""
	var last any
	for n := 0; time.Now().Before(deadline); {
		f, err := s.read()
		if err != nil {
			t.Fatalf("seat %d: %v", s.seat, err)
		}
		var refusal struct{ Code string }
		_ = json.Unmarshal(f.raw, &refusal)
		if f.Type == "error" && refusal.Code == "rate_limited" && f.ActionID == pending {
			// As the page does: resend later under the same action id.
			time.Sleep(time.Second)
			if err := s.send(last); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if f.Type == "error" {
			t.Fatalf("seat %d refused: %s", s.seat, f.raw)
		}
		if f.Type == "event" && f.ActionID == pending {
			pending = ""
		}
		if f.View == nil {
			continue
		}
		if f.View.Finished {
			return
		}
		if pending == "" && f.View.Turn == s.seat && len(f.View.Legal) > 0 {
			n++
			pending = fmt.Sprintf("a%d", n)
			last = map[string]any{"v": 1, "type": "action", "action_id": pending, "action": cassino.Greedy(*f.View)}
			time.Sleep(100 * time.Millisecond) // a person's pace, under the rate limit
			if err := s.send(last); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Fatalf("seat %d: the match did not end within %s", s.seat, matchLimit)
}
