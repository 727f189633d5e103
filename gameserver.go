package main

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"

	"github.com/croupier-dev/croupier/gameserver/pod"
	"github.com/croupier-dev/croupier/roomcontract/session"
)

func init() {
	roles["gameserver"] = role{summary: "serve one game room (runs in the room's pod)", run: pod.Run}
}

// keyReloadPeriod is how often the game pod and the router reread their
// session-key directory (docs/GAMESERVER.md, docs/ROUTER.md).
const keyReloadPeriod = session.ReloadPeriod

// reloadKeys picks up keys added to (or removed from) the mounted Secret,
// every period, so a rotation needs no restart. A broken directory keeps
// the old keys.
func reloadKeys(ctx context.Context, dir string, keys *atomic.Pointer[session.Keyring], log logr.Logger, period time.Duration) {
	session.Reload(ctx, dir, keys, period, func(err error) {
		log.Error(err, "reload session keys; keeping the previous ones")
	})
}
