// Package redisserver runs a real, throwaway redis-server on a free
// loopback port, with persistence off: the local platform's Redis, and the
// Redis of every test that needs one. A server can be stopped and started
// again, empty, on the same address, as a Redis without persistence
// restarts, so tests can play an outage. With Options.AppendOnly it keeps
// an append-only file instead and restarts with its data.
package redisserver

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/croupier-dev/croupier/internal/childproc"
	"github.com/croupier-dev/croupier/internal/freeport"
)

// Options configure Run.
type Options struct {
	// Binary is the redis-server program, looked up in PATH when a bare
	// name; empty means "redis-server".
	Binary string
	// Out receives redis-server's output; nil discards it.
	Out io.Writer
	// AppendOnly keeps an append-only file in the server's directory, so
	// Restart brings the data back, as a Redis with persistence restarts.
	// Each write is synced to the file before its reply, so a killed
	// process loses nothing acknowledged.
	AppendOnly bool
}

// readyTimeout bounds how long a starting redis-server may take to answer.
const readyTimeout = 20 * time.Second

// Server is a running (or stopped) redis-server.
type Server struct {
	// Addr is host:port on the loopback interface; it survives Restart.
	Addr string
	port int
	dir  string
	path string
	out  io.Writer
	aof  bool

	mu   sync.Mutex
	proc *childproc.Process
}

// Run starts a redis-server and waits until it answers PING; the caller
// ends it with Close.
func Run(ctx context.Context, opts Options) (*Server, error) {
	if opts.Binary == "" {
		opts.Binary = "redis-server"
	}
	path, err := exec.LookPath(opts.Binary)
	if err != nil {
		return nil, fmt.Errorf("%s not found (install the Debian package redis-server with `make deps`): %w", opts.Binary, err)
	}
	port, err := freeport.Stable() // Restart comes back on it
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "croupier-redis-")
	if err != nil {
		return nil, err
	}
	s := &Server{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), port: port, dir: dir, path: path, out: opts.Out, aof: opts.AppendOnly}
	if err := s.start(ctx); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

func (s *Server) args() []string {
	// Nothing survives a restart: no snapshots, and no append-only file
	// unless AppendOnly asks for one.
	aof := "no"
	if s.aof {
		aof = "yes"
	}
	return []string{
		"--port", strconv.Itoa(s.port),
		"--bind", "127.0.0.1",
		"--protected-mode", "yes",
		"--dir", s.dir,
		"--save", "",
		"--appendonly", aof,
		// always, not everysec: with everysec Redis may postpone a write
		// while the last second's fsync runs and still answer, so a kill
		// right after an acknowledged write could lose it.
		"--appendfsync", "always",
		"--daemonize", "no",
	}
}

func (s *Server) start(ctx context.Context) error {
	// --dir is redis-server's working directory; it changes to it itself.
	proc, err := childproc.Start(childproc.Spec{Name: "redis-server", Argv: append([]string{s.path}, s.args()...), Out: s.out})
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.proc = proc
	s.mu.Unlock()
	if err := s.waitReady(ctx, proc); err != nil {
		proc.Stop(5 * time.Second)
		return err
	}
	return nil
}

func (s *Server) waitReady(ctx context.Context, proc *childproc.Process) error {
	c := redis.NewClient(&redis.Options{Addr: s.Addr, MaxRetries: -1})
	defer c.Close()
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	for {
		if err := c.Ping(ctx).Err(); err == nil {
			return nil
		}
		select {
		case <-proc.Done():
			return proc.ExitError()
		case <-ctx.Done():
			return fmt.Errorf("redis-server on %s did not answer PING: %w", s.Addr, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func (s *Server) current() *childproc.Process {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.proc
}

// Done is closed if the running redis-server exits.
func (s *Server) Done() <-chan struct{} { return s.current().Done() }

// Err describes how redis-server ended.
func (s *Server) Err() error { return s.current().ExitError() }

// Pid is the running redis-server's process id.
func (s *Server) Pid() int { return s.current().Pid() }

// Stop kills redis-server at once, as a crash would, for tests of what
// happens when Redis is gone, and returns once it is; every key is lost.
// Restart brings it back.
func (s *Server) Stop() { s.current().Kill() }

// Restart starts the server again on the same address, empty (or, with
// AppendOnly, with what its file holds), and waits until it answers.
func (s *Server) Restart() error {
	s.Stop()
	if err := s.start(context.Background()); err != nil {
		return fmt.Errorf("restart redis-server on %s: %w", s.Addr, err)
	}
	return nil
}

// Close shuts the server down (SIGTERM, then SIGKILL after 5s) and
// removes its directory.
func (s *Server) Close() {
	s.current().Stop(5 * time.Second)
	_ = os.RemoveAll(s.dir)
}
