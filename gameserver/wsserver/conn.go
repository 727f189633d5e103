package wsserver

import (
	"errors"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// conn is one player's websocket. Only writeLoop writes to it, so frames
// go out in the order the room queued them; the room never blocks on a
// client, it only queues (and drops the client when the queue is full).
type conn struct {
	ws       *websocket.Conn
	send     chan []byte
	done     chan struct{}
	once     sync.Once
	readDone chan struct{} // closed when the reader returns
	// closeSent is closed once the writer wrote the close frame (or
	// failed to); writerDone once it closed the socket.
	closeSent  chan struct{}
	writerDone chan struct{}

	closeCode   int // set once, before done closes
	closeReason string
}

func newConn(ws *websocket.Conn, queue int) *conn {
	return &conn{ws: ws, send: make(chan []byte, queue), done: make(chan struct{}), readDone: make(chan struct{}), closeSent: make(chan struct{}), writerDone: make(chan struct{})}
}

// Send queues a frame; false when the queue is full. Frames sent after
// Close are dropped: the client will catch up when it reconnects.
func (c *conn) Send(frame []byte) bool {
	select {
	case <-c.done:
		return true
	default:
	}
	select {
	case c.send <- frame:
		return true
	default:
		return false
	}
}

// Close asks the writer to send a close frame and end the connection.
func (c *conn) Close(code int, reason string) {
	c.once.Do(func() {
		c.closeCode, c.closeReason = code, reason
		close(c.done)
	})
}

func (c *conn) closed() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// writeLoop owns every write to the websocket, pings included.
func (c *conn) writeLoop(pingPeriod, writeWait time.Duration) {
	ping := time.NewTicker(pingPeriod)
	var err error
	defer func() {
		close(c.closeSent)
		ping.Stop()
		// After a close frame, the reader drains what the client still
		// sends until it answers; closing the socket under unread bytes
		// would reset the connection and lose the close frame. A failed
		// write means the client is gone: close at once.
		if err == nil || errors.Is(err, websocket.ErrCloseSent) {
			select {
			case <-c.readDone:
			case <-time.After(writeWait):
			}
		}
		_ = c.ws.Close()
		close(c.writerDone)
	}()
	for {
		select {
		case frame := <-c.send:
			_ = c.ws.SetWriteDeadline(time.Now().Add(writeWait))
			if err = c.ws.WriteMessage(websocket.TextMessage, frame); err != nil {
				c.Close(websocket.CloseAbnormalClosure, "")
				return
			}
		case <-ping.C:
			_ = c.ws.SetWriteDeadline(time.Now().Add(writeWait))
			if err = c.ws.WriteMessage(websocket.PingMessage, nil); err != nil {
				c.Close(websocket.CloseAbnormalClosure, "")
				return
			}
		case <-c.done:
			err = c.flushAndClose(writeWait)
			return
		}
	}
}

// flushAndClose writes what is still queued (an error frame explaining
// the close, typically), then the close frame, all within one deadline so
// a stuck client cannot hold the writer.
func (c *conn) flushAndClose(writeWait time.Duration) error {
	_ = c.ws.SetWriteDeadline(time.Now().Add(writeWait))
	for {
		select {
		case frame := <-c.send:
			if err := c.ws.WriteMessage(websocket.TextMessage, frame); err != nil {
				return err
			}
			continue
		default:
		}
		break
	}
	return c.ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(c.closeCode, c.closeReason))
}
