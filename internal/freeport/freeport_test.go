package freeport

import (
	"net"
	"strconv"
	"testing"

	. "github.com/onsi/gomega"
)

func TestAddrIsOnLoopbackAndBindable(t *testing.T) {
	g := NewWithT(t)
	addr, err := Addr()
	g.Expect(err).NotTo(HaveOccurred())
	host, _, err := net.SplitHostPort(addr)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(host).To(Equal("127.0.0.1"))
	l, err := net.Listen("tcp", addr)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(l.Close()).To(Succeed())
}

func TestPortIsBindable(t *testing.T) {
	g := NewWithT(t)
	port, err := Port()
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(port).To(BeNumerically(">", 0))
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(l.Close()).To(Succeed())
}

func TestStableIsBelowTheEphemeralRangeAndBindable(t *testing.T) {
	g := NewWithT(t)
	port, err := Stable()
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(port).To(BeNumerically("<", 32768), "an outgoing connection could take a port of the ephemeral range")
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	g.Expect(err).NotTo(HaveOccurred())
	l.Close()
}
