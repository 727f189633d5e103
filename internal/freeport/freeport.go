// Package freeport finds loopback ports nothing listens on, for the
// servers the local platform and the tests start (redis-server, the
// operator's metrics and probe endpoints). The port is free when asked;
// the caller binds it right away.
package freeport

import (
	"fmt"
	"math/rand/v2"
	"net"
	"strconv"
)

// Port is a free port on 127.0.0.1.
func Port() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free loopback port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Addr is 127.0.0.1:<a free port>.
func Addr() (string, error) {
	port, err := Port()
	if err != nil {
		return "", err
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), nil
}

// Stable is a free loopback port below the kernel's ephemeral range (on
// Linux 32768 and up by default), for a server that stops and starts
// again on its port: in between, an outgoing connection of any process
// could take a port of that range as its local port (as can a listener
// on port 0), and the server could not come back.
func Stable() (int, error) {
	for range 200 {
		port := 20000 + rand.IntN(12000)
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			continue // taken
		}
		_ = l.Close()
		return port, nil
	}
	return Port()
}
