package browser

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

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

// stepThroughReplay checks a finished match's replay, open on viewer's
// page at its first entry: every hand face up, step forward and back,
// jump to a hand, and a link that opens at the point shown, in a fresh
// browser on a phone-sized screen. The test for it watches the match
// live first (watch_test.go), so one match serves both.
func stepThroughReplay(t *testing.T, b *browserProcess, viewer *player, replayURL string, data replayData) {
	t.Helper()
	n := len(data.Entries)
	if n < 20 || !data.Entries[n-1].Table.Finished {
		t.Fatalf("replay of %d entries, last finished=%v", n, n > 0 && data.Entries[n-1].Table.Finished)
	}
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
	friend.screenshot("replay-shared")
	fitsWidth(friend, 360)
	friend.do("open the replay of a room that does not exist", step,
		chromedp.Navigate(strings.TrimSuffix(replayURL, "/replay")+"-never-was/replay"),
		chromedp.WaitVisible(chromedp.CSS(`#replay[data-state="no-room"] #notice`)),
	)
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
