package devplatform

import (
	"context"
	"fmt"

	"github.com/croupier-dev/croupier/devplatform/podrunner"
)

// gameServerProgram is the program the operator's game pods name in their
// command (docs/API.md, spec.template).
const gameServerProgram = "/croupier-gameserver"

// runnerHandle is the in-process pod runner.
type runnerHandle struct {
	cancel context.CancelFunc
	done   chan struct{}
	err    error
}

func (p *platform) startRunner(context.Context) error {
	ctx, cancel := context.WithCancel(context.Background())
	h := &runnerHandle{cancel: cancel, done: make(chan struct{})}
	gameserver := p.opts.Binary
	opts := podrunner.Options{
		Binary:      p.opts.Binary,
		DefaultArgs: []string{"gameserver"},
		LogDir:      p.state.path("pods"),
		Log:         p.log.WithName("pods"),
	}
	if p.opts.GameserverBinary != "" {
		gameserver = p.opts.GameserverBinary
		opts.Programs = map[string]string{gameServerProgram: gameserver}
	}
	go func() {
		defer close(h.done)
		h.err = podrunner.Run(ctx, p.config(), opts)
	}()
	p.runner = h
	p.log.Info(fmt.Sprintf("      game pods (label %s) run as `%s gameserver` on 127.0.0.2, 127.0.0.3, ...", podrunner.RoomLabel, gameserver),
		"node", podrunner.DefaultNodeName, "logs", p.state.path("pods"))
	return nil
}

func (h *runnerHandle) stop() {
	h.cancel()
	<-h.done
}
