package podrunner

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"syscall"
)

// addressPool hands every pod its own loopback address (127.0.0.2,
// 127.0.0.3, ...), so each can listen on the same port as in a cluster.
// Linux routes all of 127.0.0.0/8 to the loopback interface.
//
// Several runners may share a machine (two local platforms, test packages
// run in parallel). Checking that an address is free is not enough: the
// pod binds it only later, so two runners could both pick it. Each
// address is therefore also held by an exclusive lock on a file named
// after it, which the kernel drops when the runner's process dies.
type addressPool struct {
	mu      sync.Mutex
	inUse   map[netip.Addr]*os.File
	first   netip.Addr
	prefix  netip.Prefix
	lockDir string
}

func newAddressPool() *addressPool {
	return &addressPool{
		inUse:   map[netip.Addr]*os.File{},
		first:   netip.MustParseAddr("127.0.0.2"),
		prefix:  netip.MustParsePrefix("127.0.0.0/8"),
		lockDir: filepath.Join(os.TempDir(), fmt.Sprintf("croupier-podrunner-addresses-%d", os.Getuid())),
	}
}

var errPoolExhausted = errors.New("no free loopback address left")

// take reserves the lowest free address on which port can be bound; an
// address another runner holds, or a process from an earlier run still
// listens on, is skipped.
func (p *addressPool) take(port int32) (netip.Addr, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := os.MkdirAll(p.lockDir, 0o700); err != nil {
		return netip.Addr{}, fmt.Errorf("address locks: %w", err)
	}
	for a := p.first; p.prefix.Contains(a); a = a.Next() {
		if p.inUse[a] != nil || a.As4()[3] == 0 || a.As4()[3] == 255 {
			continue
		}
		lock, ok := p.lock(a)
		if !ok {
			continue
		}
		if !bindable(a, port) {
			_ = lock.Close()
			continue
		}
		p.inUse[a] = lock
		return a, nil
	}
	return netip.Addr{}, errPoolExhausted
}

// lock takes the address's lock file without waiting; ok is false when
// another runner holds it.
func (p *addressPool) lock(a netip.Addr) (*os.File, bool) {
	f, err := os.OpenFile(filepath.Join(p.lockDir, a.String()), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, false
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		return nil, false
	}
	return f, true
}

func (p *addressPool) release(a netip.Addr) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if lock := p.inUse[a]; lock != nil {
		_ = lock.Close()
	}
	delete(p.inUse, a)
}

func bindable(a netip.Addr, port int32) bool {
	l, err := net.Listen("tcp", netip.AddrPortFrom(a, uint16(port)).String())
	if err != nil {
		return false
	}
	_ = l.Close()
	return true
}

func listenAddr(a netip.Addr, port int32) string {
	return fmt.Sprintf("%s:%d", a, port)
}
