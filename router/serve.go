package router

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// Serve answers on l until ctx ends, then drains: readiness turns false,
// after drainDelay (for load balancers to notice) new requests stop, and
// every proxied websocket is closed with 1001 within grace.
func (r *Router) Serve(ctx context.Context, l net.Listener, drainDelay, grace time.Duration) error {
	srv := &http.Server{
		Handler:           r,
		ReadHeaderTimeout: r.limits.HandshakeTimeout,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	r.draining.Store(true)
	r.log.Info("draining", "delay", drainDelay.String(), "connections", r.conns.count())
	select {
	case <-time.After(drainDelay):
	case err := <-errc:
		return err
	}
	graceCtx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	shutdownErr := make(chan error, 1)
	go func() { shutdownErr <- srv.Shutdown(graceCtx) }()
	r.CloseAll()
	for r.conns.count() > 0 && graceCtx.Err() == nil {
		select {
		case <-graceCtx.Done():
		case <-time.After(10 * time.Millisecond):
		}
	}
	if err := <-shutdownErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	r.log.Info("stopped", "connections left", r.conns.count())
	return nil
}

// CloseAll refuses new websockets and closes every open one with 1001:
// the client reconnects, through another replica.
func (r *Router) CloseAll() {
	r.draining.Store(true)
	// In parallel: a client that does not read holds its close frame's
	// write for up to a second, and must not hold up everyone else's.
	for _, c := range r.conns.shut() {
		go c.closeWith(closeGoingAway, "the router is shutting down; reconnect", closeShutdown)
	}
}
