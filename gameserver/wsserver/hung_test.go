package wsserver_test

import (
	"context"
	"errors"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/room"
)

// A client that stops reading never stalls the room: the players play a
// whole match on while a spectator's socket is full (its buffers are made
// tiny, at both ends, so they fill within a match), and the spectator is
// cut off rather than waited for. Nothing here is timed: a room that waited on
// the spectator would leave the players without their events, and their
// reads would fail.
func TestHungClientDoesNotStallTheRoom(t *testing.T) {
	tb := newTable(t, 2,
		withSpectators(room.Spectators{Allowed: true, Max: 2}),
		withOptions(func(o *cassino.Options) { o.TargetScore = 60 }))
	bots := tb.seatAll()
	hung := tb.spectateWith(tinyReceiveBuffer, func() int64 { return bots[0].lastSeq })
	// The server's end too, or its send buffer grows to megabytes.
	server, ok := tb.conns.peerOf(hung.ws.LocalAddr()).(*net.TCPConn)
	if !ok {
		t.Fatal("the spectator's connection was not accepted over TCP")
	}
	if err := server.SetWriteBuffer(4096); err != nil {
		t.Fatal(err)
	}

	actions := 0
	for playTurn(t, bots) {
		actions++
	}
	if actions < 100 {
		t.Fatalf("the match lasted %d actions, too few to fill the spectator's socket", actions)
	}
	// The spectator reads what its socket still holds, then finds the
	// connection ended short of the match's last action.
	last := bots[0].lastSeq
	_ = hung.ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		_, raw, err := hung.ws.ReadMessage()
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("the hung spectator's connection is still open after the match (last seq read %d of %d)", hung.lastSeq, last)
		}
		if err != nil {
			break
		}
		hung.observe(raw)
	}
	if hung.lastSeq >= last {
		t.Fatalf("the hung spectator got every event up to %d: its socket never filled", last)
	}
	// PROTOCOL.md: a client cut off as too slow is counted in
	// croupier_game_slow_clients_total. The room counts it just after it
	// closes the connection, so the client may see the close first.
	for deadline := time.Now().Add(5 * time.Second); tb.metrics.SlowClients.Value() != 1; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("croupier_game_slow_clients_total = %v, want 1", tb.metrics.SlowClients.Value())
		}
	}
}

// tinyReceiveBuffer shrinks a client socket's receive buffer before it
// connects, so a client that stops reading fills it (and the server's
// send buffer) within a few frames.
func tinyReceiveBuffer(_, _ string, c syscall.RawConn) error {
	var err error
	if cerr := c.Control(func(fd uintptr) {
		err = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096)
	}); cerr != nil {
		return cerr
	}
	return err
}

// spectateWith is tb.spectate through a dialer whose sockets control
// sets up.
func (tb *table) spectateWith(control func(network, address string, c syscall.RawConn) error, table func() int64) *spectator {
	tb.t.Helper()
	d := net.Dialer{Control: control}
	dialer := websocket.Dialer{NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		return d.DialContext(ctx, network, addr)
	}}
	return tb.spectateVia(&dialer, table)
}
