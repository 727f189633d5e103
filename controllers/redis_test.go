package controllers

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisServer is a real redis-server on a fixed loopback port that a test
// can stop and start again, to play a Redis outage the operator lives through.
type redisServer struct {
	addr string
	dir  string
	cmd  *exec.Cmd
}

func startRedis() (*redisServer, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	_ = l.Close()
	dir, err := os.MkdirTemp("", "croupier-redis-")
	if err != nil {
		return nil, err
	}
	s := &redisServer{addr: addr, dir: dir}
	return s, s.start()
}

func (s *redisServer) start() error {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return fmt.Errorf("redis-server is not installed: run `make deps`: %w", err)
	}
	_, port, _ := net.SplitHostPort(s.addr)
	s.cmd = exec.Command(bin, "--port", port, "--bind", "127.0.0.1", "--dir", s.dir,
		"--save", "", "--appendonly", "no")
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("start redis-server: %w", err)
	}
	c := redis.NewClient(&redis.Options{Addr: s.addr, MaxRetries: -1})
	defer c.Close()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if c.Ping(context.Background()).Err() == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("redis-server on %s did not answer", s.addr)
		}
	}
}

// stop kills the server: every key is lost, as with a Redis that restarts
// without persistence.
func (s *redisServer) stop() {
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
}

func (s *redisServer) close() {
	s.stop()
	_ = os.RemoveAll(s.dir)
}
