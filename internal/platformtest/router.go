package platformtest

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/croupier-dev/croupier/roomcontract/session"
	"github.com/croupier-dev/croupier/router"
)

// routerRun is one start of the router.
type routerRun struct {
	r      *router.Router
	cancel context.CancelFunc
	done   chan error
}

// URL is the router's base URL, the same across restarts.
func (p *Platform) URL() string { return "http://" + p.addr }

// Router is the running router (nil while it is stopped).
func (p *Platform) Router() *router.Router {
	p.routerMu.Lock()
	defer p.routerMu.Unlock()
	if p.rt == nil {
		return nil
	}
	return p.rt.r
}

// StartRouter starts the router on the platform's address and waits until
// it is ready. The pods' keys are its keys.
func (p *Platform) StartRouter() error {
	p.routerMu.Lock()
	defer p.routerMu.Unlock()
	if p.rt != nil {
		return nil
	}
	opts := router.Options{Keys: func() *session.Keyring { return p.Keys }, Log: p.opts.Log, Dial: p.countDial, MatchmakerURL: p.mmURLs[0]}
	if p.opts.Router != nil {
		p.opts.Router(&opts)
	}
	r, err := router.New(opts)
	if err != nil {
		return err
	}
	var l net.Listener
	for range 50 { // the previous run's socket may linger a moment
		if l, err = net.Listen("tcp", p.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		return fmt.Errorf("router listen: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	run := &routerRun{r: r, cancel: cancel, done: make(chan error, 1)}
	go func() { run.done <- r.Serve(ctx, l, 0, 5*time.Second) }()
	if err := r.Watch(ctx, p.Config, nil); err != nil {
		cancel()
		<-run.done
		return fmt.Errorf("router watch: %w", err)
	}
	p.rt = run
	return nil
}

// StopRouter drains the router as SIGTERM does (every websocket closed
// with 1001) and waits for it.
func (p *Platform) StopRouter() {
	p.routerMu.Lock()
	run := p.rt
	p.rt = nil
	p.routerMu.Unlock()
	if run == nil {
		return
	}
	run.cancel()
	<-run.done
}

// RestartRouter stops the router and starts a new one on the same address.
func (p *Platform) RestartRouter() error {
	p.StopRouter()
	return p.StartRouter()
}

// countDial is the router's dialer: a plain dial that counts, so tests
// can show a refused request dialled nothing.
func (p *Platform) countDial(ctx context.Context, network, addr string) (net.Conn, error) {
	p.dials.Add(1)
	return (&net.Dialer{}).DialContext(ctx, network, addr)
}

// Dials is how many connections the router has opened to game pods.
func (p *Platform) Dials() int64 { return p.dials.Load() }
