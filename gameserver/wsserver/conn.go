package wsserver

import (
	"errors"
	"net"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// conn is one player's websocket. Frames go out in the order they were
// sent. When nothing is queued and nothing is being written, Send writes
// the frame itself, on the caller's goroutine: on the common path (a
// frame per action to a client that keeps up) that saves waking the
// writer goroutine, a hand-off that costs most on loaded cores. Otherwise
// the frame is queued for writeLoop, which also owns pings and the close.
// The room never waits long on a client: Send never waits for another
// write, a direct write has directWriteWait, and a full queue drops the
// client.
type conn struct {
	ws   *websocket.Conn
	send chan []byte
	// wmu is held by whoever writes to ws. qmu guards queued: the frames
	// in send or in the writer's hands, so a direct write never
	// overtakes one.
	wmu      sync.Mutex
	qmu      sync.Mutex
	queued   int
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

// directWriteWait bounds a write made on the caller's goroutine, which
// may hold the room. Such a write only waits when the client's socket
// buffers are full, i.e. when it has stopped reading for a long while. A
// write that times out has cut a frame short, so the client is dropped as
// too slow, as when its queue fills.
const directWriteWait = 100 * time.Millisecond

// Send writes or queues a frame; false when the client is too slow (its
// queue is full, or a direct write timed out). Frames sent after Close
// are dropped: the client will catch up when it reconnects.
func (c *conn) Send(frame []byte) bool {
	if c.closed() {
		return true
	}
	c.qmu.Lock()
	if c.queued == 0 && !c.closed() && c.wmu.TryLock() {
		c.qmu.Unlock()
		defer c.wmu.Unlock()
		return c.writeDirect(frame)
	}
	defer c.qmu.Unlock()
	select {
	case c.send <- frame:
		c.queued++
		return true
	default:
		return false
	}
}

// writeDirect writes frame on the caller's goroutine; c.wmu is held.
func (c *conn) writeDirect(frame []byte) bool {
	_ = c.ws.SetWriteDeadline(time.Now().Add(directWriteWait))
	err := c.ws.WriteMessage(websocket.TextMessage, frame)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false
	}
	if err != nil {
		c.Close(websocket.CloseAbnormalClosure, "") // the client is gone
	}
	return true
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

// pingPeriod leaves a pong a tenth of pongWait to arrive before the
// connection counts as silent.
func pingPeriod(pongWait time.Duration) time.Duration { return pongWait * 9 / 10 }

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
			if err = c.write(websocket.TextMessage, frame, writeWait, true); err != nil {
				c.Close(websocket.CloseAbnormalClosure, "")
				return
			}
		case <-ping.C:
			if err = c.write(websocket.PingMessage, nil, writeWait, false); err != nil {
				c.Close(websocket.CloseAbnormalClosure, "")
				return
			}
		case <-c.done:
			c.wmu.Lock()
			err = c.flushAndClose(writeWait)
			c.wmu.Unlock()
			return
		}
	}
}

// write is one of the writer's writes; dequeued says it is a frame taken
// from send.
func (c *conn) write(kind int, frame []byte, writeWait time.Duration, dequeued bool) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(writeWait))
	err := c.ws.WriteMessage(kind, frame)
	if dequeued {
		c.dequeued()
	}
	return err
}

// dequeued counts a queued frame written (or given up); c.wmu is held
// until after it, so no direct write starts in between.
func (c *conn) dequeued() {
	c.qmu.Lock()
	c.queued--
	c.qmu.Unlock()
}

// flushAndClose writes what is still queued (an error frame explaining
// the close, typically), then the close frame, all within one deadline so
// a stuck client cannot hold the writer; c.wmu is held.
func (c *conn) flushAndClose(writeWait time.Duration) error {
	_ = c.ws.SetWriteDeadline(time.Now().Add(writeWait))
	for {
		select {
		case frame := <-c.send:
			err := c.ws.WriteMessage(websocket.TextMessage, frame)
			c.dequeued()
			if err != nil {
				return err
			}
			continue
		default:
		}
		break
	}
	return c.ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(c.closeCode, c.closeReason))
}
