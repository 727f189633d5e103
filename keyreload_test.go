package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-logr/logr"
	. "github.com/onsi/gomega"

	"github.com/croupier-dev/croupier/roomcontract/session"
)

// A key added to the mounted directory signs new tokens and the old one
// still verifies, without a restart; a directory that breaks keeps the
// keys in force, so nobody is logged out by a bad rotation.
func TestSessionKeysRotateWithoutARestart(t *testing.T) {
	g := NewWithT(t)
	dir := t.TempDir()
	write := func(id, fill string) {
		g.Expect(os.WriteFile(filepath.Join(dir, id), []byte(strings.Repeat(fill, 32)), 0o600)).To(Succeed())
	}
	write("2026-01-01", "a")
	first, err := session.ReadKeyDir(dir)
	g.Expect(err).NotTo(HaveOccurred())
	var keys atomic.Pointer[session.Keyring]
	keys.Store(first)
	now := time.Now()
	old, _, err := first.Issue(session.Claims{Room: "ns/r", PlayerID: "p1", Seat: 0}, now, time.Hour)
	g.Expect(err).NotTo(HaveOccurred())

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go reloadKeys(ctx, dir, &keys, logr.Discard(), 10*time.Millisecond)

	write("2026-02-01", "b")
	g.Eventually(func() string { return keys.Load().SigningKeyID() }, 5*time.Second).Should(Equal("2026-02-01"))
	_, err = keys.Load().Verify(old, "ns/r", now)
	g.Expect(err).NotTo(HaveOccurred(), "a token signed by the older key still verifies")

	// A key too short to be used breaks the directory: the keys in force stay.
	g.Expect(os.WriteFile(filepath.Join(dir, "2026-03-01"), []byte("short"), 0o600)).To(Succeed())
	g.Consistently(func() string { return keys.Load().SigningKeyID() }, 200*time.Millisecond).Should(Equal("2026-02-01"))
}
