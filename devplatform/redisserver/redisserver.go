// Package redisserver runs a throwaway redis-server on a free loopback
// port: no persistence, its working directory a temp dir removed on Stop.
package redisserver

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/croupier-dev/croupier/devplatform/childproc"
)

// Server is a running redis-server.
type Server struct {
	// Addr is host:port on the loopback interface.
	Addr string
	proc *childproc.Process
	dir  string
}

// Start runs the redis-server binary (found in PATH when binary is a bare
// name) and waits until it answers PING.
func Start(ctx context.Context, binary string, out io.Writer) (*Server, error) {
	path, err := exec.LookPath(binary)
	if err != nil {
		return nil, fmt.Errorf("%s not found (install the Debian package with `make deps`): %w", binary, err)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	s := &Server{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port))}
	if s.dir, err = os.MkdirTemp("", "croupier-redis-"); err != nil {
		return nil, err
	}
	s.proc, err = childproc.Start(childproc.Spec{Name: "redis-server", Argv: append([]string{path}, args(port, s.dir)...), Dir: s.dir, Out: out})
	if err != nil {
		_ = os.RemoveAll(s.dir)
		return nil, err
	}
	if err := s.waitReady(ctx); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

func args(port int, dir string) []string {
	return []string{
		"--port", strconv.Itoa(port),
		"--bind", "127.0.0.1",
		"--protected-mode", "yes",
		"--dir", dir,
		// Nothing survives a restart: no snapshots, no append-only file.
		"--save", "",
		"--appendonly", "no",
		"--daemonize", "no",
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (s *Server) waitReady(ctx context.Context) error {
	c := redis.NewClient(&redis.Options{Addr: s.Addr, MaxRetries: -1})
	defer c.Close()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	for {
		if err := c.Ping(ctx).Err(); err == nil {
			return nil
		}
		select {
		case <-s.proc.Done():
			return s.proc.ExitError()
		case <-ctx.Done():
			return fmt.Errorf("redis-server on %s did not answer PING: %w", s.Addr, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Done is closed if redis-server exits.
func (s *Server) Done() <-chan struct{} { return s.proc.Done() }

// Err describes how redis-server ended.
func (s *Server) Err() error { return s.proc.ExitError() }

// Stop stops redis-server and removes its directory.
func (s *Server) Stop() {
	s.proc.Stop(5 * time.Second)
	_ = os.RemoveAll(s.dir)
}
