// Package freeport finds loopback ports nothing listens on, for the
// servers the local platform and the tests start (redis-server, the
// operator's metrics and probe endpoints). The port is free when asked;
// the caller binds it right away.
package freeport

import (
	"fmt"
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
