package podrunner

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
)

// addressPool hands every pod its own loopback address (127.0.0.2,
// 127.0.0.3, ...), so each can listen on the same port as in a cluster.
// Linux routes all of 127.0.0.0/8 to the loopback interface.
type addressPool struct {
	mu     sync.Mutex
	inUse  map[netip.Addr]bool
	first  netip.Addr
	prefix netip.Prefix
}

func newAddressPool() *addressPool {
	return &addressPool{
		inUse:  map[netip.Addr]bool{},
		first:  netip.MustParseAddr("127.0.0.2"),
		prefix: netip.MustParsePrefix("127.0.0.0/8"),
	}
}

var errPoolExhausted = errors.New("no free loopback address left")

// take reserves the lowest free address on which port can be bound; an
// address still held by a process from an earlier run is skipped.
func (p *addressPool) take(port int32) (netip.Addr, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for a := p.first; p.prefix.Contains(a); a = a.Next() {
		if p.inUse[a] || a.As4()[3] == 0 || a.As4()[3] == 255 {
			continue
		}
		if !bindable(a, port) {
			continue
		}
		p.inUse[a] = true
		return a, nil
	}
	return netip.Addr{}, errPoolExhausted
}

func (p *addressPool) release(a netip.Addr) {
	p.mu.Lock()
	defer p.mu.Unlock()
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
