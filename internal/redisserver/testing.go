package redisserver

import (
	"context"
	"syscall"

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
	return StartWith(tb, Options{})
}

// StartWith is Start with options, e.g. AppendOnly for a Redis whose data
// survives Restart.
func StartWith(tb TB, opts Options) *Server {
	tb.Helper()
	s, err := Run(context.Background(), opts)
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

// Freeze stops the server process (SIGSTOP) until Thaw: it keeps its
// sockets and accepts connections, but answers nothing, as a Redis does
// that hangs. Thaw is also registered for cleanup, so a failed test never
// leaves a frozen server behind.
func (s *Server) Freeze(tb TB) {
	tb.Helper()
	if err := syscall.Kill(s.Pid(), syscall.SIGSTOP); err != nil {
		tb.Fatal("freeze redis-server: ", err)
	}
	tb.Cleanup(s.Thaw)
}

// Thaw resumes a frozen server (SIGCONT); it then handles what was sent
// to it meanwhile.
func (s *Server) Thaw() { _ = syscall.Kill(s.Pid(), syscall.SIGCONT) }
