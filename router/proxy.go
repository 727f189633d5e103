package router

import (
	"errors"
	"io"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// writeBuffers are shared by every connection: an idle connection holds
// no write buffer.
var writeBuffers = &sync.Pool{}

// controlWait bounds writing a control frame (ping, pong, close).
const controlWait = time.Second

// writeWait bounds writing one message to either side: a peer that stops
// reading must not hold a goroutine forever.
const writeWait = 10 * time.Second

// maxPodMessage bounds what the router reads from a pod; pods send views
// of a few kilobytes.
const maxPodMessage = 1 << 20

// proxyConn is one player's websocket carried to a room's pod. Frames pass
// unchanged both ways, control frames included, so the pod's ping/pong
// judges the real client.
type proxyConn struct {
	r                  *Router
	room, endpoint, ip string
	client, pod        *websocket.Conn

	once   sync.Once
	reason string // why the router closed it, set once
}

// run carries frames until either side ends, then closes both.
func (c *proxyConn) run() {
	r := c.r
	if !r.conns.add(c) {
		c.closeWith(closeGoingAway, "the router is shutting down; reconnect", closeShutdown)
		r.conns.release(c.ip)
		return
	}
	defer func() {
		r.conns.remove(c)
		r.conns.release(c.ip)
		c.closeWith(websocket.CloseNormalClosure, "", closeClient)
		r.metrics.closes.WithLabelValues(c.reason).Inc()
	}()
	// The room may have moved between the lookup and the registration.
	if cur, _ := r.table.lookup(c.room); cur.endpoint != c.endpoint {
		c.closeWith(closeServiceRestart, "the room's pod is not serving (moving, restarting or waiting for its storage); reconnect", closeRoomMoved)
		return
	}
	c.client.SetReadLimit(r.limits.ReadLimit)
	c.pod.SetReadLimit(maxPodMessage)
	idle := r.limits.IdleTimeout
	_ = c.client.SetReadDeadline(time.Now().Add(idle))
	c.client.SetPingHandler(func(d string) error {
		_ = c.client.SetReadDeadline(time.Now().Add(idle))
		_ = c.pod.WriteControl(websocket.PingMessage, []byte(d), time.Now().Add(controlWait))
		return nil
	})
	c.client.SetPongHandler(func(d string) error {
		_ = c.client.SetReadDeadline(time.Now().Add(idle))
		_ = c.pod.WriteControl(websocket.PongMessage, []byte(d), time.Now().Add(controlWait))
		return nil
	})
	c.pod.SetPingHandler(func(d string) error {
		_ = c.client.WriteControl(websocket.PingMessage, []byte(d), time.Now().Add(controlWait))
		return nil
	})
	c.pod.SetPongHandler(func(d string) error {
		_ = c.client.WriteControl(websocket.PongMessage, []byte(d), time.Now().Add(controlWait))
		return nil
	})
	podDone := make(chan struct{})
	go func() {
		defer close(podDone)
		c.podToClient()
	}()
	c.clientToPod()
	<-podDone
}

func (c *proxyConn) clientToPod() {
	m := c.r.metrics
	toPod := m.bytes.WithLabelValues("to_pod")
	for {
		mt, rd, err := c.client.NextReader()
		if err != nil {
			c.clientEnded(err)
			return
		}
		start := time.Now()
		_ = c.client.SetReadDeadline(start.Add(c.r.limits.IdleTimeout))
		n, err := forward(c.pod, mt, rd, start)
		if errors.Is(err, websocket.ErrReadLimit) {
			c.closeWith(websocket.CloseMessageTooBig, "message too large", closeTooLarge)
			return
		}
		if err != nil {
			c.podEnded(err)
			return
		}
		toPod.Add(float64(n))
		m.addedLatency.Observe(time.Since(start).Seconds())
	}
}

func (c *proxyConn) podToClient() {
	m := c.r.metrics
	toClient := m.bytes.WithLabelValues("to_client")
	for {
		mt, rd, err := c.pod.NextReader()
		if err != nil {
			c.podEnded(err)
			return
		}
		start := time.Now()
		n, err := forward(c.client, mt, rd, start)
		if err != nil {
			c.closeWith(websocket.CloseGoingAway, "", closeClient)
			return
		}
		toClient.Add(float64(n))
		m.addedLatency.Observe(time.Since(start).Seconds())
	}
}

// forward copies one message to dst.
func forward(dst *websocket.Conn, mt int, rd io.Reader, now time.Time) (int64, error) {
	_ = dst.SetWriteDeadline(now.Add(writeWait))
	w, err := dst.NextWriter(mt)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(w, rd)
	if err != nil {
		// Closing the writer would send a truncated message as whole;
		// the connection is dropped instead.
		return n, err
	}
	return n, w.Close()
}

// clientEnded passes the client's close to the pod (or says why the
// client is gone).
func (c *proxyConn) clientEnded(err error) {
	var ce *websocket.CloseError
	switch {
	case errors.As(err, &ce):
		c.once.Do(func() {
			c.reason = closeClient
			_ = c.pod.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(ce.Code, ce.Text), time.Now().Add(controlWait))
			c.closeBoth()
		})
	case errors.Is(err, websocket.ErrReadLimit):
		// The library already told the client 1009.
		c.closeWith(websocket.CloseMessageTooBig, "message too large", closeTooLarge)
	case isTimeout(err):
		c.closeWith(websocket.CloseGoingAway, "idle timeout", closeIdle)
	default:
		c.closeWith(websocket.CloseGoingAway, "", closeClient)
	}
}

// podEnded passes the pod's close to the client. A pod that vanished
// (no close frame) or went away (1001) is a room moving to a new pod:
// the client is told 1012 and reconnects.
func (c *proxyConn) podEnded(err error) {
	var ce *websocket.CloseError
	if errors.As(err, &ce) && ce.Code != websocket.CloseGoingAway && ce.Code != websocket.CloseAbnormalClosure {
		c.once.Do(func() {
			c.reason = closePod
			_ = c.client.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(ce.Code, ce.Text), time.Now().Add(controlWait))
			c.closeBoth()
		})
		return
	}
	c.closeWith(closeServiceRestart, "the room's pod is not serving (moving, restarting or waiting for its storage); reconnect", closeRoomMoved)
}

// closeWith closes the client with code and text and drops the pod side,
// once; later calls do nothing.
func (c *proxyConn) closeWith(code int, text, reason string) {
	c.once.Do(func() {
		c.reason = reason
		if c.client != nil {
			_ = c.client.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(controlWait))
		}
		_ = c.pod.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, ""), time.Now().Add(controlWait))
		c.closeBoth()
	})
}

func (c *proxyConn) closeBoth() {
	if c.client != nil {
		_ = c.client.Close()
	}
	_ = c.pod.Close()
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}
