package router

import (
	"sync"
)

// connSet is every proxied websocket of this router, by room and by
// client address. http.Server.Shutdown forgets hijacked connections
// (golang/go#17721), so closing them on moves and at shutdown is ours.
type connSet struct {
	mu       sync.Mutex
	byRoom   map[string]map[*proxyConn]struct{}
	perIP    map[string]int
	total    int
	closed   bool // shutting down: no new connection is admitted
	maxTotal int
	maxPerIP int
	onChange func(total int)
}

func newConnSet(maxTotal, maxPerIP int, onChange func(int)) *connSet {
	return &connSet{byRoom: map[string]map[*proxyConn]struct{}{}, perIP: map[string]int{},
		maxTotal: maxTotal, maxPerIP: maxPerIP, onChange: onChange}
}

// reserve takes a slot for ip before the pod is dialled, or says why not.
func (s *connSet) reserve(ip string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closed:
		return CodeShuttingDown
	case s.total >= s.maxTotal:
		return CodeTooManyConns
	case s.perIP[ip] >= s.maxPerIP:
		return CodeTooManyConnsFromIP
	}
	s.total++
	s.perIP[ip]++
	s.onChange(s.total)
	return ""
}

// release gives back a slot taken by reserve.
func (s *connSet) release(ip string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.total--
	if s.perIP[ip]--; s.perIP[ip] <= 0 {
		delete(s.perIP, ip)
	}
	s.onChange(s.total)
}

// add registers an established connection; false when the router is
// shutting down, and the caller closes it.
func (s *connSet) add(c *proxyConn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	m := s.byRoom[c.room]
	if m == nil {
		m = map[*proxyConn]struct{}{}
		s.byRoom[c.room] = m
	}
	m[c] = struct{}{}
	return true
}

func (s *connSet) remove(c *proxyConn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m := s.byRoom[c.room]; m != nil {
		delete(m, c)
		if len(m) == 0 {
			delete(s.byRoom, c.room)
		}
	}
}

// of returns the connections of a room.
func (s *connSet) of(room string) []*proxyConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*proxyConn, 0, len(s.byRoom[room]))
	for c := range s.byRoom[room] {
		out = append(out, c)
	}
	return out
}

// shut refuses new connections and returns every open one.
func (s *connSet) shut() []*proxyConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	var out []*proxyConn
	for _, m := range s.byRoom {
		for c := range m {
			out = append(out, c)
		}
	}
	return out
}

func (s *connSet) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total
}
