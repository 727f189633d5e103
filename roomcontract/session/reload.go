package session

import (
	"context"
	"sync/atomic"
	"time"
)

// ReloadPeriod is how often the game pod and the router reread their
// session-key directory (docs/GAMESERVER.md, docs/ROUTER.md).
const ReloadPeriod = 30 * time.Second

// Reload rereads dir every period into keys until ctx ends, so keys added
// to (or removed from) the mounted Secret take effect without a restart.
// A directory that fails to read keeps the keys in force; onError hears why.
func Reload(ctx context.Context, dir string, keys *atomic.Pointer[Keyring], period time.Duration, onError func(error)) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		k, err := ReadKeyDir(dir)
		if err != nil {
			onError(err)
			continue
		}
		keys.Store(k)
	}
}
