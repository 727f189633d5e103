package browser

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's chromium; the tests use no other browser, so a
// run means the same thing on every machine.
const chromiumPath = "/usr/bin/chromium"

// startTimeout bounds starting the browser and opening a tab; a wedged
// Chromium must fail the test, not hang it.
const startTimeout = 45 * time.Second

// browserProcess is one Chromium for a test; players are browser contexts
// in it.
type browserProcess struct {
	t   *testing.T
	ctx context.Context
}

func startBrowser(t *testing.T) *browserProcess {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("the browser tests need Chromium at %s (`make deps` installs Debian's chromium): %v", chromiumPath, err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc, chromedp.WithErrorf(func(string, ...any) {}))
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	// The first Do starts Chromium and binds its life to ctx, so it cannot
	// take a timeout context; a watchdog bounds it instead.
	withWatchdog(t, "start Chromium", startTimeout, cancel, func() error { return chromedp.Do(ctx) })
	return &browserProcess{t: t, ctx: ctx}
}

// withWatchdog runs fn and cancels (failing the test) if it outlives limit.
func withWatchdog(t *testing.T, what string, limit time.Duration, cancel func(), fn func() error) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	case <-time.After(limit):
		cancel()
		t.Fatalf("%s: no answer within %s", what, limit)
	}
}

// player is one person: a fresh browser context (no shared storage with
// other players) with one tab, recording what it receives.
type player struct {
	t    *testing.T
	name string
	ctx  context.Context
	rec  *recorder
	shot int
	mu   sync.Mutex
	// buildsSeen counts the turns whose table had a build.
	buildsSeen int
}

func (b *browserProcess) newPlayer(name string) *player {
	b.t.Helper()
	rec := newRecorder()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext(), chromedp.WithListener(rec.listen))
	b.t.Cleanup(cancel)
	p := &player{t: b.t, name: name, ctx: ctx, rec: rec}
	withWatchdog(b.t, name+": open a tab", startTimeout, cancel, func() error { return chromedp.Do(ctx) })
	return p
}

// do runs steps under timeout; on failure it saves a screenshot and the
// page's state, then fails the test.
func (p *player) do(what string, timeout time.Duration, steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, timeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		p.fail(what, err)
	}
}

// eval evaluates a JavaScript expression (awaiting it if it is a
// promise) under a timeout.
func eval[T any](p *player, what, expr string, timeout time.Duration) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		p.fail(what, err)
	}
	return v
}

// poll waits until a JavaScript expression is truthy and returns its value,
// up to timeout (chromedp's own polling bound, 30 s, is lifted to it).
func poll[T any](p *player, what, expr string, timeout time.Duration) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Poll[T](expr, chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(timeout)))
	if err != nil {
		p.fail(what, err)
	}
	return v
}

func (p *player) fail(what string, err error) {
	p.t.Helper()
	path := p.screenshot("failure-" + sanitize(what))
	state := p.pageState()
	p.t.Fatalf("%s: %s: %v\nscreenshot: %s\npage: %s", p.name, what, err, path, state)
}

// pageState is a short summary for failure messages, read with its own
// short timeout because the page may be the thing that hangs.
func (p *player) pageState() string {
	ctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify({
		url: location.href,
		room: document.getElementById('room') ? {...document.getElementById('room').dataset} : null,
		connection: document.getElementById('connection')?.dataset.state,
		notice: document.getElementById('notice')?.hidden ? null : document.getElementById('notice')?.textContent,
		error: document.getElementById('error')?.textContent,
	})`))
	if err != nil {
		return fmt.Sprintf("(unreadable: %v)", err)
	}
	return s
}

// screenshot saves a full-page PNG in the test's artifact directory and
// returns its path.
func (p *player) screenshot(label string) string {
	p.mu.Lock()
	p.shot++
	n := p.shot
	p.mu.Unlock()
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Logf("%s: screenshot %q: %v", p.name, label, err)
		return ""
	}
	path := filepath.Join(p.t.ArtifactDir(), fmt.Sprintf("%s-%02d-%s.png", sanitize(p.name), n, label))
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		p.t.Logf("%s: save screenshot: %v", p.name, err)
		return ""
	}
	return path
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, s)
}

// noPageErrors fails the test if a script of the page threw.
func (p *player) noPageErrors() {
	p.t.Helper()
	if ex := p.rec.exceptions(); len(ex) > 0 {
		p.t.Errorf("%s: the page threw: %s", p.name, strings.Join(ex, "; "))
	}
}
