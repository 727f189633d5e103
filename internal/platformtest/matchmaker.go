package platformtest

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/croupier-dev/croupier/matchmaker"
)

// startMatchmaker runs a matchmaker replica against the platform's API
// server and Redis, on its own loopback port; the router carries
// POST /v1/play to the first one started.
func (p *Platform) startMatchmaker() (string, error) {
	rdb, err := p.redisClient(64)
	if err != nil {
		return "", err
	}
	opts := matchmaker.Options{
		Config: p.Config, Redis: rdb, Log: p.opts.Log, ID: fmt.Sprintf("matchmaker-%d", len(p.mmURLs)),
		TemplatePool: PlayNamespace + "/" + TemplatePool,
	}
	if p.opts.Matchmaker != nil {
		p.opts.Matchmaker(&opts)
	}
	m, err := matchmaker.New(opts)
	if err != nil {
		_ = rdb.Close()
		return "", err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = rdb.Close()
		return "", err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Serve(ctx, l, 5*time.Second) }()
	p.stops = append(p.stops, func() { cancel(); <-done; _ = rdb.Close() })
	if err := m.Start(ctx); err != nil {
		return "", fmt.Errorf("matchmaker: %w", err)
	}
	url := "http://" + l.Addr().String()
	p.mmURLs = append(p.mmURLs, url)
	return url, nil
}

// MatchmakerURLs are the matchmaker replicas' base URLs; the router
// forwards to the first.
func (p *Platform) MatchmakerURLs() []string { return p.mmURLs }
