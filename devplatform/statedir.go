package devplatform

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
)

// stateDir is the platform's working directory (.croupier by default):
// the kubeconfig, component logs and game pod logs. Nothing in it belongs
// in git, and nothing in it outlives the cluster it describes.
type stateDir struct {
	root string
	lock *os.File

	mu    sync.Mutex
	files []*os.File
}

func openStateDir(root string) (*stateDir, error) {
	for _, d := range []string{root, filepath.Join(root, "logs"), filepath.Join(root, "pods")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("create %s: %w", d, err)
		}
	}
	if err := os.WriteFile(filepath.Join(root, ".gitignore"), []byte("# written by croupier dev\n*\n"), 0o600); err != nil {
		return nil, err
	}
	s := &stateDir{root: root}
	if err := s.acquire(); err != nil {
		return nil, err
	}
	// Logs of an earlier run describe a cluster that no longer exists.
	for _, d := range []string{"logs", "pods"} {
		old, _ := filepath.Glob(filepath.Join(root, d, "*.log"))
		for _, f := range old {
			_ = os.Remove(f)
		}
	}
	return s, nil
}

// acquire takes an exclusive lock on the directory: two platforms would
// share its files and its loopback addresses.
func (s *stateDir) acquire() error {
	f, err := os.OpenFile(filepath.Join(s.root, "dev.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := io.ReadAll(f)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return fmt.Errorf("another croupier dev is already running with state in %s (pid %s); stop it first", s.root, strings.TrimSpace(string(holder)))
		}
		return fmt.Errorf("lock %s: %w", s.root, err)
	}
	_ = f.Truncate(0)
	_, _ = fmt.Fprintf(f, "%d\n", os.Getpid())
	s.lock = f
	return nil
}

func (s *stateDir) path(elem ...string) string {
	return filepath.Join(append([]string{s.root}, elem...)...)
}

// logFile opens logs/<component>.log; the same component always gets the
// same file.
func (s *stateDir) logFile(component string) io.Writer {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := s.path("logs", component+".log")
	for _, f := range s.files {
		if f.Name() == name {
			return f
		}
	}
	f, err := os.OpenFile(name, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return io.Discard
	}
	s.files = append(s.files, f)
	return f
}

// tail returns the last n lines of a component's log, to show why it died.
func (s *stateDir) tail(component string, n int) string {
	b, err := os.ReadFile(s.path("logs", component+".log"))
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func (s *stateDir) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.files {
		_ = f.Close()
	}
	if s.lock != nil {
		_ = os.Remove(s.lock.Name())
		_ = s.lock.Close()
	}
}
