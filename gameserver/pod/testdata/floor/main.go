// Command floor is the least a game pod could be, for the benchmarks of
// package pod to measure beside it: an HTTP server whose /readyz answers
// once Redis does, and whose /ws echoes websocket messages, built with
// the same websocket and Redis libraries, and no game.
package main

import (
	"context"
	"log"
	"net/http"
	"os"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/redis/go-redis/v9"
)

func main() {
	rdb := redis.NewClient(&redis.Options{Addr: os.Getenv("FLOOR_REDIS")})
	var ready atomic.Bool
	up := websocket.Upgrader{}
	mux := http.NewServeMux()
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		if !ready.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	})
	mux.HandleFunc("/ws", func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		for {
			kind, msg, err := ws.ReadMessage()
			if err != nil || ws.WriteMessage(kind, msg) != nil {
				return
			}
		}
	})
	go func() {
		for rdb.Ping(context.Background()).Err() != nil {
			time.Sleep(10 * time.Millisecond)
		}
		ready.Store(true)
	}()
	log.Fatal(http.ListenAndServe(os.Getenv("FLOOR_ADDR"), mux))
}
