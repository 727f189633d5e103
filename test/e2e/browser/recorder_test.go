package browser

import (
	"fmt"
	"sync"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
)

// frame is one websocket message a page sent or received.
type frame struct {
	sent    bool
	payload string
}

// recorder keeps what one tab saw on the network. Its listen runs in
// chromedp's read loop, so it only appends under a lock.
type recorder struct {
	mu       sync.Mutex
	frames   []frame
	sockets  []string
	requests []string
	statuses map[string][]int64
	thrown   []string
}

func newRecorder() *recorder {
	return &recorder{statuses: map[string][]int64{}}
}

func (r *recorder) listen(ev any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventWebSocketFrameReceived:
		if ev.Response != nil && ev.Response.Opcode == 1 {
			r.frames = append(r.frames, frame{payload: string(ev.Response.PayloadData)})
		}
	case *network.EventWebSocketFrameSent:
		if ev.Response != nil && ev.Response.Opcode == 1 {
			r.frames = append(r.frames, frame{sent: true, payload: string(ev.Response.PayloadData)})
		}
	case *network.EventWebSocketCreated:
		r.sockets = append(r.sockets, ev.URL)
	case *network.EventRequestWillBeSent:
		if ev.Request != nil {
			r.requests = append(r.requests, ev.Request.URL)
		}
	case *network.EventResponseReceived:
		if ev.Response != nil {
			r.statuses[ev.Response.URL] = append(r.statuses[ev.Response.URL], ev.Response.Status)
		}
	case *runtime.EventExceptionThrown:
		if d := ev.ExceptionDetails; d != nil {
			msg := d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				msg = d.Exception.Description
			}
			r.thrown = append(r.thrown, fmt.Sprintf("%s (%s:%d)", msg, d.URL, d.LineNumber+1))
		}
	}
}

// received returns the text frames the page received, in order.
func (r *recorder) received() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, f := range r.frames {
		if !f.sent {
			out = append(out, f.payload)
		}
	}
	return out
}

// sent returns the text frames the page sent, in order.
func (r *recorder) sent() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, f := range r.frames {
		if f.sent {
			out = append(out, f.payload)
		}
	}
	return out
}

func (r *recorder) requestURLs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.requests...)
}

func (r *recorder) statusesOf(url string) []int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]int64(nil), r.statuses[url]...)
}

func (r *recorder) exceptions() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.thrown...)
}
