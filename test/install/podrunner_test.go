package install

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-logr/logr"

	"github.com/croupier-dev/croupier/controllers"
	"github.com/croupier-dev/croupier/devplatform/podrunner"
)

// startPodRunner runs game pods as local processes. It plays the kubelet,
// so it works as the admin, not as any of the chart's ServiceAccounts.
func startPodRunner(t testing.TB) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- podrunner.Run(ctx, env.admin, podrunner.Options{
			Binary: env.binary, Programs: map[string]string{controllers.GameServerProgram: env.gameserver}, DefaultArgs: []string{"gameserver"}, LogDir: filepath.Join(env.dir, "logs", "pods"),
			MaxGracePeriod: 2 * time.Second, VolumeSyncPeriod: time.Second, Log: logr.Discard(),
		})
	}()
	select {
	case err := <-done:
		cancel()
		t.Fatalf("pod runner stopped at start: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	return func() { cancel(); <-done }
}
