package podrunner

import (
	"net"
	"testing"
)

// Two runners on one machine (two pools here, as two processes would be)
// never hand out the same address, though neither pod has bound it yet.
func TestAddressPoolsShareNoAddress(t *testing.T) {
	dir := t.TempDir()
	a, b := newAddressPool(), newAddressPool()
	a.lockDir, b.lockDir = dir, dir
	// Not the game port: the pools skip an address whose port is bound,
	// and game pods of other tests on this machine bind 7350 on the same
	// loopback addresses (they take them through another lock directory).
	port := freePort(t)
	seen := map[string]bool{}
	for range 5 {
		for _, p := range []*addressPool{a, b} {
			addr, err := p.take(port)
			if err != nil {
				t.Fatal(err)
			}
			if seen[addr.String()] {
				t.Fatalf("address %s handed out twice", addr)
			}
			seen[addr.String()] = true
		}
	}
	first := a.first
	a.release(first)
	again, err := b.take(port)
	if err != nil {
		t.Fatal(err)
	}
	if again != first {
		t.Errorf("a released address is free for the other runner: got %s, want %s", again, first)
	}
}

// An address some other process listens on is skipped.
func TestAddressPoolSkipsABoundAddress(t *testing.T) {
	p := newAddressPool()
	p.lockDir = t.TempDir()
	l, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := int32(l.Addr().(*net.TCPAddr).Port)
	addr, err := p.take(port)
	if err != nil {
		t.Fatal(err)
	}
	if addr.String() == "127.0.0.2" {
		t.Error("handed out an address whose port another process listens on")
	}
}

// freePort is a port nothing on 127.0.0.1 listens on now.
func freePort(t *testing.T) int32 {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return int32(l.Addr().(*net.TCPAddr).Port)
}
