package redisserver

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// TB is the part of testing.TB the test helpers use; taking it as an
// interface keeps package testing out of the croupier binary.
type TB interface {
	Helper()
	Fatal(args ...any)
	Cleanup(func())
}

// Start runs a redis-server for the duration of a test or benchmark. It
// fails the test, never skips it: the guarantees under test are only
// meaningful against a real Redis.
func Start(tb TB) *Server {
	tb.Helper()
	s, err := Run(context.Background(), Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Close)
	return s
}

// Client returns a client of the server, closed at cleanup.
func (s *Server) Client(tb TB) redis.UniversalClient {
	tb.Helper()
	c := redis.NewClient(&redis.Options{Addr: s.Addr})
	tb.Cleanup(func() { _ = c.Close() })
	return c
}
