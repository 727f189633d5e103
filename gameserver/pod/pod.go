// Package pod runs a game pod: it reads the pod's contract, serves probes
// at once, recovers the room from Redis, seats the house bots and serves
// the players until SIGTERM. Both entry points run it: `croupier
// gameserver` and the lean `croupier-gameserver` binary, which links
// nothing of the other roles (see docs/GAMESERVER.md).
package pod

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/go-logr/logr"

	"github.com/croupier-dev/croupier/gameserver/config"
	"github.com/croupier-dev/croupier/gameserver/housebot"
	"github.com/croupier-dev/croupier/gameserver/metrics"
	"github.com/croupier-dev/croupier/gameserver/room"
	"github.com/croupier-dev/croupier/gameserver/wsserver"
	"github.com/croupier-dev/croupier/roomcontract/session"
)

// Run serves one room, configured by the pod contract's environment (see
// docs/GAMESERVER.md). It serves probes at once and the game once the room
// is recovered from Redis, and returns after SIGTERM once the players'
// connections are closed.
func Run(args []string) error {
	fs := flag.NewFlagSet("gameserver", flag.ContinueOnError)
	fs.Usage = func() {
		fs.Output().Write([]byte("usage: croupier gameserver\n\nConfigured by CROUPIER_* environment variables; see docs/GAMESERVER.md.\n"))
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return err
	}
	log := logr.FromSlogHandler(slog.NewJSONHandler(os.Stderr, nil)).WithValues("room", cfg.Room.Namespace+"/"+cfg.Room.Name, "pod", cfg.Pod)
	if limit, from := setMemoryLimit(os.Getenv, os.ReadFile); limit > 0 {
		log.Info("memory limit for the garbage collector", "bytes", limit, "from", from)
	}
	rdb, err := cfg.Redis.Client()
	if err != nil {
		return err
	}
	defer rdb.Close()

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()

	var keys atomic.Pointer[session.Keyring]
	keys.Store(cfg.Keys)
	go session.Reload(ctx, cfg.SessionKeysDir, &keys, session.ReloadPeriod, func(err error) {
		log.Error(err, "reload session keys; keeping the previous ones")
	})

	reg := metrics.NewRegistry()
	roomMetrics := room.NewMetrics(reg)
	srv := wsserver.New(wsserver.Config{
		RoomID:         cfg.Room.Namespace + "/" + cfg.Room.Name,
		Keys:           keys.Load,
		SessionTTL:     cfg.SessionTTL,
		AllowedOrigins: cfg.AllowedOrigins,
		Redis:          rdb,
		Registry:       reg,
		Metrics:        roomMetrics,
		Log:            log,
	})
	httpSrv := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	// Bound before it says so: a taken address is an error at once, not a
	// "listening" line followed by one.
	l, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.ListenAddr, err)
	}
	errc := make(chan error, 1)
	go func() { errc <- httpSrv.Serve(l) }()
	log.Info("listening", "addr", l.Addr().String())
	go warmCodecs()

	rm, err := openRoom(ctx, room.Config{
		Keys: cfg.Room, Options: cfg.Options, Redis: rdb, Log: log, Metrics: roomMetrics, Seed: cfg.Seed,
		Spectators:   cfg.Spectators,
		MatchStarted: cfg.MatchStarted,
		WaitReplicas: cfg.Redis.WaitReplicas,
		SessionTTL:   cfg.SessionTTL,
		StandInAfter: cfg.StandInAfter,
	}, log)
	if err != nil {
		return err
	}
	bots := housebot.New(housebot.Options{Room: rm, Config: cfg.Bots, Players: cfg.Options.Players, Log: log, StandIn: cfg.StandInAfter > 0})
	if err := bots.Seat(ctx); err != nil {
		return err
	}
	go bots.Run(ctx)
	srv.SetRoom(rm)
	log.Info("room recovered", "seq", rm.Seq(), "phase", rm.Phase(), "bots", cfg.Bots.Count)
	go rm.RunHeartbeat(ctx, cfg.Pod, cfg.HeartbeatPeriod)

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// Players first, with 1001, so they reconnect to the next pod at once.
	if err := srv.Shutdown(shutdown); err != nil {
		log.Error(err, "close the players' connections")
	}
	if err := httpSrv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// openRoom retries recovery until Redis answers: a pod that starts before
// Redis should become ready later, not crash-loop.
func openRoom(ctx context.Context, cfg room.Config, log logr.Logger) (*room.Room, error) {
	for wait := 250 * time.Millisecond; ; wait = min(wait*2, 10*time.Second) {
		rm, err := room.Open(ctx, cfg)
		if err == nil {
			return rm, nil
		}
		log.Error(err, "recover the room; retrying", "in", wait.String())
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
	}
}
